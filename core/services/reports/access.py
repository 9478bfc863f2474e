"""Who may ask for a report of what (SEC-2): the administration for any class, grade level or the
whole school; a class teacher for their class and its students; a teacher for their own groups.
Everything else is refused before any fact (a mark, an absence) is read."""

from __future__ import annotations

from collections.abc import Collection

from core.model.identity import Actor, PersonKind, Role
from core.rules.access import ADMINISTRATION
from core.services.reports.scope import ReportScope, ScopeKind


def may_request(actor: Actor, scope: ReportScope, classes_of_student: Collection[int] = ()) -> bool:
    """``classes_of_student``: the classes a student of a STUDENT scope was in during the period."""
    if actor.kind is not PersonKind.STAFF:
        return False
    if actor.holds(*ADMINISTRATION):
        return True
    if scope.kind is ScopeKind.TEACHER:
        return scope.id == actor.person_id
    leads = actor.holds(Role.CLASS_TEACHER)
    if scope.kind is ScopeKind.CLASS:
        return leads and scope.id in actor.class_ids
    if scope.kind is ScopeKind.STUDENT:
        return leads and bool(actor.class_ids & set(classes_of_student))
    return False
