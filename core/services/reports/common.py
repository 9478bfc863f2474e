"""Small helpers shared by the reports: columns, cells and the finished Report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from core.model.reports import Cell, Chart, Column, ColumnKind, Report, Table
from core.rules.statistics import MarkCounts
from core.services.reports import texts as txt
from core.services.reports.scope import Frame

TEXT, COUNT, PERCENT, AVERAGE, MARK, DATE = (
    ColumnKind.TEXT,
    ColumnKind.COUNT,
    ColumnKind.PERCENT,
    ColumnKind.AVERAGE,
    ColumnKind.MARK,
    ColumnKind.DATE,
)


def columns(*specs: tuple[str, str, ColumnKind]) -> tuple[Column, ...]:
    return tuple(Column(key, title, kind) for key, title, kind in specs)


def table(
    title: str,
    cols: tuple[Column, ...],
    rows: Iterable[tuple[Cell, ...]],
    totals: tuple[Cell, ...] | None = None,
) -> Table:
    return Table(title=title, columns=cols, rows=tuple(rows), totals=totals)


def number(value: Decimal | None) -> float:
    """A chart value: a missing figure is drawn as zero."""
    return float(value) if value is not None else 0.0


DISTRIBUTION_COLUMNS = (
    ("n5", txt.COUNT_5, COUNT),
    ("n4", txt.COUNT_4, COUNT),
    ("n3", txt.COUNT_3, COUNT),
    ("n2", txt.COUNT_2, COUNT),
    ("na", txt.COUNT_NA, COUNT),
)


def distribution(counts: MarkCounts) -> tuple[Cell, ...]:
    """«5», «4», «3», «2» (with «1») and «н/а»: the columns of DISTRIBUTION_COLUMNS."""
    return (
        counts.five,
        counts.four,
        counts.three,
        counts.two + counts.one,
        counts.not_assessed,
    )


def finish(
    frame: Frame,
    name: str,
    title: str,
    tables: Iterable[Table],
    now: dt.datetime,
    chart: Chart | None = None,
    notes: Iterable[str] = (),
) -> Report:
    return Report(
        name=name,
        title=title,
        school=frame.school.name,
        scope=frame.scope_label,
        period=frame.period_label,
        made_at=now.astimezone(dt.UTC),
        tables=tuple(tables),
        chart=chart,
        notes=tuple(notes),
    )


async def teaching(frame: Frame) -> dict[tuple[int, int], set[int]]:
    """Who teaches each (group, subject): by the teaching load, by the timetable where the load
    has no line for it."""
    found: dict[tuple[int, int], set[int]] = {}
    for load in await frame.loads():
        found.setdefault((load.group_id, load.subject_id), set()).add(load.teacher_id)
    by_timetable: dict[tuple[int, int], set[int]] = {}
    for slot in await frame.slots():
        by_timetable.setdefault((slot.group_id, slot.subject_id), set()).add(slot.teacher_id)
    for pair, teachers in by_timetable.items():
        found.setdefault(pair, teachers)
    return found
