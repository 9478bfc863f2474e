"""Substitutions, moved lessons and timetable changes on a real database (LES-10, SETUP-9): what
the deputy and the dispatcher see, what the journal shows afterwards, what is refused, and that
every change is audited and raises its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.events import EventKind
from core.model.identity import Actor, Role
from core.model.journal import AbsenceKind
from core.model.people import StaffRole
from core.services import journal, lesson_moves, substitutions
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.journal import LessonKey
from core.services.timetable import planned_lessons
from storage.uow import Database, SqlUnitOfWork
from tests.support import lookups
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1
NEXT_WEEK = DURING + dt.timedelta(days=7)


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


def deputy(school: Seeded) -> Actor:
    return staff(school, "Кузнецова", Role.DEPUTY)


def dispatcher(school: Seeded) -> Actor:
    return staff(school, "Иванова", Role.DISPATCHER)


def key(school: Seeded, group: str, day: dt.date, number: int) -> LessonKey:
    return LessonKey(school.groups[group], day, number)


async def cards(db: Database, school: Seeded, teacher: str, day: dt.date) -> list[tuple[int, str]]:
    async with db.uow() as uow:
        found = await journal.teacher_lessons(uow, staff(school, teacher), day)
    return [(c.key.lesson_number, c.group) for c in found]


async def test_the_lessons_of_a_school_day(db: Database, school: Seeded) -> None:
    async with db.uow() as uow:
        lines = await substitutions.day_lessons(uow, dispatcher(school), MONDAY)
    assert [(x.key.lesson_number, x.group, x.subject, x.teacher, x.room) for x in lines] == [
        (1, "5А", "Математика", "Кузнецова А. С.", "201"),
        (2, "5А англ. 1", "Английский язык", "Иванова М. П.", "202"),
        (2, "5А англ. 2", "Английский язык", "Смирнов О. И.", "305"),
        (2, "5Б", "Математика", "Кузнецова А. С.", "201"),
    ]
    assert not any(x.cancelled or x.substitute or x.moved_from_date or x.lesson_id for x in lines)


async def test_free_teachers_same_subject_first_then_by_name(db: Database, school: Seeded) -> None:
    await lookups.add_staff(db, school, "Андреева", StaffRole.TEACHER)
    await lookups.add_staff(db, school, "Белова", StaffRole.TEACHER, active=False)
    await lookups.add_staff(db, school, "Орлова", StaffRole.COORDINATOR)
    math = await lookups.subject_id(db, school, "Математика")
    english = await lookups.subject_id(db, school, "Английский язык")
    async with db.uow() as uow:
        free = await substitutions.free_teachers(
            uow, deputy(school), MONDAY, 1, math, school.groups["5А"]
        )
    # Кузнецова gives the lesson herself; nobody else teaches mathematics
    assert [(t.name, t.teaches_subject) for t in free] == [
        ("Андреева Н. А.", False),
        ("Иванова М. П.", False),
        ("Смирнов О. И.", False),
    ]
    async with db.uow() as uow:
        free = await substitutions.free_teachers(
            uow, deputy(school), MONDAY, 3, english, school.groups["5А англ. 2"]
        )
    assert [(t.name, t.teaches_subject) for t in free] == [
        ("Иванова М. П.", True),
        ("Смирнов О. И.", True),
        ("Андреева Н. А.", False),
        ("Кузнецова А. С.", False),
    ]
    async with db.uow() as uow:
        free = await substitutions.free_teachers(
            uow, deputy(school), MONDAY, 2, english, school.groups["5А англ. 1"]
        )
    assert [t.name for t in free] == ["Андреева Н. А."]


async def test_a_substitute_keeps_the_lesson_and_the_teacher_does_not(
    db: Database, school: Seeded
) -> None:
    smirnov = school.staff["Смирнов"]
    async with db.uow() as uow:
        lesson = await substitutions.substitute(
            uow, dispatcher(school), key(school, "5А", MONDAY, 1), smirnov, DURING
        )
    assert lesson.substitute_id == smirnov and lesson.version == 2
    assert await cards(db, school, "Смирнов", MONDAY) == [(1, "5А"), (2, "5А англ. 2")]
    async with db.uow() as uow:
        mine = await journal.teacher_lessons(uow, staff(school, "Смирнов"), MONDAY)
    assert [c.as_substitute for c in mine] == [True, False]
    assert await cards(db, school, "Кузнецова", MONDAY) == [(2, "5Б")]
    volkov = school.students["Волков"]
    async with db.uow() as uow:
        saved = await journal.save_attendance(
            uow, staff(school, "Смирнов"), lesson.id or 0, {volkov: AbsenceKind.ILL}, DURING
        )
        assert saved.attendance_taken_at == DURING
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await journal.save_attendance(
                uow, staff(school, "Кузнецова"), lesson.id or 0, {}, DURING
            )
    # the substitute is busy now; the replaced teacher gives no lesson then (the deputy knows why)
    math = await lookups.subject_id(db, school, "Математика")
    async with db.uow() as uow:
        free = await substitutions.free_teachers(
            uow, deputy(school), MONDAY, 1, math, school.groups["5А"]
        )
    assert [t.name for t in free] == ["Кузнецова А. С.", "Иванова М. П."]
    [event] = await lookups.events(db, EventKind.LESSON_SUBSTITUTED)
    assert event.payload["substitute_id"] == smirnov
    assert event.payload["teacher_id"] == school.staff["Кузнецова"]
    assert event.payload["on_date"] == "2026-09-07"
    async with db.uow() as uow:  # a repeated tap changes nothing and tells nobody
        again = await substitutions.substitute(
            uow, deputy(school), key(school, "5А", MONDAY, 1), smirnov, DURING
        )
    assert again.version == lesson.version + 1  # only the attendance bumped it
    assert len(await lookups.events(db, EventKind.LESSON_SUBSTITUTED)) == 1
    [entry] = await lookups.audit(db, "lesson.substitute")
    assert entry.actor == f"staff:{school.staff['Иванова']}"
    assert entry.after == {"substitute_id": smirnov, "version": 2}

    async with db.uow() as uow:
        back = await substitutions.cancel_substitution(
            uow, deputy(school), key(school, "5А", MONDAY, 1), DURING
        )
    assert back.substitute_id is None and back.version == 4  # attendance bumped it too
    assert await cards(db, school, "Кузнецова", MONDAY) == [(1, "5А"), (2, "5Б")]
    assert await cards(db, school, "Смирнов", MONDAY) == [(2, "5А англ. 2")]
    assert len(await lookups.events(db, EventKind.LESSON_SUBSTITUTED)) == 2
    assert len(await lookups.audit(db, "lesson.unsubstitute")) == 1
    async with db.uow() as uow:
        with pytest.raises(Refused, match="нет замены"):
            await substitutions.cancel_substitution(
                uow, deputy(school), key(school, "5А", MONDAY, 1), DURING
            )


async def test_substitutions_that_are_refused(db: Database, school: Seeded) -> None:
    other = await seed_tiny_school(db, "Школа № 5")
    await lookups.add_staff(db, school, "Белова", StaffRole.TEACHER, active=False)
    await lookups.add_staff(db, school, "Орлова", StaffRole.COORDINATOR)
    math_5a = key(school, "5А", MONDAY, 1)
    refusals = [
        (key(school, "5Б", MONDAY, 2), school.staff["Иванова"], "ведёт другой урок"),
        (math_5a, school.staff["Кузнецова"], "замена не нужна"),
        (math_5a, other.staff["Смирнов"], "учитель этой школы"),
        (math_5a, school.staff["Белова"], "учитель этой школы"),
        (math_5a, school.staff["Орлова"], "учитель этой школы"),
    ]
    for lesson_key, teacher, reason in refusals:
        async with db.uow() as uow:
            with pytest.raises(Refused, match=reason):
                await substitutions.substitute(uow, deputy(school), lesson_key, teacher, DURING)
    smirnov = school.staff["Смирнов"]
    async with db.uow() as uow:
        with pytest.raises(Refused, match="уже прошёл"):
            await substitutions.substitute(uow, deputy(school), math_5a, smirnov, NEXT_WEEK)
    async with db.uow() as uow:
        with pytest.raises(NotFound):  # 5А has no third lesson on Monday
            await substitutions.substitute(
                uow, deputy(school), key(school, "5А", MONDAY, 3), smirnov, DURING
            )
    async with db.uow() as uow:
        with pytest.raises(NotFound):  # another school's lesson
            await substitutions.substitute(uow, deputy(other), math_5a, smirnov, DURING)
    assert await lookups.events(db, EventKind.LESSON_SUBSTITUTED) == []
    assert await lookups.audit(db, "lesson.create") == []  # nothing half-done is left


async def test_a_moved_lesson_leaves_its_slot_and_can_come_back(
    db: Database, school: Seeded
) -> None:
    math_5a = key(school, "5А", MONDAY, 1)
    async with db.uow() as uow:
        moved = await lesson_moves.move_lesson(
            uow,
            deputy(school),
            math_5a,
            new_date=WEDNESDAY,
            new_number=1,
            new_room_id=None,
            now=DURING,
        )
    assert (moved.on_date, moved.lesson_number, moved.moved_from_date, moved.moved_from_number) == (
        WEDNESDAY,
        1,
        MONDAY,
        1,
    )
    assert await cards(db, school, "Кузнецова", MONDAY) == [(2, "5Б")]
    assert await cards(db, school, "Кузнецова", WEDNESDAY) == [
        (1, "5А"),
        (3, "ИУП Жуков, математика"),
    ]
    async with db.uow() as uow:
        monday = await substitutions.day_lessons(uow, dispatcher(school), MONDAY)
        wednesday = await substitutions.day_lessons(uow, dispatcher(school), WEDNESDAY)
    stub = monday[0]
    assert (stub.key.lesson_number, stub.group, stub.cancelled) == (1, "5А", True)
    first = wednesday[0]
    assert (first.group, first.moved_from_date, first.room) == ("5А", MONDAY, "201")
    [event] = await lookups.events(db, EventKind.LESSON_MOVED)
    assert {k: event.payload[k] for k in ("from_date", "from_number", "to_date", "to_number")} == {
        "from_date": "2026-09-07",
        "from_number": 1,
        "to_date": "2026-09-09",
        "to_number": 1,
    }
    assert len(await lookups.audit(db, "lesson.move")) == 2  # the stub and the moved lesson
    async with db.uow() as uow:
        with pytest.raises(Refused, match="перенесён"):
            await substitutions.substitute(
                uow, deputy(school), math_5a, school.staff["Смирнов"], DURING
            )
    # the teacher is busy at the new slot now
    math = await lookups.subject_id(db, school, "Математика")
    async with db.uow() as uow:
        free = await substitutions.free_teachers(
            uow, deputy(school), WEDNESDAY, 1, math, school.groups["5Б"]
        )
    assert "Кузнецова А. С." not in [t.name for t in free]

    room_305 = await lookups.room_id(db, school, "305")
    async with db.uow() as uow:
        home = await lesson_moves.move_lesson(
            uow,
            deputy(school),
            key(school, "5А", WEDNESDAY, 1),
            new_date=MONDAY,
            new_number=1,
            new_room_id=room_305,
            now=DURING,
        )
    assert home.id == stub.lesson_id  # one row per slot: the stub is the lesson again
    assert (home.cancelled, home.moved_from_date, home.room_id) == (False, None, room_305)
    assert await cards(db, school, "Кузнецова", MONDAY) == [(1, "5А"), (2, "5Б")]
    assert await cards(db, school, "Кузнецова", WEDNESDAY) == [(3, "ИУП Жуков, математика")]


async def test_moves_that_are_refused(db: Database, school: Seeded) -> None:
    room_201 = await lookups.room_id(db, school, "201")
    math_5a = key(school, "5А", MONDAY, 1)
    english_1 = key(school, "5А англ. 1", MONDAY, 2)
    refusals = [
        (math_5a, dt.date(2026, 10, 26), 1, None, "не учебный день"),  # autumn holidays
        (math_5a, dt.date(2026, 9, 12), 1, None, "не учебный день"),  # Saturday, 5-day week
        (math_5a, dt.date(2027, 9, 6), 1, None, "вне учебного года"),
        (math_5a, dt.date(2026, 9, 4), 1, None, "уже прошла"),
        (math_5a, WEDNESDAY, 4, None, "нет в расписании звонков"),
        (math_5a, MONDAY, 1, None, "уже стоит в это время"),
        (math_5a, MONDAY, 2, None, "Кузнецова А. С. в это время"),  # she teaches 5Б then
        (math_5a, TUESDAY, 1, None, "У группы «5А»"),  # 5А has mathematics then
        (english_1, TUESDAY, 1, None, "заняты на уроке группы «5А»"),  # the same students
        (english_1, WEDNESDAY, 3, room_201, "Кабинет 201"),  # Жуков's lesson is there
    ]
    for lesson_key, day, number, room, reason in refusals:
        async with db.uow() as uow:
            with pytest.raises(Refused, match=reason):
                await lesson_moves.move_lesson(
                    uow,
                    deputy(school),
                    lesson_key,
                    new_date=day,
                    new_number=number,
                    new_room_id=room,
                    now=DURING,
                )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="уже прошёл"):
            await lesson_moves.move_lesson(
                uow,
                deputy(school),
                math_5a,
                new_date=NEXT_MONDAY + dt.timedelta(days=2),
                new_number=1,
                new_room_id=None,
                now=NEXT_WEEK,
            )
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, staff(school, "Кузнецова"), math_5a)
        await journal.save_attendance(uow, staff(school, "Кузнецова"), lesson.id or 0, {}, DURING)
    async with db.uow() as uow:
        with pytest.raises(Refused, match="проведённый урок"):
            await lesson_moves.move_lesson(
                uow,
                deputy(school),
                math_5a,
                new_date=WEDNESDAY,
                new_number=1,
                new_room_id=None,
                now=DURING,
            )
    assert await lookups.events(db, EventKind.LESSON_MOVED) == []
    assert await lookups.audit(db, "lesson.move") == []


async def test_the_timetable_changes_from_a_date_on(db: Database, school: Seeded) -> None:
    entry_id = await lookups.entry(db, school, "5А", 1, 1)
    year = await lookups.year_id(db, school)
    smirnov = school.staff["Смирнов"]
    async with db.uow() as uow:
        changed = await lesson_moves.change_timetable_from(
            uow, deputy(school), entry_id, NEXT_MONDAY, teacher_id=smirnov, now=DURING
        )
    assert changed.id != entry_id
    assert (changed.valid_from, changed.valid_to, changed.teacher_id) == (
        NEXT_MONDAY,
        dt.date(2027, 8, 31),
        smirnov,
    )
    async with db.uow() as uow:
        lessons = await planned_lessons(uow, school.school_id, year, MONDAY, NEXT_MONDAY)
    teachers = [
        (x.on_date, x.teacher_id)
        for x in lessons
        if x.group_id == school.groups["5А"]
        and x.lesson_number == 1
        and x.on_date.isoweekday() == 1
    ]
    assert teachers == [(MONDAY, school.staff["Кузнецова"]), (NEXT_MONDAY, smirnov)]
    assert await cards(db, school, "Смирнов", NEXT_MONDAY) == [(1, "5А"), (2, "5А англ. 2")]
    [event] = await lookups.events(db, EventKind.TIMETABLE_CHANGED)
    assert event.payload["changes"] == {"teacher_id": smirnov}
    assert event.payload["from_date"] == "2026-09-14"
    [ended] = await lookups.audit(db, "timetable_entry.end")
    assert ended.after == {"valid_to": "2026-09-13"}
    created = await lookups.audit(db, "timetable_entry.create")
    assert [x.entity_id for x in created].count(changed.id) == 1

    # from the start of the new entry on: edited in place, no new split
    room_305 = await lookups.room_id(db, school, "305")
    async with db.uow() as uow:
        again = await lesson_moves.change_timetable_from(
            uow, dispatcher(school), changed.id or 0, NEXT_MONDAY, room_id=room_305, now=DURING
        )
    assert (again.id, again.room_id, again.valid_from) == (changed.id, room_305, NEXT_MONDAY)
    assert len(await lookups.audit(db, "timetable_entry.update")) == 1
    assert len(await lookups.events(db, EventKind.TIMETABLE_CHANGED)) == 2


async def test_timetable_changes_that_are_refused(db: Database, school: Seeded) -> None:
    other = await seed_tiny_school(db, "Школа № 5")
    math_5a_monday = await lookups.entry(db, school, "5А", 1, 1)
    math_5a_tuesday = await lookups.entry(db, school, "5А", 2, 1)
    math_5b = await lookups.entry(db, school, "5Б", 1, 2)
    english_1 = await lookups.entry(db, school, "5А англ. 1", 1, 2)
    room_202 = await lookups.room_id(db, school, "202")
    refusals: list[tuple[int, dict[str, int], str]] = [
        (math_5a_monday, {"lesson_number": 2}, "Кузнецова А. С. в это время"),
        (math_5b, {"room_id": room_202}, "Кабинет 202"),
        (math_5a_tuesday, {"weekday": 1}, "У группы «5А»"),
        (english_1, {"weekday": 2, "lesson_number": 1}, "заняты на уроке группы «5А»"),
        (math_5a_monday, {"weekday": 6}, "от 1 \\(понедельник\\) до 5"),
        (math_5a_monday, {"lesson_number": 7}, "нет в расписании звонков"),
        (math_5a_monday, {"teacher_id": other.staff["Смирнов"]}, "учитель этой школы"),
        (math_5a_monday, {"teacher_id": school.staff["Кузнецова"]}, "Изменений нет"),
    ]
    for entry_id, change, reason in refusals:
        async with db.uow() as uow:
            with pytest.raises(Refused, match=reason):
                await lesson_moves.change_timetable_from(
                    uow, deputy(school), entry_id, NEXT_MONDAY, **change, now=DURING
                )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="уже прошла"):
            await lesson_moves.change_timetable_from(
                uow,
                deputy(school),
                math_5a_monday,
                dt.date(2026, 9, 1),
                teacher_id=school.staff["Смирнов"],
                now=DURING,
            )
    async with db.uow() as uow:
        with pytest.raises(NotFound):
            await lesson_moves.change_timetable_from(
                uow, deputy(other), math_5a_monday, NEXT_MONDAY, lesson_number=3, now=DURING
            )
    assert await lookups.events(db, EventKind.TIMETABLE_CHANGED) == []


async def test_only_the_deputy_and_the_dispatcher(db: Database, school: Seeded) -> None:
    teacher = staff(school, "Иванова", Role.TEACHER, Role.CLASS_TEACHER)
    math_5a = key(school, "5А", MONDAY, 1)
    entry_id = await lookups.entry(db, school, "5А", 1, 1)
    steps: list[Callable[[SqlUnitOfWork], Awaitable[object]]] = [
        lambda uow: substitutions.day_lessons(uow, teacher, MONDAY),
        lambda uow: substitutions.free_teachers(uow, teacher, MONDAY, 1, 1, math_5a.group_id),
        lambda uow: substitutions.substitute(
            uow, teacher, math_5a, school.staff["Смирнов"], DURING
        ),
        lambda uow: substitutions.cancel_substitution(uow, teacher, math_5a, DURING),
        lambda uow: lesson_moves.move_lesson(
            uow, teacher, math_5a, new_date=WEDNESDAY, new_number=1, new_room_id=None, now=DURING
        ),
        lambda uow: lesson_moves.change_timetable_from(
            uow, teacher, entry_id, NEXT_MONDAY, lesson_number=3, now=DURING
        ),
    ]
    for step in steps:
        async with db.uow() as uow:
            with pytest.raises(AccessDenied):
                await step(uow)
