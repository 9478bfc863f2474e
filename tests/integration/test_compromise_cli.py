"""`dnevnik compromise`, `dnevnik audit flagged`, `dnevnik audit revert` from the server's
console: for when the coordinator's own phone is the one lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import zoneinfo

import pytest
from typer.testing import CliRunner

from app.cli import app
from core.model.grading import WorkType
from core.model.identity import Role
from core.model.journal import Mark
from core.services import journal
from core.services.journal import LessonKey
from storage.audit_log import verify_all
from storage.db import create_engine
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.seeded import SCHOOL, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
LESSON = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)


async def history(url: str, now: dt.datetime) -> int:
    """A mark posted three hours ago and changed an hour ago (by the audit's clock)."""
    db = Database(create_engine(url))
    try:
        school = await seed_tiny_school(db)
        teacher = staff(school, "Кузнецова", Role.TEACHER)
        clock = MovableClock(now - dt.timedelta(hours=3))
        async with db.uow(clock) as uow:
            lesson = await journal.open_lesson(
                uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1)
            )
            work = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
            assert work is not None and work.id is not None
        async with db.uow(clock) as uow:
            mark = await journal.post_mark(
                uow, teacher, lesson.id or 0, school.students["Волков"], work.id, "3", LESSON
            )
        clock.advance(hours=2)
        async with db.uow(clock) as uow:
            await journal.change_mark(uow, teacher, mark.id or 0, "5", "пересдал", 1, LESSON)
        assert mark.id is not None
        return mark.id
    finally:
        await db.dispose()


async def value_and_chain(url: str, mark_id: int) -> tuple[str, bool]:
    db = Database(create_engine(url))
    try:
        async with db.uow() as uow:
            mark = await uow.repo(Mark).get(mark_id)
            assert mark is not None
        [chain] = await verify_all(db)
        return mark.value, chain.broken is None
    finally:
        await db.dispose()


def test_the_console_records_lists_and_reverts(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    mark_id = asyncio.run(history(database_url, now))
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    since = (now - dt.timedelta(hours=2)).astimezone(zoneinfo.ZoneInfo("Europe/Moscow"))
    wide = {"COLUMNS": "250"}

    result = runner.invoke(
        app, ["compromise", "Кузнецова", "--school", SCHOOL, "--since", "32.13.2026 25:00"]
    )
    assert result.exit_code == 1 and "дд.мм.гггг чч:мм" in result.output
    result = runner.invoke(
        app,
        ["compromise", "Кузнецова", "--school", SCHOOL, "--since", f"{since:%d.%m.%Y %H:%M}"],
        env=wide,
    )
    assert result.exit_code == 0, result.output
    assert "Компрометация № 1 записана: Кузнецова Анна Сергеевна" in result.output
    assert "отмечено изменений: 1" in result.output

    result = runner.invoke(app, ["audit", "flagged", "--school", SCHOOL], env=wide)
    assert result.exit_code == 0 and "Кузнецова Анна Сергеевна" in result.output
    result = runner.invoke(app, ["audit", "flagged", "1", "--school", SCHOOL], env=wide)
    assert result.exit_code == 0, result.output
    assert "отметка: 3 → 5" in result.output and "ждёт решения" in result.output

    result = runner.invoke(app, ["audit", "revert", "1", "--school", SCHOOL], env=wide)
    assert result.exit_code == 0, result.output
    assert "Отменено изменений: 1" in result.output
    assert asyncio.run(value_and_chain(database_url, mark_id)) == ("3", True)
    result = runner.invoke(app, ["audit", "revert", "1", "--school", SCHOOL], env=wide)
    assert result.exit_code == 1 and "уже отменены" in result.output
