"""The schedule of control works of internal monitoring, ВШК (SETUP-14, INF-1): any staff member
reads a period's schedule; the deputy and the timetable dispatcher keep it.

Rules:
- A control work is written on a school day of its group inside the school year (not on a day off
  or in holidays of the group's grade), at a lesson number of its bells when one is given.
- Not more than one control work a day for the same students — a common school rule against
  overloading them. It counts by students, not by group name: the English subgroups of 5А share
  their students with 5А, so 5А's mathematics and a subgroup's English test are not on one day.
- Like substitutions and moves, the schedule is changed for today and later only: a control work
  that has been written is history (its marks refer to it).
Texts are in substitutions_texts, with the rest of the deputy's timetable work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.events import EventKind
from core.model.groups import GroupMembership, StudyGroup
from core.model.identity import Actor, PersonKind
from core.model.school import StudyPeriod, Subject
from core.model.timetable import ControlForm, ControlWork
from core.ports import UnitOfWork
from core.rules.journal import MAX_REASON_CHARS, MAX_TOPIC_CHARS
from core.services import substitutions_texts as txt
from core.services.audit_log import audited_add, audited_update, snapshot
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.journal import emit
from core.services.schedule_slots import (
    check_bell,
    check_school_day,
    ensure_scheduler,
    group_of,
    not_past,
    regime_of,
    share_students,
)


@dataclass(frozen=True)
class ControlWorkLine:
    id: int
    on_date: dt.date
    lesson_number: int | None
    group_id: int
    group: str
    subject_id: int
    subject: str
    form: ControlForm
    topic: str | None


async def period_control_works(
    uow: UnitOfWork, actor: Actor, period_id: int
) -> list[ControlWorkLine]:
    """The control works of a study period, of the grades the period is for, by date."""
    if actor.kind is not PersonKind.STAFF:
        raise AccessDenied(NOT_ALLOWED)
    period = await uow.repo(StudyPeriod).get(period_id)
    if period is None or period.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    groups = {g.id: g for g in await uow.repo(StudyGroup).find(school_id=actor.school_id)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=actor.school_id)}
    grades: dict[int, int | None] = {}
    lines = []
    for work in await uow.repo(ControlWork).find(school_id=actor.school_id, year_id=period.year_id):
        group = groups.get(work.group_id)
        if (
            work.id is None
            or group is None
            or not period.starts_on <= work.on_date <= period.ends_on
        ):
            continue
        if work.group_id not in grades:
            grades[work.group_id] = (await regime_of(uow, group)).grade
        grade = grades[work.group_id]
        if grade is not None and not period.covers_grade(grade):
            continue
        lines.append(
            ControlWorkLine(
                id=work.id,
                on_date=work.on_date,
                lesson_number=work.lesson_number,
                group_id=work.group_id,
                group=group.name,
                subject_id=work.subject_id,
                subject=subjects.get(work.subject_id, ""),
                form=work.form,
                topic=work.topic,
            )
        )
    return sorted(lines, key=lambda x: (x.on_date, x.lesson_number or 0, x.group))


async def _check_slot(
    uow: UnitOfWork,
    actor: Actor,
    group: StudyGroup,
    on_date: dt.date,
    lesson_number: int | None,
    now: dt.datetime,
    moving: ControlWork | None = None,
) -> None:
    await not_past(uow, actor, on_date, now)
    regime = await regime_of(uow, group)
    await check_school_day(uow, group, regime, on_date)
    if lesson_number is not None:
        check_bell(regime, lesson_number)
    same_day = [
        work
        for work in await uow.repo(ControlWork).find(school_id=actor.school_id, on_date=on_date)
        if work is not moving
    ]
    if not same_day:
        return
    members = await uow.repo(GroupMembership).find(school_id=actor.school_id)
    for work in same_day:
        if work.group_id == group.id or share_students(
            members, group.id or 0, work.group_id, on_date, on_date
        ):
            other = await uow.repo(StudyGroup).get(work.group_id)
            subject = await uow.repo(Subject).get(work.subject_id)
            raise Refused(
                txt.CONTROL_SAME_DAY.format(
                    group=group.name,
                    day=txt.day(on_date),
                    other=other.name if other else "",
                    subject=subject.name if subject else "",
                )
            )


async def add_control_work(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    subject_id: int,
    on_date: dt.date,
    form: ControlForm,
    lesson_number: int | None,
    topic: str | None,
    now: dt.datetime,
) -> ControlWork:
    ensure_scheduler(actor)
    group = await group_of(uow, actor, group_id)
    subject = await uow.repo(Subject).get(subject_id)
    if subject is None or subject.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    topic = (topic or "").strip() or None
    if topic is not None and len(topic) > MAX_TOPIC_CHARS:
        raise Refused(txt.TOO_LONG.format(length=len(topic), limit=MAX_TOPIC_CHARS))
    await _check_slot(uow, actor, group, on_date, lesson_number, now)
    work = await audited_add(
        uow,
        actor.audit_name,
        ControlWork(
            school_id=actor.school_id,
            year_id=group.year_id,
            group_id=group_id,
            subject_id=subject_id,
            on_date=on_date,
            form=form,
            lesson_number=lesson_number,
            topic=topic,
        ),
    )
    await _emit(uow, work, EventKind.CONTROL_WORK_SCHEDULED, now)
    await uow.commit()
    return work


async def _editable(
    uow: UnitOfWork, actor: Actor, control_work_id: int, now: dt.datetime
) -> ControlWork:
    ensure_scheduler(actor)
    work = await uow.repo(ControlWork).get(control_work_id)
    if work is None or work.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    await not_past(uow, actor, work.on_date, now)
    return work


async def move_control_work(
    uow: UnitOfWork,
    actor: Actor,
    control_work_id: int,
    new_date: dt.date,
    new_lesson_number: int | None,
    now: dt.datetime,
) -> ControlWork:
    work = await _editable(uow, actor, control_work_id, now)
    group = await group_of(uow, actor, work.group_id)
    await _check_slot(uow, actor, group, new_date, new_lesson_number, now, moving=work)
    before = work.on_date
    changes = {"on_date": new_date, "lesson_number": new_lesson_number}
    if audited_update(uow, actor.audit_name, work, changes, "control_work.move"):
        await _emit(uow, work, EventKind.CONTROL_WORK_CHANGED, now, change="moved", before=before)
        await uow.commit()
    return work


async def cancel_control_work(
    uow: UnitOfWork, actor: Actor, control_work_id: int, reason: str, now: dt.datetime
) -> None:
    """Take a control work out of the schedule: the row goes, the audit entry keeps it with the
    reason. The event carries what the notices need, since the row is gone when they are sent;
    the reason stays in the audit (free text has no place in a notice's payload)."""
    work = await _editable(uow, actor, control_work_id, now)
    reason = reason.strip()
    if not reason:
        raise Refused(txt.REASON_NEEDED)
    if len(reason) > MAX_REASON_CHARS:
        raise Refused(txt.TOO_LONG.format(length=len(reason), limit=MAX_REASON_CHARS))
    uow.record_audit(
        school_id=work.school_id,
        actor=actor.audit_name,
        action="control_work.cancel",
        entity="control_work",
        entity_id=work.id,
        before=snapshot(work),
        after={"reason": reason},
    )
    await _emit(uow, work, EventKind.CONTROL_WORK_CHANGED, now, change="cancelled")
    await uow.repo(ControlWork).delete(work)
    await uow.commit()


async def _emit(
    uow: UnitOfWork,
    work: ControlWork,
    kind: EventKind,
    now: dt.datetime,
    *,
    change: str | None = None,
    before: dt.date | None = None,
) -> None:
    await emit(
        uow,
        work.school_id,
        kind,
        now,
        control_work_id=work.id,
        group_id=work.group_id,
        subject_id=work.subject_id,
        on_date=work.on_date.isoformat(),
        lesson_number=work.lesson_number,
        form=work.form.value,
        change=change,  # None when scheduled; «moved» or «cancelled» when changed
        from_date=before.isoformat() if before else None,
    )
