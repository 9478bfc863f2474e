"""The migrations build exactly the schema the code declares, and start-up applies them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import upgrade
from storage.tables import metadata


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrated_schema_matches_the_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_start_up_migrates_an_empty_sqlite_file_and_says_so(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'db.sqlite3'}")
    try:
        with caplog.at_level(logging.INFO, logger="storage.migrate"):
            before, after = await upgrade(engine)
            assert before is None and after is not None
            assert f"upgraded from empty to {after}" in caplog.text
            again = await upgrade(engine)
            assert again == (after, after)
        async with engine.connect() as connection:
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
        assert (mode, keys) == ("wal", 1)
    finally:
        await engine.dispose()
