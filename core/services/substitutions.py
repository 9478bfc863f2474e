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

import datetime as dt
from dataclasses import dataclass

from core.events import EventKind
from core.model.groups import StudyGroup, TeachingLoad
from core.model.identity import Actor
from core.model.journal import Lesson
from core.model.people import StaffMember, StaffRole
from core.model.school import Room, Subject
from core.ports import UnitOfWork
from core.services import substitutions_texts as txt
from core.services.audit_log import audited_update
from core.services.errors import Refused
from core.services.journal import LessonKey, emit
from core.services.schedule_slots import (
    busy_teachers,
    current_slot,
    day_slots,
    ensure_scheduler,
    group_of,
    held,
    materialise,
    regime_of,
    shifts,
    teacher_of_school,
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
