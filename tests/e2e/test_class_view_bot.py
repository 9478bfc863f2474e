"""The class teacher's journal and attendance views through the real bot: what the class teacher
of 5А reads matches what the teachers recorded; another class's teacher gets nothing of 5А."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.routers.class_view import ClassAttCb, ClassJournalCb, journal_units, pages
from core.model.grading import WorkType
from core.model.journal import AbsenceKind
from core.services import journal
from core.services.class_journal import ClassJournal, JournalMark, StudentLine
from core.services.journal import LessonKey
from tests.e2e.conftest import App
from tests.support.actors import staff
from tests.support.lookups import quarter_id, subject_id

MONDAY = dt.date(2026, 9, 7)
TUESDAY = dt.date(2026, 9, 8)
TUESDAY_NOON = dt.datetime(2026, 9, 8, 9, 0, tzinfo=dt.UTC)  # 12:00 in Moscow
ABSENT, ILL, EXCUSED, LATE = AbsenceKind  # Н, Б, У, О


async def keep(
    app: App,
    teacher: str,
    group: str,
    day: dt.date,
    number: int,
    marks: dict[str, str],
    absent: dict[str, AbsenceKind],
) -> None:
    """A lesson kept by its teacher on its day, through core: attendance and oral answers."""
    actor = staff(app.school, teacher)
    now = dt.datetime.combine(day, dt.time(6), dt.UTC)
    students = app.school.students
    async with app.db.uow() as uow:
        key = LessonKey(app.school.groups[group], day, number)
        lesson = await journal.open_lesson(uow, actor, key)
        oral = await uow.repo(WorkType).first(school_id=app.school.school_id, name="Ответ на уроке")
        assert lesson.id is not None and oral is not None and oral.id is not None
    async with app.db.uow() as uow:
        absences = {students[n]: k for n, k in absent.items()}
        await journal.save_attendance(uow, actor, lesson.id, absences, now)
    async with app.db.uow() as uow:
        values = [(students[n], v) for n, v in marks.items()]
        await journal.post_marks(uow, actor, lesson.id, oral.id, values, now)


async def a_week_of_5a(app: App) -> None:
    """Monday: mathematics and the first English subgroup; Tuesday: mathematics."""
    await keep(
        app, "Кузнецова", "5А", MONDAY, 1, {"Алексеев": "5", "Борисова": "4"},
        {"Волков": ABSENT, "Григорьева": LATE},
    )  # fmt: skip
    await keep(app, "Иванова", "5А англ. 1", MONDAY, 2, {"Алексеев": "3"}, {"Борисова": EXCUSED})
    await keep(app, "Кузнецова", "5А", TUESDAY, 1, {"Алексеев": "4"}, {"Волков": ILL})


async def connected(app: App, user_id: int, last_name: str) -> EmulatedUser:
    user = app.emu.user(id=user_id, first_name=last_name)
    await app.connect(user, await app.staff_code(last_name))
    await user.wait_for_message()  # the menu
    return user


async def press(user: EmulatedUser, message: ChatMessage, starts: str) -> ChatMessage:
    await user.press(message, next(t for t in message.button_texts if t.startswith(starts)))
    return await user.wait_for_message()


async def test_the_class_teacher_reads_the_mathematics_of_5a(app: App) -> None:
    await a_week_of_5a(app)
    app.clock.at = TUESDAY_NOON
    ivanova = await connected(app, 1001, "Иванова")
    menu = ivanova.last_message
    subjects = await press(ivanova, menu, "📖 Журнал класса")  # she leads one class: no choice
    assert "Журнал класса 5А" in (subjects.text or "")
    assert subjects.button_texts[:2] == ["Английский язык", "Математика"]
    periods = await press(ivanova, subjects, "Математика")
    table = await press(ivanova, periods, "1-я четверть")
    text = table.text or ""
    assert "Журнал класса 5А · Математика · 1-я четверть" in text
    assert "Алексеев А. В. — ср. 4.50, пропуски: 0\n07.09 5, 08.09 4" in text
    assert "Борисова В. В. — ср. 4.00, пропуски: 0\n07.09 4" in text  # English's У not here
    assert "Волков Г. В. — ср. —, пропуски: 2\nотметок нет" in text
    assert "Григорьева Д. В. — ср. —, пропуски: 0, опоздания: 1" in text
    english = await press(ivanova, await press(ivanova, table, "◀ Другой предмет"), "Английский")
    table = await press(ivanova, english, "1-я четверть")
    assert "Алексеев А. В. — ср. 3.00, пропуски: 0\n07.09 3" in (table.text or "")
    assert "Борисова В. В. — ср. —, пропуски: 1" in (table.text or "")


async def test_the_class_teacher_reads_the_attendance_of_5a(app: App) -> None:
    await a_week_of_5a(app)
    app.clock.at = TUESDAY_NOON
    ivanova = await connected(app, 1001, "Иванова")
    await ivanova.send("/classattendance")
    spans = await ivanova.wait_for_message()
    assert "Посещаемость класса 5А" in (spans.text or "")
    week = await press(ivanova, spans, "Эта неделя")
    text = week.text or ""
    assert "неделя 07.09–13.09.2026" in text
    assert "Алексеев А. В. — без пропусков" in text
    assert "Борисова В. В. — Н 0, Б 0, У 1, О 0; пропущено уроков: 1" in text
    assert "Волков Г. В. — Н 1, Б 1, У 0, О 0; пропущено уроков: 2" in text
    assert "Григорьева Д. В. — Н 0, Б 0, У 0, О 1; пропущено уроков: 0" in text
    assert "Итого: Н 1, Б 1, У 1, О 1; пропущено уроков: 3" in text
    assert "понедельник, 7 сентября — Н 1, Б 0, У 1, О 1; пропускали уроки: 2 уч." in text
    assert "вторник, 8 сентября — Н 0, Б 1, У 0, О 0; пропускали уроки: 1 уч." in text
    week_before = await press(ivanova, week, "◀ Пред. неделя")
    assert "В журнале нет уроков за этот срок" in (week_before.text or "")
    week = await press(ivanova, week_before, "След. неделя ▶")
    assert "Итого: Н 1, Б 1, У 1, О 1; пропущено уроков: 3" in (week.text or "")
    today = await press(ivanova, await press(ivanova, week, "🗓 Другой срок"), "Сегодня")
    assert "вторник, 8 сентября" in (today.text or "")
    assert "Волков Г. В. — Н 0, Б 1, У 0, О 0; пропущено уроков: 1" in (today.text or "")
    assert "Итого: Н 0, Б 1, У 0, О 0; пропущено уроков: 1" in (today.text or "")
    monday = await press(ivanova, today, "◀ Пред. день")
    assert "Итого: Н 1, Б 0, У 1, О 1; пропущено уроков: 2" in (monday.text or "")
    quarter = await press(ivanova, await press(ivanova, monday, "🗓 Другой срок"), "1-я четверть")
    assert "1-я четверть (01.09–24.10.2026)" in (quarter.text or "")
    assert "Итого: Н 1, Б 1, У 1, О 1; пропущено уроков: 3" in (quarter.text or "")


async def test_the_class_teacher_of_5b_gets_nothing_of_5a(app: App) -> None:
    await a_week_of_5a(app)
    app.clock.at = TUESDAY_NOON
    smirnov = await connected(app, 1002, "Смирнов")
    await smirnov.send("/classjournal")
    own = await smirnov.wait_for_message()
    assert "Журнал класса 5Б" in (own.text or "")
    class_5a = app.school.classes["5А"]
    math = await subject_id(app.db, app.school, "Математика")
    q1 = await quarter_id(app.db, app.school, 1)
    forged = [
        ClassJournalCb(class_id=class_5a),
        ClassJournalCb(class_id=class_5a, subject=math),
        ClassJournalCb(class_id=class_5a, subject=math, period=q1),
        ClassAttCb(class_id=class_5a),
        ClassAttCb(class_id=class_5a, span="w", day=20260907),
        ClassAttCb(class_id=class_5a, span="p", period=q1),
    ]
    for data in forged:
        query = await smirnov.press_data(own, data.pack())
        answer = await smirnov.wait_for_answer(query)
        assert "недоступно" in (answer.text or ""), data
    query = await smirnov.press_data(own, ClassAttCb(class_id=class_5a, span="zz").pack())
    assert "устарела" in ((await smirnov.wait_for_answer(query)).text or "")
    assert "Волков" not in "".join(m.text or "" for m in smirnov.messages)


def test_a_long_class_journal_goes_out_in_messages_under_telegrams_limit() -> None:
    marks = tuple(
        JournalMark(MONDAY + dt.timedelta(days=d % 50), "5", "Ответ на уроке") for d in range(70)
    )
    lines = tuple(
        StudentLine(i, f"Ученик{i:02} А. Б.", marks, Decimal("5.00"), 3, 1, None) for i in range(36)
    )
    table = ClassJournal(1, "5А", "Математика", "1-я четверть", lines)
    sent = pages(journal_units(table))
    assert len(sent) > 1 and all(len(page) <= 4096 for page in sent)
    assert sent[0].startswith("Журнал класса 5А · Математика · 1-я четверть")
    row = ", ".join(f"{m.on_date:%d.%m} 5" for m in marks)
    for i in range(36):  # each student whole, in exactly one message
        block = f"Ученик{i:02} А. Б. — ср. 5.00, пропуски: 3, опоздания: 1\n{row}"
        assert sum(block in page for page in sent) == 1
    one_huge = pages(["x " * 5000])
    assert len(one_huge) == 3 and all(len(page) <= 4096 for page in one_huge)
