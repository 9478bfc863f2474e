"""REP-8: the final marks sheet (сводная ведомость) as data — for a class, every subject by every
study period of its grade and the year; for a grade or the school, a table per class for the
chosen period; for a teacher, each group's subject by period. documents/ prints it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.model.groups import GroupKind
from core.model.reports import Cell, Column, Report, Table
from core.model.school import PeriodKind
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import AVERAGE, MARK, TEXT, columns, finish, table, teaching
from core.services.reports.scope import Frame, ScopeKind, period_title, short_period_title
from core.services.reports.source import FinalRow, MembershipRow, PeriodRow

NAME = "final-sheet"


def _order(periods: list[PeriodRow]) -> list[PeriodRow]:
    """Quarters (or trimesters, half-years) by date, the year last."""
    return sorted(periods, key=lambda p: (p.kind is PeriodKind.YEAR, p.starts_on, p.ends_on))


async def report(frame: Frame, now: dt.datetime) -> Report:
    if frame.scope.kind is ScopeKind.TEACHER:
        tables = await _teacher_sheets(frame)
    elif frame.scope.kind is ScopeKind.CLASS:
        tables = await _class_sheets(frame)
    else:
        tables = await _classes_of_period(frame)
    return finish(frame, NAME, txt.FINAL_SHEET, tables, now, None, txt.FINAL_SHEET_NOTES)


async def _year_spans(frame: Frame) -> dict[int, list[MembershipRow]]:
    """Class memberships over the whole year, by student."""
    spans: dict[int, list[MembershipRow]] = defaultdict(list)
    for m in await frame.source.memberships(
        frame.school_id, frame.year.id, frame.year.starts_on, frame.year.ends_on
    ):
        if m.group_id in frame.class_of_group:
            spans[m.student_id].append(m)
    return spans


def _subject_columns(frame: Frame, subject_ids: set[int]) -> tuple[list[int], tuple[Column, ...]]:
    ordered = sorted(subject_ids, key=frame.subject_name)
    cols = (
        *columns(("student", txt.STUDENT, TEXT)),
        *(
            Column(f"s{s}", frame.subjects[s].short_name if s in frame.subjects else "", MARK)
            for s in ordered
        ),
        *columns(("mean", txt.MEAN, AVERAGE)),
    )
    return ordered, cols


async def _class_subjects(frame: Frame, group_ids: set[int]) -> set[int]:
    taught = await teaching(frame)
    return {
        subject_id
        for (group_id, subject_id) in taught
        if group_id in group_ids and frame.groups[group_id].kind is not GroupKind.CLUB
    }


def _sheet(
    frame: Frame,
    title: str,
    students: list[tuple[int, str]],
    subject_ids: set[int],
    values: dict[tuple[int, int], str],
) -> Table:
    ordered, cols = _subject_columns(frame, subject_ids)
    rows = []
    for student_id, name in students:
        marks = [values.get((student_id, s)) for s in ordered]
        counts = st.count_marks(m for m in marks if m is not None)
        cells: tuple[Cell, ...] = (name, *marks, st.mean_mark(counts))
        rows.append(cells)
    return table(title, cols, rows)


async def _class_sheets(frame: Frame) -> list[Table]:
    school_class = frame.scope_classes[0] if frame.scope_classes else None
    if school_class is None:
        return []
    spans = await _year_spans(frame)
    mine = {
        s: [x for x in xs if frame.class_of_group[x.group_id] == school_class.id]
        for s, xs in spans.items()
    }
    mine = {s: xs for s, xs in mine.items() if xs}
    names = await frame.names(mine)
    students = []
    for student_id, row in names.items():
        left = all(
            x.ends_on is not None and x.ends_on < frame.year.ends_on for x in mine[student_id]
        )
        students.append((student_id, row.name + (txt.LEFT if left else "")))
    periods = _order([p for p in frame.periods if p.covers_grade(school_class.grade)])
    class_groups = {g.id for g in frame.groups.values() if g.class_id == school_class.id}
    member_groups = {
        m.group_id
        for m in await frame.source.memberships(
            frame.school_id, frame.year.id, frame.year.starts_on, frame.year.ends_on
        )
        if m.student_id in mine and frame.groups[m.group_id].class_id is None
    }
    finals = await frame.source.finals(
        frame.school_id, [p.id for p in periods], class_groups | member_groups, list(mine)
    )
    by_period: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    subject_ids = await _class_subjects(frame, class_groups)
    for f in finals:
        if f.group_id in class_groups or f.group_id in member_groups:
            by_period[f.period_id][(f.student_id, f.subject_id)] = f.value
            subject_ids.add(f.subject_id)
    return [
        _sheet(frame, period_title(p).capitalize(), students, subject_ids, by_period[p.id])
        for p in periods
    ]


async def _classes_of_period(frame: Frame) -> list[Table]:
    period = frame.require_study_period(txt.FINAL_SHEET)
    finals = await frame.source.finals(frame.school_id, [period.id], frame.group_ids)
    by_class: dict[int, list[FinalRow]] = defaultdict(list)
    for f in finals:
        class_id = frame.fact_class(f.student_id, f.group_id, period.ends_on)
        if class_id is not None:
            by_class[class_id].append(f)
    tables = []
    for school_class in frame.scope_classes:
        roster = frame.class_students(school_class.id, period.ends_on)
        names = await frame.names(roster)
        values = {(f.student_id, f.subject_id): f.value for f in by_class.get(school_class.id, [])}
        subject_ids = {s for _, s in values}
        tables.append(
            _sheet(
                frame,
                school_class.name,
                [(s, row.name) for s, row in names.items()],
                subject_ids,
                values,
            )
        )
    return tables


async def _teacher_sheets(frame: Frame) -> list[Table]:
    periods = _order(frame.periods)
    pairs = sorted(
        frame.pairs or (), key=lambda p: (frame.group_name(p[0]), frame.subject_name(p[1]))
    )
    finals = await frame.source.finals(frame.school_id, [p.id for p in periods], frame.group_ids)
    values: dict[tuple[int, int], dict[tuple[int, int], str]] = defaultdict(dict)
    for f in finals:
        values[(f.group_id, f.subject_id)][(f.student_id, f.period_id)] = f.value
    members: dict[int, set[int]] = defaultdict(set)
    for m in await frame.source.memberships(
        frame.school_id, frame.year.id, frame.year.starts_on, frame.year.ends_on
    ):
        members[m.group_id].add(m.student_id)
    tables = []
    for group_id, subject_id in pairs:
        mine = values.get((group_id, subject_id), {})
        students = members.get(group_id, set()) | {s for s, _ in mine}
        names = await frame.names(students)
        used = [p for p in periods if any(p.id == pid for _, pid in mine)] or [
            p for p in periods if p.kind is not PeriodKind.YEAR
        ]
        cols = (
            *columns(("student", txt.STUDENT, TEXT)),
            *(Column(f"p{p.id}", short_period_title(p), MARK) for p in used),
        )
        rows = [(row.name, *(mine.get((s, p.id)) for p in used)) for s, row in names.items()]
        title = f"{frame.group_name(group_id)} · {frame.subject_name(subject_id)}"
        tables.append(table(title, cols, rows))
    return tables
