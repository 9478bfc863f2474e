"""Notices to guardians and students (INF-1, INF-2): what the outbox worker makes of domain events,
who wants which, and what Telegram said about each chat.

A notice is one message to one chat about one student: several events may be coalesced into it
(the marks of one lesson, a day's digest). Its life:

    pending ──claim──▶ sending ──▶ sent (acknowledged later, or not)
       ▲                  │──▶ uncertain   the request went out, no answer came: maybe delivered,
       │                  │                never re-sent blindly
       └──429, 5xx────────┤──▶ unreachable 403: the chat blocked the bot (paper list)
                          └──▶ failed      retries used up, or Telegram refused the request
    pending ──▶ held       at send time the recipient may no longer get it (consent withdrawn,
                           account unbound, the topic switched off)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from core.events import EventKind
from core.model.identity import PersonKind


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNCERTAIN = "uncertain"
    UNREACHABLE = "unreachable"
    FAILED = "failed"
    HELD = "held"


FINAL_STATUSES = frozenset(
    {
        NoticeStatus.SENT,
        NoticeStatus.UNCERTAIN,
        NoticeStatus.UNREACHABLE,
        NoticeStatus.FAILED,
        NoticeStatus.HELD,
    }
)


class NoticeTopic(StrEnum):
    """What a recipient switches on or off: a few topics people understand, not event kinds."""

    MARKS = "marks"  # marks, their corrections, period finals
    ABSENCES = "absences"
    HOMEWORK = "homework"
    SCHEDULE = "schedule"  # substitutions, moved lessons, timetable changes
    CONTROL_WORKS = "control_works"
    MESSAGES = "messages"  # messages from teachers (LES-11)
    WORK = "work"  # to staff: reminders of what is due, guardians' replies, chats lost


# what a guardian or student may switch on or off (WORK is for staff)
FAMILY_TOPICS: tuple[NoticeTopic, ...] = tuple(t for t in NoticeTopic if t is not NoticeTopic.WORK)


class DeliveryMode(StrEnum):
    INSTANT = "instant"
    DIGEST = "digest"  # one message in the evening; urgent notices still come at once


@dataclass(kw_only=True, eq=False)
class Notice:
    id: int | None = None
    school_id: int
    recipient_kind: PersonKind  # guardian or student
    recipient_id: int
    chat_id: int  # the Telegram private chat (= the user id of the bound account)
    student_id: int | None  # whom it is about
    event_ids: list[int] = field(default_factory=list)  # the outbox events coalesced into it
    kinds: list[EventKind] = field(default_factory=list)
    key: str  # coalescing key: events with the same key join a notice still pending
    urgent: bool = False
    created_at: dt.datetime
    due_at: dt.datetime  # not sent before (coalescing window, quiet hours, digest time)
    status: NoticeStatus = NoticeStatus.PENDING
    attempts: int = 0  # failed attempts (5xx, network); a 429 is not counted
    next_attempt_at: dt.datetime | None = None  # after a failed attempt: backoff
    claimed_by: str | None = None  # the worker that took it
    claimed_until: dt.datetime | None = None  # its lease; after that another worker may take it
    text: str | None = None  # as rendered and sent (kept for paper extracts and the edit on ack)
    message_id: int | None = None
    sent_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    last_error: str | None = None
    version: int = 1  # optimistic locking: two presses of «Ознакомлен» record one


@dataclass(kw_only=True, eq=False)
class NoticePreference:
    """A recipient's choice; without a row every topic comes at once, quiet 21:00–07:00."""

    id: int | None = None
    school_id: int
    person_kind: PersonKind
    person_id: int
    topics: list[NoticeTopic] = field(default_factory=lambda: list(NoticeTopic))
    mode: DeliveryMode = DeliveryMode.INSTANT
    quiet_from: dt.time | None = dt.time(21, 0)  # school time; None: no quiet hours
    quiet_to: dt.time | None = dt.time(7, 0)
    updated_at: dt.datetime | None = None


@dataclass(kw_only=True, eq=False)
class UnreachableChat:
    """A Telegram chat that refused the bot (403, or the user blocked it): nothing is sent there
    until the user comes back; its people go on the class teacher's paper list (INF-4)."""

    id: int | None = None
    chat_id: int
    since: dt.datetime
    reason: str
    cleared_at: dt.datetime | None = None


def ack_callback_data(notice_id: int) -> str:
    """The «✅ Ознакомлен» button's callback data: written by the channel, read by the bot's
    router (as aiogram packs ``AckCb(notice=…)``), so both sides agree on one format."""
    return f"nk:{notice_id}"


def reply_callback_data(notice_id: int) -> str:
    """«✉️ Ответить учителю» under a teacher's message (INF-6), read as ``ReplyCb(notice=…)``."""
    return f"nr:{notice_id}"


@dataclass(kw_only=True, eq=False)
class ReminderSent:
    """A reminder already sent (a teacher's missing attendance, a guardian's unacknowledged
    notices, holidays ahead): the scheduled jobs run often, each reminder goes once."""

    id: int | None = None
    school_id: int
    key: str  # «attendance:<staff>:<date>», «ack:<notice>», «holidays:<holiday>:<class>»
    sent_at: dt.datetime


@dataclass(kw_only=True, eq=False)
class GuardianReply:
    """A guardian's answer to a teacher's message (INF-6), delivered to the teacher as a notice."""

    id: int | None = None
    school_id: int
    message_id: int  # the teacher's message answered
    notice_id: int  # the notice the guardian answered from
    guardian_id: int
    student_id: int | None
    teacher_id: int
    text: str
    sent_at: dt.datetime
