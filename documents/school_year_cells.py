"""Reading one spreadsheet cell: text, numbers, dates, times and Russian labels.

A cell comes from openpyxl (a real date, time or number, or text) or from a CSV file (always text),
so every reader accepts both. A reader returns the value or raises ``CellError`` with a Russian
reason; the caller turns that into a Problem with the sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Generic, TypeVar

from openpyxl.utils.datetime import from_excel

from documents import school_year_texts as t

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

# A name, a topic or a phone number never needs more; a longer cell is a paste gone wrong or an
# attempt to flood the database and the bot's messages.
MAX_TEXT = 500

# Excel serial day numbers of 1954..2119: a date cell that lost its date format shows up as such a
# number, and nothing else in a date column does.
_SERIAL_DAYS = (20_000, 80_000)
_YEARS = (1900, 2100)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_NUMBER = re.compile(r"[+-]?\d{1,9}(?:\.\d{1,9})?")

E = TypeVar("E")


class CellError(Exception):
    """A cell that cannot be read; ``reason`` is Russian and goes to the Problem."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def label_key(text: str) -> str:
    """How labels and headers are compared: case, «ё», spacing, a trailing dot and spaces around
    «/» do not matter (a secretary types «Пн.», «Зачет / незачет», «Класс / группа»)."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = " ".join(text.split()).replace(" /", "/").replace("/ ", "/")
    return text.rstrip(".").strip()


def header_key(text: str) -> str:
    """A header compared like a label, also without a note in brackets or a required-mark:
    «Классный руководитель (ФИО)» and «Фамилия*» still name their columns."""
    text = re.sub(r"\([^)]*\)\s*$", "", str(text))
    return label_key(text.replace("*", "").rstrip(" :"))


def is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value: CellValue) -> str:
    """Trimmed text with inner runs of spaces, tabs and line breaks made one space."""
    if isinstance(value, bool):
        text = t.YES if value else t.NO
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # a room «214» or a phone typed as a number, not «214.0»
    elif isinstance(value, dt.datetime | dt.date):
        text = value.strftime("%d.%m.%Y")
    elif isinstance(value, dt.time):
        text = value.strftime("%H:%M")
    else:
        text = str(value)
    text = " ".join(_CONTROL.sub("", text).split())
    if len(text) > MAX_TEXT:
        raise CellError(t.too_long(len(text), MAX_TEXT))
    return text


def read_int(value: CellValue) -> int:
    if isinstance(value, bool):
        raise CellError(t.bad_integer(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise CellError(t.bad_integer(value))
    text = _compact(value)
    if _INTEGER.fullmatch(text):
        return int(text)
    number = _NUMBER.fullmatch(text.replace(",", "."))
    if number and float(number[0]).is_integer():
        return int(float(number[0]))  # «5,0» from a sheet that formats numbers with decimals
    raise CellError(t.bad_integer(value))


def read_float(value: CellValue) -> float:
    if isinstance(value, bool):
        raise CellError(t.bad_number(value))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError(t.bad_number(value))
        return float(value)
    text = _compact(value).replace(",", ".")
    if _NUMBER.fullmatch(text):
        return float(text)
    raise CellError(t.bad_number(value))


def read_date(value: CellValue) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not _SERIAL_DAYS[0] <= value <= _SERIAL_DAYS[1]:
            raise CellError(t.bad_date(value))
        day = _as_datetime(from_excel(value)).date()
    elif isinstance(value, str):
        day = _parse_date(value)
    else:
        raise CellError(t.bad_date(value))
    if not _YEARS[0] <= day.year <= _YEARS[1]:
        raise CellError(t.bad_date(value))
    return day


def _parse_date(value: str) -> dt.date:
    # «01.09.2026 0:00:00» and «2026-09-01T00:00:00» come from CSV files saved by other programs
    text = value.strip().split(" ")[0].split("T")[0]
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(t.bad_date(value))
    try:
        return dt.date(year, month, day)
    except ValueError:  # «31.02.2026»
        raise CellError(t.bad_date(value)) from None


def read_time(value: CellValue) -> dt.time:
    if isinstance(value, dt.datetime):
        return _whole_seconds(value.hour * 3600 + value.minute * 60 + value.second, value)
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return _whole_seconds(seconds + value.microsecond / 1e6, value)
    if isinstance(value, dt.timedelta):
        return _whole_seconds(value.total_seconds(), value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a time cell without a time format holds the fraction of a day
        return _whole_seconds(float(value) * 86_400, value)
    if isinstance(value, str):
        match = _TIME.fullmatch(value.strip())
        if match:
            hours, minutes, seconds = (int(part or 0) for part in match.groups())
            if hours < 24 and minutes < 60 and seconds < 60:
                return dt.time(hours, minutes, seconds)
    raise CellError(t.bad_time(value))


def _whole_seconds(seconds: float, shown: CellValue) -> dt.time:
    # Excel keeps times as fractions of a day: 08:30 may come back as 08:29:59.999999
    total = round(seconds)
    if not 0 <= total < 86_400:
        raise CellError(t.bad_time(shown))
    return dt.time(total // 3600, total // 60 % 60, total % 60)


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    raise CellError(t.bad_date(value))


def _compact(value: CellValue) -> str:
    """Text of a number cell without spaces, also the non-breaking ones Excel puts in «1 000»."""
    return "".join(str(value).split())


class LabelReader(Generic[E]):
    """Reads one of a fixed set of values by its Russian label or a synonym, or by its code
    («quarter», «five_point», «1» for Monday): a file written by another tool that knows the
    codes is read without translation."""

    def __init__(self, labels: Mapping[E, tuple[str, ...]]) -> None:
        self._by_key: dict[str, E] = {}
        for value, names in labels.items():
            for name in (*names, str(value)):
                self._by_key.setdefault(label_key(name), value)
        # what the workbook writes, in the order of the table, for messages and drop-down lists
        self.allowed = [names[0] for names in labels.values()]
        self._written = {value: names[0] for value, names in labels.items()}

    def read(self, value: CellValue) -> E:
        found = self._by_key.get(label_key(read_text(value)))
        if found is None:
            raise CellError(t.unknown_value(value, self.allowed))
        return found

    def label(self, value: E) -> str:
        """The label written for ``value``; its code when the table does not know it (a grading
        scale added to core after this table was written), so that nothing is lost on export."""
        return self._written.get(value, str(value))
