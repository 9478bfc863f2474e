"""The school-year workbook (SETUP-1..17, ADM-1): read an XLSX or CSV files into typed rows, write
rows back to a workbook that a coordinator can edit and import again.

Reading never raises on what is inside the file: every unreadable cell, missing column or sheet,
oversized or broken file becomes a Problem with the sheet, row and Russian column header, and the
row it spoils yields no record. Only a broken environment (a disk error) raises. References
between sheets stay names; core.services.school_year_check resolves them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from core.services.school_year_rows import Problem, RowRef, SchoolYearRows
from documents import school_year_texts as t
from documents.school_year_cells import CellError, CellValue, header_key, is_empty
from documents.school_year_sheets import SHEETS, Column, Sheet
from documents.school_year_writer import write_school_year, write_template

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Progress",
    "read_school_year",
    "russian_columns",
    "write_school_year",
    "write_template",
]

Progress = Callable[[str, int, int], None]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000  # data rows per sheet: a large school has ~2,000 students and ~1,500 lessons
# A zip bomb unpacks a small file into gigabytes; a school's workbook unpacks to a few MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Columns beyond these are never looked at: the widest sheet has nine, and a hostile row of a
# million cells must not be turned into a tuple.
MAX_COLUMNS = 64
# Empty rows count too once this far down: openpyxl fills gaps in row numbers with empty rows, so
# one cell at row 1,000,000 would otherwise mean a million iterations.
MAX_ROW_NUMBER = 5 * MAX_ROWS
PROGRESS_EVERY = 500


@dataclass
class _Table:
    """One sheet's cells as read from a file: the header row, then numbered rows."""

    name: str
    rows: Iterator[tuple[int, tuple[CellValue, ...]]]  # (spreadsheet row number, cells)
    total: int  # rows expected, for the progress bar; 0 when unknown


def read_school_year(path: Path, progress: Progress | None = None) -> SchoolYearRows:
    """Read a workbook (.xlsx), a folder of CSV files named after the sheets, or one such CSV file.

    Every sheet is read even after problems, so that the coordinator sees all of them at once.
    ``progress(sheet, rows_done, rows_total)`` is called as each sheet is read (total 0: unknown).
    """
    result = SchoolYearRows(sheets=set())
    report = progress or _no_progress
    path = Path(path)
    if path.is_dir():
        _read_csv_folder(path, result, report)
    elif not path.is_file():
        result.problems.append(Problem(path.name, None, None, t.NO_SUCH_FILE))
    elif path.suffix.lower() == ".csv":
        _read_csv_file(path, result, report)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, result, report)
    else:
        result.problems.append(Problem(path.name, None, None, t.UNSUPPORTED_FILE))
    return result


def russian_columns(problems: Iterable[Problem]) -> list[Problem]:
    """The problems with record field names («starts_on», as core's checks report them) replaced
    by the sheet's Russian headers («Начало»), ready to show to the coordinator."""
    return [
        Problem(p.sheet, p.row, t.header_of(p.sheet, p.column) if p.column else None, p.reason)
        for p in problems
    ]


def _no_progress(sheet: str, done: int, total: int) -> None:
    del sheet, done, total


# --- XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(path: Path, result: SchoolYearRows, progress: Progress) -> None:
    problem = _xlsx_problem(path)
    if problem is not None:
        result.problems.append(Problem(path.name, None, None, problem))
        return
    try:
        # data_only: a cell with a formula gives the value Excel computed, not «=A2&B2»
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same here
        result.problems.append(Problem(path.name, None, None, t.NOT_XLSX))
        return
    try:
        worksheets = {header_key(ws.title): ws for ws in book.worksheets}
        for sheet in SHEETS:
            ws = worksheets.get(header_key(sheet.name))
            if ws is None:
                if not sheet.optional:
                    result.problems.append(
                        Problem(sheet.name, None, None, t.MISSING_SHEET.format(sheet=sheet.name))
                    )
                progress(sheet.name, 0, 0)
                continue
            # The size written in the file may be missing or wrong: read until the rows end.
            total = max((ws.max_row or 1) - 1, 0)
            ws.reset_dimensions()
            rows = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            cells = (tuple(_plain(value) for value in row) for row in rows)
            table = _Table(sheet.name, _guarded(enumerate(cells, start=1)), total)
            _read_table(sheet, table, result, progress)
    finally:
        book.close()


def _plain(value: object) -> CellValue:
    """What a reader understands: rich text becomes its text, a Decimal a float, anything
    else unexpected (an array formula) its text, which then fails to read as what is wanted."""
    if value is None or isinstance(
        value, str | int | float | dt.datetime | dt.date | dt.time | dt.timedelta
    ):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _xlsx_problem(path: Path) -> str | None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return t.file_too_large(size / 1024 / 1024, MAX_FILE_BYTES // 1024 // 1024)
    if not zipfile.is_zipfile(path):
        return t.NOT_XLSX
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return t.NOT_XLSX
    if unpacked > MAX_UNPACKED_BYTES:
        return t.unpacked_too_large(MAX_UNPACKED_BYTES // 1024 // 1024)
    return None


# --- CSV ----------------------------------------------------------------------------------------


def _read_csv_folder(folder: Path, result: SchoolYearRows, progress: Progress) -> None:
    files = {
        header_key(p.stem): p
        for p in sorted(folder.iterdir())
        if p.suffix.lower() == ".csv" and p.is_file()
    }
    if not any(header_key(sheet.name) in files for sheet in SHEETS):
        result.problems.append(Problem(folder.name, None, None, t.FOLDER_WITHOUT_CSV))
        return
    for sheet in SHEETS:
        file = files.get(header_key(sheet.name))
        if file is None:
            if not sheet.optional:
                result.problems.append(
                    Problem(sheet.name, None, None, t.MISSING_CSV.format(sheet=sheet.name))
                )
            progress(sheet.name, 0, 0)
            continue
        _read_csv_sheet(file, sheet, result, progress)


def _read_csv_file(path: Path, result: SchoolYearRows, progress: Progress) -> None:
    """One sheet alone, e.g. a student list from another system: the other sheets are not
    expected, so their absence is no problem."""
    sheet = next((s for s in SHEETS if header_key(s.name) == header_key(path.stem)), None)
    if sheet is None:
        result.problems.append(Problem(path.name, None, None, t.CSV_NAME_UNKNOWN))
        return
    _read_csv_sheet(path, sheet, result, progress)


def _read_csv_sheet(path: Path, sheet: Sheet, result: SchoolYearRows, progress: Progress) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        reason = t.file_too_large(size / 1024 / 1024, MAX_FILE_BYTES // 1024 // 1024)
        result.problems.append(Problem(sheet.name, None, None, reason))
        return
    text = _decode(path.read_bytes())
    records = _csv_records(text)
    table = _Table(sheet.name, records, max(text.count("\n") - 1, 0))
    _read_table(sheet, table, result, progress)


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; UTF-16 («Юникод-текст» from Excel); else Windows-1251, which
    is what a Russian Excel writes when told «CSV (разделители — запятые)»."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _delimiter(text: str) -> str:
    """The separator of the header line: «;» from a Russian Excel, «,» from elsewhere, or a tab.
    Headers hold no separators themselves, so counting them is enough (csv.Sniffer guesses
    wrong on short files)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(";,\t", key=first.count) if any(d in first for d in ";,\t") else ","


def _csv_records(text: str) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, tuple(record[:MAX_COLUMNS])
    except csv.Error as error:
        raise _Unreadable(t.CSV_UNREADABLE, number + 1) from error


# --- one sheet ----------------------------------------------------------------------------------


def _read_table(sheet: Sheet, table: _Table, result: SchoolYearRows, progress: Progress) -> None:
    problems = result.problems
    progress(sheet.name, 0, table.total)
    records: list[Any] = []
    seen = 0
    try:
        header = next(table.rows, None)
        if header is None or all(is_empty(cell) for cell in header[1]):
            if not sheet.optional:
                problems.append(Problem(sheet.name, 1, None, t.NO_HEADER))
            progress(sheet.name, 0, 0)
            return
        columns, readable = _match_header(sheet, header[1], problems)
        if result.sheets is not None:
            result.sheets.add(sheet.name)
        for row_number, cells in table.rows:
            if row_number > MAX_ROW_NUMBER:
                raise _TooManyRows
            if all(is_empty(cell) for cell in cells):
                continue
            seen += 1
            if seen > MAX_ROWS:
                raise _TooManyRows
            if readable:
                record = _read_row(sheet, columns, row_number, cells, problems)
                if record is not None:
                    records.append(record)
            if seen % PROGRESS_EVERY == 0:
                progress(sheet.name, seen, max(table.total, seen))
    except _TooManyRows:
        # a sheet cut short would import as if the rest were deleted: keep none of it
        problems.append(Problem(sheet.name, None, None, t.too_many_rows(MAX_ROWS)))
        progress(sheet.name, seen, seen)
        return
    except _Unreadable as error:
        problems.append(Problem(sheet.name, error.row, None, error.reason))
        return
    if seen == 0 and not sheet.optional:
        problems.append(Problem(sheet.name, None, None, t.NO_ROWS))
    getattr(result, sheet.attr).extend(records)
    progress(sheet.name, seen, seen)


class _TooManyRows(Exception):
    pass


class _Unreadable(Exception):
    """The file under a sheet breaks off; what was read of the sheet is dropped with it."""

    def __init__(self, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


def _guarded(
    rows: Iterator[tuple[int, tuple[CellValue, ...]]],
) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    """The rows of a sheet whose XML may be damaged inside a sound zip: whatever openpyxl or the
    XML parser raises becomes one «sheet unreadable», while an error in this module's own code
    still surfaces as itself."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # ParseError, KeyError, ValueError...: all mean «damaged»
            raise _Unreadable(t.SHEET_UNREADABLE) from error
        yield row


def _match_header(
    sheet: Sheet, header: tuple[CellValue, ...], problems: list[Problem]
) -> tuple[dict[str, int], bool]:
    """Column positions by field. Rows are readable when every required column is there; a
    missing optional column is reported too (a renamed «Дата рождения» must not quietly erase
    birth dates on re-import) but the rest of the sheet is still read and checked."""
    keys_of = {
        column.field: [header_key(name) for name in (texts.header, *texts.aliases)]
        for column in sheet.columns
        for texts in (sheet.texts(column),)
    }
    known = {key for keys in keys_of.values() for key in keys}
    position: dict[str, int] = {}
    for index, cell in enumerate(header):
        if isinstance(cell, str) and cell.strip():
            key = header_key(cell)
            # two «Класс» columns are ambiguous; two columns of the school's own notes are not
            if key in position and key in known:
                reason = t.DUPLICATE_COLUMN.format(column=cell.strip())
                problems.append(Problem(sheet.name, 1, cell.strip(), reason))
            position.setdefault(key, index)
    columns: dict[str, int] = {}
    readable = True
    for column in sheet.columns:
        texts = sheet.texts(column)
        found = next((position[k] for k in keys_of[column.field] if k in position), None)
        if found is None:
            reason = t.MISSING_COLUMN.format(column=texts.header)
            problems.append(Problem(sheet.name, 1, texts.header, reason))
            readable = readable and not column.required
        else:
            columns[column.field] = found
    return columns, readable


def _read_row(
    sheet: Sheet,
    columns: dict[str, int],
    row_number: int,
    cells: tuple[CellValue, ...],
    problems: list[Problem],
) -> Any:
    values: dict[str, Any] = {}
    failed = False
    for column in sheet.columns:
        index = columns.get(column.field)
        cell = cells[index] if index is not None and index < len(cells) else None
        reason = _read_cell(column, cell, values)
        if reason is not None:
            problems.append(Problem(sheet.name, row_number, sheet.header(column), reason))
            failed = True
    if failed:
        return None
    if sheet.complete is not None:
        sheet.complete(values)
    return sheet.record(ref=RowRef(sheet.name, row_number), **values)


def _read_cell(column: Column, cell: CellValue, values: dict[str, Any]) -> str | None:
    """Puts the cell's value into ``values``; returns the reason when it cannot."""
    value: Any = None
    if not is_empty(cell):
        try:
            value = column.read(cell)
        except CellError as error:
            return error.reason
    if value is None or value == "":  # text of control characters only is empty too
        if column.required:
            return t.EMPTY_REQUIRED
        value = column.default
    values[column.field] = value
    return None
