"""Notices end to end: the real worker, Bot and Dispatcher over HTTP to the Bot API emulator, on a
real database. A teacher's absence reaches the guardian within 2 s; «✅ Ознакомлен» is recorded
once; 429, 403, hung requests and a worker killed halfway leave no notice behind or doubled."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.limits import Fault, FloodLimits
from bot.emulator.state import ChatMessage
from bot.factory import build_bot, build_dispatcher
from core.events import OutboxEvent
from core.model.audit import AuditEntry
from core.model.identity import Actor, ConsentAnswer, PersonKind, Role
from core.model.journal import AbsenceKind
from core.model.notices import FINAL_STATUSES, Notice, NoticeStatus, UnreachableChat
from core.rules.notices import NoticeRules
from core.services import identity, journal, lesson_content, notice_status
from core.services.identity import Audience
from notifications.worker import WorkReport, run_worker
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.notices import DURING, MONDAY, all_notices, bind, consent, math_5a
from tests.support.seeded import Seeded, seed_tiny_school

MOTHER = "Алексеева Ольга Ивановна"
FATHER = "Борисов Павел"


@dataclass
class App:
    db: Database
    school: Seeded
    clock: MovableClock
    emu: BotApiEmulator
    bot: Bot
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    worker: asyncio.Task[WorkReport] | None = None

    def start_worker(self, **options: Any) -> None:
        self.stop = asyncio.Event()
        settings: dict[str, Any] = {
            "poll_interval": 0.05, "request_timeout": 2.0, "worker_id": "e2e",
            "rules": NoticeRules(retry_base=dt.timedelta(seconds=1)), **options,
        }  # fmt: skip
        self.worker = asyncio.create_task(
            run_worker(self.db, self.bot, stop=self.stop, clock=self.clock, **settings)
        )

    async def stop_worker(self) -> WorkReport:
        assert self.worker is not None
        self.stop.set()
        return await asyncio.wait_for(self.worker, 10)

    async def kill_worker(self) -> None:
        assert self.worker is not None
        self.worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.worker

    async def codes(self, audience: Audience) -> dict[str, str]:
        coordinator = Actor(
            telegram_user_id=None, school_id=self.school.school_id, kind=PersonKind.STAFF,
            person_id=0, name="", role=Role.COORDINATOR, roles=frozenset({Role.COORDINATOR}),
        )  # fmt: skip
        async with self.db.uow() as uow:
            issued = await identity.issue_class_codes(
                uow, coordinator, self.school.classes["5А"], audience=audience,
                now=self.clock.now(), include_bound=True,
            )  # fmt: skip
        return {i.person_name: i.code for i in issued}

    async def connect(self, user: EmulatedUser, code: str, answer: str | None = None) -> None:
        await user.send(f"/start {code}")
        await user.wait_for_message(lambda m: "Вы подключены" in (m.text or ""))
        if answer is None:  # a student: the menu follows
            await user.wait_for_message(lambda m: "Выберите действие" in (m.text or ""))
            return
        ask = await user.wait_for_message(lambda m: "152-ФЗ" in (m.text or ""))  # a guardian
        await user.press(ask, answer)
        await user.wait_for_answer()
        await user.wait_for_message()


async def wait_until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - the database has no event to wait on
            await asyncio.sleep(0.05)


def is_notice(message: ChatMessage) -> bool:
    return "📓" in (message.text or "") or "🗓" in (message.text or "")


async def next_notice(user: EmulatedUser, timeout: float = 2.0) -> ChatMessage:  # noqa: ASYNC109
    return await user.wait_for_message(is_notice, timeout=timeout, edits=False)


@contextlib.asynccontextmanager
async def running_app(db: Database, flood: FloodLimits | None = None) -> AsyncIterator[App]:
    school = await seed_tiny_school(db)
    clock = MovableClock(DURING)
    async with BotApiEmulator(flood_limits=flood) as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(BotContext(db=db, clock=clock))  # the notices router included
        app = App(db, school, clock, emu, bot)
        try:
            async with emu.polling(dp, bot):
                yield app
                if app.worker is not None and not app.worker.done():
                    await app.stop_worker()
        finally:
            await bot.session.close()


@pytest.fixture
async def app(db: Database) -> AsyncIterator[App]:
    async with running_app(db) as running:
        yield running


def teacher(app: App) -> Actor:
    return staff(app.school, "Кузнецова")


async def absence(app: App, **absent: AbsenceKind) -> None:
    lesson = await math_5a(app.db, app.school)
    ids = {app.school.students[name]: kind for name, kind in absent.items()}
    async with app.db.uow() as uow:
        await journal.save_attendance(uow, teacher(app), lesson.id or 0, ids, app.clock.now())


async def family(app: App) -> tuple[EmulatedUser, EmulatedUser, EmulatedUser]:
    """Ольга (consents), Павел (refuses), Артём (the student), connected through the bot."""
    guardians, students = await app.codes(Audience.GUARDIANS), await app.codes(Audience.STUDENTS)
    olga = app.emu.user(id=2001, first_name="Ольга")
    pavel = app.emu.user(id=2002, first_name="Павел")
    artem = app.emu.user(id=3001, first_name="Артём")
    await app.connect(olga, guardians[MOTHER], "✅ Согласен")
    await app.connect(pavel, guardians[FATHER], "❌ Не согласен")
    await app.connect(artem, students["Алексеев Артём Викторович"])
    for user in (olga, pavel, artem):
        user.skip()
    return olga, pavel, artem


# --- the absence, end to end ----------------------------------------------------------------


async def test_an_absence_reaches_the_consenting_guardian_within_two_seconds_and_is_acknowledged(
    app: App,
) -> None:
    olga, pavel, artem = await family(app)
    app.start_worker()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await absence(app, Алексеев=AbsenceKind.ILL, Борисова=AbsenceKind.ABSENT)
    notice = await next_notice(olga, 2.0)
    assert loop.time() - started < 2.0
    assert notice.text == ("📓 Артём А.: новое в журнале\n• 07.09, Математика, 1-й урок: болел(а)")
    assert notice.button_texts == ["✅ Ознакомлен"]
    own = await next_notice(artem, 2.0)
    assert own.text == "📓 Новое в журнале\n• 07.09, Математика, 1-й урок: болел(а)"
    await asyncio.sleep(0.3)
    assert [m for m in pavel.messages if is_notice(m)] == []  # no consent

    app.clock.advance(minutes=75)  # 10:15 in Moscow
    await olga.press(notice, "✅ Ознакомлен")
    assert (await olga.wait_for_answer()).text == "Спасибо, отмечено."
    edited = await olga.wait_for_message()
    assert edited.text is not None and edited.text.endswith("\n\n✅ Ознакомлен(а) 07.09 10:15")
    assert edited.button_texts == []
    [stored] = [n for n in await all_notices(app.db) if n.chat_id == olga.id]
    await olga.press_data(edited, f"nk:{stored.id}")  # pressed again (a stale copy)
    assert (await olga.wait_for_answer()).text == "Уже отмечено 07.09 10:15."
    async with app.db.uow() as uow:
        assert len(await uow.repo(AuditEntry).find(action="notice.acknowledge")) == 1
        ct = staff(app.school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, app.school.classes["5А"], MONDAY)
    mother = next(line for line in view if line.guardian == MOTHER)
    assert mother.acknowledged == 1 and mother.waiting == []


async def test_someone_elses_notice_cannot_be_acknowledged(app: App) -> None:
    olga, pavel, _ = await family(app)
    app.start_worker()
    await absence(app, Алексеев=AbsenceKind.LATE)
    notice = await next_notice(olga, 2.0)
    [stored] = [n for n in await all_notices(app.db) if n.chat_id == olga.id]
    await pavel.press_data(notice.message_id, f"nk:{stored.id}")  # forged by another parent
    assert (
        await pavel.wait_for_answer()
    ).text == "Не найдено. Возможно, список устарел — откройте меню заново."
    assert [n.acknowledged_at for n in await all_notices(app.db)] == [None, None]


async def test_five_marks_make_one_message_and_preferences_are_kept(app: App) -> None:
    olga, _, artem = await family(app)
    await olga.send("/notices")
    screen = await olga.wait_for_message()
    assert "Тихие часы: 21:00–07:00" in (screen.text or "")
    await olga.press(screen, "✅ Пропуски")  # absences off
    assert "▫️ Пропуски" in (await olga.wait_for_message()).button_texts
    lesson = await math_5a(app.db, app.school)
    async with app.db.uow() as uow:
        [work_type, *_] = await journal.work_types(uow, app.school.school_id)
    app.start_worker()
    await absence(app, Алексеев=AbsenceKind.ABSENT)
    own_absence = await next_notice(artem, 2.0)  # the student gets it at once
    assert "отсутствовал(а) без уважительной причины" in (own_absence.text or "")
    for n, value in enumerate("54345"):  # a mark a second: 2 taps each
        if n:
            app.clock.advance(seconds=1)
        async with app.db.uow() as uow:
            await journal.post_mark(
                uow, teacher(app), lesson.id or 0, app.school.students["Алексеев"],
                work_type.id or 0, value, app.clock.now(),
            )  # fmt: skip
    await asyncio.sleep(0.3)  # the worker has seen them all, still within the window
    assert [m for m in olga.messages if is_notice(m)] == []
    app.clock.advance(seconds=2)
    marks = await next_notice(olga, 3.0)
    assert (marks.text or "").count("Математика: отметка") == 5
    own = await next_notice(artem, 3.0)
    assert (own.text or "").count("Математика: отметка") == 5
    await asyncio.sleep(0.3)
    assert len([m for m in olga.messages if is_notice(m)]) == 1  # absences off


# --- Telegram's refusals ------------------------------------------------------------------------


async def test_an_injected_429_is_honoured_and_nothing_is_lost(app: App) -> None:
    olga, _, artem = await family(app)
    app.emu.inject_fault("sendMessage", Fault.flood(retry_after=1))
    app.start_worker()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await absence(app, Алексеев=AbsenceKind.ILL)
    await next_notice(olga, 4.0)
    await next_notice(artem, 4.0)
    assert loop.time() - started >= 1.0  # everything waited for retry_after
    report = await app.stop_worker()
    assert report.floods == 1 and report.outcomes["sent"] == 2
    assert app.emu.stats.count("sendMessage", 429) == 1
    assert {n.status for n in await all_notices(app.db)} == {NoticeStatus.SENT}


async def test_flood_limits_of_the_emulator_are_honoured(db: Database) -> None:
    # a worker misconfigured to ignore the per-chat gap meets Telegram's 429s and obeys them
    async with running_app(db, FloodLimits(overall_per_second=30, per_chat_per_second=1)) as app:
        # bound straight in the database: the bot's own replies while connecting would meet
        # the per-chat limit too
        olga = app.emu.user(id=2001, first_name="Ольга", started=True)
        artem = app.emu.user(id=3001, first_name="Артём", started=True)
        school = app.school
        await bind(db, school, PersonKind.GUARDIAN, school.guardians["Алексеева Ольга"], olga.id)
        await consent(db, school, school.guardians["Алексеева Ольга"], ConsentAnswer.GIVEN, DURING)
        await bind(db, school, PersonKind.STUDENT, school.students["Алексеев"], artem.id)
        lesson = await math_5a(app.db, app.school)
        async with app.db.uow() as uow:
            await lesson_content.set_homework(uow, teacher(app), lesson.id or 0, "№ 1", DURING)
        async with app.db.uow() as uow:
            await lesson_content.message_guardians(uow, teacher(app), lesson.id or 0, "А", DURING)
        await absence(app, Алексеев=AbsenceKind.ILL)
        app.start_worker(per_chat_interval=0.0)
        got = [await next_notice(olga, 5.0) for _ in range(3)]
        report = await app.stop_worker()
        assert report.floods >= 1 and app.emu.flood_rejections == report.floods
        assert len({m.text for m in got}) == 3 and report.outcomes["sent"] == 3 + 2
        assert {n.status for n in await all_notices(app.db)} == {NoticeStatus.SENT}


async def test_a_blocked_chat_becomes_unreachable_and_comes_back(app: App) -> None:
    olga, _, artem = await family(app)
    app.emu.inject_fault("sendMessage", Fault.blocked(), chat_id=olga.id)
    app.start_worker()
    await absence(app, Алексеев=AbsenceKind.ILL)
    await next_notice(artem, 2.0)

    async def unreachable() -> bool:
        found = [n for n in await all_notices(app.db) if n.chat_id == olga.id]
        return bool(found) and found[0].status is NoticeStatus.UNREACHABLE

    await wait_until(unreachable)
    async with app.db.uow() as uow:
        [chat] = await uow.repo(UnreachableChat).find(chat_id=olga.id)
        ct = staff(app.school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
        view = await notice_status.class_acknowledgements(uow, ct, app.school.classes["5А"], MONDAY)
    assert chat.reason.startswith("403") and chat.cleared_at is None
    assert next(line for line in view if line.guardian == MOTHER).needs_paper
    await olga.unblock()  # Telegram tells the bot (my_chat_member): reachable again
    await artem.block()  # and that this one has blocked it, before any notice met a 403

    async def changed() -> bool:
        async with app.db.uow() as uow:
            chats = {c.chat_id: c for c in await uow.repo(UnreachableChat).find()}
        return chats[olga.id].cleared_at is not None and artem.id in chats

    await wait_until(changed)
    await absence(app, Алексеев=AbsenceKind.EXCUSED)
    again = await next_notice(olga, 2.0)
    assert "по уважительной причине" in (again.text or "")
    kept = [n for n in await all_notices(app.db) if n.chat_id == artem.id]
    assert [n.status for n in kept] == [NoticeStatus.SENT, NoticeStatus.UNREACHABLE]


async def test_a_hung_request_is_uncertain_and_not_sent_again(app: App) -> None:
    olga, _, artem = await family(app)
    app.emu.inject_fault("sendMessage", Fault.hang(5.0), chat_id=olga.id)
    app.start_worker(request_timeout=0.5)
    await absence(app, Алексеев=AbsenceKind.ILL)
    await next_notice(artem, 2.0)

    async def settled() -> bool:
        return all(n.status in FINAL_STATUSES for n in await all_notices(app.db))

    await wait_until(settled)
    app.clock.advance(minutes=5)
    await asyncio.sleep(0.3)
    report = await app.stop_worker()
    assert report.outcomes["uncertain"] == 1 and report.outcomes["sent"] == 1
    assert [m for m in olga.messages if is_notice(m)] == []  # the call was cut
    notice_calls = [
        c for c in app.emu.stats.calls if c.method == "sendMessage" and "📓" in str(c.params)
    ]
    assert len(notice_calls) == 1  # Артём's; Ольга's was cut (not logged) and never re-sent


# --- the worker killed halfway --------------------------------------------------------------


async def many_recipients(app: App) -> list[EmulatedUser]:
    """Every student of 5А and a guardian for each, bound straight in the database."""
    users = []
    for n, (last_name, student_id) in enumerate(sorted(app.school.students.items())):
        user = app.emu.user(id=5000 + n, first_name=last_name, started=True)
        await bind(app.db, app.school, PersonKind.STUDENT, student_id, user.id)
        users.append(user)
    for n, guardian_id in enumerate(sorted(app.school.guardians.values())):
        user = app.emu.user(id=6000 + n, first_name=f"Родитель {n}", started=True)
        await bind(app.db, app.school, PersonKind.GUARDIAN, guardian_id, user.id)
        await consent(app.db, app.school, guardian_id, ConsentAnswer.GIVEN, DURING)
        users.append(user)
    return users


async def test_a_worker_killed_in_the_middle_and_restarted_drops_nothing(app: App) -> None:
    users = await many_recipients(app)
    lesson = await math_5a(app.db, app.school)
    async with app.db.uow() as uow:
        await lesson_content.set_homework(uow, teacher(app), lesson.id or 0, "№ 1-5", DURING)
    for i in range(6):  # and 6 messages to the whole group: 7 events
        async with app.db.uow() as uow:
            await lesson_content.message_guardians(
                uow, teacher(app), lesson.id or 0, f"№{i}", DURING
            )
    # slow and in small steps, so that the kill lands mid-fan-out; the first request hangs, so
    # that it lands mid-request too
    app.emu.inject_fault("sendMessage", Fault.hang(10.0))
    app.start_worker(rate=8.0, events_batch=1, fan_out_batches=1, batch=4, request_timeout=20.0)

    async def some_sent() -> bool:
        found = await all_notices(app.db)
        sending = [n for n in found if n.status is NoticeStatus.SENDING]
        return len(sending) == 1 and sum(n.status is NoticeStatus.SENT for n in found) >= 3

    await wait_until(some_sent)
    await app.kill_worker()
    async with app.db.uow() as uow:
        unprocessed = [e for e in await uow.repo(OutboxEvent).find() if e.processed_at is None]
    assert unprocessed  # killed in the middle of the fan-out
    app.clock.advance(minutes=5)  # past every lease of the dead worker
    app.emu.clear_faults()
    app.start_worker(rate=50.0, per_chat_interval=0.2)  # quicker: limits are not tested here

    async def all_settled() -> bool:
        async with app.db.uow() as uow:
            events = await uow.repo(OutboxEvent).find()
            found = await uow.repo(Notice).find()
        return all(e.processed_at for e in events) and all(
            n.status in FINAL_STATUSES for n in found
        )

    await wait_until(all_settled, 20)
    found = await all_notices(app.db)
    statuses = [n.status for n in found]
    assert statuses.count(NoticeStatus.UNCERTAIN) == 1  # the one in flight at the kill
    assert set(statuses) == {NoticeStatus.SENT, NoticeStatus.UNCERTAIN}
    # every event reached every recipient once: the homework 4 students of 5А and 2 guardians
    # with a child there, each message the 2 guardians
    assert sum(len(n.event_ids) for n in found) == len(found) == (4 + 2) + 6 * 2
    for user in users:
        received = [m for m in user.messages if not m.deleted]
        sent = [n for n in found if n.chat_id == user.id and n.status is NoticeStatus.SENT]
        uncertain = [
            n for n in found if n.chat_id == user.id and n.status is NoticeStatus.UNCERTAIN
        ]
        assert len(sent) <= len(received) <= len(sent) + len(uncertain), user.id
        assert len({m.text for m in received}) == len(received)  # no duplicate
