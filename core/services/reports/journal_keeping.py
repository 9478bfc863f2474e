"""REP-5: how completely and timely the journal is kept, per teacher and class or group: lessons
planned by the timetable and recorded, without a topic, attendance or homework, substituted;
marks entered after their deadline and marks per student."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core.model.reports import Chart, ChartKind, Report, Series
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    AVERAGE,
    COUNT,
    TEXT,
    columns,
    finish,
    number,
    table,
    teaching,
)
from core.services.reports.planned import group_in_scope, plan
from core.services.reports.scope import Frame
from core.services.reports.source import MarkEntryTally

NAME = "journal-keeping"

COLUMNS = columns(
    ("teacher", txt.TEACHER, TEXT),
    ("group", txt.GROUP, TEXT),
    ("subject", txt.SUBJECT, TEXT),
    ("planned", txt.PLANNED_TO_DATE, COUNT),
    ("recorded", txt.RECORDED, COUNT),
    ("not_recorded", txt.NOT_RECORDED, COUNT),
    ("without_topic", txt.WITHOUT_TOPIC, COUNT),
    ("without_attendance", txt.WITHOUT_ATTENDANCE, COUNT),
    ("without_homework", txt.WITHOUT_HOMEWORK, COUNT),
    ("homework_chars", txt.HOMEWORK_CHARS, COUNT),
    ("substituted", txt.SUBSTITUTED, COUNT),
    ("marks", txt.MARKS, COUNT),
    ("late_marks", txt.LATE_MARKS, COUNT),
    ("density", txt.DENSITY, AVERAGE),
)


def entry_pair(entry: MarkEntryTally) -> tuple[int, int]:
    return entry.group_id, entry.subject_id


@dataclass
class _Line:
    planned: int = 0
    recorded: int = 0
    without_topic: int = 0
    without_attendance: int = 0
    with_homework: int = 0
    homework_chars: int = 0
    substituted: int = 0
    marks: int = 0
    late_marks: int = 0


async def report(frame: Frame, now: dt.datetime) -> Report:
    cutoff = min(frame.end, frame.today)
    source, school = frame.source, frame.school_id
    lines: dict[tuple[int, int, int], _Line] = defaultdict(_Line)
    planned = await plan(frame, frame.start, cutoff)
    for (group_id, subject_id, teacher_id), n in planned.lessons.items():
        if group_in_scope(frame, group_id, subject_id):
            lines[(teacher_id, group_id, subject_id)].planned += n
    if frame.start <= cutoff:
        for tally in await source.lesson_tallies(school, frame.start, cutoff, frame.group_ids):
            if not group_in_scope(frame, tally.group_id, tally.subject_id):
                continue
            line = lines[(tally.teacher_id, tally.group_id, tally.subject_id)]
            line.recorded += tally.lessons
            line.without_topic += tally.without_topic
            line.without_attendance += tally.without_attendance
            line.with_homework += tally.with_homework
            line.homework_chars += tally.homework_chars
            line.substituted += tally.substituted
        taught = await teaching(frame)
        rows_of: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
        for key in sorted(lines):
            rows_of[key[1:]].append(key)
        for entry in await source.mark_entry_tallies(school, frame.start, cutoff, frame.group_ids):
            if not group_in_scope(frame, entry.group_id, entry.subject_id):
                continue
            keys = rows_of.get((entry.group_id, entry.subject_id), [])
            owners = taught.get((entry.group_id, entry.subject_id), set())
            # marks of a group's subject go to its teacher by the load (one row, not each)
            fallback = keys[0] if keys else (min(owners, default=0), *entry_pair(entry))
            key = next((k for k in keys if k[0] in owners), fallback)
            lines[key].marks += entry.marks
            lines[key].late_marks += entry.late
    staff = await frame.staff_names()
    ordered = sorted(
        lines.items(),
        key=lambda item: (
            staff.get(item[0][0], ""),
            frame.group_name(item[0][1]),
            frame.subject_name(item[0][2]),
        ),
    )
    rows = []
    per_teacher: dict[str, list[_Line]] = defaultdict(list)
    for (teacher_id, group_id, subject_id), line in ordered:
        students = len(frame.group_students(group_id))
        rows.append(
            (
                staff.get(teacher_id, ""),
                frame.group_name(group_id),
                frame.subject_name(subject_id),
                line.planned,
                line.recorded,
                max(line.planned - line.recorded, 0),
                line.without_topic,
                line.without_attendance,
                line.recorded - line.with_homework,
                round(line.homework_chars / line.with_homework) if line.with_homework else None,
                line.substituted,
                line.marks,
                line.late_marks,
                st.ratio(line.marks, students),
            )
        )
        per_teacher[staff.get(teacher_id, "")].append(line)
    return finish(
        frame,
        NAME,
        txt.JOURNAL_KEEPING,
        [table(txt.JOURNAL_KEEPING, COLUMNS, rows)],
        now,
        _chart(per_teacher),
        txt.KEEPING_NOTES,
    )


def _chart(per_teacher: dict[str, list[_Line]]) -> Chart | None:
    if not per_teacher:
        return None
    names = sorted(per_teacher)
    with_topic, with_attendance = [], []
    for name in names:
        mine = per_teacher[name]
        base = max(sum(x.planned for x in mine), sum(x.recorded for x in mine))
        recorded = sum(x.recorded for x in mine)
        with_topic.append(number(st.percent(recorded - sum(x.without_topic for x in mine), base)))
        with_attendance.append(
            number(st.percent(recorded - sum(x.without_attendance for x in mine), base))
        )
    return Chart(
        kind=ChartKind.HORIZONTAL_BAR,
        title=txt.KEEPING_CHART,
        categories=tuple(names),
        series=(
            Series(txt.KEEPING_TOPIC, tuple(with_topic)),
            Series(txt.KEEPING_ATTENDANCE, tuple(with_attendance)),
        ),
        value_label="%",
        value_max=100,
    )
