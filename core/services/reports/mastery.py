"""REP-1: освоение программ by the regulation (finals not below «3» per student of the class),
with успеваемость, качество знаний, средний балл and СОУ — per class, per student of a class, per
subject, and per group for a teacher. N and the counting rules: core.rules.statistics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.model.groups import GroupKind
from core.model.reports import Cell, Chart, ChartKind, Report, Series, Table
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    AVERAGE,
    COUNT,
    DISTRIBUTION_COLUMNS,
    PERCENT,
    TEXT,
    columns,
    distribution,
    finish,
    number,
    table,
    teaching,
)
from core.services.reports.scope import Frame, ScopeKind
from core.services.reports.source import FinalRow

NAME = "mastery"

CLASS_COLUMNS = columns(
    ("class", txt.CLASS, TEXT),
    ("students", txt.STUDENTS, COUNT),
    ("finals", txt.FINALS, COUNT),
    ("not_below_3", txt.NOT_BELOW_3, COUNT),
    ("mastery", txt.MASTERY_PER_STUDENT, AVERAGE),
    ("mastery_percent", txt.MASTERY_PERCENT, PERCENT),
    ("excellent", txt.EXCELLENT, COUNT),
    ("good", txt.GOOD, COUNT),
    ("fair", txt.FAIR, COUNT),
    ("failing", txt.FAILING_STUDENTS, COUNT),
    ("no_finals", txt.NO_FINALS, COUNT),
    ("n", txt.STUDENTS_N, COUNT),
    ("success", txt.SUCCESS, PERCENT),
    ("quality", txt.QUALITY, PERCENT),
    ("mean", txt.MEAN, AVERAGE),
    ("sou", txt.SOU, PERCENT),
)
STUDENT_COLUMNS = columns(
    ("student", txt.STUDENT, TEXT),
    ("finals", txt.FINALS, COUNT),
    ("not_below_3", txt.NOT_BELOW_3, COUNT),
    ("mastery_percent", txt.MASTERY_PERCENT, PERCENT),
    *DISTRIBUTION_COLUMNS,
    ("exempt", txt.COUNT_EXEMPT, COUNT),
    ("mean", txt.MEAN, AVERAGE),
)
FIGURE_COLUMNS = columns(
    ("n", txt.N_MARKS, COUNT),
    *DISTRIBUTION_COLUMNS,
    ("passed", txt.COUNT_PASS, COUNT),
    ("failed", txt.COUNT_FAIL, COUNT),
    ("exempt", txt.COUNT_EXEMPT, COUNT),
    ("deferred", txt.COUNT_DEFERRED, COUNT),
    ("missing", txt.MISSING_FINALS, COUNT),
    ("success", txt.SUCCESS, PERCENT),
    ("quality", txt.QUALITY, PERCENT),
    ("mean", txt.MEAN, AVERAGE),
    ("sou", txt.SOU, PERCENT),
)


def figures(counts: st.MarkCounts, missing: int) -> tuple[Cell, ...]:
    """The cells of FIGURE_COLUMNS."""
    return (
        counts.counted,
        *distribution(counts),
        counts.passed,
        counts.failed,
        counts.exempt,
        counts.deferred,
        missing,
        st.success_rate(counts),
        st.quality_rate(counts),
        st.mean_mark(counts),
        st.degree_of_learning(counts),
    )


def class_cells(label: str, students: int, per_student: list[st.MarkCounts]) -> tuple[Cell, ...]:
    """A class (or the totals of several) by student: CLASS_COLUMNS."""
    total = sum(per_student, st.MarkCounts())
    rates = st.class_rates(st.standing(c) for c in per_student)
    no_finals = students - rates.students
    return (
        label,
        students,
        total.counted,
        total.successes,
        st.mastery(total.successes, students),
        st.percent(total.successes, total.counted),
        rates.excellent,
        rates.good,
        rates.fair,
        rates.failing,
        no_finals,
        rates.students,
        rates.success,
        rates.quality,
        st.mean_mark(total),
        st.degree_of_learning(total),
    )


async def expected_finals(frame: Frame, day: dt.date) -> set[tuple[int, int, int]]:
    """(student, group, subject) that should have a final: members on the period's last day of
    the groups taught a subject (clubs have no finals)."""
    taught = await teaching(frame)
    by_group: dict[int, list[int]] = defaultdict(list)
    for group_id, subject_id in taught:
        group = frame.groups.get(group_id)
        if group is not None and group.kind is not GroupKind.CLUB:
            by_group[group_id].append(subject_id)
    expected = set()
    for m in frame.memberships:
        if m.group_id in by_group and m.active_on(day):
            for subject_id in by_group[m.group_id]:
                if frame.keeps(m.student_id, m.group_id, subject_id, day):
                    expected.add((m.student_id, m.group_id, subject_id))
    return expected


async def mastery(frame: Frame, now: dt.datetime) -> Report:
    period = frame.require_study_period(txt.MASTERY)
    day = period.ends_on
    finals = [
        f
        for f in await frame.source.finals(
            frame.school_id, [period.id], frame.group_ids, frame.student_ids
        )
        if frame.keeps(f.student_id, f.group_id, f.subject_id, day)
    ]
    expected = await expected_finals(frame, day)
    if frame.scope.kind is ScopeKind.TEACHER:
        tables, chart = _by_group(frame, finals, expected)
    else:
        tables, chart = await _by_class(frame, finals, expected, day)
    return finish(frame, NAME, txt.MASTERY, tables, now, chart, txt.MASTERY_NOTES)


def _missing(
    expected: set[tuple[int, int, int]], finals: list[FinalRow], roster: set[int] | None = None
) -> dict[tuple[int, int], int]:
    """Finals not yet set, by (group, subject)."""
    have = {(f.student_id, f.group_id, f.subject_id) for f in finals}
    missing: dict[tuple[int, int], int] = defaultdict(int)
    for student_id, group_id, subject_id in expected - have:
        if roster is None or student_id in roster:
            missing[(group_id, subject_id)] += 1
    return missing


def _by_group(
    frame: Frame, finals: list[FinalRow], expected: set[tuple[int, int, int]]
) -> tuple[list[Table], Chart | None]:
    missing = _missing(expected, finals)
    by_pair: dict[tuple[int, int], list[str]] = defaultdict(list)
    for f in finals:
        by_pair[(f.group_id, f.subject_id)].append(f.value)
    pairs = sorted(
        frame.pairs or (),
        key=lambda p: (frame.group_name(p[0]), frame.subject_name(p[1])),
    )
    rows = []
    labels, success, quality = [], [], []
    for group_id, subject_id in pairs:
        counts = st.count_marks(by_pair.get((group_id, subject_id), []))
        rows.append(
            (
                frame.group_name(group_id),
                frame.subject_name(subject_id),
                *figures(counts, missing.get((group_id, subject_id), 0)),
            )
        )
        labels.append(f"{frame.group_name(group_id)} · {frame.subject_name(subject_id)}")
        success.append(number(st.success_rate(counts)))
        quality.append(number(st.quality_rate(counts)))
    cols = columns(("group", txt.GROUP, TEXT), ("subject", txt.SUBJECT, TEXT)) + FIGURE_COLUMNS
    return [table(txt.BY_GROUP, cols, rows)], _chart(labels, success, quality)


def _chart(labels: list[str], success: list[float], quality: list[float]) -> Chart | None:
    if not labels:
        return None
    return Chart(
        kind=ChartKind.BAR,
        title=txt.MASTERY_CHART,
        categories=tuple(labels),
        series=(Series(txt.SUCCESS, tuple(success)), Series(txt.QUALITY, tuple(quality))),
        value_label="%",
        value_max=100,
    )


async def _by_class(
    frame: Frame, finals: list[FinalRow], expected: set[tuple[int, int, int]], day: dt.date
) -> tuple[list[Table], Chart | None]:
    by_student: dict[int, list[FinalRow]] = defaultdict(list)
    for f in finals:
        by_student[f.student_id].append(f)
    class_rows = []
    all_counts: list[st.MarkCounts] = []
    all_students = 0
    rosters: dict[int, set[int]] = {}
    kept: list[FinalRow] = []  # finals of students on a roster, in their class
    student_counts: dict[int, st.MarkCounts] = {}
    labels, success, quality = [], [], []
    for school_class in frame.scope_classes:
        roster = frame.class_students(school_class.id, day)
        if frame.scope.kind is ScopeKind.STUDENT:
            roster &= frame.scope_students()
        rosters[school_class.id] = roster
        per_student = []
        for student_id in roster:
            mine = [
                f
                for f in by_student.get(student_id, [])
                if frame.fact_class(student_id, f.group_id, day) == school_class.id
            ]
            kept.extend(mine)
            counts = st.count_marks(f.value for f in mine)
            student_counts[student_id] = counts
            per_student.append(counts)
        cells = class_cells(school_class.name, len(roster), per_student)
        class_rows.append(cells)
        all_counts.extend(per_student)
        all_students += len(roster)
        labels.append(school_class.name)
        success.append(number(cells[12]))  # type: ignore[arg-type]
        quality.append(number(cells[13]))  # type: ignore[arg-type]
    totals = class_cells(txt.TOTAL, all_students, all_counts) if len(class_rows) > 1 else None
    tables = [table(txt.BY_CLASS, CLASS_COLUMNS, class_rows, totals)]
    on_roster = set().union(*rosters.values()) if rosters else set()
    missing = _missing(expected, kept, on_roster)
    subject_values: dict[int, list[str]] = defaultdict(list)
    for f in kept:
        subject_values[f.subject_id].append(f.value)
    missing_by_subject: dict[int, int] = defaultdict(int)
    for (_, subject_id), n in missing.items():
        missing_by_subject[subject_id] += n
    subject_ids = sorted(set(subject_values) | set(missing_by_subject), key=frame.subject_name)
    subject_rows = []
    subject_labels, subject_success, subject_quality = [], [], []
    for subject_id in subject_ids:
        counts = st.count_marks(subject_values.get(subject_id, []))
        subject_rows.append(
            (
                frame.subject_name(subject_id),
                *figures(counts, missing_by_subject.get(subject_id, 0)),
            )
        )
        subject_labels.append(frame.subject_name(subject_id))
        subject_success.append(number(st.success_rate(counts)))
        subject_quality.append(number(st.quality_rate(counts)))
    if frame.scope.kind is ScopeKind.CLASS:
        names = await frame.names(on_roster)
        student_rows = []
        for student_id, name in names.items():
            counts = student_counts[student_id]
            student_rows.append(
                (
                    name.name,
                    counts.counted,
                    counts.successes,
                    st.percent(counts.successes, counts.counted),
                    *distribution(counts),
                    counts.exempt,
                    st.mean_mark(counts),
                )
            )
        tables.append(table(txt.BY_STUDENT, STUDENT_COLUMNS, student_rows))
    subject_cols = columns(("subject", txt.SUBJECT, TEXT)) + FIGURE_COLUMNS
    tables.append(table(txt.BY_SUBJECT, subject_cols, subject_rows))
    if len(labels) > 1:
        return tables, _chart(labels, success, quality)
    return tables, _chart(subject_labels, subject_success, subject_quality)
