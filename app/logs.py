"""Logging set-up (kept apart so that `dnevnik --help` imports no database library)."""

from __future__ import annotations

import logging

from app.settings import Settings


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # SQLAlchemy and aiosqlite are chatty at DEBUG; the school's log is about the school
    # aiogram logs every handled update at INFO: a school's log would drown in it
    for noisy in ("aiosqlite", "sqlalchemy.engine", "alembic.runtime.migration", "aiogram.event"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
