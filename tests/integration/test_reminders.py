"""Reminders of the scheduled jobs, a guardian's reply to a teacher, and the class teacher told of
a guardian lost to Telegram — on a real database, delivered by the real worker to a recording
channel, with a frozen clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.events import EventKind
from core.model.identity import Actor, PersonKind, Role
from core.model.journal import AbsenceKind
from core.model.notices import GuardianReply, Notice
from core.rules.notices import NoticeRules
from core.services import journal, lesson_content, notices, reminders, replies
from core.services.errors import AccessDenied, NotFound, Refused
from notifications.worker import Worker, WorkerConfig
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.lookups import audit, events
from tests.support.notices import (
    DURING,
    OLGA,
    PAVEL,
    FakeChannel,
    Family,
    bind,
    connect_family,
    math_5a,
)
from tests.support.seeded import Seeded, seed_tiny_school

FAST = WorkerConfig(rate=1000.0, per_chat_interval=0.0, rules=NoticeRules(), worker_id="w1")
KUZNETSOVA, IVANOVA = 701, 702  # the teachers' chats
MSK = dt.timezone(dt.timedelta(hours=3))


def at(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    """A moment of September 2026, Moscow time, as UTC."""
    return dt.datetime(2026, 9, day, hour, minute, tzinfo=MSK).astimezone(dt.UTC)


@pytest.fixture
async def school(db: Database) -> Seeded:
    seeded = await seed_tiny_school(db)
    await bind(db, seeded, PersonKind.STAFF, seeded.staff["Кузнецова"], KUZNETSOVA)
    await bind(db, seeded, PersonKind.STAFF, seeded.staff["Иванова"], IVANOVA)
    return seeded


@pytest.fixture
async def family(db: Database, school: Seeded) -> Family:
    return await connect_family(db, school)


async def deliver(db: Database, now: dt.datetime) -> FakeChannel:
    channel = FakeChannel()
    worker = Worker(db, channel, config=dataclasses.replace(FAST), clock=MovableClock(now))
    await worker.work_once()
    return channel


async def run(db: Database, now: dt.datetime) -> reminders.RemindersSent:
    async with db.uow() as uow:
        return await reminders.run_reminders(uow, now, ack_after_days=3)


def guardian(school: Seeded, guardian_id: int, chat: int) -> Actor:
    return Actor(
        telegram_user_id=chat, school_id=school.school_id, kind=PersonKind.GUARDIAN,
        person_id=guardian_id, name="", role=Role.GUARDIAN, roles=frozenset({Role.GUARDIAN}),
    )  # fmt: skip


# --- teachers -------------------------------------------------------------------------------


async def test_lessons_without_attendance_are_reminded_once_in_the_afternoon(
    db: Database, school: Seeded
) -> None:
    assert (await run(db, at(14, 50))).staff == 0  # before 15:00 nobody is disturbed
    lesson = await math_5a(db, school)  # 5А, lesson 1: attendance taken
    async with db.uow() as uow:
        await journal.save_attendance(uow, staff(school, "Кузнецова"), lesson.id or 0, {}, at(9))
    sent = await run(db, at(15, 30))
    # 5Б math (Кузнецова), 5А English 1 (Иванова), 5А English 2 (Смирнов: not bound)
    assert sent.staff == 3
    assert (await run(db, at(16, 30))).staff == 0  # each reminder once
    channel = await deliver(db, at(15, 31))
    [to_kuznetsova] = channel.to(KUZNETSOVA)  # her lessons in one message
    assert to_kuznetsova == (
        "🔔 Школьный журнал\n"
        "• 07.09, 2-й урок, 5Б, Математика: не отмечена посещаемость (отметить можно только "
        "сегодня)"
    )
    [to_ivanova] = channel.to(IVANOVA)
    assert "5А англ. 1, Английский язык: не отмечена посещаемость" in to_ivanova


async def test_homework_is_reminded_after_the_class_lessons_while_the_deadline_runs(
    db: Database, school: Seeded
) -> None:
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await lesson_content.set_homework(
            uow, staff(school, "Кузнецова"), lesson.id or 0, "№ 12, 14", at(9, 10)
        )
    assert (await run(db, at(10, 0))).staff == 0  # 5А's lessons end at 10:10
    await run(db, at(10, 30))
    whats = sorted(
        (e.payload["group_id"], e.payload["lesson_number"])
        for e in await events(db, EventKind.STAFF_REMINDER)
        if e.payload["what"] == "homework"
    )
    groups = {v: k for k, v in school.groups.items()}
    assert [(groups[g], n) for g, n in whats] == [("5Б", 2), ("5А англ. 1", 2), ("5А англ. 2", 2)]
    channel = await deliver(db, at(10, 31))
    [text] = channel.to(KUZNETSOVA)
    assert (
        "07.09, 2-й урок, 5Б, Математика: не записано домашнее задание — срок до 07.09 11:40"
        in (text)
    )
    before = len(await events(db, EventKind.STAFF_REMINDER))
    await run(db, at(11, 50))  # the deadline has passed: a reminder would not help any more
    assert len(await events(db, EventKind.STAFF_REMINDER)) == before


# --- guardians ------------------------------------------------------------------------------


async def absence_notice(db: Database, school: Seeded, family: Family) -> None:
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, staff(school, "Кузнецова"), lesson.id or 0, {family.artem: AbsenceKind.ILL}, DURING
        )
    await deliver(db, DURING)


async def test_unacknowledged_notices_are_reminded_after_three_days_once(
    db: Database, school: Seeded, family: Family
) -> None:
    await absence_notice(db, school, family)
    assert (await run(db, at(19, 0, day=9))).guardians == 0  # two days: not yet
    assert (await run(db, at(19, 0, day=10))).guardians == 1  # Ольга about Артём
    assert (await run(db, at(19, 0, day=11))).guardians == 0  # once
    channel = await deliver(db, at(19, 1, day=10))
    [text] = channel.to(OLGA)
    assert text == (
        "📓 Артём А.: новое в журнале\n"
        "• Напоминание: уведомлений без отметки «Ознакомлен» — 1 (с 07.09). "
        "Нажмите «✅ Ознакомлен» под каждым из них."
    )
    assert channel.to(PAVEL) == []  # no consent, nothing was sent, nothing to remind


async def test_the_class_teacher_reminds_one_guardian_by_hand_once_a_day(
    db: Database, school: Seeded, family: Family
) -> None:
    await absence_notice(db, school, family)
    ivanova = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        done = await reminders.remind_guardian(
            uow, ivanova, school.classes["5А"], family.olga, at(12)
        )
    assert done == reminders.Reminded("Алексеева Ольга Ивановна", 1)
    [entry] = await audit(db, "notice.remind")
    assert entry.actor == ivanova.audit_name
    async with db.uow() as uow:
        with pytest.raises(Refused, match="уже напоминали"):
            await reminders.remind_guardian(uow, ivanova, school.classes["5А"], family.olga, at(13))
    smirnov = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await reminders.remind_guardian(uow, smirnov, school.classes["5А"], family.olga, at(12))
    assert "Напоминание" in (await deliver(db, at(12, 1))).to(OLGA)[0]


async def test_holidays_are_announced_three_days_ahead_to_the_families(
    db: Database, school: Seeded, family: Family
) -> None:
    october = dt.datetime(2026, 10, 21, 12, 0, tzinfo=MSK)  # autumn holidays from 25.10
    assert (await run(db, october)).holidays == 0  # four days ahead
    assert (await run(db, october + dt.timedelta(days=1))).holidays == 2  # 5А and 5Б
    assert (await run(db, october + dt.timedelta(days=2))).holidays == 0
    channel = await deliver(db, october + dt.timedelta(days=1, minutes=1))
    texts = channel.to(OLGA)
    assert len(texts) == 2  # one per child: Артём (5А), Ева (5Б)
    assert all("Осенние: с 25.10 по 04.11 — уроков нет" in t for t in texts)


# --- a guardian answers a teacher (INF-6) ---------------------------------------------------


async def teacher_message(db: Database, school: Seeded, family: Family) -> int:
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await lesson_content.message_guardians(
            uow, staff(school, "Кузнецова"), lesson.id or 0, "Завтра контрольная", DURING,
            family.artem,
        )  # fmt: skip
    channel = await deliver(db, DURING)
    [(_, _, notice_id)] = [s for s in channel.sent if s[0] == OLGA]
    return notice_id


async def test_a_guardian_answers_a_teacher_and_the_teacher_gets_it(
    db: Database, school: Seeded, family: Family
) -> None:
    notice_id = await teacher_message(db, school, family)
    olga = guardian(school, family.olga, OLGA)
    async with db.uow() as uow:
        target = await replies.reply_to_teacher(
            uow, olga, notice_id, "  Спасибо, подготовимся.  ", at(12)
        )
    assert target.teacher == "Кузнецова А. С."
    [entry] = await audit(db, "guardian.reply")
    assert entry.actor == olga.audit_name
    channel = await deliver(db, at(12, 1))
    [text] = channel.to(KUZNETSOVA)
    assert text == (
        "🔔 Школьный журнал\n"
        "• ✉️ Ответ родителя — Алексеева Ольга Ивановна (Артём А.):\nСпасибо, подготовимся."
    )


async def test_a_reply_is_refused_to_strangers_and_when_empty_or_too_long(
    db: Database, school: Seeded, family: Family
) -> None:
    notice_id = await teacher_message(db, school, family)
    pavel = guardian(school, family.pavel, PAVEL)
    async with db.uow() as uow:
        with pytest.raises(NotFound):  # another guardian's notice
            await replies.reply_to_teacher(uow, pavel, notice_id, "Здравствуйте", at(12))
        with pytest.raises(NotFound):
            await replies.reply_to_teacher(uow, pavel, 10**9, "Здравствуйте", at(12))
    olga = guardian(school, family.olga, OLGA)
    for text, why in (("   ", "пустой"), ("я" * 2001, "слишком длинный")):
        async with db.uow() as uow:
            with pytest.raises(Refused, match=why):
                await replies.reply_to_teacher(uow, olga, notice_id, text, at(12))
    async with db.uow() as uow:
        assert await uow.repo(GuardianReply).find() == []
    assert await events(db, EventKind.GUARDIAN_REPLY) == []


async def test_a_reply_is_refused_to_a_notice_that_is_not_a_teachers_message(
    db: Database, school: Seeded, family: Family
) -> None:
    await absence_notice(db, school, family)
    olga = guardian(school, family.olga, OLGA)
    async with db.uow() as uow:
        [notice] = [n for n in await uow.repo(Notice).find() if n.chat_id == OLGA]
        with pytest.raises(Refused, match="только на сообщения учителя"):
            await replies.reply_to_teacher(uow, olga, notice.id or 0, "?", at(12))


# --- a guardian lost to Telegram (INF-4) ------------------------------------------------------


async def test_the_class_teacher_hears_when_a_guardian_blocks_the_bot(
    db: Database, school: Seeded, family: Family
) -> None:
    async with db.uow() as uow:
        assert await notices.mark_unreachable(uow, OLGA, "blocked", at(12))
        await uow.commit()
    async with db.uow() as uow:  # told once, not on every failed send after
        assert not await notices.mark_unreachable(uow, OLGA, "blocked", at(13))
        await uow.commit()
    told = await events(db, EventKind.CHAT_UNREACHABLE)
    # Ольга's children: Артём (5А, Иванова) and Ева (5Б, Смирнов)
    assert sorted(e.payload["staff_id"] for e in told) == sorted(
        [school.staff["Иванова"], school.staff["Смирнов"]]
    )
    channel = await deliver(db, at(12, 1))
    [text] = channel.to(IVANOVA)
    assert "Алексеева Ольга Ивановна, ребёнок: Артём А. заблокировал(а) бота" in text
    assert "бумажные выписки" in text
