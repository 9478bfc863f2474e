from __future__ import annotations

import datetime as dt

import pytest

from core.model.school import Holiday, HolidayKind
from core.model.timetable import ActivityKind, TimetableEntry
from core.rules.calendar import generate_lessons, is_school_day, school_days

D = dt.date.fromisoformat

AUTUMN = Holiday(
    school_id=1,
    year_id=1,
    kind=HolidayKind.AUTUMN,
    name="Осенние каникулы",
    starts_on=D("2026-10-26"),
    ends_on=D("2026-11-03"),
)
UNITY_DAY = Holiday(
    school_id=1,
    year_id=1,
    kind=HolidayKind.PUBLIC,
    name="День народного единства",
    starts_on=D("2026-11-04"),
    ends_on=D("2026-11-04"),
)
FIRST_GRADE_FEBRUARY = Holiday(
    school_id=1,
    year_id=1,
    kind=HolidayKind.ADDITIONAL,
    name="Дополнительные каникулы для первоклассников",
    starts_on=D("2027-02-15"),
    ends_on=D("2027-02-21"),
    grade_from=1,
    grade_to=1,
)
HOLIDAYS = [AUTUMN, UNITY_DAY, FIRST_GRADE_FEBRUARY]

CLASS_5A, CLASS_1A, CLASS_10A, STREAM_10AB, ROBOTICS_CLUB = 1, 2, 3, 4, 5
GRADE_OF_GROUP = {CLASS_5A: 5, CLASS_1A: 1, CLASS_10A: 10}
DAYS_OF_GROUP = {CLASS_5A: 5, CLASS_1A: 5, CLASS_10A: 6, STREAM_10AB: 6}


def entry(
    entry_id: int,
    group_id: int,
    weekday: int,
    lesson_number: int,
    *,
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
        subject_id=100 + entry_id,
        teacher_id=200 + entry_id,
        room_id=300 + entry_id,
        valid_from=D(valid_from),
        valid_to=D(valid_to),
        kind=kind,
    )


def generate(entries: list[TimetableEntry], start: str, end: str) -> list[tuple[str, int, int]]:
    lessons = generate_lessons(
        entries,
        D(start),
        D(end),
        holidays=HOLIDAYS,
        grade_of_group=GRADE_OF_GROUP,
        days_per_week_of_group=DAYS_OF_GROUP,
    )
    return [(str(lesson.on_date), lesson.lesson_number, lesson.group_id) for lesson in lessons]


def test_five_day_class_studies_around_the_autumn_holidays_and_unity_day() -> None:
    days = school_days(D("2026-10-19"), D("2026-11-08"), HOLIDAYS, 5, 5)

    assert [str(day) for day in days] == [
        "2026-10-19",
        "2026-10-20",
        "2026-10-21",
        "2026-10-22",
        "2026-10-23",
        "2026-11-05",
        "2026-11-06",
    ]


def test_six_day_class_also_studies_on_saturdays_but_never_on_sundays() -> None:
    days = school_days(D("2026-10-19"), D("2026-11-08"), HOLIDAYS, 10, 6)

    assert D("2026-10-24") in days
    assert D("2026-11-07") in days
    assert D("2026-10-25") not in days
    assert D("2026-11-08") not in days
    assert len(days) == 9


def test_first_graders_get_their_february_week_off_and_second_graders_do_not() -> None:
    first = school_days(D("2027-02-15"), D("2027-02-21"), HOLIDAYS, 1, 5)
    second = school_days(D("2027-02-15"), D("2027-02-21"), HOLIDAYS, 2, 5)

    assert first == []
    assert [day.day for day in second] == [15, 16, 17, 18, 19]


def test_group_without_a_grade_is_off_only_for_school_wide_holidays() -> None:
    assert not is_school_day(D("2026-10-27"), HOLIDAYS, None, 5)
    assert not is_school_day(D("2026-11-04"), HOLIDAYS, None, 5)
    assert is_school_day(D("2027-02-16"), HOLIDAYS, None, 5)


def test_holiday_for_senior_grades_only_does_not_stop_a_group_without_grade() -> None:
    exam_break = Holiday(
        school_id=1,
        year_id=1,
        kind=HolidayKind.ADDITIONAL,
        name="Дни подготовки к экзаменам",
        starts_on=D("2027-05-24"),
        ends_on=D("2027-05-26"),
        grade_from=9,
        grade_to=11,
    )

    assert is_school_day(D("2027-05-24"), [exam_break], None, 5)
    assert not is_school_day(D("2027-05-24"), [exam_break], 11, 5)


def test_single_day_range_is_allowed_and_reversed_range_is_rejected() -> None:
    assert school_days(D("2026-09-01"), D("2026-09-01"), HOLIDAYS, 5, 5) == [D("2026-09-01")]
    with pytest.raises(ValueError):
        school_days(D("2026-09-30"), D("2026-09-01"), HOLIDAYS, 5, 5)
    with pytest.raises(ValueError):
        generate([entry(1, CLASS_5A, 1, 1)], "2026-09-30", "2026-09-01")


def test_a_seven_day_week_is_not_a_regime() -> None:
    with pytest.raises(ValueError):
        school_days(D("2026-09-01"), D("2026-09-07"), HOLIDAYS, 5, 7)


def test_lessons_of_a_week_come_sorted_by_date_lesson_and_group() -> None:
    entries = [
        entry(1, CLASS_5A, 1, 2),  # Monday, 2nd lesson
        entry(2, CLASS_10A, 1, 1),
        entry(3, CLASS_5A, 1, 1),
        entry(4, CLASS_1A, 2, 1),  # Tuesday
        entry(5, CLASS_10A, 6, 3),  # Saturday, six-day class
    ]

    assert generate(entries, "2026-09-07", "2026-09-13") == [
        ("2026-09-07", 1, CLASS_5A),
        ("2026-09-07", 1, CLASS_10A),
        ("2026-09-07", 2, CLASS_5A),
        ("2026-09-08", 1, CLASS_1A),
        ("2026-09-12", 3, CLASS_10A),
    ]


def test_saturday_entry_of_a_five_day_class_gives_no_lesson() -> None:
    assert generate([entry(1, CLASS_5A, 6, 1)], "2026-09-07", "2026-09-20") == []


def test_sunday_entry_never_gives_a_lesson_even_without_a_regime() -> None:
    assert generate([entry(1, ROBOTICS_CLUB, 7, 1)], "2026-09-07", "2026-09-20") == []


def test_club_without_a_regime_keeps_its_saturday_sessions() -> None:
    club = entry(1, ROBOTICS_CLUB, 6, 7, kind=ActivityKind.ADDITIONAL)

    assert generate([club], "2026-09-07", "2026-09-20") == [
        ("2026-09-12", 7, ROBOTICS_CLUB),
        ("2026-09-19", 7, ROBOTICS_CLUB),
    ]


def test_no_lessons_during_autumn_holidays_and_on_unity_day() -> None:
    entries = [entry(1, CLASS_5A, weekday, 1) for weekday in range(1, 6)]

    dates = [date for date, _, _ in generate(entries, "2026-10-23", "2026-11-06")]

    assert dates == ["2026-10-23", "2026-11-05", "2026-11-06"]


def test_stream_across_classes_studies_during_first_grade_holidays() -> None:
    physics = entry(1, STREAM_10AB, 2, 5)  # Tuesdays
    reading = entry(2, CLASS_1A, 2, 1)

    assert generate([physics, reading], "2027-02-15", "2027-02-21") == [
        ("2027-02-16", 5, STREAM_10AB),
    ]


def test_timetable_change_after_the_holidays_switches_entries_on_the_right_day() -> None:
    old = entry(1, CLASS_5A, 4, 3, valid_to="2026-10-25")  # Thursdays
    new = entry(2, CLASS_5A, 4, 4, valid_from="2026-11-05")

    lessons = generate_lessons(
        [old, new],
        D("2026-10-15"),
        D("2026-11-12"),
        holidays=HOLIDAYS,
        grade_of_group=GRADE_OF_GROUP,
        days_per_week_of_group=DAYS_OF_GROUP,
    )

    assert [(str(lesson.on_date), lesson.entry_id) for lesson in lessons] == [
        ("2026-10-15", 1),
        ("2026-10-22", 1),
        ("2026-11-05", 2),
        ("2026-11-12", 2),
    ]


def test_planned_lesson_carries_the_entry_details() -> None:
    (lesson,) = generate_lessons(
        [entry(7, CLASS_5A, 2, 3, kind=ActivityKind.EXTRACURRICULAR)],
        D("2026-09-01"),
        D("2026-09-01"),
        holidays=HOLIDAYS,
        grade_of_group=GRADE_OF_GROUP,
        days_per_week_of_group=DAYS_OF_GROUP,
    )

    assert lesson.entry_id == 7
    assert lesson.on_date == D("2026-09-01")
    assert (lesson.subject_id, lesson.teacher_id, lesson.room_id) == (107, 207, 307)
    assert lesson.kind is ActivityKind.EXTRACURRICULAR
