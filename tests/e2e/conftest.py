"""End to end: the real Dispatcher and Bot, over HTTP to the Bot API emulator, on a real database
holding the tiny school."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.factory import build_bot, build_dispatcher
from core.model.identity import Actor, PersonKind, Role
from core.services import identity
from core.services.identity import Audience
from storage.uow import Database
from tests.support.clock import MovableClock
from tests.support.seeded import Seeded, seed_tiny_school

# a Wednesday of the first quarter, 10:00 in Omsk (the tiny school's default zone is Moscow)
START = dt.datetime(2026, 9, 2, 7, 0, tzinfo=dt.UTC)


@dataclass
class App:
    db: Database
    school: Seeded
    clock: MovableClock
    emu: BotApiEmulator
    bot: Bot
    dp: Dispatcher

    async def staff_code(self, last_name: str) -> str:
        async with self.db.uow() as uow:
            [issued] = await identity.issue_staff_codes_unchecked(
                uow, self.school.school_id, "cli:test", now=self.clock.now(),
                staff_ids=[self.school.staff[last_name]], include_bound=True,
            )  # fmt: skip
        return issued.code

    async def connect(self, user: EmulatedUser, code: str) -> None:
        await user.send(f"/start {code}")
        await user.wait_for_message(lambda m: "Вы подключены" in (m.text or ""))

    async def guardian_codes(self, class_name: str) -> dict[str, str]:
        """Codes for a class's guardians by full name, issued as the coordinator would."""
        coordinator = Actor(
            telegram_user_id=None, school_id=self.school.school_id, kind=PersonKind.STAFF,
            person_id=0, name="", role=Role.COORDINATOR, roles=frozenset({Role.COORDINATOR}),
        )  # fmt: skip
        async with self.db.uow() as uow:
            issued = await identity.issue_class_codes(
                uow, coordinator, self.school.classes[class_name],
                audience=Audience.GUARDIANS, now=self.clock.now(), include_bound=True,
            )  # fmt: skip
        return {i.person_name: i.code for i in issued}


@pytest.fixture
async def app(db: Database) -> AsyncIterator[App]:
    school = await seed_tiny_school(db)
    clock = MovableClock(START)
    ctx = BotContext(db=db, clock=clock)
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(ctx)
        async with emu.polling(dp, bot):
            yield App(db, school, clock, emu, bot, dp)
        await bot.session.close()
