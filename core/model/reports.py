"""What a report is once computed: titled tables and a chart, ready to be drawn (PNG), written
(XLSX, CSV, PDF) or shown in the bot. The computations live in core.services.reports; the
drawing and writing in documents.reports. Both sides meet only here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

# a cell holds what a spreadsheet cell would: text, a count, a measure, a date, or nothing
Cell = str | int | float | Decimal | dt.date | None


class ColumnKind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # a whole number
    PERCENT = "percent"  # 0..100, shown with one decimal and «%»
    AVERAGE = "average"  # a mean mark, shown with two decimals
    MARK = "mark"  # a mark as written: «5», «н/а», «ОСВ»
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # Russian, as printed in the header
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None  # the «Итого» row, when the table has one

    def column(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


class ChartKind(StrEnum):
    BAR = "bar"  # one or more series side by side per category
    STACKED_BAR = "stacked_bar"  # e.g. the distribution of marks per class
    HORIZONTAL_BAR = "horizontal_bar"  # long category names (students, teachers)
    LINE = "line"  # a measure over periods


@dataclass(frozen=True)
class Series:
    name: str  # the legend
    values: tuple[float, ...]  # one per category


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str = ""  # the axis of the values: «%», «Средний балл», «Уроков»
    value_max: float | None = None  # 100 for percentages, 5 for a mean mark


@dataclass(frozen=True)
class Report:
    name: str  # the code used by `dnevnik report NAME` and the bot: "mastery", "absences", …
    title: str  # «Успеваемость и качество знаний»
    school: str
    scope: str  # «7А», «7-е классы», «Вся школа», «Иванова А. П.»
    period: str  # «2 четверть 2026/2027» or «01.09.2026–29.11.2026»
    made_at: dt.datetime  # aware, UTC
    tables: tuple[Table, ...]
    chart: Chart | None = None
    notes: tuple[str, ...] = field(default=())  # definitions printed under the tables (what N is)
