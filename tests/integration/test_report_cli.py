"""`dnevnik report`: the same reports as the bot, written to files from the server's console."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import app
from core.model.grading import WorkType
from core.model.journal import AbsenceKind
from core.services import journal
from core.services.journal import LessonKey
from storage.db import create_engine
from storage.uow import Database
from tests.support.actors import staff
from tests.support.seeded import SCHOOL, seed_tiny_school

TUESDAY = dt.date(2026, 9, 1)
DURING = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)


async def a_lesson(url: str) -> None:
    db = Database(create_engine(url))
    try:
        school = await seed_tiny_school(db)
        teacher = staff(school, "Кузнецова")
        async with db.uow() as uow:
            lesson = await journal.open_lesson(
                uow, teacher, LessonKey(school.groups["5А"], TUESDAY, 1)
            )
            oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
            assert oral is not None and oral.id is not None
            await journal.save_attendance(
                uow, teacher, lesson.id or 0, {school.students["Волков"]: AbsenceKind.ILL}, DURING
            )
        async with db.uow() as uow:
            await journal.post_mark(
                uow, teacher, lesson.id or 0, school.students["Алексеев"], oral.id, "2", DURING
            )
    finally:
        await db.dispose()


def test_a_report_is_written_in_every_format_asked(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asyncio.run(a_lesson(database_url))
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    out = tmp_path / "reports"
    result = runner.invoke(
        app,
        ["report", "failing", "--school", SCHOOL, "--class", "5а", "--period", "1-я четверть",
         "--format", "xlsx,png,csv,pdf", "--out", str(out)],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = "Отчёт «Неудовлетворительные отметки и темы» — 5А, 1-я четверть 2026/2027"
    assert made in result.output
    files = sorted(p.suffix for p in out.iterdir())
    assert ".xlsx" in files and ".pdf" in files and ".csv" in files
    [xlsx] = out.glob("*.xlsx")
    cells = [
        str(c)
        for sheet in load_workbook(xlsx)
        for row in sheet.iter_rows(values_only=True)
        for c in row
    ]
    assert any("Алексеев" in c for c in cells)  # the «2» is in the table


def test_refusals_are_clear_and_write_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asyncio.run(a_lesson(database_url))
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    out = tmp_path / "reports"
    cases = [
        (["report", "failing", "--school", SCHOOL, "--class", "9Я"], "Класса «9Я»"),
        (["report", "nonsense", "--school", SCHOOL], "Нет такого отчёта"),
        (["report", "failing", "--school", "Другая школа"], "Школы «Другая школа» нет"),
        (["report", "failing", "--school", SCHOOL, "--period", "5-я четверть"], "Нет периода"),
        (["report", "failing", "--school", SCHOOL, "--from", "31.02.2026"], "ДД.ММ.ГГГГ"),
        (["report", "failing", "--school", SCHOOL, "--format", "docx"], "Неизвестный формат"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, [*args, "--out", str(out)], env={"COLUMNS": "250"})
        assert result.exit_code != 0, args
        assert expected in result.output, (args, result.output)
    assert not out.exists()
