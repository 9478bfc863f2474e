"""Dated lessons from the weekly timetable: which days a group studies and what it has then.

Holidays and groups without a grade: a stream or club across classes may be missing from
``grade_of_group``. Such a group is off only for holidays that cover every grade (1..11: state
holidays, the school-wide autumn break). A holiday for some grades only — the extra February week of
first-graders — leaves its lessons in place, because most of its students still study; a school
that wants a stream of 10А and 10Б to follow grade 10's breaks passes grade 10 for it.

A group missing from ``days_per_week_of_group`` has no work regime of its own (clubs, additional
education): its Saturday entries are kept, since the dispatcher put them there on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from core.model.school import Holiday
from core.model.timetable import PlannedLesson, TimetableEntry

SATURDAY = 6
SUNDAY = 7
FIRST_GRADE = 1
LAST_GRADE = 11


def is_school_day(
    day: dt.date, holidays: Sequence[Holiday], grade: int | None, days_per_week: int
) -> bool:
    """Whether a group of ``grade`` on a ``days_per_week`` regime (5 or 6) studies on ``day``."""
    if days_per_week not in (5, 6):
        raise ValueError(f"days_per_week must be 5 or 6, not {days_per_week}")
    weekday = day.isoweekday()
    if weekday == SUNDAY or (weekday == SATURDAY and days_per_week == 5):
        return False
    return not any(_is_off(holiday, day, grade) for holiday in holidays)


def school_days(
    start: dt.date,
    end: dt.date,
    holidays: Sequence[Holiday],
    grade: int | None,
    days_per_week: int,
) -> list[dt.date]:
    """The days in [start, end] on which a group of ``grade`` studies, in order."""
    return [day for day in _days(start, end) if is_school_day(day, holidays, grade, days_per_week)]


def generate_lessons(
    entries: Sequence[TimetableEntry],
    start: dt.date,
    end: dt.date,
    *,
    holidays: Sequence[Holiday],
    grade_of_group: Mapping[int, int],
    days_per_week_of_group: Mapping[int, int],
) -> list[PlannedLesson]:
    """Every lesson the timetable gives in [start, end], sorted by (date, lesson, group).
    A group missing from ``days_per_week_of_group`` keeps Saturdays (see the module docstring);
    start after end is a ValueError."""
    by_weekday: dict[int, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_weekday[entry.weekday].append(entry)
    lessons: list[PlannedLesson] = []
    for day in _days(start, end):
        # Many entries share a group: decide each group's day once, not once per entry.
        studies: dict[int, bool] = {}
        for entry in by_weekday.get(day.isoweekday(), ()):
            if not entry.valid_from <= day <= entry.valid_to:
                continue
            group = entry.group_id
            if group not in studies:
                days = days_per_week_of_group.get(group, 6)
                studies[group] = is_school_day(day, holidays, grade_of_group.get(group), days)
            if studies[group]:
                lessons.append(_planned(entry, day))
    lessons.sort(key=lambda lesson: (lesson.on_date, lesson.lesson_number, lesson.group_id))
    return lessons


def _is_off(holiday: Holiday, day: dt.date, grade: int | None) -> bool:
    if grade is not None:
        return holiday.covers(day, grade)
    school_wide = holiday.grade_from <= FIRST_GRADE and holiday.grade_to >= LAST_GRADE
    return school_wide and holiday.starts_on <= day <= holiday.ends_on


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _planned(entry: TimetableEntry, day: dt.date) -> PlannedLesson:
    return PlannedLesson(
        entry_id=entry.id,
        group_id=entry.group_id,
        on_date=day,
        lesson_number=entry.lesson_number,
        subject_id=entry.subject_id,
        teacher_id=entry.teacher_id,
        room_id=entry.room_id,
        kind=entry.kind,
    )
