"""Backups from the bot (DATA-2): the coordinator takes one on demand and sees the list.

The files themselves are storage's business (``storage.backup``), reached through the
``Backups`` port. A backup holds the whole database, every school of the deployment, so the bot
never sends the file itself anywhere: it stays in BACKUP_DIR on the server, where only the
administrator of the machine reads it (SEC-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from core.model.identity import Actor, Role
from core.ports import UnitOfWork
from core.services.errors import NOT_ALLOWED, AccessDenied

AUDIT_ACTION = "backup_taken"


class BackupInfo(Protocol):
    """One backup file as its list shows it."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def taken_at(self) -> dt.datetime: ...

    @property
    def sha256(self) -> str | None: ...


class BackupFailed(Exception):
    """A backup could not be made; ``reason`` is one of REASONS, ``detail`` is for the log."""

    REASONS = ("disk_full", "busy", "io", "dump")

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Backups(Protocol):
    async def take(self) -> BackupInfo:
        """Make a backup now (and prune old ones); raises BackupFailed."""
        ...

    def list(self) -> Sequence[BackupInfo]:
        """The backups there are, newest first."""
        ...


def may_back_up(actor: Actor) -> bool:
    """The school's coordinator is the responsible person of DATA-2."""
    return actor.holds(Role.COORDINATOR)


async def take_backup(uow: UnitOfWork, actor: Actor, backups: Backups) -> BackupInfo:
    """A backup now; the coordinator's school's audit log records who took it and which file."""
    if not may_back_up(actor):
        raise AccessDenied(NOT_ALLOWED)
    taken = await backups.take()
    uow.record_audit(
        school_id=actor.school_id,
        actor=actor.audit_name,
        action=AUDIT_ACTION,
        entity="backup",
        entity_id=None,
        before=None,
        after={"file": taken.name, "size": taken.size, "sha256": taken.sha256},
    )
    await uow.commit()
    return taken


def list_backups(actor: Actor, backups: Backups) -> Sequence[BackupInfo]:
    if not may_back_up(actor):
        raise AccessDenied(NOT_ALLOWED)
    return backups.list()
