from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from core.model.identity import AccessCode, Actor, CodeState, PersonKind, Role
from core.model.people import StaffRole
from core.rules import access
from core.rules import codes as rules

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def test_a_code_carries_at_least_64_random_bits_and_fits_a_deep_link() -> None:
    code = rules.new_code()
    assert len(code) * math.log2(len(rules.ALPHABET)) >= 64
    assert len(code) <= 64 and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789_-" for ch in code)


def test_codes_do_not_repeat_and_use_the_whole_alphabet() -> None:
    many = [rules.new_code() for _ in range(2000)]
    assert len(set(many)) == 2000
    counts = Counter("".join(many))
    assert set(counts) == set(rules.ALPHABET)
    assert max(counts.values()) < 2 * min(counts.values())  # roughly uniform


def test_typed_codes_are_forgiving_but_exact() -> None:
    code = "k7mq2x9dpa4twz3e"
    assert rules.grouped(code) == "k7mq-2x9d-pa4t-wz3e"
    assert rules.normalize_code(" K7MQ-2X9D pa4t_wz3e ") == code
    assert rules.normalize_code("к7мq2x9dpa4twz3е") == code  # Cyrillic к, м, е typed by habit
    assert rules.normalize_code("k7mq2x9dpa4twz3") is None  # one symbol short
    assert rules.normalize_code("k7mq2x9dpa4twz3e1") is None
    assert rules.normalize_code("привет, это код") is None


def test_only_the_hash_is_kept_and_it_is_stable() -> None:
    assert rules.code_hash("k7mq2x9dpa4twz3e") == rules.code_hash("k7mq2x9dpa4twz3e")
    assert "k7mq" not in rules.code_hash("k7mq2x9dpa4twz3e")


def test_code_states() -> None:
    code = AccessCode(
        school_id=1,
        person_kind=PersonKind.GUARDIAN,
        person_id=1,
        code_hash="x",
        issued_by="staff:1",
        issued_at=NOW,
        expires_at=NOW + rules.DEFAULT_TTL,
    )
    assert code.state(NOW) is CodeState.ACTIVE
    assert code.state(NOW + dt.timedelta(days=14)) is CodeState.EXPIRED
    code.revoked_at = NOW
    assert code.state(NOW) is CodeState.REVOKED
    code.used_at = NOW
    assert code.state(NOW) is CodeState.USED


def test_five_failures_throttle() -> None:
    assert not rules.throttled(4)
    assert rules.throttled(5)


def actor(role: Role, roles: set[Role] | None = None, classes: set[int] | None = None) -> Actor:
    return Actor(
        telegram_user_id=1,
        school_id=1,
        kind=PersonKind.STAFF,
        person_id=7,
        name="Т",
        role=role,
        roles=frozenset(roles or {role}),
        class_ids=frozenset(classes or ()),
    )


def test_class_codes_only_for_ones_own_class_or_by_the_coordinator() -> None:
    class_teacher = actor(Role.TEACHER, {Role.TEACHER, Role.CLASS_TEACHER}, {10})
    assert access.may_issue_class_codes(class_teacher, 10)
    assert not access.may_issue_class_codes(class_teacher, 11)
    assert not access.may_issue_class_codes(actor(Role.TEACHER), 10)
    assert access.may_issue_class_codes(actor(Role.COORDINATOR), 11)
    assert not access.may_issue_class_codes(actor(Role.DEPUTY), 11)


def test_staff_codes_and_unbinding_are_the_coordinators() -> None:
    assert access.may_issue_staff_codes(actor(Role.COORDINATOR))
    assert not access.may_issue_staff_codes(actor(Role.DEPUTY))
    assert access.may_unbind(actor(Role.COORDINATOR))
    assert not access.may_unbind(actor(Role.HEAD, {Role.HEAD, Role.TEACHER}))


def test_viewing_a_class() -> None:
    assert access.may_view_class(actor(Role.CLASS_TEACHER, classes={3}), 3)
    assert not access.may_view_class(actor(Role.CLASS_TEACHER, classes={3}), 4)
    assert access.may_view_class(actor(Role.DEPUTY), 4)


def test_paper_consent_by_a_class_teacher_of_one_of_the_children() -> None:
    ct = actor(Role.CLASS_TEACHER, classes={3})
    assert access.may_register_paper_consent(ct, [5, 3])
    assert not access.may_register_paper_consent(ct, [5])
    assert access.may_register_paper_consent(actor(Role.COORDINATOR), [])


def test_guardians_and_students_see_only_their_own() -> None:
    guardian = Actor(
        telegram_user_id=2,
        school_id=1,
        kind=PersonKind.GUARDIAN,
        person_id=4,
        name="Р",
        role=Role.GUARDIAN,
        roles=frozenset({Role.GUARDIAN}),
    )
    assert access.may_see_student(guardian, 21, [21, 22])
    assert not access.may_see_student(guardian, 23, [21, 22])
    student = Actor(
        telegram_user_id=3,
        school_id=1,
        kind=PersonKind.STUDENT,
        person_id=21,
        name="У",
        role=Role.STUDENT,
        roles=frozenset({Role.STUDENT}),
    )
    assert access.may_see_student(student, 21, [])
    assert not access.may_see_student(student, 22, [])


def test_staff_roles_add_class_teacher_when_leading_a_class() -> None:
    assert access.staff_roles([StaffRole.TEACHER], True) == {Role.TEACHER, Role.CLASS_TEACHER}
    assert access.staff_roles([StaffRole.DEPUTY], False) == {Role.DEPUTY}
    assert access.same_school(actor(Role.TEACHER), 1)
    assert not access.same_school(actor(Role.TEACHER), 2)
    assert not access.same_school(actor(Role.TEACHER), None)
