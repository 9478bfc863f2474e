"""Actors for use-case tests, as the bot would resolve them from a bound account."""

from __future__ import annotations

from core.model.identity import Actor, PersonKind, Role
from tests.support.seeded import Seeded


def staff(school: Seeded, last_name: str, *roles: Role, classes: tuple[str, ...] = ()) -> Actor:
    held = frozenset(roles or (Role.TEACHER,))
    return Actor(
        telegram_user_id=None,
        school_id=school.school_id,
        kind=PersonKind.STAFF,
        person_id=school.staff[last_name],
        name=last_name,
        role=next(iter(held)),
        roles=held,
        class_ids=frozenset(school.classes[c] for c in classes),
    )
