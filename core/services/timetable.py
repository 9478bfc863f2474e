"""Use cases over the timetable: the dated lessons of a range of days."""

from __future__ import annotations

import datetime as dt

from core.model.groups import GroupMembership, SchoolClass, StudyGroup
from core.model.school import Holiday
from core.model.timetable import PlannedLesson, TimetableEntry
from core.ports import UnitOfWork
from core.rules.calendar import generate_lessons


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
