"""A term of the tiny school kept through the real use cases, for the report tests: lessons with
marks, absences, topics and homework, a substituted lesson, a control work, and finals."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest

from core.model.grading import WorkType
from core.model.identity import Actor, Role
from core.model.journal import AbsenceKind
from core.model.reports import Report, Table
from core.services import finals, journal, lesson_content, substitutions
from core.services.journal import LessonKey
from storage.db import create_engine
from storage.uow import Database
from tests.conftest import PG_URL, _truncate
from tests.support.actors import staff
from tests.support.lookups import quarter_id, subject_id
from tests.support.seeded import Seeded, seed_tiny_school

ABSENT, ILL, EXCUSED, LATE = AbsenceKind
MON1, TUE1, MON2 = dt.date(2026, 9, 7), dt.date(2026, 9, 8), dt.date(2026, 9, 14)
CONTROL_DAY = dt.date(2026, 10, 19)  # the tiny school's control work: 5А, mathematics, lesson 1
FINALS_AT = dt.datetime(2026, 10, 21, 9, 0, tzinfo=dt.UTC)
REPORT_AT = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(6), dt.UTC)  # 09:00 in Moscow


async def work_type(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name=name)
    assert found is not None and found.id is not None
    return found.id


async def keep(
    db: Database,
    school: Seeded,
    teacher: str,
    group: str,
    day: dt.date,
    number: int,
    marks: dict[str, str],
    absent: dict[str, AbsenceKind] | None = None,
    *,
    kind: str = "Ответ на уроке",
    topic: str | None = None,
    homework: str | None = None,
    actor: Actor | None = None,
) -> int:
    """A lesson kept on its day by whoever gives it; returns its id."""
    who = actor or staff(school, teacher)
    now = at(day)
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, who, LessonKey(school.groups[group], day, number))
        assert lesson.id is not None
        lesson_id = lesson.id
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, who, lesson_id, {school.students[n]: k for n, k in (absent or {}).items()}, now
        )
    if topic:
        async with db.uow() as uow:
            await lesson_content.set_topic(uow, who, lesson_id, now, text=topic)
    if homework:
        async with db.uow() as uow:
            await lesson_content.set_homework(uow, who, lesson_id, homework, now)
    if marks:
        work = await work_type(db, school, kind)
        async with db.uow() as uow:
            values = [(school.students[n], v) for n, v in marks.items()]
            await journal.post_marks(uow, who, lesson_id, work, values, now)
    return lesson_id


async def set_finals(
    db: Database, school: Seeded, teacher: str, group: str, subject: str, values: dict[str, str]
) -> None:
    q1 = await quarter_id(db, school, 1)
    subject_ = await subject_id(db, school, subject)
    async with db.uow() as uow:
        await finals.set_finals(
            uow,
            staff(school, teacher),
            school.groups[group],
            subject_,
            q1,
            {school.students[n]: v for n, v in values.items()},
            FINALS_AT,
        )


async def keep_first_quarter(db: Database, school: Seeded) -> None:
    """Mathematics and English of 5А and 5Б in the first quarter, then its finals:

    - 07.09 5А math: Алексеев «5», Волков «4»; Григорьева Б, Борисова О; topic and homework.
    - 07.09 5А англ. 1: Алексеев «3», Борисова «2» (Борисова Н); no topic.
    - 07.09 5А англ. 2: Волков «н/а»; Григорьева Б.
    - 07.09 5Б math: Зайцева «5», Жуков Н.
    - 08.09 5А math: Волков «2» (Алексеев У), topic «Сложение».
    - 14.09 5А math given by Смирнов instead of Кузнецова: Борисова «4».
    - 19.10 the control work in 5А math: Алексеев «5», Борисова «3», Волков «2»,
      Григорьева «4» (type «Контрольная работа»).
    - finals: 5А math 5, 4, 2, 3; англ. 1 5, 5; англ. 2 Волков НА, Григорьева ОСВ;
      5Б math Алексеева 4, Зайцева 3, Жуков отсрочка.
    """
    await keep(
        db,
        school,
        "Кузнецова",
        "5А",
        MON1,
        1,
        {"Алексеев": "5", "Волков": "4"},
        {"Григорьева": ILL, "Борисова": LATE},
        topic="Натуральные числа",
        homework="№ 1–5",
    )
    await keep(
        db,
        school,
        "Иванова",
        "5А англ. 1",
        MON1,
        2,
        {"Алексеев": "3", "Борисова": "2"},
        {"Борисова": ABSENT},
    )
    await keep(
        db,
        school,
        "Смирнов",
        "5А англ. 2",
        MON1,
        2,
        {"Волков": "н/а"},
        {"Григорьева": ILL},
        topic="Alphabet",
    )
    await keep(
        db,
        school,
        "Кузнецова",
        "5Б",
        MON1,
        2,
        {"Зайцева": "5"},
        {"Жуков": ABSENT},
        topic="Натуральные числа",
    )
    await keep(
        db,
        school,
        "Кузнецова",
        "5А",
        TUE1,
        1,
        {"Волков": "2"},
        {"Алексеев": EXCUSED},
        topic="Сложение",
    )
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        await substitutions.substitute(
            uow,
            deputy,
            LessonKey(school.groups["5А"], MON2, 1),
            school.staff["Смирнов"],
            at(MON2) - dt.timedelta(hours=3),
        )
    await keep(db, school, "Смирнов", "5А", MON2, 1, {"Борисова": "4"}, topic="Вычитание")
    await keep(
        db,
        school,
        "Кузнецова",
        "5А",
        CONTROL_DAY,
        1,
        {"Алексеев": "5", "Борисова": "3", "Волков": "2", "Григорьева": "4"},
        kind="Контрольная работа",
        topic="Входная контрольная",
    )
    await set_finals(
        db,
        school,
        "Кузнецова",
        "5А",
        "Математика",
        {"Алексеев": "5", "Борисова": "4", "Волков": "2", "Григорьева": "3"},
    )
    await set_finals(
        db,
        school,
        "Иванова",
        "5А англ. 1",
        "Английский язык",
        {"Алексеев": "5", "Борисова": "5"},
    )
    await set_finals(
        db,
        school,
        "Смирнов",
        "5А англ. 2",
        "Английский язык",
        {"Волков": "НА", "Григорьева": "ОСВ"},
    )
    await set_finals(
        db,
        school,
        "Кузнецова",
        "5Б",
        "Математика",
        {"Алексеева": "4", "Зайцева": "3", "Жуков": "отсрочка"},
    )


def rows_by(report_table: Table, key: str = "") -> dict[str, dict[str, object]]:
    """A table's rows as dicts by column key, keyed by their first cell."""
    keys = [c.key for c in report_table.columns]
    return {str(row[0]): dict(zip(keys, row, strict=True)) for row in report_table.rows}


def table_of(report: Report, title: str) -> Table:
    return next(t for t in report.tables if t.title == title)


# --- one kept quarter per test module ----------------------------------------------------------
# The reports only read, so on SQLite the quarter is kept once per module into a file that each
# test copies; on PostgreSQL (one database, emptied before each test) every test keeps it anew.


async def _seed_and_keep(url: str) -> Seeded:
    database = Database(create_engine(url))
    try:
        seeded = await seed_tiny_school(database)
        await keep_first_quarter(database, seeded)
        return seeded
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def kept_quarter(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Seeded] | None:
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("reports") / "kept.sqlite3"
    shutil.copy(migrated_template, path)
    seeded = asyncio.run(_seed_and_keep(f"sqlite+aiosqlite:///{path}"))
    return str(path), seeded


@pytest.fixture
def database_url(
    kept_quarter: tuple[str, Seeded] | None, migrated_template: str, tmp_path: Path
) -> str:
    """Overrides conftest's: a copy of the kept quarter on SQLite."""
    if kept_quarter is None:
        asyncio.run(_truncate(PG_URL))
        return PG_URL
    target = tmp_path / "dnevnik.sqlite3"
    shutil.copy(kept_quarter[0], target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def school(db: Database, kept_quarter: tuple[str, Seeded] | None) -> Seeded:
    if kept_quarter is not None:
        return copy.deepcopy(kept_quarter[1])
    seeded = await seed_tiny_school(db)
    await keep_first_quarter(db, seeded)
    return seeded
