"""REP-7: the results of each teacher's groups — current marks of the period (how many, their
mean, the share of «2») and, for a study period, the finals' успеваемость, качество, средний
балл and СОУ; per teacher and per group and subject."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.model.reports import Cell, Chart, ChartKind, Report, Series
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    AVERAGE,
    COUNT,
    PERCENT,
    TEXT,
    columns,
    finish,
    number,
    table,
    teaching,
)
from core.services.reports.planned import group_in_scope
from core.services.reports.scope import Frame, ScopeKind

NAME = "teachers"

FIGURES = (
    ("students", txt.STUDENTS, COUNT),
    ("marks", txt.MARKS, COUNT),
    ("current_mean", txt.AVERAGE_CURRENT, AVERAGE),
    ("twos", txt.TWOS_SHARE, PERCENT),
    ("finals", txt.FINALS, COUNT),
    ("success", txt.FINALS_SUCCESS, PERCENT),
    ("quality", txt.FINALS_QUALITY, PERCENT),
    ("mean", txt.FINALS_MEAN, AVERAGE),
    ("sou", txt.FINALS_SOU, PERCENT),
)
TEACHER_COLUMNS = columns(("teacher", txt.TEACHER, TEXT), ("groups", txt.GROUPS, COUNT), *FIGURES)
GROUP_COLUMNS = columns(
    ("teacher", txt.TEACHER, TEXT),
    ("group", txt.GROUP, TEXT),
    ("subject", txt.SUBJECT, TEXT),
    *FIGURES,
)


def _figures(students: int, current: st.MarkCounts, finals: st.MarkCounts) -> tuple[Cell, ...]:
    return (
        students,
        current.numeric + current.not_assessed + current.passed + current.failed,
        st.mean_mark(current),
        st.percent(current.two + current.one, current.numeric),
        finals.counted,
        st.success_rate(finals),
        st.quality_rate(finals),
        st.mean_mark(finals),
        st.degree_of_learning(finals),
    )


async def report(frame: Frame, now: dt.datetime) -> Report:
    source, school = frame.source, frame.school_id
    taught = await teaching(frame)
    mine: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for pair, teachers in taught.items():
        if not group_in_scope(frame, *pair):
            continue
        for teacher_id in teachers:
            if frame.scope.kind is ScopeKind.TEACHER and teacher_id != frame.scope.id:
                continue
            mine[teacher_id].add(pair)
    current: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for tally in await source.value_tallies(school, frame.start, frame.end, frame.group_ids):
        current[(tally.group_id, tally.subject_id)][tally.value] = tally.count
    finals: dict[tuple[int, int], list[str]] = defaultdict(list)
    if frame.period is not None:
        for final in await source.finals(school, [frame.period.id], frame.group_ids):
            finals[(final.group_id, final.subject_id)].append(final.value)
    staff = await frame.staff_names()
    teacher_rows, group_rows = [], []
    labels: list[str] = []
    series: dict[str, list[float]] = defaultdict(list)
    for teacher_id in sorted(mine, key=lambda t: staff.get(t, "")):
        name = staff.get(teacher_id, "")
        total_current, total_finals = st.MarkCounts(), st.MarkCounts()
        students: set[int] = set()
        for pair in sorted(mine[teacher_id], key=lambda p: (frame.group_name(p[0]), p[1])):
            group_students = frame.group_students(pair[0])
            students |= group_students
            cur = st.count_marks(current.get(pair, {}))
            fin = st.count_marks(finals.get(pair, []))
            total_current += cur
            total_finals += fin
            group_rows.append(
                (
                    name,
                    frame.group_name(pair[0]),
                    frame.subject_name(pair[1]),
                    *_figures(len(group_students), cur, fin),
                )
            )
        teacher_rows.append(
            (name, len(mine[teacher_id]), *_figures(len(students), total_current, total_finals))
        )
        labels.append(name)
        if frame.period is not None:
            series[txt.FINALS_QUALITY].append(number(st.quality_rate(total_finals)))
            series[txt.FINALS_SOU].append(number(st.degree_of_learning(total_finals)))
        else:
            series[txt.AVERAGE_CURRENT].append(number(st.mean_mark(total_current)))
    chart = None
    if labels:
        chart = Chart(
            kind=ChartKind.HORIZONTAL_BAR,
            title=txt.TEACHERS_CHART if frame.period is not None else txt.AVERAGE_CURRENT,
            categories=tuple(labels),
            series=tuple(Series(k, tuple(v)) for k, v in series.items()),
            value_label="%" if frame.period is not None else txt.MEAN,
            value_max=100 if frame.period is not None else 5,
        )
    tables = [
        table(txt.TEACHERS, TEACHER_COLUMNS, teacher_rows),
        table(txt.BY_GROUP, GROUP_COLUMNS, group_rows),
    ]
    return finish(frame, NAME, txt.TEACHERS, tables, now, chart, txt.TEACHERS_NOTES)
