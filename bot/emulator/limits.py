"""Flood limits and injected faults: the ways a real Bot API refuses or stalls a call.

The notifications channel must honour 429 retry_after, stop writing to a chat that answered 403
and survive a 500 or a hung request; these let tests provoke each case on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.emulator.errors import ApiError, too_many_requests


@dataclass(frozen=True)
class FloodLimits:
    """Messages per second that Telegram tolerates; None switches a limit off."""

    overall_per_second: int | None = 30
    per_chat_per_second: int | None = 1


class FloodGate:
    """Sliding one-second windows of accepted sends, overall and per chat."""

    def __init__(self, limits: FloodLimits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._now = now
        self._overall: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}
        self.rejections = 0

    def admit(self, chat_id: int | None) -> None:
        """Counts one send, or raises 429 with the whole seconds until a slot frees up."""
        now = self._now()
        windows: list[tuple[deque[float], int]] = []
        if self.limits.overall_per_second is not None:
            windows.append((self._overall, self.limits.overall_per_second))
        if self.limits.per_chat_per_second is not None and chat_id is not None:
            chat_window = self._per_chat.setdefault(chat_id, deque())
            windows.append((chat_window, self.limits.per_chat_per_second))
        wait = 0.0
        for window, limit in windows:
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                wait = max(wait, window[0] + 1.0 - now)
        if wait > 0:
            self.rejections += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for window, _ in windows:
            window.append(now)


@dataclass(frozen=True)
class Fault:
    """What an injected fault does to a call: delay it, then fail it (or let it through)."""

    status: int | None = 500
    description: str = "Internal Server Error"
    delay: float = 0.0
    retry_after: int | None = None

    @classmethod
    def blocked(cls) -> Fault:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def server_error(cls) -> Fault:
        return cls(500, "Internal Server Error")

    @classmethod
    def flood(cls, retry_after: int = 1) -> Fault:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """No answer for `seconds`, then the call goes through if the client still waits.

        The server cancels a handler whose client hung up, so a client that timed out
        leaves no message behind, like a request lost on the way to Telegram.
        """
        return cls(status=None, description="", delay=seconds)

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        return ApiError(self.status, self.description, retry_after=self.retry_after)


@dataclass
class _Armed:
    method: str
    fault: Fault
    remaining: int | None
    chat_id: int | None


class FaultBook:
    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self.fired = 0

    def add(self, method: str, fault: Fault, times: int | None, chat_id: int | None) -> None:
        self._armed.append(_Armed(method.lower(), fault, times, chat_id))

    def clear(self) -> None:
        self._armed.clear()

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        for armed in self._armed:
            if armed.method != method.lower():
                continue
            if armed.chat_id is not None and armed.chat_id != chat_id:
                continue
            if armed.remaining is not None:
                armed.remaining -= 1
                if armed.remaining <= 0:
                    self._armed.remove(armed)
            self.fired += 1
            return armed.fault
        return None


async def apply_fault(fault: Fault, closing: asyncio.Event) -> None:
    if fault.delay > 0:
        # Bounded by the fault's delay; the emulator shutting down ends it early.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), fault.delay)
    error = fault.error()
    if error is not None:
        raise error
