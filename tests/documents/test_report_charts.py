"""Report charts as the bot sends them: a PNG 1080 px wide for every chart kind, taller rather
than cramped for a class of 30, and exactly the height the one-page PDF gives its chart."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from core.model.reports import ChartKind, Report
from documents.reports.charts import COMPACT, PHONE, chart_png
from tests.documents import report_samples as samples

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()  # a truncated file fails here
    return image


@pytest.mark.parametrize(
    "report",
    [
        samples.mastery(5, ChartKind.HORIZONTAL_BAR),
        samples.distribution(ChartKind.BAR),
        samples.distribution(ChartKind.STACKED_BAR),
        samples.dynamics(),
    ],
    ids=["horizontal_bar", "bar", "stacked_bar", "line"],
)
def test_every_kind_is_a_phone_wide_png(report: Report) -> None:
    image = picture(chart_png(report))
    assert image.format == "PNG"
    width, height = image.size
    assert width == PHONE.width_in * PHONE.dpi == 1080
    assert 500 <= height <= 1600  # a few categories: about a phone screen, not a strip


def test_a_class_of_30_grows_taller_with_a_row_per_student() -> None:
    few = picture(chart_png(samples.mastery(5, ChartKind.BAR))).size
    many = picture(chart_png(samples.mastery(30, ChartKind.BAR))).size
    assert many[0] == few[0] == 1080
    # each of the 30 names keeps a row at least as tall as a 14-pt line
    assert many[1] - few[1] >= 25 * 14 / 72 * PHONE.dpi


def test_a_fixed_height_is_kept_even_for_35_students() -> None:
    image = picture(chart_png(samples.mastery(35), COMPACT, height_in=2.5))
    assert image.size == (COMPACT.width_in * COMPACT.dpi, 2.5 * COMPACT.dpi)


def test_empty_categories_draw_a_chart_saying_so() -> None:
    report = samples.mastery(0)
    assert report.chart is not None
    picture(chart_png(report))


def test_a_report_without_a_chart_is_refused() -> None:
    with pytest.raises(ValueError, match="no chart"):
        chart_png(dataclasses.replace(samples.mastery(), chart=None))
