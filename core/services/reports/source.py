"""What the reports read, and how: a read-only port with a query per need, answering plain rows,
aggregated in the database where that helps. Loading entities one by one through repositories is
far too slow for a year of a thousand students (about 200,000 marks); storage.report_queries
implements this port with SQL.

Every query is of one school; ``group_ids``/``student_ids`` of None mean «no restriction»."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.model.groups import GroupKind
from core.model.journal import AbsenceKind
from core.model.school import PeriodKind
from core.model.timetable import ControlForm


@dataclass(frozen=True)
class SchoolRow:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class YearRow:
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class PeriodRow:
    id: int
    year_id: int
    kind: PeriodKind
    number: int
    grade_from: int
    grade_to: int
    starts_on: dt.date
    ends_on: dt.date

    def covers_grade(self, grade: int) -> bool:
        return self.grade_from <= grade <= self.grade_to


@dataclass(frozen=True)
class ClassRow:
    id: int
    name: str
    grade: int
    class_teacher_id: int | None
    days_per_week: int


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    kind: GroupKind
    class_id: int | None
    subject_id: int | None


@dataclass(frozen=True)
class NameRow:
    """A student or a staff member: «Иванова А. П.»."""

    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class SubjectRow:
    id: int
    name: str
    short_name: str
    scale: str


@dataclass(frozen=True)
class MembershipRow:
    group_id: int
    student_id: int
    starts_on: dt.date
    ends_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.starts_on <= end and (self.ends_on is None or start <= self.ends_on)


@dataclass(frozen=True)
class LoadRow:
    teacher_id: int
    subject_id: int
    group_id: int
    hours_per_week: float


@dataclass(frozen=True)
class SlotRow:
    """A weekly timetable entry."""

    group_id: int
    subject_id: int
    teacher_id: int
    weekday: int
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class HolidayRow:
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int
    grade_to: int


@dataclass(frozen=True)
class FinalRow:
    period_id: int
    group_id: int
    subject_id: int
    student_id: int
    value: str


@dataclass(frozen=True)
class MarkTally:
    """Current marks of one value, of a student in a group's subject: how many and their weights."""

    student_id: int
    group_id: int
    subject_id: int
    value: str
    control: bool  # marks of a control-work type
    count: int
    weight: float  # Σ weights of the work types


@dataclass(frozen=True)
class CurrentAverage:
    """A student's numeric current marks in a group's subject, without control works:
    Σ(weight × mark) and Σweight, for the weighted average."""

    student_id: int
    group_id: int
    subject_id: int
    points: float
    weight: float


@dataclass(frozen=True)
class ValueTally:
    """Current marks of one value in a group's subject."""

    group_id: int
    subject_id: int
    value: str
    count: int


@dataclass(frozen=True)
class MarkLine:
    student_id: int
    group_id: int
    subject_id: int
    on_date: dt.date
    lesson_number: int
    value: str
    work_type: str
    topic: str | None


@dataclass(frozen=True)
class AbsenceTally:
    student_id: int
    group_id: int
    subject_id: int
    kind: AbsenceKind
    count: int


@dataclass(frozen=True)
class AbsenceLine:
    student_id: int
    group_id: int
    subject_id: int
    on_date: dt.date
    lesson_number: int
    topic: str | None
    kind: AbsenceKind


@dataclass(frozen=True)
class LessonLine:
    """One lesson as the journal shows it (REP-9's raw journal)."""

    group_id: int
    subject_id: int
    on_date: dt.date
    lesson_number: int
    given_by: int  # the substitute if there was one
    substituted: bool
    topic: str | None
    homework: str | None


@dataclass(frozen=True)
class LessonTally:
    """Stored lessons (not cancelled) of a group's subject by its timetable teacher."""

    group_id: int
    subject_id: int
    teacher_id: int
    lessons: int
    without_topic: int
    without_attendance: int
    with_homework: int
    homework_chars: int  # Σ lengths of the homework texts
    substituted: int
    topics_given: int  # distinct thematic-plan topics given


@dataclass(frozen=True)
class MarkEntryTally:
    group_id: int
    subject_id: int
    marks: int
    late: int


@dataclass(frozen=True)
class PlanTally:
    """A group's thematic plan (КТП) in a subject."""

    group_id: int
    subject_id: int
    topics: int
    hours: float


@dataclass(frozen=True)
class ControlWorkRow:
    id: int
    group_id: int
    subject_id: int
    on_date: dt.date
    lesson_number: int | None
    form: ControlForm
    topic: str | None


@dataclass(frozen=True)
class ControlMark:
    work_id: int
    student_id: int
    value: str


class ReportSource(Protocol):
    """Read-only queries for the reports, inside the unit of work's transaction."""

    async def school(self, school_id: int) -> SchoolRow | None: ...

    async def years(self, school_id: int) -> Sequence[YearRow]: ...

    async def periods(self, school_id: int) -> Sequence[PeriodRow]: ...

    async def classes(self, school_id: int, year_id: int) -> Sequence[ClassRow]: ...

    async def groups(self, school_id: int, year_id: int) -> Sequence[GroupRow]: ...

    async def subjects(self, school_id: int) -> Sequence[SubjectRow]: ...

    async def staff(self, school_id: int) -> Sequence[NameRow]: ...

    async def students(self, school_id: int, ids: Collection[int]) -> Sequence[NameRow]: ...

    async def memberships(
        self, school_id: int, year_id: int, start: dt.date, end: dt.date
    ) -> Sequence[MembershipRow]:
        """Memberships of the year's groups that overlap [start, end]."""
        ...

    async def loads(self, school_id: int, year_id: int) -> Sequence[LoadRow]: ...

    async def slots(self, school_id: int, year_id: int) -> Sequence[SlotRow]: ...

    async def holidays(self, school_id: int, year_id: int) -> Sequence[HolidayRow]: ...

    async def finals(
        self,
        school_id: int,
        period_ids: Collection[int],
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[FinalRow]: ...

    async def mark_tallies(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[MarkTally]:
        """Current marks (not deleted) of lessons in [start, end], counted per student, group,
        subject, value and whether of a control-work type."""
        ...

    async def current_averages(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        subject_ids: Collection[int] | None = None,
    ) -> Sequence[CurrentAverage]:
        """Per student, group and subject: the numeric marks «1»..«5» of lessons in [start, end]
        of work types that are not control works, summed for the weighted average."""
        ...

    async def value_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[ValueTally]:
        """Current marks (not deleted) of lessons in [start, end] per group, subject and value."""
        ...

    async def mark_lines(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
        values: Collection[str] | None = None,
    ) -> Sequence[MarkLine]:
        """Current marks one by one with the lesson's date and topic, of the given values only
        when ``values`` is given; by date."""
        ...

    async def absence_tallies(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[AbsenceTally]: ...

    async def absence_lines(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[AbsenceLine]:
        """Absences one by one (being late included) with the lesson's topic; by date."""
        ...

    async def lesson_lines(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[LessonLine]: ...

    async def lesson_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[LessonTally]: ...

    async def mark_entry_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[MarkEntryTally]: ...

    async def plan_tallies(
        self, school_id: int, year_id: int, group_ids: Collection[int] | None
    ) -> Sequence[PlanTally]: ...

    async def control_works(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[ControlWorkRow]: ...

    async def control_marks(
        self, school_id: int, work_ids: Collection[int]
    ) -> Sequence[ControlMark]:
        """Marks of control-work types given in the lesson of each control work (same group,
        subject and day; same lesson number when the work has one)."""
        ...
