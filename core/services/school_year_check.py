"""Checking a whole school year as read from a workbook, before anything is written.

The workbook describes the year completely, so every reference is resolved inside it. The result
is either a list of problems (sheet, row, field, Russian reason) or a resolved ``Catalogue`` that
the importer applies. ``Problem.column`` holds the record's field name here; documents/ turns it
into the sheet's Russian header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from core.model.groups import GroupKind
from core.model.school import Holiday, StudyPeriod
from core.model.timetable import TimetableEntry
from core.rules import school_year as rules
from core.rules.names import NameIndex, normalize, normalize_class_name, parse_class_name
from core.services import school_year_texts as txt
from core.services.school_year_rows import (
    SHEET_ORDER,
    ClassRow,
    GroupRow,
    IndividualPlanRow,
    Problem,
    RowRef,
    SchoolYearRows,
    StaffRow,
    StudentRow,
    TimetableRow,
)

R = TypeVar("R")


def student_key(row: StudentRow) -> str:
    """How a student is recognised again on re-import: the file number, else name and birth."""
    if row.file_number:
        return f"file:{normalize(row.file_number)}"
    born = row.birth_date.isoformat() if row.birth_date else "?"
    return f"name:{normalize(_full(row.last_name, row.first_name, row.middle_name))}:{born}"


def staff_key(row: StaffRow) -> str:
    return normalize(_full(row.last_name, row.first_name, row.middle_name))


def _full(last: str, first: str, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def group_key_of_class(class_name: str) -> str:
    return f"class:{normalize_class_name(class_name)}"


def group_key_of_name(name: str) -> str:
    return f"group:{normalize(name)}"


@dataclass
class GroupSpec:
    key: str
    name: str
    kind: GroupKind
    class_key: str | None  # normalized class name
    subject_key: str | None
    ref: RowRef
    members: dict[str, RowRef] = field(default_factory=dict)  # student key → row


@dataclass
class Catalogue:
    """The workbook with every name resolved to a key; what the importer applies."""

    year_name: str
    year_start: dt.date
    year_end: dt.date
    rows: SchoolYearRows
    staff: dict[str, StaffRow] = field(default_factory=dict)
    classes: dict[str, ClassRow] = field(default_factory=dict)  # normalized class name → row
    class_grade: dict[str, int] = field(default_factory=dict)
    class_teacher: dict[str, str | None] = field(default_factory=dict)  # class → staff key
    students: dict[str, StudentRow] = field(default_factory=dict)
    student_class: dict[str, str] = field(default_factory=dict)  # student key → class
    groups: dict[str, GroupSpec] = field(default_factory=dict)
    student_index: dict[str, NameIndex[str]] = field(default_factory=dict)  # per class
    # per row of the referencing sheets, the resolved keys, by id() of the row record
    resolved: dict[int, dict[str, str | None]] = field(default_factory=dict)

    def ref(self, row: object, name: str) -> str:
        value = self.resolved[id(row)][name]
        assert value is not None
        return value

    def optional_ref(self, row: object, name: str) -> str | None:
        return self.resolved[id(row)].get(name)


class _Checker:
    def __init__(self, rows: SchoolYearRows) -> None:
        self.rows = rows
        self.problems: list[Problem] = list(rows.problems)
        self.resolved: dict[int, dict[str, str | None]] = {}

    def problem(self, ref: RowRef, column: str | None, reason: str) -> None:
        self.problems.append(Problem(ref.sheet, ref.row, column, reason))

    def unique(
        self, items: Iterable[R], key: Callable[[R], str], what: str, column: str
    ) -> dict[str, R]:
        seen: dict[str, R] = {}
        for item in items:
            k = key(item)
            ref: RowRef = item.ref  # type: ignore[attr-defined]
            if k in seen:
                first: RowRef = seen[k].ref  # type: ignore[attr-defined]
                self.problem(ref, column, txt.DUPLICATE.format(what=what, row=first.row))
            else:
                seen[k] = item
        return seen

    def resolve(self, row: object, name: str, value: str | None) -> None:
        self.resolved.setdefault(id(row), {})[name] = value

    def dates(self, ref: RowRef, start: dt.date, end: dt.date, column: str) -> bool:
        if end < start:
            self.problem(ref, column, txt.DATES_REVERSED.format(start=_d(start), end=_d(end)))
            return False
        return True

    def grades(self, ref: RowRef, grade_from: int, grade_to: int) -> bool:
        if not (1 <= grade_from <= grade_to <= 11):
            self.problem(
                ref, "grade_from", txt.GRADES_BAD.format(grade_from=grade_from, grade_to=grade_to)
            )
            return False
        return True


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def parse_year_name(name: str) -> tuple[dt.date, dt.date] | None:
    """«2026/2027» → 1 September 2026 .. 31 August 2027."""
    parts = name.replace(" ", "").replace("-", "/").split("/")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    first, second = int(parts[0]), int(parts[1])
    if second != first + 1:
        return None
    return dt.date(first, 9, 1), dt.date(second, 8, 31)


def check_school_year(rows: SchoolYearRows) -> tuple[Catalogue | None, list[Problem]]:
    """Every problem of the workbook at once; a catalogue only when there are none."""
    c = _Checker(rows)
    year = _check_year(c)
    if year is None:
        return None, _sorted(c.problems)
    cat = Catalogue(year_name=year[0], year_start=year[1], year_end=year[2], rows=rows)
    _check_calendar(c, cat)
    subjects = c.unique(rows.subjects, lambda r: normalize(r.name), txt.WHAT_SUBJECT_DUP, "name")
    rooms = c.unique(rows.rooms, lambda r: normalize(r.name), txt.WHAT_ROOM_DUP, "name")
    cat.staff = c.unique(rows.staff, staff_key, txt.WHAT_STAFF, "last_name")
    teachers = NameIndex[StaffRow]()
    for staff in cat.staff.values():
        teachers.add(staff, staff.last_name, staff.first_name, staff.middle_name)
    bells = _check_bells(c)
    _check_classes(c, cat, teachers, set(bells))
    _check_students(c, cat)
    _check_guardians(c, cat)
    _check_groups(c, cat, subjects)
    _check_individual_plans(c, cat, subjects, teachers)

    def subject_of(row: object, value: str, column: str = "subject") -> None:
        ref: RowRef = row.ref  # type: ignore[attr-defined]
        key = normalize(value)
        if key not in subjects:
            c.problem(ref, column, txt.UNKNOWN.format(what=txt.WHAT_SUBJECT, name=value))
        c.resolve(row, "subject", key if key in subjects else None)

    def teacher_of(row: object, value: str) -> None:
        c.resolve(row, "teacher", _lookup_teacher(c, teachers, row, value))

    def group_of(row: object, value: str) -> None:
        c.resolve(row, "group", _lookup_group(c, cat, row, value))

    for load in rows.loads:
        teacher_of(load, load.teacher)
        subject_of(load, load.subject)
        group_of(load, load.group)
        if load.hours_per_week <= 0:
            c.problem(load.ref, "hours_per_week", txt.HOURS_BAD.format(hours=load.hours_per_week))
    c.unique(
        (r for r in rows.loads if None not in c.resolved[id(r)].values()),
        lambda r: "|".join(str(v) for v in c.resolved[id(r)].values()),
        txt.WHAT_LOAD,
        "teacher",
    )
    for entry in rows.timetable:
        teacher_of(entry, entry.teacher)
        subject_of(entry, entry.subject)
        group_of(entry, entry.group)
        room = normalize(entry.room) if entry.room else None
        if room is not None and room not in rooms:
            c.problem(entry.ref, "room", txt.UNKNOWN.format(what=txt.WHAT_ROOM, name=entry.room))
            room = None
        c.resolve(entry, "room", room)
        start = entry.valid_from or cat.year_start
        end = entry.valid_to or cat.year_end
        if c.dates(entry.ref, start, end, "valid_to"):
            _within_year(c, cat, entry.ref, "valid_from", start, end)
    _check_timetable_slots(c, cat, bells)
    for topic in rows.topics:
        subject_of(topic, topic.subject)
        group_of(topic, topic.group)
    c.unique(
        (r for r in rows.topics if None not in c.resolved[id(r)].values()),
        lambda r: f"{c.resolved[id(r)]['group']}|{c.resolved[id(r)]['subject']}|{r.position}",
        txt.WHAT_TOPIC,
        "position",
    )
    for work in rows.control_works:
        subject_of(work, work.subject)
        group_of(work, work.group)
        _within_year(c, cat, work.ref, "on_date", work.on_date, work.on_date)
    c.unique(
        (r for r in rows.control_works if None not in c.resolved[id(r)].values()),
        lambda r: f"{c.resolved[id(r)]['group']}|{c.resolved[id(r)]['subject']}|{r.on_date}",
        txt.WHAT_CONTROL,
        "on_date",
    )
    cat.resolved = c.resolved
    if c.problems:
        return None, _sorted(c.problems)
    return cat, []


def _sorted(problems: list[Problem]) -> list[Problem]:
    def order(p: Problem) -> tuple[int, int, str]:
        sheet = SHEET_ORDER.index(p.sheet) if p.sheet in SHEET_ORDER else len(SHEET_ORDER)
        return (sheet, p.row or 0, p.column or "")

    return sorted(problems, key=order)


def _check_year(c: _Checker) -> tuple[str, dt.date, dt.date] | None:
    names: dict[str, RowRef] = {}
    for period in c.rows.periods:
        names.setdefault(period.year_name.strip(), period.ref)
    if not names:
        if not any(p.sheet == SHEET_ORDER[0] for p in c.problems):
            c.problems.append(Problem(SHEET_ORDER[0], None, None, txt.NO_PERIODS))
        return None
    (name, ref), *others = names.items()
    for other, other_ref in others:
        c.problem(other_ref, "year_name", txt.ONE_YEAR_ONLY.format(name=other))
    bounds = parse_year_name(name)
    if bounds is None:
        c.problem(ref, "year_name", txt.BAD_YEAR.format(name=name))
        return None
    return name, bounds[0], bounds[1]


def _within_year(
    c: _Checker, cat: Catalogue, ref: RowRef, column: str, start: dt.date, end: dt.date
) -> bool:
    for day in (start, end):
        if not (cat.year_start <= day <= cat.year_end):
            c.problem(
                ref,
                column,
                txt.OUTSIDE_YEAR.format(
                    day=_d(day), year=cat.year_name, start=_d(cat.year_start), end=_d(cat.year_end)
                ),
            )
            return False
    return True


def _check_calendar(c: _Checker, cat: Catalogue) -> None:
    periods: list[StudyPeriod] = []
    period_ref: dict[int, RowRef] = {}
    for row in c.rows.periods:
        ok = c.dates(row.ref, row.starts_on, row.ends_on, "ends_on")
        ok = c.grades(row.ref, row.grade_from, row.grade_to) and ok
        ok = ok and _within_year(c, cat, row.ref, "starts_on", row.starts_on, row.ends_on)
        if ok:
            period = StudyPeriod(
                school_id=0,
                year_id=0,
                kind=row.kind,
                number=row.number,
                grade_from=row.grade_from,
                grade_to=row.grade_to,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
            )
            periods.append(period)
            period_ref[id(period)] = row.ref
    c.unique(
        c.rows.periods,
        lambda r: f"{r.kind}|{r.number}|{r.grade_from}|{r.grade_to}",
        txt.WHAT_PERIOD,
        "number",
    )
    for first, second in rules.overlapping_periods(periods):
        a, b = sorted((period_ref[id(first)], period_ref[id(second)]))
        c.problem(b, "starts_on", txt.PERIOD_OVERLAP.format(row=a.row))
    holidays: list[Holiday] = []
    holiday_ref: dict[int, RowRef] = {}
    for hrow in c.rows.holidays:
        if c.dates(hrow.ref, hrow.starts_on, hrow.ends_on, "ends_on") and c.grades(
            hrow.ref, hrow.grade_from, hrow.grade_to
        ):
            holiday = Holiday(
                school_id=0,
                year_id=0,
                kind=hrow.kind,
                name=hrow.name,
                starts_on=hrow.starts_on,
                ends_on=hrow.ends_on,
                grade_from=hrow.grade_from,
                grade_to=hrow.grade_to,
            )
            holidays.append(holiday)
            holiday_ref[id(holiday)] = hrow.ref
    c.unique(
        c.rows.holidays,
        lambda r: f"{r.kind}|{normalize(r.name)}|{r.grade_from}|{r.grade_to}",
        txt.WHAT_HOLIDAY,
        "name",
    )
    for holiday, period in rules.holiday_inside_period(holidays, periods):
        c.problem(
            holiday_ref[id(holiday)],
            "starts_on",
            txt.HOLIDAY_IN_PERIOD.format(row=period_ref[id(period)].row),
        )


def _check_bells(c: _Checker) -> dict[str, set[int]]:
    c.unique(
        c.rows.bells,
        lambda r: f"{normalize(r.schedule)}|{r.lesson_number}",
        txt.WHAT_BELL,
        "lesson_number",
    )
    schedules: dict[str, set[int]] = {}
    for bell in c.rows.bells:
        if bell.ends_at <= bell.starts_at:
            c.problem(
                bell.ref,
                "ends_at",
                txt.BELL_TIMES.format(
                    start=bell.starts_at.strftime("%H:%M"), end=bell.ends_at.strftime("%H:%M")
                ),
            )
        schedules.setdefault(normalize(bell.schedule), set()).add(bell.lesson_number)
    return schedules


def _check_classes(
    c: _Checker, cat: Catalogue, teachers: NameIndex[StaffRow], schedules: set[str]
) -> None:
    for row in c.rows.classes:
        try:
            grade, _letter = parse_class_name(row.name)
        except ValueError as error:
            c.problem(row.ref, "name", str(error))
            continue
        key = normalize_class_name(row.name)
        if key in cat.classes:
            first = cat.classes[key].ref.row
            c.problem(row.ref, "name", txt.DUPLICATE.format(what=txt.WHAT_CLASS_DUP, row=first))
            continue
        cat.classes[key] = row
        cat.class_grade[key] = grade
        cat.class_teacher[key] = (
            _lookup_teacher(c, teachers, row, row.class_teacher, "class_teacher")
            if row.class_teacher
            else None
        )
        if row.days_per_week not in (5, 6):
            c.problem(row.ref, "days_per_week", txt.DAYS_BAD.format(days=row.days_per_week))
        if row.shift not in (1, 2):
            c.problem(row.ref, "shift", txt.SHIFT_BAD.format(shift=row.shift))
        if row.bell_schedule and normalize(row.bell_schedule) not in schedules:
            c.problem(
                row.ref,
                "bell_schedule",
                txt.UNKNOWN.format(what=txt.WHAT_SCHEDULE, name=row.bell_schedule),
            )


def _class_key(c: _Checker, cat: Catalogue, ref: RowRef, column: str, name: str) -> str | None:
    try:
        key = normalize_class_name(name)
    except ValueError:
        key = name
    if key not in cat.classes:
        c.problem(ref, column, txt.UNKNOWN.format(what=txt.WHAT_CLASS, name=name))
        return None
    return key


def _check_students(c: _Checker, cat: Catalogue) -> None:
    cat.students = c.unique(c.rows.students, student_key, txt.WHAT_STUDENT_DUP, "last_name")
    by_file: dict[str, StudentRow] = {}
    for row in c.rows.students:
        class_key = _class_key(c, cat, row.ref, "class_name", row.class_name)
        if class_key is not None and cat.students.get(student_key(row)) is row:
            cat.student_class[student_key(row)] = class_key
        # the same person twice under two file numbers is still a duplicate
        if row.file_number and row.birth_date:
            name = normalize(_full(row.last_name, row.first_name, row.middle_name))
            person = f"{name}:{row.birth_date}"
            first = by_file.setdefault(person, row)
            if first is not row and student_key(first) != student_key(row):
                c.problem(
                    row.ref,
                    "last_name",
                    txt.DUPLICATE.format(what=txt.WHAT_STUDENT_DUP, row=first.ref.row),
                )
                cat.students.pop(student_key(row), None)
                cat.student_class.pop(student_key(row), None)
        if row.enrolled_on and row.withdrawn_on and row.withdrawn_on < row.enrolled_on:
            c.problem(
                row.ref,
                "withdrawn_on",
                txt.WITHDRAWN_BEFORE_ENROLLED.format(
                    start=_d(row.enrolled_on), end=_d(row.withdrawn_on)
                ),
            )
    cat.student_index = _student_index(cat)


def _student_index(cat: Catalogue) -> dict[str, NameIndex[str]]:
    """Per class, the students' names → their keys."""
    index: dict[str, NameIndex[str]] = {}
    for key, row in cat.students.items():
        class_key = cat.student_class.get(key)
        if class_key is None:
            continue
        index.setdefault(class_key, NameIndex[str]()).add(
            key, row.last_name, row.first_name, row.middle_name
        )
    return index


def _lookup_student(
    c: _Checker, cat: Catalogue, row: object, name: str, class_name: str, column: str
) -> str | None:
    ref: RowRef = row.ref  # type: ignore[attr-defined]
    class_key = _class_key(c, cat, ref, column, class_name)
    if class_key is None:
        return None
    index = cat.student_index
    found = index[class_key].lookup(name) if class_key in index else []
    if not found:
        c.problem(ref, column, txt.STUDENT_NOT_IN_CLASS.format(name=name, class_name=class_name))
        return None
    if len(found) > 1:
        c.problem(ref, column, txt.AMBIGUOUS.format(name=name, count=len(found)))
        return None
    return found[0]


def _lookup_teacher(
    c: _Checker, teachers: NameIndex[StaffRow], row: object, name: str, column: str = "teacher"
) -> str | None:
    ref: RowRef = row.ref  # type: ignore[attr-defined]
    found = teachers.lookup(name)
    if not found:
        c.problem(ref, column, txt.UNKNOWN.format(what=txt.WHAT_TEACHER, name=name))
        return None
    if len(found) > 1:
        c.problem(ref, column, txt.AMBIGUOUS.format(name=name, count=len(found)))
        return None
    return staff_key(found[0])


def _lookup_group(c: _Checker, cat: Catalogue, row: object, name: str) -> str | None:
    ref: RowRef = row.ref  # type: ignore[attr-defined]
    key = group_key_of_name(name)
    if key in cat.groups:
        return key
    try:
        class_key = normalize_class_name(name)
    except ValueError:
        class_key = None
    if class_key is not None and class_key in cat.classes:
        return group_key_of_class(class_key)
    c.problem(ref, "group", txt.UNKNOWN.format(what=txt.WHAT_GROUP, name=name))
    return None


def _check_guardians(c: _Checker, cat: Catalogue) -> None:
    links: dict[str, RowRef] = {}
    for row in c.rows.guardians:
        child = _lookup_student(c, cat, row, row.child, row.child_class, "child")
        c.resolve(row, "child", child)
        if child is None:
            continue
        link = f"{guardian_key(row.last_name, row.first_name, row.middle_name, row.phone)}|{child}"
        if link in links:
            c.problem(
                row.ref, "child", txt.DUPLICATE.format(what=txt.WHAT_LINK, row=links[link].row)
            )
        links.setdefault(link, row.ref)


def guardian_key(last: str, first: str, middle: str | None, phone: str | None) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())[-10:]
    return f"{normalize(_full(last, first, middle))}|{digits}"


def _check_groups(c: _Checker, cat: Catalogue, subjects: Mapping[str, object]) -> None:
    for class_key, class_row in cat.classes.items():
        gkey = group_key_of_class(class_key)
        cat.groups[gkey] = GroupSpec(
            gkey,
            normalize_class_name(class_row.name),
            GroupKind.WHOLE_CLASS,
            class_key,
            None,
            class_row.ref,
        )
    for key, class_key in cat.student_class.items():
        cat.groups[group_key_of_class(class_key)].members[key] = cat.students[key].ref
    for row in c.rows.groups:
        spec = _group_spec(c, cat, row, subjects)
        if spec is None or row.student is None:
            continue
        student = _lookup_student(c, cat, row, row.student, row.student_class or "", "student")
        if student is None:
            continue
        if student in spec.members:
            c.problem(row.ref, "student", txt.MEMBER_TWICE.format(row=spec.members[student].row))
        spec.members.setdefault(student, row.ref)


def _group_spec(
    c: _Checker, cat: Catalogue, row: GroupRow, subjects: Mapping[str, object]
) -> GroupSpec | None:
    key = group_key_of_name(row.name)
    try:
        clash = normalize_class_name(row.name) in cat.classes
    except ValueError:
        clash = False
    if clash:
        c.problem(row.ref, "name", txt.GROUP_NAME_IS_CLASS.format(name=row.name))
        return None
    class_key = None
    if row.class_name:
        class_key = _class_key(c, cat, row.ref, "class_name", row.class_name)
    elif row.kind is GroupKind.SUBGROUP:
        c.problem(row.ref, "class_name", txt.SUBGROUP_NEEDS_CLASS)
    subject_key = normalize(row.subject) if row.subject else None
    if subject_key is not None and subject_key not in subjects:
        c.problem(row.ref, "subject", txt.UNKNOWN.format(what=txt.WHAT_SUBJECT, name=row.subject))
    existing = cat.groups.get(key)
    if existing is None:
        spec = GroupSpec(key, row.name.strip(), row.kind, class_key, subject_key, row.ref)
        cat.groups[key] = spec
        return spec
    if (existing.kind, existing.class_key, existing.subject_key) != (
        row.kind,
        class_key,
        subject_key,
    ):
        c.problem(
            row.ref, "kind", txt.GROUP_KIND_MISMATCH.format(name=row.name, row=existing.ref.row)
        )
        return None
    return existing


def iup_group_name(row: IndividualPlanRow) -> str:
    return row.group_name or txt.IUP_GROUP_NAME.format(student=row.student, subject=row.subject)


def _check_individual_plans(
    c: _Checker, cat: Catalogue, subjects: Mapping[str, object], teachers: NameIndex[StaffRow]
) -> None:
    for row in c.rows.individual_plans:
        student = _lookup_student(c, cat, row, row.student, row.student_class, "student")
        teacher = _lookup_teacher(c, teachers, row, row.teacher)
        subject = normalize(row.subject)
        if subject not in subjects:
            c.problem(
                row.ref, "subject", txt.UNKNOWN.format(what=txt.WHAT_SUBJECT, name=row.subject)
            )
        if row.hours_per_week <= 0:
            c.problem(row.ref, "hours_per_week", txt.HOURS_BAD.format(hours=row.hours_per_week))
        name = iup_group_name(row)
        key = group_key_of_name(name)
        if key in cat.groups:
            c.problem(
                row.ref,
                "group_name",
                txt.DUPLICATE.format(what=txt.WHAT_IUP_GROUP, row=cat.groups[key].ref.row),
            )
            continue
        spec = GroupSpec(
            key, name, GroupKind.INDIVIDUAL, cat.student_class.get(student or ""), subject, row.ref
        )
        if student is not None:
            spec.members[student] = row.ref
        cat.groups[key] = spec
        c.resolve(row, "student", student)
        c.resolve(row, "teacher", teacher)
        c.resolve(row, "group", key)


def _check_timetable_slots(c: _Checker, cat: Catalogue, bells: dict[str, set[int]]) -> None:
    entries: list[TimetableEntry] = []
    ref_of: dict[int, RowRef] = {}
    row_of: dict[int, TimetableRow] = {}
    group_ids: dict[str, int] = {key: i for i, key in enumerate(cat.groups)}
    teacher_ids: dict[str, int] = {key: i for i, key in enumerate(cat.staff)}
    room_ids: dict[str, int] = {}
    shift_of_group: dict[int, int] = {}
    bells_of_group: dict[int, set[int]] = {}
    default_schedule = next(iter(bells), None)
    for key, spec in cat.groups.items():
        class_row = cat.classes.get(spec.class_key or "")
        if class_row is None and spec.members:
            # a stream lives in the regime of its members' class
            first_member = next(iter(spec.members))
            class_row = cat.classes.get(cat.student_class.get(first_member, ""))
        shift_of_group[group_ids[key]] = class_row.shift if class_row else 1
        schedule = (
            normalize(class_row.bell_schedule)
            if class_row and class_row.bell_schedule
            else default_schedule
        )
        bells_of_group[group_ids[key]] = bells.get(schedule or "", set())
    for row in c.rows.timetable:
        keys = c.resolved[id(row)]
        if keys["group"] is None or keys["teacher"] is None or keys["subject"] is None:
            continue
        room = keys.get("room")
        entry = TimetableEntry(
            id=len(entries) + 1,
            school_id=0,
            year_id=0,
            group_id=group_ids[keys["group"]],
            weekday=row.weekday,
            lesson_number=row.lesson_number,
            subject_id=0,
            teacher_id=teacher_ids[keys["teacher"]],
            room_id=room_ids.setdefault(room, len(room_ids) + 1) if room else None,
            valid_from=row.valid_from or cat.year_start,
            valid_to=row.valid_to or cat.year_end,
            kind=row.kind,
        )
        entries.append(entry)
        ref_of[id(entry)] = row.ref
        row_of[id(entry)] = row
    schedule_name = {i: key for key, i in group_ids.items()}
    for entry in rules.lessons_outside_bells(entries, bells_of_group):
        numbers = sorted(bells_of_group[entry.group_id])
        spec = cat.groups[schedule_name[entry.group_id]]
        class_row = cat.classes.get(spec.class_key or "")
        c.problem(
            ref_of[id(entry)],
            "lesson_number",
            txt.NO_BELL.format(
                number=entry.lesson_number,
                schedule=(
                    class_row.bell_schedule
                    if class_row and class_row.bell_schedule
                    else default_schedule
                )
                or "—",
                numbers=", ".join(map(str, numbers)) or "—",
            ),
        )

    def report(
        pairs: Sequence[tuple[TimetableEntry, TimetableEntry]],
        column: str,
        text: Callable[[TimetableEntry, RowRef], str],
    ) -> None:
        for first, second in pairs:
            a, b = sorted((ref_of[id(first)], ref_of[id(second)]))
            later = first if ref_of[id(first)] == b else second
            c.problem(b, column, text(later, a))

    report(
        rules.teacher_double_bookings(entries, shift_of_group),
        "teacher",
        lambda e, a: txt.TEACHER_BUSY.format(
            teacher=row_of[id(e)].teacher,
            row=a.row,
            weekday=txt.WEEKDAYS.get(e.weekday, str(e.weekday)),
            number=e.lesson_number,
        ),
    )
    report(
        rules.room_double_bookings(entries, shift_of_group),
        "room",
        lambda e, a: txt.ROOM_BUSY.format(
            room=row_of[id(e)].room,
            row=a.row,
            weekday=txt.WEEKDAYS.get(e.weekday, str(e.weekday)),
            number=e.lesson_number,
        ),
    )
    report(
        rules.group_double_bookings(entries),
        "group",
        lambda e, a: txt.GROUP_BUSY.format(group=row_of[id(e)].group, row=a.row),
    )
