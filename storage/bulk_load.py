"""Bulk writing of generated rows (the synthetic school's journal, app/synthetic.py): plain
SQLAlchemy Core ``executemany`` of dicts in chunks, inside the caller's unit of work.

Only for synthetic data, made for benchmarks and for trying the reports and never for a real
school: these rows bypass the use cases, so they are neither audited one by one nor queued as
notices. The caller records one audit entry for the whole lot through the unit of work.

Rows that others refer to (lessons, thematic topics) carry ids chosen by the generator from
``next_id``; on PostgreSQL the id sequence is moved past them afterwards (``fix_sequences``) and
the tables are locked meanwhile, so that no other writer takes the same ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from storage.mapping import TABLE_OF
from storage.uow import Database, SqlUnitOfWork

CHUNK = 5_000


def table_of(kind: type) -> Table:
    return TABLE_OF[kind]


def _is_postgres(uow: SqlUnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "postgresql"


async def lock(uow: SqlUnitOfWork, kinds: Iterable[type]) -> None:
    """PostgreSQL: keep other writers off these tables until commit (SQLite's writer lock is
    taken at the start of every transaction already)."""
    if not _is_postgres(uow):
        return
    names = ", ".join(table_of(k).name for k in kinds)
    await uow.session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))


async def next_id(uow: SqlUnitOfWork, kind: type) -> int:
    table = table_of(kind)
    highest = (await uow.session.execute(select(func.max(table.c.id)))).scalar()
    return int(highest or 0) + 1


async def insert_rows(uow: SqlUnitOfWork, kind: type, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (column → value, the same columns in every row) in chunks. (Handing the
    driver pre-processed tuples instead saved only some 15 % of the CPU time: not worth it.)"""
    if not rows:
        return
    statement = insert(table_of(kind))
    connection = await uow.session.connection()
    for start in range(0, len(rows), CHUNK):
        await connection.execute(statement, list(rows[start : start + CHUNK]))


async def fix_sequences(uow: SqlUnitOfWork, kinds: Iterable[type]) -> None:
    """PostgreSQL: the next id of each table after the highest one written explicitly."""
    if not _is_postgres(uow):
        return
    for kind in kinds:
        name = table_of(kind).name
        await uow.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


async def database_size(db: Database) -> int | None:
    """Bytes the database takes: the SQLite file with its WAL, or PostgreSQL's database."""
    async with db.engine.connect() as connection:
        if db.engine.url.get_backend_name() == "sqlite":
            # the logical size, WAL included: the file alone lags until a checkpoint
            pages = (await connection.exec_driver_sql("PRAGMA page_count")).scalar()
            page = (await connection.exec_driver_sql("PRAGMA page_size")).scalar()
            return int(pages or 0) * int(page or 0)
        size = (
            await connection.execute(text("SELECT pg_database_size(current_database())"))
        ).scalar()
    return int(size) if size is not None else None
