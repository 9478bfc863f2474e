"""The unit of work: one session, one transaction, audit entries chained at commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import and_, false, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.model.audit import AuditEntry
from core.model.grading import WorkType
from core.model.groups import GroupMembership, SchoolClass, StudyGroup
from core.model.journal import Lesson, PeriodLock
from core.model.people import Student
from core.model.school import School, StudyPeriod, Subject
from core.ports import Clock, LessonSetting, SystemClock
from core.rules.audit_chain import GENESIS, entry_hash
from core.services.errors import STALE, StaleEdit
from storage import tables as t
from storage.report_queries import SqlReportSource
from storage.repository import SqlRepository

T = TypeVar("T")
_AUDIT_COLUMNS = tuple(c.name for c in t.audit_entries.columns if c.name != "id")


@dataclass
class _PendingAudit:
    school_id: int
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    # entity_id may be unknown until flush: the object is kept to read its id at commit
    subject: Any = None


class SqlUnitOfWork:
    """``async with SqlUnitOfWork(factory) as uow: ...; await uow.commit()``.

    Leaving the block without commit rolls everything back.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock | None = None
    ) -> None:
        self._factory = session_factory
        self.clock = clock or SystemClock()
        self._pending: list[_PendingAudit] = []
        self._repos: dict[type, SqlRepository[Any]] = {}

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self._pending = []
        self._repos = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the loaded
        # attributes of committed entities readable after the block
        await self.session.close()

    def repo(self, kind: type[T]) -> SqlRepository[T]:
        if kind not in self._repos:
            self._repos[kind] = SqlRepository(self.session, kind)
        return self._repos[kind]

    @property
    def reports(self) -> SqlReportSource:
        return SqlReportSource(self.session)

    async def lesson_setting(
        self, lesson_id: int, work_type_id: int | None = None
    ) -> LessonSetting | None:
        if not self.repo(Lesson).fits("id", lesson_id):
            return None
        if work_type_id is not None and not self.repo(WorkType).fits("id", work_type_id):
            work_type_id = None
        query = (
            select(Lesson, School, StudyGroup, SchoolClass, Subject, WorkType)
            .select_from(t.lessons)
            .join(t.schools, t.schools.c.id == t.lessons.c.school_id)
            .outerjoin(t.study_groups, t.study_groups.c.id == t.lessons.c.group_id)
            .outerjoin(t.school_classes, t.school_classes.c.id == t.study_groups.c.class_id)
            .outerjoin(t.subjects, t.subjects.c.id == t.lessons.c.subject_id)
            .outerjoin(
                t.work_types,
                and_(
                    t.work_types.c.id == work_type_id if work_type_id is not None else false(),
                    t.work_types.c.school_id == t.lessons.c.school_id,
                ),
            )
            .where(t.lessons.c.id == lesson_id)
        )
        row = (await self.session.execute(query)).first()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4], row[5])

    async def group_members(self, group_id: int) -> Sequence[tuple[GroupMembership, Student]]:
        if not self.repo(GroupMembership).fits("group_id", group_id):
            return []
        query = (
            select(GroupMembership, Student)
            .select_from(t.group_memberships)
            .join(t.students, t.students.c.id == t.group_memberships.c.student_id)
            .where(t.group_memberships.c.group_id == group_id)
            .order_by(t.group_memberships.c.id)
        )
        return [(m, s) for m, s in (await self.session.execute(query)).all()]

    async def periods_with_locks(
        self, lesson: Lesson
    ) -> Sequence[tuple[StudyPeriod, PeriodLock | None]]:
        locks = t.period_locks.c
        query = (
            select(StudyPeriod, PeriodLock)
            .select_from(t.study_periods)
            .outerjoin(
                t.period_locks,
                and_(
                    locks.period_id == t.study_periods.c.id,
                    locks.group_id == lesson.group_id,
                    locks.subject_id == lesson.subject_id,
                ),
            )
            .where(
                t.study_periods.c.school_id == lesson.school_id,
                t.study_periods.c.year_id == lesson.year_id,
            )
            .order_by(t.study_periods.c.id, locks.id)
        )
        return [(p, lock) for p, lock in (await self.session.execute(query)).all()]

    def record_audit(
        self,
        *,
        school_id: int,
        actor: str,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        subject: Any = None,
    ) -> None:
        self._pending.append(
            _PendingAudit(school_id, actor, action, entity, entity_id, before, after, subject)
        )

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise StaleEdit(STALE) from error

    async def commit(self) -> None:
        try:
            if self._pending:
                await self.session.flush()
                await self._write_audit()
            await self.session.commit()
        except StaleDataError as error:
            await self.session.rollback()
            raise StaleEdit(STALE) from error
        self._pending = []

    async def end_transaction(self) -> None:
        """End a transaction that only read, so that no lock is held while the caller waits on
        the network (SQLite writers take the write lock at BEGIN). Pending changes stay."""
        session = self.session
        if session.in_transaction() and not (
            session.new or session.dirty or session.deleted or self._pending
        ):
            await session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
        self._pending = []

    async def _write_audit(self) -> None:
        now = self.clock.now()
        by_school: dict[int, list[_PendingAudit]] = {}
        for item in self._pending:
            by_school.setdefault(item.school_id, []).append(item)
        for school_id in sorted(by_school):  # a fixed order: two writers never lock crosswise
            seq, prev_hash = await self._lock_head(school_id)
            rows = []
            for item in by_school[school_id]:
                entity_id = item.entity_id
                if entity_id is None and item.subject is not None:
                    entity_id = getattr(item.subject, "id", None)
                after = item.after
                if after is not None and "id" in after and after["id"] is None:
                    after = {**after, "id": entity_id}
                seq += 1
                entry = AuditEntry(
                    school_id=school_id,
                    seq=seq,
                    at=now,
                    actor=item.actor,
                    action=item.action,
                    entity=item.entity,
                    entity_id=entity_id,
                    before=item.before,
                    after=after,
                    prev_hash=prev_hash,
                    hash="",
                )
                entry.hash = entry_hash(entry)
                rows.append({c: getattr(entry, c) for c in _AUDIT_COLUMNS})
                prev_hash = entry.hash
            # as rows, not entities: nothing reads them back in the unit of work, and the ORM's
            # flush of each would cost more than the insert
            await self.session.execute(t.audit_entries.insert(), rows)
            await self.session.execute(
                t.audit_heads.update()
                .where(t.audit_heads.c.school_id == school_id)
                .values(seq=seq, hash=prev_hash)
            )

    async def _lock_head(self, school_id: int) -> tuple[int, str]:
        query = (
            select(t.audit_heads.c.seq, t.audit_heads.c.hash)
            .where(t.audit_heads.c.school_id == school_id)
            .with_for_update()
        )
        row = (await self.session.execute(query)).first()
        if row is None:
            await self.session.execute(
                t.audit_heads.insert().values(school_id=school_id, seq=0, hash=GENESIS)
            )
            return 0, GENESIS
        return int(row.seq), str(row.hash)


class Database:
    """The engine and a factory of units of work; one per process."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.session_factory = async_sessionmaker(engine, expire_on_commit=False)

    def uow(self, clock: Clock | None = None) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, clock or self.clock)

    async def dispose(self) -> None:
        await self.engine.dispose()
