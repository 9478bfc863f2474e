"""The scheduled jobs of a deployment, wired to the database and the bot (see
notifications/scheduler.py for who runs them): reminders every few minutes, the audit chains
checked every morning with an alert to the coordinators, a backup every night."""

from __future__ import annotations

import logging

from aiogram import Bot
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from app.bootstrap import backup_store
from app.settings import Settings
from core.ports import Clock, SystemClock
from core.services.reminders import RemindersSent, run_reminders
from notifications.scheduler import Job, Scheduler, lock_for
from storage import handled_updates
from storage.backup import BackupStore
from storage.uow import Database

log = logging.getLogger("dnevnik.scheduler")

REMINDERS_EVERY_MINUTES = 5  # the homework window is 1.5 hours: every run inside it catches it
CHAIN_CHECK_AT = "05:30"  # before the school day, so that a coordinator reads it in the morning
BACKUP_AT = "02:30"  # when nobody writes


async def check_chains(db: Database, bot: Bot | None, clock: Clock) -> int:
    """Verify every school's audit chain; tell the school's coordinators of a broken one."""
    from storage.audit_queries import check_audit_chains

    alerts = await check_audit_chains(db, clock)
    for alert in alerts:
        log.error("audit chain of %s is broken: %s", alert.school, alert.status)
        if not alert.chat_ids:
            log.error("no coordinator of %s is connected to the bot to be told", alert.school)
        for chat in alert.chat_ids if bot is not None else ():
            try:
                await bot.send_message(chat, alert.text)  # type: ignore[union-attr]
            except Exception as error:  # one unreachable coordinator must not hide the rest
                log.error("chain alert to %s not delivered: %s", chat, error)
    return len(alerts)


def _at(hhmm: str, zone: str) -> CronTrigger:
    hour, minute = hhmm.split(":")
    return CronTrigger(hour=int(hour), minute=int(minute), timezone=zone)


def build_jobs(
    db: Database,
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    backups: BackupStore | None = None,
) -> list[Job]:
    clock = clock or SystemClock()

    async def reminders() -> RemindersSent:
        async with db.uow() as uow:
            return await run_reminders(
                uow, clock.now(), ack_after_days=settings.remind_unacknowledged_days
            )

    async def chains() -> int:
        return await check_chains(db, bot, clock)

    async def forget_updates() -> int:
        async with db.uow() as uow:
            return await handled_updates.prune(uow.session, clock.now())

    store = backups or backup_store(settings, clock)  # a process of its own: `dnevnik worker`
    return [
        Job(
            "reminders",
            reminders,
            IntervalTrigger(minutes=REMINDERS_EVERY_MINUTES),
            run_at_start=True,
        ),
        Job("audit-chains", chains, _at(CHAIN_CHECK_AT, settings.default_timezone)),
        Job("handled-updates", forget_updates, _at(BACKUP_AT, settings.default_timezone)),
        Job("backup", store.scheduled, _at(BACKUP_AT, settings.default_timezone)),
    ]


def build_scheduler(
    db: Database,
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    backups: BackupStore | None = None,
) -> Scheduler:
    return Scheduler(lock_for(db.engine), build_jobs(db, settings, bot, clock, backups))
