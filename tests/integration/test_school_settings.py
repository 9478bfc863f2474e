"""A school's own settings from the console: checked, audited, and what the bot then uses."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from app.cli import app
from core.model.audit import AuditEntry
from core.model.school import School
from core.services import consent
from storage.uow import Database
from tests.support.seeded import SCHOOL, seed_tiny_school


async def test_settings_change_the_consent_text_and_deadlines(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    import asyncio

    school = await seed_tiny_school(db)
    text = tmp_path / "согласие.txt"
    text.write_text("Согласие нашей школы: только отметки и посещаемость.", encoding="utf-8")
    env = {"DATABASE_URL": database_url, "COLUMNS": "200"}
    args = ["settings", "--school", SCHOOL, "--consent-file", str(text), "--homework-hours", "2"]
    result = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "согласие — текст школы" in result.output and "2 ч" in result.output
    async with db.uow() as uow:
        assert (await consent.consent_text(uow, school.school_id)).startswith(
            "Согласие нашей школы"
        )
        stored = await uow.repo(School).get(school.school_id)
        assert stored is not None and stored.homework_hours == 2.0
        [entry] = await uow.repo(AuditEntry).find(action="school.settings")
        assert entry.before == {"consent_text": None, "homework_hours": 1.5}


async def test_bad_settings_change_nothing(db: Database, database_url: str) -> None:
    import asyncio

    school = await seed_tiny_school(db)
    env = {"DATABASE_URL": database_url, "COLUMNS": "200"}
    for args, message in (
        (["--timezone", "Mars/Olympus"], "Неизвестный часовой пояс"),
        (["--homework-hours", "2", "--control-days", "90"], "от 1 до 30 дней"),
    ):
        result = await asyncio.to_thread(
            CliRunner().invoke, app, ["settings", "--school", SCHOOL, *args], env=env
        )
        assert result.exit_code == 1 and message in result.output
    async with db.uow() as uow:
        stored = await uow.repo(School).get(school.school_id)
        assert stored is not None and stored.homework_hours == 1.5
        assert await uow.repo(AuditEntry).find(action="school.settings") == []
