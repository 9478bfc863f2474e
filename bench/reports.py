"""Benchmark (figures, not a test): how long each report takes to compute for a class, a grade and
the whole school, over a year of journal, for schools of 250, 1,000 and 4,000 students.

    uv run python -m bench.reports
    uv run python -m bench.reports --sizes 1000 --period quarter

The schools are synthetic (bench.schools: built once, then read from the cache). A report is
timed from ``make_report`` called to the Report returned (the SQL and the computation; drawing it
as PNG or XLSX is not included), each in its own unit of work, as the head of the school asks.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field

from bench.schools import cached_school, sqlite_url
from core.model.groups import SchoolClass
from core.model.identity import Actor, PersonKind, Role
from core.model.school import PeriodKind, School, StudyPeriod
from core.services.reports.catalog import KINDS, make_report
from core.services.reports.scope import ReportPeriod, ReportScope, ScopeKind, StudyPeriodRef
from storage.db import create_engine
from storage.uow import Database

SIZES = (250, 1000, 4000)
SCOPES = (ScopeKind.CLASS, ScopeKind.GRADE, ScopeKind.SCHOOL)


@dataclass
class SizeTimes:
    students: int
    built_seconds: float | None
    seconds: dict[tuple[str, ScopeKind], float] = field(default_factory=dict)

    def slowest(self) -> tuple[str, ScopeKind, float]:
        (name, scope), value = max(self.seconds.items(), key=lambda kv: kv[1])
        return name, scope, value


def _head(school_id: int) -> Actor:
    return Actor(
        telegram_user_id=None, school_id=school_id, kind=PersonKind.STAFF, person_id=0,
        name="bench", role=Role.HEAD, roles=frozenset({Role.HEAD}),
    )  # fmt: skip


async def _targets(
    db: Database, period: str
) -> tuple[Actor, dict[ScopeKind, ReportScope], ReportPeriod]:
    async with db.uow() as uow:
        school = (await uow.repo(School).find())[0]
        assert school.id is not None
        classes = sorted(
            await uow.repo(SchoolClass).find(school_id=school.id), key=lambda c: (c.grade, c.name)
        )
        # a class of the fifth grade: the middle of the school, with subject teachers
        chosen = next((c for c in classes if c.grade == 5), classes[0])
        assert chosen.id is not None
        periods = await uow.repo(StudyPeriod).find(school_id=school.id)
    wanted = PeriodKind.YEAR if period == "year" else PeriodKind.QUARTER
    ref = next(
        p for p in sorted(periods, key=lambda p: p.starts_on)
        if p.kind is wanted and p.covers_grade(chosen.grade)
    )  # fmt: skip
    assert ref.id is not None
    scopes = {
        ScopeKind.CLASS: ReportScope.of_class(chosen.id),
        ScopeKind.GRADE: ReportScope.grade(chosen.grade),
        ScopeKind.SCHOOL: ReportScope.school(),
    }
    return _head(school.id), scopes, StudyPeriodRef(ref.id)


async def time_reports(students: int, period: str) -> SizeTimes:
    school = await cached_school(students)
    times = SizeTimes(students, school.built_seconds)
    db = Database(create_engine(sqlite_url(school.path)))  # the reports only read
    try:
        actor, scopes, ref = await _targets(db, period)
        for name, kind in KINDS.items():
            for scope_kind in SCOPES:
                if scope_kind not in kind.scopes:
                    continue
                started = time.perf_counter()
                async with db.uow() as uow:
                    await make_report(uow, actor, name, scopes[scope_kind], ref)
                times.seconds[(name, scope_kind)] = time.perf_counter() - started
    finally:
        await db.dispose()
    return times


def print_table(results: list[SizeTimes], period: str) -> None:
    print(f"  report times, seconds (the {period}; a class of grade 5, grade 5, the school):")
    header = "    report            " + "".join(f"{r.students:>7} students      " for r in results)
    print(header)
    print("                      " + "".join("  class grade school" for _ in results))
    for name in KINDS:
        if not any((name, scope) in r.seconds for r in results for scope in SCOPES):
            continue  # a report of one student: none of these scopes
        cells = []
        for r in results:
            for scope in SCOPES:
                value = r.seconds.get((name, scope))
                cells.append("     —" if value is None else f"{value:6.2f}")
        print(f"    {name:17} " + " ".join(cells))
    for r in results:
        built = (
            "taken from the cache"
            if r.built_seconds is None
            else f"built in {r.built_seconds:.0f} s"
        )
        name, scope, value = r.slowest()
        slowest = f"slowest {name} for the {scope.value} {value:.2f} s"
        print(f"    {r.students} students: {built}; {slowest}")


async def run(sizes: tuple[int, ...] = SIZES, period: str = "year") -> list[SizeTimes]:
    results = [await time_reports(students, period) for students in sizes]
    print_table(results, period)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="students, comma-separated"
    )
    parser.add_argument("--period", choices=("year", "quarter"), default="year")
    args = parser.parse_args()
    asyncio.run(run(tuple(int(s) for s in args.sizes.split(",")), args.period))


if __name__ == "__main__":
    main()
