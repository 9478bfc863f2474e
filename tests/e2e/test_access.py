"""Connecting to the bot with access codes, consent, roles, and forged buttons — as people do it,
through the real Dispatcher over HTTP."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot.callbacks import ChildCb, PaperCb
from core.model.identity import ConsentAnswer
from core.services import consent
from core.services.identity import resolve_actor
from tests.e2e.conftest import App

MOTHER = "Алексеева Ольга Ивановна"


async def test_a_stranger_gets_a_greeting_and_a_request_for_a_code(app: App) -> None:
    stranger = app.emu.user(id=900, first_name="Незнакомец")
    await stranger.send("/start")
    greeting = await stranger.wait_for_message()
    assert "пришлите код доступа" in (greeting.text or "")
    await stranger.send("покажите оценки Борисовой")
    answer = await stranger.wait_for_message()
    assert "не похоже на код" in (answer.text or "")
    assert "Борисов" not in (answer.text or "")


async def test_a_code_is_redeemed_once_then_refused(app: App) -> None:
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await mother.send(f"/start {codes[MOTHER]}")
    welcome = await mother.wait_for_message()
    assert "Вы подключены: Алексеева О. И., родитель" in (welcome.text or "")
    ask = await mother.wait_for_message()
    assert "152-ФЗ" in (ask.text or "") and ask.button_texts == ["✅ Согласен", "❌ Не согласен"]
    thief = app.emu.user(id=2999, first_name="Чужой")
    await thief.send(f"/start {codes[MOTHER]}")
    refused = await thief.wait_for_message()
    assert "уже использован" in (refused.text or "")


async def test_an_expired_code_is_explained(app: App) -> None:
    codes = await app.guardian_codes("5А")
    app.clock.advance(days=15)
    father = app.emu.user(id=2002, first_name="Павел")
    await father.send(codes["Борисов Павел"].upper())  # typed by hand, in capitals
    answer = await father.wait_for_message()
    assert "Срок действия этого кода истёк" in (answer.text or "")


async def test_six_wrong_codes_in_a_row_are_throttled(app: App) -> None:
    codes = await app.guardian_codes("5А")
    guesser = app.emu.user(id=3003, first_name="Угадайка")
    for i in range(5):
        await guesser.send(f"aaaa-bbbb-cccc-ddd{i}")
        assert "Код не подошёл" in ((await guesser.wait_for_message()).text or "")
    await guesser.send(codes["Борисов Павел"])  # the sixth, even right, waits
    answer = await guesser.wait_for_message()
    assert "Слишком много неверных кодов" in (answer.text or "")
    app.clock.advance(minutes=16)
    await guesser.send(codes["Борисов Павел"])
    assert "Вы подключены" in ((await guesser.wait_for_message()).text or "")


async def test_consent_yes_no_and_withdrawn(app: App) -> None:
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await app.connect(mother, codes[MOTHER])
    ask = await mother.wait_for_message()
    await mother.press(ask, "❌ Не согласен")
    refused = await mother.wait_for_message()
    assert "отказ записан" in (refused.text or "")
    await mother.send("/consent")
    again = await mother.wait_for_message()
    assert "Сейчас: отказ" in (again.text or "")
    await mother.press(again, "✅ Согласен")
    assert "Согласие записано" in ((await mother.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        actor = await resolve_actor(uow, 2001)
        assert actor is not None and await consent.may_send_personal_data(uow, actor.person_id)
    await mother.send("/consent")
    current = await mother.wait_for_message()
    assert current.button_texts == ["Отозвать согласие"]
    await mother.press(current, "Отозвать согласие")
    assert "Согласие отозвано" in ((await mother.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        record = await consent.latest_consent(uow, actor.person_id)
        assert record is not None and record.answer is ConsentAnswer.WITHDRAWN
    await mother.send("/today")  # without consent nothing about the child
    assert "нужно согласие" in ((await mother.wait_for_message()).text or "")


async def test_role_switching(app: App) -> None:
    kuznetsova = app.emu.user(id=1000, first_name="Анна")
    await app.connect(kuznetsova, await app.staff_code("Кузнецова"))
    menu = await kuznetsova.wait_for_message()
    assert "учитель" in (menu.text or "") and "🔁 Сменить роль" in menu.button_texts
    assert "📊 Сводка по школе" not in menu.button_texts
    await kuznetsova.press(menu, "🔁 Сменить роль")
    roles = await kuznetsova.wait_for_message()
    deputy = next(t for t in roles.button_texts if "завуч" in t)
    await kuznetsova.press(roles, deputy)
    switched = await kuznetsova.wait_for_message()
    assert "завуч" in (switched.text or "") and "📊 Сводка по школе" in switched.button_texts
    await kuznetsova.press(switched, "📊 Сводка по школе")
    summary = await kuznetsova.wait_for_message()
    assert "Обучающихся: 7" in (summary.text or "")
    commands = [c for c, _ in kuznetsova.commands]
    assert "summary" in commands


async def test_a_guardian_forging_another_familys_child_gets_nothing(app: App) -> None:
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await app.connect(mother, codes[MOTHER])
    ask = await mother.wait_for_message()
    await mother.press(ask, "✅ Согласен")
    await mother.wait_for_message()
    other_child = app.school.students["Борисова"]
    query = await mother.press_data(ask, ChildCb(student=other_child).pack())
    answer = await mother.wait_for_answer(query)
    assert "Не найдено" in (answer.text or "")
    query = await mother.press_data(ask, PaperCb(guardian=1, answer="given").pack())
    assert "устарела" in ((await mother.wait_for_answer(query)).text or "")
    query = await mother.press_data(ask, "ch:not-a-number")
    assert "устарела" in ((await mother.wait_for_answer(query)).text or "")
    async with app.db.uow() as uow:
        actor = await resolve_actor(uow, 2001)
        assert actor is not None and actor.student_id == app.school.students["Алексеев"]
    await mother.send("/today")
    day = await mother.wait_for_message()
    assert "Алексеев А. В." in (day.text or "") and "Борисова" not in (day.text or "")


async def test_class_teacher_gets_printable_slips_and_a_parent_connects_with_one(app: App) -> None:
    ivanova = app.emu.user(id=1001, first_name="Мария")
    await app.connect(ivanova, await app.staff_code("Иванова"))
    menu = await ivanova.wait_for_message()
    await ivanova.press(menu, "🔑 Коды доступа для класса")
    whom = await ivanova.wait_for_message()
    assert "5А" in (whom.text or "")
    await ivanova.press(whom, "Родителям")
    slips = await ivanova.wait_for_message(lambda m: m.document is not None, timeout=15)
    assert slips.document is not None and slips.document.filename == "codes-5А.pdf"
    assert "2 шт." in (slips.caption or "")
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(slips.document.content)).pages
    )
    assert MOTHER in text and "Борисов Павел" in text
    code = re.search(r"start=([0-9a-z]{16})", text.replace("\n", ""))
    assert code is not None
    parent = app.emu.user(id=2005, first_name="Родитель")
    await parent.send(f"/start {code.group(1)}")
    assert "Вы подключены" in ((await parent.wait_for_message()).text or "")
    await ivanova.send("/consents")
    status = await ivanova.wait_for_message()
    assert "подключено 1 из 2" in (status.text or "")


async def test_a_guardian_opens_notice_settings_from_the_menu(app: App) -> None:
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await app.connect(mother, codes[MOTHER])
    ask = await mother.wait_for_message()
    await mother.press(ask, "✅ Согласен")
    await mother.wait_for_message()
    await mother.send("/menu")
    menu = await mother.wait_for_message()
    await mother.press(menu, "🔔 Уведомления")
    settings = await mother.wait_for_message()
    assert "Что присылать" in (settings.text or "") and "Тихие часы: 21:00–07:00" in (
        settings.text or ""
    )
