"""The TrueType fonts of our PDFs: DejaVu, as bundled with matplotlib.

fpdf2's built-in fonts (Helvetica, Courier, ...) are Latin-1 only, so every Russian PDF needs a
Unicode TrueType font. matplotlib is a dependency anyway (report charts) and ships DejaVu Sans and
DejaVu Sans Mono, which cover Cyrillic; taking the files from its package saves us vendoring ~2 MB
of fonts. The package is only *located*, never imported: importing matplotlib costs ~0.5 s and
tens of megabytes, which a bot printing a PDF should not pay.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF

# fpdf2 family names under which register_fonts() adds the fonts.
SANS = "DejaVuSans"
MONO = "DejaVuSansMono"


@dataclass(frozen=True)
class FontFiles:
    """Paths of the DejaVu TTF files our PDFs use."""

    sans: Path
    sans_bold: Path
    mono: Path
    mono_bold: Path


@cache
def font_files() -> FontFiles:
    """Locate matplotlib's bundled DejaVu fonts (without importing matplotlib).

    Raises RuntimeError naming the missing file when matplotlib is absent or incomplete, so that a
    broken install fails loudly at the first PDF rather than printing squares instead of letters.
    """
    spec = importlib.util.find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise RuntimeError("matplotlib is not installed: its DejaVu fonts are needed for PDFs")
    folder = Path(locations[0]) / "mpl-data" / "fonts" / "ttf"
    files = FontFiles(
        sans=folder / "DejaVuSans.ttf",
        sans_bold=folder / "DejaVuSans-Bold.ttf",
        mono=folder / "DejaVuSansMono.ttf",
        mono_bold=folder / "DejaVuSansMono-Bold.ttf",
    )
    for path in (files.sans, files.sans_bold, files.mono, files.mono_bold):
        if not path.is_file():
            raise RuntimeError(f"font file not found: {path}")
    return files


def register_fonts(pdf: FPDF) -> None:
    """Add DejaVu Sans (regular, bold) as family SANS and DejaVu Sans Mono as family MONO.

    fpdf2 embeds only the glyphs actually used (subsetting), so registering all four costs
    parse time (~30 ms each) but no file size.
    """
    files = font_files()
    pdf.add_font(SANS, "", files.sans)
    pdf.add_font(SANS, "B", files.sans_bold)
    pdf.add_font(MONO, "", files.mono)
    pdf.add_font(MONO, "B", files.mono_bold)
