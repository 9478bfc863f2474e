"""The demo school checks out by itself: every name it uses exists, nobody is in two places at
once, the lessons fit the bells, and core's own check of a school year finds nothing."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from core.model.groups import GroupKind
from core.model.people import StaffRole
from core.model.school import PeriodKind
from core.services.school_year_check import check_school_year
from core.services.school_year_rows import SchoolYearRows
from documents.demo_school import demo_rows, school_days


@pytest.fixture(scope="module")
def demo() -> SchoolYearRows:
    return demo_rows()


def full(last: str, first: str, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def group_names(demo: SchoolYearRows) -> set[str]:
    return (
        {c.name for c in demo.classes}
        | {g.name for g in demo.groups}
        | {p.group_name for p in demo.individual_plans if p.group_name}
    )


def test_is_deterministic(demo: SchoolYearRows) -> None:
    assert demo_rows() == demo


def test_size_and_shape(demo: SchoolYearRows) -> None:
    assert [c.name for c in demo.classes] == ["1А", "5А", "5Б", "9А", "10А", "11А"]
    per_class = Counter(s.class_name for s in demo.students)
    assert all(12 <= n <= 25 for n in per_class.values()), per_class
    assert 12 <= len(demo.subjects) <= 25 and 13 <= len(demo.staff) <= 20
    assert demo.problems == []
    assert {p.year_name for p in demo.periods} == {"2026/2027"}
    kinds = {(p.kind, p.grade_from, p.grade_to) for p in demo.periods}
    assert kinds == {
        (PeriodKind.QUARTER, 1, 9),
        (PeriodKind.YEAR, 1, 9),
        (PeriodKind.HALF_YEAR, 10, 11),
        (PeriodKind.YEAR, 10, 11),
    }
    roles = {role for s in demo.staff for role in s.roles}
    assert roles == set(StaffRole)
    dispatcher = next(s for s in demo.staff if StaffRole.DISPATCHER in s.roles)
    assert StaffRole.TEACHER in dispatcher.roles
    assert all(c.class_teacher for c in demo.classes)


def test_unique_names_and_plausible_birth_dates(demo: SchoolYearRows) -> None:
    names = [full(s.last_name, s.first_name, s.middle_name) for s in demo.students]
    assert len(set(names)) == len(names)
    assert all(s.middle_name for s in demo.students)
    grade = {"1А": 1, "5А": 5, "5Б": 5, "9А": 9, "10А": 10, "11А": 11}
    for student in demo.students:
        assert student.birth_date is not None
        assert student.birth_date.year == 2026 - 6 - grade[student.class_name], student


def test_every_reference_exists(demo: SchoolYearRows) -> None:
    staff = {full(s.last_name, s.first_name, s.middle_name) for s in demo.staff}
    subjects = {s.name for s in demo.subjects}
    rooms = {r.name for r in demo.rooms}
    classes = {c.name for c in demo.classes}
    groups = group_names(demo)
    bells = {b.schedule for b in demo.bells}
    students = {
        (full(s.last_name, s.first_name, s.middle_name), s.class_name) for s in demo.students
    }
    assert {c.class_teacher for c in demo.classes} <= staff
    assert {c.bell_schedule for c in demo.classes} <= bells
    assert {s.class_name for s in demo.students} <= classes
    assert {(g.child, g.child_class) for g in demo.guardians} <= students
    for g in demo.groups:
        assert (g.student, g.student_class) in students
        assert g.subject in subjects and (g.class_name is None or g.class_name in classes)
    for p in demo.individual_plans:
        assert (p.student, p.student_class) in students
        assert p.teacher in staff and p.subject in subjects
    used = [(r.teacher, r.subject, r.group) for r in demo.loads]
    used += [(r.teacher, r.subject, r.group) for r in demo.timetable]
    for teacher, subject, group in used:
        assert teacher in staff and subject in subjects and group in groups
    assert {e.room for e in demo.timetable} <= rooms
    planned = [(r.subject, r.group) for r in demo.topics]
    planned += [(r.subject, r.group) for r in demo.control_works]
    for subject, group in planned:
        assert subject in subjects and group in groups


def test_nobody_is_booked_twice(demo: SchoolYearRows) -> None:
    for what in ("teacher", "room", "group"):
        slots = Counter((getattr(e, what), e.weekday, e.lesson_number) for e in demo.timetable)
        assert [slot for slot, n in slots.items() if n > 1] == [], what


def test_no_student_has_two_lessons_at_once(demo: SchoolYearRows) -> None:
    groups_of: dict[str, set[str]] = defaultdict(set)
    for s in demo.students:
        groups_of[full(s.last_name, s.first_name, s.middle_name)].add(s.class_name)
    for g in demo.groups:
        assert g.student is not None
        groups_of[g.student].add(g.name)
    for p in demo.individual_plans:
        assert p.group_name is not None
        groups_of[p.student].add(p.group_name)
    lessons: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e in demo.timetable:
        lessons[e.group].append((e.weekday, e.lesson_number))
    for student, groups in groups_of.items():
        slots = [slot for group in groups for slot in lessons[group]]
        assert len(slots) == len(set(slots)), student


def test_every_lesson_has_a_bell(demo: SchoolYearRows) -> None:
    numbers: dict[str, set[int]] = defaultdict(set)
    for bell in demo.bells:
        numbers[bell.schedule].add(bell.lesson_number)
    assert len(numbers["Основное"]) == 7
    schedule_of = {c.name: c.bell_schedule for c in demo.classes}
    schedule_of |= {g.name: schedule_of.get(g.class_name or "", "Основное") for g in demo.groups}
    for entry in demo.timetable:
        schedule = schedule_of.get(entry.group, "Основное")
        assert schedule is not None and entry.lesson_number in numbers[schedule], entry
    assert {e.weekday for e in demo.timetable} == {1, 2, 3, 4, 5}
    assert all(e.valid_from is None and e.valid_to is None for e in demo.timetable)


def test_load_matches_the_timetable(demo: SchoolYearRows) -> None:
    planned = Counter[tuple[str, str, str]]()
    for load in demo.loads:
        planned[load.teacher, load.subject, load.group] += int(load.hours_per_week)
    for plan in demo.individual_plans:
        assert plan.group_name is not None
        planned[plan.teacher, plan.subject, plan.group_name] += int(plan.hours_per_week)
    given = Counter((e.teacher, e.subject, e.group) for e in demo.timetable)
    assert given == planned


def test_family_with_two_children_in_different_classes(demo: SchoolYearRows) -> None:
    children: dict[tuple[str, str | None], set[tuple[str, str]]] = defaultdict(set)
    for g in demo.guardians:
        children[full(g.last_name, g.first_name, g.middle_name), g.phone].add(
            (g.child, g.child_class)
        )
    families = [kids for kids in children.values() if len(kids) > 1]
    assert families and all(len({cls for _, cls in kids}) == 2 for kids in families)
    per_child = Counter((g.child, g.child_class) for g in demo.guardians)
    assert len(per_child) == len(demo.students)
    assert set(per_child.values()) <= {1, 2}


def test_english_split_in_5a(demo: SchoolYearRows) -> None:
    fifth_a = {
        full(s.last_name, s.first_name, s.middle_name)
        for s in demo.students
        if s.class_name == "5А"
    }
    english = [g for g in demo.groups if g.kind is GroupKind.SUBGROUP]
    assert {g.name for g in english} == {"5А англ. 1", "5А англ. 2"}
    members = Counter(g.student for g in english)
    assert set(members) == fifth_a and set(members.values()) == {1}


def test_stream_across_10a_and_11a(demo: SchoolYearRows) -> None:
    stream = [g for g in demo.groups if g.kind is GroupKind.STREAM]
    assert {g.student_class for g in stream} == {"10А", "11А"}
    assert all(g.class_name is None for g in stream)


def test_individual_plan(demo: SchoolYearRows) -> None:
    plans = demo.individual_plans
    assert len({p.student for p in plans}) == 1 and 2 <= len(plans) <= 3
    assert len({p.group_name for p in plans}) == len(plans)


def test_withdrawn_student_is_kept_and_in_no_group(demo: SchoolYearRows) -> None:
    gone = [s for s in demo.students if s.withdrawn_on is not None]
    assert len(gone) == 1
    name = full(gone[0].last_name, gone[0].first_name, gone[0].middle_name)
    assert name not in {g.student for g in demo.groups}


def test_control_works_in_the_first_quarter_on_lesson_days(demo: SchoolYearRows) -> None:
    first_quarter = next(p for p in demo.periods if p.kind is PeriodKind.QUARTER and p.number == 1)
    grade = {"5А": 5, "5Б": 5, "9А": 9, "10А": 10, "11А": 11}
    assert len(demo.control_works) >= 3
    for work in demo.control_works:
        assert first_quarter.starts_on <= work.on_date <= first_quarter.ends_on
        assert work.on_date in school_days(grade[work.group], demo.holidays)
        assert any(
            e.group == work.group
            and e.subject == work.subject
            and e.weekday == work.on_date.isoweekday()
            and e.lesson_number == work.lesson_number
            for e in demo.timetable
        ), work


def test_quarters_end_before_seasonal_holidays(demo: SchoolYearRows) -> None:
    quarters = [p for p in demo.periods if p.kind is PeriodKind.QUARTER]
    for holiday in demo.holidays:
        if holiday.kind in ("autumn", "winter", "spring", "summer"):
            for q in quarters:
                assert holiday.ends_on < q.starts_on or q.ends_on < holiday.starts_on


def test_thematic_plans(demo: SchoolYearRows) -> None:
    plans = Counter((t.group, t.subject) for t in demo.topics)
    assert len(plans) >= 3 and all(n >= 10 for n in plans.values())


def test_core_check_finds_no_problem(demo: SchoolYearRows) -> None:
    catalogue, problems = check_school_year(demo)
    assert problems == [] and catalogue is not None
