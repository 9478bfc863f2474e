"""The notice queue's locking queries: what core's fan-out and delivery cannot say without SQL.

On PostgreSQL, workers claim rows with ``FOR UPDATE SKIP LOCKED``: two workers never take the
same event or notice, and neither waits for the other; the fan-out itself runs in one worker at a
time (an advisory lock), the sending in all of them. SQLite ignores the clause, and needs none:
every writing transaction there begins with BEGIN IMMEDIATE, one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update

from core.events import OutboxEvent
from core.model.identity import PersonKind
from core.model.notices import Notice, NoticeStatus
from core.services import notices_texts as txt
from storage import tables as t
from storage.uow import SqlUnitOfWork

N = t.notices.c
FAN_OUT_LOCK = 0x6E6F7469  # "noti": the advisory lock key of the fan-out


class SqlNoticeStore:
    """core.services.notices.NoticeStore and notice_delivery.DeliveryStore, in one unit of
    work's transaction."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    async def claim_events(self, limit: int) -> Sequence[OutboxEvent]:
        if not await self._fan_out_lock():
            return []  # another worker is fanning out right now: it takes these
        e = t.outbox_events.c
        query = (
            select(OutboxEvent)
            .where(e.processed_at.is_(None))
            .order_by(e.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.uow.session.scalars(query)).all()

    async def _fan_out_lock(self) -> bool:
        """One fan-out at a time on PostgreSQL (a transaction-scoped advisory lock, not waited
        for): two workers fanning out events for the same guardian at once would each start a
        notice instead of one joining the other's. Fan-out is quick; sending is what runs in
        parallel. SQLite has one writer anyway."""
        if self.uow.session.get_bind().dialect.name != "postgresql":
            return True
        got = await self.uow.session.scalar(select(func.pg_try_advisory_xact_lock(FAN_OUT_LOCK)))
        return bool(got)

    async def open_notice(
        self,
        *,
        recipient_kind: PersonKind,
        recipient_id: int,
        chat_id: int,
        student_id: int | None,
        key: str,
    ) -> Notice | None:
        query = (
            select(Notice)
            .where(
                N.recipient_kind == recipient_kind,
                N.recipient_id == recipient_id,
                N.chat_id == chat_id,
                N.student_id.is_(None) if student_id is None else N.student_id == student_id,
                N.key == key,
                # still pending, even if a worker has claimed it: it is rendered only when it
                # goes "sending", under the same row lock, so a joining event is never lost
                N.status == NoticeStatus.PENDING,
            )
            .order_by(N.id.desc())
            .limit(1)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.uow.session.scalars(query)).first()

    async def lock_claimed(self, notice_id: int, worker: str) -> Notice | None:
        query = (
            select(Notice)
            .where(N.id == notice_id, N.status == NoticeStatus.PENDING, N.claimed_by == worker)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.uow.session.scalars(query)).first()


@dataclass(frozen=True)
class Claimed:
    notice_id: int
    chat_id: int
    urgent: bool


async def claim_due(
    uow: SqlUnitOfWork, *, now: dt.datetime, worker: str, until: dt.datetime, limit: int
) -> list[Claimed]:
    """Take up to ``limit`` due notices for this worker until ``until`` (its lease), urgent ones
    first, then by due time. Committed."""
    due = (
        select(N.id, N.chat_id, N.urgent)
        .where(
            N.status == NoticeStatus.PENDING,
            N.due_at <= now,
            or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now),
            or_(N.claimed_until.is_(None), N.claimed_until < now),
        )
        .order_by(N.urgent.desc(), N.due_at, N.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (await uow.session.execute(due)).all()
    if rows:
        await uow.session.execute(
            update(t.notices)
            .where(N.id.in_([row.id for row in rows]))
            .values(claimed_by=worker, claimed_until=until, version=N.version + 1)
        )
    await uow.session.commit()
    return [Claimed(int(row.id), int(row.chat_id), bool(row.urgent)) for row in rows]


async def release(uow: SqlUnitOfWork, notice_ids: Sequence[int], worker: str) -> int:
    """Give back claimed notices not sent yet (a stopping worker): others may take them at once."""
    if not notice_ids:
        return 0
    result = await uow.session.execute(
        update(t.notices)
        .where(
            N.id.in_(list(notice_ids)),
            N.status == NoticeStatus.PENDING,
            N.claimed_by == worker,
        )
        .values(claimed_by=None, claimed_until=None, version=N.version + 1)
    )
    await uow.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


async def recover_stale(uow: SqlUnitOfWork, now: dt.datetime) -> int:
    """Notices left "sending" by a worker that stopped mid-request become "uncertain": Telegram
    may have delivered them, so they are not sent again (counted, and listed for the class
    teacher). Pending ones whose lease ran out need nothing: any worker may claim them."""
    result = await uow.session.execute(
        update(t.notices)
        .where(N.status == NoticeStatus.SENDING, N.claimed_until < now)
        .values(
            status=NoticeStatus.UNCERTAIN,
            last_error=txt.WORKER_STOPPED,
            claimed_by=None,
            claimed_until=None,
            version=N.version + 1,
        )
    )
    await uow.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


async def status_counts(uow: SqlUnitOfWork, school_id: int | None = None) -> dict[str, int]:
    """How many notices are in each status (uncertain ones are the possible duplicates)."""
    query = select(N.status, func.count()).group_by(N.status)
    if school_id is not None:
        query = query.where(N.school_id == school_id)
    rows = (await uow.session.execute(query)).all()
    return {str(status): int(count) for status, count in rows}
