"""Benchmark (figures, not a test): how long building a synthetic school with a full year of
journal takes, for 250, 1,000 and 4,000 students, and what it holds.

    uv run python -m bench.synthetic                                # SQLite files in a temp dir
    uv run python -m bench.synthetic --sizes 1000 --up-to-today
    uv run python -m bench.synthetic --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

On PostgreSQL every size goes into the one (empty, migrated) database as its own school, so the
database size printed grows with each. The report benchmark builds its schools the same way:
``await app.synthetic.build_synthetic_school(db, students, seed, full_year=True)``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

from app.synthetic import DEFAULT_SEED, Summary, build_synthetic_school
from storage.bulk_load import database_size
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

COLUMNS = (
    ("students", 8),
    ("classes", 7),
    ("staff", 5),
    ("lessons", 8),
    ("subst", 6),
    ("marks", 9),
    ("absences", 8),
    ("abs.%", 5),
    ("homework", 8),
    ("finals", 7),
    ("school s", 8),
    ("journal s", 9),
    ("total s", 7),
    ("rows/s", 7),
    ("DB MB", 6),
)


async def build(url: str, students: int, seed: int, full_year: bool) -> tuple[Summary, int]:
    engine = create_engine(url)
    await upgrade(engine)
    db = Database(engine)
    try:
        summary = await build_synthetic_school(db, students, seed, full_year, today=dt.date.today())
        return summary, await database_size(db) or 0
    finally:
        await db.dispose()


def line(s: Summary, size: int) -> str:
    rows = s.lessons + s.marks + s.absences + s.homework + s.final_marks + s.topics
    values = (
        s.students,
        s.classes,
        s.staff,
        s.lessons,
        s.substitutions,
        s.marks,
        s.absences,
        f"{s.absence_rate:.1%}",
        s.homework,
        s.final_marks,
        f"{s.structure_seconds:.1f}",
        f"{s.journal_seconds:.1f}",
        f"{s.seconds:.1f}",
        f"{rows / s.journal_seconds:,.0f}".replace(",", " "),
        f"{size / 1e6:.0f}",
    )
    return "  ".join(str(v).rjust(w) for v, (_n, w) in zip(values, COLUMNS, strict=True))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="250,1000,4000", help="students, comma-separated")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--up-to-today", action="store_true", help="the journal up to today, not the whole year"
    )
    parser.add_argument("--database-url", help="PostgreSQL (empty); default: SQLite temp files")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    full_year = not args.up_to_today
    print(
        f"Synthetic school, seed {args.seed}, journal "
        + ("of the whole year" if full_year else "up to today")
        + f", on {'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    print("  ".join(name.rjust(w) for name, w in COLUMNS))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for students in sizes:
            url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / f'{students}.sqlite3'}"
            summary, size = await build(url, students, args.seed, full_year)
            print(line(summary, size), flush=True)
    print(f"all sizes: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
