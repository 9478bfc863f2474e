"""Staff, students, guardians and the movement of students between classes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class StaffRole(StrEnum):
    TEACHER = "teacher"
    DEPUTY = "deputy"  # завуч
    DISPATCHER = "dispatcher"  # диспетчер расписания
    COORDINATOR = "coordinator"  # школьный координатор
    HEAD = "head"  # руководитель ОО


def full_name(last: str, first: str, middle: str | None) -> str:
    return " ".join(part for part in (last, first, middle) if part)


def short_name(last: str, first: str, middle: str | None) -> str:
    """«Иванова А. П.», as names stand in a journal."""
    initials = " ".join(f"{part[0]}." for part in (first, middle) if part)
    return f"{last} {initials}".strip()


@dataclass(kw_only=True, eq=False)
class StaffMember:
    id: int | None = None
    school_id: int
    last_name: str
    first_name: str
    middle_name: str | None = None
    position: str | None = None  # «учитель математики»
    roles: list[StaffRole] = field(default_factory=list)
    phone: str | None = None
    active: bool = True

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)


@dataclass(kw_only=True, eq=False)
class Student:
    id: int | None = None
    school_id: int
    last_name: str
    first_name: str
    middle_name: str | None = None
    birth_date: dt.date | None = None
    file_number: str | None = None  # № личного дела: the school's own key for a student
    individual_plan: bool = False  # обучается по ИУП
    active: bool = True  # False once withdrawn (выбыл)

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)


@dataclass(kw_only=True, eq=False)
class Guardian:
    id: int | None = None
    school_id: int
    last_name: str
    first_name: str
    middle_name: str | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


@dataclass(kw_only=True, eq=False)
class GuardianLink:
    """A guardian's legal link to one student (one guardian may have several children)."""

    id: int | None = None
    school_id: int
    guardian_id: int
    student_id: int
    relation: str | None = None  # «мать», «отец», «опекун»


class MovementKind(StrEnum):
    ENROLMENT = "enrolment"  # зачисление
    TRANSFER = "transfer"  # перевод в другой класс
    WITHDRAWAL = "withdrawal"  # выбытие


@dataclass(kw_only=True, eq=False)
class StudentMovement:
    """One line of the book of student movement (движение обучающихся)."""

    id: int | None = None
    school_id: int
    student_id: int
    kind: MovementKind
    on_date: dt.date
    from_class_id: int | None = None
    to_class_id: int | None = None
    note: str | None = None
