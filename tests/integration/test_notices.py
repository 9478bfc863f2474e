"""Notices on a real database (SQLite, or PostgreSQL with DNEVNIK_TEST_DATABASE_URL): who gets
what, coalescing, quiet hours and digests with a frozen clock, every answer of the channel, the
acknowledgement, the class teacher's view, and exactly-once with two workers at once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.events import EventKind, OutboxEvent
from core.model.audit import AuditEntry
from core.model.grading import WorkType
from core.model.identity import Actor, ConsentAnswer, PersonKind, Role, TelegramBinding
from core.model.journal import AbsenceKind
from core.model.notices import DeliveryMode, Notice, NoticeStatus, NoticeTopic, UnreachableChat
from core.rules.notices import NoticeRules
from core.services import journal, lesson_content, notice_status, notices, substitutions
from core.services.errors import NotFound
from core.services.journal import LessonKey
from core.services.notice_delivery import Outcome, SendResult
from notifications.worker import Worker, WorkerConfig, WorkReport
from storage.notice_queue import SqlNoticeStore, claim_due, status_counts
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.notices import (
    ARTEM,
    DURING,
    MONDAY,
    OLGA,
    PAVEL,
    VERA,
    FakeChannel,
    Family,
    all_notices,
    bind,
    connect_family,
    consent,
    math_5a,
)
from tests.support.seeded import Seeded, seed_tiny_school

RULES = NoticeRules(retry_base=dt.timedelta(seconds=2), max_attempts=3)
FAST = WorkerConfig(rate=1000.0, per_chat_interval=0.0, rules=RULES, worker_id="w1")


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


@pytest.fixture
async def family(db: Database, school: Seeded) -> Family:
    return await connect_family(db, school)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(DURING)


def worker(db: Database, clock: MovableClock, channel: FakeChannel, **changes: Any) -> Worker:
    config = dataclasses.replace(FAST, **changes)
    return Worker(db, channel, config=config, clock=clock)


async def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polling a fake's counter is enough here
            await asyncio.sleep(0.01)


def teacher(school: Seeded) -> Actor:
    return staff(school, "Кузнецова")


async def work_type(db: Database, school: Seeded) -> int:
    async with db.uow() as uow:
        [first, *_] = await uow.repo(WorkType).find(school_id=school.school_id)
    assert first.id is not None
    return first.id


async def mark(db: Database, school: Seeded, lesson_id: int, student: int, value: str,
               at: dt.datetime) -> None:  # fmt: skip
    async with db.uow() as uow:
        wt = await work_type(db, school)
        await journal.post_mark(uow, teacher(school), lesson_id, student, wt, value, at)


def guardian_actor(school: Seeded, guardian_id: int, chat: int) -> Actor:
    return Actor(
        telegram_user_id=chat, school_id=school.school_id, kind=PersonKind.GUARDIAN,
        person_id=guardian_id, name="", role=Role.GUARDIAN, roles=frozenset({Role.GUARDIAN}),
    )  # fmt: skip


# --- who gets what --------------------------------------------------------------------------


async def test_an_absence_reaches_the_consenting_guardian_and_the_student_only(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        absent = {family.artem: AbsenceKind.ILL, family.vera: AbsenceKind.ABSENT}
        await journal.save_attendance(uow, teacher(school), lesson.id or 0, absent, DURING)
    channel = FakeChannel()
    report = await worker(db, clock, channel).work_once()
    assert report.events == 2 and report.outcomes["sent"] == 2
    assert sorted(chat for chat, _, _ in channel.sent) == [OLGA, ARTEM]  # Павел has no consent
    [to_olga] = channel.to(OLGA)
    assert to_olga.startswith("📓 Артём А.: новое в журнале")
    assert "07.09, Математика, 1-й урок: болел(а)" in to_olga
    assert "Алексеев " not in to_olga and "5А" not in to_olga  # minimum personal data
    found = await all_notices(db)
    assert {n.status for n in found} == {NoticeStatus.SENT}
    assert all(n.message_id and n.text and n.sent_at == DURING for n in found)
    async with db.uow() as uow:
        assert all(e.processed_at for e in await uow.repo(OutboxEvent).find())
    assert (await worker(db, clock, channel).work_once()).busy is False  # nothing twice


async def test_unbound_refused_or_uninterested_recipients_get_nothing(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await consent(db, school, family.pavel, ConsentAnswer.REFUSED, DURING)
    async with db.uow() as uow:  # the student unbound
        [binding] = await uow.repo(TelegramBinding).find(
            person_id=family.artem, person_kind=PersonKind.STUDENT
        )
        binding.unbound_at = DURING
        await uow.commit()
        olga = guardian_actor(school, family.olga, OLGA)
        topics = [t for t in NoticeTopic if t is not NoticeTopic.ABSENCES]
        await notices.set_preferences(uow, olga, DURING, topics=topics)
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        absent = {family.artem: AbsenceKind.ILL, family.vera: AbsenceKind.ABSENT}
        await journal.save_attendance(uow, teacher(school), lesson.id or 0, absent, DURING)
    channel = FakeChannel()
    report = await worker(db, clock, channel).work_once()
    assert report.events == 2 and channel.sent == [] and await all_notices(db) == []
    async with db.uow() as uow:  # the preference change is audited
        assert len(await uow.repo(AuditEntry).find(action="notice_preference.create")) == 1


async def test_group_wide_events_reach_every_student_of_the_group_and_their_guardians(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await bind(db, school, PersonKind.STUDENT, family.vera, VERA)
    await consent(db, school, family.pavel, ConsentAnswer.GIVEN, DURING)
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await lesson_content.set_homework(uow, teacher(school), lesson.id or 0, "№ 5, 7", DURING)
    async with db.uow() as uow:
        await lesson_content.message_guardians(
            uow, teacher(school), lesson.id or 0, "Завтра экскурсия", DURING
        )
    channel = FakeChannel()
    await worker(db, clock, channel).work_once()
    homework = [(c, t) for c, t, _ in channel.sent if "Домашнее задание" in t]
    assert sorted(c for c, _ in homework) == [OLGA, PAVEL, ARTEM, VERA]
    assert "Домашнее задание, Математика, на 08.09: № 5, 7" in dict(homework)[OLGA]
    messages = [(c, t) for c, t, _ in channel.sent if "Сообщение от учителя" in t]
    assert sorted(c for c, _ in messages) == [OLGA, PAVEL]  # to guardians only
    assert "Сообщение от учителя (Кузнецова А. С.):\nЗавтра экскурсия" in dict(messages)[OLGA]


# --- coalescing, quiet hours, digests ---------------------------------------------------------


async def test_five_marks_of_one_lesson_become_one_message(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    lesson = await math_5a(db, school)
    channel = FakeChannel()
    w = worker(db, clock, channel)
    for value in "54345":
        await mark(db, school, lesson.id or 0, family.artem, value, clock.now())
        await w.work_once()  # fanned out at once, held for the window
        clock.advance(seconds=1)
    assert channel.sent == []
    clock.advance(seconds=0.5)  # five seconds after the first mark
    await w.work_once()
    assert sorted(c for c, _, _ in channel.sent) == [OLGA, ARTEM]
    [text] = channel.to(OLGA)
    assert text.count("Математика: отметка") == 5
    assert all(len(n.event_ids) == 5 for n in await all_notices(db))


async def test_quiet_hours_hold_a_notice_until_morning_but_not_an_urgent_one(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    lesson = await math_5a(db, school)
    clock.at = dt.datetime(2026, 9, 7, 19, 30, tzinfo=dt.UTC)  # 22:30 in Moscow
    await mark(db, school, lesson.id or 0, family.artem, "5", clock.now())
    async with db.uow() as uow:  # tomorrow's first lesson is given by another teacher
        deputy = staff(school, "Кузнецова", Role.DEPUTY)
        key = LessonKey(school.groups["5А"], MONDAY + dt.timedelta(days=1), 1)
        await substitutions.substitute(uow, deputy, key, school.staff["Смирнов"], clock.now())
    channel = FakeChannel()
    w = worker(db, clock, channel)
    await w.work_once()
    assert sorted(c for c, _, _ in channel.sent) == [OLGA, ARTEM]
    assert all(t.startswith("❗") and "замена — урок ведёт Смирнов О. И." in t
               for _, t, _ in channel.sent)  # fmt: skip
    held = [n for n in await all_notices(db) if n.status is NoticeStatus.PENDING]
    morning = dt.datetime(2026, 9, 8, 4, 0, tzinfo=dt.UTC)  # 07:00 in Moscow
    assert len(held) == 2 and {n.due_at for n in held} == {morning}
    clock.at = morning - dt.timedelta(minutes=1)
    await w.work_once()
    assert len(channel.sent) == 2
    clock.at = morning
    await w.work_once()
    assert len(channel.sent) == 4 and "отметка 5" in channel.to(OLGA)[1]


async def test_a_digest_gathers_the_day_in_the_evening(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    async with db.uow() as uow:
        olga = guardian_actor(school, family.olga, OLGA)
        await notices.set_preferences(uow, olga, DURING, mode=DeliveryMode.DIGEST)
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, teacher(school), lesson.id or 0, {family.artem: AbsenceKind.LATE}, DURING
        )
    await mark(db, school, lesson.id or 0, family.artem, "4", DURING)
    async with db.uow() as uow:
        await lesson_content.set_homework(uow, teacher(school), lesson.id or 0, "№ 9", DURING)
    channel = FakeChannel()
    w = worker(db, clock, channel)
    clock.advance(seconds=10)
    await w.work_once()
    # Артём gets them at once: the absence and the mark of one lesson together, the homework
    assert channel.to(OLGA) == [] and len(channel.to(ARTEM)) == 2
    clock.at = dt.datetime(2026, 9, 7, 16, 0, tzinfo=dt.UTC)  # 19:00 in Moscow
    await w.work_once()
    [digest] = channel.to(OLGA)
    assert digest.startswith("🗓 Артём А.: сводка за день") and digest.count("• ") == 3


# --- delivery: every answer of the channel ------------------------------------------------------


async def absence(db: Database, school: Seeded, family: Family) -> None:
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, teacher(school), lesson.id or 0, {family.artem: AbsenceKind.ILL}, DURING
        )


async def notice_to(db: Database, chat: int) -> Notice:
    [found] = [n for n in await all_notices(db) if n.chat_id == chat]
    return found


async def test_429_pauses_everything_and_the_same_notice_goes_after_it(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    channel = FakeChannel(script={OLGA: [SendResult(Outcome.FLOOD, retry_after=0.3)]})
    w = worker(db, clock, channel)
    started = asyncio.get_running_loop().time()
    report = await w.work_once()
    assert report.floods == 1 and report.outcomes["sent"] == 2
    assert asyncio.get_running_loop().time() - started >= 0.25
    assert len(channel.to(OLGA)) == 1 and (await notice_to(db, OLGA)).attempts == 0


async def test_telegram_unreachable_for_long_loses_nothing_and_recovers_by_itself(
    db: Database,
    school: Seeded,
    family: Family,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await absence(db, school, family)
    down = SendResult(Outcome.OFFLINE, error="network: Cannot connect to host")
    # far more failed connections than RULES.max_attempts (3) allows for server errors
    channel = FakeChannel(script={OLGA: [down] * 6, ARTEM: [down] * 6})
    w = worker(db, clock, channel, offline_pause=0.01, offline_pause_cap=0.05)
    report = await w.work_once()
    assert report.outcomes["sent"] == 2  # the same round waited the outage out
    for chat in (OLGA, ARTEM):
        notice = await notice_to(db, chat)
        assert notice.status is NoticeStatus.SENT and notice.attempts == 0
        assert len(channel.to(chat)) == 1
    assert "Telegram unreachable (network: Cannot connect to host): sending paused" in caplog.text
    assert "Telegram is reachable again after" in caplog.text


async def test_server_errors_back_off_then_give_up(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    error = SendResult(Outcome.RETRY, error="5xx Internal Server Error")
    channel = FakeChannel(script={OLGA: [error, error, error], ARTEM: [error]})
    w = worker(db, clock, channel)
    await w.work_once()
    first = await notice_to(db, OLGA)
    assert first.status is NoticeStatus.PENDING and first.attempts == 1
    assert first.next_attempt_at == DURING + dt.timedelta(seconds=2)
    clock.advance(seconds=2)
    await w.work_once()
    assert (await notice_to(db, ARTEM)).status is NoticeStatus.SENT
    assert (await notice_to(db, OLGA)).next_attempt_at == clock.now() + dt.timedelta(seconds=4)
    clock.advance(seconds=4)
    await w.work_once()
    gave_up = await notice_to(db, OLGA)
    assert gave_up.status is NoticeStatus.FAILED and gave_up.attempts == 3
    assert channel.to(OLGA) == []


async def test_403_makes_the_chat_unreachable_for_the_class_teacher_to_see(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    blocked = SendResult(Outcome.BLOCKED, error="403 Forbidden: bot was blocked by the user")
    channel = FakeChannel(script={OLGA: [blocked]})
    w = worker(db, clock, channel)
    await w.work_once()
    assert (await notice_to(db, OLGA)).status is NoticeStatus.UNREACHABLE
    async with db.uow() as uow:
        [chat] = await uow.repo(UnreachableChat).find()
    assert chat.chat_id == OLGA and chat.cleared_at is None
    await mark(db, school, (await math_5a(db, school)).id or 0, family.artem, "5", DURING)
    clock.advance(seconds=10)
    await w.work_once()  # later notices are kept for the paper list, not sent
    assert channel.calls == 3 and channel.to(OLGA) == []  # 403 once, then Артём twice
    olga_notices = [n for n in await all_notices(db) if n.chat_id == OLGA]
    assert [n.status for n in olga_notices] == [NoticeStatus.UNREACHABLE] * 2
    async with db.uow() as uow:
        ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, school.classes["5А"], MONDAY)
    olga = next(line for line in view if line.guardian_id == family.olga)
    assert olga.unreachable_since == DURING and olga.undelivered == 2 and olga.needs_paper
    async with db.uow() as uow:  # the user unblocks the bot: notices go again
        assert await notices.mark_reachable(uow, OLGA, clock.now())


async def test_an_uncertain_notice_is_never_sent_again(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    timeout = SendResult(Outcome.UNCERTAIN, error="timeout after 10 s")
    channel = FakeChannel(script={OLGA: [timeout]})
    w = worker(db, clock, channel)
    await w.work_once()
    clock.advance(minutes=30)
    await w.work_once()
    assert channel.calls == 2 and (await notice_to(db, OLGA)).status is NoticeStatus.UNCERTAIN
    async with db.uow() as uow:
        assert (await status_counts(uow))["uncertain"] == 1


async def test_a_worker_that_died_mid_request_leaves_uncertain_never_pending(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    channel = FakeChannel(delay=30)
    dying = worker(db, clock, channel, worker_id="dies")
    task = asyncio.create_task(dying.work_once())
    await wait_until(lambda: channel.calls == 2)
    task.cancel()  # killed while both requests are out
    with pytest.raises(asyncio.CancelledError):
        await task
    assert {n.status for n in await all_notices(db)} == {NoticeStatus.SENDING}
    clock.advance(minutes=1)
    report = await worker(db, clock, FakeChannel()).work_once()
    assert report.recovered == 2
    assert {n.status for n in await all_notices(db)} == {NoticeStatus.UNCERTAIN}


async def test_a_notice_that_cannot_be_prepared_fails_after_a_few_tries(
    db: Database, school: Seeded, family: Family, clock: MovableClock, monkeypatch: Any
) -> None:
    await absence(db, school, family)

    def broken(content: object) -> str:
        raise RuntimeError("a bug in a text")

    monkeypatch.setattr("notifications.texts.render", broken)
    w = worker(db, clock, FakeChannel(), lease=10.0)
    for _ in range(3):
        await w.work_once()
        clock.advance(seconds=11)  # the claim's lease runs out: it is tried again
    failed = await all_notices(db)
    assert {n.status for n in failed} == {NoticeStatus.FAILED}
    assert all("a bug in a text" in (n.last_error or "") for n in failed)


async def test_a_notice_is_held_when_consent_is_withdrawn_before_it_goes(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    lesson = await math_5a(db, school)
    await mark(db, school, lesson.id or 0, family.artem, "5", DURING)
    channel = FakeChannel()
    w = worker(db, clock, channel)
    await w.work_once()  # fanned out, waiting for the window
    await consent(db, school, family.olga, ConsentAnswer.WITHDRAWN, DURING)
    clock.advance(seconds=5)
    await w.work_once()
    assert channel.to(OLGA) == [] and len(channel.to(ARTEM)) == 1
    held = await notice_to(db, OLGA)
    assert held.status is NoticeStatus.HELD and held.text is None


# --- acknowledgement (INF-2) ------------------------------------------------------------------


async def test_acknowledged_once_by_the_recipient_only(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    await worker(db, clock, FakeChannel()).work_once()
    notice = await notice_to(db, OLGA)
    olga = guardian_actor(school, family.olga, OLGA)
    stranger = guardian_actor(school, family.pavel, PAVEL)
    later = DURING + dt.timedelta(hours=1)
    async with db.uow() as uow:
        with pytest.raises(NotFound):
            await notices.acknowledge(uow, stranger, notice.id or 0, later)
        first = await notices.acknowledge(uow, olga, notice.id or 0, later)
    async with db.uow() as uow:
        again = await notices.acknowledge(uow, olga, notice.id or 0, later + dt.timedelta(hours=1))
    assert first.first and not again.first and again.at == later
    async with db.uow() as uow:
        [entry] = await uow.repo(AuditEntry).find(action="notice.acknowledge")
        ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, school.classes["5А"], MONDAY)
    assert entry.actor == f"guardian:{family.olga}" and entry.after == {
        "acknowledged_at": later.isoformat(),
        "version": notice.version + 1,
    }
    lines = {line.guardian_id: line for line in view}
    assert lines[family.olga].delivered == 1 and lines[family.olga].acknowledged == 1
    assert lines[family.olga].waiting == [] and not lines[family.olga].needs_paper
    assert lines[family.pavel].delivered == 0 and lines[family.pavel].needs_paper  # no consent


async def test_two_presses_at_once_record_one_acknowledgement(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    await worker(db, clock, FakeChannel()).work_once()
    notice = await notice_to(db, OLGA)
    olga = guardian_actor(school, family.olga, OLGA)

    async def press(seconds: int) -> notices.Acknowledged:
        async with db.uow() as uow:
            at = DURING + dt.timedelta(seconds=seconds)
            return await notices.acknowledge(uow, olga, notice.id or 0, at)

    first, second = await asyncio.gather(press(1), press(2))
    assert sorted([first.first, second.first]) == [False, True]
    assert first.at == second.at
    async with db.uow() as uow:
        assert len(await uow.repo(AuditEntry).find(action="notice.acknowledge")) == 1


async def test_the_class_teacher_sees_who_has_not_acknowledged(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    await worker(db, clock, FakeChannel()).work_once()
    async with db.uow() as uow:
        ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, school.classes["5А"], MONDAY)
        with pytest.raises(Exception, match="недоступно"):
            other = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
            await notice_status.class_acknowledgements(uow, other, school.classes["5А"], MONDAY)
    olga = next(line for line in view if line.guardian_id == family.olga)
    [waiting] = olga.waiting
    assert waiting.child == "Артём А." and waiting.kinds == [EventKind.ABSENCE_MARKED]
    assert olga.children == "Артём А." and olga.consent is ConsentAnswer.GIVEN


async def test_an_acknowledgement_counts_before_the_worker_records_the_send(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    await worker(db, clock, FakeChannel()).work_once()
    async with db.uow() as uow:  # the press came before the worker wrote Telegram's answer down
        notice = await notice_to(db, OLGA)
        stored = await uow.repo(Notice).get(notice.id or 0)
        assert stored is not None
        stored.status, stored.acknowledged_at = NoticeStatus.SENDING, DURING
        stored.version += 1
        await uow.commit()
    async with db.uow() as uow:
        ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, school.classes["5А"], MONDAY)
    olga = next(line for line in view if line.guardian_id == family.olga)
    assert (olga.delivered, olga.acknowledged, olga.waiting) == (1, 1, [])


# --- exactly once with several workers ----------------------------------------------------------


async def test_two_workers_at_once_send_every_notice_exactly_once(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await bind(db, school, PersonKind.STUDENT, family.vera, VERA)
    await consent(db, school, family.pavel, ConsentAnswer.GIVEN, DURING)
    lesson = await math_5a(db, school)
    wt = await work_type(db, school)
    for round_ in range(6):  # 6 × 2 marks of separate lessons' keys: many events, many notices
        async with db.uow() as uow:
            await journal.post_marks(
                uow, teacher(school), lesson.id or 0, wt,
                [(family.artem, "5"), (family.vera, "4")], DURING,
            )  # fmt: skip
        async with db.uow() as uow:
            await lesson_content.message_guardians(
                uow, teacher(school), lesson.id or 0, f"Сообщение {round_}", DURING
            )
    channel = FakeChannel(delay=0.005)
    # small batches, so that the two interleave their claims instead of one taking everything
    first, second = (
        worker(db, clock, channel, worker_id=name, batch=3, events_batch=2) for name in "ab"
    )
    sent_by = {"a": 0, "b": 0}
    for _ in range(4):
        a, b = await asyncio.gather(first.work_once(), second.work_once())
        sent_by["a"] += a.outcomes["sent"]
        sent_by["b"] += b.outcomes["sent"]
        clock.advance(seconds=5)  # past the marks' window
    assert sent_by["a"] > 0 and sent_by["b"] > 0, sent_by
    found = await all_notices(db)
    # marks coalesce per recipient (Ольга, Артём, Павел, Вера): 4; messages: 6 × 2 guardians
    assert len(found) == 4 + 12
    assert {n.status for n in found} == {NoticeStatus.SENT}
    assert sorted(n for _, _, n in channel.sent) == sorted(n.id or 0 for n in found)  # once each
    async with db.uow() as uow:
        events = await uow.repo(OutboxEvent).find()
    assert len(events) == 18 and all(e.processed_at for e in events)
    assert sum(len(n.event_ids) for n in found) == 12 * 2 + 12  # each event's notices once


async def test_a_claim_whose_lease_ran_out_goes_to_one_worker_only(
    db: Database, school: Seeded, family: Family, clock: MovableClock
) -> None:
    await absence(db, school, family)
    slow, fast = FakeChannel(), FakeChannel()
    first = worker(db, clock, slow, worker_id="slow", lease=60.0)
    await first._fan_out(WorkReport())
    async with db.uow() as uow:
        claims = await claim_due(
            uow, now=clock.now(), worker="slow", until=clock.now() + dt.timedelta(seconds=60),
            limit=10,
        )  # fmt: skip
    assert len(claims) == 2
    clock.advance(seconds=61)  # the slow worker's lease ran out: another takes its notices
    await worker(db, clock, fast, worker_id="fast").work_once()
    assert len(fast.sent) == 2
    await first._dispatch(claims, asyncio.Event(), WorkReport())  # the slow one wakes up
    assert slow.calls == 0  # and finds them taken


async def test_one_worker_fans_out_at_a_time(
    db: Database, school: Seeded, family: Family, on_sqlite: bool
) -> None:
    if on_sqlite:
        pytest.skip("SQLite has one writer at a time anyway")
    await absence(db, school, family)
    async with db.uow() as holder:
        held = await SqlNoticeStore(holder).claim_events(10)
        assert len(held) == 1
        async with db.uow() as other:
            assert await SqlNoticeStore(other).claim_events(10) == []
