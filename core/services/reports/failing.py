"""REP-4: unsatisfactory current marks per student, with the topics of their lessons."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from core.model.reports import Cell, Chart, ChartKind, Report, Series
from core.rules.grading import NOT_ASSESSED
from core.rules.statistics import FAILED
from core.services.reports import texts as txt
from core.services.reports.absences import class_key
from core.services.reports.common import COUNT, DATE, MARK, TEXT, columns, finish, table
from core.services.reports.scope import Frame
from core.services.reports.source import MarkLine

NAME = "failing"
FAILING_VALUES = ("2", "1", FAILED, NOT_ASSESSED)

SUMMARY_COLUMNS = columns(
    ("student", txt.STUDENT, TEXT),
    ("class", txt.CLASS, TEXT),
    ("failing", txt.FAILING_MARKS, COUNT),
    ("n2", txt.COUNT_2, COUNT),
    ("failed", txt.COUNT_FAIL, COUNT),
    ("na", txt.COUNT_NA, COUNT),
    ("subjects", txt.BY_SUBJECT, TEXT),
)
DETAIL_COLUMNS = columns(
    ("student", txt.STUDENT, TEXT),
    ("date", txt.DATE, DATE),
    ("subject", txt.SUBJECT, TEXT),
    ("topic", txt.TOPIC, TEXT),
    ("work_type", txt.WORK_TYPE, TEXT),
    ("mark", txt.MARK, MARK),
)


async def report(frame: Frame, now: dt.datetime) -> Report:
    lines = [
        line
        for line in await frame.source.mark_lines(
            frame.school_id,
            frame.start,
            frame.end,
            frame.group_ids,
            frame.student_ids,
            values=FAILING_VALUES,
        )
        if frame.keeps(line.student_id, line.group_id, line.subject_id, line.on_date)
    ]
    mine: dict[int, list[MarkLine]] = defaultdict(list)
    for line in lines:
        mine[line.student_id].append(line)
    names = await frame.names(mine)
    classes = {student_id: frame.latest_class_of(student_id) for student_id in names}
    by_name = {student_id: n for n, student_id in enumerate(names)}
    order = sorted(names, key=lambda s: (class_key(frame, classes[s]), by_name[s]))
    rows = []
    details: list[tuple[Cell, ...]] = []
    for student_id in order:
        marks = mine[student_id]
        values = Counter(m.value for m in marks)
        subjects = Counter(frame.subject_name(m.subject_id) for m in marks)
        rows.append(
            (
                names[student_id].name,
                frame.class_name(classes[student_id]),
                len(marks),
                values["2"] + values["1"],
                values[FAILED],
                values[NOT_ASSESSED],
                ", ".join(f"{name} ({n})" for name, n in sorted(subjects.items())),
            )
        )
        details.extend(
            (
                names[student_id].name,
                m.on_date,
                frame.subject_name(m.subject_id),
                m.topic or txt.NO_TOPIC,
                m.work_type,
                m.value,
            )
            for m in marks
        )
    tables = [
        table(txt.BY_STUDENT, SUMMARY_COLUMNS, rows),
        table(txt.FAILING_LIST, DETAIL_COLUMNS, details),
    ]
    by_subject = Counter(frame.subject_name(line.subject_id) for line in lines)
    chart = None
    if by_subject:
        pairs = sorted(by_subject.items(), key=lambda p: (-p[1], p[0]))
        chart = Chart(
            kind=ChartKind.HORIZONTAL_BAR,
            title=txt.FAILING_CHART,
            categories=tuple(name for name, _ in pairs),
            series=(Series(txt.FAILING_MARKS, tuple(float(n) for _, n in pairs)),),
            value_label=txt.MARKS,
        )
    return finish(frame, NAME, txt.FAILING, tables, now, chart, txt.FAILING_NOTES)
