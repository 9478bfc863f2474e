"""Paper extracts end to end: the class teacher opens «🖨 Выписки на бумаге», sees which guardians
need paper and why, taps a student and gets the extract as a PDF holding the mark just posted."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher, Router
from pypdf import PdfReader

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.factory import build_bot, build_dispatcher
from bot.routers import extracts as extracts_router
from core.model.grading import WorkType
from core.model.journal import AbsenceKind
from core.services import journal
from core.services.journal import LessonKey
from storage.uow import Database
from tests.e2e.conftest import START, App
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.seeded import seed_tiny_school

TUESDAY = dt.date(2026, 9, 1)
DURING = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1 of 5А


def with_router_before_fallback(dp: Dispatcher, router: Router) -> None:
    """What bot/factory.py will do: the fallback router answers every button it meets as stale,
    so the extracts router must come before it."""
    router.parent_router = dp  # include_router: attaches it last
    dp.sub_routers.remove(router)
    dp.sub_routers.insert(len(dp.sub_routers) - 1, router)


@pytest.fixture
async def app(db: Database) -> AsyncIterator[App]:
    school = await seed_tiny_school(db)
    clock = MovableClock(START)
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(BotContext(db=db, clock=clock))
        with_router_before_fallback(dp, extracts_router.build())
        async with emu.polling(dp, bot):
            yield App(db, school, clock, emu, bot, dp)
        await bot.session.close()


async def test_the_class_teacher_prints_an_extract_for_a_guardian_without_telegram(
    app: App,
) -> None:
    teacher = staff(app.school, "Кузнецова")
    artem, volkov = app.school.students["Алексеев"], app.school.students["Волков"]
    async with app.db.uow() as uow:
        lesson = await journal.open_lesson(
            uow, teacher, LessonKey(app.school.groups["5А"], TUESDAY, 1)
        )
        oral = await uow.repo(WorkType).first(school_id=app.school.school_id, name="Ответ на уроке")
        assert oral is not None and oral.id is not None
        await journal.save_attendance(
            uow, teacher, lesson.id or 0, {volkov: AbsenceKind.ABSENT}, DURING
        )
    async with app.db.uow() as uow:
        await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral.id, "4", DURING)

    ivanova = app.emu.user(id=1001, first_name="Мария")
    await app.connect(ivanova, await app.staff_code("Иванова"))
    await ivanova.wait_for_message()  # the menu
    await ivanova.send("/extracts")
    listing = await ivanova.wait_for_message(lambda m: "Выписки на бумаге" in (m.text or ""))
    text = listing.text or ""
    assert "5А" in text
    assert "Алексеева Ольга Ивановна — Алексеев Артём Викторович" in text
    assert "не подключён(а) к Telegram-боту" in text and "нет согласия" in text
    assert "Борисов Павел — Борисова Вера Викторовна" in text
    assert "с 01.09.2026 по 02.09.2026" in text  # the first quarter so far

    await ivanova.press(listing, "📄 Алексеев Артём Викторович")
    sent = await ivanova.wait_for_message(lambda m: m.document is not None, timeout=15)
    assert sent.document is not None and sent.document.filename == (
        f"vypiska-{artem}-20260901-20260902.pdf"
    )
    assert "Алексеев Артём Викторович, 5А" in (sent.caption or "")
    pdf = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(sent.document.content)).pages
    )
    assert "Выписка из электронного журнала" in pdf
    assert "Обучающийся: Алексеев Артём Викторович" in pdf
    assert "01.09.2026 4 Ответ на уроке" in pdf
    assert "Пропусков за период нет." in pdf  # Волков's absence is not Артём's


async def test_another_class_teachers_forged_button_is_refused(app: App) -> None:
    smirnov = app.emu.user(id=1002, first_name="Олег")
    await app.connect(smirnov, await app.staff_code("Смирнов"))
    await smirnov.wait_for_message()  # the menu
    await smirnov.send("/extracts")
    listing = await smirnov.wait_for_message(lambda m: "5Б" in (m.text or ""))
    assert "Алексеев Артём" not in (listing.text or "")  # Ева is in 5Б, Артём is not
    forged = extracts_router.ExtractCb(student=app.school.students["Алексеев"]).pack()
    query = await smirnov.press_data(listing, forged)
    answer = await smirnov.wait_for_answer(query)
    assert "недоступно" in (answer.text or "")
