"""The hash chain of the audit log (DATA-3): each entry's hash covers its content and the
previous entry's hash, so that an entry changed, removed or inserted outside the rules shows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.model.audit import AuditEntry

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """A stable text form: the same data always gives the same bytes, whatever the database."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: AuditEntry) -> str:
    payload = canonical_json(
        {
            "school_id": entry.school_id,
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before": entry.before,
            "after": entry.after,
            "prev_hash": entry.prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    entry_id: int | None
    reason: str


def verify_chain(
    entries: Iterable[AuditEntry], head_seq: int | None = None, head_hash: str | None = None
) -> ChainBreak | None:
    """The first broken entry of one school's chain, or None if it is intact.

    ``entries`` come in the order they were written (by id), so that a forged seq shows in place.

    ``head_seq``/``head_hash`` are the chain's recorded end: they reveal removed last entries.
    """
    prev_hash = GENESIS
    expected_seq = 1
    last: AuditEntry | None = None
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, entry.id, "gap")
        if entry.prev_hash != prev_hash:
            return ChainBreak(entry.seq, entry.id, "prev_hash")
        if entry_hash(entry) != entry.hash:
            return ChainBreak(entry.seq, entry.id, "hash")
        prev_hash = entry.hash
        expected_seq += 1
        last = entry
    if head_seq is not None:
        last_seq = last.seq if last else 0
        if head_seq != last_seq or (head_hash is not None and head_hash != prev_hash):
            return ChainBreak(last_seq + 1, None, "truncated")
    return None
