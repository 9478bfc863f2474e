"""A school's summary for the coordinator: what the import produced, at a glance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup
from core.model.people import Guardian, StaffMember
from core.model.school import AcademicYear, School
from core.model.timetable import ControlWork, ThematicTopic, TimetableEntry
from core.ports import UnitOfWork
from core.services.timetable import planned_lessons

# what the summary's figures are called, in the console and in the bot
SUMMARY_LABELS = (
    ("classes", "Классов"),
    ("students", "Обучающихся"),
    ("staff", "Сотрудников"),
    ("guardians", "Родителей"),
    ("groups", "Учебных групп (кроме классов)"),
    ("timetable", "Уроков в неделю по расписанию"),
    ("topics", "Тем в КТП"),
    ("control_works", "Контрольных работ в графике"),
)


@dataclass(frozen=True)
class ClassLine:
    name: str
    class_teacher: str | None
    students: int


@dataclass(frozen=True)
class SchoolSummary:
    school: str
    year: str
    counts: dict[str, int]
    classes: list[ClassLine]
    week_start: dt.date
    week_end: dt.date
    lessons_in_week: int


async def school_summary(uow: UnitOfWork, school_name: str, today: dt.date) -> SchoolSummary | None:
    school = await uow.repo(School).first(name=school_name)
    if school is None or school.id is None:
        return None
    sid = school.id
    years = await uow.repo(AcademicYear).find(school_id=sid)
    if not years:
        return None
    year = next((y for y in years if y.starts_on <= today <= y.ends_on), years[-1])
    assert year.id is not None
    # before the year begins (the usual time of set-up) its first full week is shown
    day = max(today, year.starts_on)
    week_start = day - dt.timedelta(days=day.weekday())
    if week_start < year.starts_on:
        week_start += dt.timedelta(days=7)
    week_end = week_start + dt.timedelta(days=6)
    classes = sorted(
        await uow.repo(SchoolClass).find(school_id=sid, year_id=year.id),
        key=lambda c: (c.grade, c.name),
    )
    groups = await uow.repo(StudyGroup).find(school_id=sid, year_id=year.id)
    staff = {m.id: m for m in await uow.repo(StaffMember).find(school_id=sid)}
    members = [m for m in await uow.repo(GroupMembership).find(school_id=sid) if m.active_on(day)]
    class_group = {g.class_id: g.id for g in groups if g.kind is GroupKind.WHOLE_CLASS}
    lines = []
    for c in classes:
        teacher = staff.get(c.class_teacher_id)
        group_id = class_group.get(c.id)
        lines.append(
            ClassLine(
                name=c.name,
                class_teacher=teacher.short_name if teacher else None,
                students=sum(1 for m in members if m.group_id == group_id),
            )
        )
    counts = {
        "classes": len(classes),
        "students": sum(line.students for line in lines),
        "staff": len(staff),
        "guardians": len(await uow.repo(Guardian).find(school_id=sid)),
        "groups": sum(1 for g in groups if g.kind is not GroupKind.WHOLE_CLASS),
        "timetable": len(await uow.repo(TimetableEntry).find(school_id=sid, year_id=year.id)),
        "topics": len(await uow.repo(ThematicTopic).find(school_id=sid, year_id=year.id)),
        "control_works": len(await uow.repo(ControlWork).find(school_id=sid, year_id=year.id)),
    }
    lessons = await planned_lessons(uow, sid, year.id, week_start, week_end)
    return SchoolSummary(school.name, year.name, counts, lines, week_start, week_end, len(lessons))
