"""A tiny school year as rows, built in code: two fifth classes, a subgroup split, one student on
an individual plan and a family with two children. Tests change copies of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

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

D = dt.date


def ref(sheet: str, row: int) -> RowRef:
    return RowRef(sheet, row)


def tiny_rows() -> SchoolYearRows:
    r = SchoolYearRows()
    quarters = [
        (1, D(2026, 9, 1), D(2026, 10, 24)),
        (2, D(2026, 11, 5), D(2026, 12, 28)),
        (3, D(2027, 1, 12), D(2027, 3, 20)),
        (4, D(2027, 3, 30), D(2027, 5, 26)),
    ]
    for i, (n, q_start, q_end) in enumerate(quarters, start=2):
        r.periods.append(
            PeriodRow(
                ref=ref("Периоды", i),
                year_name="2026/2027",
                kind=PeriodKind.QUARTER,
                number=n,
                grade_from=1,
                grade_to=11,
                starts_on=q_start,
                ends_on=q_end,
            )
        )
    r.periods.append(
        PeriodRow(
            ref=ref("Периоды", 6),
            year_name="2026/2027",
            kind=PeriodKind.YEAR,
            number=1,
            grade_from=1,
            grade_to=11,
            starts_on=D(2026, 9, 1),
            ends_on=D(2027, 5, 26),
        )
    )
    r.holidays.append(
        HolidayRow(
            ref=ref("Каникулы", 2),
            kind=HolidayKind.AUTUMN,
            name="Осенние",
            starts_on=D(2026, 10, 25),
            ends_on=D(2026, 11, 4),
        )
    )
    for i, (name, short) in enumerate([("Математика", "Мат"), ("Английский язык", "Англ")], 2):
        r.subjects.append(
            SubjectRow(
                ref=ref("Предметы", i),
                name=name,
                short_name=short,
                component=CurriculumComponent.FEDERAL,
                grading_scale="five_point",
            )
        )
    for i, room in enumerate(["201", "202", "305"], 2):
        r.rooms.append(RoomRow(ref=ref("Кабинеты", i), name=room, capacity=30))
    staff = [
        ("Иванова", "Мария", "Петровна", (StaffRole.TEACHER,)),
        ("Смирнов", "Олег", "Игоревич", (StaffRole.TEACHER,)),
        ("Кузнецова", "Анна", "Сергеевна", (StaffRole.TEACHER, StaffRole.DEPUTY)),
    ]
    for i, (last, first, middle, roles) in enumerate(staff, 2):
        r.staff.append(
            StaffRow(
                ref=ref("Сотрудники", i),
                last_name=last,
                first_name=first,
                middle_name=middle,
                position="учитель",
                roles=roles,
                phone=None,
            )
        )
    r.classes = [
        ClassRow(
            ref=ref("Классы", 2),
            name="5А",
            class_teacher="Иванова Мария Петровна",
            days_per_week=5,
            shift=1,
            bell_schedule="Основное",
        ),
        ClassRow(
            ref=ref("Классы", 3),
            name="5Б",
            class_teacher="Смирнов О. И.",
            days_per_week=5,
            shift=1,
            bell_schedule="Основное",
        ),
    ]
    pupils = [
        ("Алексеев", "Артём", "5А", "101"),
        ("Борисова", "Вера", "5А", "102"),
        ("Волков", "Глеб", "5А", "103"),
        ("Григорьева", "Дарья", "5А", "104"),
        ("Алексеева", "Ева", "5Б", "105"),
        ("Жуков", "Захар", "5Б", "106"),
        ("Зайцева", "Ирина", "5Б", "107"),
    ]
    for i, (last, first, class_name, file_no) in enumerate(pupils, 2):
        r.students.append(
            StudentRow(
                ref=ref("Обучающиеся", i),
                last_name=last,
                first_name=first,
                middle_name="Викторович" if last.endswith("в") else "Викторовна",
                birth_date=D(2015, 3, i),
                file_number=file_no,
                class_name=class_name,
                enrolled_on=None,
                withdrawn_on=None,
            )
        )
    r.guardians = [
        # one mother of two: Артём in 5А and Ева in 5Б
        GuardianRow(
            ref=ref("Родители", 2),
            last_name="Алексеева",
            first_name="Ольга",
            middle_name="Ивановна",
            phone="+7 900 111-22-33",
            email=None,
            child="Алексеев Артём Викторович",
            child_class="5А",
            relation="мать",
        ),
        GuardianRow(
            ref=ref("Родители", 3),
            last_name="Алексеева",
            first_name="Ольга",
            middle_name="Ивановна",
            phone="+7 900 111-22-33",
            email=None,
            child="Алексеева Ева Викторовна",
            child_class="5Б",
            relation="мать",
        ),
        GuardianRow(
            ref=ref("Родители", 4),
            last_name="Борисов",
            first_name="Павел",
            middle_name=None,
            phone="89001112234",
            email="b@example.ru",
            child="Борисова В. В.",
            child_class="5А",
            relation="отец",
        ),
    ]
    for i, (group, student) in enumerate(
        [
            ("5А англ. 1", "Алексеев Артём Викторович"),
            ("5А англ. 1", "Борисова Вера Викторовна"),
            ("5А англ. 2", "Волков Глеб Викторович"),
            ("5А англ. 2", "Григорьева Дарья Викторовна"),
        ],
        2,
    ):
        r.groups.append(
            GroupRow(
                ref=ref("Группы", i),
                name=group,
                kind=GroupKind.SUBGROUP,
                class_name="5А",
                subject="Английский язык",
                student=student,
                student_class="5А",
            )
        )
    r.individual_plans.append(
        IndividualPlanRow(
            ref=ref("ИУП", 2),
            student="Жуков Захар Викторович",
            student_class="5Б",
            subject="Математика",
            teacher="Кузнецова Анна Сергеевна",
            hours_per_week=2,
            group_name="ИУП Жуков, математика",
        )
    )
    r.loads = [
        LoadRow(
            ref=ref("Нагрузка", 2),
            teacher="Кузнецова Анна Сергеевна",
            subject="Математика",
            group="5А",
            hours_per_week=5,
        ),
        LoadRow(
            ref=ref("Нагрузка", 3),
            teacher="Кузнецова Анна Сергеевна",
            subject="Математика",
            group="5Б",
            hours_per_week=5,
        ),
        LoadRow(
            ref=ref("Нагрузка", 4),
            teacher="Иванова Мария Петровна",
            subject="Английский язык",
            group="5А англ. 1",
            hours_per_week=3,
        ),
        LoadRow(
            ref=ref("Нагрузка", 5),
            teacher="Смирнов Олег Игоревич",
            subject="Английский язык",
            group="5А англ. 2",
            hours_per_week=3,
        ),
    ]
    for n, (begin, finish) in enumerate(
        [((8, 30), (9, 15)), ((9, 25), (10, 10)), ((10, 30), (11, 15))], 1
    ):
        r.bells.append(
            BellRow(
                ref=ref("Звонки", n + 1),
                schedule="Основное",
                lesson_number=n,
                starts_at=dt.time(*begin),
                ends_at=dt.time(*finish),
            )
        )
    slots = [
        ("5А", 1, 1, "Математика", "Кузнецова Анна Сергеевна", "201"),
        ("5Б", 1, 2, "Математика", "Кузнецова Анна Сергеевна", "201"),
        ("5А англ. 1", 1, 2, "Английский язык", "Иванова Мария Петровна", "202"),
        ("5А англ. 2", 1, 2, "Английский язык", "Смирнов Олег Игоревич", "305"),
        ("5А", 2, 1, "Математика", "Кузнецова Анна Сергеевна", "201"),
        ("ИУП Жуков, математика", 3, 3, "Математика", "Кузнецова Анна Сергеевна", "201"),
    ]
    for i, (group, day, number, subject, teacher, room) in enumerate(slots, 2):
        r.timetable.append(
            TimetableRow(
                ref=ref("Расписание", i),
                group=group,
                weekday=day,
                lesson_number=number,
                subject=subject,
                teacher=teacher,
                room=room,
                kind=ActivityKind.MAIN,
                valid_from=None,
                valid_to=None,
            )
        )
    for i, title in enumerate(["Натуральные числа", "Сложение", "Вычитание"], 1):
        r.topics.append(
            TopicRow(
                ref=ref("КТП", i + 1),
                group="5А",
                subject="Математика",
                position=i,
                title=title,
                hours=1,
            )
        )
    r.control_works.append(
        ControlWorkRow(
            ref=ref("Контрольные работы", 2),
            on_date=D(2026, 10, 19),
            group="5А",
            subject="Математика",
            form=ControlForm.TEST,
            lesson_number=1,
            topic="Входная контрольная",
        )
    )
    return r


def replace_row(rows: list[Any], index: int, **changes: Any) -> None:
    rows[index] = dataclasses.replace(rows[index], **changes)
