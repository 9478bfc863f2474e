"""Every benchmark in one run, then a summary of each figure beside its target (issue 8).

    uv run python -m bench
    uv run python -m bench --no-postgres

Figures only, nothing asserted. The synthetic schools are cached (bench.schools, and a template
database on PostgreSQL), so the first run builds them (several minutes for 4,000 students) and
the next ones start at once. PostgreSQL: postgresql://postgres@127.0.0.1:5432 (``--postgres``),
database ``dnevnik_bench`` made and dropped; skipped, with the reason, when it does not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import re
import sys
import time
from dataclasses import dataclass

from bench import marks, memory, reports
from bench import notices as notices_bench


@dataclass(frozen=True)
class Line:
    figure: str
    value: str
    target: str
    met: bool | None  # None: no target, shown for scale


class _Tee(io.StringIO):
    def write(self, text: str) -> int:
        sys.__stdout__.write(text) if sys.__stdout__ else None
        return super().write(text)


async def _notices(count: int, chats: int, rate: float) -> tuple[float, int, int]:
    """bench.notices prints its figures; they are read back from what it printed."""
    out = _Tee()
    with contextlib.redirect_stdout(out):
        await notices_bench.bench(count, chats, rate, None)
    text = out.getvalue()
    ratio = re.search(r"ratio:\s+([\d.]+)", text)
    floods = re.search(r"429 received:\s+(\d+) by the worker \((\d+) answered", text)
    if ratio is None or floods is None:
        raise RuntimeError("bench.notices printed no ratio or 429 line")
    return float(ratio.group(1)), int(floods.group(1)), int(floods.group(2))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def run(args: argparse.Namespace) -> list[Line]:
    lines: list[Line] = []
    started = time.perf_counter()

    print("\n== Marks: updates per second through the real Dispatcher over the emulator ==")
    results = await marks.run_all(args)
    for f in results:
        if f.skipped:
            lines.append(Line(f"{f.database}: mark updates/s", "skipped", f.skipped, None))
            continue
        db = "SQLite" if f.database.startswith("sqlite") else "PostgreSQL"
        for name, rate in (("mark-posting", f.marks), ("do-nothing", f.floor)):
            lines.append(
                Line(
                    f"{db}: {name} updates/s (bot CPU per update)",
                    f"{rate.per_second:.1f} ({rate.cpu_ms:.0f} ms)",
                    "",
                    None,
                )
            )
        each_round = ", ".join(f"{r:.2f}" for r in f.ratios)
        lines.append(
            Line(
                f"{db}: mark / do-nothing cost (rate; CPU)",
                f"{f.ratio:.2f}×; {f.cpu_ratio:.2f}× (median of {each_round})",
                "≤ 3×" if db == "SQLite" else "",
                f.ratio <= 3 if db == "SQLite" else None,
            )
        )
        for lat in f.latencies:
            pace = f"tap every {lat.think[0]:g}–{lat.think[1]:g} s"
            p50, p99 = marks.percentile(lat.marks, 50), marks.percentile(lat.marks, 99)
            failed = f", {lat.failed} failed" if lat.failed else ""
            lines.append(
                Line(
                    f"{db}: {f.teachers} teachers, {pace}: mark p50/p99",
                    f"{_ms(p50)} / {_ms(p99)}{failed}",
                    "p99 ≤ 100 ms",
                    p99 <= 0.1 and not lat.failed,
                )
            )
            burst = (
                f"{_ms(marks.percentile(lat.burst, 50))} / {_ms(marks.percentile(lat.burst, 99))}"
            )
            lines.append(
                Line(f"{db}: then all {f.teachers} press at once: p50/p99", burst, "", None)
            )
    print(f"   ({time.perf_counter() - started:.0f} s so far)")

    print("\n== Notices: fan-out through the real worker to the emulator ==")
    ratio, floods, answered = await _notices(args.notices, args.chats, args.rate)
    lines.append(
        Line(
            f"notices: achieved / configured {args.rate:g}/s",
            f"{ratio:.3f}",
            "≥ 0.95",
            ratio >= 0.95,
        )
    )
    lines.append(Line("notices: 429 received", str(floods), "0", floods == 0 and answered == 0))
    print(f"   ({time.perf_counter() - started:.0f} s so far)")

    print("\n== Reports: computed for a class, a grade, the school ==")
    for r in await reports.run(tuple(args.report_sizes), "year"):
        name, scope, value = r.slowest()
        lines.append(Line(f"reports, {r.students} students: slowest", f"{value:.2f} s", "", None))
        del name, scope
    print(f"   ({time.perf_counter() - started:.0f} s so far)")

    print("\n== Memory of the bot process ==")
    mem = await memory.measure(args.memory_students, args.memory_teachers, args.memory_marks)
    memory.print_figures(mem)
    lines.append(
        Line("bot process idle, RSS", f"{mem.idle_mb:.0f} MB", "≤ 150 MB", mem.idle_mb <= 150)
    )
    lines.append(Line("bot process under load, RSS", f"{mem.loaded_mb:.0f} MB", "", None))
    lines.append(
        Line(
            "heavy libraries at start",
            ", ".join(mem.heavy_at_start) or "none",
            "none",
            not mem.heavy_at_start,
        )
    )
    return lines


def print_summary(lines: list[Line], seconds: float) -> None:
    print("\n== Summary ==")
    width = max(len(line.figure) for line in lines)
    values = max(len(line.value) for line in lines)
    targets = max(len(line.target) for line in lines)
    for line in lines:
        verdict = "" if line.met is None else ("met" if line.met else "NOT met")
        print(
            f"  {line.figure:{width}}  {line.value:>{values}}  {line.target:>{targets}}  {verdict}"
        )
    print(f"  total run: {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    marks.add_arguments(parser)
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument(
        "--report-sizes", type=lambda s: [int(x) for x in s.split(",")], default=[250, 1000, 4000]
    )
    parser.add_argument("--memory-students", type=int, default=1000)
    parser.add_argument("--memory-teachers", type=int, default=20)
    parser.add_argument("--memory-marks", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    lines = asyncio.run(run(args))
    print_summary(lines, time.perf_counter() - started)


if __name__ == "__main__":
    main()
