"""What a notice says, gathered when it is sent (not when the event happened): homework edited
since is shown as it is now, and nothing about the child is copied into the outbox. Only facts
here; notifications/texts.py turns them into Russian."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from core.events import EventKind, OutboxEvent
from core.model.grading import WorkType
from core.model.groups import StudyGroup
from core.model.identity import PersonKind
from core.model.journal import Homework, Lesson, Mark, TeacherMessage
from core.model.notices import GuardianReply, Notice
from core.model.people import Guardian, StaffMember, Student
from core.model.school import Holiday, StudyPeriod, Subject
from core.model.timetable import TimetableEntry
from core.ports import UnitOfWork
from core.rules.notices import child_label

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class NoticeLine:
    """One event as the reader sees it; which fields are set depends on the kind."""

    kind: EventKind
    subject: str = ""
    on_date: dt.date | None = None
    lesson_number: int | None = None
    value: str | None = None  # a mark, a final mark
    before: str | None = None  # the value it replaced
    detail: str | None = None  # work type, absence kind, homework or message text, period, form
    person: str | None = None  # a teacher: the substitute, the message's author
    from_date: dt.date | None = None  # a moved lesson or control work: where it was
    from_number: int | None = None
    change: str | None = None  # a control work: None scheduled, «moved», «cancelled»
    weekday: int | None = None  # a timetable change: the new weekly slot
    files: int = 0  # attachments of homework
    until: dt.date | None = None  # holidays: the last day
    due_at: dt.datetime | None = None  # a staff reminder: the deadline (UTC)
    zone: str | None = None  # the school's time zone, to show ``due_at`` in it


@dataclass(frozen=True)
class NoticeContent:
    child: str  # «Артём А.»
    to_student: bool  # the recipient is the student themself
    to_staff: bool  # a reminder or a reply to a teacher, about no one child
    digest: bool
    urgent: bool
    lines: list[NoticeLine]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


async def _get(uow: UnitOfWork, kind: type[T], entity_id: Any) -> T | None:
    """The row an event names, if it names one and it is still there (an event outlives rows:
    a cancelled control work is deleted)."""
    return await uow.repo(kind).get(int(entity_id)) if entity_id is not None else None


class _Names:
    """Names by id, each looked up once per notice."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.subjects: dict[int, str] = {}
        self.staff: dict[int, str] = {}

    async def subject(self, subject_id: int | None) -> str:
        if subject_id is None:
            return ""
        if subject_id not in self.subjects:
            found = await self.uow.repo(Subject).get(subject_id)
            self.subjects[subject_id] = found.name if found else ""
        return self.subjects[subject_id]

    async def teacher(self, staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        if staff_id not in self.staff:
            found = await self.uow.repo(StaffMember).get(staff_id)
            self.staff[staff_id] = found.short_name if found else ""
        return self.staff[staff_id] or None


async def notice_content(uow: UnitOfWork, notice: Notice) -> NoticeContent:
    student = await uow.repo(Student).get(notice.student_id) if notice.student_id else None
    names = _Names(uow)
    lines = []
    homework: set[object] = set()
    for event_id in notice.event_ids:
        event = await uow.repo(OutboxEvent).get(event_id)
        if event is None:
            continue
        if event.kind is EventKind.HOMEWORK_SET:  # edited again: its text is read as it is now
            if event.payload.get("homework_id") in homework:
                continue
            homework.add(event.payload.get("homework_id"))
        if (line := await _line(uow, names, event)) is not None:
            lines.append(line)
    return NoticeContent(
        child=child_label(student.first_name, student.last_name) if student else "",
        to_student=notice.recipient_kind is PersonKind.STUDENT,
        to_staff=notice.recipient_kind is PersonKind.STAFF,
        digest=notice.key.startswith("digest:"),
        urgent=notice.urgent,
        lines=lines,
    )


async def _line(uow: UnitOfWork, names: _Names, event: OutboxEvent) -> NoticeLine | None:
    p, kind = event.payload, event.kind
    if kind in (EventKind.MARK_POSTED, EventKind.MARK_CHANGED, EventKind.MARK_DELETED):
        lesson = await _get(uow, Lesson, p.get("lesson_id"))
        mark = await _get(uow, Mark, p.get("mark_id"))
        work = await uow.repo(WorkType).get(mark.work_type_id) if mark else None
        return NoticeLine(
            kind=kind,
            subject=await names.subject(lesson.subject_id if lesson else None),
            on_date=lesson.on_date if lesson else None,
            value=p.get("value"),
            before=p.get("before"),
            detail=work.name if work else None,
        )
    if kind is EventKind.ABSENCE_MARKED:
        lesson = await _get(uow, Lesson, p.get("lesson_id"))
        if lesson is None:
            return None
        return NoticeLine(
            kind=kind,
            subject=await names.subject(lesson.subject_id),
            on_date=lesson.on_date,
            lesson_number=lesson.lesson_number,
            detail=p.get("kind"),
        )
    if kind is EventKind.HOMEWORK_SET:
        homework = await _get(uow, Homework, p.get("homework_id"))
        lesson = await _get(uow, Lesson, p.get("lesson_id"))
        if homework is None:
            return None
        return NoticeLine(
            kind=kind,
            subject=await names.subject(lesson.subject_id if lesson else None),
            on_date=homework.due_on,
            detail=homework.text,
            files=len(homework.attachments),
        )
    if kind is EventKind.FINAL_MARK_SET:
        period = await _get(uow, StudyPeriod, p.get("period_id"))
        return NoticeLine(
            kind=kind,
            subject=await names.subject(_int(p.get("subject_id"))),
            value=p.get("value"),
            before=p.get("before"),
            detail=f"{period.kind.value}:{period.number}" if period else None,
        )
    if kind is EventKind.TEACHER_MESSAGE:
        message = await _get(uow, TeacherMessage, p.get("message_id"))
        if message is None:
            return None
        return NoticeLine(
            kind=kind, detail=message.text, person=await names.teacher(message.teacher_id)
        )
    if kind in (EventKind.HOLIDAYS_AHEAD, EventKind.ACK_REMINDER):
        return await _family_line(uow, event)
    if kind in (EventKind.STAFF_REMINDER, EventKind.GUARDIAN_REPLY, EventKind.CHAT_UNREACHABLE):
        return await _staff_line(uow, names, event)
    return await _schedule_line(uow, names, event)


async def _family_line(uow: UnitOfWork, event: OutboxEvent) -> NoticeLine | None:
    p, kind = event.payload, event.kind
    if kind is EventKind.HOLIDAYS_AHEAD:
        holiday = await _get(uow, Holiday, p.get("holiday_id"))
        if holiday is None:
            return None
        return NoticeLine(
            kind=kind, detail=holiday.name, on_date=holiday.starts_on, until=holiday.ends_on
        )
    waiting = [
        n
        for n in [await _get(uow, Notice, i) for i in p.get("notice_ids", [])]
        if n is not None and n.acknowledged_at is None
    ]
    if not waiting:
        return None  # acknowledged in the meantime: nothing to remind of
    oldest = min((n.sent_at for n in waiting if n.sent_at), default=None)
    return NoticeLine(kind=kind, value=str(len(waiting)), on_date=oldest.date() if oldest else None)


async def _child(uow: UnitOfWork, student_id: Any) -> str:
    student = await _get(uow, Student, student_id)
    return child_label(student.first_name, student.last_name) if student else ""


async def _staff_line(uow: UnitOfWork, names: _Names, event: OutboxEvent) -> NoticeLine | None:
    p, kind = event.payload, event.kind
    if kind is EventKind.STAFF_REMINDER:
        group = await _get(uow, StudyGroup, p.get("group_id"))
        due = p.get("due_at")
        return NoticeLine(
            kind=kind,
            subject=await names.subject(_int(p.get("subject_id"))),
            on_date=_date(p.get("on_date")),
            lesson_number=_int(p.get("lesson_number")),
            detail=p.get("what"),
            person=group.name if group else None,
            due_at=dt.datetime.fromisoformat(due) if isinstance(due, str) else None,
            zone=p.get("zone"),
        )
    guardian = await _get(uow, Guardian, p.get("guardian_id"))
    if guardian is None:
        return None
    child = await _child(uow, p.get("student_id"))
    if kind is EventKind.GUARDIAN_REPLY:
        reply = await _get(uow, GuardianReply, p.get("reply_id"))
        if reply is None:
            return None
        return NoticeLine(kind=kind, person=guardian.full_name, subject=child, detail=reply.text)
    return NoticeLine(kind=kind, person=guardian.full_name, subject=child)


async def _schedule_line(uow: UnitOfWork, names: _Names, event: OutboxEvent) -> NoticeLine | None:
    p, kind = event.payload, event.kind
    if kind is EventKind.LESSON_SUBSTITUTED:
        lesson = await _get(uow, Lesson, p.get("lesson_id"))
        substitute = _int(p.get("substitute_id"))
        return NoticeLine(
            kind=kind,
            subject=await names.subject(lesson.subject_id if lesson else None),
            on_date=_date(p.get("on_date")),
            lesson_number=_int(p.get("lesson_number")),
            person=await names.teacher(substitute or _int(p.get("teacher_id"))),
            change=None if substitute else "cancelled",
        )
    if kind is EventKind.LESSON_MOVED:
        return NoticeLine(
            kind=kind,
            subject=await names.subject(_int(p.get("subject_id"))),
            on_date=_date(p.get("to_date")),
            lesson_number=_int(p.get("to_number")),
            from_date=_date(p.get("from_date")),
            from_number=_int(p.get("from_number")),
        )
    if kind in (EventKind.CONTROL_WORK_SCHEDULED, EventKind.CONTROL_WORK_CHANGED):
        return NoticeLine(
            kind=kind,
            subject=await names.subject(_int(p.get("subject_id"))),
            on_date=_date(p.get("on_date")),
            lesson_number=_int(p.get("lesson_number")),
            detail=p.get("form"),
            change=p.get("change"),
            from_date=_date(p.get("from_date")),
        )
    if kind is EventKind.TIMETABLE_CHANGED:
        entry = await _get(uow, TimetableEntry, p.get("new_entry_id") or p.get("entry_id"))
        if entry is None:
            return None
        return NoticeLine(
            kind=kind,
            subject=await names.subject(entry.subject_id),
            on_date=_date(p.get("from_date")),
            lesson_number=entry.lesson_number,
            weekday=entry.weekday,
            person=await names.teacher(entry.teacher_id),
        )
    return None
