"""What a report is about (a class, a grade level, the school, a teacher's groups, a student) and
for when (a study period or a range of days), and the frame both resolve to: the year's classes,
groups and memberships, the restriction sent to the database, and which facts belong.

Which class a fact belongs to: the class of its group; for a group of no class (streams, clubs)
the student's class on that day. A student moved from 5А to 5Б keeps 5А's marks in 5А."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.model.groups import GroupKind
from core.model.school import PeriodKind
from core.ports import UnitOfWork
from core.services.errors import NOT_FOUND, NotFound, Refused
from core.services.finals_texts import PERIOD_NAMES
from core.services.reports import texts as txt
from core.services.reports.source import (
    ClassRow,
    GroupRow,
    LoadRow,
    MembershipRow,
    NameRow,
    PeriodRow,
    ReportSource,
    SchoolRow,
    SlotRow,
    SubjectRow,
    YearRow,
)

MAX_RANGE_DAYS = 400


class ScopeKind(StrEnum):
    SCHOOL = "school"
    GRADE = "grade"
    CLASS = "class"
    TEACHER = "teacher"
    STUDENT = "student"


@dataclass(frozen=True)
class ReportScope:
    """``id``: the class id, the grade (5), the teacher's staff id, the student id; None for the
    school."""

    kind: ScopeKind
    id: int | None = None

    @staticmethod
    def school() -> ReportScope:
        return ReportScope(ScopeKind.SCHOOL)

    @staticmethod
    def grade(grade: int) -> ReportScope:
        return ReportScope(ScopeKind.GRADE, grade)

    @staticmethod
    def of_class(class_id: int) -> ReportScope:
        return ReportScope(ScopeKind.CLASS, class_id)

    @staticmethod
    def teacher(staff_id: int) -> ReportScope:
        return ReportScope(ScopeKind.TEACHER, staff_id)

    @staticmethod
    def student(student_id: int) -> ReportScope:
        return ReportScope(ScopeKind.STUDENT, student_id)


@dataclass(frozen=True)
class StudyPeriodRef:
    """A study period (quarter, trimester, half-year, year) by id."""

    period_id: int


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date


ReportPeriod = StudyPeriodRef | DateRange


def period_title(period: PeriodRow) -> str:
    return PERIOD_NAMES[period.kind].format(number=period.number)


def short_period_title(period: PeriodRow) -> str:
    """«1 ч.», «2 тр.», «Год»: a column of the final marks sheet."""
    if period.kind is PeriodKind.YEAR:
        return txt.YEAR_FINAL
    short = {PeriodKind.QUARTER: "ч.", PeriodKind.TRIMESTER: "тр.", PeriodKind.HALF_YEAR: "пол."}
    return f"{period.number} {short[period.kind]}"


@dataclass
class Frame:
    """A resolved scope and period; everything a report needs besides its facts."""

    source: ReportSource
    school: SchoolRow
    scope: ReportScope
    scope_label: str
    year: YearRow
    start: dt.date
    end: dt.date
    period: PeriodRow | None
    period_label: str
    today: dt.date
    classes: dict[int, ClassRow]  # every class of the year
    scope_classes: list[ClassRow]  # the classes the report is about, by grade and name
    groups: dict[int, GroupRow]
    subjects: dict[int, SubjectRow]
    memberships: list[MembershipRow]  # overlapping [start, end]
    periods: list[PeriodRow]  # of the year
    group_ids: frozenset[int] | None = None  # sent to the database; None: every group
    student_ids: frozenset[int] | None = None
    pairs: frozenset[tuple[int, int]] | None = None  # a teacher's (group, subject)
    spans: dict[int, list[MembershipRow]] = field(default_factory=dict)  # class memberships
    class_of_group: dict[int, int] = field(default_factory=dict)  # whole-class group → class
    _by_group: dict[int, list[MembershipRow]] | None = None
    _loads: Sequence[LoadRow] | None = None
    _slots: Sequence[SlotRow] | None = None

    async def loads(self) -> Sequence[LoadRow]:
        if self._loads is None:
            self._loads = await self.source.loads(self.school_id, self.year.id)
        return self._loads

    async def slots(self) -> Sequence[SlotRow]:
        if self._slots is None:
            self._slots = await self.source.slots(self.school_id, self.year.id)
        return self._slots

    @property
    def school_id(self) -> int:
        return self.school.id

    @property
    def scope_class_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.scope_classes)

    @property
    def last_day(self) -> dt.date:
        """The day whose roster counts (the period's last day)."""
        return self.end

    def class_of(self, student_id: int, day: dt.date) -> int | None:
        for span in self.spans.get(student_id, ()):
            if span.active_on(day):
                return self.class_of_group[span.group_id]
        return None

    def latest_class_of(self, student_id: int) -> int | None:
        """The student's class on the last day they were in one within the range."""
        spans = self.spans.get(student_id, ())
        latest = max(spans, key=lambda s: s.ends_on or self.end, default=None)
        return None if latest is None else self.class_of_group[latest.group_id]

    def fact_class(self, student_id: int, group_id: int, day: dt.date | None) -> int | None:
        group = self.groups.get(group_id)
        if group is not None and group.class_id is not None:
            return group.class_id
        if day is None:
            return self.latest_class_of(student_id)
        return self.class_of(student_id, day) or self.latest_class_of(student_id)

    def keeps(
        self, student_id: int, group_id: int, subject_id: int, day: dt.date | None = None
    ) -> bool:
        """Whether a fact of a student in a group's subject (on a day) belongs to the report."""
        kind = self.scope.kind
        if kind is ScopeKind.TEACHER:
            return self.pairs is not None and (group_id, subject_id) in self.pairs
        if kind is ScopeKind.STUDENT:
            return student_id == self.scope.id
        if kind is ScopeKind.SCHOOL:
            return group_id in self.groups
        return self.fact_class(student_id, group_id, day) in self.scope_class_ids

    def class_students(self, class_id: int, on_day: dt.date | None = None) -> set[int]:
        """The class's students on a day, or at any time of the range."""
        ids = set()
        for student_id, spans in self.spans.items():
            for span in spans:
                if self.class_of_group[span.group_id] != class_id:
                    continue
                if on_day is None or span.active_on(on_day):
                    ids.add(student_id)
        return ids

    def group_students(self, group_id: int, on_day: dt.date | None = None) -> set[int]:
        if self._by_group is None:
            self._by_group = defaultdict(list)
            for m in self.memberships:
                self._by_group[m.group_id].append(m)
        return {
            m.student_id
            for m in self._by_group.get(group_id, ())
            if on_day is None or m.active_on(on_day)
        }

    def scope_students(self, on_day: dt.date | None = None) -> set[int]:
        if self.scope.kind is ScopeKind.STUDENT:
            assert self.scope.id is not None
            return {self.scope.id}
        if self.scope.kind is ScopeKind.TEACHER:
            groups = {g for g, _ in self.pairs or ()}
            return {
                m.student_id
                for m in self.memberships
                if m.group_id in groups and (on_day is None or m.active_on(on_day))
            }
        ids: set[int] = set()
        for school_class in self.scope_classes:
            ids |= self.class_students(school_class.id, on_day)
        return ids

    async def names(self, student_ids: Iterable[int]) -> dict[int, NameRow]:
        """Students by id, in the order of their names."""
        rows = await self.source.students(self.school_id, set(student_ids))
        return {row.id: row for row in rows}

    async def staff_names(self) -> dict[int, str]:
        return {row.id: row.name for row in await self.source.staff(self.school_id)}

    def class_name(self, class_id: int | None) -> str:
        school_class = self.classes.get(class_id) if class_id is not None else None
        return school_class.name if school_class else txt.NO_CLASS

    def group_name(self, group_id: int) -> str:
        group = self.groups.get(group_id)
        return group.name if group else ""

    def subject_name(self, subject_id: int) -> str:
        subject = self.subjects.get(subject_id)
        return subject.name if subject else ""

    def require_study_period(self, title: str) -> PeriodRow:
        if self.period is None:
            raise Refused(txt.NEEDS_STUDY_PERIOD.format(title=title))
        return self.period


def _day(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


async def _period(
    source: ReportSource, school_id: int, period: ReportPeriod
) -> tuple[YearRow, dt.date, dt.date, PeriodRow | None, list[PeriodRow]]:
    years = list(await source.years(school_id))
    periods = list(await source.periods(school_id))
    if isinstance(period, StudyPeriodRef):
        chosen = next((p for p in periods if p.id == period.period_id), None)
        if chosen is None:
            raise NotFound(NOT_FOUND)
        year = next(y for y in years if y.id == chosen.year_id)
        of_year = [p for p in periods if p.year_id == year.id]
        return year, chosen.starts_on, chosen.ends_on, chosen, of_year
    start, end = period.start, period.end
    if start > end:
        raise Refused(txt.BAD_RANGE.format(start=_day(start), end=_day(end)))
    days = (end - start).days + 1
    if days > MAX_RANGE_DAYS:
        raise Refused(txt.TOO_LONG_RANGE.format(days=days, limit=MAX_RANGE_DAYS))
    found = next((y for y in years if y.starts_on <= start <= y.ends_on), None)
    if found is None:
        raise Refused(txt.NO_YEAR.format(day=_day(start)))
    if end > found.ends_on:
        raise Refused(txt.CROSSES_YEARS)
    return found, start, end, None, [p for p in periods if p.year_id == found.id]


async def resolve(
    uow: UnitOfWork,
    school_id: int,
    scope: ReportScope,
    period: ReportPeriod,
    today: dt.date,
    *,
    finals: bool = False,
) -> Frame:
    """The frame of a report; ``finals``: the report reads period finals, so a study period's
    grades decide which classes it covers."""
    source = uow.reports
    school = await source.school(school_id)
    if school is None:
        raise NotFound(NOT_FOUND)
    year, start, end, study_period, periods = await _period(source, school_id, period)
    classes = {c.id: c for c in await source.classes(school_id, year.id)}
    groups = {g.id: g for g in await source.groups(school_id, year.id)}
    subjects = {s.id: s for s in await source.subjects(school_id)}
    memberships = list(await source.memberships(school_id, year.id, start, end))
    class_of_group = {
        g.id: g.class_id
        for g in groups.values()
        if g.kind is GroupKind.WHOLE_CLASS and g.class_id is not None
    }
    spans: dict[int, list[MembershipRow]] = defaultdict(list)
    for m in memberships:
        if m.group_id in class_of_group:
            spans[m.student_id].append(m)
    if study_period is not None:
        label = txt.PERIOD.format(name=period_title(study_period), year=year.name)
    else:
        label = txt.RANGE.format(start=_day(start), end=_day(end))
    frame = Frame(
        source=source,
        school=school,
        scope=scope,
        scope_label="",
        year=year,
        start=start,
        end=end,
        period=study_period,
        period_label=label,
        today=today,
        classes=classes,
        scope_classes=[],
        groups=groups,
        subjects=subjects,
        memberships=memberships,
        periods=periods,
        spans=dict(spans),
        class_of_group=class_of_group,
    )
    await _narrow(frame, finals)
    return frame


def _covered(frame: Frame, classes: Iterable[ClassRow], finals: bool) -> list[ClassRow]:
    chosen = list(classes)
    if finals and frame.period is not None:
        chosen = [c for c in chosen if frame.period.covers_grade(c.grade)]
    return sorted(chosen, key=lambda c: (c.grade, c.name))


def _groups_of_classes(frame: Frame, class_ids: Collection[int]) -> frozenset[int]:
    """The classes' own groups and the groups of no class their students attend."""
    students = set()
    for class_id in class_ids:
        students |= frame.class_students(class_id)
    ids = {g.id for g in frame.groups.values() if g.class_id in class_ids}
    ids |= {
        m.group_id
        for m in frame.memberships
        if m.student_id in students and frame.groups[m.group_id].class_id is None
    }
    return frozenset(ids)


async def _narrow(frame: Frame, finals: bool) -> None:
    scope = frame.scope
    all_classes = frame.classes.values()
    if scope.kind is ScopeKind.SCHOOL:
        frame.scope_label = txt.WHOLE_SCHOOL
        frame.scope_classes = _covered(frame, all_classes, finals)
    elif scope.kind is ScopeKind.GRADE:
        frame.scope_label = txt.GRADE.format(grade=scope.id)
        frame.scope_classes = _covered(
            frame, (c for c in all_classes if c.grade == scope.id), finals
        )
        frame.group_ids = _groups_of_classes(frame, frame.scope_class_ids)
    elif scope.kind is ScopeKind.CLASS:
        school_class = frame.classes.get(scope.id or 0)
        if school_class is None:
            raise NotFound(NOT_FOUND)
        frame.scope_label = school_class.name
        frame.scope_classes = _covered(frame, [school_class], finals)
        frame.group_ids = _groups_of_classes(frame, frame.scope_class_ids)
    elif scope.kind is ScopeKind.TEACHER:
        staff = await frame.staff_names()
        if scope.id not in staff:
            raise NotFound(NOT_FOUND)
        pairs = {
            (x.group_id, x.subject_id) for x in await frame.loads() if x.teacher_id == scope.id
        }
        pairs |= {
            (x.group_id, x.subject_id) for x in await frame.slots() if x.teacher_id == scope.id
        }
        frame.pairs = frozenset(pairs)
        frame.group_ids = frozenset(g for g, _ in pairs)
        frame.scope_label = txt.TEACHER_GROUPS.format(name=staff[scope.id])
        class_ids = {frame.groups[g].class_id for g in frame.group_ids} - {None}
        frame.scope_classes = _covered(
            frame, (frame.classes[c] for c in class_ids if c in frame.classes), False
        )
    else:
        student_id = scope.id or 0
        names = await frame.names([student_id])
        if student_id not in names:
            raise NotFound(NOT_FOUND)
        class_id = frame.latest_class_of(student_id)
        frame.student_ids = frozenset({student_id})
        frame.scope_label = txt.STUDENT_IN_CLASS.format(
            name=names[student_id].name, class_name=frame.class_name(class_id)
        )
        frame.scope_classes = [frame.classes[class_id]] if class_id in frame.classes else []
    narrowed = scope.kind in (ScopeKind.CLASS, ScopeKind.GRADE)
    if finals and frame.period is not None and narrowed and not frame.scope_classes:
        raise Refused(txt.PERIOD_NOT_FOR_SCOPE.format(period=frame.period_label))
