"""Synthetic schools for the benchmarks, built once and cached as SQLite files.

A school of 4,000 students with a year of journal takes minutes to build; the reports and the
100-teacher run read it again and again. The cache key holds the size, the seed, the schema's
head revision and a hash of the generator's source, so a change to either builds afresh. A
benchmark that writes works on a copy of the cached file, never on the file itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

import app.synthetic
import documents.synthetic_journal
import documents.synthetic_school
from app.synthetic import DEFAULT_SEED, build_synthetic_school
from storage.db import create_engine
from storage.migrate import alembic_config, upgrade
from storage.uow import Database

# the school year the synthetic schools live in: a fixed day keeps a cached file valid all year
TODAY = dt.date(2026, 9, 1)


def cache_dir() -> Path:
    folder = Path(
        os.environ.get("DNEVNIK_BENCH_CACHE") or Path(tempfile.gettempdir()) / "dnevnik-bench"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fingerprint(seed: int) -> str:
    digest = hashlib.sha256(str(seed).encode())
    for module in (app.synthetic, documents.synthetic_school, documents.synthetic_journal):
        digest.update(Path(module.__file__ or "").read_bytes())
    head = ScriptDirectory.from_config(alembic_config()).get_current_head() or ""
    digest.update(head.encode())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class CachedSchool:
    path: Path
    students: int
    built_seconds: float | None  # None: taken from the cache


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def cached_school(students: int, seed: int = DEFAULT_SEED) -> CachedSchool:
    """The SQLite file of a synthetic school with a full year of journal, built if missing."""
    path = cache_dir() / f"school-{students}-{fingerprint(seed)}.sqlite3"
    if path.exists():
        return CachedSchool(path, students, None)
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = create_engine(sqlite_url(partial))
    try:
        await upgrade(engine)
        await build_synthetic_school(Database(engine), students, seed, full_year=True, today=TODAY)
    finally:
        await engine.dispose()
    # fold the write-ahead log into the file, so that a copy of the one file is complete
    with contextlib.closing(sqlite3.connect(partial)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _keep(partial, path, students)
    return CachedSchool(path, students, time.perf_counter() - started)


def _keep(partial: Path, path: Path, students: int) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    for stale in cache_dir().glob(f"school-{students}-*.sqlite3"):
        if stale != path:  # built by an older generator or schema
            stale.unlink(missing_ok=True)


def working_copy(school: CachedSchool, folder: Path) -> Path:
    """A copy to write to: the cached file stays as built."""
    target = folder / f"copy-{school.path.name}"
    shutil.copyfile(school.path, target)
    return target
