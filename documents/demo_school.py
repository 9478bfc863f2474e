"""A small, realistic demo school, «МБОУ СОШ № 1», for the year 2026/2027.

Six classes (1А, 5А, 5Б, 9А, 10А, 11А) of 13–24 students with their families, fifteen staff,
quarters for grades 1–9 and half-years for 10–11, the holiday calendar, an English split in 5А, a
physics stream across 10А and 11А, a club, a student on an individual plan, a week of timetable,
thematic plans and the first quarter's control works. Everything is fixed or drawn from a seeded
generator, so every run gives the same school (tests compare it field by field).

The weekly timetable is not typed in by hand but placed by a small search from the curriculum
below, so that changing the hours of a subject keeps it free of double bookings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from core.model.groups import GroupKind
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
    RowRef,
    SchoolYearRows,
    StaffRow,
    StudentRow,
    SubjectRow,
    TimetableRow,
    TopicRow,
)
from documents.school_year_demo_data import (
    BELL_TIMES,
    CLASSES,
    CLUB,
    CONTROL_WORKS,
    CURRICULUM,
    ENGLISH_5A,
    FIXED,
    HOLIDAYS,
    IUP_CLASS,
    IUP_INDEX,
    IUP_PLAN,
    LESSON_MINUTES,
    LONG_TOPICS,
    PERIODS,
    ROOMS,
    SCHOOL_NAME,
    SEED,
    SEPTEMBER_1,
    SIBLINGS,
    SIBLINGS_PARENTS,
    SPLITS,
    STAFF,
    STREAM,
    SUBJECTS,
    TOPICS,
    YEAR,
    YEAR_START,
    room_of,
    staff_name,
)
from documents.school_year_demo_people import Child, Guardian, PeopleMaker, Person
from documents.school_year_sheets import SHEETS
from documents.school_year_writer import write_school_year

__all__ = ["SCHOOL_NAME", "YEAR", "demo_rows", "school_days", "write_demo_workbook"]

_ANY_REF = RowRef("", 0)  # every record is renumbered at the end, in the order written


def demo_rows() -> SchoolYearRows:
    """The demo school as workbook rows: what reading its workbook gives back."""
    people = PeopleMaker(SEED)
    rows = SchoolYearRows(
        periods=_periods(),
        holidays=_holidays(),
        subjects=[
            SubjectRow(ref=_ANY_REF, name=n, short_name=s, component=c, grading_scale=g)
            for n, s, c, g in SUBJECTS
        ],
        rooms=[RoomRow(ref=_ANY_REF, name=name, capacity=size) for name, size in ROOMS.items()],
        staff=[
            StaffRow(
                ref=_ANY_REF,
                last_name=last,
                first_name=first,
                middle_name=middle,
                position=position,
                roles=roles,
                phone=people.phone(),
            )
            for last, first, middle, position, roles, _room in STAFF
        ],
        classes=[
            ClassRow(
                ref=_ANY_REF,
                name=name,
                class_teacher=staff_name(teacher),
                days_per_week=5,
                shift=1,
                bell_schedule=bells,
            )
            for name, _grade, teacher, _count, _days, bells in CLASSES
        ],
        bells=_bells(),
    )
    roster = _roster(people)
    rows.students = _movement(
        [
            _student(cls, i, child)
            for cls, children in roster.items()
            for i, child in enumerate(children)
        ]
    )
    rows.guardians = [
        _guardian(g, child, cls)
        for cls, children in roster.items()
        for child in children
        for g in child.guardians
    ]
    rows.guardians.sort(key=lambda g: (g.last_name, g.first_name, g.middle_name or "", g.child))
    iup_student = roster[IUP_CLASS][IUP_INDEX].person
    rows.groups = _groups(roster)
    rows.individual_plans = _plans(iup_student)
    rows.loads = _loads()
    rows.timetable = _timetable(iup_student)
    rows.topics = _topics()
    rows.control_works = _control_works(rows.timetable)
    return _numbered(rows)


def write_demo_workbook(path: Path) -> None:
    write_school_year(demo_rows(), path)


# --- calendar -----------------------------------------------------------------------------------


def _periods() -> list[PeriodRow]:
    return [
        PeriodRow(
            ref=_ANY_REF,
            year_name=YEAR,
            kind=kind,
            number=number,
            grade_from=low,
            grade_to=high,
            starts_on=start,
            ends_on=end,
        )
        for kind, low, high, dates in PERIODS
        for number, (start, end) in enumerate(dates, start=1)
    ]


def _holidays() -> list[HolidayRow]:
    return [
        HolidayRow(
            ref=_ANY_REF,
            kind=kind,
            name=name,
            starts_on=start,
            ends_on=end,
            grade_from=low,
            grade_to=high,
        )
        for kind, name, start, end, low, high in HOLIDAYS
    ]


def _bells() -> list[BellRow]:
    rows = []
    for schedule, starts in BELL_TIMES.items():
        for number, start in enumerate(starts, start=1):
            begin = dt.datetime.strptime(start, "%H:%M")
            end = begin + dt.timedelta(minutes=LESSON_MINUTES[schedule])
            rows.append(
                BellRow(
                    ref=_ANY_REF,
                    schedule=schedule,
                    lesson_number=number,
                    starts_at=begin.time(),
                    ends_at=end.time(),
                )
            )
    return rows


def school_days(grade: int, holidays: Iterable[HolidayRow]) -> set[dt.date]:
    """Monday..Friday from 1 September to the end of May on which ``grade`` learns (a five-day
    week, public holidays and the grade's holidays off)."""
    off = {
        h.starts_on + dt.timedelta(days=i)
        for h in holidays
        if h.grade_from <= grade <= h.grade_to
        for i in range((h.ends_on - h.starts_on).days + 1)
    }
    days = (SEPTEMBER_1 + dt.timedelta(days=i) for i in range(270))
    return {day for day in days if day.isoweekday() <= 5 and day not in off}


# --- people -------------------------------------------------------------------------------------


def _roster(people: PeopleMaker) -> dict[str, list[Child]]:
    """Children per class in alphabetical order, as a class list is kept."""
    roster: dict[str, list[Child]] = {}
    for name, grade, _teacher, count, _days, _bells in CLASSES:
        siblings = [Child(p, born, SIBLINGS_PARENTS) for c, p, born in SIBLINGS if c == name]
        for child in siblings:  # hand-written people must not be drawn again at random
            people.names.add(child.person.full)
            people.phones.update(g.phone for g in child.guardians)
        children = siblings + [
            people.child(grade, YEAR_START) for _ in range(count - len(siblings))
        ]
        roster[name] = sorted(children, key=lambda c: c.person.full)
    return roster


def _student(class_name: str, index: int, child: Child) -> StudentRow:
    p = child.person
    return StudentRow(
        ref=_ANY_REF,
        last_name=p.last,
        first_name=p.first,
        middle_name=p.middle,
        birth_date=child.birth_date,
        file_number=f"{class_name}-{index + 1:02d}",
        class_name=class_name,
        enrolled_on=SEPTEMBER_1,
        withdrawn_on=None,
    )


def _movement(students: list[StudentRow]) -> list[StudentRow]:
    """Movement the demo shows (SETUP-16): one 5Б student came two weeks late, one left in
    October and stays on the list with «Дата выбытия»."""
    of_5b = [
        i for i, s in enumerate(students) if s.class_name == "5Б" and s.last_name != "Сорокина"
    ]
    late, gone = of_5b[3], of_5b[-1]
    students[late] = dataclasses.replace(students[late], enrolled_on=dt.date(2026, 9, 14))
    students[gone] = dataclasses.replace(students[gone], withdrawn_on=dt.date(2026, 10, 16))
    return students


def _guardian(g: Guardian, child: Child, class_name: str) -> GuardianRow:
    p = g.person
    return GuardianRow(
        ref=_ANY_REF,
        last_name=p.last,
        first_name=p.first,
        middle_name=p.middle,
        phone=g.phone,
        email=g.email,
        child=child.person.full,
        child_class=class_name,
        relation=g.relation,
    )


def _groups(roster: dict[str, list[Child]]) -> list[GroupRow]:
    fifth_a = roster["5А"]
    half = len(fifth_a) // 2
    members: list[tuple[str, GroupKind, str | None, str, list[tuple[str, Child]]]] = [
        (
            ENGLISH_5A[0],
            GroupKind.SUBGROUP,
            "5А",
            "Английский язык",
            [("5А", c) for c in fifth_a[:half]],
        ),
        (
            ENGLISH_5A[1],
            GroupKind.SUBGROUP,
            "5А",
            "Английский язык",
            [("5А", c) for c in fifth_a[half:]],
        ),
        (
            STREAM,
            GroupKind.STREAM,
            None,
            "Физика",
            [("10А", c) for c in roster["10А"][1::3]] + [("11А", c) for c in roster["11А"][::3]],
        ),
        (
            CLUB,
            GroupKind.CLUB,
            None,
            "Информатика",
            [("5А", c) for c in fifth_a[2::6]] + [("5Б", c) for c in roster["5Б"][1::6]],
        ),
    ]
    return [
        GroupRow(
            ref=_ANY_REF,
            name=name,
            kind=kind,
            class_name=cls,
            subject=subject,
            student=child.person.full,
            student_class=child_class,
        )
        for name, kind, cls, subject, children in members
        for child_class, child in children
    ]


def iup_group(student: Person, suffix: str) -> str:
    initials = f"{student.first[0]}. {student.middle[0]}." if student.middle else ""
    return f"ИУП {student.last} {initials}, {suffix}"


def _plans(student: Person) -> list[IndividualPlanRow]:
    return [
        IndividualPlanRow(
            ref=_ANY_REF,
            student=student.full,
            student_class=IUP_CLASS,
            subject=subject,
            teacher=staff_name(teacher),
            hours_per_week=float(len(slots)),
            group_name=iup_group(student, suffix),
        )
        for subject, teacher, suffix, slots in IUP_PLAN
    ]


# --- teaching -----------------------------------------------------------------------------------


def _teachings() -> list[tuple[str, str, int, tuple[tuple[str, str], ...]]]:
    """(class, subject, hours, ((group, teacher), ...)): a lesson of a split subject is given to
    every subgroup at once."""
    return [
        (cls, subject, hours, SPLITS.get((cls, subject), ((cls, teacher),)))
        for cls, lessons in CURRICULUM.items()
        for subject, hours, teacher in lessons
    ]


def _loads() -> list[LoadRow]:
    loads = [
        LoadRow(
            ref=_ANY_REF,
            teacher=staff_name(teacher),
            subject=subject,
            group=group,
            hours_per_week=float(hours),
        )
        for _cls, subject, hours, groups in _teachings()
        for group, teacher in groups
    ]
    fixed = Counter((group, subject, teacher) for group, _d, _l, subject, teacher, _k in FIXED)
    loads += [
        LoadRow(
            ref=_ANY_REF,
            teacher=staff_name(teacher),
            subject=subject,
            group=group,
            hours_per_week=float(hours),
        )
        for (group, subject, teacher), hours in fixed.items()
    ]
    return loads


def _timetable(iup_student: Person) -> list[TimetableRow]:
    slots = _place_lessons()
    entries = [
        (group, day, number, subject, teacher, ActivityKind.MAIN)
        for (day, number, cls), (subject, groups) in slots.items()
        for group, teacher in groups
    ]
    entries += list(FIXED)
    entries += [
        (iup_group(iup_student, suffix), day, number, subject, teacher, ActivityKind.MAIN)
        for subject, teacher, suffix, days in IUP_PLAN
        for day, number in days
    ]
    order = [name for name, *_ in CLASSES]

    def key(e: tuple[str, int, int, str, str, ActivityKind]) -> tuple[int, str, int, int]:
        group = e[0]
        rank = next((i for i, c in enumerate(order) if group.startswith(c)), len(order))
        return rank, group, e[1], e[2]

    return [
        TimetableRow(
            ref=_ANY_REF,
            group=group,
            weekday=day,
            lesson_number=number,
            subject=subject,
            teacher=staff_name(teacher),
            room=room_of(teacher),
            kind=kind,
            valid_from=None,
            valid_to=None,
        )
        for group, day, number, subject, teacher, kind in sorted(entries, key=key)
    ]


def _place_lessons() -> dict[tuple[int, int, str], tuple[str, tuple[tuple[str, str], ...]]]:
    """Every class lesson of the week in a slot (weekday, number, class), with no teacher in two
    places at once and no subject twice a day in a class (five hours a week: once a day).

    A greedy pass slot by slot takes the most urgent subject (most hours left for the days left)
    whose teachers are free, breaking ties with a seeded generator; a pass that paints itself
    into a corner is retried. A few passes are enough for a school this size.
    """
    rng = random.Random(SEED)
    for _attempt in range(500):
        placed = _try_place(rng)
        if placed is not None:
            return placed
    raise RuntimeError("the demo curriculum does not fit its week; loosen CLASSES or CURRICULUM")


def _try_place(
    rng: random.Random,
) -> dict[tuple[int, int, str], tuple[str, tuple[tuple[str, str], ...]]] | None:
    busy = {(teacher, day, number) for _g, day, number, _s, teacher, _k in FIXED}
    busy |= {(teacher, day, number) for _s, teacher, _x, slots in IUP_PLAN for day, number in slots}
    left: dict[str, Counter[str]] = {cls: Counter() for cls in CURRICULUM}
    groups_of: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for cls, subject, hours, groups in _teachings():
        left[cls][subject] = hours
        groups_of[cls, subject] = groups
    days_of = {name: days for name, _g, _t, _c, days, _b in CLASSES}
    placed: dict[tuple[int, int, str], tuple[str, tuple[tuple[str, str], ...]]] = {}
    for day in range(1, 6):
        today: dict[str, set[str]] = {cls: set() for cls in CURRICULUM}
        for number in range(1, 8):
            for cls in CURRICULUM:
                if number > days_of[cls][day - 1]:
                    continue
                free = [
                    s
                    for s, n in left[cls].items()
                    if n > 0
                    and s not in today[cls]
                    and all((tch, day, number) not in busy for _g, tch in groups_of[cls, s])
                ]
                if not free:
                    return None
                # urgency: hours left beyond the days still to come after today
                best = max(free, key=lambda s: (left[cls][s] - (5 - day), rng.random()))
                left[cls][best] -= 1
                today[cls].add(best)
                busy |= {(tch, day, number) for _g, tch in groups_of[cls, best]}
                placed[day, number, cls] = (best, groups_of[cls, best])
        if any(n > 5 - day for counter in left.values() for n in counter.values()):
            return None
    return placed


def _topics() -> list[TopicRow]:
    return [
        TopicRow(
            ref=_ANY_REF,
            group=group,
            subject=subject,
            position=position,
            title=title,
            hours=2.0 if title in LONG_TOPICS else 1.0,
        )
        for (group, subject), titles in TOPICS.items()
        for position, title in enumerate(titles, start=1)
    ]


def _control_works(timetable: Sequence[TimetableRow]) -> list[ControlWorkRow]:
    """Each work on the first school day of its week that has the subject in the group's
    timetable, at that lesson."""
    grade = {name: g for name, g, *_ in CLASSES}
    works = []
    for group, subject, form, monday, topic in CONTROL_WORKS:
        days = school_days(grade[group], _holidays())
        lessons = sorted(
            (e.weekday, e.lesson_number)
            for e in timetable
            if e.group == group and e.subject == subject
        )
        day, number = next(
            (monday + dt.timedelta(days=weekday - 1), number)
            for weekday, number in lessons
            if monday + dt.timedelta(days=weekday - 1) in days
        )
        works.append(
            ControlWorkRow(
                ref=_ANY_REF,
                on_date=day,
                group=group,
                subject=subject,
                form=form,
                lesson_number=number,
                topic=topic,
            )
        )
    return works


def _numbered(rows: SchoolYearRows) -> SchoolYearRows:
    """Each record's ref is its row in the written workbook: the header is row 1."""
    for sheet in SHEETS:
        records: list[Any] = getattr(rows, sheet.attr)
        records[:] = [
            dataclasses.replace(r, ref=RowRef(sheet.name, i)) for i, r in enumerate(records, 2)
        ]
    return rows
