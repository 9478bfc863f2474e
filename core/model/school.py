"""The school, its year, periods, holidays, subjects, rooms and bell schedules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(kw_only=True, eq=False)
class School:
    id: int | None = None
    name: str
    timezone: str = "Europe/Moscow"
    consent_text: str | None = None  # None: the standard text of core.services.identity_texts
    # deadlines of the journal (DESIGN.md «Locks»), the school's own when it changes them
    homework_hours: float = 1.5  # after the class's last lesson of the day (LES-3)
    control_marks_days: int = 3  # control works of internal monitoring (LES-6)
    written_marks_days: int = 7  # written works, essays of grades 10–11 included (LES-6)


@dataclass(kw_only=True, eq=False)
class AcademicYear:
    """1 September to 31 August: summer holidays belong to the year they follow."""

    id: int | None = None
    school_id: int
    name: str  # "2026/2027"
    starts_on: dt.date
    ends_on: dt.date


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    TRIMESTER = "trimester"
    HALF_YEAR = "half_year"
    YEAR = "year"


@dataclass(kw_only=True, eq=False)
class StudyPeriod:
    """A quarter, trimester, half-year or the year, for a range of grade levels (ступень)."""

    id: int | None = None
    school_id: int
    year_id: int
    kind: PeriodKind
    number: int
    grade_from: int
    grade_to: int
    starts_on: dt.date
    ends_on: dt.date

    def covers_grade(self, grade: int) -> bool:
        return self.grade_from <= grade <= self.grade_to


class HolidayKind(StrEnum):
    AUTUMN = "autumn"
    WINTER = "winter"
    SPRING = "spring"
    SUMMER = "summer"
    ADDITIONAL = "additional"  # extra holidays for first-graders
    PUBLIC = "public"  # state holidays and days off


@dataclass(kw_only=True, eq=False)
class Holiday:
    id: int | None = None
    school_id: int
    year_id: int
    kind: HolidayKind
    name: str
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11

    def covers(self, day: dt.date, grade: int) -> bool:
        return self.starts_on <= day <= self.ends_on and self.grade_from <= grade <= self.grade_to


class CurriculumComponent(StrEnum):
    FEDERAL = "federal"  # предметы ФБУП
    SCHOOL = "school"  # компонент ОО


@dataclass(kw_only=True, eq=False)
class Subject:
    id: int | None = None
    school_id: int
    name: str
    short_name: str
    component: CurriculumComponent = CurriculumComponent.FEDERAL
    grading_scale: str = "five_point"  # a code from core.rules.grading.SCALES


@dataclass(kw_only=True, eq=False)
class Room:
    id: int | None = None
    school_id: int
    name: str  # "214", "Спортзал"
    capacity: int | None = None


@dataclass(kw_only=True, eq=False)
class BellSchedule:
    """A named set of bells (звонки), e.g. «Основное» or «Вторая смена»."""

    id: int | None = None
    school_id: int
    name: str


@dataclass(kw_only=True, eq=False)
class Bell:
    id: int | None = None
    school_id: int
    schedule_id: int
    lesson_number: int
    starts_at: dt.time
    ends_at: dt.time
