from __future__ import annotations

import datetime as dt

from core.model.groups import GroupMembership
from core.model.school import Holiday, HolidayKind, PeriodKind, StudyPeriod
from core.model.timetable import ActivityKind, TimetableEntry
from core.rules.school_year import (
    group_double_bookings,
    holiday_inside_period,
    holidays_not_within_year,
    lessons_outside_bells,
    membership_overlaps,
    overlapping_periods,
    periods_not_within_year,
    room_double_bookings,
    teacher_double_bookings,
)

D = dt.date.fromisoformat
YEAR_START, YEAR_END = D("2026-09-01"), D("2027-05-31")


def period(
    kind: PeriodKind, number: int, starts: str, ends: str, grades: tuple[int, int] = (1, 9)
) -> StudyPeriod:
    return StudyPeriod(
        school_id=1,
        year_id=1,
        kind=kind,
        number=number,
        grade_from=grades[0],
        grade_to=grades[1],
        starts_on=D(starts),
        ends_on=D(ends),
    )


def holiday(
    kind: HolidayKind, starts: str, ends: str, grades: tuple[int, int] = (1, 11)
) -> Holiday:
    return Holiday(
        school_id=1,
        year_id=1,
        kind=kind,
        name=str(kind),
        starts_on=D(starts),
        ends_on=D(ends),
        grade_from=grades[0],
        grade_to=grades[1],
    )


Q1 = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-25")
Q2 = period(PeriodKind.QUARTER, 2, "2026-11-05", "2026-12-28")
Q3 = period(PeriodKind.QUARTER, 3, "2027-01-12", "2027-03-21")
Q4 = period(PeriodKind.QUARTER, 4, "2027-04-01", "2027-05-26")
H1 = period(PeriodKind.HALF_YEAR, 1, "2026-09-01", "2026-12-28", (10, 11))
H2 = period(PeriodKind.HALF_YEAR, 2, "2027-01-12", "2027-05-26", (10, 11))
YEAR = period(PeriodKind.YEAR, 1, "2026-09-01", "2027-05-26", (1, 11))
PERIODS = [Q1, Q2, Q3, Q4, H1, H2, YEAR]

AUTUMN = holiday(HolidayKind.AUTUMN, "2026-10-26", "2026-11-03")
WINTER = holiday(HolidayKind.WINTER, "2026-12-29", "2027-01-11")
FIRST_GRADE_FEBRUARY = holiday(HolidayKind.ADDITIONAL, "2027-02-15", "2027-02-21", (1, 1))
SPRING = holiday(HolidayKind.SPRING, "2027-03-22", "2027-03-31")
SUMMER = holiday(HolidayKind.SUMMER, "2027-05-27", "2027-08-31")
HOLIDAYS = [AUTUMN, WINTER, FIRST_GRADE_FEBRUARY, SPRING, SUMMER]

CLASS_5A, CLASS_5B, CLASS_6V, STREAM_10AB = 1, 2, 3, 4
SHIFTS = {CLASS_5A: 1, CLASS_5B: 1, CLASS_6V: 2}


def entry(
    entry_id: int,
    group_id: int,
    *,
    teacher_id: int = 20,
    room_id: int | None = None,
    weekday: int = 1,
    lesson_number: int = 2,
    valid_from: str = "2026-09-01",
    valid_to: str = "2027-05-26",
    kind: ActivityKind = ActivityKind.MAIN,
) -> TimetableEntry:
    return TimetableEntry(
        id=entry_id,
        school_id=1,
        year_id=1,
        group_id=group_id,
        weekday=weekday,
        lesson_number=lesson_number,
        subject_id=7,
        teacher_id=teacher_id,
        room_id=room_id,
        valid_from=D(valid_from),
        valid_to=D(valid_to),
        kind=kind,
    )


def ids(pairs: list[tuple[TimetableEntry, TimetableEntry]]) -> list[tuple[int | None, int | None]]:
    return [(a.id, b.id) for a, b in pairs]


# --- periods and holidays -------------------------------------------------------------------


def test_a_well_formed_year_has_no_overlapping_periods() -> None:
    assert overlapping_periods(PERIODS) == []


def test_second_quarter_typed_to_start_inside_the_first_is_reported() -> None:
    q2_typo = period(PeriodKind.QUARTER, 2, "2026-10-20", "2026-12-28")

    assert overlapping_periods([Q1, q2_typo, Q3, YEAR]) == [(Q1, q2_typo)]


def test_quarters_of_disjoint_grade_ranges_may_share_dates() -> None:
    primary = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-25", (1, 4))
    basic = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-25", (5, 9))
    wrong = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-25", (4, 5))

    assert overlapping_periods([primary, basic]) == []
    assert overlapping_periods([primary, basic, wrong]) == [(primary, wrong), (basic, wrong)]


def test_periods_beyond_the_year_are_named() -> None:
    late_q4 = period(PeriodKind.QUARTER, 4, "2027-04-01", "2027-06-02")
    early_q1 = period(PeriodKind.QUARTER, 1, "2026-08-31", "2026-10-25")

    assert periods_not_within_year(PERIODS, YEAR_START, YEAR_END) == []
    assert periods_not_within_year([early_q1, Q2, late_q4], YEAR_START, YEAR_END) == [
        early_q1,
        late_q4,
    ]


def test_summer_holidays_may_run_past_the_year_end_but_others_may_not() -> None:
    winter_typo = holiday(HolidayKind.WINTER, "2027-12-29", "2028-01-11")
    early_autumn = holiday(HolidayKind.AUTUMN, "2026-08-26", "2026-09-03")

    assert holidays_not_within_year(HOLIDAYS, YEAR_START, YEAR_END) == []
    assert holidays_not_within_year([early_autumn, winter_typo, SUMMER], YEAR_START, YEAR_END) == [
        early_autumn,
        winter_typo,
    ]


def test_summer_holidays_starting_the_day_after_the_year_are_fine_later_ones_are_not() -> None:
    right_after = holiday(HolidayKind.SUMMER, "2027-06-01", "2027-08-31")
    a_week_late = holiday(HolidayKind.SUMMER, "2027-06-07", "2027-08-31")

    assert holidays_not_within_year([right_after, a_week_late], YEAR_START, YEAR_END) == [
        a_week_late
    ]


def test_holidays_between_quarters_are_fine() -> None:
    assert holiday_inside_period(HOLIDAYS, PERIODS) == []


def test_first_quarter_ending_inside_the_autumn_holidays_is_reported() -> None:
    q1_typo = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-30")

    assert holiday_inside_period(HOLIDAYS, [q1_typo, Q2, YEAR]) == [(AUTUMN, q1_typo)]


def test_breaks_inside_trimesters_and_half_years_are_normal() -> None:
    trimester = period(PeriodKind.TRIMESTER, 1, "2026-09-01", "2026-11-30", (5, 9))
    second_half = H2  # spring holidays fall inside it

    assert holiday_inside_period(HOLIDAYS, [trimester, second_half]) == []


def test_a_holiday_of_other_grades_inside_a_quarter_is_not_reported() -> None:
    primary_autumn = holiday(HolidayKind.AUTUMN, "2026-10-19", "2026-10-25", (1, 4))
    basic_q1 = period(PeriodKind.QUARTER, 1, "2026-09-01", "2026-10-25", (5, 9))

    assert holiday_inside_period([primary_autumn], [basic_q1]) == []
    assert holiday_inside_period([primary_autumn], [Q1]) == [(primary_autumn, Q1)]


# --- timetable ------------------------------------------------------------------------------


def test_teacher_in_two_classes_at_the_same_lesson_is_a_double_booking() -> None:
    five_a = entry(1, CLASS_5A)
    five_b = entry(2, CLASS_5B)

    assert ids(teacher_double_bookings([five_a, five_b], SHIFTS)) == [(1, 2)]


def test_same_lesson_number_in_different_shifts_is_no_clash_for_the_teacher() -> None:
    morning = entry(1, CLASS_5A)
    afternoon = entry(2, CLASS_6V)

    assert teacher_double_bookings([morning, afternoon], SHIFTS) == []


def test_stream_without_a_shift_counts_as_first_shift() -> None:
    assert ids(teacher_double_bookings([entry(1, CLASS_5A), entry(2, STREAM_10AB)], SHIFTS)) == [
        (1, 2)
    ]


def test_entries_valid_one_after_another_do_not_clash() -> None:
    before = entry(1, CLASS_5A, valid_to="2026-10-25")
    after = entry(2, CLASS_5B, valid_from="2026-11-05")
    touching = entry(3, CLASS_5B, valid_from="2026-10-25", valid_to="2026-10-25")

    assert teacher_double_bookings([before, after], SHIFTS) == []
    assert ids(teacher_double_bookings([after, touching, before], SHIFTS)) == [(1, 3)]


def test_other_teacher_weekday_or_lesson_is_no_clash() -> None:
    entries = [
        entry(1, CLASS_5A),
        entry(2, CLASS_5B, teacher_id=21),
        entry(3, CLASS_5B, weekday=2),
        entry(4, CLASS_5B, lesson_number=3),
    ]

    assert teacher_double_bookings(entries, SHIFTS) == []


def test_two_entries_of_one_group_are_a_group_clash_not_a_teacher_clash() -> None:
    twice = [entry(1, CLASS_5A), entry(2, CLASS_5A)]

    assert teacher_double_bookings(twice, SHIFTS) == []
    assert ids(group_double_bookings(twice)) == [(1, 2)]


def test_a_group_may_have_an_extracurricular_activity_numbered_like_a_lesson() -> None:
    lesson = entry(1, CLASS_5A)
    club = entry(2, CLASS_5A, teacher_id=30, kind=ActivityKind.EXTRACURRICULAR)

    assert group_double_bookings([lesson, club]) == []


def test_group_clash_needs_the_same_slot_and_overlapping_validity() -> None:
    entries = [
        entry(1, CLASS_5A),
        entry(2, CLASS_5A, lesson_number=3),
        entry(3, CLASS_5B),
        entry(4, CLASS_5A, valid_from="2027-06-01", valid_to="2027-06-30"),
    ]

    assert group_double_bookings(entries) == []


def test_room_given_to_two_classes_at_once_is_reported() -> None:
    entries = [
        entry(1, CLASS_5A, room_id=214),
        entry(2, CLASS_5B, teacher_id=21, room_id=214),
        entry(3, CLASS_6V, teacher_id=22, room_id=214),  # second shift
        entry(4, CLASS_5B, teacher_id=23, room_id=None, weekday=3),
        entry(5, CLASS_5A, teacher_id=24, room_id=None, weekday=3),
    ]

    assert ids(room_double_bookings(entries, SHIFTS)) == [(1, 2)]


def test_one_group_twice_in_its_room_is_not_a_room_clash() -> None:
    entries = [entry(1, CLASS_5A, room_id=214), entry(2, CLASS_5A, teacher_id=21, room_id=214)]

    assert room_double_bookings(entries, SHIFTS) == []


def test_lessons_without_a_bell_are_named() -> None:
    bells = {CLASS_5A: {1, 2, 3, 4, 5, 6, 7}, CLASS_5B: {1, 2, 3, 4, 5, 6}}
    entries = [
        entry(1, CLASS_5A, lesson_number=7),
        entry(2, CLASS_5B, lesson_number=7),
        entry(3, CLASS_5B, lesson_number=0),
        entry(4, STREAM_10AB, lesson_number=9),  # no bell schedule known: not checked
    ]

    assert [e.id for e in lessons_outside_bells(entries, bells)] == [2, 3]


def test_a_full_school_timetable_without_clashes_passes_every_check() -> None:
    # 30 classes × 5 days × 7 lessons, each slot with its own teacher and room per class.
    entries = [
        entry(
            n,
            group,
            teacher_id=1000 + group * 10 + lesson,
            room_id=2000 + group,
            weekday=day,
            lesson_number=lesson,
        )
        for n, (group, day, lesson) in enumerate(
            (g, d, le) for g in range(1, 31) for d in range(1, 6) for le in range(1, 8)
        )
    ]

    assert len(entries) == 1050
    assert teacher_double_bookings(entries, {}) == []
    assert group_double_bookings(entries) == []
    assert room_double_bookings(entries, {}) == []


# --- memberships ----------------------------------------------------------------------------


def membership(
    student_id: int, group_id: int, starts: str, ends: str | None = None
) -> GroupMembership:
    return GroupMembership(
        school_id=1,
        group_id=group_id,
        student_id=student_id,
        starts_on=D(starts),
        ends_on=D(ends) if ends else None,
    )


def test_student_entered_twice_in_the_same_class_is_reported() -> None:
    first = membership(501, CLASS_5A, "2026-09-01", "2026-12-28")
    again = membership(501, CLASS_5A, "2026-12-01")

    assert membership_overlaps([again, first]) == [(first, again)]


def test_leaving_and_coming_back_is_history_not_an_overlap() -> None:
    memberships = [
        membership(501, CLASS_5A, "2026-09-01", "2026-11-15"),
        membership(501, CLASS_5B, "2026-11-16", "2027-01-11"),
        membership(501, CLASS_5A, "2027-01-12"),
        membership(502, CLASS_5A, "2026-09-01"),
    ]

    assert membership_overlaps(memberships) == []


def test_membership_ending_on_the_day_the_next_starts_overlaps_by_that_day() -> None:
    before = membership(501, CLASS_5A, "2026-09-01", "2026-11-15")
    after = membership(501, CLASS_5A, "2026-11-15")

    assert membership_overlaps([before, after]) == [(before, after)]


def test_two_open_memberships_overlap() -> None:
    one = membership(501, CLASS_5A, "2026-09-01")
    two = membership(501, CLASS_5A, "2027-01-12")

    assert membership_overlaps([one, two]) == [(one, two)]
