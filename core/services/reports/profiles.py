"""CT-2, CT-4: one-page analytic summaries for a parents' meeting — on the class (its figures,
subjects, students, who needs attention) and on one student (marks, averages, absences and the
failed topics, by subject)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from core.model.journal import AbsenceKind
from core.model.reports import Cell, Chart, ChartKind, Report, Series
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    AVERAGE,
    COUNT,
    DATE,
    MARK,
    PERCENT,
    TEXT,
    columns,
    finish,
    number,
    table,
    teaching,
)
from core.services.reports.failing import FAILING_VALUES
from core.services.reports.scope import Frame

MISSED_KINDS = (AbsenceKind.ABSENT, AbsenceKind.ILL, AbsenceKind.EXCUSED)
BELOW = Decimal("2.50")  # a subject average that rounds to «2»

ABSENCE_FIGURES = (
    ("missed", txt.MISSED_TOTAL, COUNT),
    ("ill", txt.MISSED_ILL, COUNT),
    ("unexcused", txt.MISSED_UNEXCUSED, COUNT),
    ("late", txt.LATE_TOTAL, COUNT),
)
FINAL_FIGURES = (
    ("success", txt.FINALS_SUCCESS, PERCENT),
    ("quality", txt.FINALS_QUALITY, PERCENT),
    ("finals_mean", txt.FINALS_MEAN, AVERAGE),
    ("sou", txt.FINALS_SOU, PERCENT),
    ("mastery", txt.MASTERY_PER_STUDENT, AVERAGE),
)


def _absence_cells(kinds: Counter[AbsenceKind]) -> tuple[Cell, ...]:
    return (
        sum(kinds[k] for k in MISSED_KINDS),
        kinds[AbsenceKind.ILL],
        kinds[AbsenceKind.ABSENT],
        kinds[AbsenceKind.LATE],
    )


def _subject_chart(labels: list[str], means: list[Decimal | None]) -> Chart | None:
    if not labels:
        return None
    return Chart(
        kind=ChartKind.BAR,
        title=txt.SUBJECT_CHART,
        categories=tuple(labels),
        series=(Series(txt.AVERAGE_CURRENT, tuple(number(m) for m in means)),),
        value_label=txt.MEAN,
        value_max=5,
    )


async def class_profile(frame: Frame, now: dt.datetime) -> Report:
    school_class = frame.scope_classes[0]
    source, school = frame.source, frame.school_id
    roster_end = frame.class_students(school_class.id, frame.end)
    everyone = frame.class_students(school_class.id)
    weights: dict[tuple[int, int], list[tuple[str, float]]] = defaultdict(list)
    subject_values: dict[int, Counter[str]] = defaultdict(Counter)
    student_values: dict[int, Counter[str]] = defaultdict(Counter)
    for tally in await source.mark_tallies(school, frame.start, frame.end, frame.group_ids):
        if not frame.keeps(tally.student_id, tally.group_id, tally.subject_id):
            continue
        weights[(tally.student_id, tally.subject_id)].append((tally.value, tally.weight))
        subject_values[tally.subject_id][tally.value] += tally.count
        student_values[tally.student_id][tally.value] += tally.count
    absences: dict[int, Counter[AbsenceKind]] = defaultdict(Counter)
    subject_missed: Counter[int] = Counter()
    for a in await source.absence_tallies(school, frame.start, frame.end, frame.group_ids):
        if frame.keeps(a.student_id, a.group_id, a.subject_id):
            absences[a.student_id][a.kind] += a.count
            if a.kind is not AbsenceKind.LATE:
                subject_missed[a.subject_id] += a.count
    finals: dict[int, list[str]] = defaultdict(list)
    subject_finals: dict[int, list[str]] = defaultdict(list)
    if frame.period is not None:
        for f in await source.finals(school, [frame.period.id], frame.group_ids):
            if f.student_id in roster_end and frame.keeps(
                f.student_id, f.group_id, f.subject_id, frame.period.ends_on
            ):
                finals[f.student_id].append(f.value)
                subject_finals[f.subject_id].append(f.value)
    staff = await frame.staff_names()
    all_current = st.count_marks(sum(subject_values.values(), Counter()))
    all_absences: Counter[AbsenceKind] = sum(absences.values(), Counter())
    summary_cols = columns(
        ("class_teacher", txt.CLASS_TEACHER, TEXT),
        ("students", txt.STUDENTS, COUNT),
        ("current_mean", txt.CURRENT_MEAN, AVERAGE),
        ("marks", txt.CURRENT_MARKS, COUNT),
        ("twos", txt.CURRENT_TWOS, COUNT),
        *ABSENCE_FIGURES,
    )
    summary: tuple[Cell, ...] = (
        staff.get(school_class.class_teacher_id or 0, ""),
        len(roster_end),
        st.mean_mark(all_current),
        sum(sum(c.values()) for c in subject_values.values()),
        all_current.two + all_current.one,
        *_absence_cells(all_absences),
    )
    if frame.period is not None:
        per_student = [st.count_marks(finals.get(s, [])) for s in roster_end]
        total = sum(per_student, st.MarkCounts())
        rates = st.class_rates(st.standing(c) for c in per_student)
        summary_cols += columns(*FINAL_FIGURES)
        summary += (
            rates.success,
            rates.quality,
            st.mean_mark(total),
            st.degree_of_learning(total),
            st.mastery(total.successes, len(roster_end)),
        )
    tables = [table(txt.SUMMARY, summary_cols, [summary])]
    # subjects
    taught = await teaching(frame)
    teachers_of: dict[int, set[int]] = defaultdict(set)
    for (group_id, subject_id), ids in taught.items():
        if frame.group_ids is not None and group_id in frame.group_ids:
            teachers_of[subject_id] |= ids
    subject_ids = sorted(
        set(subject_values) | set(subject_finals) | set(subject_missed), key=frame.subject_name
    )
    subject_cols = columns(
        ("subject", txt.SUBJECT, TEXT),
        ("teacher", txt.TEACHER, TEXT),
        ("marks", txt.MARKS, COUNT),
        ("current_mean", txt.AVERAGE_CURRENT, AVERAGE),
        ("twos", txt.CURRENT_TWOS, COUNT),
        ("missed", txt.MISSED_TOTAL, COUNT),
    )
    if frame.period is not None:
        subject_cols += columns(
            ("success", txt.FINALS_SUCCESS, PERCENT),
            ("quality", txt.FINALS_QUALITY, PERCENT),
            ("sou", txt.FINALS_SOU, PERCENT),
        )
    subject_rows = []
    labels, means = [], []
    for subject_id in subject_ids:
        counts = st.count_marks(subject_values.get(subject_id, Counter()))
        row: tuple[Cell, ...] = (
            frame.subject_name(subject_id),
            ", ".join(sorted(staff.get(t, "") for t in teachers_of.get(subject_id, ()))),
            sum(subject_values.get(subject_id, Counter()).values()),
            st.mean_mark(counts),
            counts.two + counts.one,
            subject_missed[subject_id],
        )
        if frame.period is not None:
            fin = st.count_marks(subject_finals.get(subject_id, []))
            row += (st.success_rate(fin), st.quality_rate(fin), st.degree_of_learning(fin))
        subject_rows.append(row)
        labels.append(frame.subject_name(subject_id))
        means.append(st.mean_mark(counts))
    tables.append(table(txt.BY_SUBJECT, subject_cols, subject_rows))
    # students
    names = await frame.names(everyone)
    student_cols = columns(
        ("student", txt.STUDENT, TEXT),
        ("current_mean", txt.AVERAGE_CURRENT, AVERAGE),
        ("twos", txt.CURRENT_TWOS, COUNT),
        *ABSENCE_FIGURES,
    )
    if frame.period is not None:
        student_cols += columns(("below_3", txt.FINALS_BELOW_3, COUNT))
    student_rows = []
    attention = []
    for student_id, name in names.items():
        counts = st.count_marks(student_values.get(student_id, Counter()))
        student_row: tuple[Cell, ...] = (
            name.name + ("" if student_id in roster_end else txt.LEFT),
            st.mean_mark(counts),
            counts.two + counts.one,
            *_absence_cells(absences.get(student_id, Counter())),
        )
        fin = st.count_marks(finals.get(student_id, []))
        if frame.period is not None:
            student_row += (fin.failures,)
        student_rows.append(student_row)
        weak = [
            frame.subject_name(subject_id)
            for (sid, subject_id), pairs in sorted(weights.items())
            if sid == student_id and (mean := st.weighted_mean(pairs)) is not None and mean < BELOW
        ]
        if weak or fin.failures:
            attention.append((name.name, ", ".join(sorted(weak)), fin.failures))
    tables.append(table(txt.BY_STUDENT, student_cols, student_rows))
    attention_cols = columns(
        ("student", txt.STUDENT, TEXT),
        ("subjects", txt.BY_SUBJECT, TEXT),
        ("below_3", txt.FINALS_BELOW_3, COUNT),
    )
    tables.append(table(txt.ATTENTION, attention_cols, attention))
    notes = (*txt.PROFILE_NOTES, txt.ATTENTION_NOTE)
    return finish(
        frame, "class-profile", txt.CLASS_PROFILE, tables, now, _subject_chart(labels, means), notes
    )


async def student_profile(frame: Frame, now: dt.datetime) -> Report:
    student_id = frame.scope.id or 0
    source, school = frame.source, frame.school_id
    ids = [student_id]
    weights: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for tally in await source.mark_tallies(school, frame.start, frame.end, None, ids):
        weights[tally.subject_id].append((tally.value, tally.weight))
    lines = await source.mark_lines(school, frame.start, frame.end, None, ids)
    marks: dict[int, list[str]] = defaultdict(list)
    for line in lines:
        marks[line.subject_id].append(line.value)
    absences: Counter[AbsenceKind] = Counter()
    missed: Counter[int] = Counter()
    for a in await source.absence_tallies(school, frame.start, frame.end, None, ids):
        absences[a.kind] += a.count
        if a.kind is not AbsenceKind.LATE:
            missed[a.subject_id] += a.count
    finals: dict[int, str] = {}
    if frame.period is not None:
        for f in await source.finals(school, [frame.period.id], None, ids):
            finals[f.subject_id] = f.value
    subject_ids = sorted(set(marks) | set(missed) | set(finals), key=frame.subject_name)
    averages = {s: st.weighted_mean(weights.get(s, [])) for s in subject_ids}
    everything = st.count_marks(v for values in marks.values() for v in values)
    summary_cols = columns(
        ("class", txt.CLASS, TEXT),
        ("current_mean", txt.CURRENT_MEAN, AVERAGE),
        ("marks", txt.CURRENT_MARKS, COUNT),
        ("twos", txt.CURRENT_TWOS, COUNT),
        *ABSENCE_FIGURES,
    )
    summary: tuple[Cell, ...] = (
        frame.class_name(frame.latest_class_of(student_id)),
        st.mean_of(averages.values()),
        sum(len(v) for v in marks.values()),
        everything.two + everything.one,
        *_absence_cells(absences),
    )
    if frame.period is not None:
        summary_cols += columns(("below_3", txt.FINALS_BELOW_3, COUNT))
        summary += (st.count_marks(finals.values()).failures,)
    subject_cols = columns(
        ("subject", txt.SUBJECT, TEXT),
        ("marks", txt.MARKS_LIST, TEXT),
        ("current_mean", txt.AVERAGE_CURRENT, AVERAGE),
        ("twos", txt.CURRENT_TWOS, COUNT),
        ("missed", txt.MISSED_TOTAL, COUNT),
        ("final", txt.FINAL, MARK),
    )
    subject_rows = []
    for subject_id in subject_ids:
        values = marks.get(subject_id, [])
        counts = st.count_marks(values)
        subject_rows.append(
            (
                frame.subject_name(subject_id),
                " ".join(values),
                averages[subject_id],
                counts.two + counts.one,
                missed[subject_id],
                finals.get(subject_id),
            )
        )
    failing_cols = columns(
        ("date", txt.DATE, DATE),
        ("subject", txt.SUBJECT, TEXT),
        ("topic", txt.TOPIC, TEXT),
        ("work_type", txt.WORK_TYPE, TEXT),
        ("mark", txt.MARK, MARK),
    )
    failing_rows = [
        (
            line.on_date,
            frame.subject_name(line.subject_id),
            line.topic or txt.NO_TOPIC,
            line.work_type,
            line.value,
        )
        for line in lines
        if line.value in FAILING_VALUES
    ]
    tables = [
        table(txt.SUMMARY, summary_cols, [summary]),
        table(txt.BY_SUBJECT, subject_cols, subject_rows),
        table(txt.FAILING_LIST, failing_cols, failing_rows),
    ]
    chart = _subject_chart(
        [frame.subject_name(s) for s in subject_ids], [averages[s] for s in subject_ids]
    )
    return finish(
        frame, "student-profile", txt.STUDENT_PROFILE, tables, now, chart, txt.PROFILE_NOTES
    )
