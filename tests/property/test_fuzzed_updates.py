"""Hostile updates through the real Dispatcher and Bot (HTTP to the Bot API emulator), on one
database holding two schools: forged callback data (other schools' and other people's ids, huge
and negative numbers, random strings) and hostile texts (huge, control characters, SQL, Markdown
and HTML), from a stranger, a guardian and a teacher.

Nothing they send is theirs to change, so after every update the school data must be as before
(the audit chain's heads and the row counts, checked per update; every row's content, checked per
property), and no update may end in the error handler's «что-то пошло не так» (a crash)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import itertools
import logging
import shutil
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.types import Update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage, PendingQuery
from bot.factory import build_bot, build_dispatcher
from bot.keyboards import MENUS
from core.model.identity import ConsentAnswer, PersonKind
from core.model.notices import Notice, NoticeStatus
from core.services import journal
from core.services.journal import LessonKey
from storage import tables as t
from storage.db import create_engine
from storage.uow import Database
from tests.conftest import PG_URL, _truncate
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.notices import bind, consent
from tests.support.seeded import Seeded, seed_tiny_school

EXAMPLES = settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MONDAY_9 = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lessons under way
DAYS = [20260907 + i for i in range(5)] + [20261019, 20270101, 19700101, 99991231]
STRANGER, GUARDIAN, TEACHER = 7001, 7002, 7003
# not school data: what the bot remembers of a chat, failed code attempts (throttling)
NOT_SCHOOL_DATA = {"bot_users", "code_attempts"}
COUNTED = [tb for tb in t.metadata.sorted_tables if tb.name not in NOT_SCHOOL_DATA]


@dataclass
class Fuzz:
    db: Database
    bot: Bot
    dp: Dispatcher
    emu: BotApiEmulator
    users: dict[int, EmulatedUser]
    screens: dict[int, ChatMessage]  # a bot message in each chat, for the presses to come from
    ids: dict[str, list[int]]  # per callback field: ids of every school but the actor's own
    crashes: list[str] = field(default_factory=list)
    run: Callable[[Coroutine[Any, Any, Any]], Any] = asyncio.run
    seeded_counts: tuple[int, ...] = ()
    seeded_contents: str = ""
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500_000))
    query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9_000_000))

    def __repr__(self) -> str:
        return "Fuzz(…)"

    def update(self, chat: int, kind: str, payload: dict[str, Any]) -> Update:
        raw = {"update_id": next(self.update_ids), kind: payload}
        return Update.model_validate(raw, context={"bot": self.bot})

    def text(self, chat: int, body: str) -> Update:
        user = self.users[chat]
        user.chat.started = True  # the user has written first: the bot may answer
        return self.update(
            chat,
            "message",
            {
                "message_id": user.chat.next_message_id(),
                "from": user.user_json,
                "chat": user.chat.chat_json(),
                "date": int(MONDAY_9.timestamp()),
                "text": body,
            },
        )

    def press(self, chat: int, data: str) -> Update:
        user, screen = self.users[chat], self.screens[chat]
        query_id = str(next(self.query_ids))
        self.emu.state.queries[query_id] = PendingQuery(chat, data, screen.message_id)
        message = user.chat.find(screen.message_id) or screen
        return self.update(
            chat,
            "callback_query",
            {
                "id": query_id,
                "from": user.user_json,
                "chat_instance": str(chat),
                "data": data,
                "message": message.to_api(),
            },
        )

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)


class CrashLog(logging.Handler):
    """The error handler logs a crash (not a refusal) at ERROR, with its number."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"{record.getMessage()}: {record.exc_info[1] if record.exc_info else ''}")


async def _database(migrated_template: str, tmp: Path) -> Database:
    if PG_URL:
        await _truncate(PG_URL)
        return Database(create_engine(PG_URL))
    target = tmp / "fuzz.sqlite3"
    shutil.copy(migrated_template, target)
    return Database(create_engine(f"sqlite+aiosqlite:///{target}"))


async def _seed(db: Database) -> tuple[Seeded, Seeded]:
    """Two schools; lessons, a mark and notices in both, none of them kept by our teacher."""
    first, second = await seed_tiny_school(db), await seed_tiny_school(db, name="Школа № 5")
    for school in (first, second):
        for teacher, group, number in (("Кузнецова", "5А", 1), ("Смирнов", "5А англ. 2", 2)):
            async with db.uow() as uow:
                key = LessonKey(school.groups[group], MONDAY_9.date(), number)
                lesson = await journal.open_lesson(uow, staff(school, teacher), key)
            if teacher == "Кузнецова":
                async with db.uow() as uow:
                    [work_type, *_] = await journal.work_types(uow, school.school_id)
                    await journal.post_mark(
                        uow, staff(school, teacher), lesson.id or 0,
                        school.students["Алексеев"], work_type.id or 0, "4", MONDAY_9,
                    )  # fmt: skip
        async with db.uow() as uow:
            await uow.repo(Notice).add(
                Notice(
                    school_id=school.school_id, recipient_kind=PersonKind.GUARDIAN,
                    recipient_id=school.guardians["Борисов Павел"], chat_id=8000 + school.school_id,
                    student_id=school.students["Борисова"], key="fuzz", created_at=MONDAY_9,
                    due_at=MONDAY_9, status=NoticeStatus.SENT, text="📓", sent_at=MONDAY_9,
                )
            )  # fmt: skip
            await uow.commit()
    # the guardian: Ольга of the first school (Артём in 5А, Ева in 5Б), consented
    await bind(db, first, PersonKind.GUARDIAN, first.guardians["Алексеева Ольга"], GUARDIAN)
    await consent(
        db, first, first.guardians["Алексеева Ольга"], ConsentAnswer.GIVEN,
        MONDAY_9 - dt.timedelta(days=1),
    )  # fmt: skip
    # the teacher: Иванова of the first school (English of 5А англ. 1, class teacher of 5А)
    await bind(db, first, PersonKind.STAFF, first.staff["Иванова"], TEACHER)
    return first, second


FIELD_TABLE = {
    "lesson": t.lessons, "group": t.study_groups, "class_id": t.school_classes,
    "student": t.students, "guardian": t.guardians, "mark": t.marks, "notice": t.notices,
    "binding": t.telegram_bindings, "work_type": t.work_types, "topic": t.thematic_topics,
    "teacher": t.staff_members, "lock": t.period_locks, "work": t.control_works,
    "period": t.study_periods, "subject": t.subjects, "room": t.rooms,
}  # fmt: skip


async def _foreign_ids(db: Database, own: Seeded) -> dict[str, list[int]]:
    """Every id a forged button may carry, less what the teacher may change herself: her group,
    her class (codes, paper consents, reminders) and its families. Ids repeat across tables, so
    each field draws from its own table."""
    own_ids = {
        "group": {own.groups["5А англ. 1"]},
        "class_id": {own.classes["5А"]},
        "student": {own.students[n] for n in ("Алексеев", "Борисова", "Волков", "Григорьева")},
        "guardian": set(own.guardians.values()),
    }
    ids: dict[str, list[int]] = {}
    async with db.engine.connect() as conn:
        for name, table in FIELD_TABLE.items():
            found = (await conn.execute(select(table.c.id))).scalars().all()
            ids[name] = sorted(set(found) - own_ids.get(name, set()))
    return ids


async def _start(migrated_template: str, tmp: Path, stack: AsyncExitStack) -> Fuzz:
    db = await _database(migrated_template, tmp)
    stack.push_async_callback(db.dispose)
    first, _ = await _seed(db)
    ctx = BotContext(db=db, clock=MovableClock(MONDAY_9), flood_updates=10**9)
    emu = await stack.enter_async_context(BotApiEmulator())
    bot = build_bot(emu.token, session=emu.session())
    stack.push_async_callback(bot.session.close)
    users = {
        chat: emu.user(id=chat, first_name=name)
        for chat, name in ((STRANGER, "Чужой"), (GUARDIAN, "Ольга"), (TEACHER, "Мария"))
    }
    app = Fuzz(db, bot, build_dispatcher(ctx), emu, users, {}, await _foreign_ids(db, first))
    for chat in users:
        await app.feed(app.text(chat, "/menu"))
        app.screens[chat] = users[chat].last_message
    app.seeded_counts, app.seeded_contents = await counts(db), await contents(db)
    return app


@pytest.fixture(scope="module")
def fuzz(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    """One database, emulator and Dispatcher for the module, on a loop of its own that runs
    while an example runs: a thousand examples cannot afford a fresh school each."""
    handler = CrashLog([])
    logging.getLogger("bot.factory").addHandler(handler)
    try:
        with asyncio.Runner() as runner:
            stack = AsyncExitStack()
            app = runner.run(_start(migrated_template, tmp_path_factory.mktemp("fuzz"), stack))
            app.crashes, app.run = handler.sink, runner.run
            try:
                yield app
            finally:
                runner.run(stack.aclose())
    finally:
        logging.getLogger("bot.factory").removeHandler(handler)


async def counts(db: Database) -> tuple[int, ...]:
    """The audit chain's heads and every school table's row count: one round trip."""
    parts = [f"(SELECT count(*) FROM {tb.name})" for tb in COUNTED]
    parts.append("(SELECT coalesce(sum(seq), 0) FROM audit_heads)")
    async with db.engine.connect() as conn:
        return tuple((await conn.execute(text("SELECT " + ", ".join(parts)))).one())


async def contents(db: Database) -> str:
    """Every row of every school table, hashed: catches an unaudited change of a value too."""
    digest = hashlib.sha256()
    async with db.engine.connect() as conn:
        for tb in COUNTED:
            order = list(tb.primary_key.columns) or list(tb.columns)
            for row in (await conn.execute(select(tb).order_by(*order))).all():
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


# --- what a hostile user sends ---------------------------------------------------------------

CALLBACKS: list[type[CallbackData]] = []


def _all_callbacks(kind: type[CallbackData]) -> None:
    for sub in kind.__subclasses__():
        CALLBACKS.append(sub)
        _all_callbacks(sub)


_all_callbacks(CallbackData)
# the guardian's own consent and notice settings are theirs to change: not forged here
OWN_CHOICES = {"cs", "np"}
FORGEABLE = sorted((c for c in CALLBACKS if c.__prefix__ not in OWN_CHOICES), key=str)

WORDS = sorted(
    {a for menu in MENUS.values() for _, a in menu}
    | {"codes", "consents", "guardians", "students", "lessons", "child", "card", "att", "marks"}
    | {"topic", "hw", "msg", "all", "save", "del", "x", "?", "", "5", "4", "2", "н/а", "НА"}
    | {"ОСВ", "d", "w", "p", "files", "period", "class", "person", "chain", "show", "confirm"}
    | {"reopen", "revert", "accept", "start", "cancel", "teacher", "deputy", "head", "guardian"}
)
WEIRD_INTS = st.sampled_from([0, -1, -(2**31), 2**31 - 1, 2**53, 2**63 - 1, -(2**63), 10**30])
SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_characters=":", blacklist_categories=["Cs"]), max_size=30
)


def int_for(name: str, ids: dict[str, list[int]]) -> st.SearchStrategy[int]:
    choices: list[st.SearchStrategy[int]] = [WEIRD_INTS, st.integers()]
    if ids.get(name):
        choices.append(st.sampled_from(ids[name]))
    if name in ("day", "to_day", "start"):
        choices.append(st.sampled_from(DAYS))
    if name in ("number", "to_number", "offset", "version"):
        choices.append(st.integers(-3, 9))
    return st.one_of(*choices)


@st.composite
def forged_callbacks(draw: st.DrawFn, ids: dict[str, list[int]]) -> str:
    """A payload that parses as one of the bot's buttons, carrying ids that are not the sender's."""
    kind = draw(st.sampled_from(FORGEABLE))
    values: dict[str, Any] = {}
    for name, info in kind.model_fields.items():
        if info.annotation is int:
            values[name] = draw(int_for(name, ids))
        elif info.annotation is bool:
            values[name] = draw(st.booleans())
        else:
            values[name] = draw(st.sampled_from(WORDS) | SAFE_TEXT)
    parts = [
        kind.__prefix__,
        *(str(int(v)) if isinstance(v, bool) else str(v) for v in values.values()),
    ]
    return telegram_cap(":".join(parts))


def telegram_cap(data: str) -> str:
    """Telegram carries at most 64 bytes of callback data."""
    while len(data.encode()) > 64:
        data = data[:-1]
    return data


RAW_CALLBACKS = st.one_of(
    st.text(min_size=1, max_size=64),
    st.builds(
        lambda p, rest: f"{p}:{rest}",
        st.sampled_from([c.__prefix__ for c in CALLBACKS]),
        st.text(max_size=40),
    ),
    st.binary(min_size=1, max_size=64).map(lambda b: b.decode("latin-1")),
).map(telegram_cap)

HOSTILE_TEXTS = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "'; DROP TABLE marks; --",
            "1 OR 1=1",
            '" OR ""="',
            "5 4 3 2 -",
            "Алексеев 5",
            "*bold* _it_ `code` [link](http://x)",
            "<b>жирный</b><script>alert(1)</script>",
            "&lt;&amp;",
            "\x00\x01\x02\x1b[31m",
            "\u202eевил",
            "/start",
            "/start ' OR 1=1",
            "/menu",
            "/lessons",
            "/today",
            "/consents",
            "/codes",
            "/summary",
            "/consent",
            "aaaa-bbbb-cccc-dddd",
            "%s%s%s%n",
            "{0}{1}{__class__}",
            "../../etc/passwd",
        ]
    ),
    # long texts from a short random piece: drawing 5,000 random characters one by one costs
    # hypothesis more than the bot takes to refuse them
    st.builds(
        lambda piece, n: (piece * n)[:n], st.text(min_size=1, max_size=20), st.integers(3000, 6000)
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["х", "5 ", "\n", "🙂"]), st.integers(1, 5000)),
)


async def assert_unchanged(app: Fuzz, what: str) -> None:
    after = await counts(app.db)
    before = app.seeded_counts
    changed = [tb.name for tb, b, a in zip(COUNTED, before, after, strict=False) if a != b]
    assert after == before, f"{what} changed {changed or ['the audit chain']}"
    assert app.crashes == [], f"{what} crashed: {app.crashes}"


# --- the properties --------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), chat=st.sampled_from([STRANGER, GUARDIAN, TEACHER]))
def test_forged_buttons_change_nothing_and_crash_nothing(
    fuzz: Fuzz, data: st.DataObject, chat: int
) -> None:
    payload = data.draw(forged_callbacks(fuzz.ids) | RAW_CALLBACKS, label="callback data")
    fuzz.crashes.clear()
    fuzz.run(fuzz.feed(fuzz.press(chat, payload)))
    fuzz.run(assert_unchanged(fuzz, f"{payload!r} from {chat}"))


@EXAMPLES
@given(body=HOSTILE_TEXTS, chat=st.sampled_from([STRANGER, GUARDIAN, TEACHER]))
def test_hostile_texts_change_nothing_and_crash_nothing(fuzz: Fuzz, body: str, chat: int) -> None:
    fuzz.crashes.clear()
    fuzz.run(fuzz.feed(fuzz.text(chat, body)))
    fuzz.run(assert_unchanged(fuzz, f"{body[:60]!r} from {chat}"))


def test_no_row_changed_in_content_either(fuzz: Fuzz) -> None:
    """After both properties (pytest runs this module's tests in order): every value as seeded,
    unaudited changes included."""
    assert fuzz.run(contents(fuzz.db)) == fuzz.seeded_contents
