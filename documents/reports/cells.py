"""What every renderer needs: a cell as printed text, the time a report was made in the school's
time zone, and a file name safe on any file system."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.model.reports import Cell, ColumnKind, Report, Table
from documents.reports import texts as t

Zone = str | dt.tzinfo | None  # «Asia/Yekaterinburg», a tzinfo, or None for UTC

_PLACES = {ColumnKind.PERCENT: 1, ColumnKind.AVERAGE: 2}


def cell_text(value: Cell, kind: ColumnKind) -> str:
    """A cell as print shows it and Russian Excel reads it back: decimal comma, one decimal for
    a percentage, two for an average, dates as «dd.mm.yyyy», nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return t.day(value)
    if isinstance(value, bool):  # a bool is an int to Python, never a count to a reader
        return str(value)
    if isinstance(value, int | float | Decimal):
        places = _PLACES.get(kind)
        if places is not None:
            return t.decimal_text(value, places)
        if isinstance(value, int) or float(value).is_integer():
            return str(int(value))
        return t.number_text(value)
    return str(value)


def totals_row(table: Table) -> tuple[Cell, ...] | None:
    """The «Итого» row as printed: «Итого» in the first column when the computation left it
    empty there (and the first column holds text)."""
    if table.totals is None:
        return None
    cells = list(table.totals)
    if cells and cells[0] in (None, "") and table.columns[0].kind is ColumnKind.TEXT:
        cells[0] = t.TOTAL
    return tuple(cells)


def local_made_at(report: Report, tz: Zone) -> tuple[dt.datetime, str]:
    """When the report was made, on the school's clock (UTC without a zone), and that as text."""
    moment = report.made_at
    if moment.tzinfo is None:  # the model says aware UTC; a naive value is taken as UTC
        moment = moment.replace(tzinfo=dt.UTC)
    zone: dt.tzinfo = dt.UTC
    if isinstance(tz, str):
        zone = ZoneInfo(tz)
    elif tz is not None:
        zone = tz
    local = moment.astimezone(zone)
    return local, t.made_at(local, local.utcoffset())


_UNSAFE = re.compile(r'[\\/:*?"<>|«»„“”\'`]+')
_DASHES = re.compile(r"[\s\u2010-\u2015\u2212_-]+")
MAX_NAME = 120  # characters; far under the 255 bytes of ext4 and NTFS even in Cyrillic UTF-8


def safe_part(text: str) -> str:
    """``text`` fit for a file name: no path or shell separators, no control characters,
    spaces and dashes made single «-»; Cyrillic kept (every system we target shows it)."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub("-", text.replace("/", "-"))
    text = _DASHES.sub("-", text)
    return text.strip("-. ")


def file_name(report: Report, extension: str, part: str = "") -> str:
    """«mastery_7А_2-четверть-2026-2027.xlsx»; ``part`` (a table's title) for one of several
    CSV files. Never empty, never hidden (no leading dot), never over MAX_NAME characters."""
    pieces = [safe_part(p) for p in (report.name, report.scope, report.period, part)]
    stem = "_".join(p for p in pieces if p) or "report"
    stem = stem[:MAX_NAME].rstrip("-_. ")
    return f"{stem}.{extension}"
