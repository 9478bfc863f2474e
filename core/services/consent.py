"""Use cases of consent to personal-data processing (INF-3): a guardian answers in the bot or
on paper through the class teacher; without consent nothing personal is sent to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.model.groups import SchoolClass
from core.model.identity import (
    Actor,
    ConsentAnswer,
    ConsentChannel,
    ConsentRecord,
    PersonKind,
    Role,
    TelegramBinding,
)
from core.model.people import Guardian, GuardianLink
from core.model.school import School
from core.ports import UnitOfWork
from core.rules import access
from core.services import identity_texts as txt
from core.services.audit_log import audited_add
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound
from core.services.identity import class_of_student, class_roster


async def latest_consent(uow: UnitOfWork, guardian_id: int) -> ConsentRecord | None:
    records = await uow.repo(ConsentRecord).find(guardian_id=guardian_id)
    return max(records, key=lambda r: (r.recorded_at, r.id or 0), default=None)


async def may_send_personal_data(uow: UnitOfWork, guardian_id: int) -> bool:
    """The one question every notice to a guardian asks first (INF-3, 152-ФЗ)."""
    record = await latest_consent(uow, guardian_id)
    return record is not None and record.answer is ConsentAnswer.GIVEN


async def consent_text(uow: UnitOfWork, school_id: int) -> str:
    school = await uow.repo(School).get(school_id)
    name = f"«{school.name}»" if school else ""
    if school and school.consent_text:
        return school.consent_text
    return txt.DEFAULT_CONSENT_TEXT.format(school=name)


async def answer_consent(
    uow: UnitOfWork, actor: Actor, answer: ConsentAnswer, now: dt.datetime
) -> ConsentRecord:
    """The guardian's own answer in the bot: agree, refuse or withdraw."""
    if actor.role is not Role.GUARDIAN:
        raise AccessDenied(NOT_ALLOWED)
    return await _record(uow, actor, actor.person_id, answer, ConsentChannel.BOT, now)


async def register_paper_consent(
    uow: UnitOfWork, actor: Actor, guardian_id: int, answer: ConsentAnswer, now: dt.datetime
) -> ConsentRecord:
    """The class teacher records a signed form (or a written refusal) of a guardian of the class."""
    guardian = await uow.repo(Guardian).get(guardian_id)
    if guardian is None or not access.same_school(actor, guardian.school_id):
        raise NotFound(NOT_FOUND)
    class_ids = await classes_of_children(uow, guardian_id, now.date())
    if not access.may_register_paper_consent(actor, class_ids):
        raise AccessDenied(NOT_ALLOWED)
    return await _record(uow, actor, guardian_id, answer, ConsentChannel.PAPER, now)


async def _record(
    uow: UnitOfWork,
    actor: Actor,
    guardian_id: int,
    answer: ConsentAnswer,
    channel: ConsentChannel,
    now: dt.datetime,
) -> ConsentRecord:
    record = ConsentRecord(
        school_id=actor.school_id,
        guardian_id=guardian_id,
        answer=answer,
        channel=channel,
        recorded_at=now,
        recorded_by=actor.audit_name,
    )
    action = (
        f"consent.{answer.value}"
        if channel is ConsentChannel.BOT
        else f"consent.paper.{answer.value}"
    )
    await audited_add(uow, actor.audit_name, record, action=action)
    await uow.commit()
    return record


async def classes_of_children(uow: UnitOfWork, guardian_id: int, day: dt.date) -> set[int]:
    result: set[int] = set()
    for link in await uow.repo(GuardianLink).find(guardian_id=guardian_id):
        class_id = await class_of_student(uow, link.student_id, day)
        if class_id is not None:
            result.add(class_id)
    return result


@dataclass(frozen=True)
class ConsentLine:
    guardian_id: int
    guardian: str
    children: str
    answer: ConsentAnswer | None
    channel: ConsentChannel | None
    at: dt.datetime | None
    connected: bool  # has a Telegram account bound


async def class_consent_status(
    uow: UnitOfWork, actor: Actor, class_id: int, day: dt.date
) -> list[ConsentLine]:
    """Every guardian of the class with their consent and whether they are connected (INF-3)."""
    school_class = await uow.repo(SchoolClass).get(class_id)
    if school_class is None or not access.same_school(actor, school_class.school_id):
        raise NotFound(NOT_FOUND)
    if not access.may_view_class(actor, class_id):
        raise AccessDenied(NOT_ALLOWED)
    children: dict[int, list[str]] = {}
    for student in await class_roster(uow, school_class, day):
        for link in await uow.repo(GuardianLink).find(student_id=student.id):
            children.setdefault(link.guardian_id, []).append(student.short_name)
    bound = {
        b.person_id
        for b in await uow.repo(TelegramBinding).find(
            school_id=actor.school_id, person_kind=PersonKind.GUARDIAN, unbound_at=None
        )
    }
    lines = []
    for guardian_id, names in children.items():
        guardian = await uow.repo(Guardian).get(guardian_id)
        assert guardian is not None
        record = await latest_consent(uow, guardian_id)
        lines.append(
            ConsentLine(
                guardian_id=guardian_id,
                guardian=guardian.full_name,
                children=", ".join(names),
                answer=record.answer if record else None,
                channel=record.channel if record else None,
                at=record.recorded_at if record else None,
                connected=guardian_id in bound,
            )
        )
    return sorted(lines, key=lambda line: line.guardian)
