"""What several instances share in Redis (see bot.shared_state, which imports this only when
REDIS_URL is set): update ids claimed under a renewed lease, presses, and aiogram's lock of a
conversation, renewed while its update runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

from bot.shared_state import Claim

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
