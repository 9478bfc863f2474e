"""What a guardian and a student read about the child, on a real database: the timetable as the
journal has it, homework, marks and averages, control works, teachers and holidays (INF-1); and
that nobody reads another family's child, nor a guardian without consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

from core.model.grading import WorkType
from core.model.identity import Actor, ConsentAnswer, PersonKind, Role
from core.services import (
    consent,
    family_views,
    journal,
    lesson_content,
    lesson_moves,
    substitutions,
)
from core.services.errors import NotFound, Refused
from core.services.journal import LessonKey
from storage.uow import Database, SqlUnitOfWork
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
SATURDAY = MONDAY + dt.timedelta(days=5)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


def guardian(school: Seeded, name: str, child: str) -> Actor:
    return Actor(
        telegram_user_id=None,
        school_id=school.school_id,
        kind=PersonKind.GUARDIAN,
        person_id=school.guardians[name],
        name=name,
        role=Role.GUARDIAN,
        roles=frozenset({Role.GUARDIAN}),
        student_id=school.students[child],
    )


def student(school: Seeded, last_name: str) -> Actor:
    return Actor(
        telegram_user_id=None,
        school_id=school.school_id,
        kind=PersonKind.STUDENT,
        person_id=school.students[last_name],
        name=last_name,
        role=Role.STUDENT,
        roles=frozenset({Role.STUDENT}),
        student_id=school.students[last_name],
    )


async def consenting_mother(db: Database, school: Seeded) -> Actor:
    mother = guardian(school, "Алексеева Ольга", "Алексеев")
    async with db.uow() as uow:
        await consent.answer_consent(uow, mother, ConsentAnswer.GIVEN, DURING)
    return mother


async def work_type(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name=name)
        assert found is not None and found.id is not None
        return found.id


def deputy(school: Seeded) -> Actor:
    return staff(school, "Кузнецова", Role.DEPUTY)


async def test_the_week_shows_substitutions_and_moves(db: Database, school: Seeded) -> None:
    mother = await consenting_mother(db, school)
    artem = school.students["Алексеев"]
    async with db.uow() as uow:
        await substitutions.substitute(
            uow,
            deputy(school),
            LessonKey(school.groups["5А"], MONDAY, 1),
            school.staff["Смирнов"],
            DURING,
        )
    async with db.uow() as uow:
        await lesson_moves.move_lesson(
            uow,
            deputy(school),
            LessonKey(school.groups["5А"], TUESDAY, 1),
            new_date=WEDNESDAY,
            new_number=2,
            new_room_id=None,
            now=DURING,
        )
    start, end = family_views.week_days(WEDNESDAY)
    assert (start, end) == (MONDAY, SATURDAY)
    async with db.uow() as uow:
        days = await family_views.child_days(uow, mother, artem, start, end)
    seen = {
        d.on_date: [(x.number, x.subject, x.teacher, x.substitute, x.moved_from) for x in d.lessons]
        for d in days
    }
    assert list(seen) == [MONDAY + dt.timedelta(days=i) for i in range(6)]
    assert seen[MONDAY] == [
        (1, "Математика", "Кузнецова А. С.", "Смирнов О. И.", None),
        (2, "Английский язык", "Иванова М. П.", None, None),  # his subgroup only
    ]
    assert seen[TUESDAY] == []  # moved away
    assert seen[WEDNESDAY] == [(2, "Математика", "Кузнецова А. С.", None, (TUESDAY, 1))]
    assert days[0].lessons[0].starts_at == dt.time(8, 30) and days[0].lessons[0].room == "201"
    # his sister in 5Б keeps her own Monday, untouched
    async with db.uow() as uow:
        [eva_monday] = await family_views.child_days(
            uow, mother, school.students["Алексеева"], MONDAY, MONDAY
        )
    assert [(x.number, x.subject, x.substitute) for x in eva_monday.lessons] == [
        (2, "Математика", None)
    ]


async def test_homework_of_the_next_week_with_attachments(db: Database, school: Seeded) -> None:
    mother = await consenting_mother(db, school)
    teacher = staff(school, "Кузнецова")
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1))
    async with db.uow() as uow:
        await lesson_content.set_homework(
            uow, teacher, lesson.id or 0, "№ 12, 14 на с. 30", DURING, attachments=["photo:AgAD1"]
        )
    async with db.uow() as uow:
        lines = await family_views.child_homework(uow, mother, school.students["Алексеев"], MONDAY)
    assert [(x.due_on, x.subject, x.text, x.attachments) for x in lines] == [
        (TUESDAY, "Математика", "№ 12, 14 на с. 30", ("photo:AgAD1",))
    ]
    async with db.uow() as uow:  # a week later it is past; 5Б has none
        assert (
            await family_views.child_homework(uow, mother, school.students["Алексеев"], WEDNESDAY)
            == []
        )
        assert (
            await family_views.child_homework(uow, mother, school.students["Алексеева"], MONDAY)
            == []
        )


async def test_marks_of_the_week_and_of_the_quarter(db: Database, school: Seeded) -> None:
    mother = await consenting_mother(db, school)
    teacher = staff(school, "Кузнецова")
    oral = await work_type(db, school, "Ответ на уроке")
    control = await work_type(db, school, "Контрольная работа")
    artem = school.students["Алексеев"]
    next_monday = MONDAY + dt.timedelta(days=7)
    async with db.uow() as uow:
        first = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1))
    async with db.uow() as uow:
        await journal.post_mark(uow, teacher, first.id or 0, artem, oral, "5", DURING)
    async with db.uow() as uow:
        await journal.post_mark(uow, teacher, first.id or 0, artem, control, "3", DURING)
    async with db.uow() as uow:
        second = await journal.open_lesson(
            uow, teacher, LessonKey(school.groups["5А"], next_monday, 1)
        )
    async with db.uow() as uow:
        await journal.post_mark(
            uow, teacher, second.id or 0, artem, oral, "4", DURING + dt.timedelta(days=7)
        )
    async with db.uow() as uow:
        week = await family_views.week_marks(uow, mother, artem, MONDAY)
        later_week = await family_views.week_marks(uow, mother, artem, next_monday)
        quarter = await family_views.period_marks(uow, mother, artem, next_monday)
    assert [(s.subject, [m.value for m in s.marks]) for s in week.subjects] == [
        ("Математика", ["5", "3"])
    ]
    assert week.subjects[0].average == Decimal("3.67")  # (5·1 + 3·2) / 3
    assert [[m.value for m in s.marks] for s in later_week.subjects] == [["4"]]
    assert quarter.title == "1-я четверть"
    [maths] = quarter.subjects
    assert [(m.on_date, m.value) for m in maths.marks] == [
        (MONDAY, "5"),
        (MONDAY, "3"),
        (next_monday, "4"),
    ]
    assert maths.average == Decimal("3.75")  # (5 + 6 + 4) / 4
    async with db.uow() as uow:  # the sister has no marks
        eva = await family_views.period_marks(uow, mother, school.students["Алексеева"], MONDAY)
    assert eva.subjects == ()


async def test_control_works_teachers_and_holidays(db: Database, school: Seeded) -> None:
    mother = await consenting_mother(db, school)
    artem, eva = school.students["Алексеев"], school.students["Алексеева"]
    async with db.uow() as uow:
        works = await family_views.child_control_works(uow, mother, artem, MONDAY)
        eva_works = await family_views.child_control_works(uow, mother, eva, MONDAY)
        teachers = await family_views.child_teachers(uow, mother, artem, MONDAY)
        eva_teachers = await family_views.child_teachers(uow, mother, eva, MONDAY)
        holidays = await family_views.child_holidays(uow, mother, artem, MONDAY)
    assert works.period == "1-я четверть"
    assert [(w.on_date, w.lesson_number, w.subject, w.topic) for w in works.works] == [
        (dt.date(2026, 10, 19), 1, "Математика", "Входная контрольная")
    ]
    assert eva_works.works == ()  # the control work is 5А's
    assert [(t.subject, t.teacher) for t in teachers] == [
        ("Английский язык", "Иванова М. П."),
        ("Математика", "Кузнецова А. С."),
    ]
    assert [(t.subject, t.teacher) for t in eva_teachers] == [("Математика", "Кузнецова А. С.")]
    assert [(h.name, h.starts_on, h.ends_on) for h in holidays] == [
        ("Осенние", dt.date(2026, 10, 25), dt.date(2026, 11, 4))
    ]


def every_view(student_id: int) -> list[Callable[[SqlUnitOfWork, Actor], Awaitable[Any]]]:
    return [
        lambda uow, a: family_views.child_days(uow, a, student_id, MONDAY, SATURDAY),
        lambda uow, a: family_views.child_homework(uow, a, student_id, MONDAY),
        lambda uow, a: family_views.week_marks(uow, a, student_id, MONDAY),
        lambda uow, a: family_views.period_marks(uow, a, student_id, MONDAY),
        lambda uow, a: family_views.child_control_works(uow, a, student_id, MONDAY),
        lambda uow, a: family_views.child_teachers(uow, a, student_id, MONDAY),
        lambda uow, a: family_views.child_holidays(uow, a, student_id, MONDAY),
    ]


async def test_another_familys_child_is_not_found(db: Database, school: Seeded) -> None:
    mother = await consenting_mother(db, school)
    vera = school.students["Борисова"]
    artem = school.students["Алексеев"]
    for view in every_view(vera):
        async with db.uow() as uow:
            with pytest.raises(NotFound):
                await view(uow, mother)
    for view in every_view(vera):  # a student sees only themself
        async with db.uow() as uow:
            with pytest.raises(NotFound):
                await view(uow, student(school, "Алексеев"))
    for view in every_view(artem):
        async with db.uow() as uow:
            await view(uow, student(school, "Алексеев"))


async def test_a_guardian_without_consent_sees_nothing(db: Database, school: Seeded) -> None:
    father = guardian(school, "Борисов Павел", "Борисова")
    vera = school.students["Борисова"]
    for view in every_view(vera):
        async with db.uow() as uow:
            with pytest.raises(Refused, match="нужно согласие"):
                await view(uow, father)
    async with db.uow() as uow:
        await consent.answer_consent(uow, father, ConsentAnswer.GIVEN, DURING)
    async with db.uow() as uow:
        await consent.answer_consent(uow, father, ConsentAnswer.WITHDRAWN, DURING)
    for view in every_view(vera):
        async with db.uow() as uow:
            with pytest.raises(Refused, match="нужно согласие"):
                await view(uow, father)


async def test_the_first_week_straddles_the_first_of_september(
    db: Database, school: Seeded
) -> None:
    mother = await consenting_mother(db, school)
    start, end = family_views.week_days(dt.date(2026, 9, 2))
    assert start == dt.date(2026, 8, 31)
    async with db.uow() as uow:
        days = await family_views.child_days(uow, mother, school.students["Алексеев"], start, end)
    assert [[x.subject for x in d.lessons] for d in days] == [
        [],  # 31 August: still the summer
        ["Математика"],  # 1 September, a Tuesday
        [],
        [],
        [],
        [],
    ]
