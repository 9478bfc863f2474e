"""The database busy: another connection holds SQLite's write lock longer than the busy timeout
(a backup, a long import, a stuck console). The teacher's «5» is refused in Russian with «repeat»,
a clear line is logged, nothing of it is written, and once the lock is gone the same press works,
without a restart. On PostgreSQL a held row lock makes the press wait instead, and it completes."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.factory import build_bot, build_dispatcher
from bot.texts import common as txt
from core.model.audit import AuditEntry
from core.model.journal import Mark
from core.services import identity
from storage import db as storage_db
from storage.db import create_engine, is_sqlite
from storage.uow import Database
from tests.support.clock import MovableClock
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY_LESSON_1 = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow
BUSY_TIMEOUT_MS = 300


@dataclass
class Busy:
    url: str
    db: Database
    school: Seeded
    emu: BotApiEmulator
    bot: Bot
    dp: Dispatcher


@pytest.fixture
async def busy(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Busy]:
    # a short busy timeout, so that the test need not hold the lock for the real 10 s
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
    db = Database(create_engine(database_url))
    school = await seed_tiny_school(db)
    ctx = BotContext(db=db, clock=MovableClock(MONDAY_LESSON_1))
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(ctx)
        async with emu.polling(dp, bot):
            yield Busy(database_url, db, school, emu, bot, dp)
        await bot.session.close()
    await db.dispose()


async def values_of_alekseev(app: Busy) -> tuple[EmulatedUser, ChatMessage]:
    """Кузнецова in Monday's first lesson of 5А, the values for Алексеев on the screen."""
    async with app.db.uow() as uow:
        [issued] = await identity.issue_staff_codes_unchecked(
            uow, app.school.school_id, "cli:test", now=MONDAY_LESSON_1,
            staff_ids=[app.school.staff["Кузнецова"]], include_bound=True,
        )  # fmt: skip
    user = app.emu.user(id=1000, first_name="Анна")
    await user.send(f"/start {issued.code}")
    await user.wait_for_message(lambda m: "Вы подключены" in (m.text or ""))
    await user.wait_for_message()  # the menu
    await user.send("/lessons")
    listing = await user.wait_for_message()
    await user.press(listing, next(t for t in listing.button_texts if "5А · Математика" in t))
    card = await user.wait_for_message()
    await user.press(card, "✏️ Отметки")
    types = await user.wait_for_message()
    await user.press(types, "Ответ на уроке")
    screen = await user.wait_for_message()
    await user.press(screen, next(t for t in screen.button_texts if "Алексеев" in t))
    return user, await user.wait_for_message()


async def marks_and_audit(app: Busy) -> tuple[list[str], int]:
    async with app.db.uow() as uow:
        marks = [m.value for m in await uow.repo(Mark).find()]
        return marks, len(await uow.repo(AuditEntry).find())


async def test_a_locked_database_asks_to_repeat_loses_nothing_and_recovers(
    busy: Busy, caplog: pytest.LogCaptureFixture
) -> None:
    if not is_sqlite(busy.url):
        pytest.skip("SQLite's write lock; PostgreSQL waits on row locks (the test below)")
    user, values = await values_of_alekseev(busy)
    _, audit_before = await marks_and_audit(busy)
    path = make_url(busy.url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)  # another process's connection
    try:
        holder.execute("BEGIN IMMEDIATE")  # holds the write lock, past the busy timeout
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            query = await user.press(values, "5")
            answer = await user.wait_for_answer(query, timeout=10)
        assert answer.text == txt.BUSY and answer.show_alert
        assert "повторите" in txt.BUSY.lower()
        busy_lines = [r for r in caplog.records if "database busy or locked" in r.getMessage()]
        assert len(busy_lines) == 1 and busy_lines[0].levelno == logging.WARNING
        assert "database is locked" in busy_lines[0].getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not a crash
        # nothing half-written, seen from the connection that holds the lock
        assert holder.execute("SELECT count(*) FROM marks").fetchone() == (0,)
        assert holder.execute("SELECT count(*) FROM audit_entries").fetchone() == (audit_before,)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    # the lock is gone: the same press, on the same screen, works in the same process
    query = await user.press(values, "5")
    assert (await user.wait_for_answer(query)).text == "5"
    marks, audit_after = await marks_and_audit(busy)
    assert marks == ["5"] and audit_after == audit_before + 1


async def test_on_postgresql_a_held_lock_makes_the_press_wait_and_complete(busy: Busy) -> None:
    if is_sqlite(busy.url):
        pytest.skip("PostgreSQL's row locks")
    user, values = await values_of_alekseev(busy)
    _, audit_before = await marks_and_audit(busy)
    async with busy.db.engine.connect() as holder:
        transaction = await holder.begin()
        # the audit chain's head is what every audited write locks first
        await holder.execute(text("SELECT seq FROM audit_heads FOR UPDATE"))
        query = await user.press(values, "5")
        await asyncio.sleep(1.0)
        assert not [a for a in user.callback_answers if a.query_id == query]  # still waiting
        await transaction.rollback()
    assert (await user.wait_for_answer(query)).text == "5"
    marks, audit_after = await marks_and_audit(busy)
    assert marks == ["5"] and audit_after == audit_before + 1
