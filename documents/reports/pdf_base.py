"""What the report PDFs share: an A4 document with DejaVu Sans and numbered pages, the report's
heading, text made printable, column widths measured and fitted, and a ruled grid drawn cell by
cell for the layouts that must know each row's height in advance (the final marks sheet, the
one-page report).

Imported only by the PDF renderers, which the facade (documents.reports) imports on demand.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fpdf import FPDF
from fpdf.fonts import TTFFont

from core.model.reports import Column, ColumnKind, Report, Table
from documents.pdf_fonts import SANS, font_files
from documents.reports import texts as t
from documents.reports.cells import Zone, cell_text, local_made_at

A4_SHORT = 210.0
A4_LONG = 297.0
HEAD_FILL = (230, 230, 230)
MARKED_FILL = (215, 215, 215)  # a «2» or «н/а» stands out on a black-and-white printer
GREY = 90
PAD = 1.0  # mm left and right inside a cell
LINE = 0.42  # mm of line height per point of font size (≈ 1.2 leading)
ALIGN = {
    ColumnKind.TEXT: "L",
    ColumnKind.COUNT: "R",
    ColumnKind.PERCENT: "R",
    ColumnKind.AVERAGE: "R",
    ColumnKind.MARK: "C",
    ColumnKind.DATE: "C",
}
FOOTER_Y = 8.0  # mm from the page's foot to the page number's line
LIST_OVER = 5  # columns: a one-row table wider than this prints as a list (for_print)
LOW_MARKS = frozenset({"2", "1", "н/а", "НА"})


class ReportPdf(FPDF):
    """A4 with DejaVu Sans (regular and bold) and «Стр. N из M» at the foot of every page."""

    def __init__(self, *, landscape: bool, margin: float = 12.0, bottom: float = 14.0) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        files = font_files()
        self.add_font(SANS, "", files.sans)  # only the two faces used: each costs ~30 ms to parse
        self.add_font(SANS, "B", files.sans_bold)
        self.set_margins(margin, margin, margin)
        self.set_auto_page_break(True, margin=bottom)
        self.set_creator("dnevnik-bot")
        self.footer_note = ""  # printed at the left of the page number («Сформирован: …»)

    @property
    def width(self) -> float:
        """The printable width between the side margins."""
        return float(self.w - self.l_margin - self.r_margin)

    @property
    def bottom(self) -> float:
        """Where the printable area ends."""
        return float(self.h - self.b_margin)

    def footer(self) -> None:
        self.set_y(-FOOTER_Y)
        self.set_font(SANS, "", 7)
        self.set_text_color(GREY)
        if self.footer_note:
            self.cell(self.width / 2, 3.5, self.footer_note)
            self.set_x(self.l_margin)
        self.cell(0, 3.5, t.PAGE.format(page=self.page_no()), align="R")
        self.set_text_color(0)


def printable(pdf: FPDF, text: str) -> str:
    """``text`` on one line, without control characters or glyphs the current font lacks (an
    emoji would print as an empty box)."""
    font = pdf.current_font
    cmap = font.cmap if isinstance(font, TTFFont) else {}
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf") and ord(ch) in cmap)
    )
    return " ".join(kept.split())


def text_width(pdf: FPDF, text: str) -> float:
    """``pdf.get_string_width`` remembered per font, size and text: fpdf2 takes ~40 µs a call
    and a class's sheet measures the same «5» and «4» thousands of times."""
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, text)
    cache: dict[tuple[str, str, float, str], float] = pdf.__dict__.setdefault("_widths", {})
    width = cache.get(key)
    if width is None:
        width = cache[key] = float(pdf.get_string_width(text))
    return width


def fit_text(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with «…» to ``width`` mm in the current font (whole when it fits)."""
    if text_width(pdf, text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(pdf, text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def heading(pdf: ReportPdf, report: Report, tz: Zone, *, title: str | None = None) -> None:
    """School, title, scope · period and «Сформирован» at the top of the first page."""
    _, made = local_made_at(report, tz)
    pdf.set_font(SANS, "", 9)
    pdf.set_text_color(GREY)
    pdf.multi_cell(0, 4.2, printable(pdf, report.school), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(SANS, "B", 14)
    pdf.multi_cell(0, 6.5, printable(pdf, title or report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "", 10)
    subtitle = printable(pdf, t.subtitle(report.scope, report.period))
    pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "", 8)
    pdf.set_text_color(GREY)
    pdf.cell(0, 4, t.made_line(made), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)


def for_print(report: Report) -> Report:
    """The report with each table of one row and many columns (a class's summary: fifteen
    figures) turned into a list of «Показатель | Значение» lines, which a page's width holds
    and a reader reads down; the XLSX and CSV keep the row for analysis."""
    tables = []
    for table in report.tables:
        if len(table.rows) == 1 and table.totals is None and len(table.columns) > LIST_OVER:
            (row,) = table.rows
            lines = tuple(
                (c.title, cell_text(v, c.kind)) for c, v in zip(table.columns, row, strict=True)
            )
            columns = (Column("name", t.INDICATOR), Column("value", t.VALUE))
            table = Table(table.title, columns, lines)
        tables.append(table)
    return replace(report, tables=tuple(tables))


def table_texts(table: Table) -> list[list[str]]:
    """Every row (and the «Итого» row last) as printed."""
    from documents.reports.cells import totals_row

    rows = list(table.rows)
    totals = totals_row(table)
    if totals is not None:
        rows.append(totals)
    return [[cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)] for row in rows]


def natural_widths(
    pdf: FPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float
) -> list[float]:
    """Each column's width (mm) for its longest cell on one line and its header's longest word
    (headers wrap at spaces), at ``size`` pt."""
    return [
        max(head, body)
        for head, body in zip(
            _header_widths(pdf, columns, size), body_widths(pdf, columns, rows, size), strict=True
        )
    ]


def body_widths(
    pdf: FPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float
) -> list[float]:
    """Each column's width (mm) for its longest cell on one line, at ``size`` pt."""
    pdf.set_font(SANS, "", size)
    return [
        max((text_width(pdf, row[number]) for row in rows), default=0.0) + 2 * PAD + 0.5
        for number in range(len(columns))
    ]


def _header_widths(pdf: FPDF, columns: Sequence[Column], size: float) -> list[float]:
    pdf.set_font(SANS, "B", size)
    return [
        max((text_width(pdf, w) for w in c.title.split()), default=0.0) + 2 * PAD + 0.5
        for c in columns
    ]


def column_widths(
    pdf: FPDF,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    size: float,
    total: float,
) -> list[float]:
    """Widths (mm) for cells on one line (the one-page grid), adding up to at most ``total``.
    Columns wider for their header's long word («Успеваемость» over «75,0») give way first —
    their header then breaks inside the word — and only then are the widest cells capped (and
    cut with «…» by the grid)."""
    body = body_widths(pdf, columns, rows, size)
    natural = [max(h, b) for h, b in zip(_header_widths(pdf, columns, size), body, strict=True)]
    floor = [max(b, 2 * PAD + text_width(pdf, "Ш" * 3)) for b in body]  # room for a syllable
    return _between(natural, floor, total)


def wrapping_widths(
    pdf: FPDF,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    size: float,
    total: float,
) -> list[float]:
    """Widths (mm) for a table whose text cells wrap at spaces (the printable report): each
    column at least as wide as its longest word (a header's too), text columns narrowed first."""
    natural = natural_widths(pdf, columns, rows, size)
    return _between(natural, least_widths(pdf, columns, rows, size), total)


def least_widths(
    pdf: FPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float
) -> list[float]:
    """The narrowest each column can be: its longest word (header or text cell) or, for
    numbers, marks and dates, its longest cell."""
    pdf.set_font(SANS, "", size)
    widths = []
    for number, (column, head) in enumerate(
        zip(columns, _header_widths(pdf, columns, size), strict=True)
    ):
        if column.kind is ColumnKind.TEXT:
            words = (w for row in rows for w in row[number].split())
        else:
            words = (row[number] for row in rows)
        body = max((text_width(pdf, w) for w in words), default=0.0) + 2 * PAD + 0.5
        widths.append(max(head, body))
    return widths


def _between(natural: Sequence[float], floor: Sequence[float], total: float) -> list[float]:
    """Natural widths when they fit ``total``; else each column given up between its natural
    width and its floor in proportion; capped below the floors as a last resort."""
    if sum(natural) <= total:
        return list(natural)
    if sum(floor) <= total:
        excess = sum(n - f for n, f in zip(natural, floor, strict=True))
        share = (total - sum(floor)) / excess if excess else 0.0
        return [f + (n - f) * share for n, f in zip(natural, floor, strict=True)]
    return fit_widths(floor, total)


def fit_widths(natural: Sequence[float], total: float) -> list[float]:
    """Widths that add up to at most ``total``: the natural ones when they fit (a short table
    stays narrow), else the widest columns are capped at one width so that narrow number
    columns keep theirs."""
    if sum(natural) <= total:
        return list(natural)
    low, high = 0.0, max(natural)
    for _ in range(40):  # bisection on the cap
        cap = (low + high) / 2
        if sum(min(w, cap) for w in natural) > total:
            high = cap
        else:
            low = cap
    return [min(w, low) for w in natural]


@dataclass(frozen=True)
class Grid:
    """A ruled table drawn cell by cell with a known height: header lines, then rows."""

    widths: Sequence[float]
    aligns: Sequence[str]
    size: float  # pt
    row_h: float  # mm
    shaded: frozenset[int] = frozenset()  # columns of marks where a «2», «н/а» is shaded

    @property
    def width(self) -> float:
        return sum(self.widths)

    def header_lines(self, pdf: FPDF, titles: Sequence[str]) -> list[list[str]]:
        pdf.set_font(SANS, "B", self.size)
        return [
            _wrap(pdf, printable(pdf, title), w - 2 * PAD, hyphenate=True)
            for title, w in zip(titles, self.widths, strict=True)
        ]

    def header_height(self, pdf: FPDF, titles: Sequence[str]) -> float:
        lines = max((len(ls) for ls in self.header_lines(pdf, titles)), default=1)
        return lines * self.size * LINE + 1.2

    def draw_header(self, pdf: FPDF, titles: Sequence[str]) -> None:
        height = self.header_height(pdf, titles)
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_fill_color(*HEAD_FILL)
        pdf.set_font(SANS, "B", self.size)
        for lines, w in zip(self.header_lines(pdf, titles), self.widths, strict=True):
            pdf.rect(x, y, w, height, style="DF")
            top = y + (height - len(lines) * self.size * LINE) / 2
            for number, line in enumerate(lines):
                pdf.set_xy(x, top + number * self.size * LINE)
                pdf.cell(w, self.size * LINE, line, align="C")
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    def draw_row(self, pdf: FPDF, cells: Sequence[str], *, bold: bool = False) -> None:
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_font(SANS, "B" if bold else "", self.size)
        for number, (text, w, align) in enumerate(
            zip(cells, self.widths, self.aligns, strict=True)
        ):
            marked = number in self.shaded and text in LOW_MARKS
            if marked:
                pdf.set_fill_color(*MARKED_FILL)
            pdf.rect(x, y, w, self.row_h, style="DF" if marked else "D")
            pdf.set_xy(x + PAD, y)
            shown = fit_text(pdf, printable(pdf, text), w - 2 * PAD)
            pdf.cell(w - 2 * PAD, self.row_h, shown, align=align)
            x += w
        pdf.set_xy(pdf.l_margin, y + self.row_h)


def _wrap(pdf: FPDF, text: str, width: float, *, hyphenate: bool = False) -> list[str]:
    """``text`` broken at spaces into lines of ``width`` mm; a word too long is broken with «-»
    (``hyphenate``) or cut with «…»."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(pdf, f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif hyphenate and text_width(pdf, word) > width:
            lines.extend(_broken(pdf, word, width))
        else:
            lines.append(fit_text(pdf, word, width))
    return lines or [""]


def _broken(pdf: FPDF, word: str, width: float) -> list[str]:
    """``word`` in pieces that fit ``width``, each but the last ending with «-»."""
    pieces: list[str] = []
    while text_width(pdf, word) > width and len(word) > 2:
        cut = len(word) - 1
        while cut > 1 and text_width(pdf, word[:cut] + "-") > width:
            cut -= 1
        pieces.append(word[:cut] + "-")
        word = word[cut:]
    pieces.append(word)
    return pieces


def place_image(pdf: FPDF, png: bytes, x: float, y: float, w: float, h: float) -> float:
    """The picture inside the box (w × h mm), centred, keeping its proportions; its height."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        pw, ph = picture.size
    scale = min(w / pw, h / ph)
    width, height = pw * scale, ph * scale
    pdf.image(io.BytesIO(png), x=x + (w - width) / 2, y=y, w=width, h=height)
    return height
