"""One entry of the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(kw_only=True, eq=False)
class AuditEntry:
    id: int | None = None
    school_id: int
    seq: int  # position in the school's chain, from 1
    at: dt.datetime  # UTC
    actor: str  # "staff:12", "guardian:7" or "cli:<login>" for the coordinator's console
    action: str  # "student.create", "timetable.delete", ...
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str
