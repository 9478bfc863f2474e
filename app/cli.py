"""The `dnevnik` command: set-up, import, audit. Thin: it parses, calls core, prints."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sys
import zoneinfo
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.table import Table

from app import cli_backup
from app import cli_texts as txt
from app.logs import setup_logging
from app.settings import Settings

if TYPE_CHECKING:
    from storage.uow import Database

T = TypeVar("T")
MOVEMENTS_SHOWN = 30  # the rest are in `dnevnik audit show --entity student_movement`

app = typer.Typer(help=txt.APP_HELP, no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help=txt.DB_HELP, no_args_is_help=True)
audit_app = typer.Typer(help=txt.AUDIT_HELP, no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
cli_backup.register(app)  # backup, backups, restore, archive
console = Console()


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def _settings() -> Settings:
    settings = Settings()
    setup_logging(settings)
    return settings


async def _open(settings: Settings) -> Database:
    """The database, migrated; imported late so that `--help` stays quick."""
    from app.bootstrap import open_database

    return await open_database(settings)


def cli_actor() -> str:
    """Who made a change from the console: the operating-system login."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (a container without a passwd entry)
        return "cli:unknown"


def fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


@db_app.command("upgrade", help=txt.DB_UPGRADE_HELP)
def db_upgrade() -> None:
    from storage.db import create_engine
    from storage.migrate import upgrade

    settings = _settings()

    async def go() -> tuple[str | None, str | None]:
        engine = create_engine(settings.effective_database_url)
        try:
            return await upgrade(engine)
        finally:
            await engine.dispose()

    before, after = _run(go())
    if before == after:
        console.print(txt.DB_UP_TO_DATE.format(after=after))
    else:
        console.print(txt.DB_UPGRADED.format(before=before or "—", after=after))


@app.command("template", help=txt.TEMPLATE_HELP)
def template(
    path: Annotated[Path, typer.Argument(help="Куда записать, например school.xlsx")],
) -> None:
    from documents.school_year_workbook import write_template

    write_template(path)
    console.print(txt.TEMPLATE_WRITTEN.format(path=path))


@app.command("demo-data", help=txt.DEMO_DATA_HELP)
def demo_data(
    path: Annotated[Path | None, typer.Argument(help="Куда записать, например demo.xlsx")] = None,
    students: Annotated[
        int | None, typer.Option("--students", min=1, max=20_000, help=txt.SYNTH_STUDENTS_HELP)
    ] = None,
    year: Annotated[bool, typer.Option("--year", help=txt.SYNTH_YEAR_HELP)] = False,
    seed: Annotated[int | None, typer.Option("--seed", help=txt.SYNTH_SEED_HELP)] = None,
    school: Annotated[str | None, typer.Option("--school", help=txt.SYNTH_SCHOOL_HELP)] = None,
) -> None:
    if students is None:
        if path is None:
            raise fail(txt.SYNTH_NEED_PATH, code=2)
        from documents.demo_school import write_demo_workbook

        write_demo_workbook(path)
        console.print(txt.DEMO_DATA_WRITTEN.format(path=path))
        return
    from app.synthetic import DEFAULT_SEED

    if path is not None:
        from documents.school_year_writer import write_school_year
        from documents.synthetic_school import school_year_of, synthetic_rows

        today = _school_today(_settings().default_timezone)
        rows = synthetic_rows(students, seed or DEFAULT_SEED, school_year_of(today))
        write_school_year(rows, path)
        console.print(txt.SYNTH_WORKBOOK_WRITTEN.format(students=students, path=path))
        return
    if not _run(_synthetic(_settings(), students, year, seed or DEFAULT_SEED, school)):
        raise typer.Exit(1)


async def _synthetic(
    settings: Settings, students: int, year: bool, seed: int, school: str | None
) -> bool:
    from app.synthetic import SchoolExists, build_synthetic_school
    from storage.bulk_load import database_size

    db = await _open(settings)
    try:
        with _progress() as progress:
            tasks: dict[str, TaskID] = {}

            def on_step(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = progress.add_task(txt.SYNTH_STEPS.get(step, step), total=total)
                progress.update(tasks[step], completed=done, total=total)

            try:
                made = await build_synthetic_school(
                    db,
                    students,
                    seed,
                    year,
                    today=_school_today(settings.default_timezone),
                    school_name=school,
                    timezone=settings.default_timezone,
                    actor=cli_actor(),
                    progress=on_step,
                )
            except SchoolExists as error:
                console.print(f"[red]{txt.SYNTH_EXISTS.format(school=error)}[/red]")
                return False
        size = await database_size(db)
    finally:
        await db.dispose()
    console.print(
        txt.SYNTH_DONE.format(
            school=made.school,
            seconds=made.seconds,
            structure=made.structure_seconds,
            journal=made.journal_seconds,
            until=made.until.strftime("%d.%m.%Y"),
            students=made.students,
            classes=made.classes,
            staff=made.staff,
            lessons=made.lessons,
            substitutions=made.substitutions,
            marks=made.marks,
            absences=made.absences,
            rate=made.absence_rate,
            homework=made.homework,
            finals=made.final_marks,
            works=made.control_works,
            topics=made.topics,
        ),
        highlight=False,
    )
    if size:
        console.print(txt.SYNTH_SIZE.format(size=size / 1e6))
    return True


def _check_timezone(timezone: str | None) -> None:
    if timezone is None:
        return
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise fail(txt.BAD_TIMEZONE.format(tz=timezone)) from error


@app.command("import", help=txt.IMPORT_HELP)
def import_(
    path: Annotated[Path, typer.Argument(help="Книга XLSX или папка с CSV")],
    school: Annotated[str, typer.Option("--school", help=txt.IMPORT_SCHOOL_HELP)],
    timezone: Annotated[str | None, typer.Option(help=txt.IMPORT_TZ_HELP)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=txt.IMPORT_DRY_RUN_HELP)] = False,
) -> None:
    settings = _settings()
    _check_timezone(timezone)
    if not path.exists():
        raise fail(txt.FILE_NOT_FOUND.format(path=path))
    ok = _run(_import(settings, path, school, timezone, dry_run))
    if not ok:
        raise typer.Exit(1)


async def _import(
    settings: Settings, path: Path, school: str, timezone: str | None, dry_run: bool
) -> bool:
    from core.services.school_year_import import ImportReport, import_school_year
    from documents.school_year_workbook import read_school_year, russian_columns

    with _progress() as progress:
        reading = progress.add_task(txt.IMPORT_READING, total=None)

        def on_sheet(sheet: str, done: int, total: int) -> None:
            progress.update(
                reading, description=f"{txt.IMPORT_READING}: {sheet}", completed=done, total=total
            )

        rows = await asyncio.to_thread(read_school_year, path, on_sheet)
        progress.update(reading, completed=1, total=1, description=txt.IMPORT_READING)
        db = await _open(settings)
        try:
            applying: TaskID = progress.add_task(txt.IMPORT_APPLYING, total=None)

            def on_step(step: str, done: int, total: int) -> None:
                progress.update(applying, completed=done, total=total)

            async with db.uow() as uow:
                report: ImportReport = await import_school_year(
                    uow,
                    rows,
                    school_name=school,
                    actor=cli_actor(),
                    today=_school_today(timezone or settings.default_timezone),
                    timezone=timezone,
                    default_timezone=settings.default_timezone,
                    progress=on_step,
                    dry_run=dry_run,
                )
        finally:
            await db.dispose()
    if not report.ok:
        for problem in russian_columns(report.problems):
            console.print(f"  • {problem}", highlight=False)
        console.print(f"[red]{txt.IMPORT_FAILED.format(count=len(report.problems))}[/red]")
        return False
    _print_report(report)
    if dry_run:
        console.print(txt.IMPORT_DRY_DONE)
    return True


def _school_today(timezone: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def _print_report(report: Any) -> None:
    from core.services import school_year_texts as core_txt

    table = Table(title=txt.IMPORT_TABLE_TITLE)
    for column in (
        txt.COL_WHAT,
        txt.COL_ADDED,
        txt.COL_CHANGED,
        txt.COL_REMOVED,
        txt.COL_UNCHANGED,
    ):
        table.add_column(column, justify="left" if column == txt.COL_WHAT else "right")
    for kind, label in core_txt.ENTITY_LABELS.items():
        counts = [
            report.added[kind],
            report.changed[kind],
            report.removed[kind],
            report.unchanged[kind],
        ]
        if any(counts):
            table.add_row(label, *(str(n) for n in counts))
    console.print(table)
    if report.movements:
        console.print(txt.MOVEMENTS_TITLE)
        for line in report.movements[:MOVEMENTS_SHOWN]:
            console.print(f"  • {line}", highlight=False)
        if len(report.movements) > MOVEMENTS_SHOWN:
            hidden = len(report.movements) - MOVEMENTS_SHOWN
            console.print(txt.MOVEMENTS_MORE.format(count=hidden))
    console.print(txt.IMPORT_DONE.format(year=report.year, school=report.school))
    if not report.any_change:
        console.print(txt.IMPORT_NOTHING_CHANGED)


@app.command("summary", help=txt.SUMMARY_HELP)
def summary(school: Annotated[str, typer.Option("--school", help=txt.IMPORT_SCHOOL_HELP)]) -> None:
    settings = _settings()
    if not _run(_summary(settings, school)):
        raise typer.Exit(1)


async def _summary(settings: Settings, school_name: str) -> bool:
    from core.services.school_summary import school_summary

    db = await _open(settings)
    try:
        async with db.uow() as uow:
            result = await school_summary(
                uow, school_name, today=_school_today(settings.default_timezone)
            )
    finally:
        await db.dispose()
    if result is None:
        console.print(txt.SUMMARY_NO_SCHOOL.format(school=school_name))
        return False
    console.print(
        f"[bold]{txt.SUMMARY_TITLE.format(school=result.school, year=result.year)}[/bold]"
    )
    for key, label in txt.SUMMARY_LINES:
        console.print(f"  {label}: {result.counts[key]}")
    console.print(
        "  "
        + txt.SUMMARY_WEEK.format(
            start=result.week_start.strftime("%d.%m.%Y"),
            end=result.week_end.strftime("%d.%m.%Y"),
            count=result.lessons_in_week,
        )
    )
    table = Table()
    for column in (txt.COL_CLASS, txt.COL_CLASS_TEACHER, txt.COL_STUDENTS):
        table.add_column(column)
    for line in result.classes:
        table.add_row(line.name, line.class_teacher or "—", str(line.students))
    console.print(table)
    return True


@app.command("demo", help=txt.DEMO_HELP)
def demo() -> None:
    from app.demo import run_demo

    settings = _settings()
    run_demo((settings.data_dir / "demo").resolve())


def _day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise fail(txt.BAD_DATE.format(value=value)) from error


@audit_app.command("verify", help=txt.AUDIT_VERIFY_HELP)
def audit_verify(
    school: Annotated[str | None, typer.Option(help=txt.AUDIT_SCHOOL_HELP)] = None,
) -> None:
    from storage.audit_log import verify_all

    settings = _settings()

    async def go() -> list[Any]:
        db = await _open(settings)
        try:
            return await verify_all(db, school)
        finally:
            await db.dispose()

    results = _run(go())
    if not results:
        console.print(txt.AUDIT_NO_SCHOOLS)
    broken = False
    for chain in results:
        if chain.broken is None:
            console.print(txt.AUDIT_OK.format(school=chain.school.name, count=chain.entries))
            continue
        broken = True
        console.print(
            "[red]"
            + txt.AUDIT_BROKEN.format(
                school=chain.school.name,
                seq=chain.broken.seq,
                entry_id=chain.broken.entry_id if chain.broken.entry_id is not None else "—",
                reason=txt.AUDIT_REASONS[chain.broken.reason],
            )
            + "[/red]",
            highlight=False,
        )
    if broken:
        raise typer.Exit(1)


@audit_app.command("show", help=txt.AUDIT_SHOW_HELP)
def audit_show(
    school: Annotated[str | None, typer.Option(help=txt.AUDIT_SCHOOL_HELP)] = None,
    actor: Annotated[str | None, typer.Option(help=txt.AUDIT_ACTOR_HELP)] = None,
    entity: Annotated[str | None, typer.Option(help=txt.AUDIT_ENTITY_HELP)] = None,
    entity_id: Annotated[int | None, typer.Option(help=txt.AUDIT_ENTITY_ID_HELP)] = None,
    since: Annotated[str | None, typer.Option(help=txt.AUDIT_SINCE_HELP)] = None,
    until: Annotated[str | None, typer.Option(help=txt.AUDIT_UNTIL_HELP)] = None,
    limit: Annotated[int, typer.Option(help=txt.AUDIT_LIMIT_HELP, min=1, max=100_000)] = 50,
) -> None:
    from core.rules.audit_chain import canonical_json
    from storage.audit_log import find_entries

    settings = _settings()
    start, end = _day(since), _day(until)

    async def go() -> Any:
        db = await _open(settings)
        try:
            return await find_entries(
                db,
                school_name=school,
                actor=actor,
                entity=entity,
                entity_id=entity_id,
                since=dt.datetime.combine(start, dt.time(), dt.UTC) if start else None,
                until=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
                if end
                else None,
                limit=limit,
            )
        finally:
            await db.dispose()

    rows = _run(go())
    if not rows:
        console.print(txt.AUDIT_NONE)
        return
    table = Table(show_lines=False)
    for column in (
        txt.COL_AT,
        txt.COL_SCHOOL,
        txt.COL_ACTOR,
        txt.COL_ACTION,
        txt.COL_ENTITY,
        txt.COL_CHANGE,
    ):
        table.add_column(column, overflow="fold")
    for entry, school_name in rows:
        before = canonical_json(entry.before) if entry.before else "—"
        after = canonical_json(entry.after) if entry.after else "—"
        change = f"{before} → {after}"
        table.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            school_name,
            entry.actor,
            entry.action,
            f"{entry.entity} {entry.entity_id if entry.entity_id is not None else ''}",
            change if len(change) < 400 else change[:400] + "…",
        )
    console.print(table)


@app.command("run", help=txt.RUN_HELP)
def run(
    webhook: Annotated[bool, typer.Option("--webhook", help=txt.RUN_WEBHOOK_HELP)] = False,
) -> None:
    from app.runner import RedisUnavailable
    from app.runner import run as run_bot

    settings = _settings()
    if not settings.bot_token:
        raise fail(txt.NO_TOKEN, code=2)
    if webhook and not settings.webhook_url:
        raise fail(txt.NO_WEBHOOK_URL, code=2)
    try:
        _run(run_bot(settings, webhook=webhook))
    except RedisUnavailable as error:
        reason = error.reason.rstrip(".")
        raise fail(txt.NO_REDIS.format(url=error.url, error=reason), code=2) from None


@app.command("worker", help=txt.WORKER_HELP)
def worker() -> None:
    from app.runner import run_worker_only

    settings = _settings()
    if not settings.bot_token:
        raise fail(txt.NO_TOKEN, code=2)
    _run(run_worker_only(settings))


@app.command("codes", help=txt.CODES_HELP)
def codes(
    school: Annotated[str, typer.Option("--school", help=txt.IMPORT_SCHOOL_HELP)],
    out: Annotated[Path, typer.Option("--out", help=txt.CODES_OUT_HELP)] = Path("codes-staff.pdf"),
    person: Annotated[
        list[str] | None, typer.Option("--person", help=txt.CODES_PERSON_HELP)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help=txt.CODES_ALL_HELP)] = False,
) -> None:
    settings = _settings()
    if not _run(_codes(settings, school, out, person or [], all_)):
        raise typer.Exit(1)


async def _codes(
    settings: Settings, school_name: str, out: Path, people: list[str], all_: bool
) -> bool:
    import datetime as dt

    from bot.slips import slips_pdf
    from core.model.people import StaffMember
    from core.model.school import School
    from core.rules.names import NameIndex
    from core.services.identity import issue_staff_codes_unchecked

    username = settings.bot_username or await _bot_username(settings)
    if not username:
        console.print(f"[red]{txt.CODES_NO_USERNAME}[/red]")
        return False
    db = await _open(settings)
    try:
        async with db.uow() as uow:
            school = await uow.repo(School).first(name=school_name)
            if school is None or school.id is None:
                console.print(txt.SUMMARY_NO_SCHOOL.format(school=school_name))
                return False
            staff_ids: list[int] | None = None
            if people:
                index = NameIndex[StaffMember]()
                for member in await uow.repo(StaffMember).find(school_id=school.id):
                    index.add(member, member.last_name, member.first_name, member.middle_name)
                staff_ids = []
                for name in people:
                    found = index.lookup(name)
                    if len(found) != 1 or found[0].id is None:
                        console.print(
                            txt.CODES_UNKNOWN_PERSON.format(name=name, school=school_name)
                        )
                        return False
                    staff_ids.append(found[0].id)
            issued = await issue_staff_codes_unchecked(
                uow,
                school.id,
                cli_actor(),
                now=dt.datetime.now(dt.UTC),
                staff_ids=staff_ids,
                ttl=dt.timedelta(days=settings.code_ttl_days),
                include_bound=all_,
            )
            if not issued:
                console.print(txt.CODES_NONE)
                return True
            pdf = await slips_pdf(
                issued,
                school=school.name,
                timezone=school.timezone,
                bot_username=username,
                title=school.name,
            )
    finally:
        await db.dispose()
    await asyncio.to_thread(out.write_bytes, pdf)
    until = min(i.expires_at for i in issued).strftime("%d.%m.%Y")
    console.print(txt.CODES_WRITTEN.format(count=len(issued), until=until, path=out))
    return True


async def _bot_username(settings: Settings) -> str | None:
    if not settings.bot_token:
        return None
    from bot.factory import build_bot

    bot = build_bot(settings.bot_token, settings.telegram_api_url)
    try:
        return (await bot.me()).username
    except Exception:  # no network, a wrong token: the caller explains what to set
        return None
    finally:
        await bot.session.close()


@app.command("settings", help=txt.SETTINGS_HELP)
def settings_command(
    school: Annotated[str, typer.Option("--school", help=txt.IMPORT_SCHOOL_HELP)],
    timezone: Annotated[str | None, typer.Option(help=txt.SETTINGS_TZ_HELP)] = None,
    consent_file: Annotated[Path | None, typer.Option(help=txt.SETTINGS_CONSENT_HELP)] = None,
    homework_hours: Annotated[float | None, typer.Option(help=txt.SETTINGS_HOMEWORK_HELP)] = None,
    control_days: Annotated[int | None, typer.Option(help=txt.SETTINGS_CONTROL_HELP)] = None,
    written_days: Annotated[int | None, typer.Option(help=txt.SETTINGS_WRITTEN_HELP)] = None,
) -> None:
    from core.services.school_settings import SchoolSettings

    settings = _settings()
    consent = None
    if consent_file is not None:
        if not consent_file.is_file():
            raise fail(txt.FILE_NOT_FOUND.format(path=consent_file))
        consent = consent_file.read_text(encoding="utf-8-sig")
    wanted = SchoolSettings(
        timezone=timezone,
        consent_text=consent,
        homework_hours=homework_hours,
        control_marks_days=control_days,
        written_marks_days=written_days,
    )
    if not _run(_school_settings(settings, school, wanted)):
        raise typer.Exit(1)


async def _school_settings(settings: Settings, school_name: str, wanted: Any) -> bool:
    from core.services.errors import NotFound, Refused
    from core.services.school_settings import update_school_settings

    db = await _open(settings)
    try:
        async with db.uow() as uow:
            school = await update_school_settings(uow, cli_actor(), school_name, wanted)
    except NotFound:
        console.print(txt.SUMMARY_NO_SCHOOL.format(school=school_name))
        return False
    except Refused as error:
        console.print(f"[red]{error}[/red]")
        return False
    finally:
        await db.dispose()
    console.print(
        txt.SETTINGS_NOW.format(
            school=school.name,
            tz=school.timezone,
            consent=txt.SETTINGS_OWN_CONSENT if school.consent_text else txt.SETTINGS_STD_CONSENT,
            hours=f"{school.homework_hours:g}",
            control=school.control_marks_days,
            written=school.written_marks_days,
        )
    )
    return True


def _register_security() -> None:
    from app.cli_security import register

    register(app, audit_app)


_register_security()


def _register_reports() -> None:
    from app.cli_reports import register

    register(app)


_register_reports()


def main() -> None:
    app()
