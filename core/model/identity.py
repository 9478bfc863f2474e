"""Who is behind a Telegram account: codes, bindings, roles, consent (INF-3, INF-5, SEC-1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class PersonKind(StrEnum):
    STAFF = "staff"
    GUARDIAN = "guardian"
    STUDENT = "student"


class Role(StrEnum):
    """What a person acts as in a school; the bot shows the menu of one role at a time."""

    TEACHER = "teacher"
    CLASS_TEACHER = "class_teacher"
    DEPUTY = "deputy"
    DISPATCHER = "dispatcher"
    COORDINATOR = "coordinator"
    HEAD = "head"
    GUARDIAN = "guardian"
    STUDENT = "student"


class CodeState(StrEnum):
    ACTIVE = "active"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(kw_only=True, eq=False)
class AccessCode:
    """A single-use code that binds a Telegram account to one person; only its hash is kept."""

    id: int | None = None
    school_id: int
    person_kind: PersonKind
    person_id: int
    code_hash: str
    issued_by: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    used_by: int | None = None  # the Telegram user id that redeemed it
    revoked_at: dt.datetime | None = None

    def state(self, now: dt.datetime) -> CodeState:
        if self.used_at is not None:
            return CodeState.USED
        if self.revoked_at is not None:
            return CodeState.REVOKED
        if now >= self.expires_at:
            return CodeState.EXPIRED
        return CodeState.ACTIVE


@dataclass(kw_only=True, eq=False)
class TelegramBinding:
    """A Telegram account bound to a person of a school, from a redeemed code until unbound."""

    id: int | None = None
    school_id: int
    telegram_user_id: int
    person_kind: PersonKind
    person_id: int
    code_id: int | None = None
    bound_at: dt.datetime
    unbound_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.unbound_at is None


@dataclass(kw_only=True, eq=False)
class CodeAttempt:
    """A failed attempt to redeem a code: not school data (the user is unknown), kept to throttle
    guessing."""

    id: int | None = None
    telegram_user_id: int
    at: dt.datetime


@dataclass(kw_only=True, eq=False)
class BotUser:
    """What the bot remembers of a Telegram account between updates: the role it acts in now and,
    for a guardian of several, the child selected."""

    id: int | None = None
    telegram_user_id: int
    active_binding_id: int | None = None
    active_role: Role | None = None
    active_student_id: int | None = None


class ConsentAnswer(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ConsentChannel(StrEnum):
    BOT = "bot"
    PAPER = "paper"  # registered by the class teacher from a signed form


@dataclass(kw_only=True, eq=False)
class ConsentRecord:
    """One answer of a guardian about personal-data processing; the latest one is in force."""

    id: int | None = None
    school_id: int
    guardian_id: int
    answer: ConsentAnswer
    channel: ConsentChannel
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The person behind an update, acting in one school in one role (resolved per update)."""

    telegram_user_id: int | None
    school_id: int
    kind: PersonKind
    person_id: int
    name: str
    role: Role  # the role whose menu is shown now
    roles: frozenset[Role]  # every role of this person in this school
    binding_id: int | None = None
    class_ids: frozenset[int] = field(default_factory=frozenset)  # classes they lead
    student_id: int | None = None  # a guardian's selected child, or the student themself

    @property
    def audit_name(self) -> str:
        return f"{self.kind.value}:{self.person_id}"

    def holds(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)
