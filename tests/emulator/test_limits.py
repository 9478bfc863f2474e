"""Flood limits and injected faults, as the aiogram client sees them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.emulator import BotApiEmulator, Fault, FloodLimits


@pytest.fixture
async def limited() -> AsyncIterator[BotApiEmulator]:
    limits = FloodLimits(overall_per_second=3, per_chat_per_second=1)
    async with BotApiEmulator(flood_limits=limits) as emulator:
        yield emulator


async def test_a_second_message_to_a_chat_within_a_second_gets_429(limited: BotApiEmulator) -> None:
    user = limited.user(id=701, first_name="Аня", started=True)
    async with limited.bot() as bot:
        await bot.send_message(user.id, "первое")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(user.id, "второе")

    assert caught.value.retry_after == 1
    assert limited.flood_rejections == 1
    assert [m.text for m in user.messages] == ["первое"]
    refused = limited.stats.calls[-1]
    assert (refused.method, refused.status) == ("sendMessage", 429)
    assert refused.description == "Too Many Requests: retry after 1"


async def test_the_overall_limit_spans_chats(limited: BotApiEmulator) -> None:
    users = [limited.user(id=710 + i, first_name=f"У{i}", started=True) for i in range(4)]
    async with limited.bot() as bot:
        for user in users[:3]:
            await bot.send_message(user.id, "уведомление")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(users[3].id, "уведомление")
    assert limited.flood_rejections == 1


async def test_injected_faults_fire_the_given_number_of_times(
    emu: BotApiEmulator, bot: Bot
) -> None:
    user = emu.user(id=720, first_name="Боря", started=True)
    emu.inject_fault("sendMessage", Fault.blocked(), times=2)
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(user.id, "отметка")
    await bot.send_message(user.id, "отметка")

    emu.inject_fault("sendMessage", Fault.server_error(), chat_id=999)
    await bot.send_message(user.id, "другой чат не задет")
    emu.inject_fault("SENDMESSAGE", Fault.server_error())
    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "сбой")
    emu.inject_fault("sendMessage", Fault.flood(retry_after=7))
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "флуд")

    assert caught.value.retry_after == 7
    assert [m.text for m in user.messages] == ["отметка", "другой чат не задет"]
    assert emu.stats.by_status[403] == 2


async def test_a_hung_call_times_out_and_leaves_no_message(emu: BotApiEmulator) -> None:
    user = emu.user(id=721, first_name="Кира", started=True)
    emu.inject_fault("sendMessage", Fault.hang(0.3))
    async with Bot(emu.token, session=emu.session(timeout=0.1)) as bot:
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await bot.send_message(user.id, "завис")
        # Past the hang: the abandoned call was dropped, not delivered late.
        await asyncio.sleep(0.3)
        assert user.messages == []
        await bot.send_message(user.id, "прошло")
    assert [m.text for m in user.messages] == ["прошло"]


async def test_blocking_users_and_strangers_are_refused(emu: BotApiEmulator, bot: Bot) -> None:
    stranger = emu.user(id=730, first_name="Незнакомец")  # never wrote to the bot
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "здравствуйте")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(123, "никому")

    user = emu.user(id=731, first_name="Рита")
    await user.send("/start")
    await user.block()
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(user.id, "отметка")
    updates = await bot.get_updates()
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    await user.unblock()
    await bot.send_message(user.id, "снова можно")
