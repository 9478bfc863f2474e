"""The audit log's queries for core.services.audit_queries (by person, by class, by dates, the
flags of compromises, the chain check) and the daily check of every school's chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.sql import Select

from core.model.audit import AuditEntry
from core.model.groups import GroupKind
from core.model.identity import PersonKind
from core.model.people import StaffRole
from core.model.school import School
from core.ports import Clock
from core.rules.audit_chain import verify_chain
from core.services.audit_queries import ChainStatus, chain_alert_text
from storage import tables as t
from storage.uow import Database, SqlUnitOfWork

e = t.audit_entries.c


def _class_scope(class_id: int) -> ColumnElement[bool]:
    """What «about a class» means (see core.services.audit_queries): entity ids by subqueries."""
    groups = select(t.study_groups.c.id).where(t.study_groups.c.class_id == class_id)
    whole = select(t.study_groups.c.id).where(
        t.study_groups.c.class_id == class_id, t.study_groups.c.kind == GroupKind.WHOLE_CLASS
    )
    students = select(t.group_memberships.c.student_id).where(
        t.group_memberships.c.group_id.in_(whole)
    )
    lessons = select(t.lessons.c.id).where(t.lessons.c.group_id.in_(groups))

    def about(entity: str, ids: Select[tuple[int]]) -> ColumnElement[bool]:
        return and_(e.entity == entity, e.entity_id.in_(ids))

    return or_(
        and_(e.entity == "school_class", e.entity_id == class_id),
        about("study_group", groups),
        about("lesson", lessons),
        about("homework", select(t.homework.c.id).where(t.homework.c.lesson_id.in_(lessons))),
        about(
            "period_lock", select(t.period_locks.c.id).where(t.period_locks.c.group_id.in_(groups))
        ),
        about(
            "teacher_message",
            select(t.teacher_messages.c.id).where(t.teacher_messages.c.group_id.in_(groups)),
        ),
        about("mark", select(t.marks.c.id).where(t.marks.c.student_id.in_(students))),
        about("absence", select(t.absences.c.id).where(t.absences.c.student_id.in_(students))),
        about(
            "final_mark", select(t.final_marks.c.id).where(t.final_marks.c.student_id.in_(students))
        ),
        about("student", students),
        about(
            "guardian_link",
            select(t.guardian_links.c.id).where(t.guardian_links.c.student_id.in_(students)),
        ),
        about(
            "group_membership",
            select(t.group_memberships.c.id).where(t.group_memberships.c.group_id.in_(groups)),
        ),
    )


class SqlAuditSource:
    """core.services.audit_queries.AuditSource inside one unit of work."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.session = uow.session

    async def entries(
        self,
        school_id: int,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        actors: Collection[str] | None = None,
        class_id: int | None = None,
        offset: int = 0,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> Sequence[AuditEntry]:
        query = select(AuditEntry).where(e.school_id == school_id)
        if since is not None:
            query = query.where(e.at >= since)
        if until is not None:
            query = query.where(e.at < until)
        if actors is not None:
            query = query.where(e.actor.in_(list(actors)) if actors else false())
        if class_id is not None:
            query = query.where(_class_scope(class_id))
        query = query.order_by(e.seq if oldest_first else e.seq.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return (await self.session.scalars(query)).all()

    async def by_ids(self, entry_ids: Collection[int]) -> Sequence[AuditEntry]:
        if not entry_ids:
            return []
        query = select(AuditEntry).where(e.id.in_(list(entry_ids))).order_by(e.seq)
        return (await self.session.scalars(query)).all()

    async def later_about(
        self, school_id: int, entity: str, entity_id: int, after_seq: int
    ) -> Sequence[AuditEntry]:
        query = (
            select(AuditEntry)
            .where(
                e.school_id == school_id,
                e.entity == entity,
                e.entity_id == entity_id,
                e.seq > after_seq,
            )
            .order_by(e.seq)
        )
        return (await self.session.scalars(query)).all()

    async def flagged(self, school_id: int, entry_ids: Collection[int]) -> set[int]:
        if not entry_ids:
            return set()
        f = t.audit_flags.c
        query = select(f.entry_id).where(f.school_id == school_id, f.entry_id.in_(list(entry_ids)))
        return {int(i) for i in (await self.session.scalars(query)).all()}

    async def verify(self, school_id: int) -> ChainStatus:
        head = (
            await self.session.execute(
                select(t.audit_heads.c.seq, t.audit_heads.c.hash).where(
                    t.audit_heads.c.school_id == school_id
                )
            )
        ).first()
        stream = await self.session.stream_scalars(
            select(AuditEntry)
            .where(e.school_id == school_id)
            .order_by(e.id)  # insertion order: a forged seq shows in place
            .execution_options(yield_per=1000)
        )
        entries = [entry async for entry in stream]
        broken = verify_chain(
            entries,
            head_seq=int(head.seq) if head else 0,
            head_hash=str(head.hash) if head else None,
        )
        return ChainStatus(len(entries), broken)


@dataclass(frozen=True)
class ChainAlert:
    """A school whose chain the daily check found broken: the text for its coordinators and the
    Telegram chats to send it to (bound coordinators; empty when none is connected)."""

    school_id: int
    school: str
    status: ChainStatus
    text: str
    chat_ids: tuple[int, ...]


async def check_audit_chains(db: Database, clock: Clock) -> list[ChainAlert]:
    """Verify every school's chain (daily, and after a restore from backup); an alert for each
    broken one. One unit of work per school, so that a big school holds no lock for long."""
    alerts: list[ChainAlert] = []
    async with db.uow() as uow:
        schools = list(await uow.repo(School).find())
    for school in schools:
        assert school.id is not None
        async with db.uow() as uow:
            status = await SqlAuditSource(uow).verify(school.id)
            if status.intact:
                continue
            chats = await _coordinator_chats(uow, school.id)
        local = clock.now().astimezone(ZoneInfo(school.timezone))
        alerts.append(
            ChainAlert(
                school.id, school.name, status, chain_alert_text(school.name, local, status), chats
            )
        )
    return alerts


async def _coordinator_chats(uow: SqlUnitOfWork, school_id: int) -> tuple[int, ...]:
    b, s = t.telegram_bindings.c, t.staff_members.c
    rows = await uow.session.execute(
        select(b.telegram_user_id, s.roles)
        .join(t.staff_members, s.id == b.person_id)
        .where(
            b.school_id == school_id,
            b.person_kind == PersonKind.STAFF,
            b.unbound_at.is_(None),
            s.active.is_(True),
        )
        .order_by(b.id)
    )
    chats: list[int] = []
    for chat_id, roles in rows.all():
        if StaffRole.COORDINATOR in (roles or []) and chat_id not in chats:
            chats.append(int(chat_id))
    return tuple(chats)
