"""What the school-year archive reads straight from storage: the audit log, streamed (a year's
log can hold hundreds of thousands of entries; they are never all in memory at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable

from sqlalchemy import select

from core.model.audit import AuditEntry
from storage import tables as t
from storage.uow import Database


def audit_reader(
    db: Database,
) -> Callable[[int, dt.datetime, dt.datetime], AsyncIterator[AuditEntry]]:
    async def read(
        school_id: int, since: dt.datetime, until: dt.datetime
    ) -> AsyncIterator[AuditEntry]:
        e = t.audit_entries.c
        async with db.session_factory() as session:
            stream = await session.stream_scalars(
                select(AuditEntry)
                .where(e.school_id == school_id, e.at >= since, e.at < until)
                .order_by(e.id)
                .execution_options(yield_per=2000)
            )
            async for entry in stream:
                yield entry

    return read
