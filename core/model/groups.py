"""Classes, study groups with dated membership, and the teaching load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(kw_only=True, eq=False)
class SchoolClass:
    """A class (класс-комплект) of one academic year, with its work regime (режим работы)."""

    id: int | None = None
    school_id: int
    year_id: int
    name: str  # "5А"
    grade: int  # параллель, 1..11
    class_teacher_id: int | None = None
    days_per_week: int = 5
    shift: int = 1
    bell_schedule_id: int | None = None


class GroupKind(StrEnum):
    WHOLE_CLASS = "whole_class"  # the class as a whole; membership here is enrolment in the class
    SUBGROUP = "subgroup"  # English 1/2
    STREAM = "stream"  # поток across classes (profile groups)
    ELECTIVE = "elective"  # элективный курс
    CLUB = "club"  # кружок, проект (extracurricular)
    INDIVIDUAL = "individual"  # one student's own group under an individual plan (ИУП)


@dataclass(kw_only=True, eq=False)
class StudyGroup:
    """Every lesson is given to a study group; see DESIGN.md «Groups unify the timetable»."""

    id: int | None = None
    school_id: int
    year_id: int
    name: str
    kind: GroupKind
    class_id: int | None = None  # None for streams and clubs that cross classes
    subject_id: int | None = None  # the subject a subgroup or IUP group is for


@dataclass(kw_only=True, eq=False)
class GroupMembership:
    """A student in a group from ``starts_on`` to ``ends_on`` inclusive (None: still there)."""

    id: int | None = None
    school_id: int
    group_id: int
    student_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(kw_only=True, eq=False)
class TeachingLoad:
    """Who teaches which subject to which group, hours per week (распределение нагрузки)."""

    id: int | None = None
    school_id: int
    year_id: int
    teacher_id: int
    subject_id: int
    group_id: int
    hours_per_week: float
