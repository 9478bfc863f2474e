"""Backups from the bot end to end: the coordinator lists the backups and takes one now; the
file stays on the server and the audit log says who took it; a teacher cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.factory import build_bot, build_dispatcher
from bot.routers import backups as backups_router
from core.model.people import StaffRole
from storage.backup import BackupStore, list_backups
from storage.uow import Database
from tests.e2e.conftest import START, App
from tests.e2e.test_extracts_bot import with_router_before_fallback
from tests.support.clock import MovableClock
from tests.support.lookups import add_staff, audit
from tests.support.seeded import seed_tiny_school


@pytest.fixture
async def app(db: Database, tmp_path: Path) -> AsyncIterator[App]:
    school = await seed_tiny_school(db)
    await add_staff(db, school, "Петрова", StaffRole.COORDINATOR)
    clock = MovableClock(START)
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(BotContext(db=db, clock=clock))
        with_router_before_fallback(dp, backups_router.build())
        url = db.engine.url.render_as_string(hide_password=False)
        dp["backups"] = BackupStore(url, tmp_path / "backups", clock=clock)
        async with emu.polling(dp, bot):
            yield App(db, school, clock, emu, bot, dp)
        await bot.session.close()


async def test_the_coordinator_takes_a_backup_and_sees_it_listed(app: App, tmp_path: Path) -> None:
    petrova = app.emu.user(id=1003, first_name="Нина")
    await app.connect(petrova, await app.staff_code("Петрова"))
    await petrova.wait_for_message()  # the menu
    await petrova.send("/backups")
    empty = await petrova.wait_for_message(lambda m: "Резервных копий пока нет" in (m.text or ""))

    await petrova.press(empty, "💾 Сделать копию сейчас")
    done = await petrova.wait_for_message(lambda m: "Резервная копия готова" in (m.text or ""))
    [taken] = list_backups(tmp_path / "backups")
    assert taken.name in (done.text or "") and "02.09.2026 10:00" in (done.text or "")
    [entry] = await audit(app.db, "backup_taken")
    assert entry.actor == f"staff:{app.school.staff['Петрова']}"
    assert entry.after is not None and entry.after["file"] == taken.name

    await petrova.send("/backups")
    listed = await petrova.wait_for_message(lambda m: "всего: 1" in (m.text or ""))
    assert "• 02.09.2026 10:00 —" in (listed.text or "")


async def test_a_teacher_cannot_take_a_backup(app: App, tmp_path: Path) -> None:
    smirnov = app.emu.user(id=1002, first_name="Олег")
    await app.connect(smirnov, await app.staff_code("Смирнов"))
    menu = await smirnov.wait_for_message()
    query = await smirnov.press_data(menu, backups_router.BackupCb(action="now").pack())
    await smirnov.wait_for_answer(query)
    assert list_backups(tmp_path / "backups") == []
    assert await audit(app.db, "backup_taken") == []
