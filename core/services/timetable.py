"""Use cases over the timetable: the dated lessons of a range of days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.model.groups import GroupMembership, SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind, Role
from core.model.people import GuardianLink, StaffMember
from core.model.school import AcademicYear, Bell, Holiday, Room, School, Subject
from core.model.timetable import PlannedLesson, TimetableEntry
from core.ports import UnitOfWork
from core.rules import access
from core.rules.calendar import generate_lessons
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound


async def planned_lessons(
    uow: UnitOfWork, school_id: int, year_id: int, start: dt.date, end: dt.date
) -> list[PlannedLesson]:
    """Lessons of [start, end] from the timetable, without holidays and days off."""
    classes = {
        c.id: c for c in await uow.repo(SchoolClass).find(school_id=school_id, year_id=year_id)
    }
    groups = await uow.repo(StudyGroup).find(school_id=school_id, year_id=year_id)
    members = await uow.repo(GroupMembership).find(school_id=school_id)
    class_of_student: dict[int, SchoolClass] = {}
    whole_class = {g.id: classes.get(g.class_id) for g in groups if g.class_id is not None}
    for m in members:
        school_class = whole_class.get(m.group_id)
        if school_class is not None and m.active_on(start):
            class_of_student[m.student_id] = school_class
    grade: dict[int, int] = {}
    days: dict[int, int] = {}
    for group in groups:
        assert group.id is not None
        school_class = classes.get(group.class_id)
        if school_class is None:
            # a stream follows the regime of its members' class, when they share one
            member_classes = {
                class_of_student[m.student_id].id
                for m in members
                if m.group_id == group.id and m.student_id in class_of_student
            }
            if len(member_classes) == 1:
                school_class = classes.get(member_classes.pop())
        if school_class is not None:
            grade[group.id] = school_class.grade
            days[group.id] = school_class.days_per_week
    entries = await uow.repo(TimetableEntry).find(school_id=school_id, year_id=year_id)
    holidays = await uow.repo(Holiday).find(school_id=school_id, year_id=year_id)
    return generate_lessons(
        entries, start, end, holidays=holidays, grade_of_group=grade, days_per_week_of_group=days
    )


@dataclass(frozen=True)
class LessonLine:
    """One lesson of a day as a person reads it in the bot."""

    number: int
    starts_at: dt.time | None
    group: str
    subject: str
    room: str | None
    teacher: str


async def school_today(uow: UnitOfWork, school_id: int, now: dt.datetime) -> dt.date:
    """The local date at the school (Russia spans eleven time zones)."""
    school = await uow.repo(School).get(school_id)
    zone = ZoneInfo(school.timezone if school else "Europe/Moscow")
    return now.astimezone(zone).date()


async def _lines(uow: UnitOfWork, school_id: int, lessons: list[PlannedLesson]) -> list[LessonLine]:
    groups = {g.id: g for g in await uow.repo(StudyGroup).find(school_id=school_id)}
    classes = {c.id: c for c in await uow.repo(SchoolClass).find(school_id=school_id)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=school_id)}
    rooms = {r.id: r.name for r in await uow.repo(Room).find(school_id=school_id)}
    staff = {m.id: m.short_name for m in await uow.repo(StaffMember).find(school_id=school_id)}
    bells: dict[tuple[int | None, int], dt.time] = {}
    for bell in await uow.repo(Bell).find(school_id=school_id):
        bells[(bell.schedule_id, bell.lesson_number)] = bell.starts_at
    default_schedule = min((k[0] for k in bells if k[0] is not None), default=None)
    lines = []
    for lesson in lessons:
        group = groups.get(lesson.group_id)
        school_class = classes.get(group.class_id) if group else None
        schedule = school_class.bell_schedule_id if school_class else None
        lines.append(
            LessonLine(
                number=lesson.lesson_number,
                starts_at=bells.get((schedule or default_schedule, lesson.lesson_number)),
                group=group.name if group else "",
                subject=subjects.get(lesson.subject_id, ""),
                room=rooms.get(lesson.room_id) if lesson.room_id else None,
                teacher=staff.get(lesson.teacher_id, ""),
            )
        )
    return sorted(lines, key=lambda line: (line.number, line.group))


async def _year_of(uow: UnitOfWork, school_id: int, day: dt.date) -> int | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    year = next((y for y in years if y.starts_on <= day <= y.ends_on), None)
    return year.id if year else None


async def teacher_day(uow: UnitOfWork, actor: Actor, day: dt.date) -> list[LessonLine]:
    """The lessons a teacher gives on a day by the timetable (LES-1: their own only)."""
    if actor.kind is not PersonKind.STAFF:
        raise AccessDenied(NOT_ALLOWED)
    year_id = await _year_of(uow, actor.school_id, day)
    if year_id is None:
        return []
    lessons = await planned_lessons(uow, actor.school_id, year_id, day, day)
    return await _lines(
        uow, actor.school_id, [x for x in lessons if x.teacher_id == actor.person_id]
    )


async def student_day(
    uow: UnitOfWork, actor: Actor, student_id: int, day: dt.date
) -> list[LessonLine]:
    """A student's lessons on a day: their groups' lessons (SEC-2: oneself or one's own child)."""
    linked = []
    if actor.role is Role.GUARDIAN:
        linked = [
            link.student_id
            for link in await uow.repo(GuardianLink).find(guardian_id=actor.person_id)
        ]
    if not access.may_see_student(actor, student_id, linked):
        raise NotFound(NOT_FOUND)
    year_id = await _year_of(uow, actor.school_id, day)
    if year_id is None:
        return []
    groups = {
        m.group_id
        for m in await uow.repo(GroupMembership).find(student_id=student_id)
        if m.active_on(day)
    }
    lessons = await planned_lessons(uow, actor.school_id, year_id, day, day)
    return await _lines(uow, actor.school_id, [x for x in lessons if x.group_id in groups])
