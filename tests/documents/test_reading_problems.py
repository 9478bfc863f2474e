"""A workbook with mistakes a school really makes, and hostile files: every mistake becomes a
Problem at the right sheet, row and column; nothing raises."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.model.timetable import ActivityKind
from core.services.school_year_rows import Problem
from documents import school_year_texts as t
from documents.school_year_workbook import MAX_ROWS, read_school_year, write_template
from tests.documents.helpers import column_of, set_cell


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(path)
    return path


def problems_at(rows_problems: list[Problem], sheet: str) -> list[Problem]:
    return [p for p in rows_problems if p.sheet == sheet]


def test_planted_mistakes_are_each_reported_where_they_are(template: Path) -> None:
    book = load_workbook(template)
    del book[t.ROOMS]
    students = book[t.STUDENTS]
    students.delete_cols(column_of(students, "Дата рождения"))
    set_cell(students, 2, "Дата зачисления", "31.02.2026")
    # a second student, fine apart from the missing column: still read
    for index, value in enumerate(("Сидорова", "Ольга", None, "С-2", "5А", None, None), 1):
        students.cell(row=3, column=index, value=value)
    set_cell(book[t.STAFF], 2, "Роли", "учитель, директор")
    set_cell(book[t.TIMETABLE], 2, "День недели", "воскресенье")
    set_cell(book[t.BELLS], 2, "Начало", "8:70")
    set_cell(book[t.SUBJECTS], 2, "Компонент", None)
    book.save(template)

    rows = read_school_year(template)

    assert Problem(t.ROOMS, None, None, "нет листа «Кабинеты», а он обязателен") in rows.problems
    assert (
        Problem(
            t.STUDENTS,
            1,
            "Дата рождения",
            "нет столбца «Дата рождения»; заголовки — в первой строке листа",
        )
        in rows.problems
    )
    found = {(p.sheet, p.row, p.column): p.reason for p in rows.problems}
    assert "«31.02.2026» — не дата" in found[t.STUDENTS, 2, "Дата зачисления"]
    assert "«директор»" in found[t.STAFF, 2, "Роли"]
    assert "руководитель" in found[t.STAFF, 2, "Роли"]  # the allowed values are listed
    assert "«воскресенье»" in found[t.TIMETABLE, 2, "День недели"]
    assert "«8:70» — не время" in found[t.BELLS, 2, "Начало"]
    assert found[t.SUBJECTS, 2, "Компонент"] == t.EMPTY_REQUIRED
    assert len(rows.problems) == 7
    # a row with a problem gives no record; the others are still read
    assert rows.staff == [] and rows.timetable == [] and rows.bells == [] and rows.subjects == []
    assert [(s.last_name, s.birth_date) for s in rows.students] == [("Сидорова", None)]
    assert len(rows.classes) == 1 and len(rows.control_works) == 1


def test_missing_required_column_leaves_the_sheet_unread(template: Path) -> None:
    book = load_workbook(template)
    book[t.CLASSES].delete_cols(1)
    book.save(template)
    rows = read_school_year(template)
    assert [(p.sheet, p.column) for p in rows.problems] == [(t.CLASSES, "Класс")]
    assert rows.classes == []


def test_headers_and_labels_tolerate_case_spaces_and_yo(template: Path) -> None:
    book = load_workbook(template)
    ws = book[t.GUARDIANS]
    ws.cell(row=1, column=column_of(ws, "Ребёнок"), value="  РЕБЕНОК ")
    ws.cell(row=1, column=column_of(ws, "Email"), value="Эл. почта")
    ws = book[t.TIMETABLE]
    ws.cell(row=1, column=column_of(ws, "Класс/группа"), value="Класс / группа")
    set_cell(ws, 2, "День недели", "Пн.")
    set_cell(ws, 2, "Вид", "Внеурочная  деятельность")
    ws = book[t.SUBJECTS]
    set_cell(ws, 2, "Система оценивания", "ЗАЧЕТ / НЕЗАЧЕТ")
    book.save(template)
    rows = read_school_year(template)
    assert rows.problems == []
    assert rows.guardians[0].child == "Петров Алексей Иванович"
    assert rows.timetable[0].weekday == 1
    assert rows.timetable[0].kind is ActivityKind.EXTRACURRICULAR
    assert rows.subjects[0].grading_scale == "pass_fail"


def test_cells_typed_as_text_or_as_values(template: Path) -> None:
    book = load_workbook(template)
    set_cell(book[t.PERIODS], 2, "Начало", "2026-09-01")
    set_cell(book[t.PERIODS], 2, "Окончание", dt.datetime(2026, 10, 23))
    set_cell(book[t.PERIODS], 2, "Номер", "1")
    set_cell(book[t.BELLS], 2, "Начало", "8:30")
    set_cell(book[t.BELLS], 2, "Окончание", dt.time(9, 15))
    set_cell(book[t.LOADS], 2, "Часов в неделю", "4,5")
    set_cell(book[t.ROOMS], 2, "Кабинет", 214)
    set_cell(book[t.TIMETABLE], 2, "День недели", 1)
    book.save(template)
    rows = read_school_year(template)
    assert rows.problems == []
    period = rows.periods[0]
    assert (period.starts_on, period.ends_on) == (dt.date(2026, 9, 1), dt.date(2026, 10, 23))
    assert (rows.bells[0].starts_at, rows.bells[0].ends_at) == (dt.time(8, 30), dt.time(9, 15))
    assert rows.loads[0].hours_per_week == 4.5
    assert rows.rooms[0].name == "214"
    assert rows.timetable[0].weekday == 1


def test_completely_empty_rows_are_skipped_and_rows_keep_their_numbers(template: Path) -> None:
    book = load_workbook(template)
    ws = book[t.ROOMS]
    ws.cell(row=5, column=1, value="Спортзал")
    ws.cell(row=4, column=2, value="   ")  # blank text is empty too
    book.save(template)
    rows = read_school_year(template)
    assert rows.problems == []
    assert [(r.ref.row, r.name) for r in rows.rooms] == [(2, "214"), (5, "Спортзал")]


def test_text_longer_than_the_limit_is_a_problem(template: Path) -> None:
    book = load_workbook(template)
    set_cell(book[t.TOPICS], 2, "Тема", "тема " * 200)
    book.save(template)
    rows = read_school_year(template)
    assert [(p.sheet, p.row, p.column) for p in rows.problems] == [(t.TOPICS, 2, "Тема")]
    assert "слишком длинный текст: 999 символов" in rows.problems[0].reason
    assert rows.topics == []


def test_optional_sheets_may_be_absent(template: Path) -> None:
    book = load_workbook(template)
    for sheet in t.OPTIONAL_SHEETS:
        del book[sheet]
    book.save(template)
    assert read_school_year(template).problems == []


def test_sheet_names_tolerate_case_and_spaces(template: Path) -> None:
    book = load_workbook(template)
    book[t.CONTROL_WORKS].title = "контрольные  работы"
    book.save(template)
    rows = read_school_year(template)
    assert rows.problems == [] and len(rows.control_works) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"just a text file renamed to .xlsx\n",
        b"PK\x03\x04 a torn zip",
        b"%PDF-1.4 not a workbook",
    ],
)
def test_a_file_that_is_not_xlsx_is_one_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "школа.xlsx"
    path.write_bytes(content)
    rows = read_school_year(path)
    assert rows.problems == [Problem("школа.xlsx", None, None, t.NOT_XLSX)]


def test_a_zip_that_is_no_workbook_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "архив.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert read_school_year(path).problems == [Problem("архив.xlsx", None, None, t.NOT_XLSX)]


def test_a_damaged_sheet_inside_a_good_zip_is_reported(template: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(broken, "w") as target:
        names = {n for n in source.namelist()}
        for name in names:
            data = source.read(name)
            if name == "xl/worksheets/sheet5.xml":  # Кабинеты: Инструкция is sheet1
                data = data[: len(data) // 2]
            target.writestr(name, data)
    rows = read_school_year(broken)
    assert (t.ROOMS, t.SHEET_UNREADABLE) in [(p.sheet, p.reason) for p in rows.problems]
    assert len(rows.students) == 1  # the other sheets are still read


def test_a_file_over_the_size_limit_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with path.open("wb") as file:
        file.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    rows = read_school_year(path)
    assert len(rows.problems) == 1
    assert "файл слишком большой (21,0 МБ)" in rows.problems[0].reason


def test_a_zip_bomb_is_not_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    rows = read_school_year(path)
    assert len(rows.problems) == 1 and "больше 100 МБ" in rows.problems[0].reason


def test_a_row_far_below_the_limit_stops_reading(template: Path) -> None:
    book = load_workbook(template)
    book[t.ROOMS].cell(row=150_000, column=1, value="101")
    book.save(template)
    rows = read_school_year(template)
    assert [(p.sheet, p.reason) for p in rows.problems] == [(t.ROOMS, t.too_many_rows(MAX_ROWS))]
    assert rows.rooms == []


def test_too_many_rows(tmp_path: Path) -> None:
    path = tmp_path / "Кабинеты.csv"
    lines = ["Кабинет;Вместимость"] + [f"{n};30" for n in range(MAX_ROWS + 1)]
    path.write_text("\n".join(lines), encoding="utf-8")
    rows = read_school_year(path)
    assert [p.reason for p in rows.problems] == [t.too_many_rows(MAX_ROWS)]
    assert rows.rooms == []


def test_missing_path_and_unknown_suffix(tmp_path: Path) -> None:
    assert read_school_year(tmp_path / "нет.xlsx").problems[0].reason == t.NO_SUCH_FILE
    other = tmp_path / "школа.ods"
    other.write_bytes(b"x")
    assert read_school_year(other).problems[0].reason == t.UNSUPPORTED_FILE


def test_notes_in_headers_and_extra_columns_are_fine(template: Path) -> None:
    book = load_workbook(template)
    ws = book[t.CLASSES]
    ws.cell(
        row=1, column=column_of(ws, "Классный руководитель")
    ).value = "Классный руководитель (ФИО)"
    ws.cell(row=1, column=10).value = "Примечание"
    ws.cell(row=1, column=11).value = "Примечание"
    ws.cell(row=2, column=10).value = "кабинет на втором этаже"
    book.save(template)
    rows = read_school_year(template)
    assert rows.problems == []
    assert rows.classes[0].class_teacher == "Иванова Мария Петровна"


def test_a_column_twice_is_a_problem(template: Path) -> None:
    book = load_workbook(template)
    ws = book[t.CLASSES]
    ws.cell(row=1, column=10).value = "класс"
    book.save(template)
    rows = read_school_year(template)
    assert [(p.sheet, p.row, p.column) for p in rows.problems] == [(t.CLASSES, 1, "класс")]


def test_written_workbook_is_private_to_its_owner(template: Path) -> None:
    assert template.stat().st_mode & 0o077 == 0
