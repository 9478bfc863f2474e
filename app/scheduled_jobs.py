"""The scheduled jobs of a deployment, wired to the database (see notifications/scheduler.py for
who runs them)."""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger

from app.settings import Settings
from core.ports import Clock, SystemClock
from core.services.reminders import RemindersSent, run_reminders
from notifications.scheduler import Job, Scheduler, lock_for
from storage.uow import Database

log = logging.getLogger("dnevnik.scheduler")

REMINDERS_EVERY_MINUTES = 5  # the homework window is 1.5 hours: every run inside it catches it


def build_jobs(db: Database, settings: Settings, clock: Clock | None = None) -> list[Job]:
    clock = clock or SystemClock()

    async def reminders() -> RemindersSent:
        async with db.uow() as uow:
            return await run_reminders(
                uow, clock.now(), ack_after_days=settings.remind_unacknowledged_days
            )

    return [
        Job(
            "reminders",
            reminders,
            IntervalTrigger(minutes=REMINDERS_EVERY_MINUTES),
            run_at_start=True,
        ),
    ]


def build_scheduler(db: Database, settings: Settings, clock: Clock | None = None) -> Scheduler:
    return Scheduler(lock_for(db.engine), build_jobs(db, settings, clock))
