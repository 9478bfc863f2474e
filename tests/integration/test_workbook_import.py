"""The school-year workbook end to end: the demo file imports and re-imports without change; a
file with ten planted mistakes reports all ten where they are and leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import app
from core.services.school_year_import import ImportReport, import_school_year
from documents.demo_school import SCHOOL_NAME, write_demo_workbook
from documents.school_year_workbook import read_school_year, russian_columns
from storage.tables import metadata
from storage.uow import Database

AUGUST = dt.date(2026, 8, 25)


async def import_file(db: Database, path: Path, today: dt.date = AUGUST) -> ImportReport:
    async with db.uow() as uow:
        return await import_school_year(
            uow, read_school_year(path), school_name=SCHOOL_NAME, actor="cli:test", today=today
        )


async def snapshot(db: Database) -> dict[str, list[Any]]:
    """Every row of every table: «the database exactly as it was» is checked literally."""
    async with db.session_factory() as session:
        return {
            t.name: sorted(map(tuple, (await session.execute(select(t))).all()), key=repr)
            for t in metadata.sorted_tables
        }


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.xlsx"
    write_demo_workbook(path)
    return path


async def test_demo_workbook_imports_and_a_second_import_changes_nothing(
    db: Database, demo_file: Path
) -> None:
    first = await import_file(db, demo_file)
    assert first.ok, russian_columns(first.problems)
    assert first.added["Student"] > 100 and first.added["TimetableEntry"] > 100
    before = await snapshot(db)
    second = await import_file(db, demo_file, today=dt.date(2026, 10, 5))
    assert second.ok and not second.any_change
    assert await snapshot(db) == before


def header_index(sheet: Any) -> dict[str, int]:
    return {str(cell.value): cell.column for cell in sheet[1] if cell.value}


def set_cell(sheet: Any, row: int, header: str, value: object) -> None:
    sheet.cell(row=row, column=header_index(sheet)[header], value=value)


def cell(sheet: Any, row: int, header: str) -> Any:
    return sheet.cell(row=row, column=header_index(sheet)[header]).value


def referenced_names(book: Any) -> set[str]:
    text: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            text.update(str(v) for v in row if isinstance(v, str))
    return text


def plant_ten_mistakes(path: Path) -> set[tuple[str, int, str | None]]:
    """Spoil the demo workbook in ten ways; return where each must be reported."""
    book = openpyxl.load_workbook(path)
    expected: set[tuple[str, int, str | None]] = set()

    students = book["Обучающиеся"]  # 1. a missing column
    students.delete_cols(header_index(students)["Дата рождения"])
    expected.add(("Обучающиеся", 1, "Дата рождения"))
    duplicate = students.max_row + 1  # 2. a duplicate student
    for column in range(1, students.max_column + 1):
        students.cell(row=duplicate, column=column, value=students.cell(row=2, column=column).value)
    expected.add(("Обучающиеся", duplicate, "Фамилия"))

    holidays = book["Каникулы"]  # 3. a bad date
    set_cell(holidays, 2, "Начало", "31.02.2026")
    expected.add(("Каникулы", 2, "Начало"))

    periods = book["Периоды"]  # 4. overlapping periods: a fifth quarter on the fourth one's dates
    fourth = next(
        r
        for r in range(2, periods.max_row + 1)
        if cell(periods, r, "Номер") == 4 and str(cell(periods, r, "Вид периода")) == "четверть"
    )
    extra = periods.max_row + 1
    for column in range(1, periods.max_column + 1):
        periods.cell(row=extra, column=column, value=periods.cell(row=fourth, column=column).value)
    set_cell(periods, extra, "Номер", 5)
    expected.add(("Периоды", extra, "Начало"))

    loads = book["Нагрузка"]  # 5. an unknown class
    set_cell(loads, 2, "Класс/группа", "7Г")
    expected.add(("Нагрузка", 2, "Класс/группа"))
    set_cell(loads, 3, "Учитель", "Сидоров Пётр Петрович")  # 6. an unknown teacher
    expected.add(("Нагрузка", 3, "Учитель"))

    staff = book["Сотрудники"]  # 7. an unknown role, on someone referenced nowhere else
    names = referenced_names(book)

    def unreferenced(r: int) -> bool:
        last = str(cell(staff, r, "Фамилия"))
        return not any(last in name for name in names if name != last)

    lonely = next(r for r in range(2, staff.max_row + 1) if unreferenced(r))
    set_cell(staff, lonely, "Роли", "директор")
    expected.add(("Сотрудники", lonely, "Роли"))

    guardians = book["Родители"]  # 8. a child who is not in the class
    set_cell(guardians, 2, "Ребёнок", "Несуществующий Ребёнок Иванович")
    expected.add(("Родители", 2, "Ребёнок"))

    timetable = book["Расписание"]  # 9. a lesson number outside the bell schedule
    set_cell(timetable, 2, "Урок", 9)
    expected.add(("Расписание", 2, "Урок"))
    # 10. a teacher double-booked: give row B the teacher of row A at the same day and lesson
    slots: dict[tuple[Any, Any], int] = {}
    for r in range(3, timetable.max_row + 1):
        key = (cell(timetable, r, "День недели"), cell(timetable, r, "Урок"))
        if key in slots and cell(timetable, r, "Учитель") != cell(timetable, slots[key], "Учитель"):
            a, b = slots[key], r
            break
        slots.setdefault(key, r)
    set_cell(timetable, b, "Учитель", cell(timetable, a, "Учитель"))
    set_cell(timetable, b, "Кабинет", None)
    expected.add(("Расписание", b, "Учитель"))
    book.save(path)
    return expected


async def test_ten_planted_mistakes_are_all_reported_and_nothing_changes(
    db: Database, demo_file: Path, tmp_path: Path
) -> None:
    assert (await import_file(db, demo_file)).ok
    before = await snapshot(db)
    spoiled = tmp_path / "spoiled.xlsx"
    shutil.copy(demo_file, spoiled)
    expected = plant_ten_mistakes(spoiled)
    assert len(expected) == 10
    report = await import_file(db, spoiled, today=dt.date(2026, 9, 20))
    found = {(p.sheet, p.row, p.column) for p in russian_columns(report.problems)}
    assert found == expected, "\n".join(map(str, russian_columns(report.problems)))
    assert all(p.reason for p in report.problems)
    assert await snapshot(db) == before


def test_cli_import_prints_every_problem_and_exits_1(
    demo_file: Path, tmp_path: Path, database_url: str
) -> None:
    spoiled = tmp_path / "spoiled.xlsx"
    spoiled.write_bytes(demo_file.read_bytes())
    plant_ten_mistakes(spoiled)
    env = {"DATABASE_URL": database_url, "COLUMNS": "300"}
    result = CliRunner().invoke(app, ["import", str(spoiled), "--school", "Школа"], env=env)
    assert result.exit_code == 1
    assert "найдено ошибок — 10" in result.output
    assert "лист «Расписание», строка 2, столбец «Урок»" in result.output


def test_cli_demo_data_import_and_summary(tmp_path: Path, database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "COLUMNS": "200"}
    runner = CliRunner()
    book = tmp_path / "demo.xlsx"
    assert runner.invoke(app, ["demo-data", str(book)]).exit_code == 0
    first = runner.invoke(app, ["import", str(book), "--school", SCHOOL_NAME], env=env)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["import", str(book), "--school", SCHOOL_NAME], env=env)
    assert again.exit_code == 0 and "Изменений нет" in again.output
    summary = runner.invoke(app, ["summary", "--school", SCHOOL_NAME], env=env)
    assert summary.exit_code == 0, summary.output
    assert f"Школа «{SCHOOL_NAME}», учебный год 2026/2027" in summary.output
    assert "Классов: 6" in summary.output
    missing = runner.invoke(app, ["summary", "--school", "Нет такой"], env=env)
    assert missing.exit_code == 1 and "не найдена" in missing.output


def test_cli_template_is_a_clean_workbook(tmp_path: Path) -> None:
    path = tmp_path / "шаблон.xlsx"
    result = CliRunner().invoke(app, ["template", str(path)])
    assert result.exit_code == 0
    rows = read_school_year(path)
    assert rows.problems == [] and len(rows.students) == 1


def test_a_dry_run_writes_nothing(database_url: str, demo_file: Path) -> None:
    import asyncio

    from storage.db import create_engine

    result = CliRunner().invoke(
        app,
        ["import", str(demo_file), "--school", "Проба", "--dry-run"],
        env={"DATABASE_URL": database_url, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "ничего не изменено" in result.output and "обучающиеся" in result.output

    async def count_schools() -> int:
        db = Database(create_engine(database_url))
        try:
            async with db.session_factory() as session:
                query = select(func.count()).select_from(metadata.tables["schools"])
                return int((await session.execute(query)).scalar_one())
        finally:
            await db.dispose()

    assert asyncio.run(count_schools()) == 0
