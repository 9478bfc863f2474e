"""Reading the audit log in the bot (SEC-3, DATA-3): the coordinator, the deputies and the head
ask for the changes of a period, made by one person or about one class, page by page, in
Russian; and whether the school's hash chain is intact.

The log can be large (every mark is an entry), so the queries that need SQL are behind
``AuditSource``, which storage implements; core decides who may ask and how an entry reads.

**By person** means the changes that person made: entries whose actor is the person
(«staff:5», «guardian:9», «student:3») or a Telegram account ever bound to them
(«telegram:123», the code redemptions that connected it).

**By class** means the changes about the class: the class and its groups (whole class,
subgroups, individual plans), the lessons, homework and period locks of those groups, and the
marks, absences and final marks of the class's students (members of its whole-class group at
any time) in any group, streams included; the students themselves, their guardian links and
group memberships. An absence or homework deleted outright (not a mark: a deleted mark stays)
no longer shows which lesson it was for, so its deletion is found by person or by date only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from core.model.audit import AuditEntry
from core.model.groups import SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind, Role, TelegramBinding
from core.model.journal import Absence, AbsenceKind, FinalMark, Homework, Lesson, Mark
from core.model.people import Guardian, StaffMember, Student, short_name
from core.model.school import School, Subject
from core.ports import UnitOfWork
from core.rules.audit_chain import ChainBreak
from core.rules.names import normalize
from core.services import audit_queries_texts as txt
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound
from core.services.journal_texts import ABSENCE_LETTERS

READERS = (Role.DEPUTY, Role.COORDINATOR, Role.HEAD)
PAGE_SIZE = 8
MAX_PEOPLE = 10
MAX_VALUE_CHARS = 80


class AuditSource(Protocol):
    """The audit queries only storage can run efficiently (see the module's docstring for what
    «by class» covers)."""

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
        """Entries at ``since`` or later and before ``until``, newest first (by seq)."""
        ...

    async def by_ids(self, entry_ids: Collection[int]) -> Sequence[AuditEntry]:
        """The entries with these ids, in seq order."""
        ...

    async def later_about(
        self, school_id: int, entity: str, entity_id: int, after_seq: int
    ) -> Sequence[AuditEntry]:
        """Entries about one entity written after the given one, in seq order."""
        ...

    async def flagged(self, school_id: int, entry_ids: Collection[int]) -> set[int]:
        """Which of these entries some compromise declared invalid."""
        ...

    async def verify(self, school_id: int) -> ChainStatus:
        """The school's hash chain checked from its first entry to its recorded end."""
        ...


@dataclass(frozen=True)
class ChainStatus:
    entries: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class PersonRef:
    kind: PersonKind
    person_id: int
    name: str
    what: str  # «сотрудник», «родитель», «ученик»


@dataclass(frozen=True)
class AuditLine:
    entry_id: int
    seq: int
    at: dt.datetime  # UTC
    at_text: str  # local time of the school, «07.09.2026 09:00»
    who: str
    what: str  # «отметка: изменено»
    about: str | None  # «Волков И. (Математика, 5А, 07.09.2026, 1-й урок)»
    changes: tuple[str, ...]  # «отметка: 3 → 5»
    flagged: bool


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    page: int
    has_more: bool


def may_read_audit(actor: Actor) -> bool:
    return actor.holds(*READERS)


def _require_reader(actor: Actor) -> None:
    if not may_read_audit(actor):
        raise AccessDenied(NOT_ALLOWED)


# --- people ---------------------------------------------------------------------------------


async def find_people(uow: UnitOfWork, actor: Actor, text: str) -> list[PersonRef]:
    """Staff, guardians and students of the school whose name starts like the typed text
    («Иван», «Иванова М», «иванова мария»), at most MAX_PEOPLE."""
    _require_reader(actor)
    wanted = normalize(text)
    if not wanted:
        return []
    found: list[PersonRef] = []
    kinds: list[tuple[PersonKind, type[Any], str]] = [
        (PersonKind.STAFF, StaffMember, txt.KIND_STAFF),
        (PersonKind.GUARDIAN, Guardian, txt.KIND_GUARDIAN),
        (PersonKind.STUDENT, Student, txt.KIND_STUDENT),
    ]
    for kind, cls, what in kinds:
        for person in await uow.repo(cls).find(school_id=actor.school_id):
            full = f"{person.last_name} {person.first_name} {person.middle_name or ''}"
            if normalize(full).startswith(wanted):
                found.append(PersonRef(kind, person.id, normalize_spaces(full), what))
    found.sort(key=lambda p: (p.name, p.what))
    return found[:MAX_PEOPLE]


def normalize_spaces(text: str) -> str:
    return " ".join(text.split())


async def person_ref(uow: UnitOfWork, actor: Actor, kind: PersonKind, person_id: int) -> PersonRef:
    """A person of the actor's school, or NotFound (another school's id learns nothing)."""
    cls: type[Any] = {
        PersonKind.STAFF: StaffMember,
        PersonKind.GUARDIAN: Guardian,
        PersonKind.STUDENT: Student,
    }[kind]
    person = await uow.repo(cls).get(person_id)
    if person is None or person.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    what = {
        PersonKind.STAFF: txt.KIND_STAFF,
        PersonKind.GUARDIAN: txt.KIND_GUARDIAN,
        PersonKind.STUDENT: txt.KIND_STUDENT,
    }[kind]
    name = normalize_spaces(f"{person.last_name} {person.first_name} {person.middle_name or ''}")
    return PersonRef(kind, person_id, name, what)


async def actors_of(uow: UnitOfWork, school_id: int, kind: PersonKind, person_id: int) -> set[str]:
    """The audit actors that stand for one person: their own name and every Telegram account
    ever bound to them (which redeemed their codes)."""
    bindings = await uow.repo(TelegramBinding).find(
        school_id=school_id, person_kind=kind, person_id=person_id
    )
    return {f"{kind.value}:{person_id}"} | {f"telegram:{b.telegram_user_id}" for b in bindings}


# --- queries --------------------------------------------------------------------------------


async def query_log(
    uow: UnitOfWork,
    source: AuditSource,
    actor: Actor,
    *,
    since: dt.datetime,
    until: dt.datetime,
    person: tuple[PersonKind, int] | None = None,
    class_id: int | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the school's log for a period, newest first, optionally by person or class."""
    _require_reader(actor)
    actors: set[str] | None = None
    if person is not None:
        await person_ref(uow, actor, *person)
        actors = await actors_of(uow, actor.school_id, *person)
    if class_id is not None:
        school_class = await uow.repo(SchoolClass).get(class_id)
        if school_class is None or school_class.school_id != actor.school_id:
            raise NotFound(NOT_FOUND)
    page = max(page, 0)
    entries = await source.entries(
        actor.school_id,
        since=since,
        until=until,
        actors=actors,
        class_id=class_id,
        offset=page * page_size,
        limit=page_size + 1,
    )
    shown = list(entries[:page_size])
    flagged = await source.flagged(actor.school_id, [e.id for e in shown if e.id is not None])
    lines = await describe_entries(uow, actor.school_id, shown, flagged)
    return AuditPage(tuple(lines), page, len(entries) > page_size)


async def chain_status(uow: UnitOfWork, source: AuditSource, actor: Actor) -> ChainStatus:
    _require_reader(actor)
    return await source.verify(actor.school_id)


def chain_text(status: ChainStatus) -> str:
    if status.broken is None:
        return txt.CHAIN_OK.format(count=status.entries)
    return txt.CHAIN_BROKEN.format(
        seq=status.broken.seq,
        reason=txt.CHAIN_REASONS.get(status.broken.reason, status.broken.reason),
    )


def chain_alert_text(school: str, at_local: dt.datetime, status: ChainStatus) -> str:
    """The coordinator's alert when the daily check finds the chain broken."""
    return txt.CHAIN_ALERT.format(
        school=school, at=f"{at_local:%d.%m.%Y %H:%M}", problem=chain_text(status)
    )


# --- how an entry reads ---------------------------------------------------------------------

ENTITY_CLASSES: dict[str, type[Any]] = {
    "mark": Mark,
    "absence": Absence,
    "homework": Homework,
    "final_mark": FinalMark,
    "lesson": Lesson,
}


class _Names:
    """Names looked up once per page."""

    def __init__(self, uow: UnitOfWork, school_id: int) -> None:
        self.uow = uow
        self.school_id = school_id
        self.cache: dict[str, str] = {}

    async def who(self, actor: str) -> str:
        if actor not in self.cache:
            self.cache[actor] = await self._who(actor)
        return self.cache[actor]

    async def _who(self, actor: str) -> str:
        kind, _, rest = actor.partition(":")
        if kind == "cli":
            return txt.WHO_CONSOLE.format(login=rest)
        if kind == "telegram":
            return txt.WHO_TELEGRAM.format(id=rest)
        if not rest.isdigit():
            return txt.WHO_UNKNOWN.format(actor=actor)
        if kind == PersonKind.STAFF.value:
            staff = await self.uow.repo(StaffMember).get(int(rest))
            return txt.WHO_STAFF.format(name=staff.short_name if staff else actor)
        if kind == PersonKind.GUARDIAN.value:
            guardian = await self.uow.repo(Guardian).get(int(rest))
            name = (
                short_name(guardian.last_name, guardian.first_name, guardian.middle_name)
                if guardian
                else actor
            )
            return txt.WHO_GUARDIAN.format(name=name)
        if kind == PersonKind.STUDENT.value:
            student = await self.uow.repo(Student).get(int(rest))
            return txt.WHO_STUDENT.format(name=student.short_name if student else actor)
        return txt.WHO_UNKNOWN.format(actor=actor)

    async def student(self, student_id: int) -> str:
        key = f"student#{student_id}"
        if key not in self.cache:
            student = await self.uow.repo(Student).get(student_id)
            self.cache[key] = student.short_name if student else txt.NO_NAME.format(id=student_id)
        return self.cache[key]

    async def lesson(self, lesson_id: int) -> str | None:
        key = f"lesson#{lesson_id}"
        if key not in self.cache:
            lesson = await self.uow.repo(Lesson).get(lesson_id)
            if lesson is None:
                return None
            group = await self.uow.repo(StudyGroup).get(lesson.group_id)
            subject = await self.uow.repo(Subject).get(lesson.subject_id)
            self.cache[key] = txt.LESSON.format(
                subject=subject.name if subject else "",
                group=group.name if group else "",
                day=lesson.on_date,
                number=lesson.lesson_number,
            )
        return self.cache[key]


async def who_made(uow: UnitOfWork, school_id: int, actors: Sequence[str]) -> list[str]:
    """«Кузнецова А. С.», «консоль сервера (admin)»: who the audit actors are, in Russian."""
    names = _Names(uow, school_id)
    return [await names.who(a) for a in actors]


async def _about(names: _Names, entry: AuditEntry) -> str | None:
    data: dict[str, Any] = {**(entry.before or {}), **(entry.after or {})}
    student_id = data.get("student_id")
    lesson_id = entry.entity_id if entry.entity == "lesson" else data.get("lesson_id")
    cls = ENTITY_CLASSES.get(entry.entity)
    if cls is not None and entry.entity_id is not None and (student_id is None or not lesson_id):
        current = await names.uow.repo(cls).get(entry.entity_id)
        if current is not None and current.school_id == names.school_id:
            student_id = student_id or getattr(current, "student_id", None)
            lesson_id = lesson_id or getattr(current, "lesson_id", None)
    parts = []
    if isinstance(student_id, int):
        parts.append(await names.student(student_id))
    if isinstance(lesson_id, int):
        lesson = await names.lesson(lesson_id)
        if lesson:
            parts.append(f"({lesson})" if parts else lesson)
    return " ".join(parts) or None


def _value(entity: str, field: str, value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return txt.NONE
    if isinstance(value, bool):
        return txt.YES if value else txt.NO
    if entity == "absence" and field == "kind":
        try:
            return ABSENCE_LETTERS[AbsenceKind(value)]
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                return f"{moment.astimezone(zone):%d.%m.%Y %H:%M}"
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _changes(entry: AuditEntry, zone: ZoneInfo) -> tuple[str, ...]:
    before, after = entry.before, entry.after
    if before is not None and after is not None:
        order = list(txt.FIELDS)
        keys = sorted(
            (k for k in after if k not in txt.HIDDEN_FIELDS),
            key=lambda k: (order.index(k) if k in order else len(order), k),
        )
        return tuple(
            f"{txt.FIELDS.get(k, k)}: {_value(entry.entity, k, before.get(k), zone)} → "
            f"{_value(entry.entity, k, after[k], zone)}"
            for k in keys
        )
    data = after if after is not None else before
    if data is None:
        return ()
    summary = txt.SUMMARY_FIELDS.get(entry.entity, ())
    lines = []
    for key in summary:
        if key in data:
            shown = _value(entry.entity, key, data[key], zone)
            arrow = f"{txt.NONE} → {shown}" if after is not None else f"{shown} → {txt.NONE}"
            lines.append(f"{txt.FIELDS.get(key, key)}: {arrow}")
    return tuple(lines)


def action_text(entry: AuditEntry) -> str:
    if entry.action in txt.ACTIONS:
        return txt.ACTIONS[entry.action]
    verb = entry.action.rpartition(".")[2]
    entity = txt.ENTITIES.get(entry.entity, entry.entity)
    return f"{entity}: {txt.VERBS.get(verb, verb)}"


async def school_zone(uow: UnitOfWork, school_id: int) -> ZoneInfo:
    school = await uow.repo(School).get(school_id)
    return ZoneInfo(school.timezone if school else "Europe/Moscow")


async def describe_entries(
    uow: UnitOfWork, school_id: int, entries: Sequence[AuditEntry], flagged: Collection[int]
) -> list[AuditLine]:
    names = _Names(uow, school_id)
    zone = await school_zone(uow, school_id)
    lines = []
    for entry in entries:
        assert entry.id is not None
        lines.append(
            AuditLine(
                entry_id=entry.id,
                seq=entry.seq,
                at=entry.at,
                at_text=f"{entry.at.astimezone(zone):%d.%m.%Y %H:%M}",
                who=await names.who(entry.actor),
                what=action_text(entry),
                about=await _about(names, entry),
                changes=_changes(entry, zone),
                flagged=entry.id in flagged,
            )
        )
    return lines
