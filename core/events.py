"""Domain events raised by use cases and delivered by notifications/ (through the outbox).

An event is written in the same transaction as the change that raised it (DESIGN.md «One mark,
end to end»), so a crash can lose neither. Each carries ids, not personal data: the worker reads
what it needs when it delivers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    MARK_POSTED = "mark_posted"
    MARK_CHANGED = "mark_changed"
    MARK_DELETED = "mark_deleted"
    ABSENCE_MARKED = "absence_marked"
    HOMEWORK_SET = "homework_set"
    LESSON_SUBSTITUTED = "lesson_substituted"
    LESSON_MOVED = "lesson_moved"
    CONTROL_WORK_SCHEDULED = "control_work_scheduled"
    CONTROL_WORK_CHANGED = "control_work_changed"
    FINAL_MARK_SET = "final_mark_set"
    TEACHER_MESSAGE = "teacher_message"
    TIMETABLE_CHANGED = "timetable_changed"
    HOLIDAYS_AHEAD = "holidays_ahead"  # a few days before holidays begin (scheduled)
    ACK_REMINDER = "ack_reminder"  # a guardian's notices wait for «Ознакомлен» (INF-2)
    # to staff
    STAFF_REMINDER = "staff_reminder"  # attendance, homework, control-work marks, finals due
    GUARDIAN_REPLY = "guardian_reply"  # a guardian answered a teacher's message (INF-6)
    CHAT_UNREACHABLE = "chat_unreachable"  # a guardian blocked the bot: now on paper (INF-4)


@dataclass(kw_only=True, eq=False)
class OutboxEvent:
    id: int | None = None
    school_id: int
    kind: EventKind
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: dt.datetime
    claimed_at: dt.datetime | None = None
    claimed_by: str | None = None
    processed_at: dt.datetime | None = None
