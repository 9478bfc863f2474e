"""What the class teacher (and the deputy) see of notices (INF-2, INF-4): per guardian of the
class, what was sent and not acknowledged, whether the chat is reachable, and consent alongside —
the guardians who need paper extracts stand out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.events import EventKind
from core.model.groups import SchoolClass
from core.model.identity import Actor, ConsentAnswer, PersonKind, TelegramBinding
from core.model.notices import Notice, NoticeStatus
from core.model.people import Guardian, GuardianLink, Student
from core.ports import UnitOfWork
from core.rules import access
from core.rules.notices import child_label
from core.services.consent import latest_consent
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound
from core.services.identity import class_roster
from core.services.notices import chat_unreachable_since

DELIVERED = frozenset({NoticeStatus.SENT, NoticeStatus.UNCERTAIN})
UNDELIVERED = frozenset({NoticeStatus.UNREACHABLE, NoticeStatus.FAILED, NoticeStatus.HELD})


@dataclass(frozen=True)
class WaitingNotice:
    notice_id: int
    child: str
    kinds: list[EventKind]
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class GuardianNotices:
    guardian_id: int
    guardian: str
    children: str  # «Артём А., Ева А.»
    consent: ConsentAnswer | None
    connected: bool  # a Telegram account is bound
    unreachable_since: dt.datetime | None  # the bot was blocked (403) since then
    delivered: int
    acknowledged: int
    undelivered: int  # unreachable, failed or held back
    waiting: list[WaitingNotice]  # delivered, not acknowledged: oldest first

    @property
    def needs_paper(self) -> bool:
        """Without Telegram, unreachable, or not consenting to electronic notices (INF-4)."""
        return (
            not self.connected
            or self.unreachable_since is not None
            or self.consent is not ConsentAnswer.GIVEN
        )


async def class_acknowledgements(
    uow: UnitOfWork,
    actor: Actor,
    class_id: int,
    day: dt.date,
    since: dt.datetime | None = None,
) -> list[GuardianNotices]:
    """Every guardian of the class's students on ``day``, with their notices since ``since``."""
    school_class = await uow.repo(SchoolClass).get(class_id)
    if school_class is None or not access.same_school(actor, school_class.school_id):
        raise NotFound(NOT_FOUND)
    if not access.may_view_class(actor, class_id):
        raise AccessDenied(NOT_ALLOWED)
    students: dict[int, Student] = {
        s.id: s for s in await class_roster(uow, school_class, day) if s.id is not None
    }
    children: dict[int, list[int]] = {}
    for student_id in students:
        for link in await uow.repo(GuardianLink).find(student_id=student_id):
            children.setdefault(link.guardian_id, []).append(student_id)
    lines = []
    for guardian_id, child_ids in children.items():
        guardian = await uow.repo(Guardian).get(guardian_id)
        if guardian is None:
            continue
        lines.append(await _line(uow, guardian, child_ids, students, since))
    return sorted(lines, key=lambda line: line.guardian)


async def _line(
    uow: UnitOfWork,
    guardian: Guardian,
    child_ids: list[int],
    students: dict[int, Student],
    since: dt.datetime | None,
) -> GuardianNotices:
    assert guardian.id is not None
    bindings = await uow.repo(TelegramBinding).find(
        school_id=guardian.school_id,
        person_kind=PersonKind.GUARDIAN,
        person_id=guardian.id,
        unbound_at=None,
    )
    unreachable = [
        at for b in bindings if (at := await chat_unreachable_since(uow, b.telegram_user_id))
    ]
    found = [
        n
        for n in await uow.repo(Notice).find(
            recipient_kind=PersonKind.GUARDIAN, recipient_id=guardian.id
        )
        if n.student_id in child_ids
        and (since is None or n.created_at >= since)
        # a reminder is about other notices: counting it would make the guardian look worse
        and n.kinds != [EventKind.ACK_REMINDER]
    ]
    # acknowledged is delivered, whatever the worker has recorded yet: the guardian's press can
    # come before the worker has written down Telegram's answer
    delivered = [n for n in found if n.status in DELIVERED or n.acknowledged_at is not None]
    waiting = sorted(
        (n for n in delivered if n.acknowledged_at is None),
        key=lambda n: (n.sent_at or n.created_at, n.id or 0),
    )
    record = await latest_consent(uow, guardian.id)
    names = {i: child_label(s.first_name, s.last_name) for i, s in students.items()}
    return GuardianNotices(
        guardian_id=guardian.id,
        guardian=guardian.full_name,
        children=", ".join(names[i] for i in child_ids),
        consent=record.answer if record else None,
        connected=bool(bindings),
        unreachable_since=min(unreachable) if unreachable else None,
        delivered=len(delivered),
        acknowledged=sum(1 for n in delivered if n.acknowledged_at is not None),
        undelivered=sum(1 for n in found if n.status in UNDELIVERED and n.acknowledged_at is None),
        waiting=[
            WaitingNotice(n.id or 0, names.get(n.student_id or 0, ""), list(n.kinds), n.sent_at)
            for n in waiting
        ],
    )
