"""What a guardian and a student read about the child (INF-1): the timetable as the journal has it
(substitutions and moves), homework, marks with averages, control works, teachers and holidays.

Every view asks the same two questions first: a guardian must have consented (INF-3, 152-ФЗ) and
be linked to the child; a student sees only themself (SEC-2). Another family's child is answered
exactly like a missing one. Nothing here changes data, so nothing is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.model.grading import WorkType
from core.model.groups import GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.identity import Actor, Role
from core.model.journal import Homework, Lesson, Mark
from core.model.people import GuardianLink, StaffMember, Student
from core.model.school import AcademicYear, Bell, Holiday, Room, StudyPeriod, Subject
from core.model.timetable import ControlForm, ControlWork
from core.ports import UnitOfWork
from core.rules import access, grading
from core.services import family_views_texts as txt
from core.services.consent import may_send_personal_data
from core.services.errors import NOT_FOUND, NotFound, Refused
from core.services.finals import average_of, period_name
from core.services.identity import class_of_student
from core.services.timetable import planned_lessons

HOMEWORK_DAYS = 7


@dataclass(frozen=True)
class Child:
    student_id: int
    name: str
    grade: int | None


@dataclass(frozen=True)
class ChildLesson:
    number: int
    starts_at: dt.time | None
    subject: str
    room: str | None
    teacher: str
    substitute: str | None  # who gives it instead (LES-10)
    moved_from: tuple[dt.date, int] | None  # the slot it was moved from


@dataclass(frozen=True)
class ChildDay:
    on_date: dt.date
    lessons: tuple[ChildLesson, ...]


@dataclass(frozen=True)
class HomeworkLine:
    due_on: dt.date
    subject: str
    text: str
    attachments: tuple[str, ...]


@dataclass(frozen=True)
class MarkLine:
    on_date: dt.date
    value: str
    work_type: str


@dataclass(frozen=True)
class SubjectMarks:
    subject: str
    marks: tuple[MarkLine, ...]
    average: Decimal | None


@dataclass(frozen=True)
class MarksView:
    title: str  # the period's name, or empty for a week
    start: dt.date
    end: dt.date
    subjects: tuple[SubjectMarks, ...]


@dataclass(frozen=True)
class ControlWorkLine:
    on_date: dt.date
    lesson_number: int | None
    subject: str
    form: ControlForm
    topic: str | None


@dataclass(frozen=True)
class ControlWorksView:
    period: str
    works: tuple[ControlWorkLine, ...]


@dataclass(frozen=True)
class TeacherLine:
    subject: str
    teacher: str


@dataclass(frozen=True)
class HolidayLine:
    name: str
    starts_on: dt.date
    ends_on: dt.date


# --- who may see what ------------------------------------------------------------------------


async def readable_child(uow: UnitOfWork, actor: Actor, student_id: int, day: dt.date) -> Child:
    """The child the actor may read about: consent first, then the link (or oneself)."""
    linked: list[int] = []
    if actor.role is Role.GUARDIAN:
        if not await may_send_personal_data(uow, actor.person_id):
            raise Refused(txt.CONSENT_NEEDED)
        linked = [
            link.student_id
            for link in await uow.repo(GuardianLink).find(guardian_id=actor.person_id)
        ]
    if not access.may_see_student(actor, student_id, linked):
        raise NotFound(NOT_FOUND)
    student = await uow.repo(Student).get(student_id)
    if student is None or student.school_id != actor.school_id or student.id is None:
        raise NotFound(NOT_FOUND)
    class_id = await class_of_student(uow, student.id, day)
    school_class = await uow.repo(SchoolClass).get(class_id) if class_id else None
    return Child(student.id, student.short_name, school_class.grade if school_class else None)


async def _year(uow: UnitOfWork, school_id: int, day: dt.date) -> AcademicYear | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    return next((y for y in years if y.starts_on <= day <= y.ends_on), None)


async def _memberships(uow: UnitOfWork, student_id: int) -> list[GroupMembership]:
    return list(await uow.repo(GroupMembership).find(student_id=student_id))


def _in_group(members: Iterable[GroupMembership], group_id: int, day: dt.date) -> bool:
    return any(m.group_id == group_id and m.active_on(day) for m in members)


async def _names(uow: UnitOfWork, school_id: int) -> tuple[dict[int, str], dict[int, str]]:
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=school_id)}
    staff = {m.id: m.short_name for m in await uow.repo(StaffMember).find(school_id=school_id)}
    return (
        {k: v for k, v in subjects.items() if k is not None},
        {k: v for k, v in staff.items() if k is not None},
    )


# --- 1. the timetable as the journal has it ---------------------------------------------------


def week_days(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Saturday of the day's week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=5)


async def child_days(
    uow: UnitOfWork, actor: Actor, student_id: int, start: dt.date, end: dt.date
) -> list[ChildDay]:
    """The child's lessons of each day of [start, end]: the timetable, overridden by the journal's
    stored lessons (a substitute shown, a lesson moved away dropped, one moved in shown)."""
    if (end - start).days > 13:
        raise Refused(txt.TOO_LONG)
    await readable_child(uow, actor, student_id, start)
    members = await _memberships(uow, student_id)
    school_id = actor.school_id
    slots: dict[tuple[int, dt.date, int], Lesson | None] = {}
    planned_by_key = {}
    for year in await uow.repo(AcademicYear).find(school_id=school_id):
        first, last = max(start, year.starts_on), min(end, year.ends_on)
        if year.id is None or first > last:  # a week may straddle 1 September
            continue
        for p in await planned_lessons(uow, school_id, year.id, first, last):
            if _in_group(members, p.group_id, p.on_date):
                planned_by_key[(p.group_id, p.on_date, p.lesson_number)] = p
                slots[(p.group_id, p.on_date, p.lesson_number)] = None
    group_ids = {m.group_id for m in members}
    for group_id in group_ids:
        for lesson in await uow.repo(Lesson).find(group_id=group_id):
            if start <= lesson.on_date <= end and _in_group(members, group_id, lesson.on_date):
                slots[(group_id, lesson.on_date, lesson.lesson_number)] = lesson
    subjects, staff = await _names(uow, school_id)
    rooms = {r.id: r.name for r in await uow.repo(Room).find(school_id=school_id)}
    bells = await _bells(uow, school_id, group_ids)
    days: dict[dt.date, list[ChildLesson]] = {}
    for (group_id, day, number), stored in slots.items():
        if stored is not None and stored.cancelled:
            continue
        source = stored if stored is not None else planned_by_key[(group_id, day, number)]
        moved = None
        substitute = None
        if stored is not None:
            if stored.moved_from_date is not None and stored.moved_from_number is not None:
                moved = (stored.moved_from_date, stored.moved_from_number)
            if stored.substitute_id is not None:
                substitute = staff.get(stored.substitute_id, "")
        days.setdefault(day, []).append(
            ChildLesson(
                number=number,
                starts_at=bells.get((group_id, number)),
                subject=subjects.get(source.subject_id, ""),
                room=rooms.get(source.room_id) if source.room_id else None,
                teacher=staff.get(source.teacher_id, ""),
                substitute=substitute,
                moved_from=moved,
            )
        )
    result = []
    day = start
    while day <= end:
        lessons = sorted(days.get(day, []), key=lambda x: (x.number, x.subject))
        result.append(ChildDay(day, tuple(lessons)))
        day += dt.timedelta(days=1)
    return result


async def _bells(
    uow: UnitOfWork, school_id: int, group_ids: Iterable[int]
) -> dict[tuple[int, int], dt.time]:
    """The start of each lesson number for each group, by its class's bell schedule."""
    by_schedule: dict[int, dict[int, dt.time]] = {}
    for bell in await uow.repo(Bell).find(school_id=school_id):
        by_schedule.setdefault(bell.schedule_id, {})[bell.lesson_number] = bell.starts_at
    default = by_schedule[min(by_schedule)] if by_schedule else {}
    found: dict[tuple[int, int], dt.time] = {}
    for group_id in group_ids:
        group = await uow.repo(StudyGroup).get(group_id)
        school_class = (
            await uow.repo(SchoolClass).get(group.class_id) if group and group.class_id else None
        )
        schedule_id = school_class.bell_schedule_id if school_class else None
        times = by_schedule.get(schedule_id, default) if schedule_id is not None else default
        for number, starts_at in times.items():
            found[(group_id, number)] = starts_at
    return found


# --- 2. homework -------------------------------------------------------------------------------


async def child_homework(
    uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date
) -> list[HomeworkLine]:
    """Homework due from today over the next week, by day and subject."""
    await readable_child(uow, actor, student_id, today)
    members = await _memberships(uow, student_id)
    last = today + dt.timedelta(days=HOMEWORK_DAYS)
    subjects, _ = await _names(uow, actor.school_id)
    lines = []
    for homework in await uow.repo(Homework).find(school_id=actor.school_id):
        if not today <= homework.due_on <= last:
            continue
        lesson = await uow.repo(Lesson).get(homework.lesson_id)
        if lesson is None or not _in_group(members, lesson.group_id, homework.due_on):
            continue
        lines.append(
            HomeworkLine(
                due_on=homework.due_on,
                subject=subjects.get(lesson.subject_id, ""),
                text=homework.text,
                attachments=tuple(homework.attachments),
            )
        )
    return sorted(lines, key=lambda x: (x.due_on, x.subject))


# --- 3. marks --------------------------------------------------------------------------------


async def current_period(
    uow: UnitOfWork, school_id: int, grade: int | None, today: dt.date
) -> StudyPeriod | None:
    """The shortest period of the child's grade covering today; in holidays, the last one ended."""
    periods = [
        p
        for p in await uow.repo(StudyPeriod).find(school_id=school_id)
        if grade is None or p.covers_grade(grade)
    ]
    covering = [p for p in periods if p.starts_on <= today <= p.ends_on]
    if covering:
        return min(covering, key=lambda p: (p.ends_on - p.starts_on, p.starts_on))
    before = [p for p in periods if p.ends_on < today]
    if before:
        return max(before, key=lambda p: (p.ends_on, -(p.ends_on - p.starts_on).days))
    return None


async def _marks(
    uow: UnitOfWork, school_id: int, student_id: int, start: dt.date, end: dt.date
) -> tuple[SubjectMarks, ...]:
    subjects = {s.id: s for s in await uow.repo(Subject).find(school_id=school_id)}
    work_types = {w.id: w for w in await uow.repo(WorkType).find(school_id=school_id)}
    weights = {i: w.weight for i, w in work_types.items() if i is not None}
    by_subject: dict[int, list[tuple[Lesson, Mark]]] = {}
    for mark in await uow.repo(Mark).find(student_id=student_id, deleted_at=None):
        lesson = await uow.repo(Lesson).get(mark.lesson_id)
        if lesson is None or lesson.cancelled or not start <= lesson.on_date <= end:
            continue
        by_subject.setdefault(lesson.subject_id, []).append((lesson, mark))
    result = []
    for subject_id, pairs in by_subject.items():
        subject = subjects.get(subject_id)
        if subject is None:
            continue
        pairs.sort(key=lambda p: (p[0].on_date, p[0].lesson_number, p[1].posted_at))
        marks = [m for _, m in pairs]
        scale = grading.SCALES[subject.grading_scale]
        result.append(
            SubjectMarks(
                subject=subject.name,
                marks=tuple(
                    MarkLine(
                        lesson.on_date,
                        m.value,
                        work_types[m.work_type_id].name if m.work_type_id in work_types else "",
                    )
                    for lesson, m in pairs
                ),
                average=average_of(marks, weights, scale),
            )
        )
    return tuple(sorted(result, key=lambda s: s.subject))


async def week_marks(uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date) -> MarksView:
    """The marks of the current week (Monday to Sunday) by subject."""
    await readable_child(uow, actor, student_id, today)
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    subjects = await _marks(uow, actor.school_id, student_id, monday, sunday)
    return MarksView("", monday, sunday, subjects)


async def period_marks(uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date) -> MarksView:
    """The marks of the current period of the child's grade, by subject, with weighted averages."""
    child = await readable_child(uow, actor, student_id, today)
    period = await current_period(uow, actor.school_id, child.grade, today)
    if period is None:
        raise Refused(txt.NO_PERIOD)
    subjects = await _marks(uow, actor.school_id, student_id, period.starts_on, period.ends_on)
    return MarksView(period_name(period), period.starts_on, period.ends_on, subjects)


# --- 4. control works, teachers, holidays ----------------------------------------------------


async def child_control_works(
    uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date
) -> ControlWorksView:
    """The control works of the child's groups in the current period, by date."""
    child = await readable_child(uow, actor, student_id, today)
    period = await current_period(uow, actor.school_id, child.grade, today)
    if period is None:
        raise Refused(txt.NO_PERIOD)
    members = await _memberships(uow, student_id)
    subjects, _ = await _names(uow, actor.school_id)
    works = [
        ControlWorkLine(
            on_date=w.on_date,
            lesson_number=w.lesson_number,
            subject=subjects.get(w.subject_id, ""),
            form=w.form,
            topic=w.topic,
        )
        for w in await uow.repo(ControlWork).find(school_id=actor.school_id, year_id=period.year_id)
        if period.starts_on <= w.on_date <= period.ends_on
        and _in_group(members, w.group_id, w.on_date)
    ]
    works.sort(key=lambda w: (w.on_date, w.lesson_number or 0, w.subject))
    return ControlWorksView(period_name(period), tuple(works))


async def child_teachers(
    uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date
) -> list[TeacherLine]:
    """Who teaches the child's groups, by subject (the teaching load)."""
    await readable_child(uow, actor, student_id, today)
    members = await _memberships(uow, student_id)
    subjects, staff = await _names(uow, actor.school_id)
    found = set()
    for m in members:
        if not m.active_on(today):
            continue
        for load in await uow.repo(TeachingLoad).find(group_id=m.group_id):
            found.add(
                TeacherLine(subjects.get(load.subject_id, ""), staff.get(load.teacher_id, ""))
            )
    return sorted(found, key=lambda t: (t.subject, t.teacher))


async def child_holidays(
    uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date
) -> list[HolidayLine]:
    """The holidays of the year for the child's grade, by date."""
    child = await readable_child(uow, actor, student_id, today)
    year = await _year(uow, actor.school_id, today)
    if year is None:
        return []
    holidays = await uow.repo(Holiday).find(school_id=actor.school_id, year_id=year.id)
    return [
        HolidayLine(h.name, h.starts_on, h.ends_on)
        for h in sorted(holidays, key=lambda h: h.starts_on)
        if child.grade is None or h.grade_from <= child.grade <= h.grade_to
    ]
