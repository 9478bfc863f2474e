"""What a report is once computed: titled tables and a chart, ready to be drawn (PNG), written
(XLSX, CSV, PDF) or shown in the bot. The computations live in core.services.reports; the
drawing and writing in documents.reports. Both sides meet only here.

How the renderers read a report (documents.reports):
- Every Table becomes a sheet of the XLSX, a CSV file and a ruled table of the PDF, in order.
- Cells are stored as their kind says: COUNT an int, PERCENT a number 0..100 (not 0..1),
  AVERAGE a number (float or Decimal), DATE a dt.date, MARK the mark as written (str), TEXT str;
  None is an empty cell. Rows hold exactly one cell per column.
- ``Table.totals`` is printed bold as the last row; a None first cell of a TEXT first column is
  printed «Итого».
- ``Chart.categories`` and every ``Series.values`` have the same length; a bar chart with many
  categories (a class of 30) is drawn with horizontal bars whatever its kind says.

The final marks sheet (REP-8, «Сводная ведомость итоговых отметок») is a Report named
FINAL_SHEET; the PDF prints each of its tables on its own A4 landscape page (30 students × 20
subjects fit one page), the XLSX and CSV have a sheet or file per table like any other report.
For a class it holds ONE TABLE PER STUDY PERIOD, in order, THEN ONE FOR THE YEAR (``Table.title``
the period as printed: «1-я четверть», …, «Учебный год»), each with the same columns:
- first the student, a TEXT column, «Фамилия И. О.», rows in the order to print (the renderer
  numbers them; do not add a «№» column);
- then one MARK column per subject: ``title`` the subject's name or short name (printed upright,
  wrapped; ``short``, when given, replaces a title too long for the narrow column); a cell is
  the final mark as written («5», «н/а», «НА», «ОСВ») or None when none is set;
- optionally more columns after them (e.g. the mean mark, AVERAGE), printed the same narrow way.
``totals`` (optional) is a last row such as the count of «2» per subject. Other scopes follow the
same shape, a page per table: a grade or the school a table per class (``title`` the class), a
teacher a table per group and subject with a MARK column per period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

FINAL_SHEET = "final-sheet"  # Report.name of the final marks sheet (REP-8), see above

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
    short: str = ""  # an abbreviation for a narrow header («ОБЗР»); the title when empty


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
