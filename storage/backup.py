"""Backups of the whole database and restores from them (DATA-2, DATA-3).

A backup is one compressed file in BACKUP_DIR with a sha256sum-compatible checksum beside it:

- SQLite: the online backup API copies a consistent snapshot while the bot goes on writing (WAL
  lets writers continue), the copy is gzipped: ``dnevnik-2026-11-29T030000Z.sqlite3.gz``;
- PostgreSQL: ``pg_dump --format=custom`` (compressed, one consistent snapshot):
  ``dnevnik-2026-11-29T030000Z.pgdump``.

Every file is written under a hidden temporary name and renamed only once it is complete and
flushed, so a full disk or a crash never leaves a half file under a backup's name; the temporary
file is removed. Old backups are pruned only after a new one succeeded.

A restore never writes over the live database until the copy has proved sound: it is unpacked
into a NEW database, checked (SQLite's integrity check, or pg_restore's success), migrated to the
current schema, and every school's audit chain is verified. Only then is the live database put
aside (``….before-restore-<time>``) and the restored one put in its place.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import fcntl
import gzip
import hashlib
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from core.ports import Clock, SystemClock
from core.services.backups import BackupFailed
from storage.audit_log import verify_all
from storage.db import create_engine, is_sqlite
from storage.migrate import upgrade
from storage.uow import Database

log = logging.getLogger("dnevnik.backup")

PREFIX = "dnevnik-"
STAMP = "%Y-%m-%dT%H%M%SZ"
SQLITE_EXT = ".sqlite3.gz"
PG_EXT = ".pgdump"
CHECKSUM_EXT = ".sha256"
NAME_RE = re.compile(
    r"^dnevnik-(?P<at>\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-\d+)?(?P<ext>\.sqlite3\.gz|\.pgdump)$"
)
CHUNK = 1 << 20
RESTORE_ACTION = "backup_restored"
KEEP_EVERYTHING_FOR = dt.timedelta(days=1)  # an on-demand copy taken this morning stays


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    sha256: str | None  # from the checksum file beside it; None when that file is missing
    taken_at: dt.datetime

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        return "sqlite" if self.path.name.endswith(SQLITE_EXT) else "postgresql"


# --- taking a backup ----------------------------------------------------------------------


async def make_backup(url: str, backup_dir: Path, clock: Clock | None = None) -> BackupFile:
    """One backup of the database at ``url`` into ``backup_dir``; raises BackupFailed."""
    taken_at = (clock or SystemClock()).now().astimezone(dt.UTC).replace(microsecond=0)
    sqlite = is_sqlite(url)
    try:
        final, partial = await asyncio.to_thread(
            _prepare, backup_dir, taken_at, SQLITE_EXT if sqlite else PG_EXT
        )
        try:
            if sqlite:
                await asyncio.to_thread(_sqlite_copy, _sqlite_path(url), partial)
            else:
                await _pg_dump(url, partial)
            return await asyncio.to_thread(_finish, partial, final, taken_at)
        finally:
            await asyncio.to_thread(_unlink, partial)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise BackupFailed("disk_full", f"{backup_dir}: {error}") from error
        raise BackupFailed("io", str(error)) from error


def _prepare(backup_dir: Path, taken_at: dt.datetime, ext: str) -> tuple[Path, Path]:
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = _free_name(backup_dir, taken_at, ext)
    return final, final.with_name(f".{final.name}.partial")


def _finish(partial: Path, final: Path, taken_at: dt.datetime) -> BackupFile:
    """Flush the complete file, give it its name, then its checksum file beside it."""
    digest = _sha256(partial, sync=True)
    os.replace(partial, final)
    try:
        _write_checksum(final, digest)
    except BaseException:
        _unlink(final)  # a backup without its checksum would be refused at restore
        raise
    _fsync_dir(final.parent)
    return BackupFile(final, final.stat().st_size, digest, taken_at)


def _free_name(backup_dir: Path, taken_at: dt.datetime, ext: str) -> Path:
    stem = PREFIX + taken_at.strftime(STAMP)
    candidate = backup_dir / f"{stem}{ext}"
    n = 2
    while candidate.exists():
        candidate = backup_dir / f"{stem}-{n}{ext}"
        n += 1
    return candidate


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupFailed("io", "an in-memory database has nothing to back up")
    return Path(database)


def _sqlite_copy(source: Path, out: Path) -> None:
    """A consistent snapshot through the online backup API, gzipped into ``out``."""
    if not source.is_file():
        raise FileNotFoundError(errno.ENOENT, "no database file", str(source))
    raw = out.with_name(out.name + ".db")
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(raw)
        try:
            # pages=-1: the whole database in one step, under one read transaction, so the copy
            # is one instant's state even while the bot commits marks (WAL lets it go on)
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
        finally:
            dst.close()
            src.close()
        _compress(raw, out)
    finally:
        _unlink(raw)


def _compress(raw: Path, out: Path) -> None:
    with raw.open("rb") as plain, gzip.GzipFile(out, "wb", compresslevel=6, mtime=0) as packed:
        shutil.copyfileobj(plain, packed, CHUNK)


async def _pg_dump(url: str, out: Path) -> None:
    env = _libpq_env(make_url(url))
    await _run_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={out}"], env, "dump")


async def _run_tool(argv: list[str], env: dict[str, str], reason: str) -> None:
    try:
        process = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
    except FileNotFoundError as error:
        raise BackupFailed(
            reason, f"{argv[0]} is not installed (PostgreSQL client tools)"
        ) from error
    _, err = await process.communicate()
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()
        if "No space left" in detail:
            raise OSError(errno.ENOSPC, detail)
        raise BackupFailed(reason, detail or f"{argv[0]} exited with {process.returncode}")


def _libpq_env(url: URL) -> dict[str, str]:
    """The URL as libpq's environment: the password stays off the command line."""
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _sha256(path: Path, sync: bool = False) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
        if sync:
            os.fsync(file.fileno())
    return digest.hexdigest()


def _write_checksum(final: Path, digest: str) -> None:
    """``<sha256>  <name>`` — what ``sha256sum -c`` reads, run in the backup folder."""
    sidecar = final.with_name(final.name + CHECKSUM_EXT)
    partial = sidecar.with_name(f".{sidecar.name}.partial")
    try:
        with partial.open("w", encoding="ascii") as file:
            file.write(f"{digest}  {final.name}\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, sidecar)
    finally:
        _unlink(partial)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be synced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


# --- listing, checking, pruning -------------------------------------------------------------


def list_backups(backup_dir: Path) -> list[BackupFile]:
    """The backups in ``backup_dir``, newest first (temporary files are not backups)."""
    if not backup_dir.is_dir():
        return []
    found: list[BackupFile] = []
    for path in backup_dir.iterdir():
        matched = NAME_RE.match(path.name)
        if matched is None or not path.is_file():
            continue
        taken_at = dt.datetime.strptime(matched["at"], STAMP).replace(tzinfo=dt.UTC)
        found.append(BackupFile(path, path.stat().st_size, read_checksum(path), taken_at))
    found.sort(key=lambda b: (b.taken_at, b.name), reverse=True)
    return found


def read_checksum(path: Path) -> str | None:
    sidecar = path.with_name(path.name + CHECKSUM_EXT)
    try:
        first = sidecar.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    return first[0].lower() if first else None


def checksum_ok(path: Path) -> bool | None:
    """True or False, or None when there is no checksum file to compare with."""
    expected = read_checksum(path)
    if expected is None:
        return None
    return _sha256(path) == expected


def prune(
    backup_dir: Path, now: dt.datetime, keep_daily: int = 14, keep_monthly: int = 12
) -> list[Path]:
    """Delete the backups no rule keeps; returns what was deleted.

    Kept: everything younger than a day; the newest backup of each of the ``keep_daily`` latest
    days that have one; the newest of each of the ``keep_monthly`` latest months that have one.
    Counting days that HAVE a backup (not calendar days) means a machine that was off for three
    weeks does not wake up to delete its last dailies.
    """
    days: set[dt.date] = set()
    months: set[tuple[int, int]] = set()
    deleted: list[Path] = []
    for backup in list_backups(backup_dir):  # newest first: the first seen of a day is its newest
        keep = now - backup.taken_at < KEEP_EVERYTHING_FOR
        day = backup.taken_at.date()
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep = True
        month = (day.year, day.month)
        if month not in months and len(months) < keep_monthly:
            months.add(month)
            keep = True
        if not keep:
            _unlink(backup.path)
            _unlink(backup.path.with_name(backup.name + CHECKSUM_EXT))
            deleted.append(backup.path)
            log.info("old backup deleted by the retention rule: %s", backup.name)
    return deleted


@dataclass
class BackupStore:
    """Backups of one database into one folder: what the CLI, the bot and the daily job use."""

    url: str
    directory: Path
    keep_daily: int = 14
    keep_monthly: int = 12
    clock: Clock = field(default_factory=SystemClock)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    async def take(self) -> BackupFile:
        """A backup now, then old ones pruned; raises BackupFailed (with a log line)."""
        if self._lock.locked():
            raise BackupFailed("busy", "another backup is being taken")
        async with self._lock:
            started = asyncio.get_running_loop().time()
            try:
                taken = await make_backup(self.url, self.directory, self.clock)
            except BackupFailed as error:
                if error.reason == "disk_full":
                    log.error(
                        "BACKUP FAILED: the disk is full in %s (%s); nothing was written, the "
                        "older backups are kept; free space and the next backup will work "
                        "without a restart",
                        self.directory,
                        error.detail,
                    )
                else:
                    log.error("BACKUP FAILED (%s): %s", error.reason, error.detail)
                raise
            seconds = asyncio.get_running_loop().time() - started
            log.info(
                "backup taken: %s, %d bytes in %.1f s, sha256 %s",
                taken.path,
                taken.size,
                seconds,
                taken.sha256,
            )
            try:
                prune(self.directory, self.clock.now(), self.keep_daily, self.keep_monthly)
            except OSError:
                log.exception("pruning old backups failed; they are kept")
            return taken

    def list(self) -> Sequence[BackupFile]:
        return list_backups(self.directory)

    async def scheduled(self) -> BackupFile | None:
        """The daily job: never raises (a failure is logged by take and retried next time)."""
        try:
            return await self.take()
        except BackupFailed:
            return None
        except Exception:
            log.exception("BACKUP FAILED: unexpected error")
            return None


# --- restoring --------------------------------------------------------------------------------


class RestoreRefused(Exception):
    """The backup was not put in place; the live database is untouched.

    ``reason``: missing, kind, no_checksum, checksum, damaged, integrity, chain, restore,
    disk_full, in_use.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SchoolChecked:
    name: str
    audit_entries: int


@dataclass(frozen=True)
class RestoreResult:
    backup: Path
    schools: tuple[SchoolChecked, ...]
    restored_to: str  # the live database's file or name, or the new database when not swapped
    put_aside: str | None  # where the previous live database went (None: there was none)
    swapped: bool = True  # False on PostgreSQL when the live database was still in use
    new_url: str | None = None  # the verified database to point DATABASE_URL at, if not swapped


async def restore_backup(
    url: str, backup: Path, actor: str, clock: Clock | None = None
) -> RestoreResult:
    """Restore ``backup`` as the database of ``url``; raises RestoreRefused before any swap."""
    clock = clock or SystemClock()
    if not await asyncio.to_thread(backup.is_file):
        raise RestoreRefused("missing", str(backup))
    sqlite = is_sqlite(url)
    if backup.name.endswith(SQLITE_EXT) != sqlite:
        raise RestoreRefused("kind", backup.name)
    matches = await asyncio.to_thread(checksum_ok, backup)
    if matches is None:
        raise RestoreRefused("no_checksum", backup.name + CHECKSUM_EXT)
    if not matches:
        raise RestoreRefused("checksum", backup.name)
    stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if sqlite:
        return await _restore_sqlite(url, backup, actor, clock, stamp)
    return await _restore_pg(url, backup, actor, clock, stamp)


async def _restore_sqlite(
    url: str, backup: Path, actor: str, clock: Clock, stamp: str
) -> RestoreResult:
    live = _sqlite_path(url)
    if await asyncio.to_thread(_bot_running, live):
        raise RestoreRefused("in_use", str(live))
    new = live.with_name(f"{live.name}.restore-{stamp}")
    await asyncio.to_thread(live.parent.mkdir, parents=True, exist_ok=True)
    try:
        try:
            await asyncio.to_thread(_decompress, backup, new)
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise RestoreRefused("disk_full", str(error)) from error
            raise RestoreRefused("damaged", str(error)) from error
        except EOFError as error:
            raise RestoreRefused("damaged", str(error)) from error
        problems = await asyncio.to_thread(_integrity_problems, new)
        if problems:
            raise RestoreRefused("integrity", "; ".join(problems[:5]))
        schools = await _check_and_mark(f"sqlite+aiosqlite:///{new}", backup, actor, clock)
        await asyncio.to_thread(_checkpoint, new)
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            _unlink(Path(f"{new}{suffix}"))
        raise
    aside = live.with_name(f"{live.name}.before-restore-{stamp}")
    put_aside = await asyncio.to_thread(_swap_files, live, new, aside)
    log.warning("database restored from %s into %s (previous kept as %s)", backup, live, put_aside)
    return RestoreResult(backup, schools, str(live), put_aside)


def _bot_running(live: Path) -> bool:
    """Best effort: `dnevnik run` and `dnevnik worker` (with SCHEDULER=true) hold an exclusive
    flock on ``<database>.scheduler.lock`` while they run (notifications/scheduler.py)."""
    lock = live.with_name(live.name + ".scheduler.lock")
    if not lock.exists():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def _swap_files(live: Path, new: Path, aside: Path) -> str | None:
    """The live file (with its -wal and -shm) goes aside, the checked copy takes its place."""
    put_aside: str | None = None
    if live.exists():
        _checkpoint(live)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{live}{suffix}").exists():
                os.replace(f"{live}{suffix}", f"{aside}{suffix}")
        put_aside = str(aside)
    os.replace(new, live)
    for suffix in ("-wal", "-shm"):  # emptied by the checkpoint; none should be left
        _unlink(Path(f"{new}{suffix}"))
    return put_aside


def _decompress(backup: Path, out: Path) -> None:
    with gzip.open(backup, "rb") as packed, out.open("wb") as plain:
        shutil.copyfileobj(packed, plain, CHUNK)
        plain.flush()
        os.fsync(plain.fileno())


def _integrity_problems(path: Path) -> list[str]:
    try:
        connection = sqlite3.connect(path)
        try:
            rows = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    problems = [] if rows == ["ok"] else rows
    problems += [f"foreign key: {row[0]} row {row[1]} → {row[2]}" for row in keys]
    return problems


def _checkpoint(path: Path) -> None:
    """Fold the -wal file into the database file, so that moving the file moves everything."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


async def _check_and_mark(
    url: str, backup: Path, actor: str, clock: Clock
) -> tuple[SchoolChecked, ...]:
    """Migrate the restored copy, verify every school's audit chain, then record the restore in
    each chain (so that the log itself says that what came after the backup was rolled back)."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        db = Database(engine, clock)
        chains = await verify_all(db)
        broken = [c for c in chains if c.broken is not None]
        if broken:
            first = broken[0]
            assert first.broken is not None
            raise RestoreRefused(
                "chain", f"{first.school.name}: seq {first.broken.seq} ({first.broken.reason})"
            )
        async with db.uow() as uow:
            for chain in chains:
                assert chain.school.id is not None
                uow.record_audit(
                    school_id=chain.school.id,
                    actor=actor,
                    action=RESTORE_ACTION,
                    entity="backup",
                    entity_id=None,
                    before=None,
                    after={"file": backup.name, "sha256": read_checksum(backup)},
                )
            await uow.commit()
        return tuple(SchoolChecked(c.school.name, c.entries) for c in chains)
    finally:
        await engine.dispose()


async def _restore_pg(
    url: str, backup: Path, actor: str, clock: Clock, stamp: str
) -> RestoreResult:
    live_url = make_url(url)
    live_name = live_url.database or "postgres"
    new_name = _pg_name(live_name, f"_restore_{stamp.lower()}")
    aside_name = _pg_name(live_name, f"_before_restore_{stamp.lower()}")
    new_url = live_url.set(database=new_name)
    await _pg_admin(live_url, f'CREATE DATABASE "{new_name}"')
    try:
        env = _libpq_env(new_url)
        try:
            await _run_tool(
                [
                    "pg_restore",
                    "--no-owner",
                    "--single-transaction",  # all or nothing, and one commit instead of many
                    "--exit-on-error",
                    f"--dbname={new_name}",
                    str(backup),
                ],
                env,
                "restore",
            )
        except BackupFailed as error:
            raise RestoreRefused("restore", error.detail) from error
        except OSError as error:
            raise RestoreRefused("disk_full", str(error)) from error
        schools = await _check_and_mark(
            new_url.render_as_string(hide_password=False), backup, actor, clock
        )
    except BaseException:
        await _pg_admin(live_url, f'DROP DATABASE IF EXISTS "{new_name}"')
        raise
    exists = await _pg_scalar(
        live_url, "SELECT count(*) FROM pg_database WHERE datname = :name", live_name
    )
    try:
        if exists:
            await _pg_admin(live_url, f'ALTER DATABASE "{live_name}" RENAME TO "{aside_name}"')
    except Exception as error:  # someone is connected: the bot still runs
        log.warning("restored database %s kept: the live one is in use (%s)", new_name, error)
        return RestoreResult(
            backup,
            schools,
            new_name,
            None,
            swapped=False,
            new_url=new_url.render_as_string(hide_password=True),
        )
    await _pg_admin(live_url, f'ALTER DATABASE "{new_name}" RENAME TO "{live_name}"')
    log.warning(
        "database restored from %s into %s (previous kept as %s)", backup, live_name, aside_name
    )
    return RestoreResult(backup, schools, live_name, aside_name if exists else None)


def _pg_name(base: str, suffix: str) -> str:
    return base[: 63 - len(suffix)] + suffix  # PostgreSQL cuts names at 63 bytes


async def _pg_admin(live_url: URL, statement: str) -> None:
    """CREATE/ALTER/DROP DATABASE run outside a transaction, from the maintenance database."""
    engine = create_engine(
        live_url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _pg_scalar(live_url: URL, query: str, name: str) -> int:
    engine = create_engine(live_url.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text(query), {"name": name})).scalar_one())
    finally:
        await engine.dispose()
