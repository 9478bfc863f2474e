"""A compromised account (SEC-4): the coordinator or the head records that a person's
credentials were compromised as of a moment T (when the head of school was told).

At once every Telegram binding of that person is revoked, with their unused codes, so that a new
code is needed. «That person» is every identity reachable through the compromised Telegram
accounts in the school: a teacher who is also a parent on the same account loses both bindings,
since whoever holds the phone holds both.

Every audit entry made at or after T by the person's audit actors is flagged invalid (a new row
in ``audit_flags``: the hash-chained log itself is never edited). The person's audit actors are
«staff:5» / «guardian:9» / «student:3» for each identity (``Actor.audit_name``) and
«telegram:<id>» for each compromised account (the code redemptions; see identity.redeem_code).
Console changes («cli:…») are not made with Telegram credentials and are never flagged.

A revert undoes the flagged changes newest first, in one transaction, each undoing audited as
«<entity>.revert» by the coordinator: an update gets its previous values back, a new mark is
deleted the way the journal deletes marks (it stays, with ``deleted_at`` and the reason), other
new rows are removed, a removed row comes back with its id. A change that someone else changed
again afterwards (the same fields of the same record) is a conflict: reported, not touched, and
so are the flagged changes before it on that record. Journal entities are revertible: marks,
absences, homework, lesson topics and attendance, finals and period locks; everything else is
listed and kept (messages already sent, acknowledgements, consent, codes and bindings).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass
from typing import Any

from core.events import EventKind
from core.model.audit import AuditEntry
from core.model.compromise import AuditFlag, Compromise, FlagState
from core.model.identity import AccessCode, Actor, CodeState, PersonKind, Role, TelegramBinding
from core.model.journal import Absence, FinalMark, Homework, Lesson, Mark, PeriodLock
from core.ports import UnitOfWork
from core.services import compromise_texts as txt
from core.services.audit_log import audited_add, audited_delete, audited_update
from core.services.audit_queries import (
    AuditLine,
    AuditSource,
    PersonRef,
    describe_entries,
    person_ref,
    school_zone,
    who_made,
)
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.journal import emit

RECORDERS = (Role.COORDINATOR, Role.HEAD)
VIEWERS = (Role.COORDINATOR, Role.HEAD, Role.DEPUTY)
MAX_REASON_CHARS = 500
MAX_AGE = dt.timedelta(days=366)

REVERTIBLE: dict[str, type[Any]] = {
    "mark": Mark,
    "absence": Absence,
    "homework": Homework,
    "lesson": Lesson,
    "final_mark": FinalMark,
    "period_lock": PeriodLock,
}
# a lesson row is made from the timetable when first opened: nothing to undo in it
NOT_REVERTIBLE_ACTIONS = frozenset({"lesson.create"})


@dataclass(frozen=True)
class CompromiseReport:
    compromise_id: int
    person: PersonRef
    since: dt.datetime
    bindings_revoked: int
    codes_revoked: int
    flagged: int


@dataclass(frozen=True)
class FlaggedLine:
    line: AuditLine
    state: FlagState
    note: str | None
    revertible: bool


@dataclass(frozen=True)
class CompromiseView:
    compromise_id: int
    person: PersonRef
    since_text: str  # local time of the school
    reason: str
    recorded_by: str
    reverted_at_text: str | None
    lines: tuple[FlaggedLine, ...]  # oldest first

    @property
    def waiting(self) -> int:
        return sum(1 for x in self.lines if x.state is FlagState.FLAGGED)

    @property
    def revertible(self) -> int:
        return sum(1 for x in self.lines if x.state is FlagState.FLAGGED and x.revertible)


@dataclass(frozen=True)
class RevertReport:
    compromise_id: int
    reverted: int
    conflicts: int
    kept: int
    lines: tuple[FlaggedLine, ...]  # oldest first, with their new states


def _require(actor: Actor, roles: tuple[Role, ...]) -> None:
    if not actor.holds(*roles):
        raise AccessDenied(NOT_ALLOWED)


def is_revertible(entry: AuditEntry) -> bool:
    return entry.entity in REVERTIBLE and entry.action not in NOT_REVERTIBLE_ACTIONS


# --- recording --------------------------------------------------------------------------------


async def record_compromise(
    uow: UnitOfWork,
    source: AuditSource,
    actor: Actor,
    kind: PersonKind,
    person_id: int,
    since: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> CompromiseReport:
    """The coordinator or the head declares a person's account compromised since ``since``."""
    _require(actor, RECORDERS)
    person = await person_ref(uow, actor, kind, person_id)
    return await _record(uow, source, actor.school_id, actor.audit_name, person, since, reason, now)


async def record_compromise_unchecked(
    uow: UnitOfWork,
    source: AuditSource,
    school_id: int,
    recorded_by: str,
    kind: PersonKind,
    person_id: int,
    since: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> CompromiseReport:
    """The same from the server's console (the coordinator's own account may be the one lost)."""
    console = console_actor(school_id)
    person = await person_ref(uow, console, kind, person_id)
    return await _record(uow, source, school_id, recorded_by, person, since, reason, now)


def console_actor(school_id: int) -> Actor:
    """The server's console acting as a coordinator of the school (never written to the log:
    the console's changes are audited as «cli:<login>»)."""
    return Actor(
        telegram_user_id=None,
        school_id=school_id,
        kind=PersonKind.STAFF,
        person_id=0,
        name="",
        role=Role.COORDINATOR,
        roles=frozenset({Role.COORDINATOR}),
    )


def _check_since(since: dt.datetime, now: dt.datetime) -> None:
    if since.tzinfo is None:
        raise ValueError("since must be aware")
    if since > now:
        raise Refused(txt.SINCE_IN_FUTURE)
    if since < now - MAX_AGE:
        raise Refused(txt.SINCE_TOO_OLD)


def _clean_reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise Refused(txt.REASON_NEEDED)
    if len(cleaned) > MAX_REASON_CHARS:
        raise Refused(txt.REASON_TOO_LONG.format(length=len(cleaned), limit=MAX_REASON_CHARS))
    return cleaned


async def _record(
    uow: UnitOfWork,
    source: AuditSource,
    school_id: int,
    by: str,
    person: PersonRef,
    since: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> CompromiseReport:
    _check_since(since, now)
    cleaned = _clean_reason(reason)
    bindings = uow.repo(TelegramBinding)

    def live(binding: TelegramBinding) -> bool:  # could have been used at or after T
        return binding.unbound_at is None or binding.unbound_at > since

    own = [
        b
        for b in await bindings.find(
            school_id=school_id, person_kind=person.kind, person_id=person.person_id
        )
        if live(b)
    ]
    accounts = sorted({b.telegram_user_id for b in own})
    identities = {(person.kind, person.person_id)}
    affected = {b.id: b for b in own}
    for account in accounts:
        for b in await bindings.find(school_id=school_id, telegram_user_id=account):
            if live(b):
                identities.add((b.person_kind, b.person_id))
                affected[b.id] = b
    revoked_bindings = 0
    for binding in affected.values():
        if binding.unbound_at is None:
            audited_update(uow, by, binding, {"unbound_at": now}, action="telegram_binding.revoke")
            revoked_bindings += 1
    revoked_codes = 0
    for kind, person_id in sorted(identities):
        for code in await uow.repo(AccessCode).find(
            school_id=school_id, person_kind=kind, person_id=person_id
        ):
            if code.state(now) is CodeState.ACTIVE:
                audited_update(uow, by, code, {"revoked_at": now}, action="access_code.revoke")
                revoked_codes += 1
    actors = sorted(
        {f"{kind.value}:{person_id}" for kind, person_id in identities}
        | {f"telegram:{account}" for account in accounts}
    )
    entries = await source.entries(school_id, since=since, actors=actors, oldest_first=True)
    compromise = await audited_add(
        uow,
        by,
        Compromise(
            school_id=school_id,
            person_kind=person.kind,
            person_id=person.person_id,
            since=since,
            reason=cleaned,
            recorded_by=by,
            recorded_at=now,
            actors=actors,
        ),
        action="compromise.record",
    )
    assert compromise.id is not None
    for entry in entries:
        assert entry.id is not None
        await uow.repo(AuditFlag).add(
            AuditFlag(
                school_id=school_id,
                compromise_id=compromise.id,
                entry_id=entry.id,
                entry_seq=entry.seq,
            )
        )
    # the flags are rows of their own; the chain records which entries they name
    uow.record_audit(
        school_id=school_id,
        actor=by,
        action="compromise.flag",
        entity="compromise",
        entity_id=compromise.id,
        before=None,
        after={"flagged_seqs": [entry.seq for entry in entries]},
    )
    await uow.commit()
    return CompromiseReport(
        compromise.id, person, since, revoked_bindings, revoked_codes, len(entries)
    )


# --- reviewing --------------------------------------------------------------------------------


async def _compromise(uow: UnitOfWork, school_id: int, compromise_id: int) -> Compromise:
    found = await uow.repo(Compromise).get(compromise_id)
    if found is None or found.school_id != school_id:
        raise NotFound(NOT_FOUND)
    return found


async def compromises(uow: UnitOfWork, actor: Actor) -> list[CompromiseView]:
    """Every compromise of the school, newest first, without their lines."""
    _require(actor, VIEWERS)
    return await compromises_of(uow, actor.school_id)


async def compromises_of(uow: UnitOfWork, school_id: int) -> list[CompromiseView]:
    found = await uow.repo(Compromise).find(school_id=school_id)
    return [await _view(uow, c, with_lines=False) for c in reversed(found)]


async def list_flagged(
    uow: UnitOfWork, source: AuditSource, actor: Actor, compromise_id: int
) -> CompromiseView:
    """The changes a compromise declared invalid, oldest first, with their state."""
    _require(actor, VIEWERS)
    compromise = await _compromise(uow, actor.school_id, compromise_id)
    return await _view(uow, compromise, source=source)


async def list_flagged_unchecked(
    uow: UnitOfWork, source: AuditSource, school_id: int, compromise_id: int
) -> CompromiseView:
    compromise = await _compromise(uow, school_id, compromise_id)
    return await _view(uow, compromise, source=source)


async def _view(
    uow: UnitOfWork,
    compromise: Compromise,
    *,
    source: AuditSource | None = None,
    with_lines: bool = True,
) -> CompromiseView:
    assert compromise.id is not None
    zone = await school_zone(uow, compromise.school_id)
    person = await person_ref(
        uow, console_actor(compromise.school_id), compromise.person_kind, compromise.person_id
    )
    lines: tuple[FlaggedLine, ...] = ()
    if with_lines and source is not None:
        lines = await _lines(uow, source, compromise)
    [recorder] = await who_made(uow, compromise.school_id, [compromise.recorded_by])
    return CompromiseView(
        compromise_id=compromise.id,
        person=person,
        since_text=f"{compromise.since.astimezone(zone):%d.%m.%Y %H:%M}",
        reason=compromise.reason,
        recorded_by=recorder,
        reverted_at_text=f"{compromise.reverted_at.astimezone(zone):%d.%m.%Y %H:%M}"
        if compromise.reverted_at
        else None,
        lines=lines,
    )


async def _lines(
    uow: UnitOfWork, source: AuditSource, compromise: Compromise
) -> tuple[FlaggedLine, ...]:
    flags = {f.entry_id: f for f in await uow.repo(AuditFlag).find(compromise_id=compromise.id)}
    entries = await source.by_ids(list(flags))
    described = await describe_entries(uow, compromise.school_id, entries, set(flags))
    return tuple(
        FlaggedLine(line, flags[entry.id].state, flags[entry.id].note, is_revertible(entry))
        for entry, line in zip(entries, described, strict=True)
        if entry.id is not None
    )


# --- reverting --------------------------------------------------------------------------------


async def revert_flagged(
    uow: UnitOfWork, source: AuditSource, actor: Actor, compromise_id: int, now: dt.datetime
) -> RevertReport:
    """Undo every flagged change of a compromise that can be undone, in one transaction."""
    _require(actor, RECORDERS)
    compromise = await _compromise(uow, actor.school_id, compromise_id)
    return await _revert(uow, source, compromise, actor.audit_name, now)


async def revert_flagged_unchecked(
    uow: UnitOfWork,
    source: AuditSource,
    school_id: int,
    by: str,
    compromise_id: int,
    now: dt.datetime,
) -> RevertReport:
    compromise = await _compromise(uow, school_id, compromise_id)
    return await _revert(uow, source, compromise, by, now)


async def _revert(
    uow: UnitOfWork, source: AuditSource, compromise: Compromise, by: str, now: dt.datetime
) -> RevertReport:
    if compromise.reverted_at is not None:
        zone = await school_zone(uow, compromise.school_id)
        raise Refused(
            txt.ALREADY_REVERTED.format(
                at=f"{compromise.reverted_at.astimezone(zone):%d.%m.%Y %H:%M}"
            )
        )
    assert compromise.id is not None
    flags = {f.entry_id: f for f in await uow.repo(AuditFlag).find(compromise_id=compromise.id)}
    entries = await source.by_ids(list(flags))
    flagged_seqs = {e.seq for e in entries}
    undoer = _Undoer(uow, source, compromise.school_id, by, now, flagged_seqs)
    outcome: dict[FlagState, list[int]] = {s: [] for s in FlagState}
    for entry in sorted(entries, key=lambda e: e.seq, reverse=True):
        assert entry.id is not None
        flag = flags[entry.id]
        if flag.state is FlagState.FLAGGED:
            flag.state, flag.note = await undoer.undo(entry)
            flag.resolved_at = now
        outcome[flag.state].append(entry.seq)
    before = {"reverted_at": None, "reverted_by": None}
    compromise.reverted_at, compromise.reverted_by = now, by
    uow.record_audit(
        school_id=compromise.school_id,
        actor=by,
        action="compromise.revert",
        entity="compromise",
        entity_id=compromise.id,
        before=before,
        after={
            "reverted_at": now.isoformat(),
            "reverted_by": by,
            "reverted_seqs": sorted(outcome[FlagState.REVERTED]),
            "conflict_seqs": sorted(outcome[FlagState.CONFLICT]),
            "kept_seqs": sorted(outcome[FlagState.KEPT]),
        },
    )
    await uow.commit()
    lines = await _lines(uow, source, compromise)
    return RevertReport(
        compromise.id,
        reverted=len(outcome[FlagState.REVERTED]),
        conflicts=len(outcome[FlagState.CONFLICT]),
        kept=len(outcome[FlagState.KEPT]),
        lines=lines,
    )


class _Undoer:
    def __init__(
        self,
        uow: UnitOfWork,
        source: AuditSource,
        school_id: int,
        by: str,
        now: dt.datetime,
        flagged_seqs: set[int],
    ) -> None:
        self.uow = uow
        self.source = source
        self.school_id = school_id
        self.by = by
        self.now = now
        self.flagged_seqs = flagged_seqs
        self.blocked: set[tuple[str, int]] = set()

    async def undo(self, entry: AuditEntry) -> tuple[FlagState, str | None]:
        if not is_revertible(entry) or entry.entity_id is None:
            note = txt.NOTE_NOT_REVERTIBLE.get(
                entry.action, txt.NOTE_NOT_REVERTIBLE.get(entry.entity, txt.NOTE_OTHER)
            )
            return FlagState.KEPT, note
        key = (entry.entity, entry.entity_id)
        if key in self.blocked:
            return FlagState.CONFLICT, txt.NOTE_EARLIER_CONFLICT
        later = await self._later_conflict(entry)
        if later is not None:
            self.blocked.add(key)
            return FlagState.CONFLICT, later
        cls = REVERTIBLE[entry.entity]
        if entry.before is None:
            state = await self._undo_create(cls, entry)
        elif entry.after is None:
            state = await self._undo_delete(cls, entry)
        else:
            state = await self._undo_update(cls, entry)
        if state[0] is FlagState.CONFLICT:
            self.blocked.add(key)
        return state

    async def _later_conflict(self, entry: AuditEntry) -> str | None:
        assert entry.entity_id is not None
        fields = _fields(entry)
        for later in await self.source.later_about(
            self.school_id, entry.entity, entry.entity_id, entry.seq
        ):
            if later.seq in self.flagged_seqs:
                continue
            if fields is None or _fields(later) is None or fields & (_fields(later) or set()):
                [who] = await who_made(self.uow, self.school_id, [later.actor])
                zone = await school_zone(self.uow, self.school_id)
                return txt.NOTE_LATER.format(
                    who=who, at=f"{later.at.astimezone(zone):%d.%m.%Y %H:%M}"
                )
        return None

    async def _current(self, cls: type[Any], entity_id: int) -> Any:
        found = await self.uow.repo(cls).get(entity_id)
        if found is None or found.school_id != self.school_id:
            return None
        return found

    async def _undo_create(self, cls: type[Any], entry: AuditEntry) -> tuple[FlagState, str | None]:
        assert entry.entity_id is not None
        current = await self._current(cls, entry.entity_id)
        if current is None:
            return FlagState.CONFLICT, txt.NOTE_GONE
        action = f"{entry.entity}.revert"
        if isinstance(current, Mark):
            # the journal never removes a mark: it stays deleted, with the reason (LES-13)
            if current.deleted_at is None:
                audited_update(
                    self.uow,
                    self.by,
                    current,
                    {
                        "deleted_at": self.now,
                        "reason": txt.REVERT_REASON,
                        "version": current.version + 1,
                    },
                    action=action,
                )
                await self._mark_event(EventKind.MARK_DELETED, current)
        else:
            await audited_delete(self.uow, self.by, current, action=action)
        await self.uow.flush()
        return FlagState.REVERTED, None

    async def _undo_delete(self, cls: type[Any], entry: AuditEntry) -> tuple[FlagState, str | None]:
        assert entry.entity_id is not None and entry.before is not None
        if await self.uow.repo(cls).get(entry.entity_id) is not None:
            return FlagState.CONFLICT, txt.NOTE_TAKEN
        restored = cls(**{k: _restore(cls, k, v) for k, v in entry.before.items()})
        if isinstance(restored, Absence) and await self.uow.repo(Absence).first(
            lesson_id=restored.lesson_id, student_id=restored.student_id
        ):
            return FlagState.CONFLICT, txt.NOTE_TAKEN
        await audited_add(self.uow, self.by, restored, action=f"{entry.entity}.revert")
        return FlagState.REVERTED, None

    async def _undo_update(self, cls: type[Any], entry: AuditEntry) -> tuple[FlagState, str | None]:
        assert entry.entity_id is not None and entry.before is not None
        current = await self._current(cls, entry.entity_id)
        if current is None:
            return FlagState.CONFLICT, txt.NOTE_GONE
        changes = {k: _restore(cls, k, v) for k, v in entry.before.items() if k != "version"}
        if any(getattr(current, k) != v for k, v in changes.items()):
            was = getattr(current, "value", None)
            if hasattr(current, "version"):
                changes["version"] = current.version + 1
            audited_update(self.uow, self.by, current, changes, action=f"{entry.entity}.revert")
            if isinstance(current, Mark):
                if "deleted_at" in entry.before and current.deleted_at is None:
                    await self._mark_event(EventKind.MARK_POSTED, current)
                elif current.value != was:
                    await self._mark_event(EventKind.MARK_CHANGED, current, before=was)
            await self.uow.flush()
        return FlagState.REVERTED, None

    async def _mark_event(self, kind: EventKind, mark: Mark, **extra: object) -> None:
        """Guardians were told of the invalid change; they are told of its undoing the same way."""
        await emit(
            self.uow,
            mark.school_id,
            kind,
            self.now,
            mark_id=mark.id,
            lesson_id=mark.lesson_id,
            student_id=mark.student_id,
            value=mark.value,
            **extra,
        )


def _fields(entry: AuditEntry) -> set[str] | None:
    """The fields an update touched; None for a whole record added or removed."""
    if entry.before is None or entry.after is None:
        return None
    return (set(entry.before) | set(entry.after)) - {"version"}


def _restore(cls: type[Any], name: str, value: Any) -> Any:
    """A value from an audit snapshot back to the dataclass field's own type."""
    if value is None:
        return None
    hints = typing.get_type_hints(cls)
    wanted = hints.get(name)
    options = (
        typing.get_args(wanted)
        if isinstance(wanted, types.UnionType) or typing.get_origin(wanted) is typing.Union
        else (wanted,)
    )
    for option in options:
        if option is type(None):
            continue
        if option is dt.datetime and isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        if option is dt.date and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if option is dt.time and isinstance(value, str):
            return dt.time.fromisoformat(value)
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return option(value)
        if typing.get_origin(option) is list:
            return list(value)
    return value
