"""A real database holding the tiny school, and handy lookups into it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.model.groups import SchoolClass, StudyGroup
from core.model.people import Guardian, StaffMember, Student
from core.model.school import School
from core.services.school_year_import import import_school_year
from storage.uow import Database
from tests.support.tiny_school import tiny_rows

SCHOOL = "Школа № 3"


@dataclass
class Seeded:
    school_id: int
    classes: dict[str, int]
    staff: dict[str, int]  # by last name
    students: dict[str, int]  # by last name
    guardians: dict[str, int]  # by «Фамилия Имя»
    groups: dict[str, int]  # by name («5А» is the whole class)


async def seed_tiny_school(db: Database, name: str = SCHOOL) -> Seeded:
    async with db.uow() as uow:
        report = await import_school_year(
            uow, tiny_rows(), school_name=name, actor="cli:test", today=dt.date(2026, 8, 25)
        )
        assert report.ok, report.problems
    async with db.uow() as uow:
        school = await uow.repo(School).first(name=name)
        assert school is not None and school.id is not None
        sid = school.id
        return Seeded(
            school_id=sid,
            classes={c.name: c.id for c in await uow.repo(SchoolClass).find(school_id=sid)},  # type: ignore[misc]
            staff={m.last_name: m.id for m in await uow.repo(StaffMember).find(school_id=sid)},  # type: ignore[misc]
            students={s.last_name: s.id for s in await uow.repo(Student).find(school_id=sid)},  # type: ignore[misc]
            groups={g.name: g.id for g in await uow.repo(StudyGroup).find(school_id=sid)},  # type: ignore[misc]
            guardians={
                f"{g.last_name} {g.first_name}": g.id  # type: ignore[misc]
                for g in await uow.repo(Guardian).find(school_id=sid)
            },
        )
