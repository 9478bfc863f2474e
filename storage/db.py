"""Engines for SQLite (the embedded default) and PostgreSQL, from one DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.mapping import start_mappers

SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL's codes for "someone else holds it": lock_not_available (a lock_timeout ran out),
# deadlock_detected, serialization_failure. Repeating the action later is the cure for each.
_PG_BUSY = {"55P03", "40P01", "40001"}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    start_mappers()
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        # One connection: the process's updates queue for it in order (asyncio), instead of
        # each taking one from a pool and polling SQLite's write lock in 1–100 ms sleeps, which
        # let an unlucky teacher's tap wait seconds behind later ones (bench.marks: p99 820 →
        # 300 ms with 100 teachers). Other processes still meet the busy timeout.
        if make_url(url).database not in (None, "", ":memory:"):  # memory: one already
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then
        # writes can fail with "database is locked" at once, whatever the busy timeout.
        if conn.get_execution_options().get("sqlite_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_busy(error: BaseException) -> bool:
    """Whether the database refused because another writer held it past the busy timeout (SQLite
    «database is locked») or a lock could not be had (PostgreSQL): the action was not done, and
    done again a moment later it will be."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _PG_BUSY:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def default_sqlite_url(data_dir: str | os.PathLike[str]) -> str:
    return f"sqlite+aiosqlite:///{Path(data_dir) / 'dnevnik.sqlite3'}"
