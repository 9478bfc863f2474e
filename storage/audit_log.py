"""Reading the audit log: verifying each school's chain and querying entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from core.model.audit import AuditEntry
from core.model.school import School
from core.rules.audit_chain import ChainBreak, verify_chain
from storage import tables as t
from storage.uow import Database


@dataclass(frozen=True)
class SchoolChain:
    school: School
    entries: int
    broken: ChainBreak | None


async def verify_all(db: Database, school_name: str | None = None) -> list[SchoolChain]:
    """Verify the chain of every school (or one), streaming entries in seq order."""
    results: list[SchoolChain] = []
    async with db.session_factory() as session:
        query = select(School).order_by(t.schools.c.id)
        if school_name:
            query = query.where(t.schools.c.name == school_name)
        schools = (await session.scalars(query)).all()
        for school in schools:
            head = (
                await session.execute(
                    select(t.audit_heads.c.seq, t.audit_heads.c.hash).where(
                        t.audit_heads.c.school_id == school.id
                    )
                )
            ).first()
            counted = _Counter()
            stream = await session.stream_scalars(
                select(AuditEntry)
                .where(t.audit_entries.c.school_id == school.id)
                .order_by(t.audit_entries.c.id)  # insertion order: a forged seq shows in place
                .execution_options(yield_per=1000)
            )
            entries = [e async for e in counted.wrap(stream)]
            broken = verify_chain(
                entries,
                head_seq=int(head.seq) if head else 0,
                head_hash=str(head.hash) if head else None,
            )
            results.append(SchoolChain(school, counted.n, broken))
    return results


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    async def wrap(self, items: AsyncIterator[AuditEntry]) -> AsyncIterator[AuditEntry]:
        async for item in items:
            self.n += 1
            yield item


async def find_entries(
    db: Database,
    *,
    school_name: str | None = None,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
) -> Sequence[tuple[AuditEntry, str]]:
    """Entries matching every given filter, newest first, with their school's name."""
    e = t.audit_entries.c
    query = select(AuditEntry, t.schools.c.name).join(t.schools, t.schools.c.id == e.school_id)
    if school_name:
        query = query.where(t.schools.c.name == school_name)
    if actor:
        query = query.where(e.actor == actor)
    if entity:
        query = query.where(e.entity == entity)
    if entity_id is not None:
        query = query.where(e.entity_id == entity_id)
    if since:
        query = query.where(e.at >= since)
    if until:
        query = query.where(e.at < until)
    query = query.order_by(e.at.desc(), e.seq.desc()).limit(limit)
    async with db.session_factory() as session:
        return [(row[0], row[1]) for row in (await session.execute(query)).all()]
