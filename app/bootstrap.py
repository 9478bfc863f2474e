"""Wiring: settings → database (migrated at start)."""

from __future__ import annotations

import logging

from app.settings import Settings
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

log = logging.getLogger("dnevnik")


async def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """The database of DATABASE_URL, its schema brought up to date first (with a log line)."""
    engine = create_engine(settings.effective_database_url)
    if migrate:
        await upgrade(engine)
    return Database(engine)
