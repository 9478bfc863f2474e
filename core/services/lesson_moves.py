"""Moving a lesson and changing the timetable from a date (LES-10, SETUP-9); see the decisions
in core.services.substitutions."""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.events import EventKind
from core.model.identity import Actor
from core.model.journal import Homework, Lesson, Mark
from core.model.school import Room
from core.model.timetable import TimetableEntry
from core.ports import UnitOfWork
from core.services import substitutions_texts as txt
from core.services.audit_log import audited_add, audited_update
from core.services.errors import NOT_FOUND, NotFound, Refused
from core.services.journal import LessonKey, emit
from core.services.schedule_slots import (
    as_entry,
    check_bell,
    check_school_day,
    current_slot,
    day_slots,
    ensure_scheduler,
    group_of,
    held,
    materialise,
    not_past,
    refuse_clash,
    regime_of,
    teacher_of_school,
)

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
