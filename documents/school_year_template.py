"""One example row per sheet for the blank workbook a school fills in.

The rows tell one small story so that every reference resolves: the teacher of «Сотрудники» leads
5А in «Классы» and teaches it in «Нагрузка» and «Расписание»; the student of «Обучающиеся» is the
child in «Родители», the member in «Группы» and the student in «ИУП»; the control work falls on a
day and lesson that the timetable gives to that subject.
"""

from __future__ import annotations

import datetime as dt

from core.model.groups import GroupKind
from core.model.people import StaffRole
from core.model.school import CurriculumComponent, HolidayKind, PeriodKind
from core.model.timetable import ActivityKind, ControlForm
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
    RowRef,
    SchoolYearRows,
    StaffRow,
    StudentRow,
    SubjectRow,
    TimetableRow,
    TopicRow,
)
from documents import school_year_texts as t

TEACHER = "Иванова Мария Петровна"
STUDENT = "Петров Алексей Иванович"
CLASS = "5А"
SUBJECT = "Математика"
ROOM = "214"
BELLS = "Основное"


def _ref(sheet: str) -> RowRef:
    return RowRef(sheet, 2)


def template_rows() -> SchoolYearRows:
    return SchoolYearRows(
        periods=[
            PeriodRow(
                ref=_ref(t.PERIODS),
                year_name="2026/2027",
                kind=PeriodKind.QUARTER,
                number=1,
                grade_from=1,
                grade_to=9,
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2026, 10, 23),
            )
        ],
        holidays=[
            HolidayRow(
                ref=_ref(t.HOLIDAYS),
                kind=HolidayKind.AUTUMN,
                name="Осенние каникулы",
                starts_on=dt.date(2026, 10, 24),
                ends_on=dt.date(2026, 11, 1),
            )
        ],
        subjects=[
            SubjectRow(
                ref=_ref(t.SUBJECTS),
                name=SUBJECT,
                short_name="Матем.",
                component=CurriculumComponent.FEDERAL,
                grading_scale="five_point",
            )
        ],
        rooms=[RoomRow(ref=_ref(t.ROOMS), name=ROOM, capacity=30)],
        staff=[
            StaffRow(
                ref=_ref(t.STAFF),
                last_name="Иванова",
                first_name="Мария",
                middle_name="Петровна",
                position="учитель математики",
                roles=(StaffRole.TEACHER,),
                phone="+7 900 123-45-67",
            )
        ],
        classes=[
            ClassRow(
                ref=_ref(t.CLASSES),
                name=CLASS,
                class_teacher=TEACHER,
                days_per_week=5,
                shift=1,
                bell_schedule=BELLS,
            )
        ],
        students=[
            StudentRow(
                ref=_ref(t.STUDENTS),
                last_name="Петров",
                first_name="Алексей",
                middle_name="Иванович",
                birth_date=dt.date(2015, 3, 14),
                file_number="П-001",
                class_name=CLASS,
                enrolled_on=dt.date(2026, 9, 1),
                withdrawn_on=None,
            )
        ],
        guardians=[
            GuardianRow(
                ref=_ref(t.GUARDIANS),
                last_name="Петрова",
                first_name="Елена",
                middle_name="Сергеевна",
                phone="+7 900 765-43-21",
                email="petrova@example.com",
                child=STUDENT,
                child_class=CLASS,
                relation="мать",
            )
        ],
        groups=[
            GroupRow(
                ref=_ref(t.GROUPS),
                name="Математический кружок",
                kind=GroupKind.CLUB,
                class_name=None,
                subject=SUBJECT,
                student=STUDENT,
                student_class=CLASS,
            )
        ],
        individual_plans=[
            IndividualPlanRow(
                ref=_ref(t.PLANS),
                student=STUDENT,
                student_class=CLASS,
                subject=SUBJECT,
                teacher=TEACHER,
                hours_per_week=1.0,
                group_name="ИУП Петров А. И., математика",
            )
        ],
        loads=[
            LoadRow(
                ref=_ref(t.LOADS), teacher=TEACHER, subject=SUBJECT, group=CLASS, hours_per_week=5.0
            )
        ],
        bells=[
            BellRow(
                ref=_ref(t.BELLS),
                schedule=BELLS,
                lesson_number=1,
                starts_at=dt.time(8, 30),
                ends_at=dt.time(9, 15),
            )
        ],
        timetable=[
            TimetableRow(
                ref=_ref(t.TIMETABLE),
                group=CLASS,
                weekday=1,
                lesson_number=1,
                subject=SUBJECT,
                teacher=TEACHER,
                room=ROOM,
                kind=ActivityKind.MAIN,
                valid_from=None,
                valid_to=None,
            )
        ],
        topics=[
            TopicRow(
                ref=_ref(t.TOPICS),
                group=CLASS,
                subject=SUBJECT,
                position=1,
                title="Натуральные числа и нуль",
                hours=1.0,
            )
        ],
        control_works=[
            ControlWorkRow(
                ref=_ref(t.CONTROL_WORKS),
                on_date=dt.date(2026, 9, 14),  # a Monday: 5А has mathematics at lesson 1
                group=CLASS,
                subject=SUBJECT,
                form=ControlForm.TEST,
                lesson_number=1,
                topic="Входная контрольная работа",
            )
        ],
    )
