"""Rules of keeping the journal: who may keep a lesson, when it may be changed, attendance's tap
cycle, the period lock (LES-1, LES-3..8, LES-13, SEC-5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.model.grading import WorkType
from core.model.identity import Actor, PersonKind, Role
from core.model.journal import AbsenceKind, Lesson, PeriodLock
from core.model.school import School, StudyPeriod

# one tap on a student moves to the next kind; present → Н → Б → У → О → present
ATTENDANCE_CYCLE: tuple[AbsenceKind | None, ...] = (
    None,
    AbsenceKind.ABSENT,
    AbsenceKind.ILL,
    AbsenceKind.EXCUSED,
    AbsenceKind.LATE,
)
MAX_HOMEWORK_CHARS = 2000
MAX_TOPIC_CHARS = 500
MAX_MESSAGE_CHARS = 2000
MAX_REASON_CHARS = 500


def next_absence(kind: AbsenceKind | None) -> AbsenceKind | None:
    return ATTENDANCE_CYCLE[(ATTENDANCE_CYCLE.index(kind) + 1) % len(ATTENDANCE_CYCLE)]


def is_corrector(actor: Actor) -> bool:
    """The deputy controls corrections (LES-13): past deadlines, in closed periods never."""
    return actor.kind is PersonKind.STAFF and actor.holds(Role.DEPUTY)


def may_keep(actor: Actor, lesson: Lesson) -> bool:
    """The teacher who gives the lesson (the substitute, if any) or a deputy of the school."""
    if actor.kind is not PersonKind.STAFF or actor.school_id != lesson.school_id:
        return False
    return lesson.given_by == actor.person_id or is_corrector(actor)


def may_read_group(actor: Actor, teaches_group: bool, class_id_of_group: int | None) -> bool:
    """A group's journal: its teachers, its class teacher (read-only, CT-1), the administration."""
    if actor.kind is not PersonKind.STAFF:
        return False
    if teaches_group or actor.holds(Role.DEPUTY, Role.HEAD, Role.COORDINATOR):
        return True
    return class_id_of_group is not None and class_id_of_group in actor.class_ids


@dataclass(frozen=True)
class Deadlines:
    homework: dt.timedelta
    control_marks: dt.timedelta
    written_marks: dt.timedelta

    @staticmethod
    def of(school: School) -> Deadlines:
        return Deadlines(
            homework=dt.timedelta(hours=school.homework_hours),
            control_marks=dt.timedelta(days=school.control_marks_days),
            written_marks=dt.timedelta(days=school.written_marks_days),
        )


def end_of_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)


def mark_deadline(
    lesson_day: dt.date, work_type: WorkType, rules: Deadlines, zone: dt.tzinfo
) -> dt.datetime:
    """Current marks on the same school day (LES-5); control works within 3 days and written
    works within a week (LES-6), counted to the end of that day."""
    if work_type.control:
        return end_of_day(lesson_day + rules.control_marks, zone)
    if work_type.written:
        return end_of_day(lesson_day + rules.written_marks, zone)
    return end_of_day(lesson_day, zone)


def homework_deadline(lessons_end: dt.datetime, rules: Deadlines) -> dt.datetime:
    """During the lesson or within 1.5 hours after the class's lessons of the day end (LES-3)."""
    return lessons_end + rules.homework


def attendance_day_ok(lesson_day: dt.date, today: dt.date) -> bool:
    """Attendance is marked on the day of the lesson (LES-4): never ahead, never afterwards."""
    return lesson_day == today


def period_of(
    day: dt.date, grade: int | None, periods: Iterable[StudyPeriod]
) -> StudyPeriod | None:
    """The shortest period (quarter before year) that covers a day for a grade."""
    covering = [
        p
        for p in periods
        if p.starts_on <= day <= p.ends_on and (grade is None or p.covers_grade(grade))
    ]
    return min(covering, key=lambda p: p.ends_on - p.starts_on, default=None)


def is_closed(locks: Iterable[PeriodLock], period_id: int, group_id: int, subject_id: int) -> bool:
    """SEC-5: once a group's finals for a subject are set, no teacher edits that period."""
    return any(
        lock.closed
        and (lock.period_id, lock.group_id, lock.subject_id) == (period_id, group_id, subject_id)
        for lock in locks
    )
