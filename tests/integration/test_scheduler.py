"""Exactly one process runs the scheduled jobs: on SQLite a file lock, on PostgreSQL an advisory
lock; when the holder stops, another takes over."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from notifications.scheduler import AdvisoryLock, FileLock, Job, Scheduler, lock_for
from storage.db import create_engine
from storage.uow import Database

PG_URL = os.environ.get("DNEVNIK_TEST_DATABASE_URL", "")


def counting_job(runs: list[str], name: str) -> Job:
    async def run() -> str:
        runs.append(name)
        return "ok"

    return Job("reminders", run, IntervalTrigger(hours=1), run_at_start=True)


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_two_schedulers_on_one_lock_file_run_the_jobs_once_and_hand_over(
    tmp_path: Path,
) -> None:
    runs: list[str] = []
    path = tmp_path / "dnevnik.sqlite3.scheduler.lock"
    first = Scheduler(FileLock(path), [counting_job(runs, "first")], retry=0.05)
    second = Scheduler(FileLock(path), [counting_job(runs, "second")], retry=0.05)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    one = asyncio.create_task(first.run(stop_first))
    await wait_for(lambda: first.leading)
    two = asyncio.create_task(second.run(stop_second))
    await wait_for(lambda: runs == ["first"])
    await asyncio.sleep(0.3)
    assert not second.leading and runs == ["first"]  # the second waits, runs nothing
    stop_first.set()
    await one
    await wait_for(lambda: second.leading)  # taken over
    await wait_for(lambda: runs == ["first", "second"])
    stop_second.set()
    await two


async def test_a_failing_job_is_logged_and_the_scheduler_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("disk full")

    scheduler = Scheduler(
        FileLock(tmp_path / "x.lock"),
        [Job("backup", broken, IntervalTrigger(hours=1), run_at_start=True)],
        retry=0.05,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: "scheduled job backup failed" in caplog.text)
    assert scheduler.leading
    stop.set()
    await task


async def test_the_lock_matches_the_database(db: Database) -> None:
    lock = lock_for(db.engine)
    assert isinstance(lock, AdvisoryLock if PG_URL else FileLock)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: set DNEVNIK_TEST_DATABASE_URL to run")
async def test_the_advisory_lock_is_held_by_one_process_and_freed_when_its_connection_ends() -> (
    None
):
    engines = [create_engine(PG_URL), create_engine(PG_URL)]
    try:
        first, second = AdvisoryLock(engines[0]), AdvisoryLock(engines[1])
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await first.still_held()
        assert first._conn is not None
        await first._conn.invalidate()  # the holder's connection dies (a killed process)
        assert not await first.still_held()
        assert await second.try_acquire()
        await second.release()
    finally:
        for engine in engines:
            await engine.dispose()
