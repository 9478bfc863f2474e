"""Computed reports (core.model.reports.Report) drawn and written to files (REP-8, REP-9, CT-2).

    from documents.reports import Format, render, render_files, write

    png = render(report, Format.PNG)                  # the chart for the bot (1080 px wide)
    xlsx = render(report, "xlsx", tz="Asia/Yekaterinburg")
    csv_bytes = render(report, Format.CSV, table=1)   # one table; render_files: one per table
    pdf = render(report, Format.PDF)                  # the final marks sheet gets its own form
    sheet = render(report, Format.ONE_PAGE)           # one A4 page for a parents' meeting
    for f in render_files(report, Format.CSV): f.name, f.data, f.mime
    paths = write(report, Format.XLSX, Path("out"))

File names: «mastery_7А_2-я-четверть-2026-2027.xlsx» (cells.file_name). ``tz`` is the school's
time zone for «Сформирован»; without it the time is printed in UTC, saying so.

Each format lives in its module (charts, xlsx, csv_export, pdf, final_sheet_pdf, one_page_pdf),
imported only when asked for: matplotlib, openpyxl and fpdf2 cost the bot nothing at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.model.reports import FINAL_SHEET, Report
from documents.reports import texts as t
from documents.reports.cells import Zone, file_name


class Format(StrEnum):
    PNG = "png"  # the chart alone
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"  # printable, as many pages as it takes
    ONE_PAGE = "one_page"  # a PDF of exactly one A4 page (CT-2)


MIME = {
    Format.PNG: "image/png",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV: "text/csv",
    Format.PDF: "application/pdf",
    Format.ONE_PAGE: "application/pdf",
}


# the reports whose point is paper: the final marks sheet, and the one-page summaries for a
# parents' meeting (CT-2), which print on exactly one A4 page
PRINTED = frozenset({FINAL_SHEET, "class-profile", "student-profile"})
ONE_PAGE_REPORTS = frozenset({"class-profile", "student-profile"})


def pdf_format(report: Report) -> Format:
    """How a report is printed: on one page for a parents' meeting, else as many as it takes."""
    return Format.ONE_PAGE if report.name in ONE_PAGE_REPORTS else Format.PDF


@dataclass(frozen=True)
class ReportFile:
    name: str  # safe on any file system, Cyrillic kept
    data: bytes
    mime: str


def render(report: Report, fmt: Format | str, *, tz: Zone = None, table: int = 0) -> bytes:
    """The report in one file's bytes. ``table`` picks the table of a CSV (the first by
    default). Raises ValueError for a PNG of a report without a chart, or a CSV table that is
    not there."""
    fmt = Format(fmt)
    if fmt is Format.PNG:
        from documents.reports.charts import chart_png

        return chart_png(report)
    if fmt is Format.XLSX:
        from documents.reports.xlsx import report_xlsx

        return report_xlsx(report, tz=tz)
    if fmt is Format.CSV:
        from documents.reports.csv_export import table_csv

        if not 0 <= table < len(report.tables):
            raise ValueError(f"report {report.name!r} has no table {table}")
        return table_csv(report.tables[table])
    if fmt is Format.ONE_PAGE:
        from documents.reports.one_page_pdf import one_page_pdf

        return one_page_pdf(report, tz=tz)
    if report.name == FINAL_SHEET:
        from documents.reports.final_sheet_pdf import final_sheet_pdf

        return final_sheet_pdf(report, tz=tz)
    from documents.reports.pdf import report_pdf

    return report_pdf(report, tz=tz)


def name_for(report: Report, fmt: Format | str) -> str:
    """The file name of the report in ``fmt`` (a CSV of several tables: see render_files)."""
    fmt = Format(fmt)
    if fmt is Format.ONE_PAGE:
        return file_name(report, "pdf", t.ONE_PAGE_PART)
    return file_name(report, fmt.value)


def render_files(report: Report, fmt: Format | str, *, tz: Zone = None) -> list[ReportFile]:
    """The report as files: one per table for CSV, else one."""
    fmt = Format(fmt)
    if fmt is Format.CSV:
        from documents.reports.csv_export import report_csvs

        return [ReportFile(n, d, MIME[fmt]) for n, d in report_csvs(report)]
    return [ReportFile(name_for(report, fmt), render(report, fmt, tz=tz), MIME[fmt])]


def write(report: Report, fmt: Format | str, folder: Path, *, tz: Zone = None) -> list[Path]:
    """The report's files written into ``folder`` (made if missing); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in render_files(report, fmt, tz=tz):
        path = folder / item.name
        path.write_bytes(item.data)
        paths.append(path)
    return paths
