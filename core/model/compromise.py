"""A compromised account (SEC-4): from the moment the head of school was told, everything done
with the person's credentials is declared invalid. The audit log itself is never edited: the
compromise and its flags are records of their own that point at audit entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from core.model.identity import PersonKind


class FlagState(StrEnum):
    FLAGGED = "flagged"  # invalid, waiting for review
    REVERTED = "reverted"  # the change was undone (the undoing is audited)
    CONFLICT = "conflict"  # changed again later by someone else: left as it is, for a person
    KEPT = "kept"  # a kind of change that cannot be undone (a message sent, a code redeemed)


@dataclass(kw_only=True, eq=False)
class Compromise:
    id: int | None = None
    school_id: int
    person_kind: PersonKind
    person_id: int
    since: dt.datetime  # UTC: when the head of school was informed
    reason: str
    recorded_by: str  # audit name of the coordinator or head
    recorded_at: dt.datetime
    # the audit actors taken as this person's: «staff:5», «guardian:9», «telegram:123456»
    actors: list[str] = field(default_factory=list)
    reverted_at: dt.datetime | None = None
    reverted_by: str | None = None


@dataclass(kw_only=True, eq=False)
class AuditFlag:
    """One audit entry declared invalid by a compromise."""

    id: int | None = None
    school_id: int
    compromise_id: int
    entry_id: int
    entry_seq: int
    state: FlagState = FlagState.FLAGGED
    resolved_at: dt.datetime | None = None
    note: str | None = None  # why it was kept or left (Russian, shown to the coordinator)
