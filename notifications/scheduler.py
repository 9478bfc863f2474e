"""Scheduled jobs (APScheduler): reminders, the daily backup, the daily audit-chain check.

Exactly one process runs them, however many bot instances and workers run: each process that
may run them tries to take the scheduler lock and only the holder starts APScheduler. The lock
dies with its holder — a PostgreSQL session advisory lock (released when the connection closes),
or on SQLite an exclusive ``flock`` on a file beside the database (released when the process
exits) — so another process takes over within ``retry`` seconds when the holder stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("dnevnik.scheduler")

# pg_advisory_lock takes a bigint: a fixed number of this application («dnevnik» in ASCII)
ADVISORY_KEY = 0x646E65766E696B
HELD_BY_THIS_SESSION = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid())"
)


class SchedulerLock(Protocol):
    async def try_acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


class FileLock:
    """SQLite runs on one machine: an exclusive flock on a file beside the database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    async def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    async def still_held(self) -> bool:
        return self._file is not None

    async def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class AdvisoryLock:
    """PostgreSQL: a session advisory lock on a connection of its own, held while leading."""

    def __init__(self, engine: AsyncEngine, key: int = ADVISORY_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            return True
        conn = await self.engine.connect()
        try:
            got = (
                await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            ).scalar()
            # end the implicit transaction: the session lock outlives it, an idle transaction
            # would hold back vacuum for as long as this process leads
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            # a connection that dropped may have been replaced under the same object: ask the
            # server whether this session holds the lock, not merely whether it answers
            held = (await self._conn.execute(text(HELD_BY_THIS_SESSION))).scalar()
            await self._conn.commit()
            if not held:
                raise RuntimeError("the advisory lock is no longer held")
        except Exception:  # the connection is gone, and the lock with it
            log.warning("the scheduler lock's connection was lost")
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
            return False
        return True

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await self._conn.commit()
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None


def lock_for(engine: AsyncEngine) -> SchedulerLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database or "dnevnik"
    path = Path(database) if database != ":memory:" else Path("data/dnevnik")
    return FileLock(path.with_name(path.name + ".scheduler.lock"))


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Awaitable[Any]]
    trigger: BaseTrigger
    run_at_start: bool = False  # reminders catch up at once after a restart


@dataclass
class Scheduler:
    """Leads when it holds the lock; otherwise waits and tries again every ``retry`` seconds."""

    lock: SchedulerLock
    jobs: list[Job]
    retry: float = 15.0
    leading: bool = False
    runs: dict[str, int] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        scheduler: AsyncIOScheduler | None = None
        try:
            while not stop.is_set():
                if scheduler is None:
                    if await self._try_lead():
                        scheduler = self._start()
                elif not await self.lock.still_held():
                    log.warning("scheduler lock lost: this process stops running the jobs")
                    scheduler.shutdown(wait=False)
                    scheduler, self.leading = None, False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.retry)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            self.leading = False
            await self.lock.release()

    async def _try_lead(self) -> bool:
        try:
            got = await self.lock.try_acquire()
        except Exception as error:  # the database is away: try again later
            log.warning("scheduler lock not taken: %s", error)
            return False
        if got:
            log.info(
                "this process runs the scheduled jobs: %s", ", ".join(j.name for j in self.jobs)
            )
            self.leading = True
        return got

    def _start(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=dt.UTC)
        now = dt.datetime.now(dt.UTC)
        for job in self.jobs:
            scheduler.add_job(
                self._guarded(job),
                job.trigger,
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
                **({"next_run_time": now} if job.run_at_start else {}),
            )
        scheduler.start()
        return scheduler

    def _guarded(self, job: Job) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                result = await job.run()
            except Exception:  # one failed run must not stop the next one
                log.exception("scheduled job %s failed", job.name)
                return
            self.runs[job.name] = self.runs.get(job.name, 0) + 1
            log.info("scheduled job %s done: %s", job.name, result)

        return run
