"""A report as an Excel workbook (REP-9): one sheet per table, for analysis and official forms.

Each sheet: the school, the report's title, the scope, the period and when it was made (on the
school's clock) on top; the table's title; the header row (bold, frozen with the first column, so
that names stay in view while scrolling); the rows; the «Итого» row in bold; the notes under it.

Numbers are stored as numbers, so that Excel sums, sorts and charts them: a count as an integer,
a percentage as 0..100 shown «95,0» (not Excel's 0..1 percent, so that the cell holds the report's
own number), an average shown «4,25», a date as a date shown «29.11.2026». A mark written in
digits («5») is stored as the number 5 (AVERAGE() works on a column of finals); «н/а», «ОСВ» stay
text. Excel shows the decimal comma by the reader's locale; the file holds plain numbers.

openpyxl is imported inside the functions (the bot imports this module at start).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from core.model.reports import Cell, ColumnKind, Report, Table
from documents.reports import texts as t
from documents.reports.cells import Zone, cell_text, local_made_at, totals_row

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.worksheet.worksheet import Worksheet

NUMBER_FORMATS = {
    ColumnKind.COUNT: "0",
    ColumnKind.AVERAGE: "0.00",
    ColumnKind.DATE: "DD.MM.YYYY",
    ColumnKind.MARK: "General",
    ColumnKind.TEXT: "@",
}
HEAD_FILL = "E6E6E6"
MAX_WIDTH = 50  # characters; a longer cell wraps rather than pushing the table off the screen
MIN_WIDTH = 6
HEADER_ROWS = 5  # school, title, scope, period, made at
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def report_xlsx(report: Report, *, tz: Zone = None, with_chart: bool = False) -> bytes:
    """The workbook as bytes. ``tz`` is the school's time zone for «Сформирован» (UTC when None);
    ``with_chart`` adds a sheet «Диаграмма» with the chart's picture (costs matplotlib's ~1 s)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.title = report.title
    _, made = local_made_at(report, tz)
    names: set[str] = set()
    for table in report.tables:
        sheet = book.create_sheet(_sheet_name(table.title, names))
        _write_sheet(sheet, report, table, made)
    if not report.tables:  # a workbook needs a sheet; say there is nothing rather than fail
        sheet = book.create_sheet(_sheet_name(report.title, names))
        _write_head(sheet, report, made)
        _put(sheet, HEADER_ROWS + 2, 1, t.NO_ROWS)
    if with_chart and report.chart is not None:
        _chart_sheet(book.create_sheet(_sheet_name(t.CHART_SHEET, names)), report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, not empty, unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip(" '") or "Лист"
    base = " ".join(base.split())[:31]
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _write_head(sheet: Worksheet, report: Report, made: str) -> None:
    from openpyxl.styles import Font

    _put(sheet, 1, 1, report.school).font = Font(bold=True)
    _put(sheet, 2, 1, report.title).font = Font(bold=True, size=14)
    _put(sheet, 3, 1, report.scope)
    _put(sheet, 4, 1, f"{t.PERIOD}: {report.period}")
    _put(sheet, 5, 1, t.made_line(made))


def _write_sheet(sheet: Worksheet, report: Report, table: Table, made: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    _write_head(sheet, report, made)
    title_row = HEADER_ROWS + 1
    head_row = title_row + 1
    _put(sheet, title_row, 1, table.title).font = Font(bold=True, size=12)
    thin = Side(style="thin", color="999999")
    for number, column in enumerate(table.columns, start=1):
        head = _put(sheet, head_row, number, column.title)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor=HEAD_FILL)
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = Border(bottom=thin)
    rows = list(table.rows)
    totals = totals_row(table)
    if totals is not None:
        rows.append(totals)
    for offset, row in enumerate(rows, start=1):
        is_total = totals is not None and offset == len(rows)
        for number, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = _put(sheet, head_row + offset, number, _stored(value, column.kind))
            cell.number_format = _number_format(column.title, column.kind, value)
            if column.kind is ColumnKind.MARK:
                cell.alignment = Alignment(horizontal="center")
            if is_total:
                cell.font = Font(bold=True)
                cell.border = Border(top=thin)
    if not rows:
        _put(sheet, head_row + 1, 1, t.NO_ROWS)
    notes_row = head_row + max(len(rows), 1) + 2
    for offset, note in enumerate(report.notes):
        _put(sheet, notes_row + offset, 1, note).font = Font(italic=True)
    frozen = get_column_letter(2 if len(table.columns) > 1 else 1) + str(head_row + 1)
    sheet.freeze_panes = frozen
    for number, column in enumerate(table.columns, start=1):
        values = [cell_text(row[number - 1], column.kind) for row in rows]
        sheet.column_dimensions[get_column_letter(number)].width = _width(column.title, values)
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.page_setup.orientation = "landscape" if len(table.columns) > 6 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _number_format(title: str, kind: ColumnKind, value: Cell) -> str:
    if kind is ColumnKind.PERCENT:
        return "0.0" if "%" in title else '0.0"%"'
    if kind is ColumnKind.TEXT and not isinstance(value, str):
        return "General"  # a number in a text column stays a number
    return NUMBER_FORMATS[kind]


def _width(title: str, values: list[str]) -> float:
    """Characters wide: the longest value, or the header's longest word (the header wraps)."""
    longest_word = max((len(w) for w in title.split()), default=0)
    longest_value = max((len(v) for v in values), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest_word + 2, longest_value + 2)))


def _chart_sheet(sheet: Worksheet, report: Report) -> None:
    from openpyxl.drawing.image import Image

    from documents.reports.charts import chart_png

    picture = Image(io.BytesIO(chart_png(report)))
    picture.anchor = "A1"
    sheet.add_image(picture)


def _put(sheet: Worksheet, row: int, column: int, value: Cell) -> XlCell:
    """``sheet.cell(row, column, value)``, except that a text beginning with «=» stays text:
    openpyxl would store it as a formula, and a name typed as «=HYPERLINK(…)» would run."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _stored(value: Cell, kind: ColumnKind) -> Cell:
    """The value as the cell should hold it (see the module's docstring)."""
    if isinstance(value, Decimal):
        return float(value)
    if kind is ColumnKind.MARK and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value
