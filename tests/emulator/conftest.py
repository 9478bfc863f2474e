"""Fixtures: a started emulator and an aiogram Bot wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties

from bot.emulator import BotApiEmulator
from tests.emulator.echo_bot import build_dispatcher


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    bot = emu.bot(default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


@pytest.fixture
def seen() -> list[Any]:
    return []


@pytest.fixture
def dp(seen: list[Any]) -> Dispatcher:
    return build_dispatcher(seen)
