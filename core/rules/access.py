"""The access policy (SEC-1, SEC-2, LES-1): who may see and change what, in core and tested.

Every function answers for an actor acting inside their own school; a request about another
school's object is refused before any of these is asked (see ``same_school``).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.model.identity import Actor, Role
from core.model.people import StaffRole

STAFF_ROLE_TO_ROLE = {
    StaffRole.TEACHER: Role.TEACHER,
    StaffRole.DEPUTY: Role.DEPUTY,
    StaffRole.DISPATCHER: Role.DISPATCHER,
    StaffRole.COORDINATOR: Role.COORDINATOR,
    StaffRole.HEAD: Role.HEAD,
}

ADMINISTRATION = (Role.DEPUTY, Role.COORDINATOR, Role.HEAD)


def same_school(actor: Actor, school_id: int | None) -> bool:
    return school_id is not None and school_id == actor.school_id


def staff_roles(staff_roles: Iterable[StaffRole], leads_a_class: bool) -> frozenset[Role]:
    roles = {STAFF_ROLE_TO_ROLE[r] for r in staff_roles}
    if leads_a_class:
        roles.add(Role.CLASS_TEACHER)
    return frozenset(roles)


def may_issue_class_codes(actor: Actor, class_id: int) -> bool:
    """Codes for a class's guardians and students: its class teacher, or the coordinator."""
    return (actor.holds(Role.CLASS_TEACHER) and class_id in actor.class_ids) or actor.holds(
        Role.COORDINATOR
    )


def may_issue_staff_codes(actor: Actor) -> bool:
    return actor.holds(Role.COORDINATOR)


def may_unbind(actor: Actor) -> bool:
    return actor.holds(Role.COORDINATOR)


def may_view_class(actor: Actor, class_id: int) -> bool:
    """A class's roster and consent status: its class teacher and the administration."""
    return (actor.holds(Role.CLASS_TEACHER) and class_id in actor.class_ids) or actor.holds(
        *ADMINISTRATION
    )


def may_register_paper_consent(actor: Actor, class_ids_of_children: Iterable[int]) -> bool:
    """The class teacher of one of the guardian's children, or the coordinator."""
    if actor.holds(Role.COORDINATOR):
        return True
    return actor.holds(Role.CLASS_TEACHER) and bool(actor.class_ids & set(class_ids_of_children))


def may_see_student(actor: Actor, student_id: int, linked_student_ids: Iterable[int]) -> bool:
    """A guardian sees only their own children; a student only themself (SEC-2). Staff see
    students through the groups they teach or lead, which the journal rules decide."""
    if actor.role is Role.GUARDIAN:
        return student_id in set(linked_student_ids)
    if actor.role is Role.STUDENT:
        return student_id == actor.person_id
    return False
