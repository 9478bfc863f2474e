"""The class teacher's read-only views of their class (CT-1, CT-4): the subjects taught to it,
its journal in one subject for a period, and its attendance over a range of days.

A class's lessons are those of its groups: the whole class, its subgroups and IUP groups (tied
to the class), and the streams, electives and clubs its students attend. A lesson counts for a
student when, on its day, they were both in the class and in the lesson's group: a subgroup
student sees their own subgroup's English, a student transferred in sees nothing of the weeks
before. Nothing here changes data, so nothing is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.model.grading import WorkType
from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.identity import Actor
from core.model.journal import Absence, AbsenceKind, FinalMark, Lesson, Mark
from core.model.people import Student
from core.model.school import AcademicYear, StudyPeriod, Subject
from core.ports import UnitOfWork
from core.rules import access, grading
from core.services import class_journal_texts as txt
from core.services.errors import NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.finals import average_of, period_for, period_name
from core.services.identity import class_in_school

MAX_RANGE_DAYS = 400  # a school year and a little: a summary is never wider than that


@dataclass(frozen=True)
class SubjectCard:
    subject_id: int
    name: str


@dataclass(frozen=True)
class PeriodCard:
    period_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class JournalMark:
    on_date: dt.date
    value: str
    work_type: str


@dataclass(frozen=True)
class StudentLine:
    student_id: int
    name: str
    marks: tuple[JournalMark, ...]
    average: Decimal | None
    absences: int  # lessons missed (Н, Б, У)
    late: int  # О
    final: str | None  # the period's final, once set


@dataclass(frozen=True)
class ClassJournal:
    class_id: int
    class_name: str
    subject: str
    period: str
    lines: tuple[StudentLine, ...]


@dataclass(frozen=True)
class Tally:
    counts: Mapping[AbsenceKind, int]  # every kind, zeros included

    @property
    def missed(self) -> int:
        """Lessons missed: every absence but being late."""
        return sum(n for kind, n in self.counts.items() if kind is not AbsenceKind.LATE)

    @staticmethod
    def of(kinds: Iterable[AbsenceKind]) -> Tally:
        counts = dict.fromkeys(AbsenceKind, 0)
        for kind in kinds:
            counts[kind] += 1
        return Tally(counts)


@dataclass(frozen=True)
class StudentAttendance:
    student_id: int
    name: str
    tally: Tally


@dataclass(frozen=True)
class DayAttendance:
    on_date: dt.date
    tally: Tally
    students_missing: int  # students who missed at least one lesson that day


@dataclass(frozen=True)
class AttendanceSummary:
    class_id: int
    class_name: str
    start: dt.date
    end: dt.date
    students: tuple[StudentAttendance, ...]
    days: tuple[DayAttendance, ...]


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the day's week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _overlaps(m: GroupMembership, start: dt.date, end: dt.date) -> bool:
    return m.starts_on <= end and (m.ends_on is None or start <= m.ends_on)


@dataclass
class ClassLessons:
    """A class over a range of days: its students and the groups whose lessons count."""

    school_class: SchoolClass
    students: list[Student]
    groups: set[int]
    memberships: dict[int, list[GroupMembership]]  # by student
    whole_group: int | None

    def attends(self, student_id: int, lesson: Lesson) -> bool:
        """In the class and in the lesson's group on the lesson's day."""
        mine = self.memberships.get(student_id, [])
        return any(
            m.group_id == self.whole_group and m.active_on(lesson.on_date) for m in mine
        ) and any(m.group_id == lesson.group_id and m.active_on(lesson.on_date) for m in mine)

    async def lessons(
        self, uow: UnitOfWork, start: dt.date, end: dt.date, subject_id: int | None = None
    ) -> dict[int, Lesson]:
        found: dict[int, Lesson] = {}
        for group_id in sorted(self.groups):
            where: dict[str, int] = {"group_id": group_id}
            if subject_id is not None:
                where["subject_id"] = subject_id
            for lesson in await uow.repo(Lesson).find(**where):
                if start <= lesson.on_date <= end and not lesson.cancelled and lesson.id:
                    found[lesson.id] = lesson
        return found


async def _readable_class(uow: UnitOfWork, actor: Actor, class_id: int) -> SchoolClass:
    school_class = await class_in_school(uow, actor, class_id)
    if not access.may_view_class(actor, class_id):
        raise AccessDenied(txt.NOT_YOUR_CLASS)
    return school_class


async def class_view_of(
    uow: UnitOfWork, school_class: SchoolClass, start: dt.date, end: dt.date
) -> ClassLessons:
    groups = await uow.repo(StudyGroup).find(
        school_id=school_class.school_id, year_id=school_class.year_id
    )
    whole = next(
        (g.id for g in groups if g.class_id == school_class.id and g.kind is GroupKind.WHOLE_CLASS),
        None,
    )
    in_class = (
        []
        if whole is None
        else [
            m
            for m in await uow.repo(GroupMembership).find(group_id=whole)
            if _overlaps(m, start, end)
        ]
    )
    students = [await uow.repo(Student).get(i) for i in {m.student_id for m in in_class}]
    memberships = {
        m.student_id: list(await uow.repo(GroupMembership).find(student_id=m.student_id))
        for m in in_class
    }
    attended = {m.group_id for mine in memberships.values() for m in mine}
    # the class's own groups, and those tied to no other class that its students attend
    chosen = {
        g.id
        for g in groups
        if g.id is not None
        and (
            g.class_id == school_class.id
            or (g.id in attended and (g.class_id is None or g.kind is GroupKind.INDIVIDUAL))
        )
    }
    return ClassLessons(
        school_class=school_class,
        students=sorted(
            (s for s in students if s is not None), key=lambda s: (s.last_name, s.first_name)
        ),
        groups=chosen,
        memberships=memberships,
        whole_group=whole,
    )


async def _year_bounds(uow: UnitOfWork, school_class: SchoolClass) -> tuple[dt.date, dt.date]:
    year = await uow.repo(AcademicYear).get(school_class.year_id)
    assert year is not None
    return year.starts_on, year.ends_on


async def class_subjects(uow: UnitOfWork, actor: Actor, class_id: int) -> list[SubjectCard]:
    """The subjects the teaching load gives to the class's groups, by name."""
    school_class = await _readable_class(uow, actor, class_id)
    view = await class_view_of(uow, school_class, *await _year_bounds(uow, school_class))
    subject_ids = {
        load.subject_id
        for group_id in view.groups
        for load in await uow.repo(TeachingLoad).find(group_id=group_id)
    }
    subjects = [await uow.repo(Subject).get(i) for i in subject_ids]
    return sorted(
        (SubjectCard(s.id, s.name) for s in subjects if s is not None and s.id is not None),
        key=lambda c: c.name,
    )


async def class_periods(uow: UnitOfWork, actor: Actor, class_id: int) -> list[PeriodCard]:
    """The study periods of the class's year and grade, with their bounds."""
    school_class = await _readable_class(uow, actor, class_id)
    periods = await uow.repo(StudyPeriod).find(
        school_id=actor.school_id, year_id=school_class.year_id
    )
    return [
        PeriodCard(p.id or 0, period_name(p), p.starts_on, p.ends_on)
        for p in sorted(periods, key=lambda p: (p.starts_on, p.ends_on))
        if p.covers_grade(school_class.grade)
    ]


async def period_bounds(
    uow: UnitOfWork, actor: Actor, class_id: int, period_id: int
) -> tuple[dt.date, dt.date]:
    school_class = await _readable_class(uow, actor, class_id)
    period = await period_for(uow, actor, period_id, school_class.year_id, school_class.grade)
    return period.starts_on, period.ends_on


async def class_journal(
    uow: UnitOfWork, actor: Actor, class_id: int, subject_id: int, period_id: int
) -> ClassJournal:
    """Each student's marks in a subject over a period, their weighted average, lessons missed
    and the final once set, across whichever of the class's groups teach the subject (CT-1)."""
    school_class = await _readable_class(uow, actor, class_id)
    subject = await uow.repo(Subject).get(subject_id)
    if subject is None or subject.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    period = await period_for(uow, actor, period_id, school_class.year_id, school_class.grade)
    view = await class_view_of(uow, school_class, period.starts_on, period.ends_on)
    lessons = await view.lessons(uow, period.starts_on, period.ends_on, subject_id)
    scale = grading.SCALES[subject.grading_scale]
    work_types = {w.id: w for w in await uow.repo(WorkType).find(school_id=actor.school_id)}
    weights = {i: w.weight for i, w in work_types.items() if i is not None}
    lines = []
    for student in view.students:
        assert student.id is not None
        mine = {i for i, lesson in lessons.items() if view.attends(student.id, lesson)}
        marks = [
            m
            for m in await uow.repo(Mark).find(student_id=student.id, deleted_at=None)
            if m.lesson_id in mine
        ]
        marks.sort(key=lambda m: (lessons[m.lesson_id].on_date, m.posted_at))
        kinds = [
            a.kind
            for a in await uow.repo(Absence).find(student_id=student.id)
            if a.lesson_id in mine
        ]
        tally = Tally.of(kinds)
        finals = await uow.repo(FinalMark).find(
            student_id=student.id, period_id=period_id, subject_id=subject_id
        )
        final = next((f.value for f in finals if f.group_id in view.groups), None)
        lines.append(
            StudentLine(
                student_id=student.id,
                name=student.short_name,
                marks=tuple(
                    JournalMark(
                        lessons[m.lesson_id].on_date, m.value, work_types[m.work_type_id].name
                    )
                    for m in marks
                ),
                average=average_of(marks, weights, scale),
                absences=tally.missed,
                late=tally.counts[AbsenceKind.LATE],
                final=final,
            )
        )
    return ClassJournal(
        class_id=class_id,
        class_name=school_class.name,
        subject=subject.name,
        period=period_name(period),
        lines=tuple(lines),
    )


async def attendance_summary(
    uow: UnitOfWork, actor: Actor, class_id: int, start: dt.date, end: dt.date
) -> AttendanceSummary:
    """Absences of the class over [start, end] (a day, ``week_of``, ``period_bounds``): per
    student by kind (Н, Б, У, О) with lessons missed, and per day of lessons (CT-4)."""
    school_class = await _readable_class(uow, actor, class_id)
    if start > end:
        raise Refused(txt.BAD_RANGE.format(start=f"{start:%d.%m.%Y}", end=f"{end:%d.%m.%Y}"))
    days = (end - start).days + 1
    if days > MAX_RANGE_DAYS:
        raise Refused(txt.TOO_LONG_RANGE.format(days=days, limit=MAX_RANGE_DAYS))
    view = await class_view_of(uow, school_class, start, end)
    lessons = await view.lessons(uow, start, end)
    per_day: dict[dt.date, list[AbsenceKind]] = {x.on_date: [] for x in lessons.values()}
    missing: dict[dt.date, set[int]] = {day: set() for day in per_day}
    students = []
    for student in view.students:
        assert student.id is not None
        kinds = []
        for absence in await uow.repo(Absence).find(student_id=student.id):
            lesson = lessons.get(absence.lesson_id)
            if lesson is None or not view.attends(student.id, lesson):
                continue
            kinds.append(absence.kind)
            per_day[lesson.on_date].append(absence.kind)
            if absence.kind is not AbsenceKind.LATE:
                missing[lesson.on_date].add(student.id)
        students.append(StudentAttendance(student.id, student.short_name, Tally.of(kinds)))
    return AttendanceSummary(
        class_id=class_id,
        class_name=school_class.name,
        start=start,
        end=end,
        students=tuple(students),
        days=tuple(
            DayAttendance(day, Tally.of(per_day[day]), len(missing[day])) for day in sorted(per_day)
        ),
    )


async def viewable_classes(uow: UnitOfWork, actor: Actor) -> list[SchoolClass]:
    """The classes whose journal and attendance the actor may read: those they lead, or every
    class of the school for the administration (CT-1, CT-4)."""
    classes = await uow.repo(SchoolClass).find(school_id=actor.school_id)
    allowed = [c for c in classes if c.id is not None and access.may_view_class(actor, c.id)]
    return sorted(allowed, key=lambda c: (c.grade, c.name))
