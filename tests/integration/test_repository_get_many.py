"""Many rows by id in one call: what the lesson's roster is read with."""

from __future__ import annotations

from core.model.people import Student
from storage.uow import Database
from tests.support.seeded import seed_tiny_school


async def test_get_many_gives_the_existing_rows_in_id_order(db: Database) -> None:
    school = await seed_tiny_school(db)
    wanted = sorted(school.students.values())[:3]
    async with db.uow() as uow:
        found = await uow.repo(Student).get_many([*reversed(wanted), 999_999, 2**70])
        nothing = await uow.repo(Student).get_many([])
    assert [s.id for s in found] == wanted
    assert nothing == []
