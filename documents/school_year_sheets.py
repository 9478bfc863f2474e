"""The shape of every sheet: which record field each column fills, how its cells are read and
written, whether it is required and what an empty cell means.

One table drives reading, writing and the «Инструкция» sheet, so the three cannot drift apart.
Column order here is the order written to the workbook; reading finds columns by header, in any
order. Headers and labels come from school_year_texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from core.model.people import StaffRole
from core.model.timetable import ActivityKind
from core.services.school_year_rows import (
    BellRow,
    ClassRow,
    ControlWorkRow,
    GroupRow,
    GuardianRow,
    HolidayRow,
    IndividualPlanRow,
    LoadRow,
    PeriodRow,
    RoomRow,
    StaffRow,
    StudentRow,
    SubjectRow,
    TimetableRow,
    TopicRow,
)
from documents import school_year_texts as t
from documents.school_year_cells import (
    CellError,
    CellValue,
    LabelReader,
    read_date,
    read_float,
    read_int,
    read_text,
    read_time,
)

CellOut = str | int | float | dt.date | dt.time | None
Format = Literal["text", "number", "date", "time"]

PERIOD_KINDS = LabelReader(t.PERIOD_KINDS)
HOLIDAY_KINDS = LabelReader(t.HOLIDAY_KINDS)
COMPONENTS = LabelReader(t.COMPONENTS)
GRADING_SCALES = LabelReader(t.GRADING_SCALES)
STAFF_ROLES = LabelReader(t.STAFF_ROLES)
GROUP_KINDS = LabelReader(t.GROUP_KINDS)
ACTIVITY_KINDS = LabelReader(t.ACTIVITY_KINDS)
CONTROL_FORMS = LabelReader(t.CONTROL_FORMS)
WEEKDAYS = LabelReader(t.WEEKDAYS)


@dataclass(frozen=True)
class Column:
    field: str  # the record's field, also the key of its texts in school_year_texts.COLUMNS
    read: Callable[[CellValue], Any]
    write: Callable[[Any], CellOut]
    format: Format = "text"
    required: bool = True
    default: Any = None  # what an empty cell of an optional column gives
    allowed: tuple[str, ...] = ()  # labels offered in a drop-down list and in the instructions


@dataclass(frozen=True)
class Sheet:
    name: str
    attr: str  # the list of SchoolYearRows this sheet fills
    record: Callable[..., Any]
    columns: tuple[Column, ...]
    # fills defaults that depend on other cells of the row (a holiday's name from its kind)
    complete: Callable[[dict[str, Any]], None] | None = None

    @property
    def optional(self) -> bool:
        return self.name in t.OPTIONAL_SHEETS

    def header(self, column: Column) -> str:
        return t.COLUMNS[self.name][column.field].header

    def texts(self, column: Column) -> t.ColumnText:
        return t.COLUMNS[self.name][column.field]


def _same(value: Any) -> CellOut:
    return value  # type: ignore[no-any-return]


def _number_out(value: float | None) -> CellOut:
    # 4.0 hours is written as 4: what a person would type, and it reads back as 4.0
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def text(field: str, *, required: bool = True) -> Column:
    return Column(field, read_text, _same, required=required)


def integer(field: str, *, required: bool = True, default: int | None = None) -> Column:
    return Column(field, read_int, _same, "number", required=required, default=default)


def number(field: str, *, required: bool = True, default: float | None = None) -> Column:
    return Column(field, read_float, _number_out, "number", required=required, default=default)


def date(field: str, *, required: bool = True) -> Column:
    return Column(field, read_date, _same, "date", required=required)


def time(field: str) -> Column:
    return Column(field, read_time, _same, "time")


def label(field: str, reader: LabelReader[Any], *, default: Any = None) -> Column:
    def write(value: Any) -> CellOut:
        return None if value is None else reader.label(value)

    return Column(
        field,
        reader.read,
        write,
        required=default is None,
        default=default,
        allowed=tuple(reader.allowed),
    )


def _read_roles(value: CellValue) -> tuple[StaffRole, ...]:
    parts = read_text(value)
    for separator in t.ROLE_SEPARATORS[1:]:
        parts = parts.replace(separator, t.ROLE_SEPARATORS[0])
    roles: list[StaffRole] = []
    for part in parts.split(t.ROLE_SEPARATORS[0]):
        if part.strip():
            role = STAFF_ROLES.read(part)
            if role not in roles:
                roles.append(role)
    if not roles:
        raise CellError(t.EMPTY_REQUIRED)
    return tuple(roles)


def _write_roles(roles: tuple[StaffRole, ...]) -> CellOut:
    return ", ".join(STAFF_ROLES.label(role) for role in roles)


def _holiday_name(values: dict[str, Any]) -> None:
    if values.get("name") is None and values.get("kind") is not None:
        values["name"] = t.HOLIDAY_DEFAULT_NAMES[values["kind"]]


# Several labels in one cell: the instructions list them, but there is no drop-down list.
ROLES = Column("roles", _read_roles, _write_roles, allowed=tuple(STAFF_ROLES.allowed))

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        t.PERIODS,
        "periods",
        PeriodRow,
        (
            text("year_name"),
            label("kind", PERIOD_KINDS),
            integer("number"),
            integer("grade_from"),
            integer("grade_to"),
            date("starts_on"),
            date("ends_on"),
        ),
    ),
    Sheet(
        t.HOLIDAYS,
        "holidays",
        HolidayRow,
        (
            label("kind", HOLIDAY_KINDS),
            text("name", required=False),
            date("starts_on"),
            date("ends_on"),
            integer("grade_from", required=False, default=1),
            integer("grade_to", required=False, default=11),
        ),
        complete=_holiday_name,
    ),
    Sheet(
        t.SUBJECTS,
        "subjects",
        SubjectRow,
        (
            text("name"),
            text("short_name", required=False),
            label("component", COMPONENTS),
            label("grading_scale", GRADING_SCALES, default=t.DEFAULT_GRADING_SCALE),
        ),
    ),
    Sheet(t.ROOMS, "rooms", RoomRow, (text("name"), integer("capacity", required=False))),
    Sheet(
        t.STAFF,
        "staff",
        StaffRow,
        (
            text("last_name"),
            text("first_name"),
            text("middle_name", required=False),
            text("position", required=False),
            ROLES,
            text("phone", required=False),
        ),
    ),
    Sheet(
        t.CLASSES,
        "classes",
        ClassRow,
        (
            text("name"),
            text("class_teacher", required=False),
            integer("days_per_week", required=False, default=5),
            integer("shift", required=False, default=1),
            text("bell_schedule", required=False),
        ),
    ),
    Sheet(
        t.STUDENTS,
        "students",
        StudentRow,
        (
            text("last_name"),
            text("first_name"),
            text("middle_name", required=False),
            date("birth_date", required=False),
            text("file_number", required=False),
            text("class_name"),
            date("enrolled_on", required=False),
            date("withdrawn_on", required=False),
        ),
    ),
    Sheet(
        t.GUARDIANS,
        "guardians",
        GuardianRow,
        (
            text("last_name"),
            text("first_name"),
            text("middle_name", required=False),
            text("phone", required=False),
            text("email", required=False),
            text("child"),
            text("child_class"),
            text("relation", required=False),
        ),
    ),
    Sheet(
        t.GROUPS,
        "groups",
        GroupRow,
        (
            text("name"),
            label("kind", GROUP_KINDS),
            text("class_name", required=False),
            text("subject", required=False),
            text("student", required=False),
            text("student_class", required=False),
        ),
    ),
    Sheet(
        t.PLANS,
        "individual_plans",
        IndividualPlanRow,
        (
            text("student"),
            text("student_class"),
            text("subject"),
            text("teacher"),
            number("hours_per_week"),
            text("group_name", required=False),
        ),
    ),
    Sheet(
        t.LOADS,
        "loads",
        LoadRow,
        (text("teacher"), text("subject"), text("group"), number("hours_per_week")),
    ),
    Sheet(
        t.BELLS,
        "bells",
        BellRow,
        (text("schedule"), integer("lesson_number"), time("starts_at"), time("ends_at")),
    ),
    Sheet(
        t.TIMETABLE,
        "timetable",
        TimetableRow,
        (
            text("group"),
            label("weekday", WEEKDAYS),
            integer("lesson_number"),
            text("subject"),
            text("teacher"),
            text("room", required=False),
            label("kind", ACTIVITY_KINDS, default=ActivityKind.MAIN),
            date("valid_from", required=False),
            date("valid_to", required=False),
        ),
    ),
    Sheet(
        t.TOPICS,
        "topics",
        TopicRow,
        (
            text("group"),
            text("subject"),
            integer("position"),
            text("title"),
            number("hours", required=False, default=1.0),
        ),
    ),
    Sheet(
        t.CONTROL_WORKS,
        "control_works",
        ControlWorkRow,
        (
            date("on_date"),
            text("group"),
            text("subject"),
            label("form", CONTROL_FORMS),
            integer("lesson_number", required=False),
            text("topic", required=False),
        ),
    ),
)

SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
