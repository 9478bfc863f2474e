"""aiogram's side of the wire: a session for loopback HTTP and polling that always stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession


class LoopbackSession(AiohttpSession):
    """AiohttpSession whose close() does not pause.

    aiogram sleeps 250 ms on close so that TLS connections can drain; the emulator speaks
    plain HTTP on loopback, and the pause would cost every test a quarter of a second.
    """

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@asynccontextmanager
async def polling(
    dispatcher: Dispatcher,
    bot: Bot,
    started: Awaitable[None],
    *,
    seconds: float = 5.0,
    **kwargs: Any,
) -> AsyncIterator[asyncio.Task[None]]:
    """Runs `dispatcher.start_polling(bot)` in a task for the duration of the block.

    Enters once `started` completes (the emulator saw a long poll waiting), so updates sent
    in the block meet a live poller; leaves only after polling has stopped, within `seconds`.
    The bot's session is left open: whoever made the bot closes it.
    """
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False, **kwargs)
    )
    waiter = asyncio.ensure_future(started)
    try:
        done, _ = await asyncio.wait(
            {task, waiter}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            task.result()  # start_polling failed: show why
            raise RuntimeError("polling stopped before it started")
        waiter.result()  # raises TimeoutError if the poller never came
        yield task
    finally:
        waiter.cancel()
        with suppress(asyncio.CancelledError, TimeoutError, RuntimeError):
            await waiter
        await _stop(dispatcher, task, seconds)


async def _stop(dispatcher: Dispatcher, task: asyncio.Task[None], seconds: float) -> None:
    if not task.done():
        try:
            await asyncio.wait_for(dispatcher.stop_polling(), seconds)
        except (RuntimeError, TimeoutError):
            # Not started yet (RuntimeError) or stuck in shutdown: cancel instead.
            task.cancel()
    try:
        await asyncio.wait_for(task, seconds)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # we ourselves are being cancelled, not just the polling task
