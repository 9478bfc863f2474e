"""The journal: dated lessons, attendance, marks, homework, finals, period locks, teacher
messages (LES-1..11). One row per lesson; one attendance row per absent student; marks kept
with their history (a changed or deleted mark stays, marked so)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from core.model.timetable import ActivityKind


@dataclass(kw_only=True, eq=False)
class Lesson:
    """A lesson that happens on a date: made from the timetable when first opened, or moved or
    substituted by the deputy. Unique per (group, date, lesson number)."""

    id: int | None = None
    school_id: int
    year_id: int
    group_id: int
    on_date: dt.date
    lesson_number: int
    subject_id: int
    teacher_id: int  # who teaches it by the timetable
    substitute_id: int | None = None  # who gives it instead (LES-10)
    room_id: int | None = None
    kind: ActivityKind = ActivityKind.MAIN
    entry_id: int | None = None  # the timetable entry it came from
    topic: str | None = None
    topic_id: int | None = None  # the thematic-plan topic, when the topic is one
    attendance_taken_at: dt.datetime | None = None
    moved_from_date: dt.date | None = None  # set on a moved lesson (LES-10)
    moved_from_number: int | None = None
    cancelled: bool = False  # a lesson moved away leaves a cancelled stub on its old slot
    version: int = 1  # bumped on every change: an edit made on stale data is refused

    @property
    def given_by(self) -> int:
        return self.substitute_id or self.teacher_id


class AbsenceKind(StrEnum):
    ABSENT = "absent"  # Н — без уважительной причины
    ILL = "ill"  # Б — болен
    EXCUSED = "excused"  # У — по уважительной причине
    LATE = "late"  # О — опоздал


@dataclass(kw_only=True, eq=False)
class Absence:
    id: int | None = None
    school_id: int
    lesson_id: int
    student_id: int
    kind: AbsenceKind


@dataclass(kw_only=True, eq=False)
class Mark:
    """A current mark; a changed mark keeps its id and history in the audit, a deleted one stays
    with ``deleted_at`` and the reason (LES-13)."""

    id: int | None = None
    school_id: int
    lesson_id: int
    student_id: int
    work_type_id: int
    value: str
    posted_by: int  # staff id
    posted_at: dt.datetime
    note: str | None = None  # e.g. the absence a missed topic's mark keeps on record (LES-9)
    late: bool = False  # entered after the deadline (by the deputy; REP-5 counts them)
    deleted_at: dt.datetime | None = None
    reason: str | None = None  # why it was changed or deleted
    version: int = 1


@dataclass(kw_only=True, eq=False)
class Homework:
    id: int | None = None
    school_id: int
    lesson_id: int  # the lesson it was given in
    due_lesson_id: int | None = None  # the lesson it is for (by default the group's next one)
    due_on: dt.date
    text: str
    attachments: list[str] = field(default_factory=list)  # Telegram file ids ("photo:…", "doc:…")
    set_by: int
    set_at: dt.datetime


class FinalKind(StrEnum):
    MARK = "mark"  # a value of the scale
    EXEMPT = "exempt"  # «ОСВ»
    NOT_ASSESSED = "not_assessed"  # «НА»
    DEFERRED = "deferred"  # отсрочка


@dataclass(kw_only=True, eq=False)
class FinalMark:
    id: int | None = None
    school_id: int
    period_id: int
    group_id: int
    subject_id: int
    student_id: int
    value: str  # «5», «ОСВ», «НА», «отсрочка»
    set_by: int
    set_at: dt.datetime
    version: int = 1


@dataclass(kw_only=True, eq=False)
class PeriodLock:
    """A group's journal in a subject for a period, closed once its finals are set (LES-8)."""

    id: int | None = None
    school_id: int
    period_id: int
    group_id: int
    subject_id: int
    closed_at: dt.datetime
    closed_by: int
    reopened_at: dt.datetime | None = None
    reopened_by: int | None = None
    reason: str | None = None  # why the deputy reopened it

    @property
    def closed(self) -> bool:
        return self.reopened_at is None


@dataclass(kw_only=True, eq=False)
class TeacherMessage:
    """A teacher's message to the guardians of one student or of a whole group (LES-11)."""

    id: int | None = None
    school_id: int
    teacher_id: int
    group_id: int
    student_id: int | None  # None: the whole group
    text: str
    sent_at: dt.datetime
