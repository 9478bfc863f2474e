"""Shared helpers of the workbook tests: turning a written workbook into CSV files and editing
a workbook cell by header, the way a coordinator would in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from documents import school_year_texts as t


def as_text(value: object) -> str:
    """A cell as a Russian Excel shows it and saves it to CSV."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value.time()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def workbook_to_csv(
    xlsx: Path, folder: Path, *, delimiter: str = ";", encoding: str = "utf-8-sig"
) -> dict[str, Path]:
    """Every data sheet of ``xlsx`` as «<sheet>.csv» in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    book = load_workbook(xlsx)
    files = {}
    for ws in book.worksheets:
        if ws.title == t.INSTRUCTIONS:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        for row in ws.iter_rows(values_only=True):
            writer.writerow([as_text(v) for v in row])
        path = folder / f"{ws.title}.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        files[ws.title] = path
    return files


def column_of(ws: Worksheet, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(header)


def set_cell(ws: Worksheet, row: int, header: str, value: Any) -> None:
    # ws.cell(..., value=None) would leave the old value: assign it to blank a cell
    ws.cell(row=row, column=column_of(ws, header)).value = value
