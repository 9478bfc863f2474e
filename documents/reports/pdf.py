"""Any report as a printable A4 PDF: the heading (school, title, scope · period, when made), the
chart when there is one, every table ruled with its header row repeated on each page it runs
onto and the «Итого» row in bold, then the notes; pages numbered «Стр. N из M».

The page turns landscape when a table's columns, each as wide as its longest cell, do not fit a
portrait page; a table too wide even for landscape gets smaller letters (down to 6.5 pt), then
its widest columns wrap. Numbers are right-aligned, marks and dates centred.

The final marks sheet (REP-8) has its own layout: documents.reports.final_sheet_pdf.
"""

from __future__ import annotations

import io

from fpdf.fonts import FontFace

from core.model.reports import Report, Table
from documents.pdf_fonts import SANS
from documents.reports import texts as t
from documents.reports.cells import Zone
from documents.reports.pdf_base import (
    A4_LONG,
    A4_SHORT,
    ALIGN,
    HEAD_FILL,
    ReportPdf,
    for_print,
    heading,
    least_widths,
    place_image,
    printable,
    table_texts,
    wrapping_widths,
)

MARGIN = 12.0
BODY = 9.0  # pt
SQUEEZE = 0.8  # the share of a portrait page the tables' narrowest widths may take
SMALLEST = 6.5  # pt: below this a printed table is no longer read
CHART_W = 178.0  # mm: the print chart's own width (7 in), so its letters print at their size
_HEADINGS = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
_TOTALS = FontFace(emphasis="BOLD")


def report_pdf(report: Report, *, tz: Zone = None, chart_png: bytes | None = None) -> bytes:
    """The report as PDF bytes. ``chart_png`` is the chart drawn for print (made here from the
    report's chart when None; pass b"" to leave the chart out)."""
    report = for_print(report)
    pdf = ReportPdf(landscape=False, margin=MARGIN)
    sizes = [_font_size(pdf, table) for table in report.tables]
    landscape = any(landscape for _, landscape in sizes)
    pdf.add_page(orientation="L" if landscape else "P")
    heading(pdf, report, tz)
    if chart_png is None and report.chart is not None:
        from documents.reports.charts import PRINT
        from documents.reports.charts import chart_png as draw

        chart_png = draw(report, PRINT)
    if chart_png:
        _chart(pdf, chart_png)
    for table, (size, _) in zip(report.tables, sizes, strict=True):
        _table(pdf, table, size)
    if report.notes:
        _notes(pdf, report.notes)
    return bytes(pdf.output())


def _font_size(pdf: ReportPdf, table: Table) -> tuple[float, bool]:
    """The letter size of a table and whether it needs a landscape page."""
    texts = table_texts(table)
    portrait = A4_SHORT - 2 * MARGIN
    landscape = A4_LONG - 2 * MARGIN
    # portrait while its text columns can wrap to fit without being squeezed to a word a line
    if sum(least_widths(pdf, table.columns, texts, BODY)) <= portrait * SQUEEZE:
        return BODY, False
    size = BODY
    while size > SMALLEST and sum(least_widths(pdf, table.columns, texts, size)) > landscape:
        size -= 0.5
    return size, True


def _chart(pdf: ReportPdf, png: bytes) -> None:
    pdf.ln(3)
    room = pdf.bottom - pdf.get_y()
    full = pdf.bottom - pdf.t_margin
    width = min(CHART_W, pdf.width)
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        height = width * picture.height / picture.width
    if height > room and room < full * 0.6:  # a tall chart gets a page of its own
        pdf.add_page()
    height = place_image(pdf, png, pdf.l_margin, pdf.get_y(), pdf.width, min(height, full))
    pdf.set_y(pdf.get_y() + height + 2)


def _table(pdf: ReportPdf, table: Table, size: float) -> None:
    if pdf.get_y() > pdf.bottom - 25:  # a title never ends a page alone
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(SANS, "B", 11)
    pdf.multi_cell(0, 6, printable(pdf, table.title), new_x="LMARGIN", new_y="NEXT")
    texts = table_texts(table)
    if not texts:
        pdf.set_font(SANS, "", BODY)
        pdf.cell(0, 5, t.NO_ROWS, new_x="LMARGIN", new_y="NEXT")
        return
    widths = wrapping_widths(pdf, table.columns, texts, size, pdf.width)
    has_totals = table.totals is not None
    pdf.set_font(SANS, "", size)
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        headings_style=_HEADINGS,
        line_height=size * 0.5,
        text_align=tuple(ALIGN[c.kind] for c in table.columns),
        repeat_headings=1,
        first_row_as_headings=True,
    ) as grid:
        head = grid.row()
        for column in table.columns:
            head.cell(printable(pdf, column.title), align="C")
        for number, row in enumerate(texts, start=1):
            style = _TOTALS if has_totals and number == len(texts) else None
            cells = grid.row()
            for text in row:
                cells.cell(printable(pdf, text), style=style)
    pdf.ln(1)


def _notes(pdf: ReportPdf, notes: tuple[str, ...]) -> None:
    pdf.ln(2)
    pdf.set_font(SANS, "", 8.5)
    for note in notes:
        pdf.multi_cell(0, 4.2, printable(pdf, note), new_x="LMARGIN", new_y="NEXT")
