"""A report's tables as CSV files (REP-9), written the way a Russian Excel reads them by a
double click:

- UTF-8 with a BOM: without it Excel takes the file for Windows-1251 and shows the Cyrillic as
  «РђР±РІ»; LibreOffice, pandas (encoding="utf-8-sig") and 1C read the BOM as well;
- «;» between the cells: Russian Windows has the comma as its decimal separator, so Excel's
  list separator there is the semicolon, and a file with commas opens as one column;
- the decimal comma («95,5», «4,25»): with a point Excel in a Russian locale reads «4.25» as
  text or, worse, as a date (4 May); a percentage has one decimal, an average two, and no «%»
  sign, so that the cell stays a number;
- dates as «29.11.2026», which that Excel reads as dates; CRLF line ends as Excel writes them.

A CSV file is one plain table: the header row and the rows. The school, title and period go in
the file's name; the «Итого» row and the notes are left out by default, because a table meant
for analysis (a pivot table, a sum of a column) would count the totals twice — they are in the
XLSX and the PDF. A text cell beginning with «=», «+», «-» or «@» gets a leading apostrophe, so
that Excel shows it as text instead of running it as a formula (a name typed as «=HYPERLINK(…)»).
"""

from __future__ import annotations

import csv
import io

from core.model.reports import ColumnKind, Report, Table
from documents.reports.cells import cell_text, file_name, totals_row

DELIMITER = ";"
ENCODING = "utf-8-sig"  # writes the BOM
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table_csv(table: Table, *, with_totals: bool = False) -> bytes:
    """One table as the bytes of a CSV file (BOM, «;», decimal comma)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([_safe(c.title) for c in table.columns])
    rows = list(table.rows)
    totals = totals_row(table) if with_totals else None
    if totals is not None:
        rows.append(totals)
    for row in rows:
        writer.writerow(
            [
                _safe(text) if column.kind in (ColumnKind.TEXT, ColumnKind.MARK) else text
                for text, column in (
                    (cell_text(value, column.kind), column)
                    for value, column in zip(row, table.columns, strict=True)
                )
            ]
        )
    return buffer.getvalue().encode(ENCODING)


def report_csvs(report: Report, *, with_totals: bool = False) -> list[tuple[str, bytes]]:
    """Every table of the report as (file name, bytes); a report of several tables names each
    file after its table («distribution_7-е-классы_…_Качество-знаний.csv»)."""
    several = len(report.tables) > 1
    return [
        (
            file_name(report, "csv", table.title if several else ""),
            table_csv(table, with_totals=with_totals),
        )
        for table in report.tables
    ]


def _safe(text: str) -> str:
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True
