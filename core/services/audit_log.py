"""Audited changes: every use case that changes school data goes through these helpers, so
that the entity and its audit entry are written in the same transaction (SEC-3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from enum import Enum
from typing import Any, TypeVar

from core.ports import UnitOfWork

T = TypeVar("T")


def entity_name(obj: object) -> str:
    """«StudyGroup» → «study_group»: the entity as the audit log names it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# never copied into the audit log: a code's hash is no secret by itself, but the log is read by
# more people than the codes table
SECRET_FIELDS = frozenset({"code_hash"})


def snapshot(obj: object) -> dict[str, Any]:
    """The entity's fields as JSON-ready values, for the before/after of an audit entry."""
    return {
        f.name: _plain(getattr(obj, f.name))
        for f in dataclasses.fields(obj)  # type: ignore[arg-type]
        if f.name not in SECRET_FIELDS
    }


def _school_of(obj: object) -> int:
    school_id = getattr(obj, "school_id", None)
    if school_id is None:
        school_id = getattr(obj, "id", None)  # a School is its own school
    if school_id is None:
        raise ValueError(f"{type(obj).__name__} has no school to audit under")
    return int(school_id)


async def audited_add(uow: UnitOfWork, actor: str, item: T, action: str | None = None) -> T:
    await audited_add_all(uow, actor, [item], action)
    return item


async def audited_add_all(
    uow: UnitOfWork, actor: str, items: list[T], action: str | None = None
) -> list[T]:
    """Like audited_add for many entities at once, with one round trip to get their ids."""
    for item in items:
        await uow.repo(type(item)).add(item)
    if not items:
        return items
    await uow.flush()
    for item in items:
        name = entity_name(item)
        uow.record_audit(
            school_id=_school_of(item),
            actor=actor,
            action=action or f"{name}.create",
            entity=name,
            entity_id=getattr(item, "id", None),
            before=None,
            after=snapshot(item),
        )
    return items


def audited_update(
    uow: UnitOfWork, actor: str, item: object, changes: dict[str, Any], action: str | None = None
) -> bool:
    """Apply the changes that differ from the current values; audit them; True if any did."""
    differing = {k: v for k, v in changes.items() if getattr(item, k) != v}
    if not differing:
        return False
    before = snapshot(item)
    for key, value in differing.items():
        setattr(item, key, value)
    name = entity_name(item)
    uow.record_audit(
        school_id=_school_of(item),
        actor=actor,
        action=action or f"{name}.update",
        entity=name,
        entity_id=getattr(item, "id", None),
        before={k: before[k] for k in differing},
        after={k: _plain(v) for k, v in differing.items()},
    )
    return True


async def audited_delete(
    uow: UnitOfWork, actor: str, item: object, action: str | None = None
) -> None:
    name = entity_name(item)
    uow.record_audit(
        school_id=_school_of(item),
        actor=actor,
        action=action or f"{name}.delete",
        entity=name,
        entity_id=getattr(item, "id", None),
        before=snapshot(item),
        after=None,
    )
    await uow.repo(type(item)).delete(item)
