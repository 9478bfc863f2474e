"""`dnevnik run`: the bot in long polling or webhook mode, stopped gracefully.

On SIGTERM or Ctrl+C the bot stops taking updates, lets the ones in progress finish (at most
SHUTDOWN_TIMEOUT seconds), then closes the database. The notices worker (NOTICES_IN_BOT) and the
scheduled jobs (SCHEDULER) run in the same process unless switched off.

Several instances (a region): each runs `dnevnik run --webhook` on PostgreSQL with the same
REDIS_URL, behind one address. Conversations, flood limits and handled updates are shared in
Redis (bot/shared_state.py); the notices workers claim with SKIP LOCKED; one process at a time
runs the scheduled jobs. In webhook mode an update is acknowledged to Telegram only once it was
handled, so an instance that dies mid-update loses nothing: Telegram delivers the update again
(to another instance behind the address) and the shared ledger of update ids keeps it from
changing data twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import secrets
import signal
from collections.abc import Coroutine
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from app.bootstrap import backup_store, open_database
from app.settings import Settings
from bot.context import BotContext
from bot.factory import build_bot, build_dispatcher
from bot.middlewares import InFlightMiddleware
from bot.replies import set_commands
from bot.shared_state import SharedState, SharedStateUnavailable
from core.ports import Clock

log = logging.getLogger("dnevnik.run")
WEBHOOK_PATH = "/telegram/webhook"


class RedisUnavailable(Exception):
    """REDIS_URL is set but Redis does not answer at start: said at once, not at the first
    update (the command turns it into a Russian message)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url, self.reason = url, reason


async def run(settings: Settings, *, webhook: bool, clock: Clock | None = None) -> None:
    """``clock``: the system's unless a test gives its own (the same one for every part)."""
    shared = SharedState.from_url(
        settings.redis_url, settings.redis_prefix, settings.instance_lease_seconds
    )
    try:
        await shared.ping()
    except SharedStateUnavailable as error:
        raise RedisUnavailable(settings.redis_url, str(error)) from error
    if shared.shared and not webhook:
        log.warning("REDIS_URL is set, but only one instance may poll: run several with --webhook")
    db = await open_database(settings)
    if clock is not None:
        db.clock = clock
    ctx = BotContext(db=db, clock=db.clock, code_ttl=dt.timedelta(days=settings.code_ttl_days))
    dp = build_dispatcher(ctx, shared)
    bot = build_bot(settings.bot_token, settings.telegram_api_url)
    in_flight: InFlightMiddleware = dp["in_flight"]
    backups = backup_store(settings, clock)
    dp["backups"] = backups  # the coordinator's «Резервные копии»
    keep_startup_out_of_collections()

    async def on_startup(bot: Bot) -> None:
        me = await bot.me()
        log.info("bot @%s started (%s mode)", me.username, "webhook" if webhook else "polling")
        await set_commands(bot, None, None)

    stop_worker = asyncio.Event()
    worker: asyncio.Task[object] | None = None
    if settings.notices_in_bot:
        from notifications.worker import run_worker

        worker = asyncio.create_task(
            run_worker(db, bot, stop=stop_worker, rate=settings.notice_rate, clock=clock),
            name="notices",
        )

    scheduler: asyncio.Task[object] | None = None
    if settings.scheduler:
        from app.scheduled_jobs import build_scheduler

        scheduler = asyncio.create_task(
            build_scheduler(db, settings, bot, clock, backups=backups).run(stop_worker),
            name="scheduler",
        )

    async def on_shutdown() -> None:
        stop_worker.set()
        if worker is not None:
            await _bounded(worker, settings.shutdown_timeout)
        if scheduler is not None:
            await _bounded(scheduler, settings.shutdown_timeout)
        cut = await in_flight.drain(settings.shutdown_timeout)
        if cut:
            log.warning(
                "%d updates were still running after %.0f s", cut, settings.shutdown_timeout
            )
        await db.dispose()
        await shared.close()
        log.info("database closed")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    try:
        if webhook:
            await _webhook(dp, bot, settings)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        await bot.session.close()
    log.info("bot stopped")


async def _bounded(task: asyncio.Task[object], seconds: float) -> None:
    """Let a task finish its round; cancel it past ``seconds`` (its leases then expire)."""
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=seconds)
    except TimeoutError:
        log.warning("the %s task did not stop in %.0f s: cancelled", task.get_name(), seconds)
        task.cancel()
    except Exception:  # the task's own failure is logged, the stop goes on
        log.exception("the %s task failed", task.get_name())


def keep_startup_out_of_collections() -> None:
    """What is loaded at start (the libraries' classes, aiogram's models, the routers) lives as
    long as the process. Moved out of the garbage collector's sight, a full collection no longer
    walks it: that took 140–180 ms, with every update waiting (100 teachers: p99 of a mark from
    230 ms; bench.marks)."""
    gc.collect()
    gc.freeze()


async def run_worker_only(settings: Settings) -> None:
    """`dnevnik worker`: notices only, as a process of its own (several may run on PostgreSQL)."""
    from notifications.worker import run_worker

    db = await open_database(settings)
    bot = build_bot(settings.bot_token, settings.telegram_api_url)
    keep_startup_out_of_collections()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("notices worker started (%.0f messages/s at most)", settings.notice_rate)
    tasks: list[Coroutine[Any, Any, object]] = [
        run_worker(db, bot, stop=stop, rate=settings.notice_rate)
    ]
    if settings.scheduler:
        from app.scheduled_jobs import build_scheduler

        tasks.append(build_scheduler(db, settings, bot).run(stop))
    try:
        await asyncio.gather(*tasks)
    finally:
        await bot.session.close()
        await db.dispose()
    log.info("notices worker stopped")


async def _webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    if not settings.webhook_secret:
        log.warning("WEBHOOK_SECRET is empty: a random one is used for this run only")
    app = web.Application()
    # Answered once handled, not at once: an update whose instance dies on the way is not
    # acknowledged, and Telegram delivers it again (behind a shared address: to another instance).
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False
    ).register(app, path=WEBHOOK_PATH)
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen_host, settings.webhook_listen_port)
    await site.start()
    url = settings.webhook_url.rstrip("/") + WEBHOOK_PATH
    await bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
    log.info(
        "webhook %s, listening on %s:%s",
        url,
        settings.webhook_listen_host,
        settings.webhook_listen_port,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping: no new updates are taken")
    await site.stop()  # refuse new connections; Telegram retries them on another instance
    await runner.cleanup()  # runs the dispatcher's shutdown: in-flight updates finish first
