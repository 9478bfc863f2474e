"""Backups and restores (DATA-2): a backup taken while teachers post marks restores to a sound
database holding every mark committed before it began; a damaged or forged copy is refused with
the live database untouched; old backups are pruned by the rule; a full disk is logged, leaves
nothing half-written, and the next backup works; PostgreSQL goes through pg_dump and back."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import fcntl
import gzip
import hashlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from core.model.grading import WorkType
from core.model.journal import Mark
from core.ports import FrozenClock
from core.services import journal
from core.services.backups import BackupFailed
from core.services.journal import LessonKey
from storage import tables as t
from storage.audit_log import verify_all
from storage.backup import (
    BackupStore,
    RestoreRefused,
    checksum_ok,
    list_backups,
    make_backup,
    prune,
    restore_backup,
)
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database
from tests.conftest import PG_URL
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow: 5А's mathematics
WRITERS = 4
MARKS_EACH = 12


@pytest.fixture
async def live(tmp_path: Path, migrated_template: str) -> AsyncIterator[tuple[str, Database]]:
    """A SQLite database of its own (whatever DNEVNIK_TEST_DATABASE_URL says): backups of a file
    are what this module is about; PostgreSQL has its own test below."""
    path = tmp_path / "data" / "dnevnik.sqlite3"
    path.parent.mkdir()
    url = f"sqlite+aiosqlite:///{path}"
    if PG_URL:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()
    else:
        shutil.copy(migrated_template, path)
    db = Database(create_engine(url))
    yield url, db
    await db.dispose()


async def _lesson_and_work_type(db: Database, school: Seeded) -> tuple[int, int]:
    async with db.uow() as uow:
        lesson = await journal.open_lesson(
            uow, staff(school, "Кузнецова"), LessonKey(school.groups["5А"], MONDAY, 1)
        )
        oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
        assert lesson.id is not None and oral is not None and oral.id is not None
        return lesson.id, oral.id


async def _mark_ids(url: str) -> set[int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set((await connection.scalars(select(t.marks.c.id))).all())
    finally:
        await engine.dispose()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_backup_taken_during_four_writers_restores_every_mark_committed_before_it(
    live: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = live
    school = await seed_tiny_school(db)
    lesson_id, oral = await _lesson_and_work_type(db, school)
    teacher = staff(school, "Кузнецова")
    pupils = [school.students[n] for n in ("Алексеев", "Борисова", "Волков", "Григорьева")]
    committed: list[tuple[int, float]] = []  # (mark id, when its commit returned)
    a_third_in = asyncio.Event()

    async def writer(n: int) -> None:
        for i in range(MARKS_EACH):
            async with db.uow() as uow:
                mark = await journal.post_mark(
                    uow, teacher, lesson_id, pupils[(n + i) % 4], oral, "2345"[i % 4], DURING
                )
            assert mark.id is not None
            committed.append((mark.id, time.monotonic()))
            if len(committed) >= WRITERS * MARKS_EACH // 3:
                a_third_in.set()

    async def backup_midway() -> tuple[float, Path]:
        await a_third_in.wait()
        began = time.monotonic()
        taken = await make_backup(url, tmp_path / "backups")
        return began, taken.path

    backing_up = asyncio.create_task(backup_midway())
    await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    began, backup = await backing_up
    before = {mark_id for mark_id, at in committed if at < began}
    assert before and len(before) < len(committed)  # the writers went on during the backup
    assert checksum_ok(backup)
    await db.dispose()  # the bot is stopped for the restore

    result = await restore_backup(url, backup, "cli:test")

    [checked] = result.schools
    assert checked.audit_entries > 0
    assert result.put_aside is not None
    assert await asyncio.to_thread(os.path.isfile, result.put_aside)
    restored = await _mark_ids(url)
    assert before <= restored <= {mark_id for mark_id, _ in committed}
    path = Path(make_url(url).database or "")
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()
    restored_db = Database(create_engine(url))
    try:
        [chain] = await verify_all(restored_db)
        assert chain.broken is None
        async with restored_db.uow() as uow:  # the restore itself is in the log
            last = await uow.repo(Mark).find(lesson_id=lesson_id)
            assert {m.id for m in last} == restored
        async with restored_db.session_factory() as session:
            action = await session.scalar(
                select(t.audit_entries.c.action).order_by(t.audit_entries.c.id.desc()).limit(1)
            )
        assert action == "backup_restored"
    finally:
        await restored_db.dispose()
    # the previous live database is kept whole beside it: all marks, every one committed
    assert await _mark_ids(f"sqlite+aiosqlite:///{result.put_aside}") == {
        mark_id for mark_id, _ in committed
    }


async def test_a_damaged_or_forged_copy_is_refused_and_the_live_database_is_untouched(
    live: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = live
    await seed_tiny_school(db)
    backups = tmp_path / "backups"
    taken = await make_backup(url, backups)
    await db.dispose()
    live_path = Path(make_url(url).database or "")
    live_hash = _file_hash(live_path)

    damaged = backups / "dnevnik-2026-11-01T030000Z.sqlite3.gz"
    content = bytearray(taken.path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    shutil.copy(
        taken.path.with_name(taken.name + ".sha256"), damaged.with_name(damaged.name + ".sha256")
    )
    with pytest.raises(RestoreRefused) as refused:
        await restore_backup(url, damaged, "cli:test")
    assert refused.value.reason == "checksum"

    # a forger who edits an audit entry inside the copy and writes a matching checksum
    forged = backups / "dnevnik-2026-11-02T030000Z.sqlite3.gz"
    plain = tmp_path / "forged.sqlite3"
    plain.write_bytes(gzip.decompress(taken.path.read_bytes()))
    connection = sqlite3.connect(plain)
    connection.execute("UPDATE audit_entries SET actor = 'staff:999' WHERE seq = 3")
    connection.commit()
    connection.close()
    forged.write_bytes(gzip.compress(plain.read_bytes()))
    digest = hashlib.sha256(forged.read_bytes()).hexdigest()
    forged.with_name(forged.name + ".sha256").write_text(f"{digest}  {forged.name}\n")
    with pytest.raises(RestoreRefused) as refused:
        await restore_backup(url, forged, "cli:test")
    assert refused.value.reason == "chain" and "seq 3" in refused.value.detail

    # the bot still runs: its scheduler holds the lock beside the database
    lock = live_path.with_name(live_path.name + ".scheduler.lock")
    with lock.open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RestoreRefused) as refused:
            await restore_backup(url, taken.path, "cli:test")
        assert refused.value.reason == "in_use"
    lock.unlink()

    bare = backups / "dnevnik-2026-11-03T030000Z.sqlite3.gz"
    shutil.copy(taken.path, bare)
    with pytest.raises(RestoreRefused) as refused:
        await restore_backup(url, bare, "cli:test")
    assert refused.value.reason == "no_checksum"

    assert _file_hash(live_path) == live_hash
    assert sorted(p.name for p in live_path.parent.iterdir()) == ["dnevnik.sqlite3"]


def _fake_backup(folder: Path, at: dt.datetime) -> Path:
    path = folder / f"dnevnik-{at:%Y-%m-%dT%H%M%SZ}.sqlite3.gz"
    path.write_bytes(b"x")
    path.with_name(path.name + ".sha256").write_text(f"{'0' * 64}  {path.name}\n")
    return path


def test_retention_keeps_a_day_fourteen_dailies_and_twelve_monthlies(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 29, 3, 0, tzinfo=dt.UTC)
    # two a night for 400 nights, and three on-demand copies this morning
    for day in range(400):
        for hour in (1, 3):
            _fake_backup(tmp_path, now.replace(hour=hour) - dt.timedelta(days=day))
    for minutes in (10, 20, 30):
        _fake_backup(tmp_path, now - dt.timedelta(minutes=minutes))

    deleted = prune(tmp_path, now, keep_daily=14, keep_monthly=12)

    kept = {b.taken_at for b in list_backups(tmp_path)}
    recent = {now - dt.timedelta(minutes=m) for m in (10, 20, 30)} | {now.replace(hour=1)}
    nightly = [now - dt.timedelta(days=d) for d in range(400)]  # the 03:00 ones, newest first
    months = sorted({(b.year, b.month) for b in nightly}, reverse=True)[:12]
    monthlies = {max(b for b in nightly if (b.year, b.month) == m) for m in months}
    assert kept == recent | set(nightly[:14]) | monthlies
    assert len(deleted) == 803 - len(kept)
    assert len(list(tmp_path.iterdir())) == 2 * len(kept)  # each with its checksum, no orphan
    # nothing more to prune the next time
    assert prune(tmp_path, now, keep_daily=14, keep_monthly=12) == []


async def test_a_full_disk_is_logged_leaves_no_partial_file_and_the_next_backup_works(
    live: tuple[str, Database],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, db = live
    await seed_tiny_school(db)
    folder = tmp_path / "backups"
    clock = FrozenClock(dt.datetime(2026, 11, 29, 3, 0, tzinfo=dt.UTC))
    store = BackupStore(url, folder, clock=clock)
    first = await store.take()
    real_copy = shutil.copyfileobj

    def disk_full(source: Any, target: Any, length: int = 0) -> None:
        target.write(source.read(4096))  # some bytes reach the disk, then it is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    clock.at += dt.timedelta(hours=1)
    with caplog.at_level(logging.ERROR, logger="dnevnik.backup"):
        assert await store.scheduled() is None  # the daily job never raises
        with pytest.raises(BackupFailed) as failed:
            await store.take()
    assert failed.value.reason == "disk_full"
    assert any("disk is full" in r.getMessage() for r in caplog.records)
    assert sorted(p.name for p in folder.iterdir()) == [first.name, first.name + ".sha256"]

    monkeypatch.setattr(shutil, "copyfileobj", real_copy)  # space freed: no restart needed
    second = await store.scheduled()
    assert second is not None and second.name != first.name
    assert checksum_ok(second.path) and checksum_ok(first.path)
    assert [b.name for b in store.list()] == [second.name, first.name]


def test_the_commands_back_up_list_and_restore_in_russian(tmp_path: Path) -> None:
    from app.cli import app

    async def seeded() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'dnevnik.sqlite3'}")
        await upgrade(engine)
        db = Database(engine)
        await seed_tiny_school(db)
        await db.dispose()

    asyncio.run(seeded())
    env = {
        "DATABASE_URL": "",
        "DATA_DIR": str(tmp_path / "data"),
        "BACKUP_DIR": str(tmp_path / "b"),
    }
    runner = CliRunner()
    made = runner.invoke(app, ["backup"], env=env)
    assert made.exit_code == 0, made.output
    assert "Резервная копия готова" in made.output
    [backup] = list_backups(tmp_path / "b")
    listed = runner.invoke(app, ["backups", "--check"], env={**env, "COLUMNS": "200"})
    assert backup.name in listed.output and "верна" in listed.output
    declined = runner.invoke(app, ["restore", str(backup.path)], env=env, input="n\n")
    assert declined.exit_code == 1 and "отменено" in declined.output
    restored = runner.invoke(app, ["restore", str(backup.path), "--yes"], env=env)
    assert restored.exit_code == 0, restored.output
    assert "цепочка цела" in restored.output and "before-restore" in restored.output
    backup.path.write_bytes(backup.path.read_bytes() + b"!")
    refused = runner.invoke(app, ["restore", str(backup.path), "--yes"], env=env)
    assert refused.exit_code == 1 and "НЕ СОВПАДАЕТ" in refused.output


# --- PostgreSQL ------------------------------------------------------------------------------

PG_SERVER = PG_URL or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def _pg_admin(statement: str) -> None:
    engine = create_engine(
        make_url(PG_SERVER).set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _pg_databases(prefix: str) -> list[str]:
    engine = create_engine(
        make_url(PG_SERVER).set(database="postgres").render_as_string(hide_password=False)
    )
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": prefix + "%"}
            )
            return list(rows.all())
    finally:
        await engine.dispose()


async def test_postgresql_backup_and_restore_round_trip(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed")
    try:
        await _pg_databases("x")
    except Exception as error:  # any failure to connect means no server here
        pytest.skip(f"no PostgreSQL server at {make_url(PG_SERVER).host}: {error}")
    base = make_url(PG_SERVER).database or "dnevnik"
    name = f"{base if base != 'postgres' else 'dnevnik'}_backup"
    for old in await _pg_databases(name):
        await _pg_admin(f'DROP DATABASE "{old}"')
    await _pg_admin(f'CREATE DATABASE "{name}"')
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        db = Database(create_engine(url))
        await upgrade(db.engine)
        school = await seed_tiny_school(db)
        lesson_id, oral = await _lesson_and_work_type(db, school)
        teacher = staff(school, "Кузнецова")
        async with db.uow() as uow:
            kept = await journal.post_mark(
                uow, teacher, lesson_id, school.students["Алексеев"], oral, "5", DURING
            )
        taken = await make_backup(url, tmp_path)
        assert taken.name.endswith(".pgdump") and checksum_ok(taken.path)
        async with db.uow() as uow:  # after the backup: not in it
            await journal.post_mark(
                uow, teacher, lesson_id, school.students["Волков"], oral, "3", DURING
            )
        await db.dispose()

        result = await restore_backup(url, taken.path, "cli:test")

        assert result.swapped and result.put_aside is not None
        assert await _mark_ids(url) == {kept.id}
        restored = Database(create_engine(url))
        try:
            [chain] = await verify_all(restored)
            assert chain.broken is None
        finally:
            await restored.dispose()
        assert sorted(await _pg_databases(name)) == sorted([name, result.put_aside])
    finally:
        for old in await _pg_databases(name):
            await _pg_admin(f'DROP DATABASE "{old}" WITH (FORCE)')
