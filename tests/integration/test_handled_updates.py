"""With several instances, an update is recorded as handled in the transaction of its changes: a
copy redelivered after its instance died between the commit and telling Redis changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.middlewares import _CommitNotifyingUnitOfWork
from core.model.grading import WorkType
from core.model.journal import Mark
from core.services import journal
from core.services.journal import LessonKey
from storage import handled_updates
from storage import tables as t
from storage.handled_updates import AlreadyHandled
from storage.uow import Database
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

TUESDAY = dt.date(2026, 9, 1)
DURING = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


def instance_uow(db: Database, update_id: int, told: list[int]) -> _CommitNotifyingUnitOfWork:
    async def committed() -> None:
        told.append(update_id)

    return _CommitNotifyingUnitOfWork(db.session_factory, db.clock, committed, update_id)


async def test_a_second_copy_of_a_committed_update_changes_nothing(
    db: Database, school: Seeded
) -> None:
    teacher = staff(school, "Кузнецова")
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], TUESDAY, 1))
        oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
        assert oral is not None and oral.id is not None
    artem = school.students["Алексеев"]
    told: list[int] = []
    async with instance_uow(db, 42, told) as uow:  # the first instance: committed, then died
        await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral.id, "5", DURING)
    async with instance_uow(db, 42, told) as uow:  # the copy, on another instance
        with pytest.raises(AlreadyHandled):
            await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral.id, "5", DURING)
    async with instance_uow(db, 43, told) as uow:  # another update goes through
        await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral.id, "4", DURING)
    async with db.uow() as uow:
        marks = await uow.repo(Mark).find(student_id=artem)
        assert sorted(m.value for m in marks) == ["4", "5"]
    assert told == [42, 43]  # the copy told nobody it was done


async def test_old_records_are_pruned(db: Database, school: Seeded) -> None:
    now = dt.datetime(2026, 9, 10, tzinfo=dt.UTC)
    async with db.uow() as uow:
        await handled_updates.record(uow.session, 1, now - dt.timedelta(days=3))
        await handled_updates.record(uow.session, 2, now - dt.timedelta(hours=1))
        await uow.session.commit()
    async with db.uow() as uow:
        assert await handled_updates.prune(uow.session, now) == 1
    async with db.uow() as uow:
        left = await uow.session.execute(select(func.count()).select_from(t.handled_updates))
        assert left.scalar() == 1
