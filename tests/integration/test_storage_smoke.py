from __future__ import annotations

from core.model.people import StaffMember, StaffRole
from core.model.school import School
from core.services.audit_log import audited_add, audited_update
from storage.uow import Database


async def test_entity_and_audit_are_committed_together(db: Database) -> None:
    async with db.uow() as uow:
        school = await audited_add(uow, "cli:test", School(name="Школа № 1"))
        assert school.id is not None
        teacher = await audited_add(
            uow,
            "cli:test",
            StaffMember(
                school_id=school.id,
                last_name="Иванова",
                first_name="Анна",
                roles=[StaffRole.TEACHER],
            ),
        )
        await uow.commit()
    async with db.uow() as uow:
        loaded = await uow.repo(StaffMember).get(teacher.id or 0)
        assert loaded is not None and loaded.roles == [StaffRole.TEACHER]
        assert audited_update(
            uow, "cli:test", loaded, {"roles": [StaffRole.TEACHER, StaffRole.DEPUTY]}
        )
        await uow.commit()
    from core.model.audit import AuditEntry

    async with db.uow() as uow:
        entries = await uow.repo(AuditEntry).find(school_id=school.id)
        assert [e.action for e in entries] == [
            "school.create",
            "staff_member.create",
            "staff_member.update",
        ]
        assert entries[2].before == {"roles": ["teacher"]}
        assert entries[1].prev_hash == entries[0].hash
