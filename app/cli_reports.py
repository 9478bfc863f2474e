"""`dnevnik report NAME`: a report computed as the console (the school's administration) and
written to files — the same computation and the same files the bot sends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from app import cli_reports_texts as txt
from app.settings import Settings
from core.model.reports import Report
from core.services.reports.catalog import KINDS

FORMATS = ("xlsx", "png", "csv", "pdf")


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%d.%m.%Y").date()
    except ValueError:
        raise typer.BadParameter(txt.BAD_DATE.format(value=value)) from None


def report_command(
    name: Annotated[str, typer.Argument(help=", ".join(KINDS))],
    school: Annotated[str, typer.Option("--school", help=txt.SCHOOL_HELP)],
    class_name: Annotated[str | None, typer.Option("--class", help=txt.CLASS_HELP)] = None,
    grade: Annotated[
        int | None, typer.Option("--grade", min=1, max=11, help=txt.GRADE_HELP)
    ] = None,
    teacher: Annotated[str | None, typer.Option("--teacher", help=txt.TEACHER_HELP)] = None,
    student: Annotated[str | None, typer.Option("--student", help=txt.STUDENT_HELP)] = None,
    period: Annotated[str | None, typer.Option("--period", help=txt.PERIOD_HELP)] = None,
    start: Annotated[str | None, typer.Option("--from", help=txt.FROM_HELP)] = None,
    end: Annotated[str | None, typer.Option("--to", help=txt.TO_HELP)] = None,
    formats: Annotated[str, typer.Option("--format", help=txt.FORMAT_HELP)] = "xlsx,png",
    out: Annotated[Path, typer.Option("--out", help=txt.OUT_HELP)] = Path("reports"),
) -> None:
    from app import cli

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    for fmt in wanted:
        if fmt not in FORMATS:
            raise cli.fail(txt.BAD_FORMAT.format(value=fmt))
    request = Request(
        name, school, class_name, grade, teacher, student, period, _date(start), _date(end)
    )
    if not cli._run(_report(cli._settings(), request, wanted, out)):
        raise typer.Exit(1)


@dataclass(frozen=True)
class Request:
    name: str
    school: str
    class_name: str | None
    grade: int | None
    teacher: str | None
    student: str | None
    period: str | None
    start: dt.date | None
    end: dt.date | None


async def _report(settings: Settings, request: Request, formats: list[str], out: Path) -> bool:
    from zoneinfo import ZoneInfo

    from app import cli
    from core.model.school import School
    from core.services import report_menu
    from core.services.compromise import console_actor
    from core.services.errors import AccessDenied, Refused
    from core.services.reports.catalog import make_report

    now = dt.datetime.now(dt.UTC)
    db = await cli._open(settings)
    try:
        async with db.uow() as uow:
            school = await uow.repo(School).first(name=request.school)
            if school is None or school.id is None:
                cli.console.print(f"[red]{txt.NO_SCHOOL.format(school=request.school)}[/red]")
                return False
            actor = console_actor(school.id)
            today = now.astimezone(ZoneInfo(school.timezone)).date()
            try:
                scope = await report_menu.find_scope(
                    uow, actor, today, class_name=request.class_name, grade=request.grade,
                    teacher=request.teacher, student=request.student,
                )  # fmt: skip
                period = await report_menu.find_period(
                    uow, actor, today, name=request.period, start=request.start, end=request.end
                )
                report = await make_report(uow, actor, request.name, scope, period, now=now)
            except (Refused, AccessDenied) as error:
                cli.console.print(f"[red]{error}[/red]")
                return False
    finally:
        await db.dispose()
    paths = _write(report, formats, out, school.timezone)
    cli.console.print(
        txt.MADE.format(title=report.title, scope=report.scope, period=report.period),
        highlight=False,
    )
    for path in paths:
        cli.console.print(txt.FILE.format(path=path), highlight=False)
    if "png" in formats and report.chart is None:
        cli.console.print(txt.NO_CHART, highlight=False)
    return True


def _write(report: Report, formats: list[str], out: Path, tz: str) -> list[Path]:
    from documents.reports import Format, pdf_format, write

    paths: list[Path] = []
    for fmt in formats:
        if fmt == "png" and report.chart is None:
            continue
        chosen = pdf_format(report) if fmt == "pdf" else Format(fmt)
        paths += write(report, chosen, out, tz=tz)
    return paths


def register(app: typer.Typer) -> None:
    app.command("report", help=txt.REPORT_HELP.format(names=", ".join(KINDS)))(report_command)
