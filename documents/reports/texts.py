"""Russian words printed by the report renderers (charts, XLSX, CSV, PDF)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

TOTAL = "Итого"
NUMBER = "№"
SCHOOL = "Школа"
PERIOD = "Период"
MADE_AT = "Сформирован"
NOTES = "Примечания"
PAGE = "Стр. {page} из {{nb}}"
UTC = "UTC"
NO_ROWS = "Нет данных."
INDICATOR = "Показатель"
VALUE = "Значение"
MORE_ROWS = "… и ещё строк: {count} — полностью в XLSX или PDF отчёта."
CHART_SHEET = "Диаграмма"
ONE_PAGE_PART = "на-1-листе"  # the one-page PDF's file name: «mastery_7А_…_на-1-листе.pdf»

# the final marks sheet (REP-8)
FINAL_SHEET_TITLE = "Сводная ведомость итоговых отметок"
CLASS_TEACHER_SIGN = "Классный руководитель ____________________ / ____________________ /"
DATE_SIGN = "Дата «___» ____________ 20___ г."


def decimal_text(value: float | Decimal, places: int) -> str:
    """A number as Russian print and Russian Excel write it: «4,25», «95,0»."""
    return f"{float(value):.{places}f}".replace(".", ",")


def number_text(value: float | Decimal) -> str:
    """A chart label: whole numbers without decimals, others with as few as needed (≤ 2)."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").replace(".", ",")


def day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def made_at(moment: dt.datetime, offset: dt.timedelta | None) -> str:
    """«29.11.2026 13:00 (UTC+5)»: the offset is printed so that nobody guesses whose clock."""
    if offset is None or offset == dt.timedelta(0):
        zone = UTC
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "−"
        hours, rest = divmod(abs(minutes), 60)
        zone = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{moment.strftime('%d.%m.%Y %H:%M')} ({zone})"


def subtitle(scope: str, period: str) -> str:
    """What a report covers, under its title: «7А · 2 четверть 2026/2027». The scope («7А»,
    «Вся школа», «Иванова А. П.») reads well without a label, whatever it is."""
    return f"{scope} · {period}"


def made_line(made: str) -> str:
    return f"{MADE_AT}: {made}"


_CLASS_NAME = re.compile(r"^\d{1,2}\s*[-–]?\s*[А-ЯЁA-Z]{0,3}$")


def final_sheet_line(scope: str, year: str, table: str) -> str:
    """«Класс 7А · 2026/2027 учебный год · 1-я четверть» under the final sheet's title; a scope
    that is not a class («7-е классы», «Вся школа», a teacher's groups) goes without «Класс»."""
    label = f"Класс {scope}" if _CLASS_NAME.match(scope.strip()) else scope
    return " · ".join(p for p in (label, year, table) if p)
