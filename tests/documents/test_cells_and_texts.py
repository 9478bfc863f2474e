"""Reading single cells, and the texts and sheet shapes agreeing with the row records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.model.groups import GroupKind
from core.model.people import StaffRole
from core.model.school import CurriculumComponent, HolidayKind, PeriodKind
from core.model.timetable import ActivityKind, ControlForm
from core.rules.grading import SCALES
from core.services.school_year_rows import SHEET_ORDER, Problem
from documents import school_year_texts as t
from documents.school_year_cells import (
    MAX_TEXT,
    CellError,
    LabelReader,
    header_key,
    label_key,
    read_date,
    read_float,
    read_int,
    read_text,
    read_time,
)
from documents.school_year_sheets import SHEETS, STAFF_ROLES
from documents.school_year_workbook import russian_columns


@pytest.mark.parametrize(
    "value",
    [
        "01.09.2026",
        "1.9.2026",
        "2026-09-01",
        "01/09/2026",
        " 01.09.2026 0:00:00",
        46266,
        dt.datetime(2026, 9, 1, 0, 0),
        dt.date(2026, 9, 1),
    ],
)
def test_dates(value: object) -> None:
    assert read_date(value) == dt.date(2026, 9, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["31.02.2026", "2026", "завтра", 2026, "01.13.2026", True])
def test_bad_dates(value: object) -> None:
    with pytest.raises(CellError, match="не дата"):
        read_date(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "8:30",
        "08:30",
        "08.30",
        "08:30:00",
        dt.time(8, 30),
        dt.datetime(1899, 12, 30, 8, 30),
        dt.timedelta(hours=8, minutes=30),
        8.5 / 24,
        dt.time(8, 29, 59, 999_999),
    ],
)
def test_times(value: object) -> None:
    assert read_time(value) == dt.time(8, 30)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["8:70", "24:00", "полдевятого", "830", 1.5])
def test_bad_times(value: object) -> None:
    with pytest.raises(CellError, match="не время"):
        read_time(value)  # type: ignore[arg-type]


def test_numbers() -> None:
    assert read_int(5) == read_int(5.0) == read_int(" 5 ") == read_int("5,0") == 5
    assert read_float("4,5") == read_float("4.5") == read_float(4.5) == 4.5
    assert read_float("1\xa0000") == 1000.0  # Excel's thousands separator
    for bad in ("4,5", "пять", 4.5, True, "1" * 20):
        with pytest.raises(CellError):
            read_int(bad)
    for bad in ("", "nan", float("inf"), "1e5"):
        with pytest.raises(CellError):
            read_float(bad)


def test_text_is_trimmed_and_capped() -> None:
    assert read_text("  Иванова \n Анна\tПетровна\x00 ") == "Иванова Анна Петровна"
    assert read_text(214.0) == "214" and read_text(79001234567) == "79001234567"
    assert read_text("я" * MAX_TEXT) == "я" * MAX_TEXT
    with pytest.raises(CellError, match="слишком длинный"):
        read_text("я" * (MAX_TEXT + 1))


def test_labels_ignore_case_yo_spaces_and_accept_codes() -> None:
    assert label_key("  Зачёт / Незачёт ") == label_key("зачет/незачет")
    assert header_key("Классный руководитель (ФИО)") == "классный руководитель"
    assert header_key("Фамилия*") == "фамилия"
    reader = LabelReader(t.PERIOD_KINDS)
    assert reader.read("ЧЕТВЕРТЬ") is PeriodKind.QUARTER
    assert reader.read("half_year") is PeriodKind.HALF_YEAR
    assert reader.label(PeriodKind.YEAR) == "год"
    with pytest.raises(CellError, match="допустимо: четверть, триместр, полугодие, год"):
        reader.read("семестр")
    assert STAFF_ROLES.read(" Руководитель ОО") is StaffRole.HEAD
    with pytest.raises(CellError):  # a job title, not a role: see school_year_texts
        STAFF_ROLES.read("директор")


def test_every_value_has_a_label() -> None:
    assert set(t.PERIOD_KINDS) == set(PeriodKind)
    assert set(t.HOLIDAY_KINDS) == set(HolidayKind)
    assert set(t.COMPONENTS) == set(CurriculumComponent)
    assert set(t.STAFF_ROLES) == set(StaffRole)
    assert set(t.GROUP_KINDS) == set(GroupKind) - {GroupKind.WHOLE_CLASS, GroupKind.INDIVIDUAL}
    assert set(t.ACTIVITY_KINDS) == set(ActivityKind)
    assert set(t.CONTROL_FORMS) == set(ControlForm)
    assert set(t.GRADING_SCALES) == set(SCALES)
    assert set(t.HOLIDAY_DEFAULT_NAMES) == set(HolidayKind)


def test_sheets_match_core_and_records() -> None:
    assert t.SHEETS == SHEET_ORDER == tuple(s.name for s in SHEETS)
    for sheet in SHEETS:
        fields = [f.name for f in dataclasses.fields(sheet.record) if f.name != "ref"]  # type: ignore[arg-type]
        assert sorted(c.field for c in sheet.columns) == sorted(fields), sheet.name
        assert set(t.COLUMNS[sheet.name]) == set(fields), sheet.name
        assert sheet.name in t.SHEET_HELP
        keys = [
            header_key(name)
            for c in sheet.columns
            for name in (sheet.texts(c).header, *sheet.texts(c).aliases)
        ]
        assert len(keys) == len(set(keys)), f"{sheet.name}: two columns answer to one header"


def test_labels_are_unambiguous() -> None:
    for table in (
        t.PERIOD_KINDS,
        t.HOLIDAY_KINDS,
        t.COMPONENTS,
        t.GRADING_SCALES,
        t.STAFF_ROLES,
        t.GROUP_KINDS,
        t.ACTIVITY_KINDS,
        t.CONTROL_FORMS,
        t.WEEKDAYS,
    ):
        keys = [label_key(name) for names in table.values() for name in names]
        assert len(keys) == len(set(keys)), table


def test_russian_columns_for_core_problems() -> None:
    problems = [
        Problem(t.PERIODS, 3, "ends_on", "дата окончания раньше даты начала"),
        Problem(t.TIMETABLE, 5, None, "x"),
        Problem(t.STUDENTS, 2, "Класс", "уже по-русски"),
    ]
    assert [p.column for p in russian_columns(problems)] == ["Окончание", None, "Класс"]
