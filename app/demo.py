"""`dnevnik demo`: the demo school and a short school day played through the real bot.

No token and no network: the bot talks HTTP to the Bot API emulator on this machine, and the
people are emulated users who press the same buttons a school's people would. The day's data
lives in a fresh SQLite file in the demo folder, never in the school's own database."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from app import demo_texts as txt
from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.factory import build_bot, build_dispatcher
from bot.slips import slips_pdf
from core.model.people import StaffMember
from core.model.school import School
from core.services.identity import issue_staff_codes_unchecked
from core.services.notices_texts import ACK_BUTTON
from core.services.school_summary import school_summary
from core.services.school_year_import import import_school_year
from documents.demo_school import SCHOOL_NAME, demo_rows, write_demo_workbook
from notifications.worker import run_worker
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

# a Tuesday of the first quarter, 10:05 in Moscow: lessons are on, the codes are fresh
DAY = dt.datetime(2026, 9, 15, 7, 5, tzinfo=dt.UTC)
CLASS_TEACHER = "Тарасов Игорь Владимирович"  # 5Б
DEPUTY = "Кравцова"
MOTHER = "Сорокина Елена Викторовна"


class Transcript:
    def __init__(self, echo: Callable[[str], None]) -> None:
        self.lines: list[str] = []
        self.echo = echo

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        self.echo(line)


class Actor:
    """One emulated person and how their turns appear in the transcript."""

    def __init__(self, user: EmulatedUser, who: str, say: Transcript, folder: Path) -> None:
        self.user, self.who, self.say, self.folder = user, who, say, folder

    async def send(self, text: str) -> ChatMessage:
        self.say(txt.USER_SAYS.format(who=self.who, text=text))
        await self.user.send(text)
        return await self.read()

    async def press(self, message: ChatMessage, button: str) -> ChatMessage:
        self.say(txt.USER_PRESSES.format(who=self.who, button=button))
        await self.user.press(message, button)
        return await self.read()

    async def read(
        self, predicate: Callable[[ChatMessage], bool] | None = None, seconds: float = 20
    ) -> ChatMessage:
        message = await self.user.wait_for_message(predicate, timeout=seconds)
        stored = message.document or message.photo
        if stored is not None:
            default = "chart.png" if message.photo is not None else "file.pdf"
            path = self.folder / (stored.filename or default)
            await asyncio.to_thread(path.write_bytes, stored.content)
            size = max(1, len(stored.content) // 1024)
            self.say(txt.BOT_DOCUMENT.format(who=self.who, name=path.name, size=size, path=path))
            if message.caption:
                self.say(txt.BOT_CAPTION.format(text=message.caption.replace("\n", " — ")))
        else:
            self.say(
                txt.BOT_SAYS.format(who=self.who, text=(message.text or "").replace("\n", "\n    "))
            )
        if message.button_texts:
            self.say(txt.BOT_BUTTONS.format(buttons=" | ".join(message.button_texts)))
        return message


def code_on_slip(pdf: bytes, person: str) -> str:
    """The code printed under a person's name, as they would read it off the paper."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    after = text[text.index(person) :]
    found = re.search(r"Код:\s*([0-9a-z]{4}(?:-[0-9a-z]{4}){3})", after)
    if found is None:
        raise LookupError(f"no code for {person} on the slips")
    return found.group(1)


def prepare(folder: Path) -> Path:
    """A clean demo folder: the day's database is made anew each time."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("demo.sqlite3*"):
        stale.unlink()
    write_demo_workbook(folder / "demo-school.xlsx")
    return folder / "demo.sqlite3"


async def play(folder: Path, database_file: Path, say: Transcript) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database_file}")
    await upgrade(engine)
    clock = DemoClock(DAY)
    db = Database(engine, clock)
    try:
        async with db.uow() as uow:
            report = await import_school_year(
                uow, demo_rows(), school_name=SCHOOL_NAME, actor="cli:demo", today=DAY.date()
            )
            assert report.ok, report.problems
        async with db.uow() as uow:
            summary = await school_summary(uow, SCHOOL_NAME, DAY.date())
            assert summary is not None
        counts = summary.counts
        say(
            txt.IMPORTED.format(
                school=SCHOOL_NAME, students=counts["students"], classes=counts["classes"]
            )
        )
        await _day(db, clock, folder, say)
    finally:
        await db.dispose()


class DemoClock:
    """The demo's day: it starts at DAY and runs on with real time, so notices fall due."""

    def __init__(self, start: dt.datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.began)


async def _day(db: Database, clock: DemoClock, folder: Path, say: Transcript) -> None:
    async with BotApiEmulator(bot_username="dnevnik_demo_bot") as emu:
        bot = build_bot(emu.token, session=emu.session())
        dp = build_dispatcher(BotContext(db=db, clock=clock))
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(db, bot, stop=stop, clock=clock, poll_interval=0.2))
        try:
            async with emu.polling(dp, bot):
                await _play(emu, db, folder, say)
        finally:
            stop.set()
            await worker
        await bot.session.close()


async def _play(emu: BotApiEmulator, db: Database, folder: Path, say: Transcript) -> None:
    say(txt.STEP.format(text=txt.STEP_STAFF_CODES))
    staff_pdf = await _staff_slips(db, folder, [CLASS_TEACHER, DEPUTY])
    say(txt.STAFF_SLIPS.format(path=folder / "codes-staff.pdf"))
    ct = Actor(emu.user(id=5001, first_name="Игорь"), "Тарасов И. В.", say, folder)
    say(txt.STEP.format(text=txt.STEP_CT_CONNECTS))
    code = code_on_slip(staff_pdf, CLASS_TEACHER)
    say(txt.READS_SLIP.format(who=ct.who, code=code))
    await ct.send(code)
    menu = await ct.read()
    say(txt.STEP.format(text=txt.STEP_CT_CODES))
    whom = await ct.press(menu, "🔑 Коды доступа для класса")
    slips = await ct.press(whom, "Родителям")
    assert slips.document is not None
    say(txt.STEP.format(text=txt.STEP_PARENT))
    mother = Actor(emu.user(id=6001, first_name="Елена"), "Сорокина Е. В.", say, folder)
    code = code_on_slip(slips.document.content, MOTHER)
    say(txt.READS_SLIP.format(who=mother.who, code=code))
    await mother.send(f"/start {code.replace('-', '')}")
    ask = await mother.read()
    await mother.press(ask, "✅ Согласен")
    await mother.send("/menu")
    say(txt.STEP.format(text=txt.STEP_PARENT_DAY))
    menu = mother.user.last_message
    assert menu is not None
    await mother.press(menu, "📅 Расписание на сегодня")
    children = await mother.press(menu, "👧 Выбрать ребёнка")
    await mother.press(children, next(t for t in children.button_texts if not t.startswith("•")))
    await mother.press(menu, "📅 Расписание на сегодня")
    say(txt.STEP.format(text=txt.STEP_LESSON))
    await _lesson(ct)
    say(txt.STEP.format(text=txt.STEP_NOTICE))
    notice = await mother.read(lambda m: ACK_BUTTON in m.button_texts, seconds=30)
    await mother.press(notice, ACK_BUTTON)
    say(txt.STEP.format(text=txt.STEP_CT_CONSENTS))
    await ct.send("/consents")
    await ct.read()
    say(txt.STEP.format(text=txt.STEP_CT_ACKS))
    await ct.send("/acks")
    say(txt.STEP.format(text=txt.STEP_DEPUTY))
    deputy = Actor(emu.user(id=5002, first_name="Светлана"), "Кравцова С.", say, folder)
    await deputy.send(code_on_slip(staff_pdf, DEPUTY))
    menu = await deputy.read()
    roles = await deputy.press(menu, "🔁 Сменить роль")
    menu = await deputy.press(roles, next(t for t in roles.button_texts if "завуч" in t))
    await deputy.press(menu, "📊 Сводка по школе")
    say(txt.STEP.format(text=txt.STEP_REPORT))
    reports = await deputy.press(menu, "📊 Отчёты")
    scopes = await deputy.press(reports, "Пропущенные уроки и темы")
    periods = await deputy.press(scopes, "5Б")
    await deputy.user.press(periods, periods.button_texts[0])
    deputy.say(txt.USER_PRESSES.format(who=deputy.who, button=periods.button_texts[0]))
    await deputy.read(lambda m: m.photo is not None, seconds=60)  # the chart
    await deputy.read(lambda m: m.document is not None, seconds=60)  # the table


async def _lesson(teacher: Actor) -> None:
    """Attendance with one absentee in 1 + 1 + 1 taps, then two marks in two taps each."""
    listing = await teacher.send("/lessons")
    card = await teacher.press(listing, listing.button_texts[0])
    roster = await teacher.press(card, "👥 Посещаемость")
    absent = next(t for t in roster.button_texts if t.startswith("Архипов"))
    roster = await teacher.press(roster, absent)
    card = await teacher.press(roster, "💾 Сохранить")
    types = await teacher.press(card, "✏️ Отметки")
    screen = await teacher.press(types, "Ответ на уроке")
    for name, value in (("Сорокина", "5"), ("Борисова", "4")):
        values = await teacher.press(
            screen, next(t for t in screen.button_texts if t.startswith(name))
        )
        screen = await teacher.press(values, value)


async def _staff_slips(db: Database, folder: Path, people: list[str]) -> bytes:
    async with db.uow() as uow:
        school = await uow.repo(School).first(name=SCHOOL_NAME)
        assert school is not None and school.id is not None
        staff = await uow.repo(StaffMember).find(school_id=school.id)
        ids = [
            m.id
            for m in staff
            if m.id is not None and any(m.full_name.startswith(p) for p in people)
        ]
        issued = await issue_staff_codes_unchecked(
            uow, school.id, "cli:demo", now=DAY, staff_ids=ids
        )
    pdf = await slips_pdf(
        issued,
        school=school.name,
        timezone=school.timezone,
        bot_username="dnevnik_demo_bot",
        title=school.name,
    )
    path = folder / "codes-staff.pdf"
    await asyncio.to_thread(path.write_bytes, pdf)
    return pdf


def run_demo(folder: Path, echo: Callable[[str], None] = print) -> Path:
    """Play the day; returns the transcript file."""
    started = time.monotonic()
    logging.getLogger("aiogram").setLevel(logging.WARNING)  # the transcript tells the story
    say = Transcript(echo)
    say(txt.TITLE)
    say(txt.FOLDER.format(path=folder))
    database_file = prepare(folder)
    asyncio.run(play(folder, database_file, say))
    transcript = folder / txt.TRANSCRIPT
    say(txt.FILES.format(path=folder))
    for path in sorted({*folder.iterdir(), transcript}):
        if not path.name.endswith(("-wal", "-shm")):
            say(txt.FILE_LINE.format(name=path.name))
    say(txt.DONE.format(seconds=time.monotonic() - started, path=transcript))
    transcript.write_text("\n".join(say.lines) + "\n", encoding="utf-8")
    return transcript
