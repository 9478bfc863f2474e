"""PostgreSQL for the benchmarks: the database ``dnevnik_bench``, made for a run and dropped after.

A synthetic school is built once and kept on the server as a template database
(``dnevnik_bench_tpl_<students>_<fingerprint>``); each run copies it with CREATE DATABASE …
TEMPLATE, which takes seconds. Templates of an older generator or schema are dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped]

from app.synthetic import DEFAULT_SEED, build_synthetic_school
from bench.schools import TODAY, fingerprint
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import Database

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "dnevnik_bench"
TEMPLATE_PREFIX = "dnevnik_bench_tpl_"


async def _admin(server: str) -> asyncpg.Connection:
    return await asyncpg.connect(f"{server}/postgres", timeout=5)


async def why_not(server: str) -> str | None:
    """None when the server answers; otherwise why not, in a few words."""
    try:
        connection = await _admin(server)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"no PostgreSQL at {server}: {type(error).__name__}: {error}"
    await connection.close()
    return None


def _url(server: str, database: str) -> str:
    return server.replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{database}"


async def _drop(connection: asyncpg.Connection, database: str) -> None:
    await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@asynccontextmanager
async def school_database(server: str, students: int) -> AsyncIterator[str]:
    """A fresh ``dnevnik_bench`` holding a synthetic school with a full year, dropped after."""
    template = f"{TEMPLATE_PREFIX}{students}_{fingerprint(DEFAULT_SEED)}"
    admin = await _admin(server)
    try:
        names = {
            r["datname"]
            for r in await admin.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", TEMPLATE_PREFIX + "%"
            )
        }
        for stale in names - {template}:
            if stale.startswith(f"{TEMPLATE_PREFIX}{students}_"):
                await _drop(admin, stale)
        await _drop(admin, DATABASE)
        if template not in names:
            await admin.execute(f'CREATE DATABASE "{DATABASE}"')
            engine = create_engine(_url(server, DATABASE))
            try:
                await upgrade(engine)
                await build_synthetic_school(
                    Database(engine), students, DEFAULT_SEED, full_year=True, today=TODAY
                )
            finally:
                await engine.dispose()
            await admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{DATABASE}"')
        else:
            await admin.execute(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{template}"')
        yield _url(server, DATABASE)
    finally:
        try:
            await _drop(admin, DATABASE)
        finally:
            await admin.close()
