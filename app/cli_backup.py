"""`dnevnik backup`, `backups`, `restore FILE` and `archive YEAR` (DATA-1, DATA-2)."""

from __future__ import annotations

import asyncio
import getpass
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from app import backup_texts as txt
from app.logs import setup_logging
from app.settings import Settings

if TYPE_CHECKING:
    from documents.year_archive import ArchiveResult
    from storage.backup import BackupStore

console = Console(soft_wrap=True)  # a path or a checksum is copied whole, never broken


def register(app: typer.Typer) -> None:
    app.command("backup", help=txt.BACKUP_HELP)(backup)
    app.command("backups", help=txt.BACKUPS_HELP)(backups)
    app.command("restore", help=txt.RESTORE_HELP)(restore)
    app.command("archive", help=txt.ARCHIVE_HELP)(archive)


def _settings() -> Settings:
    settings = Settings()
    setup_logging(settings)
    return settings


def backup_store(settings: Settings) -> BackupStore:
    """The backups of DATABASE_URL in BACKUP_DIR (app.bootstrap makes it for every entry point)."""
    from app.bootstrap import backup_store as make

    return make(settings)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (a container without a passwd entry)
        return "cli:unknown"


def backup() -> None:
    from core.services.backups import BackupFailed

    settings = _settings()
    store = backup_store(settings)
    started = time.monotonic()
    try:
        taken = asyncio.run(store.take())
    except BackupFailed as error:
        message = txt.BACKUP_FAILED[error.reason].format(dir=store.directory, detail=error.detail)
        console.print(f"[red]{message}[/red]", highlight=False)
        raise typer.Exit(1) from None
    console.print(
        txt.BACKUP_DONE.format(
            path=taken.path,
            size=txt.size(taken.size),
            seconds=time.monotonic() - started,
            sha=taken.sha256,
        ),
        highlight=False,
    )


def backups(
    check: Annotated[bool, typer.Option("--check", help=txt.BACKUPS_CHECK_HELP)] = False,
) -> None:
    from storage.backup import checksum_ok

    settings = _settings()
    found = backup_store(settings).list()
    if not found:
        console.print(txt.BACKUPS_NONE.format(dir=settings.backup_dir))
        return
    table = Table(title=txt.BACKUPS_TITLE.format(dir=settings.backup_dir))
    for column in (txt.COL_FILE, txt.COL_TAKEN, txt.COL_SIZE, txt.COL_CHECK):
        table.add_column(
            column,
            justify="right" if column == txt.COL_SIZE else "left",
            no_wrap=column in (txt.COL_FILE, txt.COL_SIZE),
        )
    for item in found:
        if item.sha256 is None:
            state = txt.CHECK_MISSING
        elif check:
            state = txt.CHECK_OK if checksum_ok(item.path) else f"[red]{txt.CHECK_BAD}[/red]"
        else:
            state = txt.CHECK_PRESENT
        table.add_row(
            item.name, item.taken_at.strftime("%d.%m.%Y %H:%M"), txt.size(item.size), state
        )
    console.print(table)


def restore(
    file: Annotated[Path, typer.Argument(help=txt.RESTORE_FILE_HELP)],
    yes: Annotated[bool, typer.Option("--yes", help=txt.RESTORE_YES_HELP)] = False,
) -> None:
    from storage.backup import RestoreRefused, restore_backup

    settings = _settings()
    if not yes and not typer.confirm(txt.RESTORE_CONFIRM, default=False):
        console.print(txt.RESTORE_CANCELLED)
        raise typer.Exit(1)
    console.print(txt.RESTORE_CHECKING.format(file=file.name), highlight=False)
    try:
        result = asyncio.run(restore_backup(settings.effective_database_url, file, _actor()))
    except RestoreRefused as error:
        message = txt.RESTORE_REFUSED[error.reason].format(detail=error.detail)
        console.print(f"[red]{message}[/red]", highlight=False)
        raise typer.Exit(1) from None
    for school in result.schools:
        console.print(
            txt.RESTORE_SCHOOL.format(school=school.name, count=school.audit_entries),
            highlight=False,
        )
    if not result.swapped:
        console.print(
            txt.RESTORE_NOT_SWAPPED.format(new=result.restored_to, url=result.new_url),
            highlight=False,
        )
        raise typer.Exit(2)
    console.print(txt.RESTORE_DONE.format(file=file.name, live=result.restored_to), highlight=False)
    if result.put_aside:
        console.print(txt.RESTORE_ASIDE.format(aside=result.put_aside), highlight=False)
    console.print(txt.RESTORE_NEXT)


def archive(
    year: Annotated[str, typer.Argument(help=txt.ARCHIVE_YEAR_HELP)],
    school: Annotated[str | None, typer.Option("--school", help=txt.ARCHIVE_SCHOOL_HELP)] = None,
    out: Annotated[Path | None, typer.Option("--out", help=txt.ARCHIVE_OUT_HELP)] = None,
) -> None:
    from documents.year_archive import ArchiveRefused, year_start

    settings = _settings()
    start = year_start(year)
    if start is None:
        console.print(f"[red]{txt.ARCHIVE_BAD_YEAR.format(year=year)}[/red]", highlight=False)
        raise typer.Exit(1)
    try:
        result = asyncio.run(_archive(settings, start, school, out or settings.backup_dir))
    except ArchiveRefused as error:
        console.print(f"[red]{_refusal(error, year)}[/red]", highlight=False)
        raise typer.Exit(1) from None
    console.print(
        txt.ARCHIVE_DONE.format(
            path=result.path,
            size=txt.size(result.size),
            classes=result.classes,
            audit=result.audit_entries,
        ),
        highlight=False,
    )


def _refusal(error: Exception, year: str) -> str:
    reason, detail = error.args[0], error.args[1]
    if reason == "which_school":
        return txt.ARCHIVE_WHICH_SCHOOL.format(schools=detail)
    if reason == "no_school":
        return txt.ARCHIVE_NO_SCHOOL.format(school=detail)
    return txt.ARCHIVE_NO_YEAR.format(year=year, school=detail)


async def _archive(settings: Settings, start: int, school: str | None, out: Path) -> ArchiveResult:
    from app.bootstrap import open_database
    from documents.year_archive import write_year_archive
    from storage.year_archive import audit_reader

    db = await open_database(settings)
    try:
        async with db.uow() as uow:
            return await write_year_archive(uow, audit_reader(db), start, out, school_name=school)
    finally:
        await db.dispose()
