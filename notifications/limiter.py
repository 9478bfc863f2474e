"""Pacing one worker's sends under Telegram's limits: an overall rate (default 25 messages/s, below
Telegram's ≈30), at least ``per_chat_interval`` between two messages to one chat, and a pause of
everything when Telegram answers 429.

The gap to a chat is counted from the END of the previous request to it: the server saw that
message before the answer left, so the next one reaches it at least the interval later whatever
the network's jitter. The rate is per process: several workers share Telegram's limit, so give
each its share."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable


class SendLimiter:
    def __init__(
        self,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_free: dict[int, float] = {}  # chat → when it may get its next message
        self._busy: set[int] = set()  # chats with a request in flight
        self.pauses = 0

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until the chat may get a message (infinite while one is on its way)."""
        if chat_id in self._busy:
            return math.inf
        return max(0.0, self._chat_free.get(chat_id, 0.0) - self._clock())

    def pause(self, seconds: float) -> None:
        """A 429: nobody is sent anything until ``retry_after`` has passed."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self.pauses += 1

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    async def slot(self, stop: asyncio.Event | None = None) -> bool:
        """Wait for the next overall slot (and the end of a pause); False if stopped meanwhile."""
        while True:
            now = self._clock()
            wait = max(self._paused_until, self._next_slot) - now
            if wait <= 0:
                break
            if stop is None:
                await asyncio.sleep(wait)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                if stop.is_set():
                    return False
        # a wake-up a little late keeps the planned cadence (sleeps overshoot by a millisecond
        # or two, which would otherwise add up); after idling no credit is saved up
        late = now - self._next_slot
        self._next_slot = (self._next_slot if late < self.interval else now) + self.interval
        return True

    def begin(self, chat_id: int) -> None:
        self._busy.add(chat_id)

    def end(self, chat_id: int, *, sent: bool = True) -> None:
        self._busy.discard(chat_id)
        now = self._clock()
        if sent:
            self._chat_free[chat_id] = now + self.per_chat_interval
        if len(self._chat_free) > 10_000:  # forget chats whose gap is long over
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}
