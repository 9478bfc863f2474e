"""The workbook as CSV files: a folder with one file per sheet, or one sheet alone, in the
encodings and separators that Russian Excel and other systems produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents import school_year_texts as t
from documents.demo_school import demo_rows, write_demo_workbook
from documents.school_year_workbook import read_school_year
from tests.documents.helpers import workbook_to_csv
from tests.documents.test_round_trip import assert_same


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    write_demo_workbook(path)
    return path


def test_folder_with_semicolons_and_bom(demo_xlsx: Path, tmp_path: Path) -> None:
    files = workbook_to_csv(demo_xlsx, tmp_path / "csv", delimiter=";", encoding="utf-8-sig")
    assert files[t.STUDENTS].read_bytes().startswith(b"\xef\xbb\xbf")
    assert_same(demo_rows(), read_school_year(tmp_path / "csv"))


def test_folder_with_commas_without_bom(demo_xlsx: Path, tmp_path: Path) -> None:
    workbook_to_csv(demo_xlsx, tmp_path / "csv", delimiter=",", encoding="utf-8")
    assert_same(demo_rows(), read_school_year(tmp_path / "csv"))


def test_folder_in_windows_1251(demo_xlsx: Path, tmp_path: Path) -> None:
    """What «CSV (разделители — точка с запятой)» of a Russian Excel writes."""
    workbook_to_csv(demo_xlsx, tmp_path / "csv", delimiter=";", encoding="cp1251")
    assert_same(demo_rows(), read_school_year(tmp_path / "csv"))


def test_single_csv_file_reads_only_its_sheet(demo_xlsx: Path, tmp_path: Path) -> None:
    files = workbook_to_csv(demo_xlsx, tmp_path / "csv", delimiter=",", encoding="utf-8")
    rows = read_school_year(files[t.STUDENTS])
    assert rows.problems == []
    assert rows.students == demo_rows().students
    assert rows.classes == [] and rows.timetable == []


def test_folder_missing_a_required_file(demo_xlsx: Path, tmp_path: Path) -> None:
    files = workbook_to_csv(demo_xlsx, tmp_path / "csv")
    files[t.BELLS].unlink()
    files[t.TOPICS].unlink()  # optional: no problem
    rows = read_school_year(tmp_path / "csv")
    assert [(p.sheet, p.reason) for p in rows.problems] == [
        (t.BELLS, t.MISSING_CSV.format(sheet=t.BELLS))
    ]


def test_csv_cell_problems_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "Звонки.csv"
    path.write_text(
        "Режим;Урок;Начало;Окончание\nОсновное;1;8:30;9:15\n;;;\nОсновное;два;9:25;10:10\n",
        encoding="utf-8",
    )
    rows = read_school_year(path)
    assert [(p.sheet, p.row, p.column) for p in rows.problems] == [(t.BELLS, 4, "Урок")]
    assert [b.lesson_number for b in rows.bells] == [1]


def test_csv_with_broken_quotes_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "Кабинеты.csv"
    path.write_text('Кабинет;Вместимость\n"214;30\n' + "x" * 200_000, encoding="utf-8")
    rows = read_school_year(path)
    assert [p.reason for p in rows.problems] == [t.CSV_UNREADABLE]


def test_csv_named_after_no_sheet(tmp_path: Path) -> None:
    path = tmp_path / "ученики.csv"
    path.write_text("Фамилия;Имя\n", encoding="utf-8")
    assert [p.reason for p in read_school_year(path).problems] == [t.CSV_NAME_UNKNOWN]


def test_folder_without_any_sheet_csv(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    assert [p.reason for p in read_school_year(tmp_path).problems] == [t.FOLDER_WITHOUT_CSV]
