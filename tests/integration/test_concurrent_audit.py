"""Several writers at once keep one unbroken audit chain per school (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from core.model.people import Student
from core.model.school import School
from core.services.audit_log import audited_add
from storage.audit_log import verify_all
from storage.uow import Database


async def test_concurrent_writers_keep_the_chain(db: Database) -> None:
    async with db.uow() as uow:
        school = await audited_add(uow, "cli:test", School(name="Школа № 9"))
        await uow.commit()
    assert school.id is not None
    school_id = school.id

    async def writer(n: int) -> None:
        for i in range(10):
            async with db.uow() as uow:
                student = Student(school_id=school_id, last_name=f"Писатель{n}", first_name=f"№{i}")
                await audited_add(uow, f"staff:{n}", student)
                await asyncio.sleep(0)  # let the other writers interleave inside the transaction
                await uow.commit()

    await asyncio.gather(*(writer(n) for n in range(4)))
    [chain] = await verify_all(db)
    assert chain.broken is None
    assert chain.entries == 41
    async with db.uow() as uow:
        assert len(await uow.repo(Student).find(school_id=school_id)) == 40
