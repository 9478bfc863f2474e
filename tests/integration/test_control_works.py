"""The schedule of control works on a real database (SETUP-14): who reads and who keeps it, the
days it allows, one control work a day for the same students, and the audit and events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.events import EventKind
from core.model.identity import Actor, PersonKind, Role
from core.model.timetable import ControlForm, ControlWork
from core.services import control_works
from core.services.errors import AccessDenied, NotFound, Refused
from storage.uow import Database, SqlUnitOfWork
from tests.support import lookups
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # Monday 7 September, 09:00 in Moscow
SEEDED_DAY = dt.date(2026, 10, 19)  # the seeded control work of 5А in mathematics
NEXT_MONDAY = dt.date(2026, 9, 14)


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


def deputy(school: Seeded) -> Actor:
    return staff(school, "Кузнецова", Role.DEPUTY)


async def seeded_work(db: Database) -> int:
    async with db.uow() as uow:
        found = await uow.repo(ControlWork).first(on_date=SEEDED_DAY)
    assert found is not None and found.id is not None
    return found.id


async def test_any_staff_member_reads_the_schedule_of_a_period(
    db: Database, school: Seeded
) -> None:
    first = await lookups.quarter_id(db, school, 1)
    second = await lookups.quarter_id(db, school, 2)
    async with db.uow() as uow:
        lines = await control_works.period_control_works(uow, staff(school, "Иванова"), first)
        assert await control_works.period_control_works(uow, deputy(school), second) == []
    assert [(x.on_date, x.lesson_number, x.group, x.subject, x.form, x.topic) for x in lines] == [
        (SEEDED_DAY, 1, "5А", "Математика", ControlForm.TEST, "Входная контрольная")
    ]
    guardian = Actor(
        telegram_user_id=1,
        school_id=school.school_id,
        kind=PersonKind.GUARDIAN,
        person_id=school.guardians["Алексеева Ольга"],
        name="Алексеева",
        role=Role.GUARDIAN,
        roles=frozenset({Role.GUARDIAN}),
    )
    other = await seed_tiny_school(db, "Школа № 5")
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await control_works.period_control_works(uow, guardian, first)
        with pytest.raises(NotFound):
            await control_works.period_control_works(uow, deputy(other), first)


async def test_add_move_and_cancel(db: Database, school: Seeded) -> None:
    math = await lookups.subject_id(db, school, "Математика")
    async with db.uow() as uow:
        work = await control_works.add_control_work(
            uow,
            staff(school, "Смирнов", Role.DISPATCHER),
            school.groups["5Б"],
            math,
            NEXT_MONDAY,
            ControlForm.DICTATION,
            2,
            "  Дроби  ",
            DURING,
        )
    assert (work.on_date, work.lesson_number, work.topic) == (NEXT_MONDAY, 2, "Дроби")
    [scheduled] = await lookups.events(db, EventKind.CONTROL_WORK_SCHEDULED)
    assert scheduled.payload["control_work_id"] == work.id
    assert scheduled.payload["on_date"] == "2026-09-14"
    assert [x.entity_id for x in await lookups.audit(db, "control_work.create")].count(work.id) == 1

    tuesday = NEXT_MONDAY + dt.timedelta(days=1)
    async with db.uow() as uow:
        moved = await control_works.move_control_work(
            uow, deputy(school), work.id or 0, tuesday, None, DURING
        )
    assert (moved.on_date, moved.lesson_number) == (tuesday, None)
    [changed] = await lookups.events(db, EventKind.CONTROL_WORK_CHANGED)
    assert (changed.payload["change"], changed.payload["from_date"]) == ("moved", "2026-09-14")
    [move] = await lookups.audit(db, "control_work.move")
    assert move.after == {"on_date": "2026-09-15", "lesson_number": None}

    async with db.uow() as uow:
        with pytest.raises(Refused, match="причину"):
            await control_works.cancel_control_work(uow, deputy(school), work.id or 0, " ", DURING)
    async with db.uow() as uow:
        await control_works.cancel_control_work(
            uow, deputy(school), work.id or 0, "учитель на курсах", DURING
        )
    async with db.uow() as uow:
        assert await uow.repo(ControlWork).get(work.id or 0) is None
    [cancel] = await lookups.audit(db, "control_work.cancel")
    assert cancel.entity_id == work.id and cancel.after == {"reason": "учитель на курсах"}
    assert cancel.before is not None and cancel.before["on_date"] == "2026-09-15"
    cancelled = (await lookups.events(db, EventKind.CONTROL_WORK_CHANGED))[-1]
    assert (cancelled.payload["change"], cancelled.payload["group_id"]) == (
        "cancelled",
        school.groups["5Б"],
    )


async def test_days_and_the_one_control_work_a_day_rule(db: Database, school: Seeded) -> None:
    math = await lookups.subject_id(db, school, "Математика")
    english = await lookups.subject_id(db, school, "Английский язык")
    group_5a, group_5b = school.groups["5А"], school.groups["5Б"]
    english_1 = school.groups["5А англ. 1"]
    refusals = [
        (group_5a, math, dt.date(2026, 10, 26), None, "не учебный день"),  # autumn holidays
        (group_5a, math, dt.date(2026, 9, 12), None, "не учебный день"),  # Saturday
        (group_5a, math, dt.date(2027, 9, 6), None, "вне учебного года"),
        (group_5a, math, dt.date(2026, 9, 4), None, "уже прошла"),
        (group_5a, math, NEXT_MONDAY, 5, "нет в расписании звонков"),
        (group_5a, math, SEEDED_DAY, 1, "уже есть контрольная работа"),
        # a subgroup shares its students with 5А: still their second control work that day
        (english_1, english, SEEDED_DAY, 2, "не больше одной контрольной работы в день"),
    ]
    for group, subject, day, number, reason in refusals:
        async with db.uow() as uow:
            with pytest.raises(Refused, match=reason):
                await control_works.add_control_work(
                    uow, deputy(school), group, subject, day, ControlForm.TEST, number, None, DURING
                )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="Слишком длинный"):
            await control_works.add_control_work(
                uow,
                deputy(school),
                group_5b,
                math,
                NEXT_MONDAY,
                ControlForm.TEST,
                2,
                "т" * 501,
                DURING,
            )
    other = await seed_tiny_school(db, "Школа № 5")
    other_math = await lookups.subject_id(db, other, "Математика")
    for group, subject in ((other.groups["5А"], math), (group_5a, other_math)):
        async with db.uow() as uow:
            with pytest.raises(NotFound):
                await control_works.add_control_work(
                    uow,
                    deputy(school),
                    group,
                    subject,
                    NEXT_MONDAY,
                    ControlForm.TEST,
                    1,
                    None,
                    DURING,
                )
    # 5Б has other students: its control work may be on the same day as 5А's
    async with db.uow() as uow:
        await control_works.add_control_work(
            uow, deputy(school), group_5b, math, SEEDED_DAY, ControlForm.QUIZ, 2, None, DURING
        )
    async with db.uow() as uow:
        english_2 = await control_works.add_control_work(
            uow,
            deputy(school),
            school.groups["5А англ. 2"],
            english,
            NEXT_MONDAY,
            ControlForm.ORAL,
            2,
            None,
            DURING,
        )
    seeded = await seeded_work(db)
    moves = [
        (NEXT_MONDAY, "уже есть контрольная работа"),  # English of the subgroup is then
        (dt.date(2026, 11, 2), "не учебный день"),
        (dt.date(2026, 9, 1), "уже прошла"),
    ]
    for day, reason in moves:
        async with db.uow() as uow:
            with pytest.raises(Refused, match=reason):
                await control_works.move_control_work(uow, deputy(school), seeded, day, 1, DURING)
    assert english_2.id is not None
    # moving within its own day is no clash with itself
    async with db.uow() as uow:
        same_day = await control_works.move_control_work(
            uow, deputy(school), english_2.id, NEXT_MONDAY, 3, DURING
        )
    assert same_day.lesson_number == 3
    after = DURING + dt.timedelta(days=60)  # the seeded work has been written by then
    async with db.uow() as uow:
        with pytest.raises(Refused, match="уже прошла"):
            await control_works.cancel_control_work(uow, deputy(school), seeded, "поздно", after)


async def test_only_the_deputy_and_the_dispatcher_keep_the_schedule(
    db: Database, school: Seeded
) -> None:
    teacher = staff(school, "Иванова", Role.TEACHER, Role.CLASS_TEACHER)
    math = await lookups.subject_id(db, school, "Математика")
    seeded = await seeded_work(db)
    steps: list[Callable[[SqlUnitOfWork], Awaitable[object]]] = [
        lambda uow: control_works.add_control_work(
            uow, teacher, school.groups["5Б"], math, NEXT_MONDAY, ControlForm.TEST, 2, None, DURING
        ),
        lambda uow: control_works.move_control_work(uow, teacher, seeded, NEXT_MONDAY, 1, DURING),
        lambda uow: control_works.cancel_control_work(uow, teacher, seeded, "нет", DURING),
    ]
    for step in steps:
        async with db.uow() as uow:
            with pytest.raises(AccessDenied):
                await step(uow)
    assert await lookups.events(db, EventKind.CONTROL_WORK_SCHEDULED) == []
    assert await lookups.events(db, EventKind.CONTROL_WORK_CHANGED) == []
