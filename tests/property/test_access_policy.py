"""The access policy against an oracle written from DESIGN.md («Domain choices») and SEC-1/SEC-2,
for random deployments of several schools: random staff with random roles and led classes,
guardians of random children, students, lessons with substitutes and period locks.

Each property composes the pure rules the way the use cases do (``same_school`` first, then the
rule), since that composition is what a user meets. The oracle below restates the rules in its
own words and never calls core.rules."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from core.model.identity import Actor, PersonKind, Role
from core.model.journal import Lesson, PeriodLock
from core.model.people import StaffRole
from core.rules import access
from core.rules import journal as journal_rules

EXAMPLES = settings(max_examples=1000, deadline=None)
DAY = dt.date(2026, 9, 7)

# the oracle's own reading of «people and roles»: a staff member's positions as bot roles
ORACLE_ROLE = {
    StaffRole.TEACHER: Role.TEACHER,
    StaffRole.DEPUTY: Role.DEPUTY,
    StaffRole.DISPATCHER: Role.DISPATCHER,
    StaffRole.COORDINATOR: Role.COORDINATOR,
    StaffRole.HEAD: Role.HEAD,
}


@dataclass
class World:
    """A deployment: ids are unique across schools within a table, as database ids are."""

    class_school: dict[int, int] = field(default_factory=dict)
    student_school: dict[int, int] = field(default_factory=dict)
    guardian_school: dict[int, int] = field(default_factory=dict)
    children: dict[int, frozenset[int]] = field(default_factory=dict)  # guardian -> students
    class_of_student: dict[int, int] = field(default_factory=dict)
    staff_school: dict[int, int] = field(default_factory=dict)
    positions: dict[int, frozenset[StaffRole]] = field(default_factory=dict)
    led: dict[int, frozenset[int]] = field(default_factory=dict)  # staff -> classes they lead
    group_class: dict[int, int | None] = field(default_factory=dict)  # None: a stream, a club
    group_school: dict[int, int] = field(default_factory=dict)


def build_world(seed: int) -> World:
    """A world from one seed: cheap enough for thousands of examples (drawing every id through
    hypothesis costs a hundred times more), and reproducible from the seed hypothesis reports."""
    rnd = random.Random(seed)
    w = World()
    # one counter per table, as in the database: a staff member, a student and a guardian may
    # well share an id, and no rule may confuse them
    ids = {
        kind: iter(range(1, 1_000)) for kind in ("class", "student", "group", "guardian", "staff")
    }
    for school in range(1, rnd.randint(2, 3) + 1):
        classes = [next(ids["class"]) for _ in range(rnd.randint(1, 3))]
        for c in classes:
            w.class_school[c] = school
            for _ in range(rnd.randint(1, 3)):
                s = next(ids["student"])
                w.student_school[s], w.class_of_student[s] = school, c
            group = next(ids["group"])
            w.group_class[group], w.group_school[group] = c, school
        stream = next(ids["group"])
        w.group_class[stream], w.group_school[stream] = None, school
        students = [s for s, sc in w.student_school.items() if sc == school]
        for _ in range(rnd.randint(1, 3)):
            g = next(ids["guardian"])
            w.guardian_school[g] = school
            w.children[g] = frozenset(rnd.sample(students, rnd.randint(0, min(2, len(students)))))
        # each class has at most one class teacher: hand the classes out among the staff
        staff = [next(ids["staff"]) for _ in range(rnd.randint(1, 4))]
        leaders = {c: rnd.choice([None, *staff]) for c in classes}
        for m in staff:
            w.staff_school[m] = school
            w.positions[m] = frozenset(p for p in StaffRole if rnd.random() < 0.35)
            w.led[m] = frozenset(c for c, leader in leaders.items() if leader == m)
    return w


@dataclass(frozen=True)
class Case:
    world: World
    actor: Actor


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """An actor as resolve_actor builds one from a bound account, in one of the world's schools."""
    w = build_world(draw(st.integers(0, 2**32)))
    kind = draw(st.sampled_from(PersonKind))
    if kind is PersonKind.STAFF:
        person = draw(st.sampled_from(sorted(w.staff_school)))
        roles = {ORACLE_ROLE[p] for p in w.positions[person]}
        if w.led[person]:
            roles.add(Role.CLASS_TEACHER)
        if not roles:  # a member without a position has no menu: the bot shows none
            roles.add(Role.TEACHER)
        actor = Actor(
            telegram_user_id=1, school_id=w.staff_school[person], kind=kind, person_id=person,
            name="", role=draw(st.sampled_from(sorted(roles))), roles=frozenset(roles),
            class_ids=w.led[person],
        )  # fmt: skip
    elif kind is PersonKind.GUARDIAN:
        person = draw(st.sampled_from(sorted(w.guardian_school)))
        children = sorted(w.children[person])
        actor = Actor(
            telegram_user_id=1, school_id=w.guardian_school[person], kind=kind, person_id=person,
            name="", role=Role.GUARDIAN, roles=frozenset({Role.GUARDIAN}),
            student_id=draw(st.sampled_from(children)) if children else None,
        )  # fmt: skip
    else:
        person = draw(st.sampled_from(sorted(w.student_school)))
        actor = Actor(
            telegram_user_id=1, school_id=w.student_school[person], kind=kind, person_id=person,
            name="", role=Role.STUDENT, roles=frozenset({Role.STUDENT}), student_id=person,
        )  # fmt: skip
    return Case(w, actor)


# --- the oracle: DESIGN.md and SEC-2 in the test's own words ---------------------------------


def o_staff_here(w: World, a: Actor, school: int) -> bool:
    return a.kind is PersonKind.STAFF and w.staff_school.get(a.person_id) == school


def o_holds(w: World, a: Actor, *positions: StaffRole) -> bool:
    return any(p in w.positions.get(a.person_id, frozenset()) for p in positions)


def o_leads(w: World, a: Actor, class_id: int) -> bool:
    return a.kind is PersonKind.STAFF and class_id in w.led.get(a.person_id, frozenset())


ADMIN = (StaffRole.DEPUTY, StaffRole.COORDINATOR, StaffRole.HEAD)


def oracle_view_class(w: World, a: Actor, class_id: int) -> bool:
    """A class's roster, consents and journal: its class teacher and the school's administration."""
    school = w.class_school[class_id]
    return o_staff_here(w, a, school) and (o_leads(w, a, class_id) or o_holds(w, a, *ADMIN))


def oracle_class_codes(w: World, a: Actor, class_id: int) -> bool:
    school = w.class_school[class_id]
    return o_staff_here(w, a, school) and (
        o_leads(w, a, class_id) or o_holds(w, a, StaffRole.COORDINATOR)
    )


def oracle_see_student(w: World, a: Actor, student_id: int) -> bool:
    """SEC-2 for the family's side: a guardian their own children, a student themself."""
    if w.student_school[student_id] != a.school_id:
        return False
    if a.kind is PersonKind.GUARDIAN:
        return student_id in w.children[a.person_id]
    if a.kind is PersonKind.STUDENT:
        return student_id == a.person_id
    return False


def oracle_paper_consent(w: World, a: Actor, guardian_id: int) -> bool:
    school = w.guardian_school[guardian_id]
    classes = {w.class_of_student[s] for s in w.children[guardian_id]}
    return o_staff_here(w, a, school) and (
        o_holds(w, a, StaffRole.COORDINATOR) or any(o_leads(w, a, c) for c in classes)
    )


# --- the properties --------------------------------------------------------------------------


@EXAMPLES
@given(cases(), st.data())
def test_a_class_is_seen_by_its_class_teacher_and_the_administration_only(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    class_id = data.draw(st.sampled_from(sorted(w.class_school)))
    granted = access.same_school(a, w.class_school[class_id]) and access.may_view_class(a, class_id)
    assert granted == oracle_view_class(w, a, class_id)


@EXAMPLES
@given(cases(), st.data())
def test_class_codes_come_from_its_class_teacher_or_the_coordinator(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    class_id = data.draw(st.sampled_from(sorted(w.class_school)))
    granted = access.same_school(a, w.class_school[class_id]) and (
        access.may_issue_class_codes(a, class_id)
    )
    assert granted == oracle_class_codes(w, a, class_id)
    coordinator_here = o_holds(w, a, StaffRole.COORDINATOR) and a.kind is PersonKind.STAFF
    assert access.may_issue_staff_codes(a) == coordinator_here
    assert access.may_unbind(a) == coordinator_here


@EXAMPLES
@given(cases(), st.data())
def test_a_guardian_sees_only_their_own_children_and_a_student_only_themself(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    student = data.draw(st.sampled_from(sorted(w.student_school)))
    # the links are the actor's own, as readable_child reads them; staff pass none
    linked = sorted(w.children[a.person_id]) if a.kind is PersonKind.GUARDIAN else []
    granted = access.may_see_student(a, student, linked) and access.same_school(
        a, w.student_school[student]
    )
    assert granted == oracle_see_student(w, a, student)


@EXAMPLES
@given(cases(), st.data())
def test_a_paper_consent_is_registered_by_a_childs_class_teacher_or_the_coordinator(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    guardian = data.draw(st.sampled_from(sorted(w.guardian_school)))
    classes = [w.class_of_student[s] for s in w.children[guardian]]
    granted = access.same_school(a, w.guardian_school[guardian]) and (
        access.may_register_paper_consent(a, classes)
    )
    assert granted == oracle_paper_consent(w, a, guardian)


@EXAMPLES
@given(cases(), st.data())
def test_a_lesson_is_kept_by_whoever_gives_it_or_a_deputy_of_its_school(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    group = data.draw(st.sampled_from(sorted(w.group_school)))
    school = w.group_school[group]
    staff_here = sorted(m for m, s in w.staff_school.items() if s == school) or [a.person_id]
    teacher = data.draw(st.sampled_from(staff_here))
    substitute = data.draw(st.none() | st.sampled_from(staff_here))
    lesson = Lesson(
        id=1, school_id=school, year_id=1, group_id=group, on_date=DAY, lesson_number=1,
        subject_id=1, teacher_id=teacher, substitute_id=substitute,
    )  # fmt: skip
    gives = (substitute if substitute is not None else teacher) == a.person_id
    expected = o_staff_here(w, a, school) and (gives or o_holds(w, a, StaffRole.DEPUTY))
    assert journal_rules.may_keep(a, lesson) == expected
    if substitute is not None and substitute != teacher and not o_holds(w, a, StaffRole.DEPUTY):
        # the timetable's teacher hands the lesson over: they no longer mark in it
        assert not (a.person_id == teacher and journal_rules.may_keep(a, lesson))


@EXAMPLES
@given(cases(), st.data())
def test_a_groups_journal_is_read_by_its_teachers_class_teacher_and_administration(
    case: Case, data: st.DataObject
) -> None:
    w, a = case.world, case.actor
    group = data.draw(st.sampled_from(sorted(w.group_school)))
    teaches = data.draw(st.booleans()) and a.kind is PersonKind.STAFF
    class_id = w.group_class[group]
    granted = access.same_school(a, w.group_school[group]) and journal_rules.may_read_group(
        a, teaches, class_id
    )
    expected = o_staff_here(w, a, w.group_school[group]) and (
        teaches or o_holds(w, a, *ADMIN) or (class_id is not None and o_leads(w, a, class_id))
    )
    assert granted == expected


@EXAMPLES
@given(cases(), st.integers(min_value=-(2**63), max_value=2**63))
def test_nothing_is_granted_about_another_school_or_a_forged_id(
    case: Case, forged_school: int
) -> None:
    """An object of another school, or an id no school has (huge, negative, zero)."""
    w, a = case.world, case.actor
    if forged_school == a.school_id:
        return
    assert not access.same_school(a, forged_school)
    assert not access.same_school(a, None)
    unknown_class = max(w.class_school) + 1 + abs(forged_school) % 1000
    if not o_holds(w, a, *ADMIN):
        assert not access.may_view_class(a, unknown_class)
    if not o_holds(w, a, StaffRole.COORDINATOR):
        assert not access.may_issue_class_codes(a, unknown_class)
        assert not access.may_register_paper_consent(a, [unknown_class])
    assert not access.may_see_student(a, forged_school, []) or (
        a.kind is PersonKind.STUDENT and forged_school == a.person_id
    )
    lesson = Lesson(
        id=1, school_id=forged_school, year_id=1, group_id=1, on_date=DAY, lesson_number=1,
        subject_id=1, teacher_id=a.person_id,
    )  # fmt: skip
    assert not journal_rules.may_keep(a, lesson)


@EXAMPLES
@given(
    st.sets(st.sampled_from(list(StaffRole))),
    st.booleans(),
)
def test_staff_roles_are_the_positions_plus_class_teacher_when_leading(
    positions: set[StaffRole], leads: bool
) -> None:
    roles = access.staff_roles(positions, leads)
    assert roles == {ORACLE_ROLE[p] for p in positions} | ({Role.CLASS_TEACHER} if leads else set())
    assert Role.GUARDIAN not in roles and Role.STUDENT not in roles


@EXAMPLES
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.booleans()
        ),  # period, group, subject, reopened
        max_size=6,
    ),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_a_period_is_closed_only_by_its_own_unopened_lock(
    locks: list[tuple[int, int, int, bool]], period: int, group: int, subject: int
) -> None:
    at = dt.datetime(2026, 10, 26, tzinfo=dt.UTC)
    rows = [
        PeriodLock(
            school_id=1,
            period_id=p,
            group_id=g,
            subject_id=s,
            closed_at=at,
            closed_by=1,
            reopened_at=at if reopened else None,
        )
        for p, g, s, reopened in locks
    ]
    expected = any((p, g, s) == (period, group, subject) and not r for p, g, s, r in locks)
    assert journal_rules.is_closed(rows, period, group, subject) == expected
