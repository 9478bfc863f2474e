"""The final marks sheet (REP-8, «Сводная ведомость итоговых отметок») in the usual printed form.

One A4 landscape page per study period and one for the year (the Report's tables, see
core.model.reports): the heading, then a ruled grid — «№», «Фамилия И. О.», one narrow column per
subject whose name stands upright in a tall header cell (reading bottom to top, as on the
printed forms), wrapped over two or three lines, or the subject's short name when the full one
does not fit — then the «Итого» row if any, and the class teacher's signature and date lines.

Rows share the page's height: 30 students × 20 subjects fit one page with 8-pt names; a class
too large for one page continues on the next with the grid's header repeated. A «2» and «н/а»
are shaded so that they stand out on a black-and-white printer.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from core.model.reports import Column, Report, Table
from documents.pdf_fonts import SANS
from documents.reports import texts as t
from documents.reports.cells import Zone, cell_text, local_made_at, totals_row
from documents.reports.pdf_base import (
    HEAD_FILL,
    LINE,
    PAD,
    Grid,
    ReportPdf,
    fit_text,
    printable,
    text_width,
)

MARGIN = 10.0
TOP = 7.0
BOTTOM = 10.0  # the page number and «Сформирован» print below
NUMBER_W = 8.0
NAME_W = (38.0, 62.0)  # mm, the narrowest and widest name column
SUBJECT_W = 16.0  # mm at most: a few subjects do not stretch over the page
HEADER_H = (18.0, 33.0)  # mm, the upright subject names' header
ROW_H = (4.0, 7.0)  # mm, the row height range; 30 rows of ~4.5 mm fit under the header
SIGN_H = 9.0  # mm for the signature and date lines
HEAD_SIZE = 7.5  # pt of the upright subject names
BODY_SIZE = 8.0  # pt of the names and marks


def final_sheet_pdf(report: Report, *, tz: Zone = None) -> bytes:
    """The sheet as PDF bytes: a page (or more, for a class too large) per table."""
    pdf = ReportPdf(landscape=True, margin=MARGIN, bottom=BOTTOM)
    pdf.set_auto_page_break(False, margin=BOTTOM)  # every page break is decided below
    _, made = local_made_at(report, tz)
    pdf.footer_note = t.made_line(made)
    for table in report.tables:
        _period(pdf, report, table)
    if not report.tables:
        pdf.add_page()
        _heading(pdf, report, report.period)
        pdf.set_font(SANS, "", 10)
        pdf.cell(0, 6, t.NO_ROWS)
    return bytes(pdf.output())


def _heading(pdf: ReportPdf, report: Report, period: str) -> None:
    pdf.set_y(TOP)
    pdf.set_font(SANS, "B", 12)
    title = report.title or t.FINAL_SHEET_TITLE
    pdf.cell(0, 6, printable(pdf, title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "", 8.5)
    pdf.cell(0, 4.5, printable(pdf, report.school), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "B", 10)
    line = t.final_sheet_line(report.scope, report.period, period)
    pdf.cell(0, 5, printable(pdf, line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _period(pdf: ReportPdf, report: Report, table: Table) -> None:
    pdf.add_page()
    _heading(pdf, report, table.title)
    columns = table.columns
    subjects = columns[1:]
    rows = [
        [str(n), *(cell_text(v, c.kind) for v, c in zip(row, columns, strict=True))]
        for n, row in enumerate(table.rows, start=1)
    ]
    totals = totals_row(table)
    total_cells = (
        ["", *(cell_text(v, c.kind) for v, c in zip(totals, columns, strict=True))]
        if totals is not None
        else None
    )
    name_w = _name_width(pdf, [r[1] for r in rows] + ([t.TOTAL] if total_cells else []))
    room = pdf.width - NUMBER_W - name_w
    subject_w = min(SUBJECT_W, room / len(subjects)) if subjects else 0.0
    widths = [NUMBER_W, name_w, *([subject_w] * len(subjects))]
    labels = [_upright_lines(pdf, c, subject_w) for c in subjects]
    header_h = _header_height(pdf, labels)
    extra = 1 if total_cells else 0
    room_h = pdf.bottom - pdf.get_y() - header_h - SIGN_H
    row_h = max(ROW_H[0], min(ROW_H[1], room_h / max(1, len(rows) + extra)))
    size = BODY_SIZE if row_h >= 4.4 else 7.0
    grid = Grid(
        widths=widths,
        aligns=["C", "L", *(["C"] * len(subjects))],
        size=size,
        row_h=row_h,
        shaded=frozenset(range(2, len(widths))),
    )
    titles = [t.NUMBER, columns[0].title if columns else ""]
    _draw_header(pdf, grid, titles, labels, header_h)
    if not rows:
        pdf.set_font(SANS, "", 9)
        pdf.cell(0, 6, t.NO_ROWS, new_x="LMARGIN", new_y="NEXT")
    for number, cells in enumerate(rows, start=1):
        last = number == len(rows)
        if pdf.get_y() + row_h * (1 + (extra if last else 0)) > pdf.bottom:
            pdf.add_page()  # a class larger than a page: go on with the header repeated
            _heading(pdf, report, table.title)
            _draw_header(pdf, grid, titles, labels, header_h)
        grid.draw_row(pdf, cells)
    if total_cells is not None:
        total_cells[1] = total_cells[1] or t.TOTAL
        grid.draw_row(pdf, total_cells, bold=True)
    _signature(pdf)


def _name_width(pdf: FPDF, names: Sequence[str]) -> float:
    pdf.set_font(SANS, "", BODY_SIZE)
    longest = max((text_width(pdf, printable(pdf, n)) for n in names), default=0.0)
    return max(NAME_W[0], min(NAME_W[1], longest + 2 * PAD + 1))


def _upright_lines(pdf: FPDF, column: Column, width: float) -> list[str]:
    """The subject's name in lines to stand upright in a column ``width`` mm wide: the full
    name wrapped when it fits in the lines the width has room for, else the short name, else
    the full name cut with «…»."""
    pdf.set_font(SANS, "", HEAD_SIZE)
    room = HEADER_H[1] - 2 * PAD
    most = max(1, int((width - 0.6) / (HEAD_SIZE * LINE)))
    for name in (column.title, column.short):
        if not name:
            continue
        lines = _wrap(pdf, printable(pdf, name), room)
        if lines is not None and len(lines) <= most:
            return lines
    return [fit_text(pdf, printable(pdf, column.short or column.title), room)]


def _wrap(pdf: FPDF, text: str, width: float) -> list[str] | None:
    """``text`` broken at spaces into lines of ``width`` mm, None if a word is longer."""
    lines: list[str] = []
    for word in text.split():
        if text_width(pdf, word) > width:
            return None
        if lines and text_width(pdf, f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _header_height(pdf: FPDF, labels: Sequence[Sequence[str]]) -> float:
    pdf.set_font(SANS, "", HEAD_SIZE)
    longest = max((text_width(pdf, line) for lines in labels for line in lines), default=0.0)
    return max(HEADER_H[0], min(HEADER_H[1], longest + 2 * PAD + 1))


def _draw_header(
    pdf: FPDF, grid: Grid, titles: Sequence[str], labels: Sequence[Sequence[str]], height: float
) -> None:
    """«№» and the name column's title lying, the subjects' names standing upright."""
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*HEAD_FILL)
    pdf.set_font(SANS, "B", grid.size)
    for title, w in zip(titles, grid.widths[:2], strict=True):
        pdf.rect(x, y, w, height, style="DF")
        pdf.set_xy(x, y + (height - grid.size * LINE) / 2)
        pdf.cell(w, grid.size * LINE, fit_text(pdf, printable(pdf, title), w - 2 * PAD), align="C")
        x += w
    pdf.set_font(SANS, "", HEAD_SIZE)
    line_h = HEAD_SIZE * LINE
    for lines, w in zip(labels, grid.widths[2:], strict=True):
        pdf.rect(x, y, w, height, style="DF")
        left = x + (w - len(lines) * line_h) / 2
        for number, line in enumerate(lines):
            # rotated 90° about its start: the line then reads upwards from the cell's foot
            base_x = left + (number + 1) * line_h - line_h * 0.22
            base_y = y + height - PAD
            with pdf.rotation(90, base_x, base_y):
                pdf.text(base_x, base_y, fit_text(pdf, line, height - 2 * PAD))
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _signature(pdf: FPDF) -> None:
    pdf.ln(3.5)
    pdf.set_font(SANS, "", 9)
    pdf.cell(pdf.epw * 0.62, 5, t.CLASS_TEACHER_SIGN)
    pdf.cell(0, 5, t.DATE_SIGN, align="R", new_x="LMARGIN", new_y="NEXT")
