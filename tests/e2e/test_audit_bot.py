"""The audit log and a compromised account over the Bot API emulator: the coordinator reads the
log, records that a teacher's phone was stolen at T, sees the change made after T flagged and
reverts it in one tap; the teacher's Telegram account is a stranger from then on."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher, Router

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.factory import build_bot, build_dispatcher
from bot.routers import audit as audit_router
from core.model.grading import WorkType
from core.model.identity import Role
from core.model.journal import Mark
from core.model.people import StaffRole
from core.services import identity, journal
from core.services.journal import LessonKey
from storage.uow import Database
from tests.e2e.conftest import START, App
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.lookups import add_staff
from tests.support.seeded import seed_tiny_school

TUESDAY = dt.date(2026, 9, 1)
BEFORE = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1 of 5А
AFTER = dt.datetime(2026, 9, 1, 6, 40, tzinfo=dt.UTC)


def with_router_before_fallback(dp: Dispatcher, router: Router) -> None:
    """What bot/factory.py will do: the audit router before the fallback that answers every
    unknown button as stale."""
    router.parent_router = dp
    dp.sub_routers.remove(router)
    dp.sub_routers.insert(len(dp.sub_routers) - 1, router)


@pytest.fixture
async def app(db: Database) -> AsyncIterator[App]:
    school = await seed_tiny_school(db)
    await add_staff(db, school, "Соколова", StaffRole.COORDINATOR)
    clock = MovableClock(START)
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(BotContext(db=db, clock=clock))
        with_router_before_fallback(dp, audit_router.build())
        async with emu.polling(dp, bot):
            yield App(db, school, clock, emu, bot, dp)
        await bot.session.close()


async def tap(user: EmulatedUser, message: ChatMessage, text: str) -> ChatMessage:
    await user.press(message, text)
    return await user.wait_for_message()


def starting(message: ChatMessage, prefix: str) -> str:
    return next(t for t in message.button_texts if t.startswith(prefix))


async def test_the_coordinator_reverts_what_a_stolen_phone_changed(app: App) -> None:
    teacher = staff(app.school, "Кузнецова", Role.TEACHER)
    volkov = app.school.students["Волков"]
    phone = app.emu.user(id=1002, first_name="Анна")
    await app.connect(phone, await app.staff_code("Кузнецова"))
    clock = MovableClock(BEFORE)
    async with app.db.uow(clock) as uow:
        lesson = await journal.open_lesson(
            uow, teacher, LessonKey(app.school.groups["5А"], TUESDAY, 1)
        )
        oral = await uow.repo(WorkType).first(school_id=app.school.school_id, name="Ответ на уроке")
        assert oral is not None and oral.id is not None
    async with app.db.uow(clock) as uow:
        mark = await journal.post_mark(uow, teacher, lesson.id or 0, volkov, oral.id, "3", BEFORE)
    clock.at = AFTER  # the phone is in other hands by now
    async with app.db.uow(clock) as uow:
        await journal.change_mark(uow, teacher, mark.id or 0, "5", "исправлено", 1, AFTER)

    coordinator = app.emu.user(id=1009, first_name="Софья")
    await app.connect(coordinator, await app.staff_code("Соколова"))
    await coordinator.wait_for_message()  # the menu
    await coordinator.send("/audit")
    start = await coordinator.wait_for_message(lambda m: "Журнал аудита" in (m.text or ""))
    week = await tap(coordinator, start, "7 дней")
    assert "Кузнецова А. С." in (week.text or "")
    assert "отметка: 3 → 5" in (week.text or "")

    await coordinator.send("/audit")
    start = await coordinator.wait_for_message(lambda m: "Журнал аудита" in (m.text or ""))
    await tap(coordinator, start, "🚫 Скомпрометирован")
    await coordinator.send("Кузнецова")
    people = await coordinator.wait_for_message()
    ask = await tap(coordinator, people, "Кузнецова Анна Сергеевна (сотрудник)")
    assert "дд.мм.гггг чч:мм" in (ask.text or "")
    await coordinator.send("01.09.2026 09:20 телефон украден")
    confirm = await coordinator.wait_for_message()
    assert "недействительно с 01.09.2026 09:20" in (confirm.text or "")
    await coordinator.press(confirm, "✅ Подтвердить")
    flagged = await coordinator.wait_for_message(
        lambda m: any(t.startswith("↩ Отменить") for t in m.button_texts), edits=False
    )
    text = flagged.text or ""
    assert "⚠ 01.09.2026 09:40 · Кузнецова А. С." in text
    assert "отметка: 3 → 5" in text and "09:00" not in text
    done = await tap(coordinator, flagged, starting(flagged, "↩ Отменить все изменения"))
    assert "Отменено изменений: 1" in (done.text or "")

    async with app.db.uow() as uow:
        restored = await uow.repo(Mark).get(mark.id or 0)
        assert restored is not None and restored.value == "3"
        assert await identity.resolve_actor(uow, phone.id) is None


async def test_the_deputy_reads_the_log_but_records_no_compromise(app: App) -> None:
    deputy = app.emu.user(id=1003, first_name="Анна")
    await app.connect(deputy, await app.staff_code("Кузнецова"))
    await deputy.wait_for_message()  # the menu, as a teacher first
    await deputy.send("/audit")  # not in the teacher's menu: the fallback answers
    await deputy.wait_for_message(lambda m: "Журнал аудита" not in (m.text or ""))
    async with app.db.uow() as uow:
        choice = next(
            c for c in await identity.role_choices(uow, deputy.id) if c.role is Role.DEPUTY
        )
        await identity.switch_role(uow, deputy.id, choice.binding_id, choice.role)
    await deputy.send("/audit")
    start = await deputy.wait_for_message(lambda m: "Журнал аудита" in (m.text or ""))
    assert "🚫 Скомпрометирован" not in start.button_texts
    chain = await tap(deputy, start, "🔐 Проверить целостность")
    assert "Цепочка журнала аудита цела" in (chain.text or "")
    forged = await deputy.press_data(start, "cp:start::0:0")
    answer = await deputy.wait_for_answer(forged)
    assert answer.text == "Это действие вам недоступно."
