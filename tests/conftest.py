"""Fixtures: a real database for every test that needs one.

SQLite by default (a migrated file copied per test). When DNEVNIK_TEST_DATABASE_URL points at a
PostgreSQL database, the same tests run there instead: the schema is migrated once per run and
every table is emptied before each test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import app  # noqa: F401  # first: aiogram's models are deferred in tests as in the bot
from storage.db import create_engine, is_sqlite
from storage.migrate import upgrade
from storage.tables import metadata
from storage.uow import Database

PG_URL = os.environ.get("DNEVNIK_TEST_DATABASE_URL", "")


async def _migrate(url: str, reset: bool) -> None:
    engine = create_engine(url)
    try:
        if reset:
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at the newest schema: a SQLite template file, or the PostgreSQL database."""
    if PG_URL:
        asyncio.run(_migrate(PG_URL, reset=True))
        yield PG_URL
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}", reset=False))
    yield str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    if PG_URL:
        asyncio.run(_truncate(PG_URL))
        return PG_URL
    target = tmp_path / "dnevnik.sqlite3"
    shutil.copy(migrated_template, target)
    return f"sqlite+aiosqlite:///{target}"


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    try:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await database.dispose()


@pytest.fixture
def on_sqlite(database_url: str) -> bool:
    return is_sqlite(database_url)
