"""A report's chart as a PNG: for a phone (the bot sends it as a photo) or for print (the PDF).

The phone picture is 1080 px wide, drawn as a 5.4-inch figure at 200 dpi: a Telegram photo fills
the width of a phone (≈ 5.4 cm of glass for ≈ 390 CSS px), so a 14-pt letter of the figure is a
14-pt letter on the phone — what one reads without zooming. The print picture is a 7-inch figure
(the width of an A4 page inside its margins) at 150 dpi with 9-pt letters, as the body of a printed
report.

Categories that would not fit side by side (a class of 30 students, long teacher names) turn a
bar chart horizontal, one row per category, and the figure grows taller instead of the letters
smaller. Values are written on the bars when there are few enough to read; the axis of values
stops at ``value_max`` (100 for percentages, 5 for a mean mark). Numbers use the decimal comma.

matplotlib is imported inside the functions: the bot must not pay ~1 s and ~30 MB at start for a
chart someone may never ask for. pyplot is never used (no global figure registry); the sizes are
set through matplotlib's global rcParams for the time of one drawing, so drawings are serialised
by a lock — the bot may draw in worker threads (asyncio.to_thread), and a chart takes 0.1–0.5 s.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.model.reports import Chart, ChartKind, Report
from documents.reports import texts as t

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Style:
    width_in: float  # figure width, inches
    dpi: int
    font: float  # ticks, labels, legend, values (pt)
    title_font: float
    row_in: float  # height of one category row of a horizontal chart, inches
    plot_in: float  # height of the plotting area of a vertical chart, inches
    label_chars: int  # a category name longer than this is cut with «…»


PHONE = Style(
    width_in=5.4, dpi=200, font=14, title_font=16, row_in=0.34, plot_in=3.6, label_chars=24
)
# the one-page PDF: a class of 35 with its names upright under the bars in a box 62 mm high
COMPACT = Style(
    width_in=7.0, dpi=150, font=7.5, title_font=8.5, row_in=0.17, plot_in=2.0, label_chars=24
)
PRINT = Style(width_in=7.0, dpi=150, font=9, title_font=10, row_in=0.2, plot_in=2.6, label_chars=32)

# The colours a school reads marks in: 5 green … 2 red; others from a colour-blind-safe cycle.
MARK_COLOURS = {
    "5": "#2e7d32",
    "4": "#7cb342",
    "3": "#f9a825",
    "2": "#c62828",
    "1": "#6d1b1b",
    "н/а": "#9e9e9e",
    "НА": "#9e9e9e",
    "ОСВ": "#42a5f5",
}
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
MAX_LABELLED_BARS = {"vertical": 16, "horizontal": 60}
_DRAWING = threading.Lock()  # rcParams are global: one drawing at a time
TOP_PAD = 0.08  # inches above the title
LEADING = 1.3  # line height over font size
MIN_SEGMENT_SHARE = 0.07
REPEAT_SCALE_ROWS = 15  # a stacked segment narrower than this share of the axis gets no label


def chart_png(report: Report, style: Style = PHONE, *, height_in: float | None = None) -> bytes:
    """The report's chart as PNG bytes; ``height_in`` forces the figure's height (the one-page
    PDF gives its chart a fixed box). Raises ValueError when the report has no chart."""
    if report.chart is None:
        raise ValueError(f"report {report.name!r} has no chart")
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    chart = report.chart
    horizontal = _is_horizontal(chart, style, height_in)
    height = height_in or _height(report, chart, style, horizontal)
    rc: dict[str, Any] = {
        "font.family": "DejaVu Sans",
        "font.size": style.font,
        "axes.titlesize": style.font,
        "axes.labelsize": style.font,
        "xtick.labelsize": style.font,
        "ytick.labelsize": style.font,
        "legend.fontsize": style.font,
        "figure.titlesize": style.title_font,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with _DRAWING, rc_context(rc):  # type: ignore[arg-type]  # the stubs list keys as Literals
        figure = Figure(figsize=(style.width_in, height), dpi=style.dpi, layout="constrained")
        axes = figure.subplots()
        _titles(figure, report, chart, style)
        if not chart.categories or not chart.series:
            axes.set_axis_off()
            axes.text(0.5, 0.5, t.NO_ROWS, ha="center", va="center", transform=axes.transAxes)
        elif chart.kind is ChartKind.LINE:
            _line(axes, chart, style)
        else:
            _bars(axes, chart, style, horizontal)
        if len(chart.series) > 1:
            figure.legend(
                loc="outside lower center",
                ncols=min(len(chart.series), _legend_columns(chart, style)),
                frameon=False,
            )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=style.dpi)
    return buffer.getvalue()


def _text_in(chars: int, style: Style) -> float:
    """Inches taken by ``chars`` letters of DejaVu Sans (a wide face: ~0.6 em on average)."""
    return chars * style.font * 0.6 / 72


def _is_horizontal(chart: Chart, style: Style, height_in: float | None) -> bool:
    """Horizontal when asked, or when names would collide side by side — unless the height is
    fixed and one row per name would not fit in it: then the bars stand and the names under
    them turn vertical (the one-page PDF's chart of a class of 35)."""
    if chart.kind is ChartKind.LINE or not chart.categories:
        return False
    if height_in is not None:
        rows = len(chart.categories) * (
            1 if chart.kind is ChartKind.STACKED_BAR else len(chart.series)
        )
        if rows * style.row_in * 0.8 > height_in - 1.0:
            return False
    if chart.kind is ChartKind.HORIZONTAL_BAR:
        return True
    longest = max(len(_short(c, style)) for c in chart.categories)
    needed = len(chart.categories) * _text_in(max(longest, 3) + 1, style)
    return needed > style.width_in * 0.85  # labels side by side would collide


def _height(report: Report, chart: Chart, style: Style, horizontal: bool) -> float:
    top = _titles_in(report, chart, style)
    legend = 0.0
    if len(chart.series) > 1:
        rows = -(-len(chart.series) // _legend_columns(chart, style))
        legend = rows * style.font * 1.6 / 72 + 0.1
    if not horizontal:
        return top + style.plot_in + legend + 0.6
    per_row = style.row_in
    if chart.kind is ChartKind.HORIZONTAL_BAR or chart.kind is ChartKind.BAR:
        per_row *= max(1.0, 0.6 * len(chart.series))  # grouped bars need room side by side
    return top + len(chart.categories) * per_row + legend + 0.7


def _legend_columns(chart: Chart, style: Style) -> int:
    longest = max((len(s.name) for s in chart.series), default=1)
    return max(1, int(style.width_in * 0.9 / (_text_in(longest, style) + 0.5)))


def _short(text: str, style: Style) -> str:
    return text if len(text) <= style.label_chars else text[: style.label_chars - 1] + "…"


def _title_lines(report: Report, chart: Chart, style: Style) -> tuple[str, str]:
    chars = max(16, int(style.width_in * 72 / (style.title_font * 0.62)))
    title = textwrap.fill(chart.title or report.title, chars)
    subtitle = textwrap.fill(t.subtitle(report.scope, report.period), int(chars * 1.1))
    return title, subtitle


def _titles_in(report: Report, chart: Chart, style: Style) -> float:
    """Inches the title block takes on top of the figure."""
    title, subtitle = _title_lines(report, chart, style)
    lines = title.count("\n") + 1
    sublines = subtitle.count("\n") + 1
    return TOP_PAD + (lines * style.title_font + sublines * style.font) * LEADING / 72 + 0.08


def _titles(figure: Figure, report: Report, chart: Chart, style: Style) -> None:
    """The title and the scope · period centred on the figure (not on the plot, which long
    category names push to the right), in a band the layout keeps free."""
    title, subtitle = _title_lines(report, chart, style)
    height = figure.get_figheight()
    top = 1 - TOP_PAD / height
    figure.text(
        0.5,
        top,
        title,
        ha="center",
        va="top",
        fontweight="bold",
        fontsize=style.title_font,
        linespacing=LEADING - 0.1,
    )
    below = top - (title.count("\n") + 1) * style.title_font * LEADING / 72 / height
    figure.text(
        0.5,
        below,
        subtitle,
        ha="center",
        va="top",
        color="#444444",
        fontsize=style.font,
        linespacing=LEADING - 0.1,
    )
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, 0, 1, 1 - _titles_in(report, chart, style) / height))


def _colours(chart: Chart) -> list[str]:
    colours = []
    others = iter(PALETTE * (1 + len(chart.series) // len(PALETTE)))
    for series in chart.series:
        mark = series.name.strip().strip("«»\"'")  # «5» and 5 alike
        colours.append(MARK_COLOURS.get(mark) or next(others))
    return colours


def _value_axis(axes: Axes, chart: Chart, horizontal: bool, labelled: bool) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis = axes.xaxis if horizontal else axes.yaxis
    axis.set_major_formatter(FuncFormatter(lambda value, _: t.number_text(value)))
    whole = all(float(v).is_integer() for s in chart.series for v in s.values)
    # counts get whole ticks: «1,5 урока» means nothing
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=whole))
    if chart.value_label:
        (axes.set_xlabel if horizontal else axes.set_ylabel)(chart.value_label)
    axes.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    highest = _highest(chart)
    if chart.value_max is None:
        # no fixed scale: up to the highest value, with room above it for its label
        limit = (highest or 1.0) * (1.15 if labelled else 1.05)
        if horizontal:
            axes.set_xlim(0, limit)
        else:
            axes.set_ylim(0, limit)
        return
    top = max(chart.value_max, highest)  # a value over the scale is shown whole, not cut
    # room above the longest bar for its label; the ticks still stop at the scale's top
    limit = top * (1.14 if labelled else 1.0)
    if horizontal:
        axes.set_xlim(0, limit)
    else:
        axes.set_ylim(0, limit)
    ticks = [v for v in axis.get_ticklocs() if 0 <= v <= top + 1e-9]
    if top not in ticks and all(abs(top - v) > top * 0.08 for v in ticks):
        ticks.append(top)
    axis.set_ticks(ticks)


def _highest(chart: Chart) -> float:
    """The highest value drawn: a stacked bar's whole height, else the highest point."""
    count = len(chart.categories)
    columns = [_values(s.values, count) for s in chart.series]
    if chart.kind is ChartKind.STACKED_BAR:
        return max((sum(c[i] for c in columns) for i in range(count)), default=0.0)
    return max((v for c in columns for v in c), default=0.0)


def _bars(axes: Axes, chart: Chart, style: Style, horizontal: bool) -> None:
    names = [_short(c, style) for c in chart.categories]
    positions = list(range(len(names)))
    colours = _colours(chart)
    stacked = chart.kind is ChartKind.STACKED_BAR
    count = len(names) * (1 if stacked else len(chart.series))
    labelled = count <= MAX_LABELLED_BARS["horizontal" if horizontal else "vertical"]
    width = 0.8 if stacked else 0.8 / len(chart.series)
    base = [0.0] * len(names)
    containers: list[tuple[Any, Sequence[float]]] = []
    for index, (series, colour) in enumerate(zip(chart.series, colours, strict=True)):
        values = _values(series.values, len(names))
        where: list[float] = [float(p) for p in positions]
        if not stacked:
            shift = (index - (len(chart.series) - 1) / 2) * width
            where = [p + shift for p in where]
        if horizontal:
            bars = axes.barh(
                where,
                values,
                height=width,
                left=base if stacked else None,
                color=colour,
                label=series.name,
            )
        else:
            bars = axes.bar(
                where,
                values,
                width=width,
                bottom=base if stacked else None,
                color=colour,
                label=series.name,
            )
        containers.append((bars, values))
        if stacked:
            base = [b + v for b, v in zip(base, values, strict=True)]
    if horizontal:
        axes.set_yticks(positions, names)
        axes.set_ylim(-0.6, len(names) - 0.4)
        axes.invert_yaxis()  # the first category on top, as in the table
        axes.tick_params(axis="y", length=0)
        if len(names) > REPEAT_SCALE_ROWS:  # a tall chart shows its scale on top as well
            axes.tick_params(axis="x", top=True, labeltop=True)
    else:
        fit = _fitting_chars(len(names), style)
        if max(len(n) for n in names) <= fit:
            axes.set_xticks(positions, names)
        else:  # only a fixed-height chart gets here (see _is_horizontal): names stand upright
            room_pt = style.width_in * 0.85 * 72 / len(names)
            size = min(style.font, room_pt / 1.25)
            axes.set_xticks(positions, names, rotation=90, fontsize=size)
        axes.tick_params(axis="x", length=0)
    _value_axis(axes, chart, horizontal, labelled and not stacked)
    if labelled:
        _label_bars(axes, chart, containers, stacked, style)


def _values(values: Sequence[float], count: int) -> list[float]:
    """One value per category: a short series is padded with zeros rather than failing."""
    padded = [float(v) for v in values[:count]]
    return padded + [0.0] * (count - len(padded))


def _label_bars(
    axes: Axes,
    chart: Chart,
    containers: Sequence[tuple[Any, Sequence[float]]],
    stacked: bool,
    style: Style,
) -> None:
    span = (
        chart.value_max
        or max(
            (sum(v) if stacked else max(v, default=0.0))
            for v in zip(*(values for _, values in containers), strict=True)
        )
        or 1.0
    )
    size = style.font - (1 if len(chart.series) > 2 else 0)
    for bars, values in containers:
        if stacked:
            labels = [t.number_text(v) if v >= span * MIN_SEGMENT_SHARE else "" for v in values]
            axes.bar_label(
                bars,
                labels=labels,
                label_type="center",
                fontsize=size,
                color="white",
                fontweight="bold",
            )
        else:
            labels = [t.number_text(v) for v in values]
            axes.bar_label(bars, labels=labels, padding=3, fontsize=size)


def _line(axes: Axes, chart: Chart, style: Style) -> None:
    names = _wrapped(chart.categories, style)
    positions = list(range(len(names)))
    # values are written at each point when they cannot collide: one series above its points;
    # two series, the higher above and the lower below; more series only by the grid
    labelled = len(chart.series) <= 2 and len(names) <= 12
    columns = [_values(s.values, len(names)) for s in chart.series]
    for number, (series, colour) in enumerate(zip(chart.series, _colours(chart), strict=True)):
        values = columns[number]
        axes.plot(
            positions,
            values,
            marker="o",
            linewidth=2.2,
            markersize=style.font * 0.45,
            color=colour,
            label=series.name,
        )
        if not labelled:
            continue
        for x, y in zip(positions, values, strict=True):
            other = columns[1 - number][x] if len(columns) == 2 else None
            below = other is not None and (y < other or (y == other and number == 1))
            axes.annotate(
                t.number_text(y),
                (x, y),
                textcoords="offset points",
                xytext=(0, -style.font * 1.5 if below else style.font * 0.6),
                ha="center",
                fontsize=style.font - 1,
                color=colour,
            )
    rotate = any(
        len(line) > _fitting_chars(len(names), style) for n in names for line in n.split("\n")
    )
    axes.set_xticks(
        positions, names, rotation=35 if rotate else 0, ha="right" if rotate else "center"
    )
    axes.tick_params(axis="x", length=0)
    axes.set_xlim(-0.4, len(names) - 0.6)
    _value_axis(axes, chart, False, labelled)


def _fitting_chars(count: int, style: Style) -> int:
    """How many letters fit under one of ``count`` categories side by side."""
    return max(1, int(style.width_in * 0.8 / count / _text_in(1, style)) - 1)


def _wrapped(categories: Sequence[str], style: Style) -> list[str]:
    """Category names broken at spaces to fit under their point («1-я\nчетверть»)."""
    fit = _fitting_chars(len(categories), style)
    return [textwrap.fill(_short(c, style), fit, break_long_words=False) for c in categories]
