"""What several bot instances share in Redis (bot/shared_state.py): an update is handled by one of
them, a copy waits for it and is dropped once it committed, an update whose instance died is
taken over after the lease, a failed one may be tried again; a conversation's lock outlives its
lease while the update runs and frees itself when the instance is gone; presses and flood
counters seen by every instance."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from limits import RateLimitItemPerSecond
from redis.asyncio import Redis

from bot.redis_state import RedisLedger, RedisPresses, RenewedRedisEventIsolation
from bot.shared_state import MemoryLedger, SharedState

REDIS_URL = "redis://127.0.0.1:6379/0"
LEASE = 0.6


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="needs Redis at 127.0.0.1:6379")


@pytest.fixture
async def shared() -> AsyncIterator[SharedState]:
    """A deployment of its own in the shared Redis: keys under a fresh prefix, removed after."""
    state = SharedState.from_url(REDIS_URL, f"h7unit-{uuid.uuid4().hex[:8]}", LEASE)
    yield state
    redis = Redis.from_url(REDIS_URL)
    async for key in redis.scan_iter(match=f"{state.prefix}:*"):
        await redis.delete(key)
    await redis.aclose()
    await state.close()


@pytest.fixture
async def ledgers(shared: SharedState) -> AsyncIterator[tuple[RedisLedger, RedisLedger]]:
    """Two processes' ledgers: separate clients, the same Redis and prefix."""
    pair = (
        RedisLedger(Redis.from_url(REDIS_URL), shared.prefix, LEASE, poll=0.02),
        RedisLedger(Redis.from_url(REDIS_URL), shared.prefix, LEASE, poll=0.02),
    )
    yield pair
    for ledger in pair:
        await ledger.redis.aclose()


async def test_a_copy_waits_for_the_first_and_is_dropped_once_it_committed(
    ledgers: tuple[RedisLedger, RedisLedger],
) -> None:
    first, second = ledgers
    claim = await first.begin(1)
    assert claim is not None
    copy = asyncio.create_task(second.begin(1))
    await asyncio.sleep(LEASE * 2)  # longer than a lease: the first one's is renewed meanwhile
    assert not copy.done()
    await claim.committed()
    assert await asyncio.wait_for(copy, 1) is None
    await claim.finished(ok=True)
    assert await second.begin(1) is None  # and later copies too


async def test_an_update_whose_instance_died_is_taken_over_after_the_lease(
    ledgers: tuple[RedisLedger, RedisLedger],
) -> None:
    first, second = ledgers
    claim = await first.begin(2)
    assert claim is not None
    await claim.renewal.stop()  # type: ignore[attr-defined]  # the instance is gone
    loop = asyncio.get_running_loop()
    started = loop.time()
    taken = await asyncio.wait_for(second.begin(2), LEASE * 4)
    assert taken is not None
    assert LEASE * 0.5 < loop.time() - started < LEASE * 3


async def test_a_failed_update_may_be_tried_again_but_not_one_that_committed(
    ledgers: tuple[RedisLedger, RedisLedger],
) -> None:
    first, second = ledgers
    claim = await first.begin(3)
    assert claim is not None
    await claim.finished(ok=False)
    again = await asyncio.wait_for(second.begin(3), 1)
    assert again is not None
    await again.committed()
    await again.finished(ok=False)  # failed after its commit: the data is in, it stays done
    assert await first.begin(3) is None


async def test_one_instance_remembers_in_memory() -> None:
    ledger = MemoryLedger(remember=2)
    assert await ledger.begin(1) is not None
    assert await ledger.begin(1) is None
    await ledger.begin(2)
    await ledger.begin(3)
    assert await ledger.begin(1) is not None  # bounded: the oldest forgotten


async def test_a_conversation_lock_is_renewed_while_held_and_freed_when_its_holder_died(
    shared: SharedState,
) -> None:
    assert shared.redis is not None
    builder = DefaultKeyBuilder(prefix=f"{shared.prefix}:fsm")
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    holder = RenewedRedisEventIsolation(shared.redis, builder, LEASE)
    other = RenewedRedisEventIsolation(shared.redis, builder, LEASE)
    order: list[str] = []

    async def second() -> None:
        async with other.lock(key):
            order.append("second")

    async with holder.lock(key):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(LEASE * 2)
        assert order == []  # held past its timeout: renewed
        order.append("first")
    await asyncio.wait_for(waiting, 2)
    assert order == ["first", "second"]

    dead = Redis.from_url(REDIS_URL)
    lock = dead.lock(builder.build(key, "lock"), timeout=LEASE)
    assert await lock.acquire()
    await dead.aclose()  # died holding it, nothing renews it
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with other.lock(key):
        assert loop.time() - started < LEASE * 3


async def test_presses_and_flood_counts_are_seen_by_every_instance(shared: SharedState) -> None:
    assert shared.redis is not None
    one = RedisPresses(shared.redis, shared.prefix, LEASE, window=LEASE)
    two = RedisPresses(shared.redis, shared.prefix, LEASE, window=LEASE)
    key = (7, 7, 100)
    token = await one.start(key, "mk:5", "shown")
    assert await two.last(key) == ("mk:5", "shown")  # still handled elsewhere
    await one.succeeded(key, token)
    assert await two.last(key) == ("mk:5", "shown")  # just done: a repeat is a double tap
    await asyncio.sleep(LEASE * 1.5)
    assert await two.last(key) is None  # the window passed
    token = await one.start(key, "mk:4", "shown")
    await one.failed(key, token)
    assert await two.last(key) is None  # a failed press may be repeated at once

    limit = RateLimitItemPerSecond(3, 10)
    first, second = shared.flood_limiter(), shared.flood_limiter()
    hits = [await (first if n % 2 else second).hit(limit, "updates", "42") for n in range(4)]
    assert hits == [True, True, True, False]
