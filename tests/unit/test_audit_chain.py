from __future__ import annotations

import dataclasses
import datetime as dt

from core.model.audit import AuditEntry
from core.rules.audit_chain import GENESIS, entry_hash, verify_chain


def chain(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = AuditEntry(
            id=seq,
            school_id=1,
            seq=seq,
            at=dt.datetime(2026, 9, 1, 8, seq, tzinfo=dt.UTC),
            actor="staff:3",
            action="mark.create",
            entity="mark",
            entity_id=100 + seq,
            before=None,
            after={"value": "5", "student_id": seq},
            prev_hash=prev,
            hash="",
        )
        entry.hash = entry_hash(entry)
        prev = entry.hash
        entries.append(entry)
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = chain(5)
    assert verify_chain(entries, head_seq=5, head_hash=entries[-1].hash) is None


def test_a_changed_value_names_that_entry() -> None:
    entries = chain(5)
    entries[2].after = {"value": "4", "student_id": 3}
    broken = verify_chain(entries)
    assert broken is not None and (broken.seq, broken.entry_id, broken.reason) == (3, 3, "hash")


def test_a_changed_time_or_actor_is_seen() -> None:
    for change in ({"at": dt.datetime(2026, 9, 2, tzinfo=dt.UTC)}, {"actor": "staff:4"}):
        entries = chain(4)
        entries[1] = dataclasses.replace(entries[1], **change)
        broken = verify_chain(entries)
        assert broken is not None and broken.seq == 2


def test_a_removed_entry_in_the_middle_is_a_gap() -> None:
    entries = chain(5)
    del entries[1]
    broken = verify_chain(entries)
    assert broken is not None and broken.seq == 2 and broken.reason == "gap"


def test_removed_last_entries_are_seen_through_the_head() -> None:
    entries = chain(5)
    head = entries[-1].hash
    broken = verify_chain(entries[:3], head_seq=5, head_hash=head)
    assert broken is not None and broken.reason == "truncated" and broken.seq == 4


def test_a_rehashed_forgery_breaks_the_next_link() -> None:
    entries = chain(4)
    entries[1].after = {"value": "2"}
    entries[1].hash = entry_hash(entries[1])  # the forger recomputes this entry's hash
    broken = verify_chain(entries)
    assert broken is not None and (broken.seq, broken.reason) == (3, "prev_hash")
