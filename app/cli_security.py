"""`dnevnik compromise`, `dnevnik audit flagged`, `dnevnik audit revert`: a compromised account
from the server's console (SEC-4), for when the coordinator's own phone is the one lost.
Registered on the shared typer apps by app/cli.py (``register``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from app import cli_security_texts as txt

if TYPE_CHECKING:
    from core.ports import UnitOfWork


def parse_since(value: str, timezone: str) -> dt.datetime | None:
    """«07.09.2026 09:20» in the school's time zone, as UTC; None when it is no such moment."""
    try:
        local = dt.datetime.strptime(value.strip(), "%d.%m.%Y %H:%M")
    except ValueError:
        return None
    return local.replace(tzinfo=zoneinfo.ZoneInfo(timezone)).astimezone(dt.UTC)


def compromise_command(
    person: Annotated[str, typer.Argument(help=txt.PERSON_HELP)],
    school: Annotated[str, typer.Option("--school", help=txt.SCHOOL_HELP)],
    since: Annotated[str, typer.Option("--since", help=txt.SINCE_HELP)],
    reason: Annotated[
        str, typer.Option("--reason", help=txt.REASON_HELP)
    ] = "сообщено руководителю",
) -> None:
    from app import cli

    settings = cli._settings()
    if not cli._run(_compromise(settings, school, person, since, reason)):
        raise typer.Exit(1)


async def _school(uow: UnitOfWork, name: str) -> Any:
    from app import cli
    from app import cli_texts as base_txt
    from core.model.school import School

    found = await uow.repo(School).first(name=name)
    if found is None:
        cli.console.print(base_txt.SUMMARY_NO_SCHOOL.format(school=name))
    return found


async def _compromise(
    settings: Any, school_name: str, person: str, since: str, reason: str
) -> bool:
    from app import cli
    from core.services import audit_queries, compromise
    from core.services.errors import Refused
    from storage.audit_queries import SqlAuditSource

    db = await cli._open(settings)
    try:
        async with db.uow() as uow:
            school = await _school(uow, school_name)
            if school is None:
                return False
            moment = parse_since(since, school.timezone)
            if moment is None:
                cli.console.print(f"[red]{txt.BAD_SINCE.format(value=since)}[/red]")
                return False
            console = compromise.console_actor(school.id)
            people = await audit_queries.find_people(uow, console, person)
            if len(people) != 1:
                if not people:
                    cli.console.print(txt.NO_PERSON.format(school=school_name, name=person))
                else:
                    cli.console.print(txt.MANY_PEOPLE.format(name=person))
                    for p in people:
                        cli.console.print(f"  • {p.name} ({p.what})", highlight=False)
                return False
            [found] = people
            try:
                report = await compromise.record_compromise_unchecked(
                    uow,
                    SqlAuditSource(uow),
                    school.id,
                    cli.cli_actor(),
                    found.kind,
                    found.person_id,
                    moment,
                    reason,
                    dt.datetime.now(dt.UTC),
                )
            except Refused as error:
                cli.console.print(f"[red]{error}[/red]")
                return False
    finally:
        await db.dispose()
    local = moment.astimezone(zoneinfo.ZoneInfo(school.timezone))
    cli.console.print(
        txt.RECORDED.format(
            id=report.compromise_id,
            name=found.name,
            since=f"{local:%d.%m.%Y %H:%M}",
            bindings=report.bindings_revoked,
            codes=report.codes_revoked,
            flagged=report.flagged,
            school=school_name,
        ),
        highlight=False,
    )
    return True


def flagged_command(
    school: Annotated[str, typer.Option("--school", help=txt.SCHOOL_HELP)],
    compromise_id: Annotated[int | None, typer.Argument(help=txt.ID_HELP)] = None,
) -> None:
    from app import cli

    settings = cli._settings()
    if not cli._run(_flagged(settings, school, compromise_id)):
        raise typer.Exit(1)


async def _flagged(settings: Any, school_name: str, compromise_id: int | None) -> bool:
    from app import cli
    from core.services import compromise
    from core.services.compromise_texts import STATES
    from core.services.errors import NotFound
    from storage.audit_queries import SqlAuditSource

    db = await cli._open(settings)
    try:
        async with db.uow() as uow:
            school = await _school(uow, school_name)
            if school is None:
                return False
            if compromise_id is None:
                _print_compromises(await compromise.compromises_of(uow, school.id))
                return True
            try:
                view = await compromise.list_flagged_unchecked(
                    uow, SqlAuditSource(uow), school.id, compromise_id
                )
            except NotFound as error:
                cli.console.print(f"[red]{error}[/red]")
                return False
    finally:
        await db.dispose()
    cli.console.print(
        f"{view.person.name}: {txt.COL_SINCE.lower()} {view.since_text}. {view.reason}",
        highlight=False,
    )
    table = Table()
    for column in (txt.COL_STATE, txt.COL_AT, txt.COL_WHO, txt.COL_WHAT, txt.COL_CHANGE):
        table.add_column(column, overflow="fold")
    for item in view.lines:
        what = item.line.what + (f" — {item.line.about}" if item.line.about else "")
        state = STATES[item.state] + (f" ({item.note})" if item.note else "")
        table.add_row(state, item.line.at_text, item.line.who, what, "\n".join(item.line.changes))
    cli.console.print(table)
    return True


def _print_compromises(views: list[Any]) -> None:
    from app import cli

    if not views:
        cli.console.print(txt.NONE)
        return
    table = Table()
    for column in (txt.COL_ID, txt.COL_PERSON, txt.COL_SINCE, txt.COL_REASON, txt.COL_REVERTED):
        table.add_column(column)
    for view in views:
        table.add_row(
            str(view.compromise_id),
            view.person.name,
            view.since_text,
            view.reason,
            view.reverted_at_text or "—",
        )
    cli.console.print(table)


def revert_command(
    compromise_id: Annotated[int, typer.Argument(help=txt.ID_HELP)],
    school: Annotated[str, typer.Option("--school", help=txt.SCHOOL_HELP)],
) -> None:
    from app import cli

    settings = cli._settings()
    if not cli._run(_revert(settings, school, compromise_id)):
        raise typer.Exit(1)


async def _revert(settings: Any, school_name: str, compromise_id: int) -> bool:
    from app import cli
    from core.services import compromise
    from core.services.errors import NotFound, Refused
    from storage.audit_queries import SqlAuditSource

    db = await cli._open(settings)
    try:
        async with db.uow() as uow:
            school = await _school(uow, school_name)
            if school is None:
                return False
            try:
                report = await compromise.revert_flagged_unchecked(
                    uow,
                    SqlAuditSource(uow),
                    school.id,
                    cli.cli_actor(),
                    compromise_id,
                    dt.datetime.now(dt.UTC),
                )
            except (NotFound, Refused) as error:
                cli.console.print(f"[red]{error}[/red]")
                return False
    finally:
        await db.dispose()
    cli.console.print(
        txt.REVERTED.format(reverted=report.reverted, conflicts=report.conflicts, kept=report.kept)
    )
    return True


def register(app: typer.Typer, audit_app: typer.Typer) -> None:
    app.command("compromise", help=txt.COMPROMISE_HELP)(compromise_command)
    audit_app.command("flagged", help=txt.FLAGGED_HELP)(flagged_command)
    audit_app.command("revert", help=txt.REVERT_HELP)(revert_command)
