"""Wiring: settings → database (migrated at start), settings → backups."""

from __future__ import annotations

import logging

from app.settings import Settings
from core.ports import Clock, SystemClock
from storage.backup import BackupStore
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


def backup_store(settings: Settings, clock: Clock | None = None) -> BackupStore:
    """The backups of DATABASE_URL in BACKUP_DIR. One per process: the bot's «Резервные копии»
    and the nightly job share its lock, so that two backups never run at once."""
    return BackupStore(
        settings.effective_database_url,
        settings.backup_dir,
        keep_daily=settings.backup_keep_daily,
        keep_monthly=settings.backup_keep_monthly,
        clock=clock or SystemClock(),
    )
