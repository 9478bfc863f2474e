"""Consistency checks of a school year: periods, holidays, timetable and group membership.

Each check returns the offending items or pairs, never raises, so that the importer and the editing
use cases can name the rows to fix. Pairs come out earlier-starting item first.

The timetable checks bucket entries by slot in a dict and compare only within a bucket (a sweep over
start dates), so a school's ~1,500 entries cost O(n log n), not a comparison of every pair.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TypeVar

from core.model.groups import GroupMembership
from core.model.school import Holiday, HolidayKind, PeriodKind, StudyPeriod
from core.model.timetable import TimetableEntry

T = TypeVar("T")

DEFAULT_SHIFT = 1

# Holidays that separate periods. Extra first-grade holidays and state days off fall inside quarters
# by design, and trimesters and half-years contain breaks in every Russian calendar, so only a
# quarter overlapping a seasonal break points to a mistyped date.
SEASONAL_HOLIDAYS = frozenset(
    {HolidayKind.AUTUMN, HolidayKind.WINTER, HolidayKind.SPRING, HolidayKind.SUMMER}
)
PERIODS_BOUNDED_BY_HOLIDAYS = frozenset({PeriodKind.QUARTER})


def overlapping_periods(periods: Sequence[StudyPeriod]) -> list[tuple[StudyPeriod, StudyPeriod]]:
    """Periods of one kind whose grades intersect and whose dates overlap (the year and a
    quarter overlap legitimately: different kinds)."""
    by_kind = _bucket(periods, lambda period: period.kind)
    return [
        (first, second)
        for bucket in by_kind.values()
        for first, second in _overlapping_pairs(bucket, _period_span)
        if _grades_meet(first.grade_from, first.grade_to, second.grade_from, second.grade_to)
    ]


def periods_not_within_year(
    periods: Sequence[StudyPeriod], year_start: dt.date, year_end: dt.date
) -> list[StudyPeriod]:
    return [p for p in periods if p.starts_on < year_start or p.ends_on > year_end]


def holidays_not_within_year(
    holidays: Sequence[Holiday], year_start: dt.date, year_end: dt.date
) -> list[Holiday]:
    """Holidays outside the year. Summer holidays follow the last period and run into the next
    year, so they only need to start no later than the day after the year ends."""
    after_year = year_end + dt.timedelta(days=1)

    def outside(holiday: Holiday) -> bool:
        if holiday.starts_on < year_start:
            return True
        if holiday.kind == HolidayKind.SUMMER:
            return holiday.starts_on > after_year
        return holiday.ends_on > year_end

    return [holiday for holiday in holidays if outside(holiday)]


def holiday_inside_period(
    holidays: Sequence[Holiday], periods: Sequence[StudyPeriod]
) -> list[tuple[Holiday, StudyPeriod]]:
    """Seasonal holidays overlapping (even by a day) a quarter of the same grades: quarters end
    before the break, so such a pair is a mistyped date."""
    return [
        (holiday, period)
        for holiday in holidays
        if holiday.kind in SEASONAL_HOLIDAYS
        for period in periods
        if period.kind in PERIODS_BOUNDED_BY_HOLIDAYS
        and _grades_meet(holiday.grade_from, holiday.grade_to, period.grade_from, period.grade_to)
        and holiday.starts_on <= period.ends_on
        and period.starts_on <= holiday.ends_on
    ]


def teacher_double_bookings(
    entries: Sequence[TimetableEntry], shift_of_group: Mapping[int, int]
) -> list[tuple[TimetableEntry, TimetableEntry]]:
    """One teacher in two groups at the same lesson of the same shift while both entries are
    valid. Groups missing from ``shift_of_group`` (streams, clubs) count as the first shift."""
    slots = _bucket(
        entries,
        lambda e: (e.teacher_id, e.weekday, _shift(e, shift_of_group), e.lesson_number),
    )
    return _clashes(slots.values(), lambda a, b: a.group_id != b.group_id)


def group_double_bookings(
    entries: Sequence[TimetableEntry],
) -> list[tuple[TimetableEntry, TimetableEntry]]:
    """One group with two lessons of the same kind at once. A main lesson and an extracurricular
    one in the same slot are left alone: extracurricular numbering is the school's own."""
    slots = _bucket(entries, lambda e: (e.group_id, e.weekday, e.lesson_number, e.kind))
    return _clashes(slots.values(), lambda a, b: True)


def room_double_bookings(
    entries: Sequence[TimetableEntry], shift_of_group: Mapping[int, int]
) -> list[tuple[TimetableEntry, TimetableEntry]]:
    """One room given to two groups at the same lesson of the same shift."""
    with_room = [e for e in entries if e.room_id is not None]
    slots = _bucket(
        with_room,
        lambda e: (e.room_id, e.weekday, _shift(e, shift_of_group), e.lesson_number),
    )
    return _clashes(slots.values(), lambda a, b: a.group_id != b.group_id)


def lessons_outside_bells(
    entries: Sequence[TimetableEntry], bell_numbers_of_group: Mapping[int, AbstractSet[int]]
) -> list[TimetableEntry]:
    """Entries whose lesson number has no bell in their group's schedule. A group without a known
    bell schedule is not checked: every one of its lessons would be reported for one missing
    setting, which hides the real mistakes."""
    return [
        e
        for e in entries
        if e.group_id in bell_numbers_of_group
        and e.lesson_number not in bell_numbers_of_group[e.group_id]
    ]


def membership_overlaps(
    memberships: Sequence[GroupMembership],
) -> list[tuple[GroupMembership, GroupMembership]]:
    """The same student twice in the same group on some day (an open end means «still there»)."""
    by_student = _bucket(memberships, lambda m: (m.student_id, m.group_id))
    return [
        pair
        for bucket in by_student.values()
        for pair in _overlapping_pairs(bucket, lambda m: (m.starts_on, m.ends_on or dt.date.max))
    ]


def _shift(entry: TimetableEntry, shift_of_group: Mapping[int, int]) -> int:
    return shift_of_group.get(entry.group_id, DEFAULT_SHIFT)


def _period_span(period: StudyPeriod) -> tuple[dt.date, dt.date]:
    return period.starts_on, period.ends_on


def _entry_span(entry: TimetableEntry) -> tuple[dt.date, dt.date]:
    return entry.valid_from, entry.valid_to


def _grades_meet(from_a: int, to_a: int, from_b: int, to_b: int) -> bool:
    return from_a <= to_b and from_b <= to_a


def _bucket(items: Iterable[T], key: Callable[[T], Hashable]) -> dict[Hashable, list[T]]:
    buckets: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        buckets[key(item)].append(item)
    return buckets


def _clashes(
    buckets: Iterable[list[TimetableEntry]],
    relevant: Callable[[TimetableEntry, TimetableEntry], bool],
) -> list[tuple[TimetableEntry, TimetableEntry]]:
    return [
        (a, b)
        for bucket in buckets
        if len(bucket) > 1
        for a, b in _overlapping_pairs(bucket, _entry_span)
        if relevant(a, b)
    ]


def _overlapping_pairs(
    items: Sequence[T], span: Callable[[T], tuple[dt.date, dt.date]]
) -> list[tuple[T, T]]:
    """Pairs whose inclusive date ranges share a day: a sweep over start dates that keeps only the
    ranges still open, so the cost is the sort plus the pairs found."""
    pairs: list[tuple[T, T]] = []
    open_items: list[tuple[dt.date, T]] = []
    for item in sorted(items, key=lambda i: span(i)[0]):
        start, end = span(item)
        open_items = [(open_end, other) for open_end, other in open_items if open_end >= start]
        pairs.extend((other, item) for _, other in open_items)
        open_items.append((end, item))
    return pairs
