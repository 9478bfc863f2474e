"""What the bot remembers between updates, in this process or shared in Redis by several instances.

One instance (REDIS_URL empty) keeps everything in memory: conversation states, flood counters,
the update ids it has seen and the presses it has handled. Several instances of `dnevnik run
--webhook` behind one address share all of it in Redis, because Telegram may deliver a user's next
update, or the same update again, to any of them:

- conversation states: aiogram's RedisStorage; updates of one chat are handled one at a time
  across instances (RedisEventIsolation, its lock renewed while the update runs, so that it may
  be short: a conversation held by an instance that died is free again after ``lease`` seconds);
- flood limits: a moving window, the `limits` library's in Redis (FloodLimiter);
- update ids (UpdateLedger) and double taps (PressMemory), below.

An update changes data once, and is not lost when an instance dies while handling it. In webhook
mode the bot answers Telegram only after the update was handled (runner.py), so an update whose
instance died is delivered again, maybe to another instance. Its id in Redis reads:

- ``busy:<token>`` while an instance handles it, for ``lease`` seconds, renewed every lease/3 s
  while that instance lives. A copy arriving meanwhile waits: either the key turns ``done``
  (the copy is dropped) or it expires because the holder died (the copy takes it and handles the
  update afresh: nothing of it was committed, see below).
- ``done`` as soon as the update's unit of work commits, not when the handler returns: an
  instance killed after the commit but before its answer reached the user leaves ``done``
  behind, and the copy changes nothing (the user may miss the answer; the data is right). Kept
  two days (Telegram keeps an undelivered update for one).
- deleted when the handler failed before committing, so that a copy may try again.

What is left: the moment between the database's commit and Redis' SET (one round trip to Redis;
an instance killed exactly there has that update handled again — closing it for good would take
the update id written in the same transaction, a table of handled updates), and handlers that
commit through a unit of work of their own rather than the update's (marked done when they
return). If Redis is away the
update is not handled: the user gets the usual error message and may try again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from limits import RateLimitItem
from limits.aio.storage import RedisStorage as RedisLimits
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger(__name__)

DONE = b"done"
KEEP_DONE_MS = 2 * 24 * 3600 * 1000  # Telegram keeps an update it could not deliver for 24 h


class Renewal:
    """Calls ``renew`` every ``every`` seconds until stopped. Stopping never waits on Redis for
    long: a renewal cut short mid-command, or one whose client swallowed the cancellation, must
    not keep a lease alive behind a finished update (everyone would wait on it forever)."""

    def __init__(self, every: float, renew: Callable[[], Awaitable[object]], what: str) -> None:
        self.every = every
        self.renew = renew
        self.what = what
        self._stopped = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"renew {what}")

    async def _run(self) -> None:
        while not self._stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.every)
            if self._stopped.is_set():
                return
            try:
                await self.renew()
            except Exception:  # Redis away for a moment: the next round tries again
                log.warning("could not renew %s", self.what, exc_info=True)

    async def stop(self) -> None:
        self._stopped.set()
        self._task.cancel()
        await asyncio.wait({self._task}, timeout=1.0)


# --- update ids -------------------------------------------------------------------------------


class Claim(Protocol):
    """An update this process handles."""

    async def committed(self) -> None:
        """Its changes are in the database: a copy must not run it again."""

    async def finished(self, ok: bool) -> None: ...


class UpdateLedger(Protocol):
    async def begin(self, update_id: int) -> Claim | None:
        """A claim to handle the update, or None when it was handled already (drop it)."""


class _NoClaim:
    async def committed(self) -> None:
        return None

    async def finished(self, ok: bool) -> None:
        return None


class FloodLimiter(Protocol):
    """What FloodMiddleware asks: may this user's next update through (and count it)?"""

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool: ...


class MemoryFloodLimiter:
    """One instance: a moving window of each user's recent updates, as ``limits`` counts them in
    Redis. Not limits' own memory store: it expires its windows through a thread per user after
    every update (with 100 teachers, 100 thread hops a tap; bench.marks)."""

    SWEEP_EVERY = 1000  # hits: then the windows of users gone quiet are dropped

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._until_sweep = self.SWEEP_EVERY

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        now = self._clock()
        start = now - item.get_expiry()
        key = item.key_for(*identifiers)
        window = self._hits.setdefault(key, deque())
        while window and window[0] <= start:
            window.popleft()
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self._sweep(now)
        if len(window) + cost > item.amount:
            return False
        window.extend([now] * cost)
        return True

    def _sweep(self, now: float) -> None:
        self._until_sweep = self.SWEEP_EVERY
        # the bot's windows are seconds long: a user quiet for an hour has nothing left in one
        for key in [k for k, w in self._hits.items() if not w or w[-1] < now - 3600]:
            del self._hits[key]


class MemoryLedger:
    """One instance: the last ``remember`` update ids, taken for good when first seen."""

    def __init__(self, remember: int = 10_000) -> None:
        self.remember = remember
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def begin(self, update_id: int) -> Claim | None:
        if update_id in self._seen:
            return None
        self._seen[update_id] = None
        if len(self._seen) > self.remember:
            self._seen.popitem(last=False)
        return _NoClaim()


# KEYS[1] the update's key; ARGV[1] our busy value, ARGV[2] the lease in ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_FORGET = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class _RedisClaim:
    def __init__(self, ledger: RedisLedger, key: str, busy: bytes) -> None:
        self.ledger = ledger
        self.key = key
        self.busy = busy
        self.done = False
        lease_ms = int(ledger.lease * 1000)
        self.renewal = Renewal(
            ledger.lease / 3,
            lambda: ledger.redis.eval(_RENEW, 1, key, busy, lease_ms),
            key,
        )

    async def committed(self) -> None:
        await self._mark_done()

    async def _mark_done(self) -> None:
        if self.done:
            return
        try:
            await self.ledger.redis.set(self.key, DONE, px=KEEP_DONE_MS)
            self.done = True
        except Exception:  # the data is saved: the answer goes on; finished() tries again
            log.warning("could not mark %s done", self.key, exc_info=True)

    async def finished(self, ok: bool) -> None:
        await self.renewal.stop()
        if ok:
            await self._mark_done()
        elif not self.done:
            with contextlib.suppress(Exception):
                await self.ledger.redis.eval(_FORGET, 1, self.key, self.busy)


class RedisLedger:
    """Several instances: update ids in Redis, claimed with a renewed lease (see the docstring
    of this module)."""

    def __init__(
        self, redis: Redis, prefix: str, lease: float, *, poll: float = 0.1, give_up: float = 600
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lease = lease
        self.poll = poll
        self.give_up = give_up  # a holder alive this long is trusted to finish on its own

    async def begin(self, update_id: int) -> Claim | None:
        key = f"{self.prefix}:update:{update_id}"
        busy = f"busy:{uuid.uuid4().hex}".encode()
        started = time.monotonic()
        waited = False
        while True:
            if await self.redis.set(key, busy, nx=True, px=int(self.lease * 1000)):
                if waited:
                    log.info("update %s taken over from an instance that stopped", update_id)
                return _RedisClaim(self, key, busy)
            value = await self.redis.get(key)
            if value == DONE:
                return None
            elapsed = time.monotonic() - started
            if value is not None and elapsed > self.give_up:
                log.warning("update %s still handled elsewhere: this copy dropped", update_id)
                return None
            if value is not None and int(elapsed / (self.lease * 3)) > int(
                (elapsed - self.poll) / (self.lease * 3)
            ):
                log.warning("update %s handled elsewhere for %.0f s", update_id, elapsed)
            waited = True
            await asyncio.sleep(self.poll)


# --- double taps ------------------------------------------------------------------------------


class PressMemory(Protocol):
    """The last press on a message (by user, chat and message id): its callback data and what
    was shown, while it is handled and for ``window`` seconds after it succeeded."""

    async def last(self, key: tuple[int, int, int]) -> tuple[str, str] | None: ...

    async def start(self, key: tuple[int, int, int], data: str, shown: str) -> object:
        """Remember a press being handled; returns a token for succeeded/failed."""

    async def succeeded(self, key: tuple[int, int, int], token: object) -> None: ...

    async def failed(self, key: tuple[int, int, int], token: object) -> None: ...


@dataclass
class _Press:
    data: str
    shown: str
    done_at: float | None  # None while the press is still being handled


@dataclass
class MemoryPresses:
    window: float = 5.0
    remember: int = 10_000
    _presses: OrderedDict[tuple[int, int, int], _Press] = field(default_factory=OrderedDict)

    async def last(self, key: tuple[int, int, int]) -> tuple[str, str] | None:
        press = self._presses.get(key)
        if press is None:
            return None
        if press.done_at is not None and time.monotonic() - press.done_at >= self.window:
            return None
        return press.data, press.shown

    async def start(self, key: tuple[int, int, int], data: str, shown: str) -> object:
        press = _Press(data, shown, None)
        self._presses[key] = press
        self._presses.move_to_end(key)
        if len(self._presses) > self.remember:
            self._presses.popitem(last=False)
        return press

    async def succeeded(self, key: tuple[int, int, int], token: object) -> None:
        assert isinstance(token, _Press)
        token.done_at = time.monotonic()

    async def failed(self, key: tuple[int, int, int], token: object) -> None:
        if self._presses.get(key) is token:
            del self._presses[key]


class RedisPresses:
    """Presses in Redis: a press being handled is kept for ``lease`` seconds (longer only if its
    instance died, and then it is free again), a press that succeeded for ``window`` seconds."""

    def __init__(self, redis: Redis, prefix: str, lease: float, window: float = 5.0) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lease = lease
        self.window = window

    def _key(self, key: tuple[int, int, int]) -> str:
        return f"{self.prefix}:press:{key[0]}:{key[1]}:{key[2]}"

    async def last(self, key: tuple[int, int, int]) -> tuple[str, str] | None:
        raw = await self.redis.get(self._key(key))
        if raw is None:
            return None
        value = json.loads(raw)
        return str(value["data"]), str(value["shown"])

    async def start(self, key: tuple[int, int, int], data: str, shown: str) -> object:
        token = uuid.uuid4().hex
        value = json.dumps({"data": data, "shown": shown, "token": token})
        await self.redis.set(self._key(key), value, px=int(self.lease * 1000))
        return value

    async def succeeded(self, key: tuple[int, int, int], token: object) -> None:
        # Only if it is still ours: a later press of another button replaced it meanwhile.
        await self.redis.eval(_RENEW, 1, self._key(key), str(token), int(self.window * 1000))

    async def failed(self, key: tuple[int, int, int], token: object) -> None:
        try:
            await self.redis.eval(_FORGET, 1, self._key(key), str(token))
        except Exception:  # the press's own failure is what the user hears of; this expires
            log.warning("could not forget a failed press", exc_info=True)


# --- conversation isolation -------------------------------------------------------------------


class RenewedRedisEventIsolation(RedisEventIsolation):
    """aiogram's lock of a chat across instances, with a short timeout renewed while the update
    runs: a long update keeps its chat, a dead instance frees it within ``lease`` seconds."""

    def __init__(self, redis: Redis, key_builder: DefaultKeyBuilder, lease: float) -> None:
        super().__init__(redis, key_builder=key_builder, lock_kwargs={"timeout": lease})
        self.lease = lease

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        redis_key = self.key_builder.build(key, "lock")
        held = self.redis.lock(name=redis_key, timeout=self.lease, sleep=0.05, lock_class=Lock)
        waited = 0.0
        while not await held.acquire(blocking_timeout=self.lease * 3):
            waited += self.lease * 3
            # a live instance is still at an update of this chat (a dead one's lock is gone by now)
            log.warning("conversation %s busy elsewhere for %.0f s", redis_key, waited)
        renewal = Renewal(self.lease / 3, held.reacquire, redis_key)
        try:
            yield None
        finally:
            await renewal.stop()
            try:
                await held.release()
            except LockError:  # expired meanwhile (this process stalled): nothing to free
                log.warning("conversation %s was no longer locked by this update", redis_key)


# --- all of it --------------------------------------------------------------------------------


@dataclass
class SharedState:
    """Built once per process from REDIS_URL (empty: memory, one instance)."""

    redis: Redis | None = None
    redis_url: str = ""
    prefix: str = "dnevnik"
    lease: float = 10.0
    press_window: float = 5.0

    @classmethod
    def from_url(cls, url: str, prefix: str = "dnevnik", lease: float = 10.0) -> SharedState:
        if not url:
            return cls(prefix=prefix, lease=lease)
        return cls(Redis.from_url(url), url, prefix, lease)

    @property
    def shared(self) -> bool:
        return self.redis is not None

    def fsm_storage(self) -> BaseStorage:
        if self.redis is None:
            return MemoryStorage()
        return RedisStorage(self.redis, key_builder=self._key_builder())

    def events_isolation(self) -> BaseEventIsolation | None:
        """None: aiogram's default (no isolation), enough for one process."""
        if self.redis is None:
            return None
        return RenewedRedisEventIsolation(self.redis, self._key_builder(), self.lease)

    def _key_builder(self) -> DefaultKeyBuilder:
        return DefaultKeyBuilder(prefix=f"{self.prefix}:fsm")

    def flood_limiter(self) -> FloodLimiter:
        if not self.redis_url:
            return MemoryFloodLimiter()
        return MovingWindowRateLimiter(
            RedisLimits(
                "async+" + self.redis_url,
                implementation="redispy",
                key_prefix=f"{self.prefix}:flood",
            )
        )

    def update_ledger(self) -> UpdateLedger:
        if self.redis is None:
            return MemoryLedger()
        return RedisLedger(self.redis, self.prefix, self.lease)

    def press_memory(self) -> PressMemory:
        if self.redis is None:
            return MemoryPresses(self.press_window)
        return RedisPresses(self.redis, self.prefix, self.lease, self.press_window)

    async def ping(self) -> None:
        """Fails at start when Redis does not answer, rather than at the first update."""
        if self.redis is not None:
            await self.redis.ping()

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
