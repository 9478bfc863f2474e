"""Access-code slips (INF-5): the PDF is read back the way a parent's phone and eyes would.

Text is extracted with pypdf (Cyrillic must come back as Cyrillic, not mojibake), the QR images
embedded in the pages are decoded with zxing-cpp, and the placement of every line is checked
against the cut lines and the QR code, both in the layout and in the PDF's own content stream.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from fpdf import FPDF
from PIL import Image

from documents import code_slips as cs
from documents import code_slips_texts as t
from documents.code_slips import CodeSlip, Metrics, render_code_slips
from documents.pdf_fonts import MONO, SANS, font_files, register_fonts

CREATED = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)
EXPIRES = date(2026, 12, 13)
SCHOOL = "МБОУ СОШ № 1"
GUARDIAN = "родитель (законный представитель)"

LONG_SCHOOL = (
    "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа"
    " № 1 с углублённым изучением отдельных предметов имени А. С. Пушкина» городского округа"
    " город Нижний Новгород"
)
LONG_NAME = (
    "Константинопольская-Христорождественская Анастасия-Александра Владимировна-Вячеславовна "
    "Оглы фон Нейгауз-Циммерманн Юлиана-Елизавета Ярославовна"
)


def slip(n: int, **changes: Any) -> CodeSlip:
    code = f"k7mq-2x9d-pa4t-{n:04d}"
    fields: dict[str, Any] = {
        "school": SCHOOL,
        "class_name": "5А",
        "person": f"Иванова Ольга Петровна {n}",
        "role": GUARDIAN,
        "about": f"ребёнок: Иванов Пётр {n}, 5А",
        "code": code,
        "link": f"https://t.me/dnevnik_school_bot?start={code.replace('-', '')}",
        "expires_on": EXPIRES,
    }
    fields.update(changes)
    return CodeSlip(**fields)


MIXED = [
    slip(1),
    slip(2, person="Иванов Пётр Сергеевич", role="обучающийся", about=None),
    slip(3, person="Щукина Юлия Эдуардовна", role="учитель", class_name=None, about=None),
    slip(
        4,
        school=LONG_SCHOOL,
        person=LONG_NAME,
        about="ребёнок: Константинопольский-Христорождественский Иннокентий, 11Б",
    ),
    slip(5, person="Ёлкин Фёдор Ильич", role="классный руководитель", about=None),
    slip(6, person="Жукова Эльвира Шамилевна"),
    slip(7, person="Хабибуллина Гульназ Рамилевна", role="заместитель директора", about=None),
]


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def one_line(text: str) -> str:
    """Extracted text with line breaks undone: wrapping only ever breaks at a space."""
    return " ".join(text.split())


def decoded_links(pdf: bytes) -> list[str]:
    links = []
    for page in reader(pdf).pages:
        for embedded in page.images:
            image = embedded.image
            assert image is not None
            results = zxingcpp.read_barcodes(image.convert("L"))
            assert len(results) == 1, embedded.name
            assert results[0].format == zxingcpp.BarcodeFormat.QRCode
            links.append(results[0].text)
    return links


def dark_mm(link: str) -> float:
    """Printed size of a QR code's modules, quiet zone excluded."""
    modules = cs.qr_image(link).width // cs.QR_PIXELS_PER_MODULE - 2 * cs.QR_BORDER
    return cs.QR_SIZE * modules / (modules + 2 * cs.QR_BORDER)


@pytest.fixture(scope="module")
def metrics() -> Metrics:
    pdf = FPDF()
    register_fonts(pdf)
    return Metrics(pdf)


# --- what a parent reads -------------------------------------------------------------------------


def test_every_slip_reads_back_in_cyrillic_on_its_own_sheet() -> None:
    pages = [page.extract_text() for page in reader(render_code_slips(MIXED)).pages]

    assert len(pages) == 2  # five slips a sheet
    for index, one in enumerate(MIXED):
        text = one_line(pages[index // cs.SLIPS_PER_PAGE])
        other = one_line(pages[1 - index // cs.SLIPS_PER_PAGE])
        assert one.person in text
        assert one.person not in other
        assert one.role in text
        assert one.code in text
        assert one.link in text
        assert f"действует до {EXPIRES:%d.%m.%Y}" in text
        if one.about:
            assert one.about in text
    first = one_line(pages[0])
    assert "МБОУ СОШ № 1 · 5А класс" in first
    assert "МБОУ СОШ № 1 Щукина" in first  # staff: the school without a class
    assert "Лист 1 из 2" in first
    assert "@dnevnik_school_bot" in first  # the instructions name the bot for typing by hand
    assert "/start" in first
    assert "никому его не передавайте" in first


def test_the_qr_codes_scan_to_the_links_and_are_big_enough() -> None:
    pdf = render_code_slips(MIXED)

    assert sorted(decoded_links(pdf)) == sorted(one.link for one in MIXED)
    for page in reader(pdf).pages:
        content = page.get_contents()
        assert content is not None
        # fpdf2 draws an image as "q w 0 0 h x y cm /I1 Do Q" (points).
        drawn = re.findall(rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm /I\d+ Do", content.get_data())
        assert drawn
        for width, height in drawn:
            assert float(width) * cs.PT == pytest.approx(cs.QR_SIZE, abs=0.01)
            assert float(height) * cs.PT == pytest.approx(cs.QR_SIZE, abs=0.01)
    for one in MIXED:
        assert dark_mm(one.link) >= 30, one.link
    assert dark_mm("https://t.me/b") >= 30  # version ≥ 2 even for the shortest link


def test_metadata_names_the_document_but_nobody_and_bytes_are_reproducible() -> None:
    pdf = render_code_slips(MIXED[:2], title="5А: родительское собрание", created=CREATED)

    meta = reader(pdf).metadata
    assert meta is not None
    assert meta.title == "5А: родительское собрание"
    assert meta.author is None
    assert meta.creator == "dnevnik-bot"
    assert meta.creation_date == CREATED
    assert "5А: родительское собрание" in reader(pdf).pages[0].extract_text()
    assert pdf == render_code_slips(MIXED[:2], title="5А: родительское собрание", created=CREATED)
    default = reader(render_code_slips(MIXED[:1])).metadata
    assert default is not None
    assert default.title == t.DEFAULT_TITLE


def test_no_slips_is_refused_in_russian() -> None:
    with pytest.raises(ValueError, match="Нет кодов для печати"):
        render_code_slips([])


# --- nothing runs into the next slip -------------------------------------------------------------


def test_slots_lie_inside_the_slip_beside_the_qr_code_and_apart() -> None:
    slots = list(cs.SLOTS.items())
    for name, slot in slots:
        assert slot.x >= cs.PAD_X and slot.x + slot.w <= cs.QR_X + 1e-9, name
        assert slot.y >= cs.PAD_Y - 1e-9 and slot.y + slot.h <= cs.SLIP_H - cs.PAD_Y + 1e-9, name
        smallest_line = slot.style.min_size * cs.PT * slot.style.leading
        assert smallest_line <= slot.h + 1e-9, name  # at least one line always fits
    for i, (name, a) in enumerate(slots):
        for other, b in slots[i + 1 :]:
            apart = (
                a.x + a.w <= b.x + 1e-9
                or b.x + b.w <= a.x + 1e-9
                or a.y + a.h <= b.y + 1e-9
                or b.y + b.h <= a.y + 1e-9
            )
            assert apart, (name, other)
    assert cs.QR_Y >= 0 and cs.QR_Y + cs.QR_SIZE <= cs.SLIP_H
    assert pytest.approx(cs.PAGE_H) == cs.HEADING_H + cs.SLIPS_PER_PAGE * cs.SLIP_H + cs.FOOTER_H


HOSTILE = [
    slip(10, school=LONG_SCHOOL, person=LONG_NAME, about=f"ребёнок: {LONG_NAME}, 11Б"),
    slip(11, person="Й" * 1000, role="р" * 300, about="Ы" * 300, class_name="Ш" * 50),
    slip(12, person="Анна\nМария\t\x00 \u202eИванова\u200b", code="w" * 80),
    slip(13, link="https://t.me/dnevnik_school_bot?start=" + "x" * 150),
    slip(14, person="", role="", about=""),
]


@pytest.mark.parametrize("one", HOSTILE, ids=lambda one: one.code[-4:])
def test_every_line_of_a_hostile_slip_stays_in_its_slot(metrics: Metrics, one: CodeSlip) -> None:
    layout = cs.layout_slip(metrics, one)

    for line in layout.lines:
        slot = cs.SLOTS[line.slot]
        assert line.x >= slot.x and line.x + line.width <= slot.x + slot.w + 1e-6, line
        assert line.top >= slot.y - 1e-6 and line.bottom <= slot.y + slot.h + 1e-6, line
        assert line.size >= slot.style.min_size, line
    code_row = [line for line in layout.lines if line.slot in ("code", "code_label", "valid")]
    assert [line.slot for line in code_row] == ["code_label", "code", "valid"]  # code: one line
    assert len({line.baseline for line in code_row}) == 1  # «Код:» and the date on its baseline


def test_a_long_name_shrinks_then_wraps_then_is_cut(metrics: Metrics) -> None:
    short = cs.layout_slip(metrics, slip(1)).lines
    long = cs.layout_slip(metrics, HOSTILE[0]).lines
    absurd = cs.layout_slip(metrics, HOSTILE[1]).lines

    def person(lines: tuple[cs.PlacedLine, ...]) -> list[cs.PlacedLine]:
        return [line for line in lines if line.slot == "person"]

    assert [line.size for line in person(short)] == [cs.SLOTS["person"].style.max_size]
    assert len(person(long)) >= 2
    assert person(long)[0].size < cs.SLOTS["person"].style.max_size
    assert " ".join(line.text for line in person(long)) == LONG_NAME  # nothing lost
    assert person(absurd)[-1].text.endswith("…")
    assert person(absurd)[0].size == cs.SLOTS["person"].style.min_size
    heading = next(line.text for line in long if line.slot == "heading")
    assert heading.startswith("Муниципальное") and heading.endswith("… · 5А класс")


def _drawn_text(page: pypdf.PageObject) -> list[tuple[str, str, float, float, float]]:
    """(text, font, size pt, x mm, baseline mm from the top) of every text run on a page."""
    runs: list[tuple[str, str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            name = str(font["/BaseFont"]) if font else ""
            runs.append((text, name, size, tm[4] * cs.PT, cs.PAGE_H - tm[5] * cs.PT))

    page.extract_text(visitor_text=visit)
    return runs


def test_in_the_pdf_no_text_crosses_a_cut_line_or_the_qr_code(metrics: Metrics) -> None:
    slips = [*HOSTILE, *MIXED[:3]]
    pdf = render_code_slips(slips)
    pages = reader(pdf).pages
    assert len(pages) == 2

    cut_lines = [cs.slip_top(i) for i in range(cs.SLIPS_PER_PAGE + 1)]
    seen = 0
    for page in pages:
        for text, font, size, x, baseline in _drawn_text(page):
            if text == "✂" or baseline < cs.HEADING_H:  # the scissors, the sheet's heading
                continue
            seen += 1
            family = MONO if "Mono" in font else SANS
            emphasis = "B" if "Bold" in font else ""
            # DejaVu's ascender and descender: 0.93 and 0.24 em.
            top, bottom = baseline - 0.93 * size * cs.PT, baseline + 0.24 * size * cs.PT
            assert not any(top < y < bottom for y in cut_lines), text
            assert x >= cs.PAD_X - 1e-6, text
            assert x + metrics.width(family, emphasis, size, text) <= cs.QR_X + 0.01, text
    assert seen > 10 * len(slips)
    assert "Анна Мария Иванова" in one_line(pages[0].extract_text())  # control chars gone


def test_metrics_agree_with_fpdf2() -> None:
    pdf = FPDF()
    register_fonts(pdf)
    ours = Metrics(pdf)
    for family, emphasis in ((SANS, ""), (SANS, "B"), (MONO, "B"), (MONO, "")):
        for size in (6.5, 10, 19):
            pdf.set_font(family, emphasis, size)
            for text in (LONG_NAME, "k7mq-2x9d-pa4t-wz3e", "Код: «Запустить» — №1 …"):
                assert ours.width(family, emphasis, size, text) == pytest.approx(
                    pdf.get_string_width(text), rel=1e-9
                )


def test_wrapping_breaks_at_spaces_and_splits_only_words_too_long(metrics: Metrics) -> None:
    def measure(text: str) -> float:
        return metrics.width(SANS, "", 10, text)

    assert cs.wrap(measure, "Иванова Ольга Петровна", 1000) == ["Иванова Ольга Петровна"]
    assert cs.wrap(measure, "Иванова Ольга Петровна", measure("Иванова Ольга")) == [
        "Иванова Ольга",
        "Петровна",
    ]
    pieces = cs.wrap(measure, "Ж" * 40, measure("Ж" * 15))
    assert pieces == ["Ж" * 15, "Ж" * 15, "Ж" * 10]
    assert cs.ellipsize(measure, "Иванова Ольга", measure("Иванова…")) == "Иванова…"


def test_cleaning_and_the_bot_name() -> None:
    assert cs.clean(" Анна\nМария\t\x00\u202eИванова\u200b ") == "Анна Мария Иванова"
    assert len(cs.clean("Й" * 5000)) == cs.MAX_INPUT_CHARS
    assert cs.bot_username("https://t.me/dnevnik_school_bot?start=abc") == "@dnevnik_school_bot"
    assert cs.bot_username("https://example.org/start?code=abc") is None
    assert "бота по ссылке" in t.instructions(None)


# --- scale and start-up --------------------------------------------------------------------------


def test_two_hundred_slips_make_forty_sheets(capsys: pytest.CaptureFixture[str]) -> None:
    slips = [slip(n) for n in range(200)]
    render_code_slips(slips[:1])  # fonts and imports warm, as in a running bot

    started = time.perf_counter()
    pdf = render_code_slips(slips)
    elapsed = time.perf_counter() - started

    # the time is a figure to read (1.5–2 s on an idle 2-core VM), not a pass/fail bound: a busy
    # CI machine must not fail a test that renders correctly
    with capsys.disabled():
        print(f"\n200 code slips: {elapsed:.2f} s, {len(pdf) // 1024} KiB")
    pages = reader(pdf).pages
    assert len(pages) == 40
    last = one_line(pages[-1].extract_text())
    assert "Лист 40 из 40" in last
    assert slips[-1].person in last and slips[-1].code in last
    links = decoded_links(pdf)
    assert len(links) == 200
    assert set(links) == {one.link for one in slips}


def test_fonts_come_from_matplotlib_without_importing_it() -> None:
    files = font_files()
    assert files.sans.name == "DejaVuSans.ttf" and files.sans_bold.is_file()
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from documents.code_slips import CodeSlip, render_code_slips\n"
        "render_code_slips([CodeSlip('Ш', None, 'Я', 'учитель', None, 'c', 'l', date.today())])\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root)


def test_a_qr_image_is_one_bit_with_its_quiet_zone() -> None:
    image = cs.qr_image("https://t.me/dnevnik_school_bot?start=k7mq2x9dpa4twz3e")

    assert image.mode == "1"
    border = cs.QR_BORDER * cs.QR_PIXELS_PER_MODULE
    margin = image.crop((0, 0, image.width, border))
    assert margin.getextrema() == (255, 255)  # white all along the top
    assert isinstance(image, Image.Image)
