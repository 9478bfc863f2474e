"""Writing the school-year workbook: the «Инструкция» sheet, then the fifteen sheets with Russian
headers, real dates and times, drop-down lists of labels and columns wide enough to read.

What is written here reads back to equal records (tests/documents/test_round_trip.py).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.services.school_year_rows import SchoolYearRows
from documents import school_year_texts as t
from documents.school_year_sheets import SHEETS, CellOut, Column, Sheet

DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "HH:MM"
# Drop-down lists cover this many rows below the header even on an empty sheet, so that the
# coordinator gets them on rows they add.
LIST_ROWS = 2000
MIN_WIDTH, MAX_WIDTH = 8, 60
MAX_LIST_FORMULA = 255
# Required headers are blue, optional ones grey; the instructions say so.
REQUIRED_FILL = PatternFill("solid", fgColor="DDEBF7")
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
INSTRUCTION_WIDTHS = (22, 26, 14, 90)


def write_school_year(rows: SchoolYearRows, path: Path) -> None:
    """Write every sheet (empty ones too, with headers) and the instructions to ``path``.

    The file is written beside the target and then moved over it, so that a crash never leaves
    a half-written workbook where the previous good one was. It keeps mkstemp's owner-only
    permissions: the workbook holds children's personal data (152-ФЗ).
    """
    book = Workbook()
    instructions = book.active
    assert isinstance(instructions, Worksheet)  # a new Workbook always has one worksheet
    instructions.title = t.INSTRUCTIONS
    _write_instructions(instructions)
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, getattr(rows, sheet.attr))
    path = Path(path)
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_template(path: Path) -> None:
    """The workbook with one coherent example row per sheet, to be filled in by a school."""
    from documents.school_year_template import template_rows  # the example needs only this

    write_school_year(template_rows(), path)


def _write_sheet(ws: Worksheet, sheet: Sheet, records: Sequence[Any]) -> None:
    widths = []
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index, value=sheet.header(column))
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        widths.append(len(sheet.header(column)))
    for row_number, record in enumerate(records, start=2):
        for index, column in enumerate(sheet.columns, start=1):
            value = column.write(getattr(record, column.field))
            _put(ws, row_number, index, column, value)
            widths[index - 1] = max(widths[index - 1], _shown_length(value))
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(max(widths[index - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        if column.allowed and column.field != "roles":
            _drop_down(ws, letter, column.allowed, len(records))
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.columns))
    ws.auto_filter.ref = f"A1:{last}{len(records) + 1}"


def _put(ws: Worksheet, row: int, column_index: int, column: Column, value: CellOut) -> None:
    cell = ws.cell(row=row, column=column_index)
    if isinstance(value, str):
        # Control characters make openpyxl refuse to save; a text starting with «=» would become
        # a formula that runs when the coordinator opens the file (CSV/formula injection).
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        return
    cell.value = value
    if column.format == "date":
        cell.number_format = DATE_FORMAT
    elif column.format == "time":
        cell.number_format = TIME_FORMAT


def _shown_length(value: CellOut) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date | dt.time):
        return 10
    return len(str(value))


def _drop_down(ws: Worksheet, letter: str, allowed: Sequence[str], count: int) -> None:
    """A list to pick from, without forbidding other text: synonyms («контрольная») are valid
    too, and the reader reports anything it does not know, with the list of allowed values."""
    formula = '"' + ",".join(allowed) + '"'
    if len(formula) > MAX_LIST_FORMULA:  # Excel refuses the file beyond this; the list is a help
        return
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=False,
    )
    validation.add(f"{letter}2:{letter}{max(count + 1, LIST_ROWS)}")
    ws.add_data_validation(validation)


def _write_instructions(ws: Worksheet) -> None:
    for index, width in enumerate(INSTRUCTION_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    line_width = sum(INSTRUCTION_WIDTHS)
    row = 1
    ws.cell(row=row, column=1, value=t.INSTRUCTIONS_TITLE).font = Font(bold=True, size=14)
    row += 2
    for paragraph in (*t.INSTRUCTIONS_INTRO, t.REQUIRED_COLOURS):
        _paragraph(ws, row, paragraph, line_width)
        row += 1
    row += 1
    for index, header in enumerate(t.COLUMN_TABLE_HEADERS, start=1):
        ws.cell(row=row, column=index, value=header).font = BOLD
    row += 1
    for sheet in SHEETS:
        title = sheet.name + (f" {t.OPTIONAL_SHEET_NOTE}" if sheet.optional else "")
        ws.cell(row=row, column=1, value=title).font = BOLD
        ws.cell(row=row, column=2, value=t.SHEET_HELP[sheet.name]).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        ws.row_dimensions[row].height = _height(t.SHEET_HELP[sheet.name], line_width - 22)
        row += 1
        for column in sheet.columns:
            texts = sheet.texts(column)
            note = texts.help.rstrip(".") + "."
            if column.allowed:
                note += " " + t.ALLOWED_VALUES.format(values=", ".join(column.allowed))
            ws.cell(row=row, column=2, value=texts.header)
            ws.cell(row=row, column=3, value=t.YES if column.required else t.NO)
            ws.cell(row=row, column=4, value=note).alignment = WRAP
            ws.row_dimensions[row].height = _height(note, INSTRUCTION_WIDTHS[3])
            row += 1
        row += 1


def _paragraph(ws: Worksheet, row: int, text: str, line_width: int) -> None:
    ws.cell(row=row, column=1, value=text).alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    ws.row_dimensions[row].height = _height(text, line_width)


def _height(text: str, width: int) -> float:
    """Excel does not grow merged or wrapped rows by itself: about one line per ``width``
    characters, 15 points a line."""
    lines = max(1, -(-len(text) * 11 // (width * 10)))  # a little slack for wide letters
    return 15.0 * lines
