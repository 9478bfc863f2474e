"""Fan-out (INF-1): outbox events become notices for the guardians and students who may and want to
get them; the acknowledgement of a notice (INF-2); a recipient's preferences.

Recipients of an event about a student: each guardian linked to the student who has an active
Telegram binding AND consent in force (INF-3) AND wants the event's topic, and the student, if
bound and wanting it. A group-wide event reaches every student of the group that day, and their
guardians. Events are marked processed in the transaction that writes their notices, so an event
is fanned out exactly once: on PostgreSQL the store lets one worker fan out at a time and claims
events with SKIP LOCKED (see ``NoticeStore``); SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from core.events import EventKind, OutboxEvent
from core.model.groups import GroupMembership, SchoolClass
from core.model.identity import Actor, PersonKind, Role, TelegramBinding
from core.model.notices import (
    DeliveryMode,
    Notice,
    NoticePreference,
    NoticeStatus,
    NoticeTopic,
    UnreachableChat,
)
from core.model.people import GuardianLink, Student
from core.model.school import School
from core.ports import UnitOfWork
from core.rules import notices as rules
from core.rules.notices import NoticeRules
from core.services import notices_texts as txt
from core.services.audit_log import audited_add, audited_update
from core.services.consent import may_send_personal_data
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, StaleEdit
from core.services.identity import class_of_student


class NoticeStore(Protocol):
    """The two queries of the fan-out that need row locks, which only storage can express."""

    async def claim_events(self, limit: int) -> Sequence[OutboxEvent]:
        """Unprocessed events in id order, locked until the transaction ends; none while another
        worker is fanning out (so that two never start two notices for one recipient)."""
        ...

    async def open_notice(
        self,
        *,
        recipient_kind: PersonKind,
        recipient_id: int,
        chat_id: int,
        student_id: int | None,
        key: str,
    ) -> Notice | None:
        """The pending notice with this key that an event may still join, locked."""
        ...


class EventFailed(Exception):
    """Fanning out one event raised: the worker retries it and, if it keeps failing, gives it up
    so that one bad event does not stop every later one."""

    def __init__(self, event_id: int) -> None:
        super().__init__(f"outbox event {event_id} could not be fanned out")
        self.event_id = event_id


def default_preference(school_id: int, kind: PersonKind, person_id: int) -> NoticePreference:
    return NoticePreference(school_id=school_id, person_kind=kind, person_id=person_id)


async def preference_of(
    uow: UnitOfWork, school_id: int, kind: PersonKind, person_id: int
) -> NoticePreference:
    found = await uow.repo(NoticePreference).first(
        school_id=school_id, person_kind=kind, person_id=person_id
    )
    return found or default_preference(school_id, kind, person_id)


async def chat_unreachable_since(uow: UnitOfWork, chat_id: int) -> dt.datetime | None:
    found = await uow.repo(UnreachableChat).first(chat_id=chat_id, cleared_at=None)
    return found.since if found else None


@dataclass(frozen=True)
class Recipient:
    kind: PersonKind
    person_id: int
    chat_id: int
    student_id: int | None
    preference: NoticePreference
    unreachable: bool


@dataclass
class _Batch:
    """What one fan-out transaction has looked up already: a group-wide event asks the same
    questions about the same people many times."""

    uow: UnitOfWork
    store: NoticeStore
    now: dt.datetime
    rules: NoticeRules
    zones: dict[int, ZoneInfo] = field(default_factory=dict)
    recipients: dict[int, list[Recipient]] = field(default_factory=dict)
    consent: dict[int, bool] = field(default_factory=dict)
    opened: dict[tuple[PersonKind, int, int, int | None, str], Notice] = field(default_factory=dict)
    created: int = 0
    merged: int = 0

    async def zone(self, school_id: int) -> ZoneInfo:
        if school_id not in self.zones:
            school = await self.uow.repo(School).get(school_id)
            self.zones[school_id] = ZoneInfo(school.timezone if school else "Europe/Moscow")
        return self.zones[school_id]

    async def may_send(self, guardian_id: int) -> bool:
        if guardian_id not in self.consent:
            self.consent[guardian_id] = await may_send_personal_data(self.uow, guardian_id)
        return self.consent[guardian_id]

    async def of_student(self, school_id: int, student_id: int) -> list[Recipient]:
        if student_id not in self.recipients:
            self.recipients[student_id] = await self._find(school_id, student_id)
        return self.recipients[student_id]

    async def of_staff(self, school_id: int, staff_id: int) -> list[Recipient]:
        """A staff member's own chats: reminders and replies are about no one child."""
        preference = await preference_of(self.uow, school_id, PersonKind.STAFF, staff_id)
        bindings = await self.uow.repo(TelegramBinding).find(
            school_id=school_id, person_kind=PersonKind.STAFF, person_id=staff_id, unbound_at=None
        )
        found = []
        for chat_id in sorted({b.telegram_user_id for b in bindings}):
            unreachable = await chat_unreachable_since(self.uow, chat_id) is not None
            found.append(
                Recipient(PersonKind.STAFF, staff_id, chat_id, None, preference, unreachable)
            )
        return found

    async def _find(self, school_id: int, student_id: int) -> list[Recipient]:
        people = [(PersonKind.STUDENT, student_id)]
        for link in await self.uow.repo(GuardianLink).find(student_id=student_id):
            if await self.may_send(link.guardian_id):
                people.append((PersonKind.GUARDIAN, link.guardian_id))
        found = []
        for kind, person_id in people:
            bindings = await self.uow.repo(TelegramBinding).find(
                school_id=school_id, person_kind=kind, person_id=person_id, unbound_at=None
            )
            if not bindings:
                continue
            preference = await preference_of(self.uow, school_id, kind, person_id)
            for chat_id in sorted({b.telegram_user_id for b in bindings}):
                unreachable = await chat_unreachable_since(self.uow, chat_id) is not None
                found.append(
                    Recipient(kind, person_id, chat_id, student_id, preference, unreachable)
                )
        return found


@dataclass(frozen=True)
class FanOutReport:
    events: int
    created: int  # new notices
    merged: int  # events that joined a pending notice


async def fan_out(
    uow: UnitOfWork,
    store: NoticeStore,
    now: dt.datetime,
    *,
    worker: str,
    rules_: NoticeRules | None = None,
    limit: int = 50,
) -> FanOutReport:
    """Claim up to ``limit`` unprocessed events, write their notices, mark them processed: one
    transaction. Raises EventFailed (after rolling back) when one event cannot be fanned out."""
    batch = _Batch(uow, store, now, rules_ or NoticeRules())
    events = await store.claim_events(limit)
    for event in events:
        assert event.id is not None
        try:
            await _fan_out_event(batch, event)
        except Exception as error:
            await uow.rollback()
            raise EventFailed(event.id) from error
        event.claimed_at, event.claimed_by, event.processed_at = now, worker, now
    await uow.commit()
    return FanOutReport(len(events), batch.created, batch.merged)


async def give_up_event(uow: UnitOfWork, event_id: int, now: dt.datetime, error: str) -> None:
    """Mark an event that keeps failing as processed, the error kept where the worker's name
    goes, so that the events after it flow again (it stays in the table for a look)."""
    event = await uow.repo(OutboxEvent).get(event_id)
    if event is not None and event.processed_at is None:
        event.claimed_at, event.processed_at = now, now
        event.claimed_by = f"failed: {error}"[:100]
        await uow.commit()


async def _students(batch: _Batch, event: OutboxEvent, day: dt.date) -> list[int]:
    where = rules.scope(event.kind, event.payload)
    if where.student_id is not None:
        return [where.student_id]
    if where.group_id is None:
        return []
    members = await batch.uow.repo(GroupMembership).find(group_id=where.group_id)
    ids = sorted({m.student_id for m in members if m.active_on(day)})
    students = [await batch.uow.repo(Student).get(i) for i in ids]
    return [s.id for s in students if s is not None and s.active and s.id is not None]


async def _fan_out_event(batch: _Batch, event: OutboxEvent) -> None:
    assert event.id is not None
    zone = await batch.zone(event.school_id)
    today = batch.now.astimezone(zone).date()
    topic = rules.topic_of(event.kind)
    urgent = rules.is_urgent(event.kind, event.payload, today, batch.rules)
    key = rules.coalescing_key(event.kind, event.payload, event.id)
    where = rules.scope(event.kind, event.payload)
    if where.staff_id is not None:
        for recipient in await batch.of_staff(event.school_id, where.staff_id):
            if topic in recipient.preference.topics:
                await _place(batch, event, recipient, topic, urgent, key, zone)
        return
    for student_id in await _students(batch, event, event.created_at.astimezone(zone).date()):
        for recipient in await batch.of_student(event.school_id, student_id):
            if recipient.kind is PersonKind.STUDENT and event.kind in rules.GUARDIANS_ONLY:
                continue
            if where.guardian_id is not None and (
                recipient.kind is not PersonKind.GUARDIAN
                or recipient.person_id != where.guardian_id
            ):
                continue
            if topic not in recipient.preference.topics:
                continue
            await _place(batch, event, recipient, topic, urgent, key, zone)


async def _place(
    batch: _Batch,
    event: OutboxEvent,
    recipient: Recipient,
    topic: NoticeTopic,
    urgent: bool,
    key: str,
    zone: ZoneInfo,
) -> None:
    assert event.id is not None
    pref = recipient.preference
    plan = rules.plan(
        batch.now,
        created_at=event.created_at,
        topic=topic,
        urgent=urgent,
        mode=pref.mode,
        quiet_from=pref.quiet_from,
        quiet_to=pref.quiet_to,
        zone=zone,
        rules=batch.rules,
    )
    key = plan.digest_key or key
    ident = (recipient.kind, recipient.person_id, recipient.chat_id, recipient.student_id, key)
    if not recipient.unreachable:
        notice = batch.opened.get(ident) or await batch.store.open_notice(
            recipient_kind=recipient.kind,
            recipient_id=recipient.person_id,
            chat_id=recipient.chat_id,
            student_id=recipient.student_id,
            key=key,
        )
        if notice is not None:
            batch.opened[ident] = notice
            _join(notice, event, urgent, plan.due_at)
            batch.merged += 1
            return
    notice = Notice(
        school_id=event.school_id,
        recipient_kind=recipient.kind,
        recipient_id=recipient.person_id,
        chat_id=recipient.chat_id,
        student_id=recipient.student_id,
        event_ids=[event.id],
        kinds=[event.kind],
        key=key,
        urgent=urgent,
        created_at=batch.now,
        due_at=plan.due_at,
    )
    if recipient.unreachable:
        # kept, not sent: what a blocked chat missed is what its paper extract must show
        notice.status, notice.last_error = NoticeStatus.UNREACHABLE, txt.CHAT_UNREACHABLE
    else:
        batch.opened[ident] = notice
    await batch.uow.repo(Notice).add(notice)
    batch.created += 1


def _join(notice: Notice, event: OutboxEvent, urgent: bool, due_at: dt.datetime) -> None:
    assert event.id is not None
    notice.event_ids = [*notice.event_ids, event.id]  # a new list: the mapper sees the change
    if event.kind not in notice.kinds:
        notice.kinds = [*notice.kinds, event.kind]
    if urgent:
        notice.urgent = True
        notice.due_at = min(notice.due_at, due_at)
    notice.version += 1


# --- acknowledgement (INF-2) ----------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledged:
    notice: Notice
    at: dt.datetime
    first: bool  # False: it had been acknowledged before (a second press records nothing)


async def acknowledge(
    uow: UnitOfWork, actor: Actor, notice_id: int, now: dt.datetime
) -> Acknowledged:
    """The recipient has seen the notice: recorded once, audited, however often it is pressed.

    Only the recipient may: the Telegram account that got it, still bound to the person it was
    for (the role shown at the moment does not matter: a teacher who is also a parent)."""
    notice = await uow.repo(Notice).get(notice_id)
    if notice is None or actor.telegram_user_id != notice.chat_id:
        raise NotFound(NOT_FOUND)  # someone else's notice is not even confirmed to exist
    bound = await uow.repo(TelegramBinding).first(
        school_id=notice.school_id,
        telegram_user_id=notice.chat_id,
        person_kind=notice.recipient_kind,
        person_id=notice.recipient_id,
        unbound_at=None,
    )
    if bound is None:
        raise AccessDenied(NOT_ALLOWED)
    if notice.acknowledged_at is not None:
        return Acknowledged(notice, notice.acknowledged_at, first=False)
    audited_update(
        uow,
        f"{notice.recipient_kind.value}:{notice.recipient_id}",
        notice,
        {"acknowledged_at": now, "version": notice.version + 1},
        action="notice.acknowledge",
    )
    try:
        await uow.commit()
    except StaleEdit:
        # two presses at once (PostgreSQL): the other one recorded it; say when
        again = await uow.repo(Notice).get(notice_id)
        if again is None or again.acknowledged_at is None:
            raise
        return Acknowledged(again, again.acknowledged_at, first=False)
    return Acknowledged(notice, now, first=True)


# --- preferences ----------------------------------------------------------------------------

RECIPIENT_ROLES = {Role.GUARDIAN: PersonKind.GUARDIAN, Role.STUDENT: PersonKind.STUDENT}


def _recipient_kind(actor: Actor) -> PersonKind:
    kind = RECIPIENT_ROLES.get(actor.role)
    if kind is None or kind is not actor.kind:
        raise AccessDenied(NOT_ALLOWED)
    return kind


async def my_preferences(uow: UnitOfWork, actor: Actor) -> NoticePreference:
    return await preference_of(uow, actor.school_id, _recipient_kind(actor), actor.person_id)


async def set_preferences(
    uow: UnitOfWork,
    actor: Actor,
    now: dt.datetime,
    *,
    topics: Sequence[NoticeTopic] | None = None,
    mode: DeliveryMode | None = None,
    quiet: tuple[dt.time, dt.time] | bool | None = True,
) -> NoticePreference:
    """Change one's own choice; ``quiet``: hours, None for none, True to leave them as they are.
    Audited like every change (SEC-3)."""
    kind = _recipient_kind(actor)
    changes: dict[str, object] = {"updated_at": now}
    if topics is not None:
        changes["topics"] = [t for t in NoticeTopic if t in set(topics)]
    if mode is not None:
        changes["mode"] = mode
    if quiet is not True:
        changes["quiet_from"], changes["quiet_to"] = quiet if quiet else (None, None)
    found = await uow.repo(NoticePreference).first(
        school_id=actor.school_id, person_kind=kind, person_id=actor.person_id
    )
    if found is None:
        found = default_preference(actor.school_id, kind, actor.person_id)
        for name, value in changes.items():
            setattr(found, name, value)
        await audited_add(uow, actor.audit_name, found)
    else:
        audited_update(uow, actor.audit_name, found, changes)
    await uow.commit()
    return found


# --- reachability ---------------------------------------------------------------------------


async def mark_unreachable(uow: UnitOfWork, chat_id: int, reason: str, now: dt.datetime) -> bool:
    """Telegram refused the chat (403) or the user blocked the bot; True if it is news.
    Not committed: the caller commits with whatever else it records."""
    if await chat_unreachable_since(uow, chat_id) is not None:
        return False
    await uow.repo(UnreachableChat).add(UnreachableChat(chat_id=chat_id, since=now, reason=reason))
    await _tell_class_teachers(uow, chat_id, now)
    return True


async def _tell_class_teachers(uow: UnitOfWork, chat_id: int, now: dt.datetime) -> None:
    """A guardian lost to Telegram goes on paper (INF-4): the class teacher of each of their
    children hears of it at once, not only when they next open the paper list."""
    bindings = await uow.repo(TelegramBinding).find(
        telegram_user_id=chat_id, person_kind=PersonKind.GUARDIAN, unbound_at=None
    )
    for binding in bindings:
        today = await school_time(uow, binding.school_id, now)
        for link in await uow.repo(GuardianLink).find(guardian_id=binding.person_id):
            class_id = await class_of_student(uow, link.student_id, today.date())
            school_class = await uow.repo(SchoolClass).get(class_id) if class_id else None
            if school_class is None or school_class.class_teacher_id is None:
                continue
            await uow.repo(OutboxEvent).add(
                OutboxEvent(
                    school_id=binding.school_id,
                    kind=EventKind.CHAT_UNREACHABLE,
                    payload={
                        "staff_id": school_class.class_teacher_id,
                        "guardian_id": binding.person_id,
                        "student_id": link.student_id,
                    },
                    created_at=now,
                )
            )


async def mark_reachable(uow: UnitOfWork, chat_id: int, now: dt.datetime) -> bool:
    """The user is back (unblocked the bot): notices go to the chat again. True if it was not."""
    found = await uow.repo(UnreachableChat).first(chat_id=chat_id, cleared_at=None)
    if found is None:
        return False
    found.cleared_at = now
    await uow.commit()
    return True


async def school_time(uow: UnitOfWork, school_id: int, at: dt.datetime) -> dt.datetime:
    """A moment in the school's own time zone (people never read UTC)."""
    school = await uow.repo(School).get(school_id)
    return at.astimezone(ZoneInfo(school.timezone if school else "Europe/Moscow"))
