"""Who is where on a day, and the checks every substitution, move and timetable change shares:
the group's regime and calendar, clashes of teachers, rooms and groups (core.rules.school_year).
The decisions are in core.services.substitutions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.model.groups import GroupMembership, SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind, Role
from core.model.journal import Lesson
from core.model.people import StaffMember, StaffRole
from core.model.school import AcademicYear, Bell, BellSchedule, Holiday, Room
from core.model.timetable import PlannedLesson, TimetableEntry
from core.ports import UnitOfWork
from core.rules import school_year as rules
from core.rules.calendar import is_school_day
from core.services import substitutions_texts as txt
from core.services.audit_log import audited_add
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.journal import LessonKey, lesson_at, local_today
from core.services.timetable import planned_lessons

SCHEDULERS = (Role.DEPUTY, Role.DISPATCHER)
Slot = Lesson | PlannedLesson  # a lesson of a day: stored, or only planned by the timetable


def ensure_scheduler(actor: Actor) -> None:
    if actor.kind is not PersonKind.STAFF or not actor.holds(*SCHEDULERS):
        raise AccessDenied(NOT_ALLOWED)


# --- the group's work regime and the calendar ---------------------------------------------


@dataclass(frozen=True)
class Regime:
    """A group's work regime: grade (None for a stream across classes), days a week, shift and
    the lesson numbers of its bells (None when it has no known bell schedule: not checked)."""

    grade: int | None
    days_per_week: int
    shift: int
    bells: frozenset[int] | None


async def group_of(uow: UnitOfWork, actor: Actor, group_id: int) -> StudyGroup:
    group = await uow.repo(StudyGroup).get(group_id)
    if group is None or group.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    return group


async def regime_of(uow: UnitOfWork, group: StudyGroup) -> Regime:
    """A stream without a class keeps Saturdays and the first shift, as core.rules.calendar
    treats a group without a regime of its own."""
    school_class = await uow.repo(SchoolClass).get(group.class_id) if group.class_id else None
    schedule_id = school_class.bell_schedule_id if school_class else None
    if schedule_id is None:  # the school's first schedule, as the timetable screens show it
        schedules = await uow.repo(BellSchedule).find(school_id=group.school_id)
        schedule_id = schedules[0].id if schedules else None
    numbers = frozenset(b.lesson_number for b in await uow.repo(Bell).find(schedule_id=schedule_id))
    if school_class is None:
        return Regime(None, 6, rules.DEFAULT_SHIFT, numbers or None)
    return Regime(
        school_class.grade, school_class.days_per_week, school_class.shift, numbers or None
    )


async def check_school_day(
    uow: UnitOfWork, group: StudyGroup, regime: Regime, day: dt.date
) -> None:
    year = await uow.repo(AcademicYear).get(group.year_id)
    assert year is not None
    if not year.starts_on <= day <= year.ends_on:
        raise Refused(
            txt.OUTSIDE_YEAR.format(
                day=txt.day(day), start=txt.day(year.starts_on), end=txt.day(year.ends_on)
            )
        )
    holidays = await uow.repo(Holiday).find(school_id=group.school_id, year_id=group.year_id)
    if not is_school_day(day, holidays, regime.grade, regime.days_per_week):
        raise Refused(txt.DAY_OFF.format(day=txt.day(day), group=group.name))


def check_bell(regime: Regime, number: int) -> None:
    if regime.bells is not None and number not in regime.bells:
        numbers = ", ".join(map(str, sorted(regime.bells)))
        raise Refused(txt.NO_BELL.format(number=number, numbers=numbers))


async def not_past(uow: UnitOfWork, actor: Actor, day: dt.date, now: dt.datetime) -> None:
    if day < await local_today(uow, actor.school_id, now):
        raise Refused(txt.PAST_DATE.format(day=txt.day(day)))


def share_students(
    members: Sequence[GroupMembership], a: int, b: int, start: dt.date, end: dt.date
) -> bool:
    """Whether some student is in groups a and b on the same day of [start, end]."""

    def spans(group_id: int) -> dict[int, list[tuple[dt.date, dt.date]]]:
        found: dict[int, list[tuple[dt.date, dt.date]]] = {}
        for m in members:
            first, last = max(m.starts_on, start), min(m.ends_on or dt.date.max, end)
            if m.group_id == group_id and first <= last:
                found.setdefault(m.student_id, []).append((first, last))
        return found

    in_b = spans(b)
    return any(
        s1 <= e2 and s2 <= e1
        for student, ranges in spans(a).items()
        for s1, e1 in ranges
        for s2, e2 in in_b.get(student, [])
    )


# --- who is where on a day --------------------------------------------------------------


async def day_slots(uow: UnitOfWork, school_id: int, day: dt.date) -> dict[tuple[int, int], Slot]:
    """The school's lessons of a day by (group, number): the timetable, overridden by stored
    lessons (substituted, moved, cancelled stubs), as journal.teacher_lessons merges them."""
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    year = next((y for y in years if y.starts_on <= day <= y.ends_on), None)
    planned = (
        []
        if year is None or year.id is None
        else (await planned_lessons(uow, school_id, year.id, day, day))
    )
    slots: dict[tuple[int, int], Slot] = {(p.group_id, p.lesson_number): p for p in planned}
    for lesson in await uow.repo(Lesson).find(school_id=school_id, on_date=day):
        slots[(lesson.group_id, lesson.lesson_number)] = lesson
    return slots


def given_by(slot: Slot) -> int:
    return slot.given_by if isinstance(slot, Lesson) else slot.teacher_id


def held(slot: Slot) -> bool:
    return not (isinstance(slot, Lesson) and slot.cancelled)


async def shifts(uow: UnitOfWork, school_id: int) -> dict[int, int]:
    classes = {c.id: c.shift for c in await uow.repo(SchoolClass).find(school_id=school_id)}
    return {
        g.id: classes[g.class_id]
        for g in await uow.repo(StudyGroup).find(school_id=school_id)
        if g.id is not None and g.class_id in classes
    }


def busy_teachers(
    slots: dict[tuple[int, int], Slot],
    number: int,
    shift: int,
    shift_of_group: dict[int, int],
    besides: tuple[int, int] | None = None,
) -> set[int]:
    """Who gives a lesson at ``number`` of ``shift``, the slot ``besides`` left out."""
    return {
        given_by(slot)
        for key, slot in slots.items()
        if key != besides
        and held(slot)
        and slot.lesson_number == number
        and shift_of_group.get(slot.group_id, rules.DEFAULT_SHIFT) == shift
    }


def as_entry(slot: Slot, day: dt.date, school_id: int) -> TimetableEntry:
    """A lesson of one day as a one-day timetable entry, for the checks of rules.school_year."""
    return TimetableEntry(
        school_id=school_id,
        year_id=0,
        group_id=slot.group_id,
        weekday=day.isoweekday(),
        lesson_number=slot.lesson_number,
        subject_id=slot.subject_id,
        teacher_id=given_by(slot),
        room_id=slot.room_id,
        valid_from=day,
        valid_to=day,
        kind=slot.kind,
    )


async def refuse_clash(
    uow: UnitOfWork, candidate: TimetableEntry, others: Sequence[TimetableEntry], when: str
) -> None:
    """Refuse when ``candidate`` double-books a teacher, room, group or students among ``others``
    (clashes among the others themselves are not this change's business)."""
    school_id = candidate.school_id
    shift_of_group = await shifts(uow, school_id)
    entries = [*others, candidate]
    number = candidate.lesson_number

    def involves(pairs: list[tuple[TimetableEntry, TimetableEntry]]) -> bool:
        return any(candidate in pair for pair in pairs)  # by identity: entries have eq=False

    if involves(rules.teacher_double_bookings(entries, shift_of_group)):
        teacher = await uow.repo(StaffMember).get(candidate.teacher_id)
        name = teacher.short_name if teacher else ""
        raise Refused(txt.TEACHER_BUSY.format(name=name, when=when, number=number))
    if involves(rules.room_double_bookings(entries, shift_of_group)):
        room = await uow.repo(Room).get(candidate.room_id or 0)
        raise Refused(
            txt.ROOM_BUSY.format(room=room.name if room else "", when=when, number=number)
        )
    group = await uow.repo(StudyGroup).get(candidate.group_id)
    group_name = group.name if group else ""
    if involves(rules.group_double_bookings(entries)):
        raise Refused(txt.GROUP_BUSY.format(group=group_name, when=when, number=number))
    members = await uow.repo(GroupMembership).find(school_id=school_id)
    for other in others:
        start = max(other.valid_from, candidate.valid_from)
        end = min(other.valid_to, candidate.valid_to)
        if (
            (other.weekday, other.lesson_number, other.kind)
            == (candidate.weekday, number, candidate.kind)
            and other.group_id != candidate.group_id
            and start <= end
            and share_students(members, candidate.group_id, other.group_id, start, end)
        ):
            other_group = await uow.repo(StudyGroup).get(other.group_id)
            raise Refused(
                txt.STUDENTS_BUSY.format(
                    group=group_name,
                    other=other_group.name if other_group else "",
                    when=when,
                    number=number,
                )
            )


async def current_slot(uow: UnitOfWork, actor: Actor, key: LessonKey, now: dt.datetime) -> Slot:
    """The lesson at a slot, stored or planned, that may still be changed: held, not past."""
    await group_of(uow, actor, key.group_id)
    if key.on_date < await local_today(uow, actor.school_id, now):
        raise Refused(txt.PAST_LESSON.format(day=txt.day(key.on_date)))
    slot: Slot | None = await lesson_at(uow, actor.school_id, key)
    if slot is None:
        slot = (await day_slots(uow, actor.school_id, key.on_date)).get(
            (key.group_id, key.lesson_number)
        )
    if slot is None:
        raise NotFound(NOT_FOUND)
    if not held(slot):
        raise Refused(txt.CANCELLED_LESSON)
    return slot


async def materialise(uow: UnitOfWork, actor: Actor, slot: Slot) -> Lesson:
    """The stored lesson of a slot, made from the timetable (audited) when there is none yet."""
    if isinstance(slot, Lesson):
        return slot
    group = await uow.repo(StudyGroup).get(slot.group_id)
    assert group is not None
    return await audited_add(
        uow,
        actor.audit_name,
        Lesson(
            school_id=actor.school_id,
            year_id=group.year_id,
            group_id=slot.group_id,
            on_date=slot.on_date,
            lesson_number=slot.lesson_number,
            subject_id=slot.subject_id,
            teacher_id=slot.teacher_id,
            room_id=slot.room_id,
            kind=slot.kind,
            entry_id=slot.entry_id,
        ),
    )


async def teacher_of_school(uow: UnitOfWork, actor: Actor, staff_id: int) -> StaffMember:
    member = await uow.repo(StaffMember).get(staff_id)
    if (
        member is None
        or member.school_id != actor.school_id
        or not member.active
        or StaffRole.TEACHER not in member.roles
    ):
        raise Refused(txt.NOT_A_TEACHER)
    return member
