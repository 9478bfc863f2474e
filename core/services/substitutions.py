"""Substitutions, moved lessons and changes of the timetable (LES-10, SETUP-9): the use cases of
the deputy (Role.DEPUTY) and the timetable dispatcher (Role.DISPATCHER); nobody else may use them.

Decisions:
- Past lessons are history: a substitution or a move is made for today's or a later lesson only
  (LES-10 wants the fact recorded at the moment it happens); what is wrong in the past is corrected
  through the journal's own corrections, which the audit log keeps.
- A lesson with records (attendance, marks, homework) has been given and is not moved.
- A moved lesson leaves a cancelled stub on its old slot: the journal hides it and the history
  stays. The moved lesson remembers the slot the timetable gave it (``moved_from_*``), even after a
  second move; moving it back home clears that. A substitution does not travel with a move: it
  answered the teacher's absence on the old slot.
- A slot is busy for the same group, a group sharing students (5А and its English subgroups) of
  the same kind of activity, the teacher who gives a lesson then (the substitute, if any) and the
  room, within the same shift — the checks of core.rules.school_year, applied to the lessons of
  one day or to timetable entries.

Lessons are opened here without journal.open_lesson: that one lets only those who may keep the
lesson open it, and a dispatcher keeps no lessons.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.events import EventKind
from core.model.groups import GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.identity import Actor, PersonKind, Role
from core.model.journal import Homework, Lesson, Mark
from core.model.people import StaffMember, StaffRole
from core.model.school import AcademicYear, Bell, BellSchedule, Holiday, Room, Subject
from core.model.timetable import PlannedLesson, TimetableEntry
from core.ports import UnitOfWork
from core.rules import school_year as rules
from core.rules.calendar import is_school_day
from core.services import substitutions_texts as txt
from core.services.audit_log import audited_add, audited_update
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.journal import LessonKey, emit, lesson_at, local_today
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


# --- the lessons of a day and free teachers ------------------------------------------------


@dataclass(frozen=True)
class DayLesson:
    """A lesson of the day as the deputy chooses one to substitute or move."""

    key: LessonKey
    lesson_id: int | None  # None: only planned by the timetable so far
    group: str
    subject: str
    teacher_id: int
    teacher: str
    substitute_id: int | None
    substitute: str | None
    room_id: int | None
    room: str | None
    moved_from_date: dt.date | None
    moved_from_number: int | None
    cancelled: bool  # moved away: a stub kept for history


async def day_lessons(uow: UnitOfWork, actor: Actor, day: dt.date) -> list[DayLesson]:
    ensure_scheduler(actor)
    sid = actor.school_id
    groups = {g.id: g.name for g in await uow.repo(StudyGroup).find(school_id=sid)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=sid)}
    rooms = {r.id: r.name for r in await uow.repo(Room).find(school_id=sid)}
    staff = {m.id: m.short_name for m in await uow.repo(StaffMember).find(school_id=sid)}
    lines = []
    for slot in (await day_slots(uow, sid, day)).values():
        stored = slot if isinstance(slot, Lesson) else None
        substitute_id = stored.substitute_id if stored else None
        lines.append(
            DayLesson(
                key=LessonKey(slot.group_id, day, slot.lesson_number),
                lesson_id=stored.id if stored else None,
                group=groups.get(slot.group_id, ""),
                subject=subjects.get(slot.subject_id, ""),
                teacher_id=slot.teacher_id,
                teacher=staff.get(slot.teacher_id, ""),
                substitute_id=substitute_id,
                substitute=staff.get(substitute_id) if substitute_id else None,
                room_id=slot.room_id,
                room=rooms.get(slot.room_id) if slot.room_id else None,
                moved_from_date=stored.moved_from_date if stored else None,
                moved_from_number=stored.moved_from_number if stored else None,
                cancelled=not held(slot),
            )
        )
    return sorted(lines, key=lambda x: (x.key.lesson_number, x.group))


@dataclass(frozen=True)
class FreeTeacher:
    staff_id: int
    name: str  # «Смирнов О. И.»
    teaches_subject: bool  # by the teaching load: the natural substitute


async def free_teachers(
    uow: UnitOfWork, actor: Actor, day: dt.date, lesson_number: int, subject_id: int, group_id: int
) -> list[FreeTeacher]:
    """Active teachers without a lesson at that slot (by the timetable, as a substitute or by a
    moved lesson), those who teach the subject first, then by name."""
    ensure_scheduler(actor)
    group = await group_of(uow, actor, group_id)
    regime = await regime_of(uow, group)
    slots = await day_slots(uow, actor.school_id, day)
    busy = busy_teachers(slots, lesson_number, regime.shift, await shifts(uow, actor.school_id))
    loads = await uow.repo(TeachingLoad).find(year_id=group.year_id, subject_id=subject_id)
    of_subject = {load.teacher_id for load in loads}
    free = [
        m
        for m in await uow.repo(StaffMember).find(school_id=actor.school_id, active=True)
        if m.id is not None and StaffRole.TEACHER in m.roles and m.id not in busy
    ]
    free.sort(
        key=lambda m: (m.id not in of_subject, m.last_name, m.first_name, m.middle_name or "")
    )
    return [FreeTeacher(m.id, m.short_name, m.id in of_subject) for m in free if m.id is not None]


# --- substitutions ----------------------------------------------------------------------


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


async def substitute(
    uow: UnitOfWork, actor: Actor, key: LessonKey, substitute_id: int, now: dt.datetime
) -> Lesson:
    """Another teacher gives the lesson (LES-10): it leaves the timetable teacher's «Мои уроки»
    and appears in the substitute's, who keeps its journal from then on."""
    ensure_scheduler(actor)
    slot = await current_slot(uow, actor, key, now)
    teacher = await teacher_of_school(uow, actor, substitute_id)
    if substitute_id == slot.teacher_id:
        raise Refused(txt.SAME_TEACHER)
    if isinstance(slot, Lesson) and slot.substitute_id == substitute_id:
        return slot  # a repeated tap: nothing changes, nothing to tell anyone
    group = await group_of(uow, actor, key.group_id)
    busy = busy_teachers(
        await day_slots(uow, actor.school_id, key.on_date),
        key.lesson_number,
        (await regime_of(uow, group)).shift,
        await shifts(uow, actor.school_id),
        besides=(key.group_id, key.lesson_number),
    )
    if substitute_id in busy:
        raise Refused(
            txt.TEACHER_BUSY.format(
                name=teacher.short_name, when=txt.day(key.on_date), number=key.lesson_number
            )
        )
    lesson = await materialise(uow, actor, slot)
    return await _set_substitute(uow, actor, lesson, substitute_id, now, "lesson.substitute")


async def cancel_substitution(
    uow: UnitOfWork, actor: Actor, key: LessonKey, now: dt.datetime
) -> Lesson:
    """The timetable teacher gives the lesson again."""
    ensure_scheduler(actor)
    slot = await current_slot(uow, actor, key, now)
    if not isinstance(slot, Lesson) or slot.substitute_id is None:
        raise Refused(txt.NO_SUBSTITUTION)
    return await _set_substitute(uow, actor, slot, None, now, "lesson.unsubstitute")


async def _set_substitute(
    uow: UnitOfWork,
    actor: Actor,
    lesson: Lesson,
    substitute_id: int | None,
    now: dt.datetime,
    action: str,
) -> Lesson:
    previous = lesson.substitute_id
    audited_update(
        uow,
        actor.audit_name,
        lesson,
        {"substitute_id": substitute_id, "version": lesson.version + 1},
        action=action,
    )
    await emit(
        uow,
        lesson.school_id,
        EventKind.LESSON_SUBSTITUTED,
        now,
        lesson_id=lesson.id,
        group_id=lesson.group_id,
        on_date=lesson.on_date.isoformat(),
        lesson_number=lesson.lesson_number,
        teacher_id=lesson.teacher_id,
        substitute_id=substitute_id,  # None: the substitution is cancelled
        previous_substitute_id=previous,
    )
    await uow.commit()
    return lesson


# --- moves ------------------------------------------------------------------------------


async def move_lesson(
    uow: UnitOfWork,
    actor: Actor,
    key: LessonKey,
    *,
    new_date: dt.date,
    new_number: int,
    new_room_id: int | None,
    now: dt.datetime,
) -> Lesson:
    """Move a lesson to another date, number and room (None: the room it has). The old slot keeps
    a cancelled stub; the lesson at the new slot is returned."""
    ensure_scheduler(actor)
    slot = await current_slot(uow, actor, key, now)
    await not_past(uow, actor, new_date, now)
    if (new_date, new_number) == (key.on_date, key.lesson_number):
        raise Refused(txt.SAME_SLOT)
    if isinstance(slot, Lesson) and await _given(uow, slot):
        raise Refused(txt.ALREADY_GIVEN)
    group = await group_of(uow, actor, key.group_id)
    regime = await regime_of(uow, group)
    await check_school_day(uow, group, regime, new_date)
    check_bell(regime, new_number)
    room_id = slot.room_id if new_room_id is None else new_room_id
    room = await uow.repo(Room).get(room_id) if room_id is not None else None
    if room_id is not None and (room is None or room.school_id != actor.school_id):
        raise Refused(txt.NO_SUCH_ROOM)
    slots = await day_slots(uow, actor.school_id, new_date)
    target = slots.get((key.group_id, new_number))
    if target is not None and held(target):
        # whatever its kind: the journal keeps one lesson per group and slot
        raise Refused(
            txt.GROUP_BUSY.format(group=group.name, when=txt.day(new_date), number=new_number)
        )
    others = [
        as_entry(other, new_date, actor.school_id)
        for place, other in slots.items()
        if held(other)
        and not (new_date == key.on_date and place == (key.group_id, key.lesson_number))
    ]
    moved_slot = dataclasses.replace(
        as_entry(slot, new_date, actor.school_id),
        lesson_number=new_number,
        teacher_id=slot.teacher_id,
        room_id=room_id,
    )
    await refuse_clash(uow, moved_slot, others, txt.day(new_date))

    lesson = await materialise(uow, actor, slot)
    moved = _moved_copy(lesson, new_date, new_number, room_id)
    # the stub gives its planned topic away, or the plan would count the topic as given twice
    stub_changes = {"cancelled": True, "topic": None, "topic_id": None}
    audited_update(
        uow,
        actor.audit_name,
        lesson,
        {**stub_changes, "version": lesson.version + 1},
        "lesson.move",
    )
    if isinstance(target, Lesson):  # a stub of an earlier move: one row per slot, so reuse it
        changes = {name: getattr(moved, name) for name in MOVED_FIELDS}
        audited_update(
            uow, actor.audit_name, target, {**changes, "version": target.version + 1}, "lesson.move"
        )
        moved = target
    else:
        await audited_add(uow, actor.audit_name, moved, "lesson.move")
    await emit(
        uow,
        lesson.school_id,
        EventKind.LESSON_MOVED,
        now,
        lesson_id=moved.id,
        cancelled_lesson_id=lesson.id,
        group_id=lesson.group_id,
        subject_id=lesson.subject_id,
        from_date=key.on_date.isoformat(),
        from_number=key.lesson_number,
        to_date=new_date.isoformat(),
        to_number=new_number,
        room_id=room_id,
    )
    await uow.commit()
    return moved


# what a moved lesson takes along to its new slot (a reused stub gets all of these)
MOVED_FIELDS = (
    "subject_id",
    "teacher_id",
    "substitute_id",
    "room_id",
    "kind",
    "entry_id",
    "topic",
    "topic_id",
    "moved_from_date",
    "moved_from_number",
    "cancelled",
)


def _moved_copy(lesson: Lesson, new_date: dt.date, new_number: int, room_id: int | None) -> Lesson:
    """The lesson at its new slot. It remembers the slot the timetable gave it, even after a
    second move; moved back there, it is at home again. The substitute stays behind."""
    home_date, home_number = lesson.on_date, lesson.lesson_number
    if lesson.moved_from_date is not None and lesson.moved_from_number is not None:
        home_date, home_number = lesson.moved_from_date, lesson.moved_from_number
    back_home = (home_date, home_number) == (new_date, new_number)
    return Lesson(
        school_id=lesson.school_id,
        year_id=lesson.year_id,
        group_id=lesson.group_id,
        on_date=new_date,
        lesson_number=new_number,
        subject_id=lesson.subject_id,
        teacher_id=lesson.teacher_id,
        room_id=room_id,
        kind=lesson.kind,
        entry_id=lesson.entry_id,
        topic=lesson.topic,
        topic_id=lesson.topic_id,
        moved_from_date=None if back_home else home_date,
        moved_from_number=None if back_home else home_number,
    )


async def _given(uow: UnitOfWork, lesson: Lesson) -> bool:
    return bool(
        lesson.attendance_taken_at
        or await uow.repo(Mark).first(lesson_id=lesson.id)
        or await uow.repo(Homework).first(lesson_id=lesson.id)
    )


# --- the timetable from a date on -------------------------------------------------------


async def change_timetable_from(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    from_date: dt.date,
    *,
    teacher_id: int | None = None,
    room_id: int | None = None,
    weekday: int | None = None,
    lesson_number: int | None = None,
    now: dt.datetime,
) -> TimetableEntry:
    """Change a weekly slot from ``from_date`` on (SETUP-9); returns the entry that carries it.

    A keyword left None keeps what the entry has. The entry is split: the old one ends the day
    before and a new one runs from ``from_date`` to the old end, so the lessons before the date
    keep what they had. When the date is not after the entry's start, the entry is edited in
    place. A past date is refused: the past is history.

    Lessons already stored for this entry after ``from_date`` (opened, substituted or moved
    earlier) are not rewritten: they were already kept as they are, and the deputy substitutes or
    moves them one by one if they should follow the change. Only the timetable entries are checked
    for double bookings, not such stored lessons."""
    ensure_scheduler(actor)
    entry = await uow.repo(TimetableEntry).get(entry_id)
    if entry is None or entry.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    await not_past(uow, actor, from_date, now)
    if from_date > entry.valid_to:
        raise Refused(txt.ENTRY_ENDED.format(day=txt.day(entry.valid_to)))
    wanted = {
        "teacher_id": teacher_id,
        "room_id": room_id,
        "weekday": weekday,
        "lesson_number": lesson_number,
    }
    changes = {k: v for k, v in wanted.items() if v is not None and getattr(entry, k) != v}
    if not changes:
        raise Refused(txt.NOTHING_TO_CHANGE)
    group = await group_of(uow, actor, entry.group_id)
    regime = await regime_of(uow, group)
    if teacher_id is not None:
        await teacher_of_school(uow, actor, teacher_id)
    if room_id is not None:
        room = await uow.repo(Room).get(room_id)
        if room is None or room.school_id != actor.school_id:
            raise Refused(txt.NO_SUCH_ROOM)
    if weekday is not None and not 1 <= weekday <= regime.days_per_week:
        raise Refused(txt.BAD_WEEKDAY.format(last=regime.days_per_week))
    if lesson_number is not None:
        check_bell(regime, lesson_number)
    start = max(from_date, entry.valid_from)
    changed = dataclasses.replace(
        entry,
        id=None,
        valid_from=start,
        teacher_id=changes.get("teacher_id", entry.teacher_id),
        room_id=changes.get("room_id", entry.room_id),
        weekday=changes.get("weekday", entry.weekday),
        lesson_number=changes.get("lesson_number", entry.lesson_number),
    )
    others = [
        e
        for e in await uow.repo(TimetableEntry).find(
            school_id=actor.school_id, year_id=entry.year_id
        )
        if e.id != entry.id
    ]
    when = f"{txt.WEEKDAYS.get(changed.weekday, '')} с {txt.day(start)}"
    await refuse_clash(uow, changed, others, when)

    if start == entry.valid_from:
        audited_update(uow, actor.audit_name, entry, changes)
        result = entry
    else:
        end_before = {"valid_to": start - dt.timedelta(days=1)}
        audited_update(uow, actor.audit_name, entry, end_before, "timetable_entry.end")
        result = await audited_add(uow, actor.audit_name, changed)
    await emit(
        uow,
        actor.school_id,
        EventKind.TIMETABLE_CHANGED,
        now,
        entry_id=entry.id,
        new_entry_id=result.id,
        group_id=entry.group_id,
        from_date=start.isoformat(),
        changes=changes,
    )
    await uow.commit()
    return result
