"""The weekly timetable, thematic plans, control works and dated lessons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ActivityKind(StrEnum):
    MAIN = "main"  # основное расписание
    EXTRACURRICULAR = "extracurricular"  # внеурочная деятельность
    ADDITIONAL = "additional"  # дополнительное образование


@dataclass(kw_only=True, eq=False)
class TimetableEntry:
    """A weekly slot: group, ISO weekday (1 = Monday), lesson number, valid between two dates."""

    id: int | None = None
    school_id: int
    year_id: int
    group_id: int
    weekday: int
    lesson_number: int
    subject_id: int
    teacher_id: int
    room_id: int | None = None
    valid_from: dt.date
    valid_to: dt.date
    kind: ActivityKind = ActivityKind.MAIN


@dataclass(frozen=True, kw_only=True)
class PlannedLesson:
    """A dated lesson generated from a timetable entry (not stored by this module)."""

    entry_id: int | None
    group_id: int
    on_date: dt.date
    lesson_number: int
    subject_id: int
    teacher_id: int
    room_id: int | None
    kind: ActivityKind


@dataclass(kw_only=True, eq=False)
class ThematicTopic:
    """One line of a thematic plan (КТП) of a subject for a group, in teaching order."""

    id: int | None = None
    school_id: int
    year_id: int
    group_id: int
    subject_id: int
    position: int
    title: str
    hours: float = 1.0


class ControlForm(StrEnum):
    TEST = "test"  # контрольная работа
    DICTATION = "dictation"  # диктант
    QUIZ = "quiz"  # тестирование
    ESSAY = "essay"  # сочинение / изложение
    PRACTICAL = "practical"  # практическая / лабораторная работа
    ORAL = "oral"  # устный зачёт
    COMPREHENSIVE = "comprehensive"  # комплексная работа


@dataclass(kw_only=True, eq=False)
class ControlWork:
    """A control work of internal monitoring (ВШК) in the period's schedule."""

    id: int | None = None
    school_id: int
    year_id: int
    group_id: int
    subject_id: int
    on_date: dt.date
    form: ControlForm
    lesson_number: int | None = None
    topic: str | None = None
