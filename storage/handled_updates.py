"""Updates whose changes are committed, recorded in the same transaction as the changes: the one
mark that survives every way an instance can die. Redis tells the other instances quickly that
an update is done; this table is what stays true when an instance died between its commit and
telling Redis (bot.shared_state)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables as t

KEEP = dt.timedelta(days=2)  # Telegram gives up redelivering an update long before


class AlreadyHandled(Exception):
    """Another instance committed this update's changes first: this copy changes nothing."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was committed by another instance")
        self.update_id = update_id


async def record(session: AsyncSession, update_id: int, now: dt.datetime) -> None:
    """Record the update in the current transaction; AlreadyHandled when it is recorded (the
    primary key decides, also between two instances committing at the same moment)."""
    u = t.handled_updates.c
    found = await session.execute(select(u.update_id).where(u.update_id == update_id))
    if found.first() is not None:
        raise AlreadyHandled(update_id)
    try:
        await session.execute(insert(t.handled_updates).values(update_id=update_id, handled_at=now))
    except IntegrityError as error:  # the other instance's insert committed while we waited
        raise AlreadyHandled(update_id) from error


async def prune(session: AsyncSession, now: dt.datetime) -> int:
    result = await session.execute(
        delete(t.handled_updates).where(t.handled_updates.c.handled_at < now - KEEP)
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
