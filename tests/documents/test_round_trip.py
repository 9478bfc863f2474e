"""Writing a school year and reading it back gives the same records; the written workbook is one a
coordinator can work with (Russian headers, real dates, instructions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from core.model.people import StaffRole
from core.model.school import CurriculumComponent
from core.services.school_year_rows import (
    SHEET_ORDER,
    RoomRow,
    RowRef,
    SchoolYearRows,
    StaffRow,
    SubjectRow,
)
from documents import school_year_texts as t
from documents.demo_school import demo_rows, write_demo_workbook
from documents.school_year_template import template_rows
from documents.school_year_workbook import read_school_year, write_school_year, write_template


def assert_same(expected: SchoolYearRows, actual: SchoolYearRows) -> None:
    for field in dataclasses.fields(SchoolYearRows):
        if field.name != "sheets":  # which sheets the file had: the reader's own knowledge
            assert getattr(actual, field.name) == getattr(expected, field.name), field.name
    assert actual.sheets == set(t.SHEETS) - {t.INSTRUCTIONS}


def test_demo_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    write_demo_workbook(path)
    assert_same(demo_rows(), read_school_year(path))


def test_template_reads_without_problems(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    rows = read_school_year(path)
    assert rows.problems == []
    assert_same(template_rows(), rows)
    for field in dataclasses.fields(SchoolYearRows):
        if field.name not in ("problems", "sheets"):
            assert len(getattr(rows, field.name)) == 1, field.name


def test_awkward_values_round_trip(tmp_path: Path) -> None:
    """Text that Excel would take for a formula or a number, fractions, empty optional cells."""
    rows = template_rows()
    rows.subjects.append(
        SubjectRow(
            ref=RowRef(t.SUBJECTS, 3),
            name="=1+1",
            short_name=None,
            component=CurriculumComponent.SCHOOL,
            grading_scale="pass_fail",
        )
    )
    rows.rooms.append(RoomRow(ref=RowRef(t.ROOMS, 3), name="007", capacity=None))
    rows.staff.append(
        StaffRow(
            ref=RowRef(t.STAFF, 3),
            last_name="Ёлкина",
            first_name="Анна",
            middle_name=None,
            position=None,
            roles=(StaffRole.DEPUTY, StaffRole.TEACHER, StaffRole.HEAD),
            phone="89001234567",
        )
    )
    rows.loads[0] = dataclasses.replace(rows.loads[0], hours_per_week=4.5)
    rows.bells[0] = dataclasses.replace(rows.bells[0], starts_at=dt.time(8, 5))
    path = tmp_path / "awkward.xlsx"
    write_school_year(rows, path)
    again = read_school_year(path)
    assert again.problems == []
    assert_same(rows, again)


def test_written_workbook_is_for_people(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    write_demo_workbook(path)
    book = load_workbook(path)
    assert book.sheetnames == [t.INSTRUCTIONS, *SHEET_ORDER]
    students = book[t.STUDENTS]
    assert [c.value for c in students[1]] == [
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "№ личного дела",
        "Класс",
        "Дата зачисления",
        "Дата выбытия",
    ]
    assert all(cell.font.bold for cell in students[1])
    assert students.freeze_panes == "A2"
    born = students.cell(row=2, column=4)
    assert isinstance(born.value, dt.datetime)  # a real date, sortable in Excel
    assert born.number_format == "DD.MM.YYYY"
    assert students.column_dimensions["A"].width >= len("Фамилия")
    assert book[t.BELLS].cell(row=2, column=3).number_format == "HH:MM"
    text = " ".join(
        str(cell.value) for row in book[t.INSTRUCTIONS].iter_rows() for cell in row if cell.value
    )
    for phrase in ("Дата выбытия", "обновляет данные, а не дублирует", "Допустимо: четверть"):
        assert phrase in text
    for sheet in SHEET_ORDER:
        assert sheet in text


def test_formula_like_text_is_written_as_text(tmp_path: Path) -> None:
    rows = template_rows()
    rows.rooms[0] = dataclasses.replace(rows.rooms[0], name='=HYPERLINK("http://evil")')
    path = tmp_path / "evil.xlsx"
    write_school_year(rows, path)
    cell = load_workbook(path)[t.ROOMS].cell(row=2, column=1)
    assert cell.data_type == "s"


def test_empty_year_writes_headers_and_reports_empty_required_sheets(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_school_year(SchoolYearRows(), path)
    rows = read_school_year(path)
    empty = {p.sheet for p in rows.problems}
    assert empty == set(SHEET_ORDER) - t.OPTIONAL_SHEETS


def test_progress_is_reported_for_every_sheet(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    write_demo_workbook(path)
    calls: list[tuple[str, int, int]] = []
    read_school_year(path, lambda sheet, done, total: calls.append((sheet, done, total)))
    assert [c[0] for c in calls if c[1] == 0] == list(SHEET_ORDER)
    last = {sheet: (done, total) for sheet, done, total in calls}
    assert last[t.STUDENTS] == (len(demo_rows().students),) * 2
