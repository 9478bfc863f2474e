"""Webhook deliveries in parallel (``webhook_connections``): a slow update does not hold back the
next one, and each is retried on its own until accepted."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.emulator import BotApiEmulator
from tests.emulator.test_webhook import serving


async def test_a_slow_update_does_not_hold_back_the_next_and_a_failed_one_is_retried() -> None:
    received: list[int] = []
    second_arrived = asyncio.Event()
    failed_once: set[int] = set()

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(update["update_id"])
        text = update["message"]["text"]
        if text == "медленно":
            await asyncio.wait_for(second_arrived.wait(), 5)  # only while the next one is in
        elif text == "сбой" and update["update_id"] not in failed_once:
            failed_once.add(update["update_id"])
            return web.Response(status=500)
        else:
            second_arrived.set()
        return web.json_response({})

    async with (
        BotApiEmulator(webhook_connections=4, webhook_retry_delay=0.02) as emu,
        emu.bot() as bot,
        serving(lambda app: app.router.add_post("/hook", hook)) as base,
    ):
        await bot.set_webhook(f"{base}/hook")
        user = emu.user(id=605, first_name="Ия")
        await user.send("медленно")
        await user.send("сбой")
        await user.send("быстро")
        await emu.wait_until_delivered()

    slow, flaky, fast = sorted(set(received))
    assert received.count(flaky) == 2 and received.count(slow) == received.count(fast) == 1
    assert emu.webhook is not None and emu.webhook.failures == 1
