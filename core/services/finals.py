"""Period finals (LES-7) and the locks they set (LES-8, SEC-5).

A teacher sees a group's final sheet (current marks of the period, the weighted average and the
final it suggests), sets the finals, and once every student of the group has one the period
closes for that group and subject: the journal then refuses every change (core.rules.journal
.is_closed) until a deputy reopens it with a reason (LES-13).

Decisions:

- «отсрочка» counts as set for closing. The deferral is for an ill student assessed later,
  often after the holidays; holding the whole group's period open for one student would leave
  every other student's marks editable (SEC-5). The deputy reopens the period when the deferred
  final is due, the teacher sets it, and since every student then has a final the period closes
  again by itself.
- Stale edits are refused: the caller passes the version of each final it showed
  (``seen_versions``, 0 for «none yet»); a final changed since is refused, all or nothing, so
  two people setting the same student's final never silently lose one edit.
- Finals are set from the period's last week on (LES-7), so that a few taps early in a quarter
  cannot close a journal still being kept; the deputy may set them at any time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.events import EventKind
from core.model.grading import WorkType
from core.model.groups import GroupMembership, StudyGroup, TeachingLoad
from core.model.identity import Actor, PersonKind
from core.model.journal import FinalMark, Lesson, Mark, PeriodLock
from core.model.people import StaffMember, Student
from core.model.school import StudyPeriod, Subject
from core.model.timetable import TimetableEntry
from core.ports import UnitOfWork
from core.rules import grading
from core.rules import journal as rules
from core.services import finals_texts as txt
from core.services.audit_log import audited_add, audited_add_all, audited_update
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.identity import current_year
from core.services.journal import emit, grade_of_group, local_today

FINALS_WEEK = dt.timedelta(days=6)  # the last week of a period: its last day and six before


@dataclass(frozen=True)
class Assignment:
    """A (group, subject) a teacher teaches: whose finals they set."""

    group_id: int
    group: str
    subject_id: int
    subject: str


@dataclass(frozen=True)
class SheetMark:
    on_date: dt.date
    value: str
    work_type: str
    weight: float


@dataclass(frozen=True)
class FinalRow:
    student_id: int
    name: str
    marks: tuple[SheetMark, ...]
    average: Decimal | None
    suggested: str | None
    final: str | None
    version: int  # of the final; 0 when none is set yet (pass it back as seen_versions)


@dataclass(frozen=True)
class FinalSheet:
    group_id: int
    group: str
    subject_id: int
    subject: str
    period_id: int
    period: str
    rows: tuple[FinalRow, ...]
    closed: bool
    lock_id: int | None  # the lock in force, for the deputy to reopen
    opens_on: dt.date  # the first day a teacher may set the finals
    editable: bool  # whether this actor may set finals now


@dataclass(frozen=True)
class FinalsResult:
    changed: tuple[FinalMark, ...]
    lock: PeriodLock | None  # the lock made by this call, when it closed the period


@dataclass(frozen=True)
class LockCard:
    lock_id: int
    group: str
    subject: str
    period: str
    closed_at: dt.datetime
    closed_by: str


def period_name(period: StudyPeriod) -> str:
    return txt.PERIOD_NAMES[period.kind].format(number=period.number)


def finals_open_on(period: StudyPeriod) -> dt.date:
    return period.ends_on - FINALS_WEEK


async def period_for(
    uow: UnitOfWork, actor: Actor, period_id: int, year_id: int, grade: int | None
) -> StudyPeriod:
    """A period of the actor's school that fits a class's year and grade."""
    period = await uow.repo(StudyPeriod).get(period_id)
    if period is None or period.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    if period.year_id != year_id or (grade is not None and not period.covers_grade(grade)):
        raise Refused(txt.PERIOD_NOT_FOR_GROUP)
    return period


def average_of(
    marks: Iterable[Mark], weights: Mapping[int, float], scale: grading.GradingScale
) -> Decimal | None:
    # a value the subject's scale does not know (its scale changed mid-year) is shown but not
    # averaged: the sheet must still open so that the teacher can see and fix it
    known = set(scale.values) | set(grading.FINAL_SPECIALS)
    return grading.weighted_average(
        ((m.value, weights.get(m.work_type_id, 1.0)) for m in marks if m.value in known), scale
    )


def suggestion(average: Decimal | None, scale: grading.GradingScale) -> str | None:
    suggested = grading.suggest_final(average)
    return suggested if suggested in scale.values else None


async def members_on(uow: UnitOfWork, group_id: int, day: dt.date) -> list[Student]:
    """The group's students on a day, by name (transfers and withdrawals respected)."""
    members = await uow.repo(GroupMembership).find(group_id=group_id)
    students = [await uow.repo(Student).get(m.student_id) for m in members if m.active_on(day)]
    return sorted((s for s in students if s is not None), key=lambda s: (s.last_name, s.first_name))


async def teaches(uow: UnitOfWork, actor: Actor, group_id: int, subject_id: int) -> bool:
    """By the teaching load, or by the timetable when the load was not entered."""
    if actor.kind is not PersonKind.STAFF:
        return False
    where = {"group_id": group_id, "subject_id": subject_id, "teacher_id": actor.person_id}
    return (
        await uow.repo(TeachingLoad).first(**where) is not None
        or await uow.repo(TimetableEntry).first(**where) is not None
    )


@dataclass(frozen=True)
class _Scope:
    group: StudyGroup
    subject: Subject
    period: StudyPeriod
    scale: grading.GradingScale


async def _scope(
    uow: UnitOfWork, actor: Actor, group_id: int, subject_id: int, period_id: int
) -> _Scope:
    group = await uow.repo(StudyGroup).get(group_id)
    subject = await uow.repo(Subject).get(subject_id)
    if (
        group is None
        or subject is None
        or group.school_id != actor.school_id
        or subject.school_id != actor.school_id
    ):
        raise NotFound(NOT_FOUND)
    grade = await grade_of_group(uow, group_id)
    period = await period_for(uow, actor, period_id, group.year_id, grade)
    return _Scope(group, subject, period, grading.SCALES[subject.grading_scale])


async def _locks(uow: UnitOfWork, scope: _Scope) -> list[PeriodLock]:
    return list(
        await uow.repo(PeriodLock).find(
            period_id=scope.period.id, group_id=scope.group.id, subject_id=scope.subject.id
        )
    )


async def _finals(uow: UnitOfWork, scope: _Scope) -> dict[int, FinalMark]:
    finals = await uow.repo(FinalMark).find(
        period_id=scope.period.id, group_id=scope.group.id, subject_id=scope.subject.id
    )
    return {f.student_id: f for f in finals}


async def teaching_assignments(
    uow: UnitOfWork, actor: Actor, year_id: int | None = None
) -> list[Assignment]:
    """The (group, subject) pairs of the actor's teaching load, of one year when given."""
    if actor.kind is not PersonKind.STAFF:
        raise AccessDenied(NOT_ALLOWED)
    where: dict[str, int] = {"school_id": actor.school_id, "teacher_id": actor.person_id}
    if year_id is not None:
        where["year_id"] = year_id
    loads = await uow.repo(TeachingLoad).find(**where)
    groups = {g.id: g.name for g in await uow.repo(StudyGroup).find(school_id=actor.school_id)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=actor.school_id)}
    pairs = {
        Assignment(
            x.group_id, groups.get(x.group_id, ""), x.subject_id, subjects.get(x.subject_id, "")
        )
        for x in loads
    }
    return sorted(pairs, key=lambda a: (a.group, a.subject))


async def final_sheet(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    subject_id: int,
    period_id: int,
    now: dt.datetime,
) -> FinalSheet:
    """The group's students on the period's last day with their marks, average, the final the
    average suggests and the final set; read by its teachers, its class teacher, the
    administration."""
    scope = await _scope(uow, actor, group_id, subject_id, period_id)
    teacher = await teaches(uow, actor, group_id, subject_id)
    if not rules.may_read_group(actor, teacher, scope.group.class_id):
        raise AccessDenied(txt.NOT_YOUR_SHEET)
    period = scope.period
    lessons = {
        x.id: x
        for x in await uow.repo(Lesson).find(group_id=group_id, subject_id=subject_id)
        if period.starts_on <= x.on_date <= period.ends_on and not x.cancelled
    }
    work_types = {w.id: w for w in await uow.repo(WorkType).find(school_id=actor.school_id)}
    weights = {i: w.weight for i, w in work_types.items() if i is not None}
    finals = await _finals(uow, scope)
    rows = []
    for student in await members_on(uow, group_id, period.ends_on):
        assert student.id is not None
        marks = [
            m
            for m in await uow.repo(Mark).find(student_id=student.id, deleted_at=None)
            if m.lesson_id in lessons
        ]
        marks.sort(key=lambda m: (lessons[m.lesson_id].on_date, m.posted_at))
        average = average_of(marks, weights, scope.scale)
        final = finals.get(student.id)
        rows.append(
            FinalRow(
                student_id=student.id,
                name=student.short_name,
                marks=tuple(
                    SheetMark(
                        lessons[m.lesson_id].on_date,
                        m.value,
                        work_types[m.work_type_id].name,
                        weights.get(m.work_type_id, 1.0),
                    )
                    for m in marks
                ),
                average=average,
                suggested=suggestion(average, scope.scale),
                final=final.value if final else None,
                version=final.version if final else 0,
            )
        )
    lock = next((x for x in await _locks(uow, scope) if x.closed), None)
    may_set = teacher or rules.is_corrector(actor)
    in_time = rules.is_corrector(actor) or (
        await local_today(uow, actor.school_id, now) >= finals_open_on(period)
    )
    return FinalSheet(
        group_id=group_id,
        group=scope.group.name,
        subject_id=subject_id,
        subject=scope.subject.name,
        period_id=period_id,
        period=period_name(period),
        rows=tuple(rows),
        closed=lock is not None,
        lock_id=lock.id if lock else None,
        opens_on=finals_open_on(period),
        editable=may_set and in_time and lock is None,
    )


def _final_value(scale: grading.GradingScale, text: str, name: str) -> str:
    canonical = grading.canonical_value(scale, text)
    if canonical is None or not grading.is_valid_final(scale, canonical):
        allowed = ", ".join((*scale.values, *grading.FINAL_SPECIALS))
        raise Refused(txt.BAD_FINAL.format(name=name, value=text[:20], allowed=allowed))
    return canonical


async def set_finals(
    uow: UnitOfWork,
    actor: Actor,
    group_id: int,
    subject_id: int,
    period_id: int,
    values: Mapping[int, str],
    now: dt.datetime,
    seen_versions: Mapping[int, int] | None = None,
) -> FinalsResult:
    """Set finals (student id → value), all or none. ``seen_versions`` holds the version of each
    final as the caller showed it (FinalRow.version; a missing student counts as 0, «none
    yet»). When every student of the group then has a final, the period closes (LES-8)."""
    scope = await _scope(uow, actor, group_id, subject_id, period_id)
    if not (await teaches(uow, actor, group_id, subject_id) or rules.is_corrector(actor)):
        raise AccessDenied(txt.NOT_YOUR_GROUP)
    if not values:
        raise Refused(txt.NOTHING_TO_SET)
    period = scope.period
    day = period.ends_on.strftime("%d.%m.%Y")
    today = await local_today(uow, actor.school_id, now)
    if today < finals_open_on(period) and not rules.is_corrector(actor):
        raise Refused(
            txt.TOO_EARLY.format(
                period=period_name(period), day=finals_open_on(period).strftime("%d.%m.%Y")
            )
        )
    assert period.id is not None and scope.subject.id is not None
    if rules.is_closed(await _locks(uow, scope), period.id, group_id, subject_id):
        raise Refused(txt.PERIOD_CLOSED.format(period=period_name(period)))
    roster = {s.id: s for s in await members_on(uow, group_id, period.ends_on)}
    finals = await _finals(uow, scope)
    seen = seen_versions or {}
    checked: list[tuple[int, str]] = []
    for student_id, text in values.items():  # every check before the first write
        student = roster.get(student_id)
        if student is None:
            raise Refused(txt.NOT_IN_GROUP.format(name=txt.STUDENT, day=day))
        value = _final_value(scope.scale, text, student.short_name)
        current = finals.get(student_id)
        if seen.get(student_id, 0) != (current.version if current else 0):
            raise Refused(txt.STALE.format(name=student.short_name))
        checked.append((student_id, value))
    new: list[FinalMark] = []
    changed: list[tuple[FinalMark, str | None]] = []
    for student_id, value in checked:
        current = finals.get(student_id)
        if current is None:
            final = FinalMark(
                school_id=actor.school_id,
                period_id=period.id,
                group_id=group_id,
                subject_id=subject_id,
                student_id=student_id,
                value=value,
                set_by=actor.person_id,
                set_at=now,
            )
            new.append(final)
            finals[student_id] = final
            changed.append((final, None))
        elif current.value != value:
            changed.append((current, current.value))
            audited_update(
                uow,
                actor.audit_name,
                current,
                {
                    "value": value,
                    "set_by": actor.person_id,
                    "set_at": now,
                    "version": current.version + 1,
                },
            )
    await audited_add_all(uow, actor.audit_name, new)
    for final, before in changed:
        await emit(
            uow,
            actor.school_id,
            EventKind.FINAL_MARK_SET,
            now,
            final_mark_id=final.id,
            period_id=period.id,
            group_id=group_id,
            subject_id=subject_id,
            student_id=final.student_id,
            value=final.value,
            before=before,
        )
    lock = None
    # a deferral («отсрочка») counts as set: see the module's docstring
    if roster and all(student_id in finals for student_id in roster):
        lock = await audited_add(
            uow,
            actor.audit_name,
            PeriodLock(
                school_id=actor.school_id,
                period_id=period.id,
                group_id=group_id,
                subject_id=subject_id,
                closed_at=now,
                closed_by=actor.person_id,
            ),
        )
    await uow.commit()
    return FinalsResult(tuple(final for final, _ in changed), lock)


# --- locks ----------------------------------------------------------------------------------


async def reopen_period(
    uow: UnitOfWork, actor: Actor, lock_id: int, reason: str, now: dt.datetime
) -> PeriodLock:
    """The deputy opens a closed period again, with the reason (LES-13); the lock row stays as
    the record of it, and the next complete set of finals closes the period with a new one."""
    if not rules.is_corrector(actor):
        raise AccessDenied(txt.DEPUTY_ONLY)
    lock = await uow.repo(PeriodLock).get(lock_id)
    if lock is None or lock.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    if not lock.closed:
        raise Refused(txt.ALREADY_OPEN)
    reason = reason.strip()
    if not reason:
        raise Refused(txt.REASON_NEEDED)
    if len(reason) > rules.MAX_REASON_CHARS:
        raise Refused(txt.TOO_LONG.format(length=len(reason), limit=rules.MAX_REASON_CHARS))
    audited_update(
        uow,
        actor.audit_name,
        lock,
        {"reopened_at": now, "reopened_by": actor.person_id, "reason": reason},
        action="period_lock.reopen",
    )
    await uow.commit()
    return lock


async def open_locks(uow: UnitOfWork, actor: Actor) -> list[LockCard]:
    """The locks in force in the school (closed periods), for the deputy to choose from."""
    if not rules.is_corrector(actor):
        raise AccessDenied(txt.DEPUTY_ONLY)
    school = actor.school_id
    locks = [x for x in await uow.repo(PeriodLock).find(school_id=school) if x.closed]
    groups = {g.id: g.name for g in await uow.repo(StudyGroup).find(school_id=school)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=school)}
    periods = {p.id: p for p in await uow.repo(StudyPeriod).find(school_id=school)}
    staff = {m.id: m.short_name for m in await uow.repo(StaffMember).find(school_id=school)}
    cards = [
        (
            periods[x.period_id].starts_on,
            LockCard(
                lock_id=x.id or 0,
                group=groups.get(x.group_id, ""),
                subject=subjects.get(x.subject_id, ""),
                period=period_name(periods[x.period_id]),
                closed_at=x.closed_at,
                closed_by=staff.get(x.closed_by, ""),
            ),
        )
        for x in locks
    ]
    cards.sort(key=lambda c: (c[0], c[1].group, c[1].subject))
    return [card for _, card in cards]


async def group_periods(
    uow: UnitOfWork, actor: Actor, group_id: int, today: dt.date
) -> list[StudyPeriod]:
    """The periods of the current year covering the group's grade, quarters before the year
    (final_sheet checks the one chosen again)."""
    year = await current_year(uow, actor.school_id, today)
    if year is None:
        return []
    grade = await grade_of_group(uow, group_id)
    periods = await uow.repo(StudyPeriod).find(school_id=actor.school_id, year_id=year.id)
    chosen = [p for p in periods if grade is None or p.covers_grade(grade)]
    return sorted(chosen, key=lambda p: (p.ends_on, -p.starts_on.toordinal()))


async def final_values(uow: UnitOfWork, subject_id: int) -> tuple[str, ...]:
    """The values a final of the subject may take: its scale, best first, and the specials."""
    subject = await uow.repo(Subject).get(subject_id)
    scale = grading.SCALES.get(subject.grading_scale if subject else "", grading.FIVE_POINT)
    return (*reversed(scale.values), *grading.FINAL_SPECIALS)
