"""A report on ONE A4 page for a parents' meeting (CT-2): the class's or a student's figures that
a class teacher prints and hands round, or shows on a projector.

The heading, the chart on top, the tables compact under it (one line per row, a cell too long
for its column cut with «…»), the notes at the foot. What must give way to keep one page does so
in this order: the chart gets lower (90 → 62 mm), the letters smaller (9 → 5 pt); only if a
table is still too long at 5 pt (hundreds of rows: not a meeting's report) its last rows are
left out with a line saying how many — the full report is in the XLSX or the ordinary PDF.
The layout is measured before anything is drawn, so the page count is one by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.model.reports import ColumnKind, Report, Table
from documents.pdf_fonts import SANS
from documents.reports import texts as t
from documents.reports.cells import Zone, local_made_at
from documents.reports.pdf_base import (
    ALIGN,
    LINE,
    Grid,
    ReportPdf,
    column_widths,
    for_print,
    place_image,
    printable,
    table_texts,
)

MARGIN = 10.0
BOTTOM = 10.0  # «Сформирован» prints below
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)  # pt, the tables' letters, largest first
CHART_HEIGHTS = (90.0, 75.0, 62.0)  # mm, highest first
HEADING_H = 17.0  # mm: title, school, scope · period
GAP = 2.0  # mm between the blocks


@dataclass(frozen=True)
class _Plan:
    size: float
    chart_h: float
    rows: tuple[int, ...]  # rows of each table that are printed (the «Итого» row included)


def one_page_pdf(report: Report, *, tz: Zone = None) -> bytes:
    """The report on exactly one A4 portrait page, as PDF bytes."""
    pdf = ReportPdf(landscape=False, margin=MARGIN, bottom=BOTTOM)
    pdf.set_auto_page_break(False, margin=BOTTOM)  # the plan below keeps everything on the page
    _, made = local_made_at(report, tz)
    pdf.footer_note = t.made_line(made)
    pdf.add_page()
    report = for_print(report)
    texts = [table_texts(table) for table in report.tables]
    plan = _plan(pdf, report, texts)
    _heading(pdf, report)
    if plan.chart_h:
        from documents.reports.charts import COMPACT, chart_png

        png = chart_png(report, COMPACT, height_in=plan.chart_h / 25.4)
        height = place_image(pdf, png, pdf.l_margin, pdf.get_y(), pdf.width, plan.chart_h)
        pdf.set_y(pdf.get_y() + height + GAP)
    for table, rows, shown in zip(report.tables, texts, plan.rows, strict=True):
        _table(pdf, table, rows, shown, plan.size)
    _notes(pdf, report.notes, plan.size)
    return bytes(pdf.output())


def _plan(pdf: ReportPdf, report: Report, texts: Sequence[list[list[str]]]) -> _Plan:
    room = pdf.bottom - pdf.t_margin - HEADING_H
    heights = CHART_HEIGHTS if report.chart is not None else (0.0,)
    full = tuple(len(rows) for rows in texts)
    for size in SIZES:
        fixed, row_h = _heights(pdf, report, texts, size)
        body = fixed + sum(max(1, n) for n in full) * row_h
        for chart_h in heights:
            if chart_h + body <= room:
                return _Plan(size, chart_h, full)
    size, chart_h = SIZES[-1], heights[-1]
    fixed, row_h = _heights(pdf, report, texts, size)
    shown = list(full)

    def needed() -> float:
        cut = sum(1 for n, m in zip(shown, full, strict=True) if n < m)
        rows = sum(max(1, n) for n in shown)
        return chart_h + fixed + rows * row_h + cut * _note_line_h(size)

    while needed() > room and any(shown):
        longest = max(range(len(shown)), key=lambda i: shown[i])
        shown[longest] -= 1
    return _Plan(size, chart_h, tuple(shown))


def _heights(
    pdf: ReportPdf, report: Report, texts: Sequence[list[list[str]]], size: float
) -> tuple[float, float]:
    """At ``size`` pt: the height (mm) of the tables' titles and headers and of the notes, and
    the height of one row."""
    total = GAP
    row_h = size * LINE + 1.0
    for table, rows in zip(report.tables, texts, strict=True):
        grid = _grid(pdf, table, rows, size)
        total += _title_h(size) + grid.header_height(pdf, [c.title for c in table.columns]) + GAP
    pdf.set_font(SANS, "", _note_size(size))
    for note in report.notes:
        lines = pdf.multi_cell(0, 1, printable(pdf, note), dry_run=True, output="LINES")
        total += max(1, len(lines) if isinstance(lines, list) else 1) * _note_line_h(size)
    return total, row_h


def _grid(pdf: ReportPdf, table: Table, rows: list[list[str]], size: float) -> Grid:
    widths = column_widths(pdf, table.columns, rows, size, pdf.width)
    return Grid(
        widths=widths,
        aligns=[ALIGN[c.kind] for c in table.columns],
        size=size,
        row_h=size * LINE + 1.0,  # as _heights counts it
        shaded=frozenset(i for i, c in enumerate(table.columns) if c.kind is ColumnKind.MARK),
    )


def _title_h(size: float) -> float:
    return (size + 1) * LINE + 1.5


def _note_size(size: float) -> float:
    return max(5.0, size - 1)


def _note_line_h(size: float) -> float:
    return _note_size(size) * LINE + 0.3


def _heading(pdf: ReportPdf, report: Report) -> None:
    top = pdf.get_y()
    pdf.set_font(SANS, "B", 13)
    pdf.cell(0, 6, printable(pdf, report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "", 8)
    pdf.set_text_color(90)
    pdf.cell(0, 4, printable(pdf, report.school), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(SANS, "B", 10)
    subtitle = printable(pdf, t.subtitle(report.scope, report.period))
    pdf.cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + HEADING_H)


def _table(pdf: ReportPdf, table: Table, rows: list[list[str]], shown: int, size: float) -> None:
    grid = _grid(pdf, table, rows, size)
    pdf.set_font(SANS, "B", size + 1)
    pdf.cell(0, _title_h(size), printable(pdf, table.title), new_x="LMARGIN", new_y="NEXT")
    grid.draw_header(pdf, [c.title for c in table.columns])
    has_totals = table.totals is not None
    if not rows:
        grid.draw_row(pdf, [t.NO_ROWS, *([""] * (len(table.columns) - 1))])
    kept = rows[:shown]
    if shown < len(rows) and has_totals:  # the «Итого» row is kept, the rows above it cut
        kept = [*rows[: max(0, shown - 1)], rows[-1]]
    for number, cells in enumerate(kept, start=1):
        is_total = has_totals and number == len(kept) and kept[-1] is rows[-1]
        grid.draw_row(pdf, cells, bold=is_total)
    if shown < len(rows):
        pdf.set_font(SANS, "", _note_size(size))
        more = t.MORE_ROWS.format(count=len(rows) - len(kept))
        pdf.cell(0, _note_line_h(size), more, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(GAP)


def _notes(pdf: ReportPdf, notes: Sequence[str], size: float) -> None:
    pdf.set_font(SANS, "", _note_size(size))
    for note in notes:
        pdf.multi_cell(0, _note_line_h(size), printable(pdf, note), new_x="LMARGIN", new_y="NEXT")
