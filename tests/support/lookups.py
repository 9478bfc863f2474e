"""Lookups into a seeded school for use-case tests: ids by name, the outbox and the audit log."""

from __future__ import annotations

from core.events import EventKind, OutboxEvent
from core.model.audit import AuditEntry
from core.model.people import StaffMember, StaffRole
from core.model.school import AcademicYear, Room, StudyPeriod, Subject
from core.model.timetable import TimetableEntry
from storage.uow import Database
from tests.support.seeded import Seeded


async def subject_id(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(Subject).first(school_id=school.school_id, name=name)
    assert found is not None and found.id is not None
    return found.id


async def room_id(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(Room).first(school_id=school.school_id, name=name)
    assert found is not None and found.id is not None
    return found.id


async def year_id(db: Database, school: Seeded) -> int:
    async with db.uow() as uow:
        found = await uow.repo(AcademicYear).first(school_id=school.school_id)
    assert found is not None and found.id is not None
    return found.id


async def quarter_id(db: Database, school: Seeded, number: int) -> int:
    async with db.uow() as uow:
        found = await uow.repo(StudyPeriod).first(
            school_id=school.school_id, kind="quarter", number=number
        )
    assert found is not None and found.id is not None
    return found.id


async def entry(db: Database, school: Seeded, group: str, weekday: int, number: int) -> int:
    """The id of the timetable entry of a group's weekly slot."""
    async with db.uow() as uow:
        found = await uow.repo(TimetableEntry).first(
            group_id=school.groups[group], weekday=weekday, lesson_number=number
        )
    assert found is not None and found.id is not None
    return found.id


async def add_staff(
    db: Database, school: Seeded, last_name: str, *roles: StaffRole, active: bool = True
) -> int:
    async with db.uow() as uow:
        member = StaffMember(
            school_id=school.school_id,
            last_name=last_name,
            first_name="Нина",
            middle_name="Андреевна",
            roles=list(roles),
            active=active,
        )
        await uow.repo(StaffMember).add(member)
        await uow.commit()
    assert member.id is not None
    school.staff[last_name] = member.id
    return member.id


async def events(db: Database, kind: EventKind) -> list[OutboxEvent]:
    async with db.uow() as uow:
        return [e for e in await uow.repo(OutboxEvent).find() if e.kind is kind]


async def audit(db: Database, action: str) -> list[AuditEntry]:
    async with db.uow() as uow:
        return list(await uow.repo(AuditEntry).find(action=action))
