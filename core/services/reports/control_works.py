"""REP-2: results of the control works of internal monitoring (ВШК) — per work of a class or
group in a subject: the distribution of marks, the usual figures, and the same students' current
marks in the subject (without control works) for comparison."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from core.model.reports import Cell, Chart, ChartKind, Report, Series
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    AVERAGE,
    COUNT,
    DATE,
    DISTRIBUTION_COLUMNS,
    PERCENT,
    TEXT,
    columns,
    distribution,
    finish,
    table,
)
from core.services.reports.scope import Frame, ScopeKind
from core.services.reports.source import ControlWorkRow

NAME = "control-works"

WORK_COLUMNS = columns(
    ("date", txt.DATE, DATE),
    ("group", txt.GROUP, TEXT),
    ("subject", txt.SUBJECT, TEXT),
    ("form", txt.FORM, TEXT),
    ("topic", txt.TOPIC, TEXT),
    ("students", txt.STUDENTS, COUNT),
    ("wrote", txt.WROTE, COUNT),
    *DISTRIBUTION_COLUMNS,
    ("success", txt.SUCCESS, PERCENT),
    ("quality", txt.QUALITY, PERCENT),
    ("mean", txt.MEAN, AVERAGE),
    ("sou", txt.SOU, PERCENT),
    ("current", txt.AVERAGE_CURRENT, AVERAGE),
    ("confirmed", txt.CONFIRMED, COUNT),
    ("higher", txt.HIGHER, COUNT),
    ("lower", txt.LOWER, COUNT),
)


def _in_scope(frame: Frame, work: ControlWorkRow) -> bool:
    kind = frame.scope.kind
    if kind is ScopeKind.TEACHER:
        return frame.pairs is not None and (work.group_id, work.subject_id) in frame.pairs
    if kind is ScopeKind.SCHOOL:
        return work.group_id in frame.groups
    group = frame.groups.get(work.group_id)
    if group is None:
        return False
    if group.class_id is not None:
        return group.class_id in frame.scope_class_ids
    return any(
        frame.class_of(s, work.on_date) in frame.scope_class_ids
        for s in frame.group_students(work.group_id, work.on_date)
    )


async def report(frame: Frame, now: dt.datetime) -> Report:
    source, school = frame.source, frame.school_id
    works = [
        w
        for w in await source.control_works(school, frame.start, frame.end, frame.group_ids)
        if _in_scope(frame, w)
    ]
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for mark in await source.control_marks(school, [w.id for w in works]):
        marks[mark.work_id].setdefault(mark.student_id, mark.value)  # the first one counts
    current: dict[tuple[int, int, int], Decimal | None] = {}
    if works:
        for row in await source.current_averages(
            school,
            frame.start,
            frame.end,
            {w.group_id for w in works},
            {w.subject_id for w in works},
        ):
            key = (row.student_id, row.group_id, row.subject_id)
            current[key] = st.average_of_sums(row.points, row.weight)
    rows = []
    everything = st.MarkCounts()
    labels: list[str] = []
    series: dict[str, list[float]] = {k: [] for k in ("5", "4", "3", "2")}
    for work in works:
        written = marks.get(work.id, {})
        counts = st.count_marks(written.values())
        everything += counts
        averages: list[Decimal | None] = []
        compared = dict.fromkeys(st.Comparison, 0)
        for student_id, value in written.items():
            average = current.get((student_id, work.group_id, work.subject_id))
            averages.append(average)
            verdict = st.compare(value, average)
            if verdict is not None:
                compared[verdict] += 1
        group = frame.group_name(work.group_id)
        rows.append(
            (
                work.on_date,
                group,
                frame.subject_name(work.subject_id),
                txt.FORMS[work.form],
                work.topic or "",
                len(frame.group_students(work.group_id, work.on_date)),
                *_figures(counts),
                st.mean_of(averages),
                compared[st.Comparison.CONFIRMED],
                compared[st.Comparison.HIGHER],
                compared[st.Comparison.LOWER],
            )
        )
        labels.append(f"{work.on_date:%d.%m} {group} · {frame.subject_name(work.subject_id)}")
        for value, n in zip(
            ("5", "4", "3", "2"),
            (counts.five, counts.four, counts.three, counts.two + counts.one),
            strict=True,
        ):
            series[value].append(float(n))
    totals = None
    if len(rows) > 1:
        totals = (
            txt.TOTAL,
            None,
            None,
            None,
            None,
            None,
            *_figures(everything),
            None,
            None,
            None,
            None,
        )
    chart = None
    if works:
        chart = Chart(
            kind=ChartKind.STACKED_BAR,
            title=txt.CONTROL_CHART,
            categories=tuple(labels),
            series=tuple(Series(f"«{k}»", tuple(v)) for k, v in series.items()),
            value_label=txt.MARKS,
        )
    tables = [table(txt.CONTROL_WORKS, WORK_COLUMNS, rows, totals)]
    return finish(frame, NAME, txt.CONTROL_WORKS, tables, now, chart, txt.CONTROL_NOTES)


def _figures(counts: st.MarkCounts) -> tuple[Cell, ...]:
    return (
        counts.counted,
        *distribution(counts),
        st.success_rate(counts),
        st.quality_rate(counts),
        st.mean_mark(counts),
        st.degree_of_learning(counts),
    )
