"""The reports facade: one call per format, file names safe on any file system, and nothing
heavy imported before a report is asked for (the bot's idle memory)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from documents.reports import Format, name_for, render, render_files, write
from documents.reports.cells import file_name
from tests.documents import report_samples as samples


def test_each_format_gives_its_kind_of_file(tmp_path: Path) -> None:
    report = dataclasses.replace(samples.distribution(), chart=None)
    assert render(report, Format.XLSX).startswith(b"PK")  # a zip, as every .xlsx
    assert render(report, "csv", table=1).startswith(b"\xef\xbb\xbf\xd0\x9a")  # BOM, «К»
    assert render(report, Format.PDF).startswith(b"%PDF")
    assert render(report, Format.ONE_PAGE).startswith(b"%PDF")
    paths = write(report, Format.CSV, tmp_path / "out")
    assert [p.name for p in paths] == [f.name for f in render_files(report, Format.CSV)]
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in paths)
    with pytest.raises(ValueError, match="no table 2"):
        render(report, Format.CSV, table=2)
    with pytest.raises(ValueError, match="no chart"):
        render(report, Format.PNG)


def test_the_final_sheet_is_printed_in_its_own_form() -> None:
    report = samples.final_sheet(3, 4)
    (item,) = render_files(report, "pdf")
    pages = pypdf.PdfReader(io.BytesIO(item.data)).pages
    assert len(pages) == len(report.tables)  # a page per period
    assert "Класс 7А · 2026/2027 учебный год · Год" in pages[-1].extract_text()
    assert item.name == "final-sheet_7А_2026-2027-учебный-год.pdf"
    assert item.mime == "application/pdf"


@pytest.mark.parametrize(
    ("scope", "period", "expected"),
    [
        ("7А", "2 четверть", "mastery_7А_2-четверть.xlsx"),
        ("7А/7Б", "01.09.2026–29.11.2026", "mastery_7А-7Б_01.09.2026-29.11.2026.xlsx"),
        ('..\\..\\etc:*?"<>|', "\x00\nгод", "mastery_etc_год.xlsx"),
        ("Иванова  А. П.", "  ", "mastery_Иванова-А.-П.xlsx"),
    ],
)
def test_file_names_are_safe(scope: str, period: str, expected: str) -> None:
    report = dataclasses.replace(samples.mastery(1), scope=scope, period=period)
    assert name_for(report, Format.XLSX) == expected


def test_a_very_long_name_is_cut() -> None:
    report = dataclasses.replace(samples.mastery(1), scope="Ж" * 500)
    name = file_name(report, "pdf", "таблица")
    assert len(name) <= 124 and name.endswith(".pdf") and "/" not in name
    assert name_for(report, Format.ONE_PAGE).endswith(".pdf")


def test_importing_the_facade_loads_no_heavy_library() -> None:
    code = (
        "import sys, documents.reports; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl', 'fpdf', 'PIL', 'pypdf') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
