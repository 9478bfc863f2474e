"""The class teacher's views on a real database: the class's subjects, its journal in a subject
(subgroups and IUP groups included) and its attendance over a day, a week and a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.model.grading import WorkType
from core.model.identity import Actor, Role
from core.model.journal import AbsenceKind
from core.model.school import PeriodKind, StudyPeriod, Subject
from core.services import class_journal, journal
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.journal import LessonKey
from storage.uow import Database
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
ABSENT, ILL, EXCUSED, LATE = AbsenceKind  # Н, Б, У, О


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


async def subject(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(Subject).first(school_id=school.school_id, name=name)
        assert found is not None and found.id is not None
        return found.id


async def first_quarter(db: Database, school: Seeded) -> int:
    async with db.uow() as uow:
        q1 = await uow.repo(StudyPeriod).first(
            school_id=school.school_id, kind=PeriodKind.QUARTER, number=1
        )
        assert q1 is not None and q1.id is not None
        return q1.id


async def keep(
    db: Database,
    school: Seeded,
    teacher: str,
    group: str,
    day: dt.date,
    number: int,
    marks: dict[str, str],
    absent: dict[str, AbsenceKind],
) -> None:
    """A lesson kept by its teacher on its day: oral answers and attendance."""
    actor = staff(school, teacher)
    now = dt.datetime.combine(day, dt.time(6), dt.UTC)
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, actor, LessonKey(school.groups[group], day, number))
        oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
        assert lesson.id is not None and oral is not None and oral.id is not None
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, actor, lesson.id, {school.students[n]: k for n, k in absent.items()}, now
        )
    if marks:
        async with db.uow() as uow:
            values = [(school.students[n], v) for n, v in marks.items()]
            await journal.post_marks(uow, actor, lesson.id, oral.id, values, now)


@pytest.fixture
async def kept(db: Database, school: Seeded) -> Seeded:
    """Monday: 5А's mathematics (lesson 1), its English in two subgroups (lesson 2), 5Б's
    mathematics; Tuesday: 5А's mathematics; Wednesday: Жуков's own mathematics (ИУП)."""
    await keep(
        db,
        school,
        "Кузнецова",
        "5А",
        MONDAY,
        1,
        {"Алексеев": "5", "Волков": "4"},
        {"Григорьева": ILL, "Борисова": LATE},
    )
    await keep(
        db,
        school,
        "Иванова",
        "5А англ. 1",
        MONDAY,
        2,
        {"Алексеев": "3", "Борисова": "5"},
        {"Борисова": ABSENT},
    )
    await keep(db, school, "Смирнов", "5А англ. 2", MONDAY, 2, {"Волков": "4"}, {"Григорьева": ILL})
    await keep(db, school, "Кузнецова", "5Б", MONDAY, 2, {"Зайцева": "5"}, {"Жуков": ABSENT})
    await keep(db, school, "Кузнецова", "5А", TUESDAY, 1, {"Волков": "2"}, {"Алексеев": EXCUSED})
    await keep(db, school, "Кузнецова", "ИУП Жуков, математика", WEDNESDAY, 3, {"Жуков": "4"}, {})
    return school


def class_teacher(school: Seeded, name: str, class_name: str) -> Actor:
    return staff(school, name, Role.CLASS_TEACHER, classes=(class_name,))


async def test_the_subjects_of_a_class(db: Database, school: Seeded) -> None:
    async with db.uow() as uow:
        subjects = await class_journal.class_subjects(
            uow, class_teacher(school, "Иванова", "5А"), school.classes["5А"]
        )
        periods = await class_journal.class_periods(
            uow, class_teacher(school, "Иванова", "5А"), school.classes["5А"]
        )
    assert [s.name for s in subjects] == ["Английский язык", "Математика"]
    assert [p.name for p in periods] == [
        "1-я четверть",
        "учебный год",
        "2-я четверть",
        "3-я четверть",
        "4-я четверть",
    ]


async def test_the_class_teacher_reads_every_subject_of_the_class(
    db: Database, kept: Seeded
) -> None:
    q1 = await first_quarter(db, kept)
    math, english = (
        await subject(db, kept, "Математика"),
        await subject(db, kept, "Английский язык"),
    )
    reader = class_teacher(kept, "Иванова", "5А")
    async with db.uow() as uow:
        maths = await class_journal.class_journal(uow, reader, kept.classes["5А"], math, q1)
        englishes = await class_journal.class_journal(uow, reader, kept.classes["5А"], english, q1)
    lines = {x.name: x for x in maths.lines}
    assert list(lines) == ["Алексеев А. В.", "Борисова В. В.", "Волков Г. В.", "Григорьева Д. В."]
    assert [(m.on_date, m.value, m.work_type) for m in lines["Волков Г. В."].marks] == [
        (MONDAY, "4", "Ответ на уроке"),
        (TUESDAY, "2", "Ответ на уроке"),
    ]
    assert lines["Волков Г. В."].average == Decimal("3.00")
    assert [(x.absences, x.late) for x in lines.values()] == [(1, 0), (0, 1), (0, 0), (1, 0)]
    # English: each student sees the lessons of their own subgroup only
    by_name = {x.name: ([m.value for m in x.marks], x.absences) for x in englishes.lines}
    assert by_name == {
        "Алексеев А. В.": (["3"], 0),
        "Борисова В. В.": (["5"], 1),
        "Волков Г. В.": (["4"], 0),
        "Григорьева Д. В.": ([], 1),
    }
    assert (englishes.class_name, englishes.subject, englishes.period) == (
        "5А",
        "Английский язык",
        "1-я четверть",
    )


async def test_an_individual_plan_shows_in_its_class(db: Database, kept: Seeded) -> None:
    q1 = await first_quarter(db, kept)
    math = await subject(db, kept, "Математика")
    async with db.uow() as uow:
        view = await class_journal.class_journal(
            uow, class_teacher(kept, "Смирнов", "5Б"), kept.classes["5Б"], math, q1
        )
    assert {x.name: [m.value for m in x.marks] for x in view.lines} == {
        "Алексеева Е. В.": [],
        "Жуков З. В.": ["4"],  # from his own group (ИУП) on Wednesday
        "Зайцева И. В.": ["5"],
    }


async def test_only_the_class_teacher_and_the_administration_read_a_class(
    db: Database, kept: Seeded
) -> None:
    q1 = await first_quarter(db, kept)
    math = await subject(db, kept, "Математика")
    class_5a = kept.classes["5А"]
    async with db.uow() as uow:
        for outsider in (class_teacher(kept, "Смирнов", "5Б"), staff(kept, "Кузнецова")):
            with pytest.raises(AccessDenied, match="классный руководитель"):
                await class_journal.class_journal(uow, outsider, class_5a, math, q1)
            with pytest.raises(AccessDenied):
                await class_journal.attendance_summary(uow, outsider, class_5a, MONDAY, MONDAY)
            with pytest.raises(AccessDenied):
                await class_journal.class_subjects(uow, outsider, class_5a)
        for admin in (Role.DEPUTY, Role.HEAD, Role.COORDINATOR):
            view = await class_journal.class_journal(
                uow, staff(kept, "Кузнецова", admin), class_5a, math, q1
            )
            assert len(view.lines) == 4
        with pytest.raises(NotFound):
            await class_journal.class_journal(
                uow, staff(kept, "Кузнецова", Role.DEPUTY), 9999, math, q1
            )


async def test_attendance_of_a_day_a_week_and_a_period(db: Database, kept: Seeded) -> None:
    reader = class_teacher(kept, "Иванова", "5А")
    class_5a = kept.classes["5А"]
    q1 = await first_quarter(db, kept)
    async with db.uow() as uow:
        day = await class_journal.attendance_summary(uow, reader, class_5a, MONDAY, MONDAY)
        week = await class_journal.attendance_summary(
            uow, reader, class_5a, *class_journal.week_of(WEDNESDAY)
        )
        bounds = await class_journal.period_bounds(uow, reader, class_5a, q1)
        quarter = await class_journal.attendance_summary(uow, reader, class_5a, *bounds)
        with pytest.raises(Refused, match="позже"):
            await class_journal.attendance_summary(uow, reader, class_5a, TUESDAY, MONDAY)
    assert bounds == (dt.date(2026, 9, 1), dt.date(2026, 10, 24))

    def counts(summary: class_journal.AttendanceSummary) -> dict[str, tuple[int, ...]]:
        return {
            s.name: (*(s.tally.counts[k] for k in (ABSENT, ILL, EXCUSED, LATE)), s.tally.missed)
            for s in summary.students
        }

    # Н, Б, У, О, lessons missed
    assert counts(day) == {
        "Алексеев А. В.": (0, 0, 0, 0, 0),
        "Борисова В. В.": (1, 0, 0, 1, 1),
        "Волков Г. В.": (0, 0, 0, 0, 0),
        "Григорьева Д. В.": (0, 2, 0, 0, 2),
    }
    [monday] = day.days
    assert (monday.on_date, monday.tally.missed, monday.students_missing) == (MONDAY, 3, 2)
    assert monday.tally.counts == {ABSENT: 1, ILL: 2, EXCUSED: 0, LATE: 1}
    assert counts(week)["Алексеев А. В."] == (0, 0, 1, 0, 1)  # Tuesday, excused
    assert [(d.on_date, d.tally.missed) for d in week.days] == [(MONDAY, 3), (TUESDAY, 1)]
    assert counts(quarter) == counts(week)  # 5Б's absence (Жуков) is no part of 5А's


def test_week_of() -> None:
    sunday = dt.date(2026, 9, 13)
    assert class_journal.week_of(sunday) == (MONDAY, sunday)
    assert class_journal.week_of(MONDAY) == (MONDAY, sunday)


async def test_viewable_classes_follow_the_role(db: Database, school: Seeded) -> None:
    from core.services.class_journal import viewable_classes

    async with db.uow() as uow:
        deputy = staff(school, "Кузнецова", Role.DEPUTY)
        smirnov = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
        teacher = staff(school, "Кузнецова")
        assert [c.name for c in await viewable_classes(uow, deputy)] == ["5А", "5Б"]
        assert [c.name for c in await viewable_classes(uow, smirnov)] == ["5Б"]
        assert await viewable_classes(uow, teacher) == []
