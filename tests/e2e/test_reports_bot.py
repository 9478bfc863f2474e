"""«📊 Отчёты» end to end: the deputy gets a report's chart and table in a few taps; a class teacher
is offered only their class and a forged button for another class is refused; a teacher only
their own groups."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from PIL import Image

from bot.routers.reports import MakeCb
from core.model.grading import WorkType
from core.model.journal import AbsenceKind
from core.services import journal
from core.services.journal import LessonKey
from tests.e2e.conftest import App
from tests.support.actors import staff

TUESDAY = dt.date(2026, 9, 1)
DURING = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1 of 5А


async def a_lesson(app: App) -> None:
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
        await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral.id, "2", DURING)


async def test_the_deputy_gets_a_chart_and_a_table_in_four_taps(app: App) -> None:
    await a_lesson(app)
    deputy = app.emu.user(id=1003, first_name="Анна")
    await app.connect(deputy, await app.staff_code("Кузнецова"))
    await deputy.wait_for_message()
    await deputy.send("/reports")
    menu = await deputy.wait_for_message(lambda m: "Какой отчёт" in (m.text or ""))
    assert "Пропущенные уроки и темы" in menu.button_texts
    assert "Сводная ведомость итоговых отметок" in menu.button_texts

    await deputy.press(menu, "Пропущенные уроки и темы")
    scopes = await deputy.wait_for_message(lambda m: "по кому" in (m.text or ""))
    assert scopes.button_texts[:4] == ["🏫 Вся школа", "5-е классы", "5А", "5Б"]
    await deputy.press(scopes, "5А")
    periods = await deputy.wait_for_message(lambda m: "за какой период" in (m.text or ""))
    assert "1-я четверть" in periods.button_texts
    assert "С начала учебного года" in periods.button_texts
    await deputy.press(periods, "1-я четверть")

    photo = await deputy.wait_for_message(lambda m: m.photo is not None, timeout=30)
    assert photo.photo is not None and photo.caption is not None
    assert photo.caption.startswith("📊 Пропущенные уроки и темы\n5А")
    image = Image.open(io.BytesIO(photo.photo.content))
    assert image.format == "PNG" and image.width >= 800
    table = await deputy.wait_for_message(lambda m: m.document is not None, timeout=30)
    assert table.document is not None and (table.document.filename or "").endswith(".xlsx")
    book = load_workbook(io.BytesIO(table.document.content))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert any("Волков" in c for c in cells)  # the absent student is in the table


async def test_a_class_teacher_is_offered_their_class_only_and_a_forged_button_fails(
    app: App,
) -> None:
    ivanova = app.emu.user(id=1001, first_name="Мария")
    await app.connect(ivanova, await app.staff_code("Иванова"))
    await ivanova.wait_for_message()
    await ivanova.send("/reports")
    menu = await ivanova.wait_for_message(lambda m: "Какой отчёт" in (m.text or ""))
    await ivanova.press(menu, "Неудовлетворительные отметки и темы")
    scopes = await ivanova.wait_for_message(lambda m: "по кому" in (m.text or ""))
    assert "5Б" not in scopes.button_texts and "🏫 Вся школа" not in scopes.button_texts
    assert "5А" in scopes.button_texts

    forged = MakeCb(
        name="failing", scope=f"class.{app.school.classes['5Б']}", period="d.2026-09-01"
    ).pack()
    await ivanova.press_data(menu, forged)
    refusal = await ivanova.wait_for_answer()
    assert refusal.show_alert and refusal.text == "Это действие вам недоступно."
    assert not [m for m in ivanova.messages if m.photo or m.document]


async def test_a_teacher_gets_reports_on_their_own_groups(app: App) -> None:
    smirnov = app.emu.user(id=1002, first_name="Олег")  # teaches English 2 of 5А, leads 5Б
    await app.connect(smirnov, await app.staff_code("Смирнов"))
    await smirnov.wait_for_message()
    await smirnov.send("/reports")
    menu = await smirnov.wait_for_message(lambda m: "Какой отчёт" in (m.text or ""))
    await smirnov.press(menu, "Результаты учителей")
    scopes = await smirnov.wait_for_message(lambda m: "по кому" in (m.text or ""))
    assert scopes.button_texts == ["5Б", "👥 Мои группы", "☰ Меню"]
    await smirnov.press(scopes, "👥 Мои группы")
    periods = await smirnov.wait_for_message(lambda m: "за какой период" in (m.text or ""))
    await smirnov.press(periods, "С начала учебного года")
    table = await smirnov.wait_for_message(lambda m: m.document is not None, timeout=30)
    assert table.document is not None and (table.document.filename or "").endswith(".xlsx")
    assert table.caption is not None and "Смирнов" in table.caption
