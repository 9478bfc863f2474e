"""REP-3 (and CT-4): missed lessons per student with the topics missed, for individual
corrective work. Being late («О») is counted apart and is no missed lesson."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.model.journal import AbsenceKind
from core.model.reports import Cell, Chart, ChartKind, Report, Series
from core.services.reports import texts as txt
from core.services.reports.common import COUNT, DATE, TEXT, columns, finish, table
from core.services.reports.scope import Frame, ScopeKind

NAME = "absences"
MISSED_KINDS = (AbsenceKind.ABSENT, AbsenceKind.ILL, AbsenceKind.EXCUSED)
CHART_ROWS = 30  # the students drawn: those who missed most

SUMMARY_COLUMNS = columns(
    ("student", txt.STUDENT, TEXT),
    ("class", txt.CLASS, TEXT),
    ("missed", txt.MISSED, COUNT),
    *((kind.value, txt.ABSENCE_COLUMNS[kind], COUNT) for kind in MISSED_KINDS),
    ("late", txt.LATE, COUNT),
)
DETAIL_COLUMNS = columns(
    ("student", txt.STUDENT, TEXT),
    ("date", txt.DATE, DATE),
    ("lesson", txt.LESSON_NUMBER, COUNT),
    ("subject", txt.SUBJECT, TEXT),
    ("topic", txt.TOPIC, TEXT),
    ("reason", txt.REASON, TEXT),
)


def with_details(frame: Frame) -> bool:
    """Lesson-by-lesson lists for a class, a teacher's groups or a student; a grade or the whole
    school gets the counts."""
    return frame.scope.kind not in (ScopeKind.SCHOOL, ScopeKind.GRADE)


async def report(frame: Frame, now: dt.datetime) -> Report:
    counts: dict[int, dict[AbsenceKind, int]] = defaultdict(lambda: dict.fromkeys(AbsenceKind, 0))
    details = []
    source, school = frame.source, frame.school_id
    if with_details(frame):
        lines = await source.absence_lines(
            school, frame.start, frame.end, frame.group_ids, frame.student_ids
        )
        for line in lines:
            if not frame.keeps(line.student_id, line.group_id, line.subject_id, line.on_date):
                continue
            counts[line.student_id][line.kind] += 1
            if line.kind is not AbsenceKind.LATE:
                details.append(line)
    else:
        tallies = await source.absence_tallies(
            school, frame.start, frame.end, frame.group_ids, frame.student_ids
        )
        for tally in tallies:
            if frame.keeps(tally.student_id, tally.group_id, tally.subject_id):
                counts[tally.student_id][tally.kind] += tally.count
    students = frame.scope_students() | set(counts)
    names = await frame.names(students)
    classes = {student_id: frame.latest_class_of(student_id) for student_id in names}
    by_name = {student_id: n for n, student_id in enumerate(names)}
    order = sorted(names, key=lambda s: (class_key(frame, classes[s]), by_name[s]))
    summaries = []
    for student_id in order:
        mine = counts.get(student_id, dict.fromkeys(AbsenceKind, 0))
        summaries.append(
            (
                names[student_id].name,
                frame.class_name(classes[student_id]),
                [
                    sum(mine[k] for k in MISSED_KINDS),
                    *(mine[k] for k in MISSED_KINDS),
                    mine[AbsenceKind.LATE],
                ],
            )
        )
    rows: list[tuple[Cell, ...]] = [
        (name, class_name, *numbers) for name, class_name, numbers in summaries
    ]
    sums = [sum(numbers[i] for _, _, numbers in summaries) for i in range(5)]
    totals = (txt.TOTAL, None, *sums) if len(rows) > 1 else None
    tables = [table(txt.BY_STUDENT, SUMMARY_COLUMNS, rows, totals)]
    if with_details(frame):
        rank = {student_id: n for n, student_id in enumerate(order)}
        details.sort(key=lambda x: (rank.get(x.student_id, -1), x.on_date, x.lesson_number))
        detail_rows = [
            (
                names[line.student_id].name if line.student_id in names else "",
                line.on_date,
                line.lesson_number,
                frame.subject_name(line.subject_id),
                line.topic or txt.NO_TOPIC,
                txt.ABSENCE_NAMES[line.kind],
            )
            for line in details
        ]
        tables.append(table(txt.MISSED_TOPICS, DETAIL_COLUMNS, detail_rows))
    chart = _chart(
        frame, [(name, class_name, numbers[0]) for name, class_name, numbers in summaries]
    )
    return finish(frame, NAME, txt.ABSENCES, tables, now, chart, txt.ABSENCE_NOTES)


def class_key(frame: Frame, class_id: int | None) -> tuple[int, str]:
    """Classes by grade and name; students of no class last."""
    school_class = frame.classes.get(class_id) if class_id is not None else None
    return (school_class.grade, school_class.name) if school_class else (99, "")


def _chart(frame: Frame, missed: list[tuple[str, str, int]]) -> Chart | None:
    """Missed lessons by class for several classes, else by student (the most first)."""
    if not missed:
        return None
    if len(frame.scope_classes) > 1:
        by_class: dict[str, int] = {c.name: 0 for c in frame.scope_classes}
        for _, class_name, n in missed:
            by_class[class_name] = by_class.get(class_name, 0) + n
        pairs = list(by_class.items())
    else:
        pairs = [(name, n) for name, _, n in sorted(missed, key=lambda r: -r[2])[:CHART_ROWS]]
    return Chart(
        kind=ChartKind.HORIZONTAL_BAR,
        title=txt.ABSENCE_CHART,
        categories=tuple(label for label, _ in pairs),
        series=(Series(txt.MISSED, tuple(float(n) for _, n in pairs)),),
        value_label=txt.MISSED,
    )
