"""Hostile and unlucky moments: floods, oversized messages, a failing handler, a Bot API server
without per-chat commands, and the class teacher's and coordinator's paper work."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import Fault
from core.model.identity import ConsentAnswer
from core.services import consent, identity
from tests.e2e.conftest import App


async def test_a_flood_is_cut_and_told_once(app: App) -> None:
    flooder = app.emu.user(id=4040, first_name="Флуд")
    for i in range(25):
        await flooder.send(f"сообщение {i}")
    # 20 answers within the limit (20 per 10 s) and one warning; the last 4 get nothing
    for _ in range(21):
        await flooder.wait_for_message(timeout=5)
    await asyncio.sleep(0.3)  # a 22nd answer would have arrived by now
    answers = [m.text or "" for m in flooder.messages]
    assert sum("Слишком много сообщений" in a for a in answers) == 1
    assert sum("не похоже на код" in a for a in answers) == 20


async def test_an_oversized_message_is_refused_politely(app: App) -> None:
    sender = app.emu.user(id=4041, first_name="Длинный")
    await sender.send("х" * 5000)
    answer = await sender.wait_for_message()
    assert "слишком длинное" in (answer.text or "")


async def test_a_failing_handler_answers_with_an_error_number(
    app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("bot.routers.start.redeem_code", broken)
    user = app.emu.user(id=4042, first_name="Невезучий")
    await user.send("aaaa-bbbb-cccc-dddd")
    answer = await user.wait_for_message()
    assert "Что-то пошло не так" in (answer.text or "")
    number = (answer.text or "").rsplit(": ", 1)[1].rstrip(".")
    assert len(number) == 8
    assert number in caplog.text and "database on fire" in caplog.text


async def test_a_server_without_per_chat_commands_does_not_stop_the_bot(app: App) -> None:
    app.emu.inject_fault(
        "setMyCommands", Fault(400, "Bad Request: method not supported"), times=None
    )
    kuznetsova = app.emu.user(id=1000, first_name="Анна")
    await app.connect(kuznetsova, await app.staff_code("Кузнецова"))
    menu = await kuznetsova.wait_for_message()
    assert "Выберите действие" in (menu.text or "")


async def test_class_teacher_records_a_paper_refusal(app: App) -> None:
    ivanova = app.emu.user(id=1001, first_name="Мария")
    await app.connect(ivanova, await app.staff_code("Иванова"))
    await ivanova.wait_for_message()
    await ivanova.send("/consents")
    await ivanova.wait_for_message()
    pick = await ivanova.wait_for_message()
    await ivanova.press(pick, "Борисов Павел")
    ask = await ivanova.wait_for_message()
    assert ask.button_texts == ["✍️ Бумажное согласие", "✍️ Бумажный отказ"]
    await ivanova.press(ask, "✍️ Бумажный отказ")
    done = await ivanova.wait_for_message()
    assert "Борисов Павел — отказ (на бумаге)" in (done.text or "")
    async with app.db.uow() as uow:
        record = await consent.latest_consent(uow, app.school.guardians["Борисов Павел"])
    assert record is not None and record.answer is ConsentAnswer.REFUSED


async def test_coordinator_unbinds_an_account_in_the_bot(app: App) -> None:
    async with app.db.uow() as uow:
        from core.model.people import StaffMember, StaffRole
        from core.services.audit_log import audited_update

        member = await uow.repo(StaffMember).get(app.school.staff["Кузнецова"])
        assert member is not None
        audited_update(uow, "cli:test", member, {"roles": [StaffRole.COORDINATOR]})
        await uow.commit()
    coordinator = app.emu.user(id=1000, first_name="Анна")
    await app.connect(coordinator, await app.staff_code("Кузнецова"))
    ivanova = app.emu.user(id=1001, first_name="Мария")
    await app.connect(ivanova, await app.staff_code("Иванова"))
    menu = await coordinator.wait_for_message()
    await coordinator.press(menu, "👥 Подключённые аккаунты")
    accounts = await coordinator.wait_for_message()
    target = next(t for t in accounts.button_texts if t.startswith("Иванова"))
    await coordinator.press(accounts, target)
    confirm = await coordinator.wait_for_message()
    await coordinator.press(confirm, "Да, отключить")
    assert "Аккаунт отключён" in ((await coordinator.wait_for_message()).text or "")
    await ivanova.send("/menu")
    assert "пришлите код доступа" in ((await ivanova.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        assert await identity.resolve_actor(uow, 1001) is None
