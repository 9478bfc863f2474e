"""Rules of notices (INF-1): which topic an event belongs to, whom it concerns, what is urgent, how
events coalesce, when a notice is due (window, quiet hours, digest) and how failed sends back off.

Decisions, in one place:

- **Urgent** are the changes to where and when a child must be: a substitution, a moved lesson, a
  timetable change, a control work scheduled, moved or cancelled — when they concern today or the
  next day (school time). They skip the coalescing window, quiet hours and the digest: a lesson
  moved to 08:30 tomorrow must not wait for 07:00, nor for the evening digest.
- **Coalescing**: events with the same key (the lesson for marks and absences, the group for
  schedule changes, ...) for the same recipient and child join a notice that is still pending.
  Only marks wait for a window (default 5 s) before the notice is due: they arrive one tap at a
  time, while an absence list, homework or a final sheet is saved at once and goes at once — so
  an absence reaches the guardian within the worker's poll interval, not after a window.
- **Digest** (a recipient's choice): everything not urgent goes into one message per child a day,
  at 19:00 school time (before the default quiet hours begin).
- **Quiet hours** (default 21:00–07:00 school time) move a notice's due time to their end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.events import EventKind
from core.model.identity import PersonKind
from core.model.notices import DeliveryMode, NoticeTopic

TOPIC_OF: Mapping[EventKind, NoticeTopic] = {
    EventKind.MARK_POSTED: NoticeTopic.MARKS,
    EventKind.MARK_CHANGED: NoticeTopic.MARKS,
    EventKind.MARK_DELETED: NoticeTopic.MARKS,
    EventKind.FINAL_MARK_SET: NoticeTopic.MARKS,
    EventKind.ABSENCE_MARKED: NoticeTopic.ABSENCES,
    EventKind.HOMEWORK_SET: NoticeTopic.HOMEWORK,
    EventKind.LESSON_SUBSTITUTED: NoticeTopic.SCHEDULE,
    EventKind.LESSON_MOVED: NoticeTopic.SCHEDULE,
    EventKind.TIMETABLE_CHANGED: NoticeTopic.SCHEDULE,
    EventKind.CONTROL_WORK_SCHEDULED: NoticeTopic.CONTROL_WORKS,
    EventKind.CONTROL_WORK_CHANGED: NoticeTopic.CONTROL_WORKS,
    EventKind.TEACHER_MESSAGE: NoticeTopic.MESSAGES,
    EventKind.ACK_REMINDER: NoticeTopic.MESSAGES,
    EventKind.HOLIDAYS_AHEAD: NoticeTopic.SCHEDULE,
    EventKind.STAFF_REMINDER: NoticeTopic.WORK,
    EventKind.GUARDIAN_REPLY: NoticeTopic.WORK,
    EventKind.CHAT_UNREACHABLE: NoticeTopic.WORK,
}

# a teacher writes to guardians (LES-11); the student is not copied
GUARDIANS_ONLY = frozenset({EventKind.TEACHER_MESSAGE, EventKind.ACK_REMINDER})

URGENT_KINDS = frozenset(
    {
        EventKind.LESSON_SUBSTITUTED,
        EventKind.LESSON_MOVED,
        EventKind.TIMETABLE_CHANGED,
        EventKind.CONTROL_WORK_SCHEDULED,
        EventKind.CONTROL_WORK_CHANGED,
    }
)

# the kinds that come one tap at a time, and so wait for the coalescing window
WINDOWED_TOPICS = frozenset({NoticeTopic.MARKS})


@dataclass(frozen=True)
class NoticeRules:
    window: dt.timedelta = dt.timedelta(seconds=5)  # coalescing window of marks
    digest_at: dt.time = dt.time(19, 0)  # school time
    urgent_days: int = 1  # today and this many days ahead count as urgent
    retry_base: dt.timedelta = dt.timedelta(seconds=5)  # first backoff after a 5xx
    retry_cap: dt.timedelta = dt.timedelta(minutes=10)
    max_attempts: int = 8  # failed attempts before a notice is given up (≈ 10 min in all)


@dataclass(frozen=True)
class Scope:
    """Whom an event concerns: one student, or every student of a group — or, for what goes to
    one person only, that staff member or that guardian (about one student)."""

    student_id: int | None
    group_id: int | None
    staff_id: int | None = None
    guardian_id: int | None = None


def topic_of(kind: EventKind) -> NoticeTopic:
    return TOPIC_OF[kind]


def scope(kind: EventKind, payload: Mapping[str, Any]) -> Scope:
    """Per-student events name their student; the rest reach the whole group (a teacher's message
    names a student or, with none, the group)."""
    if kind in (EventKind.STAFF_REMINDER, EventKind.GUARDIAN_REPLY, EventKind.CHAT_UNREACHABLE):
        return Scope(None, None, staff_id=int(payload["staff_id"]))
    if kind is EventKind.ACK_REMINDER:
        return Scope(int(payload["student_id"]), None, guardian_id=int(payload["guardian_id"]))
    student = payload.get("student_id")
    if student is not None:
        return Scope(int(student), None)
    group = payload.get("group_id")
    return Scope(None, int(group) if group is not None else None)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def affected_days(kind: EventKind, payload: Mapping[str, Any]) -> list[dt.date]:
    """The school days a schedule change touches (for urgency)."""
    names = {
        EventKind.LESSON_SUBSTITUTED: ("on_date",),
        EventKind.LESSON_MOVED: ("from_date", "to_date"),
        EventKind.TIMETABLE_CHANGED: ("from_date",),
        EventKind.CONTROL_WORK_SCHEDULED: ("on_date",),
        EventKind.CONTROL_WORK_CHANGED: ("on_date", "from_date"),
    }.get(kind, ())
    return [day for name in names if (day := _day(payload.get(name))) is not None]


def is_urgent(
    kind: EventKind, payload: Mapping[str, Any], today: dt.date, rules: NoticeRules
) -> bool:
    if kind not in URGENT_KINDS:
        return False
    last = today + dt.timedelta(days=rules.urgent_days)
    days = affected_days(kind, payload)
    if kind is EventKind.TIMETABLE_CHANGED:
        # a new timetable from a date is in force every day after it too
        return any(day <= last for day in days)
    return any(today <= day <= last for day in days)


def coalescing_key(kind: EventKind, payload: Mapping[str, Any], event_id: int) -> str:
    """Events with one key (for one recipient and child) become one message while pending."""
    topic = TOPIC_OF[kind]
    if topic in (NoticeTopic.MARKS, NoticeTopic.ABSENCES) and kind is not EventKind.FINAL_MARK_SET:
        return f"lesson:{payload.get('lesson_id')}"
    if kind is EventKind.FINAL_MARK_SET:
        return f"finals:{payload.get('period_id')}"
    if kind is EventKind.HOMEWORK_SET:
        return f"homework:{payload.get('lesson_id')}"
    if kind is EventKind.STAFF_REMINDER:  # one message per teacher for a day's run of a kind
        return f"reminder:{payload.get('what')}:{payload.get('on_date')}"
    if kind is EventKind.HOLIDAYS_AHEAD:
        return f"holidays:{payload.get('holiday_id')}"
    if topic is NoticeTopic.SCHEDULE:
        return f"schedule:{payload.get('group_id')}"
    if topic is NoticeTopic.CONTROL_WORKS:
        return f"control:{payload.get('group_id')}"
    return f"event:{event_id}"  # a teacher's message is never merged with another


def in_quiet_hours(moment: dt.time, quiet_from: dt.time | None, quiet_to: dt.time | None) -> bool:
    if quiet_from is None or quiet_to is None or quiet_from == quiet_to:
        return False
    if quiet_from < quiet_to:
        return quiet_from <= moment < quiet_to
    return moment >= quiet_from or moment < quiet_to  # across midnight: 21:00–07:00


def after_quiet_hours(
    local: dt.datetime, quiet_from: dt.time | None, quiet_to: dt.time | None
) -> dt.datetime:
    """``local`` itself, or the end of the quiet hours it falls in (same zone)."""
    if quiet_to is None or not in_quiet_hours(local.time(), quiet_from, quiet_to):
        return local
    day = local.date()
    if local.time() >= quiet_to:  # evening part of a night span: the end is tomorrow morning
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, quiet_to, tzinfo=local.tzinfo)


def next_digest(local: dt.datetime, digest_at: dt.time) -> dt.datetime:
    """Today's digest time, or tomorrow's once it has passed."""
    today = dt.datetime.combine(local.date(), digest_at, tzinfo=local.tzinfo)
    return today if local < today else today + dt.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    due_at: dt.datetime  # UTC
    digest_key: str | None  # the key of the digest it joins, if it goes into one


def plan(
    now: dt.datetime,
    *,
    created_at: dt.datetime | None = None,
    topic: NoticeTopic,
    urgent: bool,
    mode: DeliveryMode,
    quiet_from: dt.time | None,
    quiet_to: dt.time | None,
    zone: ZoneInfo,
    rules: NoticeRules,
) -> Plan:
    """When a new notice is due. The window counts from the event (``created_at``), not from
    when the worker saw it: a worker catching up sends at once."""
    if urgent:
        return Plan(now, None)
    local = now.astimezone(zone)
    if mode is DeliveryMode.DIGEST:
        at = after_quiet_hours(next_digest(local, rules.digest_at), quiet_from, quiet_to)
        return Plan(at.astimezone(dt.UTC), f"digest:{at.date().isoformat()}")
    window = rules.window if topic in WINDOWED_TOPICS else dt.timedelta(0)
    due = max(now, (created_at or now) + window).astimezone(zone)
    return Plan(after_quiet_hours(due, quiet_from, quiet_to).astimezone(dt.UTC), None)


def backoff(attempts: int, rules: NoticeRules) -> dt.timedelta:
    """The wait after the n-th failed attempt: base, 2 × base, 4 × base, ... up to the cap."""
    wait: dt.timedelta = rules.retry_base * (2 ** max(0, attempts - 1))
    return min(wait, rules.retry_cap)


def child_label(first_name: str, last_name: str) -> str:
    """«Артём А.»: the least a message needs to say whom it is about (152-ФЗ: minimum data)."""
    return f"{first_name} {last_name[:1]}.".strip() if last_name else first_name


def may_answer(recipient_kind: PersonKind, kinds: list[EventKind]) -> bool:
    """Which notices carry «Ответить учителю» (INF-6): a teacher's message to a guardian."""
    return recipient_kind is PersonKind.GUARDIAN and EventKind.TEACHER_MESSAGE in kinds
