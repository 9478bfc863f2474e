"""Benchmark (figures, not a test): posting marks through the real Dispatcher and Bot, over HTTP to
the Bot API emulator, on a synthetic school with a year of journal.

    uv run python -m bench.marks                        # SQLite, then PostgreSQL if it answers
    uv run python -m bench.marks --teachers 100 --paces 4-8,1-3

The bot runs in a process of its own (bench.bot_process: polling, the project's middlewares, a
clock standing still on a school day); the emulator and the emulated teachers run here, as
Telegram and the phones run elsewhere, so their work is not the bot's. What is measured:

- **throughput**: ``--concurrent`` teachers each press «5» (a MarkValueCb button, the second tap of
  a mark) as fast as the bot answers, ``--presses`` times; updates per second, and the bot
  process's CPU per update. The update goes the whole way: getUpdates, aiogram's polling, the
  middlewares (duplicates, flood limit, unit of work, the actor read from the database),
  ``journal.post_mark`` (access, open period, roster, deadline, the mark, its audit entry and
  outbox event in one commit), the callback answered and the marks screen drawn again — two HTTP
  calls to the emulator. ``--rounds`` times, each round on lessons of its own, the floor and the
  marks one after the other: the ratio is taken in each round (a drift of the machine's speed
  between rounds does not enter it) and the median is shown, with every round's.
- **the floor**: the same Dispatcher (``bot.factory.build_dispatcher``: every router, middleware
  and filter) and the same presses, with the mark handler replaced by one that only answers the
  callback query — "same path, handler replaced". Beside it, aiogram alone (no middlewares, one
  router) for scale.
- **latency with N teachers at once**: N teachers bound to N emulated users, each in a lesson of
  their own at the same time, each posting marks as a teacher does — a student, then the value —
  pausing between taps for a time drawn from each ``--paces`` range (seconds). Latency of a tap:
  from the press (the update queued at the emulator) to the bot's last answer to it (the screen
  edited), as the teacher sees it. Then a burst: all N press a value at the same instant, once.

The flood limit per user is raised in the bot process (the limiter still runs): a benchmark
teacher taps faster than the bot lets a person. The synthetic year ends with every period's
finals set, which closes the journal: the working copy opens the periods again (deletes the
period locks) so that marks may be posted.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import gc
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery
from sqlalchemy import delete

from bench import pg
from bench.schools import cached_school, sqlite_url, working_copy
from bot.callbacks import MarkStudentCb, MarkValueCb
from bot.context import BotContext
from bot.emulator import BotApiEmulator
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.factory import build_bot, build_dispatcher
from bot.routers.marks import mark_value
from core.model.grading import WorkType
from core.model.identity import PersonKind, TelegramBinding
from core.model.journal import Lesson
from core.model.school import School
from core.ports import FrozenClock
from core.services import journal
from storage import tables as t
from storage.db import create_engine
from storage.uow import Database, SqlUnitOfWork

ROOT = Path(__file__).resolve().parent.parent
USER_BASE = 500_000
# a Wednesday of the second quarter of the synthetic year (2026/2027)
FIRST_DAY = dt.date(2026, 11, 18)
WAIT = 60.0  # seconds a benchmark tap may wait for its answer before the run fails


@dataclass(frozen=True)
class Teaching:
    user_id: int
    staff_id: int
    lesson_id: int
    work_type_id: int
    students: tuple[int, ...]


@dataclass(frozen=True)
class Prepared:
    day: dt.date
    clock: FrozenClock
    teachings: list[Teaching]


async def prepare(
    db: Database, teachers: int, on_day: dt.date | None = None, wanted: int = 0
) -> Prepared:
    """Opens the periods, picks a school day with at least ``teachers`` teachers giving a lesson
    (``wanted`` if a day has that many), one lesson per teacher, and binds each teacher to an
    emulated user. ``on_day``: the lessons are copied to that day (a bot on the system's clock
    posts marks today only)."""
    async with db.uow() as uow:
        await uow.session.execute(delete(t.period_locks))
        await uow.commit()
    async with db.uow() as uow:
        school = (await uow.repo(School).find())[0]
        assert school.id is not None
        work_type = next(
            w for w in await uow.repo(WorkType).find(school_id=school.id)
            if not w.control and not w.written
        )  # fmt: skip
        assert work_type.id is not None
        wanted = max(teachers, wanted)
        day, by_teacher = FIRST_DAY, dict[int, Lesson]()
        for offset in range(60):
            on = FIRST_DAY + dt.timedelta(days=offset)
            found: dict[int, Lesson] = {}
            for lesson in await uow.repo(Lesson).find(school_id=school.id, on_date=on):
                if not lesson.cancelled:
                    found.setdefault(lesson.given_by, lesson)
            if len(found) > len(by_teacher):
                day, by_teacher = on, found
            if len(by_teacher) >= wanted:
                break
        if len(by_teacher) < teachers:
            raise SystemExit(f"no day with {teachers} teachers at work; {len(by_teacher)} at most")
        if on_day is not None and on_day != day:
            by_teacher = await _copied(uow, by_teacher, on_day)
            day = on_day
        teachings = []
        now = dt.datetime.now(dt.UTC)
        for n, (staff_id, lesson) in enumerate(sorted(by_teacher.items())[:wanted]):
            students = [s.id for s in await journal.roster(uow, lesson) if s.id is not None]
            await uow.repo(TelegramBinding).add(
                TelegramBinding(
                    school_id=school.id, telegram_user_id=USER_BASE + n,
                    person_kind=PersonKind.STAFF, person_id=staff_id, bound_at=now,
                )
            )  # fmt: skip
            assert lesson.id is not None
            teachings.append(
                Teaching(USER_BASE + n, staff_id, lesson.id, work_type.id, tuple(students))
            )
        await uow.commit()
    # midday in the school's zone: every lesson of the day is due its marks until midnight
    noon = dt.datetime.combine(day, dt.time(12, 0), ZoneInfo(school.timezone))
    return Prepared(day, FrozenClock(noon.astimezone(dt.UTC)), teachings)


async def _copied(
    uow: SqlUnitOfWork, lessons: dict[int, Lesson], day: dt.date
) -> dict[int, Lesson]:
    taken = {(x.group_id, x.lesson_number) for x in await uow.repo(Lesson).find(on_date=day)}
    copies = {}
    for staff_id, lesson in lessons.items():
        if (lesson.group_id, lesson.lesson_number) in taken:
            continue
        copies[staff_id] = Lesson(
            school_id=lesson.school_id, year_id=lesson.year_id, group_id=lesson.group_id,
            on_date=day, lesson_number=lesson.lesson_number, subject_id=lesson.subject_id,
            teacher_id=staff_id, room_id=lesson.room_id,
        )  # fmt: skip
        await uow.repo(Lesson).add(copies[staff_id])
    await uow.flush()
    return copies


# --- the dispatchers ----------------------------------------------------------------------------


async def answer_only(query: CallbackQuery) -> None:
    await query.answer()


def floor_dispatcher(ctx: BotContext) -> Dispatcher:
    """The bot's own Dispatcher with the mark handler swapped for one that only answers."""
    dp = build_dispatcher(ctx)
    swapped = 0
    for router in dp.chain_tail:
        handlers = router.callback_query.handlers
        for i, handler in enumerate(handlers):
            if handler.callback is mark_value:
                handlers[i] = dataclasses.replace(handler, callback=answer_only)
                swapped += 1
    if swapped != 1:
        raise RuntimeError(f"expected one mark handler to replace, found {swapped}")
    return dp


def bare_dispatcher() -> Dispatcher:
    """aiogram alone: one router, no middlewares, the answer only."""
    dp = Dispatcher()
    router = Router()
    router.callback_query.register(answer_only, MarkValueCb.filter())
    dp.include_router(router)
    return dp


# --- the teachers ---------------------------------------------------------------------------------


class Teacher:
    def __init__(self, user: EmulatedUser, teaching: Teaching, screen: ChatMessage) -> None:
        self.user, self.teaching, self.screen = user, teaching, screen
        self.presses = 0

    def value_data(self, n: int) -> str:
        """A different button each time (a repeat within seconds would be a double tap)."""
        students = self.teaching.students
        value = "5432"[(n // len(students)) % 4]
        return MarkValueCb(
            lesson=self.teaching.lesson_id, work_type=self.teaching.work_type_id,
            student=students[n % len(students)], value=value,
        ).pack()  # fmt: skip

    def student_data(self, n: int) -> str:
        students = self.teaching.students
        return MarkStudentCb(
            lesson=self.teaching.lesson_id, work_type=self.teaching.work_type_id,
            student=students[n % len(students)],
        ).pack()  # fmt: skip

    async def tap(self, data: str, edited: bool) -> float:
        """Presses; returns seconds until the bot's last answer (the screen edited, or the
        callback answered when ``edited`` is False). TapFailed when the bot refused or failed."""
        started = time.perf_counter()
        query_id = await self.user.press_data(self.screen, data)
        try:
            answer = await self.user.wait_for_answer(query_id, timeout=WAIT)
            if answer.show_alert:  # the error handler's answer
                raise TapFailed(answer.text or "")
            if edited:
                await self.user.wait_for_message(timeout=WAIT)
        except TimeoutError as error:
            raise TapFailed(str(error)) from None
        return time.perf_counter() - started


class TapFailed(Exception):
    """The bot answered a tap with an error, or not at all."""


async def teachers_in(emu: BotApiEmulator, bot: Bot, prepared: Prepared) -> list[Teacher]:
    """Each teacher's chat with a bot message to press buttons on (the marks screen's place)."""
    teachers = []
    for teaching in prepared.teachings:
        user = emu.user(
            id=teaching.user_id, first_name=f"Учитель {teaching.staff_id}", started=True
        )
        sent = await bot.send_message(user.id, "Отметки")
        screen = next(m for m in user.messages if m.message_id == sent.message_id)
        user.skip()
        teachers.append(Teacher(user, teaching, screen))
    return teachers


async def with_bot(
    url: str,
    prepared: Prepared,
    dispatcher: str,
    run: Callable[[list[Teacher]], Awaitable[Any]],
) -> tuple[Any, float]:
    """Starts the bot in a process of its own (bench.bot_process) against a new emulator, runs
    the teachers; returns what ``run`` gave and the CPU seconds the bot process spent in it."""
    async with BotApiEmulator() as emu:
        bot = build_bot(emu.token, session=emu.session())
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bot_process", "--database-url", url,
            "--token", emu.token, "--api-url", emu.base_url,
            "--clock", prepared.clock.now().isoformat(), "--dispatcher", dispatcher,
            cwd=ROOT,
        )  # fmt: skip
        try:
            await emu.wait_until_polled(timeout=120)
            teachers = await teachers_in(emu, bot, prepared)
            # Telegram's side: its garbage collections (up to 130 ms, the emulator frozen) are not
            # the bot's latency, so there are none while the teachers tap
            gc.collect()
            gc.disable()
            cpu = _cpu_seconds(proc.pid)
            result = await run(teachers)
            return result, _cpu_seconds(proc.pid) - cpu
        finally:
            gc.enable()
            await bot.session.close()
            await stop(proc)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(proc.wait(), 30)
    except TimeoutError:
        proc.kill()
        await proc.wait()


# --- the runs ------------------------------------------------------------------------------------


@dataclass
class Rate:
    updates: int  # handled, failed ones not counted
    seconds: float
    failed: int = 0
    cpu: float = 0.0  # CPU seconds of the bot process over the run

    @property
    def cpu_ms(self) -> float:
        """CPU of the bot process per update, in milliseconds."""
        return 1000 * self.cpu / self.updates if self.updates else float("nan")

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


def throughput(presses: int, edited: bool, warmup: int = 3) -> Callable[[list[Teacher]], Any]:
    async def run(teachers: list[Teacher]) -> Rate:
        failed = 0

        async def one(teacher: Teacher, first: int, count: int) -> None:
            nonlocal failed
            for n in range(first, first + count):
                try:
                    await teacher.tap(teacher.value_data(n), edited)
                except TapFailed:
                    failed += 1

        await asyncio.gather(*(one(t, 0, warmup) for t in teachers))
        failed = 0
        started = time.perf_counter()
        await asyncio.gather(*(one(t, warmup, presses) for t in teachers))
        return Rate(presses * len(teachers) - failed, time.perf_counter() - started, failed)

    return run


@dataclass(frozen=True)
class Latencies:
    marks: list[float]  # the value taps: each posts a mark
    students: list[float]  # the student taps: a screen drawn, nothing written
    burst: list[float]  # every teacher's value tap at the same instant
    seconds: float
    failed: int = 0
    think: tuple[float, float] = (0.0, 0.0)

    @property
    def rate(self) -> float:
        return (len(self.marks) + len(self.students)) / self.seconds


def paced(
    marks: int, think: tuple[float, float], first: int = 0, seed: int = 1
) -> Callable[[list[Teacher]], Any]:
    """``first``: which round of buttons to start at (a repeat of an earlier run's press within
    seconds would be dropped as a double tap)."""
    base = first * (marks + 1)

    async def run(teachers: list[Teacher]) -> Latencies:
        rng = random.Random(seed)
        values: list[float] = []
        screens: list[float] = []
        failed = 0

        async def tap(teacher: Teacher, data: str, into: list[float]) -> None:
            nonlocal failed
            try:
                into.append(await teacher.tap(data, True))
            except TapFailed:
                failed += 1

        async def teacher_at_work(teacher: Teacher, pauses: list[float]) -> None:
            await asyncio.sleep(pauses.pop())  # teachers do not start in step
            for n in range(base, base + marks):
                await tap(teacher, teacher.student_data(n), screens)
                await asyncio.sleep(pauses.pop())
                await tap(teacher, teacher.value_data(n), values)
                await asyncio.sleep(pauses.pop())

        plans = [[rng.uniform(*think) for _ in range(2 * marks + 1)] for _ in teachers]
        started = time.perf_counter()
        await asyncio.gather(*(teacher_at_work(t, p) for t, p in zip(teachers, plans, strict=True)))
        seconds = time.perf_counter() - started
        await asyncio.sleep(max(think))  # quiet before the burst
        burst: list[float] = []
        await asyncio.gather(*(tap(t, t.value_data(base + marks), burst) for t in teachers))
        return Latencies(values, screens, burst, seconds, failed, think)

    return run


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# --- the whole benchmark --------------------------------------------------------------------------


@dataclass
class MarkFigures:
    database: str
    rounds: list[tuple[Rate, Rate]]  # (marks, floor) of each round, each on lessons of its own
    bare: Rate | None = None
    latencies: list[Latencies] = field(default_factory=list)
    teachers: int = 0
    skipped: str | None = None

    @property
    def marks(self) -> Rate:
        """The round of the median mark rate."""
        return _median_by_rate([m for m, _ in self.rounds])

    @property
    def floor(self) -> Rate:
        return _median_by_rate([f for _, f in self.rounds])

    @property
    def ratios(self) -> list[float]:
        """Floor rate over mark rate in each round: both measured minutes apart at most, so a
        drift of the machine's speed between rounds does not enter a ratio."""
        return [f.per_second / m.per_second for m, f in self.rounds]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(m.cpu_ms / f.cpu_ms for m, f in self.rounds)


def _median_by_rate(rates: list[Rate]) -> Rate:
    return sorted(rates, key=lambda r: r.per_second)[(len(rates) - 1) // 2]


async def measure(
    url: str,
    *,
    concurrent: int,
    presses: int,
    rounds: int,
    latency_teachers: int,
    latency_marks: int,
    paces: list[tuple[float, float]],
    bare: bool,
) -> MarkFigures:
    db = Database(create_engine(url))
    try:
        prepared = await prepare(db, max(concurrent, latency_teachers), wanted=concurrent * rounds)
    finally:
        await db.dispose()  # the bot process has the database to itself
    figures = MarkFigures(url.split("://")[0], [])
    for n in range(rounds):
        # lessons of its own when the day has enough: a lesson's marks, drawn on each screen,
        # stay as many as in a real lesson
        first = n * concurrent if len(prepared.teachings) >= (n + 1) * concurrent else 0
        few = dataclasses.replace(
            prepared, teachings=prepared.teachings[first : first + concurrent]
        )
        floor, floor_cpu = await with_bot(url, few, "floor", throughput(presses, edited=False))
        marks, marks_cpu = await with_bot(url, few, "real", throughput(presses, edited=True))
        floor.cpu, marks.cpu = floor_cpu, marks_cpu
        figures.rounds.append((marks, floor))
    if bare:
        few = dataclasses.replace(prepared, teachings=prepared.teachings[:concurrent])
        figures.bare, cpu = await with_bot(url, few, "bare", throughput(presses, edited=False))
        figures.bare.cpu = cpu
    many = dataclasses.replace(prepared, teachings=prepared.teachings[:latency_teachers])
    for n, think in enumerate(paces if latency_teachers else []):
        latency, _ = await with_bot(url, many, "real", paced(latency_marks, think, first=n))
        figures.latencies.append(latency)
        figures.teachers = latency_teachers
    return figures


def _failed(n: int) -> str:
    return f", {n} failed" if n else ""


def print_figures(f: MarkFigures, concurrent: int) -> None:
    print(f"  {f.database}: {concurrent} teachers pressing «5» as fast as the bot answers, "
          f"{f.marks.updates + f.marks.failed} presses a run, {len(f.rounds)} rounds "
          "(the median shown)")  # fmt: skip
    for name, rate in (
        ("mark posted (real handler)", f.marks),
        ("floor (handler only answers)", f.floor),
        ("aiogram alone, no middleware", f.bare),
    ):
        if rate is not None:
            each = f"{rate.cpu_ms:5.1f} ms of the bot's CPU each{_failed(rate.failed)}"
            print(f"    {name:29} {rate.per_second:7.1f} updates/s ({each})")
    each_round = ", ".join(f"{r:.2f}" for r in f.ratios)
    print(f"    a mark costs {f.ratio:.2f}× the floor's update in rate (rounds: {each_round}), "
          f"{f.cpu_ratio:.2f}× in CPU")  # fmt: skip
    for lat in f.latencies:
        pace = f"{lat.think[0]:g}–{lat.think[1]:g} s"
        print(f"    {f.teachers} teachers at once, a tap each every {pace}: "
              f"{lat.rate:.1f} taps/s{_failed(lat.failed)}")  # fmt: skip
        for name, values in (
            ("mark tap (value)", lat.marks),
            ("student tap (screen)", lat.students),
            ("burst: all press at once", lat.burst),
        ):
            print(f"      {name:25} p50 {percentile(values, 50) * 1000:7.1f} ms  "
                  f"p99 {percentile(values, 99) * 1000:7.1f} ms  (n={len(values)})")  # fmt: skip


async def run_all(args: argparse.Namespace) -> list[MarkFigures]:
    school = await cached_school(args.students)
    results = []
    kwargs: dict[str, Any] = dict(
        concurrent=args.concurrent, presses=args.presses, rounds=args.rounds,
        latency_teachers=args.teachers,
        latency_marks=args.marks, paces=args.paces, bare=True,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        copy = working_copy(school, Path(folder))
        figures = await measure(sqlite_url(copy), **kwargs)
        print_figures(figures, args.concurrent)
        results.append(figures)
    if args.no_postgres:
        return results
    reason = await pg.why_not(args.postgres)
    if reason is not None:
        print(f"  postgresql: skipped ({reason})")
        results.append(MarkFigures("postgresql", [], skipped=reason))
        return results
    async with pg.school_database(args.postgres, args.pg_students) as url:
        kwargs["latency_teachers"] = 0  # the small school has too few teachers for it
        figures = await measure(url, **kwargs)
    print_figures(figures, args.concurrent)
    results.append(figures)
    return results


def _paces(text: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in (r.split("-") for r in text.split(","))]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--students", type=int, default=4000, help="the SQLite school's size")
    parser.add_argument("--pg-students", type=int, default=250, help="the PostgreSQL school's")
    parser.add_argument("--concurrent", type=int, default=10, help="teachers in the rate runs")
    parser.add_argument("--presses", type=int, default=30, help="presses per teacher and run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rate runs (floor, then marks), the median shown"
    )
    parser.add_argument("--teachers", type=int, default=100, help="teachers in the latency run")
    parser.add_argument("--marks", type=int, default=5, help="marks per teacher, latency run")
    parser.add_argument(
        "--paces", type=_paces, default=[(4.0, 8.0), (1.0, 3.0)],
        help="seconds between a teacher's taps, ranges: 4-8,1-3",
    )  # fmt: skip
    parser.add_argument("--postgres", default=pg.DEFAULT_SERVER)
    parser.add_argument("--no-postgres", action="store_true")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_arguments(parser)
    asyncio.run(run_all(parser.parse_args()))


if __name__ == "__main__":
    main()
