"""The notifications worker: outbox events → notices (fan-out) → Telegram, under its limits.

Each round (``work_once``): notices left "sending" by a dead worker become "uncertain"; pending
events are fanned out; due notices are claimed (a lease) and sent, interleaved across chats so
that a chat waiting for its one-second gap does not hold up the others. ``run_worker`` repeats
rounds until ``stop`` is set, then finishes the requests in flight and hands back the claims it
did not use. Start it beside the bot in `dnevnik run`::

    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(db, bot, stop=stop, rate=settings.notice_rate))
    ...  # polling or the webhook
    stop.set(); await task
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot

from core.model.notices import NoticeStatus
from core.ports import Clock
from core.rules.notices import NoticeRules
from core.services import notices
from core.services.notice_delivery import Outcome, finish_sending, give_up, start_sending
from notifications import texts
from notifications.channel import Channel, TelegramChannel
from notifications.limiter import SendLimiter
from storage import notice_queue as queue
from storage.notice_queue import Claimed, SqlNoticeStore
from storage.uow import Database

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


@dataclass(frozen=True)
class WorkerConfig:
    rate: float = 25.0  # messages per second, overall, for this process
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    batch: int = 100  # notices claimed at once (≈ 4 s of sending at 25/s)
    events_batch: int = 50  # outbox events fanned out in one transaction
    fan_out_batches: int = 10  # transactions of fan-out per round, so sending is never starved
    concurrency: int = 8  # requests in flight at once
    lease: float = 120.0  # seconds a claimed notice stays this worker's
    request_timeout: float = 10.0  # no answer by then: the notice is uncertain
    poll_interval: float = 0.5  # seconds between rounds when there was nothing to do
    give_up_after: int = 3  # failures of one event's fan-out (or notice's) before set aside
    recover_every: float = 30.0  # seconds between looks for notices a dead worker left sending
    offline_pause: float = 5.0  # Telegram unreachable: first pause, doubled up to the cap
    offline_pause_cap: float = 60.0
    rules: NoticeRules = field(default_factory=NoticeRules)
    worker_id: str = field(default_factory=default_worker_id)


@dataclass
class WorkReport:
    events: int = 0
    created: int = 0
    merged: int = 0
    recovered: int = 0  # left "sending" by a stopped worker, now uncertain
    floods: int = 0  # 429s met
    outcomes: Counter[str] = field(default_factory=Counter)  # final status → count

    def add(self, other: WorkReport) -> None:
        self.events += other.events
        self.created += other.created
        self.merged += other.merged
        self.recovered += other.recovered
        self.floods += other.floods
        self.outcomes.update(other.outcomes)

    @property
    def busy(self) -> bool:
        return bool(self.events or self.outcomes or self.floods)


class Worker:
    def __init__(
        self, db: Database, channel: Channel, *, config: WorkerConfig, clock: Clock | None = None
    ) -> None:
        self.db = db
        self.channel = channel
        self.config = config
        self.clock = clock or db.clock
        self.limiter = SendLimiter(config.rate, config.per_chat_interval)
        self._event_failures: Counter[int] = Counter()
        self._notice_failures: Counter[int] = Counter()
        self._recovered_at: float | None = None
        self._offline_since: float | None = None  # monotonic, while Telegram is unreachable
        self._offline_pause = 0.0

    @property
    def worker_id(self) -> str:
        return self.config.worker_id

    def _later(self, seconds: float) -> dt.datetime:
        return self.clock.now() + dt.timedelta(seconds=seconds)

    async def work_once(self, stop: asyncio.Event | None = None) -> WorkReport:
        stop = stop or asyncio.Event()
        report = WorkReport()
        moment = time.monotonic()
        if self._recovered_at is None or moment - self._recovered_at >= self.config.recover_every:
            async with self.db.uow(self.clock) as uow:
                report.recovered = await queue.recover_stale(uow, self.clock.now())
            self._recovered_at = moment
        await self._fan_out(report)
        async with self.db.uow(self.clock) as uow:
            claims = await queue.claim_due(
                uow,
                now=self.clock.now(),
                worker=self.worker_id,
                until=self._later(self.config.lease),
                limit=self.config.batch,
            )
        if claims:
            await self._dispatch(claims, stop, report)
        return report

    # --- fan-out ----------------------------------------------------------------------------

    async def _fan_out(self, report: WorkReport) -> None:
        for _ in range(self.config.fan_out_batches):
            try:
                async with self.db.uow(self.clock) as uow:
                    done = await notices.fan_out(
                        uow,
                        SqlNoticeStore(uow),
                        self.clock.now(),
                        worker=self.worker_id,
                        rules_=self.config.rules,
                        limit=self.config.events_batch,
                    )
            except notices.EventFailed as failed:
                await self._event_failed(failed)
                continue
            report.events += done.events
            report.created += done.created
            report.merged += done.merged
            if done.events < self.config.events_batch:
                return

    async def _event_failed(self, failed: notices.EventFailed) -> None:
        event_id = failed.event_id
        self._event_failures[event_id] += 1
        log.warning("fan-out of event %s failed", event_id, exc_info=failed.__cause__)
        if self._event_failures[event_id] >= self.config.give_up_after:
            error = repr(failed.__cause__)
            async with self.db.uow(self.clock) as uow:
                await notices.give_up_event(uow, event_id, self.clock.now(), error)
            log.error("event %s set aside after %d failures", event_id, self.config.give_up_after)
            del self._event_failures[event_id]
        else:
            await asyncio.sleep(0.1 * self._event_failures[event_id])

    # --- delivery ---------------------------------------------------------------------------

    async def _dispatch(
        self, claims: list[Claimed], stop: asyncio.Event, report: WorkReport
    ) -> None:
        """Send the claimed notices: the next one always goes to a chat that is free now."""
        chats: dict[int, deque[Claimed]] = {}
        for claim in claims:  # in claim order: urgent first, then by due time
            chats.setdefault(claim.chat_id, deque()).append(claim)
        in_flight: set[asyncio.Task[None]] = set()
        try:
            await self._send_all(chats, in_flight, stop, report)
        except asyncio.CancelledError:
            for task in in_flight:  # killed: nothing of ours goes on in the background
                task.cancel()
            raise
        left = [c.notice_id for queued in chats.values() for c in queued]
        if left:
            async with self.db.uow(self.clock) as uow:
                await queue.release(uow, left, self.worker_id)

    async def _send_all(
        self,
        chats: dict[int, deque[Claimed]],
        in_flight: set[asyncio.Task[None]],
        stop: asyncio.Event,
        report: WorkReport,
    ) -> None:
        changed = asyncio.Event()
        while (chats or in_flight) and not stop.is_set():
            changed.clear()  # before looking: a delivery ending from here on wakes the wait
            ready = next((c for c in chats if self.limiter.chat_wait(c) <= 0), None)
            if ready is None or len(in_flight) >= self.config.concurrency:
                waits = [self.limiter.chat_wait(c) for c in chats] if ready is None else []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), min([*waits, 0.5]))
                continue
            if not await self.limiter.slot(stop):
                break
            if self.limiter.chat_wait(ready) > 0:  # cannot happen (only we send), but be safe
                continue
            claim = chats[ready].popleft()
            if not chats[ready]:
                del chats[ready]
            self.limiter.begin(ready)
            task = asyncio.create_task(self._deliver(claim, chats, report))
            in_flight.add(task)

            def done(finished: asyncio.Task[None]) -> None:
                in_flight.discard(finished)
                changed.set()

            task.add_done_callback(done)
        if in_flight:  # stopping: the requests already out are answered and recorded
            await asyncio.gather(*list(in_flight), return_exceptions=True)

    async def _deliver(
        self, claim: Claimed, chats: dict[int, deque[Claimed]], report: WorkReport
    ) -> None:
        sent = prepared = False
        try:
            async with self.db.uow(self.clock) as uow:
                outgoing = await start_sending(
                    uow,
                    SqlNoticeStore(uow),
                    claim.notice_id,
                    worker=self.worker_id,
                    now=self.clock.now(),
                    until=self._later(self.config.request_timeout + 30.0),
                    render=texts.render,
                )
            prepared = True
            if outgoing is None:
                report.outcomes["skipped"] += 1
                return
            result = await self.channel.send(
                outgoing.chat_id, outgoing.text, outgoing.notice_id, reply=outgoing.reply
            )
            sent = True
            async with self.db.uow(self.clock) as uow:
                status = await finish_sending(
                    uow,
                    claim.notice_id,
                    result,
                    self.clock.now(),
                    rules_=self.config.rules,
                    lease_until=self._later(self.config.lease),
                )
            if result.outcome is Outcome.FLOOD:
                report.floods += 1
                self.limiter.pause(result.retry_after or 1.0)
                log.info("429: all sending paused for %.0f s", result.retry_after or 1.0)
                # the same notice goes again first once the pause is over
                chats.setdefault(claim.chat_id, deque()).appendleft(claim)
                return
            if result.outcome is Outcome.OFFLINE:
                self._went_offline(result.error)
                chats.setdefault(claim.chat_id, deque()).appendleft(claim)
                return
            if self._offline_since is not None:
                log.warning(
                    "Telegram is reachable again after %.0f s: sending resumed",
                    time.monotonic() - self._offline_since,
                )
                self._offline_since, self._offline_pause = None, 0.0
            report.outcomes[status.value if status else "?"] += 1
            if status is NoticeStatus.UNREACHABLE:
                log.info("chat %s is unreachable: %s", claim.chat_id, result.error)
        except Exception as error:
            # the claim's lease (or recovery of a "sending" row) settles it later
            log.exception("delivering notice %s failed", claim.notice_id)
            report.outcomes["error"] += 1
            if not prepared:
                await self._notice_failed(claim.notice_id, error)
        finally:
            self.limiter.end(claim.chat_id, sent=sent)

    def _went_offline(self, error: str | None) -> None:
        """Telegram cannot be reached: everything waits, longer each time, and nothing is lost
        or counted against the notices; the first successful send says so in the log."""
        cap = self.config.offline_pause_cap
        self._offline_pause = min(cap, max(self.config.offline_pause, 2 * self._offline_pause))
        if self._offline_since is None:
            self._offline_since = time.monotonic()
        self.limiter.pause(self._offline_pause)
        log.warning(
            "Telegram unreachable (%s): sending paused for %.0f s, notices wait (offline for "
            "%.0f s)",
            error,
            self._offline_pause,
            time.monotonic() - self._offline_since,
        )

    async def _notice_failed(self, notice_id: int, error: Exception) -> None:
        self._notice_failures[notice_id] += 1
        if self._notice_failures[notice_id] < self.config.give_up_after:
            return
        del self._notice_failures[notice_id]
        with contextlib.suppress(Exception):  # the database itself may be what fails
            async with self.db.uow(self.clock) as uow:
                if await give_up(uow, notice_id, repr(error)):
                    log.error("notice %s failed for good: %r", notice_id, error)

    # --- the loop ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> WorkReport:
        total = WorkReport()
        log.info("notifications worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                report = await self.work_once(stop)
            except Exception:
                log.exception("notifications round failed; trying again")
                report = WorkReport()
            total.add(report)
            if not report.busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.config.poll_interval)
        log.info("notifications worker %s stopped: %s", self.worker_id, dict(total.outcomes))
        return total


async def work_once(
    db: Database,
    channel: Channel,
    *,
    config: WorkerConfig | None = None,
    clock: Clock | None = None,
) -> WorkReport:
    """One round with a fresh worker (tests): fan out, then send what is due."""
    return await Worker(db, channel, config=config or WorkerConfig(), clock=clock).work_once()


async def run_worker(
    db: Database,
    bot: Bot,
    *,
    stop: asyncio.Event,
    rate: float = 25.0,
    clock: Clock | None = None,
    **options: Any,
) -> WorkReport:
    """Deliver notices through ``bot`` until ``stop`` is set; returns what it did. ``options``:
    the other fields of WorkerConfig (per_chat_interval, lease, rules, worker_id, ...)."""
    config = WorkerConfig(rate=rate, **options)
    channel = TelegramChannel(bot, timeout=config.request_timeout)
    return await Worker(db, channel, config=config, clock=clock).run(stop)
