"""The printable paper extract (INF-4): one student's journal over a range of days, on A4.

School style: the school's name on top, the title «Выписка из электронного журнала», the student,
class and dates, then four numbered sections — marks by subject (with the weighted average),
absences, homework, notices meant for the guardians — each a ruled table whose heading row repeats
on every page it runs onto, and at the end the class teacher's signature line and a date to fill
in by hand. Pages are numbered «Стр. N из M».

Text comes from the database (names, homework, notices as sent): it is cleaned of control
characters, and characters DejaVu Sans has no glyph for (emoji of notice texts) are left out, so
they cannot print as empty boxes. Russian words live in documents.extract_texts.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace, TTFFont

from core.model.journal import AbsenceKind
from core.services.extracts import Extract
from documents import extract_texts as t
from documents.code_slips import clean
from documents.pdf_fonts import SANS, register_fonts

MARGIN = 15.0  # mm: inside what every office printer prints
BOTTOM = 18.0  # room for the page number
WIDTH = 210.0 - 2 * MARGIN
LINE = 5.0  # mm per line of body text (10 pt)
HEAD_FILL = (230, 230, 230)
GREY = 90

_HEADINGS = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
# A table row must fit on one page (fpdf2 moves a row whole to the next page and cuts what does
# not fit), so a long cell (a digest notice, a long homework) is split over several rows. A
# piece holds at most this many lines of its column: a page has room for ~55 at 9 pt.
ROW_LINES = 35
CHAR_MM = 2.2  # a generous average width of a character at 9 pt (DejaVu Sans is wide)


class _ExtractPdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(SANS, "", 8)
        self.set_text_color(GREY)
        self.cell(0, 5, t.PAGE.format(page=self.page_no()), align="R")
        self.set_text_color(0)


def _text(pdf: FPDF, value: str) -> str:
    """``value`` cleaned for print: one line, no control or format characters (as
    documents.code_slips.clean, but never shortened), no glyphs the font lacks."""
    font = pdf.current_font
    cmap = font.cmap if isinstance(font, TTFFont) else {}
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf") and ord(ch) in cmap)
    )
    return " ".join(kept.split())


def _line(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(SANS, "", 10)
    pdf.write(LINE, f"{label}: ")
    pdf.set_font(SANS, "B", 10)
    pdf.write(LINE, _text(pdf, value))
    pdf.ln(LINE)


def _section(pdf: FPDF, title: str) -> None:
    if pdf.get_y() > pdf.h - BOTTOM - 25:  # a heading never ends a page alone
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font(SANS, "", 10)
    pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")


def _table(
    pdf: FPDF, headings: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]]
) -> None:
    pdf.set_font(SANS, "", 9)
    with pdf.table(
        col_widths=tuple(widths),
        width=WIDTH,
        headings_style=_HEADINGS,
        line_height=4.6,
        text_align="LEFT",
        repeat_headings=1,
        first_row_as_headings=True,
    ) as table:
        table.row(list(headings))
        for row in rows:
            pieces = [
                _pieces(_text(pdf, cell), width) for cell, width in zip(row, widths, strict=True)
            ]
            for i in range(max(len(p) for p in pieces)):
                table.row([p[i] if i < len(p) else "" for p in pieces])
    pdf.ln(1)


def _pieces(text: str, width: float) -> list[str]:
    """``text`` cut at spaces into pieces short enough for one row each."""
    limit = max(1, int(width / CHAR_MM)) * ROW_LINES
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > limit:  # no space to cut at: cut anywhere
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    pieces.append(current)
    return pieces


def _marks(pdf: FPDF, extract: Extract) -> None:
    _section(pdf, t.MARKS)
    if not extract.subjects:
        _note(pdf, t.NO_MARKS)
    for subject in extract.subjects:
        if pdf.get_y() > pdf.h - BOTTOM - 20:
            pdf.add_page()
        pdf.set_font(SANS, "B", 10)
        pdf.multi_cell(
            0,
            6,
            _text(pdf, t.subject_heading(subject.subject, subject.average)),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        _table(
            pdf,
            (t.COL_DATE, t.COL_MARK, t.COL_WORK),
            (30, 25, 125),
            [(t.day(m.on_date), m.value, m.work_type) for m in subject.marks],
        )


def _absences(pdf: FPDF, extract: Extract) -> None:
    _section(pdf, t.ABSENCES)
    if not extract.absences:
        _note(pdf, t.NO_ABSENCES)
        return
    _table(
        pdf,
        (t.COL_DATE, t.COL_LESSON, t.COL_SUBJECT, t.COL_KIND),
        (30, 15, 60, 75),
        [
            (t.day(a.on_date), str(a.lesson_number), a.subject, t.ABSENCE_LABELS[a.kind])
            for a in extract.absences
        ],
    )
    late = sum(1 for a in extract.absences if a.kind is AbsenceKind.LATE)
    _note(pdf, t.absences_total(len(extract.absences) - late, late))


def _homework(pdf: FPDF, extract: Extract) -> None:
    _section(pdf, t.HOMEWORK)
    if not extract.homework:
        _note(pdf, t.NO_HOMEWORK)
        return
    _table(
        pdf,
        (t.COL_GIVEN, t.COL_DUE, t.COL_SUBJECT, t.COL_TASK),
        (25, 25, 40, 90),
        [(t.day(h.given_on), t.day(h.due_on), h.subject, h.text) for h in extract.homework],
    )


def _notices(pdf: FPDF, extract: Extract) -> None:
    _section(pdf, t.NOTICES)
    if not extract.notices:
        _note(pdf, t.NO_NOTICES)
        return
    _table(
        pdf,
        (t.COL_DATE, t.COL_TO, t.COL_ABOUT, t.COL_TEXT, t.COL_STATUS),
        (22, 32, 30, 66, 30),
        [
            (
                t.day(n.on_date),
                n.guardian,
                ", ".join(n.kinds),
                n.text,
                t.STATUS_LABELS[n.status] + (t.ACKNOWLEDGED if n.acknowledged else ""),
            )
            for n in extract.notices
        ],
    )


def _signature(pdf: FPDF, extract: Extract) -> None:
    if pdf.get_y() > pdf.h - BOTTOM - 30:
        pdf.add_page()
    pdf.ln(8)
    pdf.set_font(SANS, "", 10)
    teacher = f"/ {t.short_name(extract.class_teacher)} /" if extract.class_teacher else ""
    pdf.cell(0, 8, _text(pdf, f"{t.SIGNATURE}  {t.SIGNATURE_LINE}  {teacher}"))
    pdf.ln(10)
    pdf.cell(0, 8, t.DATE_LINE)
    pdf.ln(12)
    pdf.set_font(SANS, "", 8)
    pdf.set_text_color(GREY)
    pdf.multi_cell(0, 4, _text(pdf, t.MADE_BY.format(school=extract.school)))
    pdf.set_text_color(0)


def render_extract(extract: Extract, *, created: dt.datetime | None = None) -> bytes:
    """An A4 PDF of the extract. ``created`` is the PDF's creation date (tests pass a fixed one
    for reproducible bytes); None means now. CPU-bound for long ranges (tens of milliseconds a
    page): call it in a worker thread from async code."""
    pdf = _ExtractPdf(orientation="portrait", unit="mm", format="A4")
    register_fonts(pdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_title(f"{t.TITLE}: {clean(extract.student)}")
    pdf.set_subject(t.SUBJECT)
    pdf.set_keywords(t.KEYWORDS)
    pdf.set_creator("dnevnik-bot")
    pdf.set_lang("ru")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(SANS, "", 10)
    pdf.multi_cell(0, LINE, _text(pdf, extract.school), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(SANS, "B", 15)
    pdf.cell(0, 9, t.TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _line(pdf, t.STUDENT, extract.student)
    _line(pdf, t.CLASS, extract.class_name)
    _line(pdf, t.PERIOD, t.period(extract.start, extract.end))
    _marks(pdf, extract)
    _absences(pdf, extract)
    _homework(pdf, extract)
    _notices(pdf, extract)
    _signature(pdf, extract)
    return bytes(pdf.output())
