"""Benchmark (figures, not a test): notices through the real worker to the Bot API emulator, which
enforces Telegram's limits (30 messages/s overall, 1 per chat per second) and answers 429 past
them. Prints the achieved rate as a ratio to the configured one, and the 429s received.

    uv run python -m bench.notices                       # 1,500 notices, 300 chats, 25/s
    uv run python -m bench.notices --rate 30 --chats 100
    uv run python -m bench.notices --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

The notices are real: the tiny school of the tests, guardians bound and consenting, teacher
messages to 5А fanned out by the worker (events × chats = notices), then sent.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.emulator import BotApiEmulator
from bot.emulator.limits import FloodLimits
from core.model.identity import (
    ConsentAnswer,
    ConsentChannel,
    ConsentRecord,
    PersonKind,
    TelegramBinding,
)
from core.model.journal import Lesson
from core.model.notices import FINAL_STATUSES, Notice
from core.model.people import Guardian, GuardianLink
from core.services import journal, lesson_content
from core.services.journal import LessonKey
from notifications.worker import run_worker
from storage.db import create_engine
from storage.migrate import upgrade
from storage.notice_queue import status_counts
from storage.uow import Database
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

CHAT_BASE = 100_000


async def school_with_guardians(db: Database, chats: int) -> tuple[Seeded, Lesson]:
    """The tiny school with ``chats`` more guardians of 5А, bound and consenting, and a lesson."""
    school = await seed_tiny_school(db)
    pupils = [school.students[n] for n in ("Алексеев", "Борисова", "Волков", "Григорьева")]
    now = dt.datetime.now(dt.UTC)
    async with db.uow() as uow:
        for n in range(chats):
            guardian = Guardian(
                school_id=school.school_id, last_name=f"Родитель{n}", first_name="Анна"
            )
            await uow.repo(Guardian).add(guardian)
            await uow.flush()
            assert guardian.id is not None
            link = GuardianLink(
                school_id=school.school_id, guardian_id=guardian.id, student_id=pupils[n % 4]
            )
            await uow.repo(GuardianLink).add(link)
            await uow.repo(TelegramBinding).add(
                TelegramBinding(
                    school_id=school.school_id, telegram_user_id=CHAT_BASE + n,
                    person_kind=PersonKind.GUARDIAN, person_id=guardian.id, bound_at=now,
                )
            )  # fmt: skip
            await uow.repo(ConsentRecord).add(
                ConsentRecord(
                    school_id=school.school_id, guardian_id=guardian.id,
                    answer=ConsentAnswer.GIVEN, channel=ConsentChannel.PAPER, recorded_at=now,
                    recorded_by="bench",
                )
            )  # fmt: skip
        await uow.commit()
    # the lesson is opened on a Monday (5А has mathematics then); messages may be sent any day
    monday = dt.date(2026, 9, 7)
    async with db.uow() as uow:
        teacher = staff(school, "Кузнецова")
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], monday, 1))
    return school, lesson


async def bench(notices: int, chats: int, rate: float, database_url: str | None) -> None:
    events = -(-notices // chats)  # each message reaches every chat once
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = create_engine(url)
        await upgrade(engine)
        db = Database(engine)
        print(f"database: {url.split('@')[-1]}")
        school, lesson = await school_with_guardians(db, chats)
        async with db.uow() as uow:
            for n in range(events):
                await lesson_content.message_guardians(
                    uow, staff(school, "Кузнецова"), lesson.id or 0, f"Сообщение № {n + 1}",
                    dt.datetime.now(dt.UTC),
                )  # fmt: skip
        limits = FloodLimits(overall_per_second=30, per_chat_per_second=1)
        async with BotApiEmulator(flood_limits=limits) as emu:
            for n in range(chats):
                emu.user(id=CHAT_BASE + n, first_name=f"Родитель {n}", started=True)
            bot = emu.bot()
            stop = asyncio.Event()
            started = time.monotonic()
            worker = asyncio.create_task(run_worker(db, bot, stop=stop, rate=rate))
            found = await _wait_all(db, events * chats)
            elapsed = time.monotonic() - started
            stop.set()
            report = await worker
            await bot.session.close()
            flood_429 = emu.flood_rejections
        await db.dispose()
    _print(found, report.floods, flood_429, elapsed, rate, limits)


async def _wait_all(db: Database, expected: int) -> list[Notice]:
    """Polls status counts (a cheap query: loading every notice would stall the worker, which
    shares this event loop), then loads the notices once at the end."""
    last = -1
    while True:
        async with db.uow() as uow:
            counts = await status_counts(uow)
        done = sum(n for status, n in counts.items() if status in FINAL_STATUSES)
        if sum(counts.values()) >= expected and done == sum(counts.values()):
            async with db.uow() as uow:
                return list(await uow.repo(Notice).find())
        if done // 250 != last:
            last = done // 250
            print(f"  … {done} of {expected} settled")
        await asyncio.sleep(0.5)


def _print(
    found: list[Notice], floods: int, rejections: int, elapsed: float, rate: float,
    limits: FloodLimits,
) -> None:  # fmt: skip
    statuses = Counter(n.status.value for n in found)
    sent = sorted(n.sent_at for n in found if n.sent_at is not None)
    span = (sent[-1] - sent[0]).total_seconds() if len(sent) > 1 else 0.0
    achieved = (len(sent) - 1) / span if span else 0.0
    gaps: dict[int, list[dt.datetime]] = {}
    for n in found:
        if n.sent_at is not None:
            gaps.setdefault(n.chat_id, []).append(n.sent_at)
    closest = min(
        (
            (b - a).total_seconds()
            for times in gaps.values()
            for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
        ),
        default=float("nan"),
    )
    print()
    print(f"emulator limits:      {limits.overall_per_second}/s overall, "
          f"{limits.per_chat_per_second}/s per chat")  # fmt: skip
    print(f"notices:              {len(found)} to {len(gaps)} chats  {dict(statuses)}")
    print(f"configured rate:      {rate:.1f} messages/s")
    print(f"achieved rate:        {achieved:.2f} messages/s (first to last send, {span:.1f} s)")
    print(f"ratio:                {achieved / rate:.3f} of the configured rate")
    print(f"429 received:         {floods} by the worker ({rejections} answered by the emulator)")
    print(f"closest to one chat:  {closest:.3f} s between two messages (recorded times)")
    print(f"total wall time:      {elapsed:.1f} s (fan-out included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1500)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--rate", type=float, default=25.0, help="the worker's configured rate")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(bench(args.notices, args.chats, args.rate, args.database_url))


if __name__ == "__main__":
    main()
