"""The school year as read from a workbook: one typed record per row, references still by name.

documents/ turns sheets (XLSX or CSV) into these records and reports cells it cannot read;
core.services.school_year_import checks the references and rules and applies them. Every record
knows its sheet and row so that a problem can be shown where the coordinator will fix it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.model.groups import GroupKind
from core.model.people import StaffRole
from core.model.school import CurriculumComponent, HolidayKind, PeriodKind
from core.model.timetable import ActivityKind, ControlForm

# The sheets of a school-year workbook, in the order problems are reported.
SHEET_ORDER = (
    "Периоды",
    "Каникулы",
    "Предметы",
    "Кабинеты",
    "Сотрудники",
    "Классы",
    "Обучающиеся",
    "Родители",
    "Группы",
    "ИУП",
    "Нагрузка",
    "Звонки",
    "Расписание",
    "КТП",
    "Контрольные работы",
)


@dataclass(frozen=True, order=True)
class RowRef:
    sheet: str  # the Russian sheet name, as the user sees it
    row: int  # the spreadsheet row number (the header is row 1)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the workbook, said in Russian."""

    sheet: str
    row: int | None
    column: str | None  # the Russian column header
    reason: str

    def __str__(self) -> str:
        where = [f"лист «{self.sheet}»"]
        if self.row is not None:
            where.append(f"строка {self.row}")
        if self.column:
            where.append(f"столбец «{self.column}»")
        return f"{', '.join(where)}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class PeriodRow:
    ref: RowRef
    year_name: str  # "2026/2027"
    kind: PeriodKind
    number: int
    grade_from: int
    grade_to: int
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True, kw_only=True)
class HolidayRow:
    ref: RowRef
    kind: HolidayKind
    name: str
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11


@dataclass(frozen=True, kw_only=True)
class SubjectRow:
    ref: RowRef
    name: str
    short_name: str | None
    component: CurriculumComponent
    grading_scale: str  # a code of core.rules.grading.SCALES


@dataclass(frozen=True, kw_only=True)
class RoomRow:
    ref: RowRef
    name: str
    capacity: int | None


@dataclass(frozen=True, kw_only=True)
class StaffRow:
    ref: RowRef
    last_name: str
    first_name: str
    middle_name: str | None
    position: str | None
    roles: tuple[StaffRole, ...]
    phone: str | None


@dataclass(frozen=True, kw_only=True)
class ClassRow:
    ref: RowRef
    name: str  # "5А"
    class_teacher: str | None  # a staff member's name
    days_per_week: int
    shift: int
    bell_schedule: str | None  # a name from the Звонки sheet


@dataclass(frozen=True, kw_only=True)
class StudentRow:
    ref: RowRef
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    file_number: str | None
    class_name: str
    enrolled_on: dt.date | None
    withdrawn_on: dt.date | None


@dataclass(frozen=True, kw_only=True)
class GuardianRow:
    ref: RowRef
    last_name: str
    first_name: str
    middle_name: str | None
    phone: str | None
    email: str | None
    child: str  # the student's full name
    child_class: str
    relation: str | None


@dataclass(frozen=True, kw_only=True)
class GroupRow:
    """A group, and one member of it when ``student`` is given (one row per member)."""

    ref: RowRef
    name: str
    kind: GroupKind
    class_name: str | None
    subject: str | None
    student: str | None
    student_class: str | None


@dataclass(frozen=True, kw_only=True)
class IndividualPlanRow:
    ref: RowRef
    student: str
    student_class: str
    subject: str
    teacher: str
    hours_per_week: float
    group_name: str | None  # how the timetable refers to this student's group


@dataclass(frozen=True, kw_only=True)
class LoadRow:
    ref: RowRef
    teacher: str
    subject: str
    group: str  # a class name or a group name
    hours_per_week: float


@dataclass(frozen=True, kw_only=True)
class BellRow:
    ref: RowRef
    schedule: str
    lesson_number: int
    starts_at: dt.time
    ends_at: dt.time


@dataclass(frozen=True, kw_only=True)
class TimetableRow:
    ref: RowRef
    group: str
    weekday: int  # ISO, 1 = Monday
    lesson_number: int
    subject: str
    teacher: str
    room: str | None
    kind: ActivityKind
    valid_from: dt.date | None  # None: from the start of the year
    valid_to: dt.date | None  # None: to the end of the year


@dataclass(frozen=True, kw_only=True)
class TopicRow:
    ref: RowRef
    group: str
    subject: str
    position: int
    title: str
    hours: float


@dataclass(frozen=True, kw_only=True)
class ControlWorkRow:
    ref: RowRef
    on_date: dt.date
    group: str
    subject: str
    form: ControlForm
    lesson_number: int | None
    topic: str | None


@dataclass(kw_only=True)
class SchoolYearRows:
    """Everything a workbook holds, plus the problems met while reading its cells."""

    periods: list[PeriodRow] = field(default_factory=list)
    holidays: list[HolidayRow] = field(default_factory=list)
    subjects: list[SubjectRow] = field(default_factory=list)
    rooms: list[RoomRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    students: list[StudentRow] = field(default_factory=list)
    guardians: list[GuardianRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    individual_plans: list[IndividualPlanRow] = field(default_factory=list)
    loads: list[LoadRow] = field(default_factory=list)
    bells: list[BellRow] = field(default_factory=list)
    timetable: list[TimetableRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    control_works: list[ControlWorkRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The sheets the file had (None: all of them, as for rows built in code). A re-import leaves
    # alone what an absent optional sheet would describe instead of deleting it.
    sheets: set[str] | None = None

    def has(self, sheet: str) -> bool:
        return self.sheets is None or sheet in self.sheets
