"""Reports as Excel workbooks, read back with openpyxl: every number is a number equal to the
report's, dates are dates, the header block says whose report it is and when it was made on the
school's clock, the header row is frozen, the «Итого» row bold, the notes under the table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from core.model.reports import Cell, Column, ColumnKind, Report, Table
from documents.reports import charts
from documents.reports.xlsx import report_xlsx
from tests.documents import report_samples as samples

HEAD_ROW = 7  # after the school, title, scope, period, made at and the table's title


def book_of(report: Report, **options: object) -> list[Worksheet]:
    data = report_xlsx(report, **options)  # type: ignore[arg-type]
    return [s for s in load_workbook(io.BytesIO(data)).worksheets if isinstance(s, Worksheet)]


def expected(value: Cell, kind: ColumnKind) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if kind is ColumnKind.MARK and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def read(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def assert_table(sheet: Worksheet, table: Table) -> None:
    heads = [c.value for c in sheet[HEAD_ROW]][: len(table.columns)]
    assert heads == [c.title for c in table.columns]
    for offset, row in enumerate(table.rows, start=1):
        for number, (value, column) in enumerate(zip(row, table.columns, strict=True), 1):
            got = read(sheet.cell(HEAD_ROW + offset, number).value)
            assert got == expected(value, column.kind), (offset, column.key)
            if isinstance(value, int | float | Decimal):
                assert isinstance(got, int | float)


def test_cells_read_back_equal_the_report_as_numbers_and_dates() -> None:
    report = samples.mastery(12)
    (sheet,) = book_of(report)
    assert sheet.title == "Освоение программ по ученикам"
    assert_table(sheet, report.tables[0])
    first = HEAD_ROW + 1
    assert sheet.cell(first, 4).number_format == "0.0"  # «Освоение, %»: 92,3
    assert sheet.cell(first, 5).number_format == "0.00"  # the mean mark: 3,10
    assert sheet.cell(first, 6).number_format.upper() == "DD.MM.YYYY"
    assert sheet.cell(first, 7).value == "н/а" and sheet.cell(first + 1, 7).value == 5


def test_totals_row_is_bold_with_its_label_and_numbers() -> None:
    report = samples.mastery(12)
    (sheet,) = book_of(report)
    row = HEAD_ROW + 13
    totals = report.tables[0].totals
    assert totals is not None
    assert [sheet.cell(row, n).value for n in range(1, 5)] == ["Итого", *totals[1:4]]
    assert sheet.cell(row, 2).font.b and sheet.cell(row, 1).font.b


def test_header_block_notes_and_frozen_header() -> None:
    report = samples.mastery(3)
    (sheet,) = book_of(report, tz="Asia/Yekaterinburg")
    column_a = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert column_a[:6] == [
        samples.SCHOOL,
        "Освоение образовательных программ",
        "7А",
        "Период: 2-я четверть 2026/2027",
        "Сформирован: 29.11.2026 13:05 (UTC+5)",  # 08:05 UTC on the school's clock
        "Освоение программ по ученикам",
    ]
    assert column_a[-2:] == list(report.notes)
    assert sheet.freeze_panes == f"B{HEAD_ROW + 1}"
    assert sheet.cell(HEAD_ROW, 1).font.b
    assert sheet.column_dimensions["A"].width >= len("Григорьева Г. Д.")


def test_without_a_time_zone_the_time_is_utc_and_says_so() -> None:
    (sheet,) = book_of(samples.mastery(1))
    assert sheet.cell(5, 1).value == "Сформирован: 29.11.2026 08:05 (UTC)"


def test_one_sheet_per_table_with_every_number() -> None:
    report = samples.distribution()
    sheets = book_of(report)
    assert [s.title for s in sheets] == ["Отметки по классам", "Качество знаний"]
    for sheet, table in zip(sheets, report.tables, strict=True):
        assert_table(sheet, table)
    assert sheets[0].cell(HEAD_ROW + 5, 1).value == "Итого"
    assert sheets[0].cell(HEAD_ROW + 5, 2).value == 127


@pytest.mark.parametrize("title", ["Итоги: 1/2 [черновик]?" + "ж" * 40])
def test_sheet_names_follow_excels_rules_and_stay_unique(title: str) -> None:
    base = samples.mastery(1).tables[0]
    tables = (dataclasses.replace(base, title=title), dataclasses.replace(base, title=title))
    sheets = book_of(dataclasses.replace(samples.mastery(1), tables=tables))
    names = [s.title for s in sheets]
    assert len(set(names)) == 2
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[0].startswith("Итоги 1 2 черновик")


def test_a_name_looking_like_a_formula_stays_text() -> None:
    table = Table(
        "Ученики",
        (Column("name", "ФИО"), Column("n", "Пропуски", ColumnKind.COUNT)),
        (('=HYPERLINK("http://x")', 3),),
    )
    (sheet,) = book_of(dataclasses.replace(samples.mastery(1), tables=(table,)))
    cell = sheet.cell(HEAD_ROW + 1, 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_a_report_without_tables_still_opens() -> None:
    (sheet,) = book_of(dataclasses.replace(samples.mastery(1), tables=()))
    assert sheet.cell(7, 1).value == "Нет данных."


def test_the_chart_can_come_along_as_a_picture_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    # the chart itself is drawn in test_report_charts; here a stand-in spares matplotlib's second
    picture = io.BytesIO()
    Image.new("RGB", (1080, 700), "white").save(picture, format="PNG")
    monkeypatch.setattr(charts, "chart_png", lambda report: picture.getvalue())
    data = report_xlsx(samples.distribution(), with_chart=True)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Отметки по классам", "Качество знаний", "Диаграмма"]
    chart_sheet = book.worksheets[2]
    assert isinstance(chart_sheet, Worksheet)
    assert len(chart_sheet._images) == 1  # type: ignore[attr-defined]  # read pictures live there
