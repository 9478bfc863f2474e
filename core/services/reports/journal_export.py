"""REP-9: the raw journal of a class (or of a teacher's groups) for a period — every lesson with
its topic and homework, every mark and every absence — as tables, so that it leaves the program
as XLSX or CSV like any report."""

from __future__ import annotations

import datetime as dt

from core.model.reports import Report
from core.services.reports import texts as txt
from core.services.reports.common import COUNT, DATE, MARK, TEXT, columns, finish, table
from core.services.reports.scope import Frame, ScopeKind

NAME = "journal"

LESSON_COLUMNS = columns(
    ("date", txt.DATE, DATE),
    ("lesson", txt.LESSON_NUMBER, COUNT),
    ("subject", txt.SUBJECT, TEXT),
    ("group", txt.GROUP, TEXT),
    ("teacher", txt.TEACHER, TEXT),
    ("topic", txt.TOPIC, TEXT),
    ("homework", txt.HOMEWORK, TEXT),
)
MARK_COLUMNS = columns(
    ("date", txt.DATE, DATE),
    ("lesson", txt.LESSON_NUMBER, COUNT),
    ("subject", txt.SUBJECT, TEXT),
    ("student", txt.STUDENT, TEXT),
    ("mark", txt.MARK, MARK),
    ("work", txt.WORK_TYPE, TEXT),
)
ABSENCE_COLUMNS = columns(
    ("date", txt.DATE, DATE),
    ("lesson", txt.LESSON_NUMBER, COUNT),
    ("subject", txt.SUBJECT, TEXT),
    ("student", txt.STUDENT, TEXT),
    ("reason", txt.REASON, TEXT),
)


async def report(frame: Frame, now: dt.datetime) -> Report:
    source, school = frame.source, frame.school_id
    staff = await frame.staff_names()
    lessons = [
        line
        for line in await source.lesson_lines(school, frame.start, frame.end, frame.group_ids)
        if frame.scope.kind is not ScopeKind.TEACHER
        or (frame.pairs is not None and (line.group_id, line.subject_id) in frame.pairs)
    ]
    marks = [
        m
        for m in await source.mark_lines(school, frame.start, frame.end, frame.group_ids)
        if frame.keeps(m.student_id, m.group_id, m.subject_id, m.on_date)
    ]
    absences = [
        a
        for a in await source.absence_lines(school, frame.start, frame.end, frame.group_ids)
        if frame.keeps(a.student_id, a.group_id, a.subject_id, a.on_date)
    ]
    names = await frame.names({m.student_id for m in marks} | {a.student_id for a in absences})

    def student(student_id: int) -> str:
        row = names.get(student_id)
        return row.name if row else ""

    lesson_rows = [
        (
            x.on_date,
            x.lesson_number,
            frame.subject_name(x.subject_id),
            frame.group_name(x.group_id),
            staff.get(x.given_by, "") + (txt.SUBSTITUTE_MARK if x.substituted else ""),
            x.topic or "",
            x.homework or "",
        )
        for x in lessons
    ]
    mark_rows = [
        (
            m.on_date,
            m.lesson_number,
            frame.subject_name(m.subject_id),
            student(m.student_id),
            m.value,
            m.work_type,
        )
        for m in marks
    ]
    absence_rows = [
        (
            a.on_date,
            a.lesson_number,
            frame.subject_name(a.subject_id),
            student(a.student_id),
            txt.ABSENCE_NAMES[a.kind],
        )
        for a in absences
    ]
    tables = [
        table(txt.JOURNAL_LESSONS, LESSON_COLUMNS, lesson_rows),
        table(txt.JOURNAL_MARKS, MARK_COLUMNS, mark_rows),
        table(txt.JOURNAL_ABSENCES, ABSENCE_COLUMNS, absence_rows),
    ]
    return finish(frame, NAME, txt.JOURNAL, tables, now, notes=(txt.JOURNAL_NOTE,))
