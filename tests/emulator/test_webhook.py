"""Webhook mode: updates pushed to an aiogram SimpleRequestHandler, retried until accepted."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.emulator import BotApiEmulator

SECRET = "s3cret-Token_1"


@asynccontextmanager
async def serving(setup: Callable[[web.Application], object]) -> AsyncIterator[str]:
    """An aiohttp app on another free loopback port; yields its base URL."""
    app = web.Application()
    setup(app)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.create_server(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


async def test_updates_reach_the_webhook_with_the_secret(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=601, first_name="Вера")
    handler = SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=SECRET)
    async with serving(lambda app: handler.register(app, path="/hook")) as base:
        await bot.set_webhook(f"{base}/hook", secret_token=SECRET)
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        await user.send("/start")
        reply = await user.wait_for_message()
        info = await bot.get_webhook_info()

    assert reply.button_texts == ["Да", "Нет"]
    assert info.url == f"{base}/hook" and info.pending_update_count == 0
    assert info.last_error_message is None
    assert emu.webhook is not None and emu.webhook.deliveries == 1

    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_a_wrong_secret_is_refused_and_the_update_kept(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=602, first_name="Гоша")
    handler = SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=SECRET)
    async with serving(lambda app: handler.register(app, path="/hook")) as base:
        await bot.set_webhook(f"{base}/hook", secret_token="another-secret")
        await user.send("привет")
        with pytest.raises(TimeoutError):
            await user.wait_for_message(timeout=0.3)
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"

        # Fixing the secret lets the same update through on the next retry.
        await bot.set_webhook(f"{base}/hook", secret_token=SECRET)
        echoed = await user.wait_for_message()
    assert echoed.text == "привет"


async def test_failed_deliveries_are_retried_in_order() -> None:
    async with BotApiEmulator(webhook_retry_delay=0.02) as emu, emu.bot() as bot:
        await _retried_in_order(emu, bot)


async def _retried_in_order(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(id=603, first_name="Дина")
    received: list[tuple[int, str | None]] = []

    async def flaky(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(
            (update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        if len(received) <= 2:
            return web.Response(status=500)
        return web.json_response({})

    async with serving(lambda app: app.router.add_post("/hook", flaky)) as base:
        await bot.set_webhook(f"{base}/hook", secret_token=SECRET)
        await user.send("раз")
        await user.send("два")
        await emu.wait_until_delivered()

    first, second = received[0][0], received[-1][0]
    assert [update_id for update_id, _ in received] == [first, first, first, second]
    assert {secret for _, secret in received} == {SECRET}
    assert emu.webhook is not None and emu.webhook.failures == 2
    assert emu.webhook.last_error_message == (
        "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_a_method_in_the_webhook_answer_is_executed(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(id=604, first_name="Жора")
    dp = Dispatcher()

    @dp.message(F.text)
    async def reply_in_answer(message: Message) -> SendMessage:
        return message.answer(f"Ответом на вебхук: {message.text}")

    handler = SimpleRequestHandler(dispatcher=dp, bot=bot, handle_in_background=False)
    async with serving(lambda app: handler.register(app, path="/hook")) as base:
        await bot.set_webhook(f"{base}/hook")
        await user.send("тест")
        reply = await user.wait_for_message()

    assert reply.text == "Ответом на вебхук: тест"
    assert emu.stats.count("sendMessage", 200) == 1
