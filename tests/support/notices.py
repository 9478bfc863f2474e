"""Helpers for notice tests: bound accounts and consent written straight into the tiny school, a
channel that records what it is asked to send, and a lesson of 5А to keep."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from core.model.identity import ConsentAnswer, ConsentChannel, ConsentRecord, PersonKind
from core.model.identity import TelegramBinding as Binding
from core.model.journal import Lesson
from core.model.notices import Notice
from core.services import journal
from core.services.journal import LessonKey
from core.services.notice_delivery import Outcome, SendResult
from storage.uow import Database
from tests.support.actors import staff
from tests.support.seeded import Seeded

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1 of 5А

# chat ids of the accounts the tests bind
OLGA, PAVEL, ARTEM, VERA = 501, 502, 601, 602


async def bind(db: Database, school: Seeded, kind: PersonKind, person_id: int, chat: int) -> int:
    async with db.uow() as uow:
        binding = Binding(
            school_id=school.school_id, telegram_user_id=chat, person_kind=kind,
            person_id=person_id, bound_at=DURING - dt.timedelta(days=3),
        )  # fmt: skip
        await uow.repo(Binding).add(binding)
        await uow.commit()
    assert binding.id is not None
    return binding.id


async def consent(
    db: Database, school: Seeded, guardian_id: int, answer: ConsentAnswer, at: dt.datetime
) -> None:
    async with db.uow() as uow:
        await uow.repo(ConsentRecord).add(
            ConsentRecord(
                school_id=school.school_id, guardian_id=guardian_id, answer=answer,
                channel=ConsentChannel.PAPER, recorded_at=at, recorded_by="cli:test",
            )
        )  # fmt: skip
        await uow.commit()


@dataclass
class Family:
    olga: int  # guardian of Артём (5А) and Ева (5Б): bound, consented
    pavel: int  # guardian of Вера (5А): bound, no consent
    artem: int
    vera: int


async def connect_family(db: Database, school: Seeded) -> Family:
    family = Family(
        olga=school.guardians["Алексеева Ольга"],
        pavel=school.guardians["Борисов Павел"],
        artem=school.students["Алексеев"],
        vera=school.students["Борисова"],
    )
    await bind(db, school, PersonKind.GUARDIAN, family.olga, OLGA)
    await consent(db, school, family.olga, ConsentAnswer.GIVEN, DURING - dt.timedelta(days=2))
    await bind(db, school, PersonKind.GUARDIAN, family.pavel, PAVEL)
    await bind(db, school, PersonKind.STUDENT, family.artem, ARTEM)
    return family


async def math_5a(db: Database, school: Seeded, day: dt.date = MONDAY) -> Lesson:
    async with db.uow() as uow:
        return await journal.open_lesson(
            uow, staff(school, "Кузнецова"), LessonKey(school.groups["5А"], day, 1)
        )


async def all_notices(db: Database) -> list[Notice]:
    async with db.uow() as uow:
        return list(await uow.repo(Notice).find())


@dataclass
class FakeChannel:
    """Answers from ``script`` first (per chat, in order), then success; records what went."""

    delay: float = 0.0
    script: dict[int, list[SendResult]] = field(default_factory=dict)
    sent: list[tuple[int, str, int]] = field(default_factory=list)  # chat, text, notice id
    calls: int = 0

    async def send(
        self, chat_id: int, text: str, notice_id: int, *, reply: bool = False
    ) -> SendResult:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        queued = self.script.get(chat_id)
        if queued:
            return queued.pop(0)
        self.sent.append((chat_id, text, notice_id))
        return SendResult(Outcome.SENT, message_id=1000 + len(self.sent))

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text, _ in self.sent if chat == chat_id]
