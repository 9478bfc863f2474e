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

What is in Redis is in bot.redis_state, imported only when REDIS_URL is set (the redis client is
15 MB of the 150 a school's bot may hold).

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

import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from limits import RateLimitItem

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

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


# --- flood limits ---------------------------------------------------------------------------


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


# --- all of it --------------------------------------------------------------------------------


class SharedStateUnavailable(Exception):
    """Redis does not answer."""


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
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), url, prefix, lease)

    @property
    def shared(self) -> bool:
        return self.redis is not None

    def fsm_storage(self) -> BaseStorage:
        if self.redis is None:
            return MemoryStorage()
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage(self.redis, key_builder=self._key_builder())

    def events_isolation(self) -> BaseEventIsolation | None:
        """None: aiogram's default (no isolation), enough for one process."""
        if self.redis is None:
            return None
        from bot.redis_state import RenewedRedisEventIsolation

        return RenewedRedisEventIsolation(self.redis, self._key_builder(), self.lease)

    def _key_builder(self) -> DefaultKeyBuilder:
        return DefaultKeyBuilder(prefix=f"{self.prefix}:fsm")

    def flood_limiter(self) -> FloodLimiter:
        if not self.redis_url:
            return MemoryFloodLimiter()
        from limits.aio.storage import RedisStorage as RedisLimits
        from limits.aio.strategies import MovingWindowRateLimiter

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
        from bot.redis_state import RedisLedger

        return RedisLedger(self.redis, self.prefix, self.lease)

    def press_memory(self) -> PressMemory:
        if self.redis is None:
            return MemoryPresses(self.press_window)
        from bot.redis_state import RedisPresses

        return RedisPresses(self.redis, self.prefix, self.lease, self.press_window)

    async def ping(self) -> None:
        """Fails at start when Redis does not answer, rather than at the first update."""
        if self.redis is None:
            return
        from redis.exceptions import RedisError

        try:
            await self.redis.ping()
        except (OSError, RedisError) as error:
            raise SharedStateUnavailable(str(error)) from error

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
