"""Benchmark (figures, not a test): resident memory of the bot process, idle and under load.

    uv run python -m bench.memory

``dnevnik run`` (polling, SQLite, the notices worker and the scheduler inside, as a school runs
it) is started as a child process against the Bot API emulator, on a copy of a synthetic school.
Its VmRSS (/proc/<pid>/status) is read once it polls and has been idle a few seconds, then after
``--teachers`` teachers have posted ``--marks`` marks each through it (a student, then «5»), with
VmHWM, the peak. A separate interpreter lists the heavy libraries the bot imports at start (none
is expected: they are imported where a file is drawn).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.marks import Teacher, prepare, stop, teachers_in
from bench.schools import cached_school, sqlite_url, working_copy
from bot.emulator import BotApiEmulator
from bot.factory import build_bot
from storage.db import create_engine
from storage.uow import Database

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "openpyxl", "fpdf", "pypdf", "PIL", "segno", "numpy", "pandas")
ZONE = ZoneInfo("Europe/Moscow")  # the synthetic school's

# what the bot imports at start, in a fresh interpreter: the command, the runner, the dispatcher
STARTUP = f"""
import sys
import app.cli, app.runner, app.scheduled_jobs, notifications.worker
from bot.context import BotContext
from bot.factory import build_bot, build_dispatcher
from storage.db import create_engine
from storage.uow import Database
build_dispatcher(BotContext(db=Database(create_engine("sqlite+aiosqlite:///:memory:"))))
build_bot("1:x")
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
rss = open("/proc/self/status").read().split("VmRSS:")[1].split()[0]
print(",".join(heavy) + ";" + rss)
"""


@dataclass(frozen=True)
class MemoryFigures:
    idle_mb: float
    loaded_mb: float
    peak_mb: float
    updates: int
    seconds: float
    heavy_at_start: list[str]
    imports_only_mb: float
    aiogram_mb: float


def _status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


async def _python(code: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return out.decode().strip()


async def startup_imports() -> tuple[list[str], float, float]:
    """Heavy libraries imported at start, the RSS of the imports alone, and of aiogram alone."""
    heavy, rss = (await _python(STARTUP)).split(";")
    aiogram = await _python(  # as aiogram builds its models when not deferred (app.telegram_models)
        'import aiogram; print(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])'
    )
    return [h for h in heavy.split(",") if h], int(rss) / 1024, int(aiogram) / 1024


async def measure(students: int, teachers: int, marks: int) -> MemoryFigures:
    school = await cached_school(students)
    heavy, imports_mb, aiogram_mb = await startup_imports()
    with tempfile.TemporaryDirectory() as folder:
        copy = working_copy(school, Path(folder))
        db = Database(create_engine(sqlite_url(copy)))
        today = dt.datetime.now(ZONE).date()
        prepared = await prepare(db, teachers, on_day=today)
        await db.dispose()
        async with BotApiEmulator() as emu:
            env = {
                **os.environ,
                "BOT_TOKEN": emu.token,
                "TELEGRAM_API_URL": emu.base_url,
                "DATABASE_URL": sqlite_url(copy),
                "DATA_DIR": folder,
                "BACKUP_DIR": str(Path(folder) / "backups"),
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
            }
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "app", "run", cwd=folder, env=env
            )
            bot = build_bot(emu.token, session=emu.session())
            try:
                await emu.wait_until_polled(timeout=60)
                await asyncio.sleep(5)  # the worker and the scheduler settle
                idle = _status(proc.pid, "VmRSS")
                crew = await teachers_in(emu, bot, prepared)
                started = time.perf_counter()
                await asyncio.gather(*(_lesson(t, marks) for t in crew))
                seconds = time.perf_counter() - started
                await asyncio.sleep(2)
                loaded = _status(proc.pid, "VmRSS")
                peak = _status(proc.pid, "VmHWM")
            finally:
                await bot.session.close()
                await stop(proc)
    return MemoryFigures(
        idle, loaded, peak, 2 * teachers * marks, seconds, heavy, imports_mb, aiogram_mb
    )


async def _lesson(teacher: Teacher, marks: int) -> None:
    for n in range(marks):
        await teacher.tap(teacher.student_data(n), True)
        await teacher.tap(teacher.value_data(n), True)


def print_figures(f: MemoryFigures) -> None:
    print(f"  bot process (dnevnik run, polling, SQLite): idle {f.idle_mb:.0f} MB RSS")
    print(f"    after {f.updates} updates in {f.seconds:.1f} s: {f.loaded_mb:.0f} MB RSS, "
          f"peak {f.peak_mb:.0f} MB")  # fmt: skip
    print(f"    the imports alone (a fresh interpreter, dispatcher built): "
          f"{f.imports_only_mb:.0f} MB; `import aiogram` alone, its models not deferred: "
          f"{f.aiogram_mb:.0f} MB")  # fmt: skip
    print(f"    heavy libraries imported at start: {', '.join(f.heavy_at_start) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--marks", type=int, default=10)
    args = parser.parse_args()
    print_figures(asyncio.run(measure(args.students, args.teachers, args.marks)))


if __name__ == "__main__":
    main()
