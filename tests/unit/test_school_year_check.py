"""Checking a school year before import: each planted mistake is named by sheet, row and field."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.model.school import PeriodKind
from core.services.school_year_check import check_school_year, parse_year_name
from core.services.school_year_rows import Problem, SchoolYearRows
from tests.support.tiny_school import replace_row, tiny_rows


def problems_of(rows: SchoolYearRows) -> list[Problem]:
    catalogue, problems = check_school_year(rows)
    assert (catalogue is None) == bool(problems)
    return problems


def only(rows: SchoolYearRows) -> Problem:
    problems = problems_of(rows)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_tiny_school_is_clean() -> None:
    assert problems_of(tiny_rows()) == []


def test_year_name_gives_the_year_bounds() -> None:
    assert parse_year_name("2026/2027") == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert parse_year_name("2026-2027") == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert parse_year_name("2026/2028") is None
    assert parse_year_name("двадцать шестой") is None


def test_unknown_class_of_a_student() -> None:
    rows = tiny_rows()
    replace_row(rows.students, 6, class_name="5В")
    p = only(rows)
    assert (p.sheet, p.row, p.column) == ("Обучающиеся", 8, "class_name")
    assert "5В" in p.reason


def test_duplicate_student_by_file_number() -> None:
    rows = tiny_rows()
    rows.students.append(
        dataclasses.replace(rows.students[0], ref=dataclasses.replace(rows.students[0].ref, row=40))
    )
    p = only(rows)
    assert (p.sheet, p.row) == ("Обучающиеся", 40) and "строке 2" in p.reason


def test_same_child_under_two_file_numbers_is_a_duplicate() -> None:
    rows = tiny_rows()
    twin = dataclasses.replace(rows.students[0], file_number="999")
    rows.students.append(dataclasses.replace(twin, ref=dataclasses.replace(twin.ref, row=41)))
    p = only(rows)
    assert p.row == 41


def test_teacher_double_booked() -> None:
    rows = tiny_rows()
    # Кузнецова teaches 5А on Monday 1st; give her 5Б at the same time
    replace_row(rows.timetable, 1, lesson_number=1, room="305")
    p = only(rows)
    assert (p.sheet, p.row, p.column) == ("Расписание", 3, "teacher")
    assert "понедельник, 1-й урок" in p.reason and "строка 2" in p.reason


def test_room_double_booked() -> None:
    rows = tiny_rows()
    replace_row(rows.timetable, 3, room="202")  # both English subgroups in 202 at once
    p = only(rows)
    assert (p.sheet, p.column) == ("Расписание", "room")


def test_lesson_number_outside_the_bell_schedule() -> None:
    rows = tiny_rows()
    replace_row(rows.timetable, 4, lesson_number=8)
    p = only(rows)
    assert (p.sheet, p.row, p.column) == ("Расписание", 6, "lesson_number")
    assert "1, 2, 3" in p.reason


def test_overlapping_quarters() -> None:
    rows = tiny_rows()
    replace_row(rows.periods, 1, starts_on=dt.date(2026, 10, 20))
    problems = problems_of(rows)
    assert any(p.sheet == "Периоды" and p.row == 3 and "строки 2" in p.reason for p in problems)


def test_a_quarter_and_the_year_may_overlap() -> None:
    rows = tiny_rows()
    assert rows.periods[-1].kind is PeriodKind.YEAR
    assert problems_of(rows) == []


def test_holiday_with_reversed_dates() -> None:
    rows = tiny_rows()
    replace_row(rows.holidays, 0, ends_on=dt.date(2026, 10, 1))
    p = only(rows)
    assert (p.sheet, p.column) == ("Каникулы", "ends_on")


def test_period_outside_the_year() -> None:
    rows = tiny_rows()
    replace_row(rows.periods, 0, starts_on=dt.date(2025, 9, 1))
    assert any("вне учебного года" in p.reason for p in problems_of(rows))


def test_unknown_teacher_in_the_load_and_ambiguous_short_name() -> None:
    rows = tiny_rows()
    replace_row(rows.loads, 0, teacher="Сидоров Иван Иванович")
    rows.staff.append(
        dataclasses.replace(
            rows.staff[0], first_name="Маргарита", ref=dataclasses.replace(rows.staff[0].ref, row=9)
        )
    )
    replace_row(rows.classes, 0, class_teacher="Иванова М. П.")
    problems = problems_of(rows)
    assert {(p.sheet, p.column) for p in problems} == {
        ("Нагрузка", "teacher"),
        ("Классы", "class_teacher"),
    }
    ambiguous = next(p for p in problems if p.sheet == "Классы")
    assert "нескольким (2)" in ambiguous.reason


def test_guardian_of_an_unknown_child() -> None:
    rows = tiny_rows()
    replace_row(rows.guardians, 2, child="Борисова Вероника")
    p = only(rows)
    assert (p.sheet, p.row, p.column) == ("Родители", 4, "child")


def test_group_member_from_another_class() -> None:
    rows = tiny_rows()
    replace_row(rows.groups, 0, student="Жуков Захар Викторович")  # he is in 5Б
    p = only(rows)
    assert (p.sheet, p.column) == ("Группы", "student")


def test_timetable_for_an_unknown_group_and_subject() -> None:
    rows = tiny_rows()
    replace_row(rows.timetable, 0, group="7А", subject="Астрология")
    assert {(p.column) for p in problems_of(rows)} == {"group", "subject"}


def test_control_work_outside_the_year() -> None:
    rows = tiny_rows()
    replace_row(rows.control_works, 0, on_date=dt.date(2027, 9, 15))
    assert only(rows).column == "on_date"


def test_two_years_in_one_workbook() -> None:
    rows = tiny_rows()
    replace_row(rows.periods, 4, year_name="2027/2028")
    assert any("2027/2028" in p.reason for p in problems_of(rows))


@pytest.mark.parametrize("days", [4, 7])
def test_work_regime_days(days: int) -> None:
    rows = tiny_rows()
    replace_row(rows.classes, 1, days_per_week=days)
    assert only(rows).column == "days_per_week"


def test_all_problems_are_reported_at_once_in_sheet_order() -> None:
    rows = tiny_rows()
    replace_row(rows.students, 6, class_name="5В")
    replace_row(rows.timetable, 4, lesson_number=8)
    replace_row(rows.holidays, 0, ends_on=dt.date(2026, 10, 1))
    sheets = [p.sheet for p in problems_of(rows)]
    assert sheets == ["Каникулы", "Обучающиеся", "Расписание"]
