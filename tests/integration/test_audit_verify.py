"""Tampering with the stored audit log is caught by `dnevnik audit verify`, naming the entry."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from app.cli import app
from core.model.audit import AuditEntry
from core.model.people import Student
from core.model.school import School
from core.services.audit_log import audited_add, audited_update
from storage.audit_log import verify_all
from storage.uow import Database


async def make_history(db: Database) -> list[AuditEntry]:
    async with db.uow() as uow:
        school = await audited_add(uow, "cli:test", School(name="Школа № 7"))
        assert school.id is not None
        student = await audited_add(
            uow, "cli:test", Student(school_id=school.id, last_name="Петров", first_name="Пётр")
        )
        await uow.commit()
    for middle in ("Ильич", "Павлович", "Сергеевич"):
        async with db.uow() as uow:
            loaded = await uow.repo(Student).get(student.id or 0)
            assert loaded is not None
            audited_update(uow, "staff:2", loaded, {"middle_name": middle})
            await uow.commit()
    async with db.uow() as uow:
        return list(await uow.repo(AuditEntry).find(school_id=school.id))


COLUMNS = [
    "seq",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
]


async def tamper(db: Database, entry_id: int, column: str) -> None:
    """Change one byte of one column of one entry, as someone with the database file would."""
    async with db.engine.begin() as conn:
        value = (
            await conn.execute(
                text(f'SELECT "{column}" FROM audit_entries WHERE id = :i'), {"i": entry_id}
            )
        ).scalar_one()
        if isinstance(value, int):
            changed: object = value + 100
        elif isinstance(value, dt.datetime):
            changed = value.replace(microsecond=(value.microsecond + 1) % 1_000_000)
        else:
            raw = str(value)
            position = next(i for i, ch in enumerate(raw) if ch.isalnum())
            swapped = "1" if raw[position] != "1" else "2"
            changed = raw[:position] + swapped + raw[position + 1 :]
        await conn.execute(
            text(f'UPDATE audit_entries SET "{column}" = :v WHERE id = :i'),
            {"v": changed, "i": entry_id},
        )


async def test_untouched_log_verifies(db: Database) -> None:
    await make_history(db)
    [chain] = await verify_all(db)
    assert chain.broken is None and chain.entries == 5


@pytest.mark.parametrize("column", COLUMNS)
async def test_one_changed_byte_in_any_column_names_the_entry(db: Database, column: str) -> None:
    entries = await make_history(db)
    target = entries[2]
    assert target.id is not None
    await tamper(db, target.id, column)
    [chain] = await verify_all(db)
    assert chain.broken is not None
    # a changed seq shows as a gap at the entry's own place in the chain
    assert chain.broken.seq == target.seq
    assert chain.broken.entry_id == target.id


async def test_deleting_the_newest_entry_is_seen(db: Database) -> None:
    entries = await make_history(db)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_entries WHERE id = :i"), {"i": entries[-1].id})
    [chain] = await verify_all(db)
    assert chain.broken is not None and chain.broken.reason == "truncated"


def test_cli_verify_exits_non_zero_and_names_the_entry(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from storage.db import create_engine

    async def prepare() -> AuditEntry:
        db = Database(create_engine(database_url))
        try:
            entries = await make_history(db)
            assert entries[1].id is not None
            await tamper(db, entries[1].id, "after")
            return entries[1]
        finally:
            await db.dispose()

    target = asyncio.run(prepare())
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"№ {target.seq} (id {target.id})" in result.output
    assert "НАРУШЕНА" in result.output


def test_cli_show_filters_by_actor(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from storage.db import create_engine

    async def prepare() -> None:
        db = Database(create_engine(database_url))
        try:
            await make_history(db)
        finally:
            await db.dispose()

    asyncio.run(prepare())
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(
        app, ["audit", "show", "--actor", "staff:2"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("student.update") == 3
    assert "school.create" not in result.output
