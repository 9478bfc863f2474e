"""Lessons the timetable plans over a range of days, counted per (group, subject, teacher) without
making each lesson: the school days of each regime (grade, days a week) are found once, and each
weekly slot counts its weekday among them."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from core.model.school import Holiday, HolidayKind
from core.rules.calendar import is_school_day
from core.services.reports.scope import Frame

Regime = tuple[int | None, int]  # grade (None: a group of no grade), days a week


@dataclass(frozen=True)
class Plan:
    lessons: Counter[tuple[int, int, int]]  # (group, subject, teacher) → lessons planned
    school_days: dict[int, int]  # group → its school days in the range
    days_per_week: dict[int, int]  # group → 5 or 6


def _regimes(frame: Frame) -> dict[int, Regime]:
    """A group's regime: its class's; a stream's, the class of its members when they share one
    (as core.services.timetable.planned_lessons decides)."""
    regimes: dict[int, Regime] = {}
    members: dict[int, set[int]] = defaultdict(set)
    for m in frame.memberships:
        class_id = frame.class_of(m.student_id, max(m.starts_on, frame.start))
        if class_id is not None:
            members[m.group_id].add(class_id)
    for group in frame.groups.values():
        own = group.class_id
        if own is None and len(members.get(group.id, ())) == 1:
            own = next(iter(members[group.id]))
        of_group = frame.classes.get(own) if own is not None else None
        regimes[group.id] = (of_group.grade, of_group.days_per_week) if of_group else (None, 6)
    return regimes


async def plan(frame: Frame, start: dt.date, end: dt.date) -> Plan:
    if start > end:
        return Plan(Counter(), {}, {})
    holidays = [
        Holiday(
            school_id=frame.school_id,
            year_id=frame.year.id,
            kind=HolidayKind.ADDITIONAL,
            name="",
            starts_on=h.starts_on,
            ends_on=h.ends_on,
            grade_from=h.grade_from,
            grade_to=h.grade_to,
        )
        for h in await frame.source.holidays(frame.school_id, frame.year.id)
    ]
    regimes = _regimes(frame)
    days: dict[Regime, list[dt.date]] = {}
    by_weekday: dict[tuple[Regime, int], list[dt.date]] = {}
    for regime in set(regimes.values()):
        grade, per_week = regime
        found = [
            start + dt.timedelta(days=n)
            for n in range((end - start).days + 1)
            if is_school_day(start + dt.timedelta(days=n), holidays, grade, per_week)
        ]
        days[regime] = found
        for weekday in range(1, 8):
            by_weekday[(regime, weekday)] = [d for d in found if d.isoweekday() == weekday]
    lessons: Counter[tuple[int, int, int]] = Counter()
    for slot in await frame.slots():
        regime = regimes.get(slot.group_id, (None, 6))
        dates = by_weekday.get((regime, slot.weekday), [])
        first, last = max(start, slot.valid_from), min(end, slot.valid_to)
        if first > last:
            continue
        n = bisect.bisect_right(dates, last) - bisect.bisect_left(dates, first)
        if n:
            lessons[(slot.group_id, slot.subject_id, slot.teacher_id)] += n
    return Plan(
        lessons=lessons,
        school_days={g: len(days[r]) for g, r in regimes.items()},
        days_per_week={g: r[1] for g, r in regimes.items()},
    )


def group_in_scope(frame: Frame, group_id: int, subject_id: int) -> bool:
    """A (group, subject) of the report: the teacher's own, or a group of the scope's classes."""
    if frame.pairs is not None:
        return (group_id, subject_id) in frame.pairs
    if frame.group_ids is not None:
        return group_id in frame.group_ids
    return group_id in frame.groups
