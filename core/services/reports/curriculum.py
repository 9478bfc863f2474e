"""REP-6: fulfilment of the curriculum — per group and subject, the hours planned by the teaching
load and the thematic plan (КТП) against the lessons the timetable plans and those given."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from core.model.reports import Chart, ChartKind, Report, Series
from core.rules import statistics as st
from core.services.reports import texts as txt
from core.services.reports.common import (
    COUNT,
    PERCENT,
    TEXT,
    columns,
    finish,
    number,
    table,
    teaching,
)
from core.services.reports.planned import group_in_scope, plan
from core.services.reports.scope import Frame

NAME = "curriculum"

COLUMNS = columns(
    ("group", txt.GROUP, TEXT),
    ("subject", txt.SUBJECT, TEXT),
    ("teacher", txt.TEACHER, TEXT),
    ("hours_per_week", txt.HOURS_PER_WEEK, COUNT),
    ("by_load", txt.PLAN_BY_LOAD, COUNT),
    ("ktp_hours", txt.PLAN_BY_KTP, COUNT),
    ("planned", txt.PLANNED, COUNT),
    ("planned_to_date", txt.PLANNED_TO_DATE, COUNT),
    ("given", txt.GIVEN, COUNT),
    ("fulfilment", txt.FULFILMENT, PERCENT),
    ("ktp_topics", txt.TOPICS_TOTAL, COUNT),
    ("topics_given", txt.TOPICS_GIVEN, COUNT),
)


def _hours(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _whole(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def report(frame: Frame, now: dt.datetime) -> Report:
    source, school = frame.source, frame.school_id
    cutoff = min(frame.end, frame.today)
    whole = await plan(frame, frame.start, frame.end)
    to_date = await plan(frame, frame.start, cutoff)
    planned: dict[tuple[int, int], int] = defaultdict(int)
    planned_to_date: dict[tuple[int, int], int] = defaultdict(int)
    for (group_id, subject_id, _), n in whole.lessons.items():
        planned[(group_id, subject_id)] += n
    for (group_id, subject_id, _), n in to_date.lessons.items():
        planned_to_date[(group_id, subject_id)] += n
    hours: dict[tuple[int, int], float] = defaultdict(float)
    for load in await frame.loads():
        hours[(load.group_id, load.subject_id)] += load.hours_per_week
    given: dict[tuple[int, int], int] = defaultdict(int)
    topics_given: dict[tuple[int, int], int] = defaultdict(int)
    if frame.start <= cutoff:
        for tally in await source.lesson_tallies(school, frame.start, cutoff, frame.group_ids):
            given[(tally.group_id, tally.subject_id)] += tally.lessons
            topics_given[(tally.group_id, tally.subject_id)] += tally.topics_given
    ktp = {
        (p.group_id, p.subject_id): p
        for p in await source.plan_tallies(school, frame.year.id, frame.group_ids)
    }
    taught = await teaching(frame)
    staff = await frame.staff_names()
    pairs = {pair for pair in (*planned, *hours, *given, *ktp) if group_in_scope(frame, *pair)}
    ordered = sorted(pairs, key=lambda p: (frame.group_name(p[0]), frame.subject_name(p[1])))
    rows = []
    by_subject_given: dict[str, int] = defaultdict(int)
    by_subject_planned: dict[str, int] = defaultdict(int)
    for pair in ordered:
        group_id, subject_id = pair
        weeks = whole.school_days.get(group_id, 0) / whole.days_per_week.get(group_id, 5)
        plan_row = ktp.get(pair)
        rows.append(
            (
                frame.group_name(group_id),
                frame.subject_name(subject_id),
                ", ".join(sorted(staff.get(t, "") for t in taught.get(pair, ()))),
                _hours(hours[pair]) if pair in hours else None,
                _whole(hours[pair] * weeks) if pair in hours else None,
                _whole(plan_row.hours) if plan_row else None,
                planned.get(pair, 0),
                planned_to_date.get(pair, 0),
                given.get(pair, 0),
                st.percent(given.get(pair, 0), planned_to_date.get(pair, 0)),
                plan_row.topics if plan_row else None,
                topics_given.get(pair, 0),
            )
        )
        subject = frame.subject_name(subject_id)
        by_subject_given[subject] += given.get(pair, 0)
        by_subject_planned[subject] += planned_to_date.get(pair, 0)
    chart = None
    if rows:
        subjects = sorted(by_subject_planned)
        chart = Chart(
            kind=ChartKind.BAR,
            title=txt.CURRICULUM_CHART,
            categories=tuple(subjects),
            series=(
                Series(
                    txt.FULFILMENT,
                    tuple(
                        number(st.percent(by_subject_given[s], by_subject_planned[s]))
                        for s in subjects
                    ),
                ),
            ),
            value_label="%",
        )
    tables = [table(txt.CURRICULUM, COLUMNS, rows)]
    return finish(frame, NAME, txt.CURRICULUM, tables, now, chart, txt.CURRICULUM_NOTES)
