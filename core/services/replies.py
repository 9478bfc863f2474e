"""A guardian answers a teacher's message (INF-6): only the guardian the message reached, only
from its notice, a bounded text; the reply is kept, audited and goes to the teacher as a notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.events import EventKind, OutboxEvent
from core.model.identity import Actor, PersonKind, TelegramBinding
from core.model.journal import TeacherMessage
from core.model.notices import GuardianReply, Notice
from core.model.people import StaffMember
from core.ports import UnitOfWork
from core.services import replies_texts as txt
from core.services.audit_log import audited_add
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.journal import emit

MAX_REPLY = 2000
MAX_REPLIES = 3  # per notice: a conversation belongs on the phone, not in the journal bot


@dataclass(frozen=True)
class ReplyTarget:
    notice: Notice
    message: TeacherMessage
    teacher: str  # «Петрова А. И.»


async def reply_target(uow: UnitOfWork, actor: Actor, notice_id: int) -> ReplyTarget:
    """The teacher's message a guardian may answer from this notice, or why not."""
    notice = await uow.repo(Notice).get(notice_id)
    if notice is None or actor.telegram_user_id != notice.chat_id:
        raise NotFound(NOT_FOUND)  # someone else's notice is not even confirmed to exist
    if notice.recipient_kind is not PersonKind.GUARDIAN or not await uow.repo(
        TelegramBinding
    ).first(
        school_id=notice.school_id,
        telegram_user_id=notice.chat_id,
        person_kind=PersonKind.GUARDIAN,
        person_id=notice.recipient_id,
        unbound_at=None,
    ):
        raise AccessDenied(NOT_ALLOWED)
    message = None
    for event_id in reversed(notice.event_ids):
        event = await uow.repo(OutboxEvent).get(event_id)
        if event is not None and event.kind is EventKind.TEACHER_MESSAGE:
            message = await uow.repo(TeacherMessage).get(int(event.payload["message_id"]))
            break
    if message is None:
        raise Refused(txt.NOT_A_MESSAGE)
    teacher = await uow.repo(StaffMember).get(message.teacher_id)
    if teacher is None or not teacher.active:
        raise Refused(txt.TEACHER_GONE)
    return ReplyTarget(notice, message, teacher.short_name)


async def reply_to_teacher(
    uow: UnitOfWork, actor: Actor, notice_id: int, text: str, now: dt.datetime
) -> ReplyTarget:
    target = await reply_target(uow, actor, notice_id)
    text = text.strip()
    if not text:
        raise Refused(txt.EMPTY)
    if len(text) > MAX_REPLY:
        raise Refused(txt.TOO_LONG.format(length=len(text), limit=MAX_REPLY))
    earlier = await uow.repo(GuardianReply).find(notice_id=notice_id)
    if len(earlier) >= MAX_REPLIES:
        raise Refused(txt.TOO_MANY.format(count=len(earlier)))
    notice, message = target.notice, target.message
    assert message.id is not None
    reply = await audited_add(
        uow,
        actor.audit_name,
        GuardianReply(
            school_id=notice.school_id,
            message_id=message.id,
            notice_id=notice_id,
            guardian_id=notice.recipient_id,
            student_id=notice.student_id,
            teacher_id=message.teacher_id,
            text=text,
            sent_at=now,
        ),
        action="guardian.reply",
    )
    await emit(
        uow,
        notice.school_id,
        EventKind.GUARDIAN_REPLY,
        now,
        staff_id=message.teacher_id,
        reply_id=reply.id,
        guardian_id=notice.recipient_id,
        student_id=notice.student_id,
    )
    await uow.commit()
    return target
