"""Applying Alembic migrations from code (`dnevnik db upgrade` and at every start)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (revision before, revision after)."""
    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    async with engine.connect() as connection:
        before = await connection.run_sync(_current)
    if before == head:
        log.info("database schema is up to date (revision %s)", head)
        return before, head
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, config)
    log.info("database schema upgraded from %s to %s", before or "empty", head)
    return before, head
