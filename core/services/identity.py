"""Use cases of identity: issuing and redeeming access codes, bindings, the actor of an update,
switching roles and children (INF-5, SEC-1, SEC-2, ADM-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup
from core.model.identity import (
    AccessCode,
    Actor,
    BotUser,
    CodeAttempt,
    CodeState,
    PersonKind,
    Role,
    TelegramBinding,
)
from core.model.people import Guardian, GuardianLink, StaffMember, Student, short_name
from core.model.school import AcademicYear, School
from core.ports import UnitOfWork
from core.rules import access
from core.rules import codes as rules
from core.services import identity_texts as txt
from core.services.audit_log import audited_add, audited_add_all, audited_update
from core.services.errors import NOT_ALLOWED, NOT_FOUND, AccessDenied, NotFound


class Audience(StrEnum):
    GUARDIANS = "guardians"
    STUDENTS = "students"
    ALL = "all"


@dataclass(frozen=True)
class IssuedCode:
    """A code as the class teacher hands it out; the plain code exists only here, once."""

    person_kind: PersonKind
    person_id: int
    person_name: str
    about: str | None  # for a guardian: which child(ren)
    class_name: str | None
    code: str
    expires_at: dt.datetime


def _id(entity: Student | StaffMember) -> int:
    assert entity.id is not None
    return entity.id


# --- the actor ------------------------------------------------------------------------------


async def current_year(uow: UnitOfWork, school_id: int, today: dt.date) -> AcademicYear | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    return next(
        (y for y in years if y.starts_on <= today <= y.ends_on), years[-1] if years else None
    )


async def led_classes(uow: UnitOfWork, school_id: int, staff_id: int) -> frozenset[int]:
    classes = await uow.repo(SchoolClass).find(school_id=school_id, class_teacher_id=staff_id)
    return frozenset(c.id for c in classes if c.id is not None)


async def roles_of(
    uow: UnitOfWork, binding: TelegramBinding
) -> tuple[str, frozenset[Role], frozenset[int]]:
    """The bound person's name, roles in the school, and the classes they lead."""
    if binding.person_kind is PersonKind.STAFF:
        staff = await uow.repo(StaffMember).get(binding.person_id)
        if staff is None or not staff.active:
            return "", frozenset(), frozenset()
        classes = await led_classes(uow, binding.school_id, binding.person_id)
        return staff.short_name, access.staff_roles(staff.roles, bool(classes)), classes
    if binding.person_kind is PersonKind.GUARDIAN:
        guardian = await uow.repo(Guardian).get(binding.person_id)
        name = (
            short_name(guardian.last_name, guardian.first_name, guardian.middle_name)
            if guardian
            else ""
        )
        return name, frozenset({Role.GUARDIAN}) if guardian else frozenset(), frozenset()
    student = await uow.repo(Student).get(binding.person_id)
    if student is None or not student.active:
        return "", frozenset(), frozenset()
    return student.short_name, frozenset({Role.STUDENT}), frozenset()


@dataclass(frozen=True)
class RoleChoice:
    binding_id: int
    school: str
    name: str
    role: Role


async def role_choices(uow: UnitOfWork, telegram_user_id: int) -> list[RoleChoice]:
    """Every (school, person, role) this Telegram account may act as, for the role switcher."""
    choices: list[RoleChoice] = []
    for binding in await uow.repo(TelegramBinding).find(
        telegram_user_id=telegram_user_id, unbound_at=None
    ):
        school = await uow.repo(School).get(binding.school_id)
        name, roles, _ = await roles_of(uow, binding)
        assert binding.id is not None
        # a class teacher's menu holds the teacher's: offering both would only confuse
        shown = roles - {Role.TEACHER} if Role.CLASS_TEACHER in roles else roles
        for role in sorted(shown, key=list(Role).index):
            choices.append(RoleChoice(binding.id, school.name if school else "", name, role))
    return choices


async def bot_user(uow: UnitOfWork, telegram_user_id: int) -> BotUser:
    user = await uow.repo(BotUser).first(telegram_user_id=telegram_user_id)
    if user is None:
        user = BotUser(telegram_user_id=telegram_user_id)
        await uow.repo(BotUser).add(user)
        await uow.flush()
    return user


async def resolve_actor(uow: UnitOfWork, telegram_user_id: int) -> Actor | None:
    """The actor of an update: the account's chosen binding and role, or its first one; None for a
    stranger (no active binding)."""
    choices = await role_choices(uow, telegram_user_id)
    if not choices:
        return None
    user = await uow.repo(BotUser).first(telegram_user_id=telegram_user_id)
    chosen = next(
        (
            c
            for c in choices
            if user and c.binding_id == user.active_binding_id and c.role == user.active_role
        ),
        choices[0],
    )
    binding = await uow.repo(TelegramBinding).get(chosen.binding_id)
    assert binding is not None
    name, roles, classes = await roles_of(uow, binding)
    student_id: int | None = None
    if binding.person_kind is PersonKind.STUDENT:
        student_id = binding.person_id
    elif binding.person_kind is PersonKind.GUARDIAN:
        children = await children_of_guardian(uow, binding.person_id)
        wanted = user.active_student_id if user else None
        student_id = (
            wanted if wanted in {c.id for c in children} else (children[0].id if children else None)
        )
    return Actor(
        telegram_user_id=telegram_user_id,
        school_id=binding.school_id,
        kind=binding.person_kind,
        person_id=binding.person_id,
        name=name,
        role=chosen.role,
        roles=roles,
        binding_id=binding.id,
        class_ids=classes,
        student_id=student_id,
    )


async def switch_role(uow: UnitOfWork, telegram_user_id: int, binding_id: int, role: Role) -> Actor:
    """Act as another of one's own roles; a binding or role that is not the account's is refused."""
    choices = await role_choices(uow, telegram_user_id)
    if not any(c.binding_id == binding_id and c.role == role for c in choices):
        raise AccessDenied(NOT_ALLOWED)
    user = await bot_user(uow, telegram_user_id)
    user.active_binding_id, user.active_role, user.active_student_id = binding_id, role, None
    await uow.commit()
    actor = await resolve_actor(uow, telegram_user_id)
    assert actor is not None
    return actor


async def children_of_guardian(uow: UnitOfWork, guardian_id: int) -> list[Student]:
    links = await uow.repo(GuardianLink).find(guardian_id=guardian_id)
    children = [await uow.repo(Student).get(link.student_id) for link in links]
    return sorted((c for c in children if c is not None and c.active), key=lambda c: c.full_name)


async def select_child(uow: UnitOfWork, actor: Actor, student_id: int) -> Student:
    """A guardian of several chooses whose information to see; another family's child is refused
    exactly like a missing one."""
    if actor.role is not Role.GUARDIAN:
        raise AccessDenied(NOT_ALLOWED)
    children = await children_of_guardian(uow, actor.person_id)
    child = next((c for c in children if c.id == student_id), None)
    if child is None:
        raise NotFound(NOT_FOUND)
    assert actor.telegram_user_id is not None
    user = await bot_user(uow, actor.telegram_user_id)
    user.active_student_id = student_id
    await uow.commit()
    return child


# --- codes ----------------------------------------------------------------------------------


async def class_roster(uow: UnitOfWork, school_class: SchoolClass, day: dt.date) -> list[Student]:
    """The students of a class on a day (its whole-class group's members then)."""
    group = await uow.repo(StudyGroup).first(class_id=school_class.id, kind=GroupKind.WHOLE_CLASS)
    if group is None:
        return []
    members = await uow.repo(GroupMembership).find(group_id=group.id)
    ids = {m.student_id for m in members if m.active_on(day)}
    students = [
        s for s in await uow.repo(Student).find(school_id=school_class.school_id) if s.id in ids
    ]
    return sorted((s for s in students if s.active), key=lambda s: s.full_name)


async def class_in_school(uow: UnitOfWork, actor: Actor, class_id: int) -> SchoolClass:
    """A class of the actor's own school, or NotFound (a forged id learns nothing)."""
    school_class = await uow.repo(SchoolClass).get(class_id)
    if school_class is None or not access.same_school(actor, school_class.school_id):
        raise NotFound(NOT_FOUND)
    return school_class


async def manageable_classes(uow: UnitOfWork, actor: Actor) -> list[SchoolClass]:
    """The classes whose codes and consent the actor handles: their own, or all for the
    coordinator."""
    classes = await uow.repo(SchoolClass).find(school_id=actor.school_id)
    if not actor.holds(Role.COORDINATOR):
        classes = [c for c in classes if c.id in actor.class_ids]
    return sorted(classes, key=lambda c: (c.grade, c.name))


async def guardian_in_school(uow: UnitOfWork, actor: Actor, guardian_id: int) -> Guardian:
    guardian = await uow.repo(Guardian).get(guardian_id)
    if guardian is None or not access.same_school(actor, guardian.school_id):
        raise NotFound(NOT_FOUND)
    return guardian


async def class_of_student(uow: UnitOfWork, student_id: int, day: dt.date) -> int | None:
    """The class a student belongs to on a day, through their whole-class group."""
    for membership in await uow.repo(GroupMembership).find(student_id=student_id):
        if not membership.active_on(day):
            continue
        group = await uow.repo(StudyGroup).get(membership.group_id)
        if group is not None and group.kind is GroupKind.WHOLE_CLASS:
            return group.class_id
    return None


async def _bound(uow: UnitOfWork, school_id: int, kind: PersonKind) -> set[int]:
    bindings = await uow.repo(TelegramBinding).find(
        school_id=school_id, person_kind=kind, unbound_at=None
    )
    return {b.person_id for b in bindings}


async def issue_class_codes(
    uow: UnitOfWork,
    actor: Actor,
    class_id: int,
    *,
    audience: Audience,
    now: dt.datetime,
    ttl: dt.timedelta = rules.DEFAULT_TTL,
    include_bound: bool = False,
) -> list[IssuedCode]:
    """New codes for a class's guardians and/or students (INF-5). By default only for those not yet
    connected; a new code revokes the person's earlier unused one. Committed with its audit."""
    school_class = await uow.repo(SchoolClass).get(class_id)
    if school_class is None or not access.same_school(actor, school_class.school_id):
        raise NotFound(NOT_FOUND)
    if not access.may_issue_class_codes(actor, class_id):
        raise AccessDenied(NOT_ALLOWED)
    students = await class_roster(uow, school_class, now.date())
    people: list[tuple[PersonKind, int, str, str | None]] = []
    if audience in (Audience.STUDENTS, Audience.ALL):
        bound = set() if include_bound else await _bound(uow, actor.school_id, PersonKind.STUDENT)
        people += [
            (PersonKind.STUDENT, _id(s), s.full_name, None) for s in students if s.id not in bound
        ]
    if audience in (Audience.GUARDIANS, Audience.ALL):
        bound = set() if include_bound else await _bound(uow, actor.school_id, PersonKind.GUARDIAN)
        children: dict[int, list[str]] = {}
        for student in students:
            for link in await uow.repo(GuardianLink).find(student_id=student.id):
                children.setdefault(link.guardian_id, []).append(
                    txt.CHILD.format(
                        name=f"{student.first_name} {student.last_name}",
                        class_name=school_class.name,
                    )
                )
        for guardian_id, about in children.items():
            guardian = await uow.repo(Guardian).get(guardian_id)
            if guardian is not None and guardian_id not in bound:
                people.append(
                    (PersonKind.GUARDIAN, guardian_id, guardian.full_name, "; ".join(about))
                )
    return await _issue(uow, actor, people, school_class.name, now, ttl)


async def issue_staff_codes(
    uow: UnitOfWork,
    actor: Actor,
    *,
    now: dt.datetime,
    staff_ids: Sequence[int] | None = None,
    ttl: dt.timedelta = rules.DEFAULT_TTL,
    include_bound: bool = False,
) -> list[IssuedCode]:
    if not access.may_issue_staff_codes(actor):
        raise AccessDenied(NOT_ALLOWED)
    return await issue_staff_codes_unchecked(
        uow,
        actor.school_id,
        actor.audit_name,
        now=now,
        staff_ids=staff_ids,
        ttl=ttl,
        include_bound=include_bound,
    )


async def issue_staff_codes_unchecked(
    uow: UnitOfWork,
    school_id: int,
    issued_by: str,
    *,
    now: dt.datetime,
    staff_ids: Sequence[int] | None = None,
    ttl: dt.timedelta = rules.DEFAULT_TTL,
    include_bound: bool = False,
) -> list[IssuedCode]:
    """Codes for staff, from the coordinator's console (where the first coordinator gets theirs)."""
    staff = [m for m in await uow.repo(StaffMember).find(school_id=school_id) if m.active]
    if staff_ids is not None:
        wanted = set(staff_ids)
        staff = [m for m in staff if m.id in wanted]
        if len(staff) != len(wanted):
            raise NotFound(NOT_FOUND)
    bound = set() if include_bound else await _bound(uow, school_id, PersonKind.STAFF)
    people = [
        (PersonKind.STAFF, _id(m), m.full_name, m.position)
        for m in sorted(staff, key=lambda m: m.full_name)
        if m.id not in bound
    ]
    return await _issue_for(uow, school_id, issued_by, people, None, now, ttl)


async def _issue(
    uow: UnitOfWork,
    actor: Actor,
    people: list[tuple[PersonKind, int, str, str | None]],
    class_name: str | None,
    now: dt.datetime,
    ttl: dt.timedelta,
) -> list[IssuedCode]:
    return await _issue_for(uow, actor.school_id, actor.audit_name, people, class_name, now, ttl)


async def _issue_for(
    uow: UnitOfWork,
    school_id: int,
    issued_by: str,
    people: list[tuple[PersonKind, int, str, str | None]],
    class_name: str | None,
    now: dt.datetime,
    ttl: dt.timedelta,
) -> list[IssuedCode]:
    issued: list[IssuedCode] = []
    new: list[AccessCode] = []
    for kind, person_id, name, about in people:
        for old in await uow.repo(AccessCode).find(
            person_kind=kind, person_id=person_id, school_id=school_id
        ):
            if old.state(now) is CodeState.ACTIVE:
                audited_update(
                    uow, issued_by, old, {"revoked_at": now}, action="access_code.revoke"
                )
        code = rules.new_code()
        new.append(
            AccessCode(
                school_id=school_id,
                person_kind=kind,
                person_id=person_id,
                code_hash=rules.code_hash(code),
                issued_by=issued_by,
                issued_at=now,
                expires_at=now + ttl,
            )
        )
        issued.append(IssuedCode(kind, person_id, name, about, class_name, code, now + ttl))
    await audited_add_all(uow, issued_by, new, action="access_code.issue")
    await uow.commit()
    return issued


@dataclass(frozen=True)
class Redeemed:
    binding: TelegramBinding
    actor: Actor


@dataclass(frozen=True)
class NotRedeemed:
    message: str  # Russian, for the user


async def redeem_code(
    uow: UnitOfWork, telegram_user_id: int, text: str, now: dt.datetime
) -> Redeemed | NotRedeemed:
    """Bind this Telegram account by a code (single use). Failed tries are counted per account and
    refused past the limit without even looking at the code."""
    since = now - rules.ATTEMPT_WINDOW
    recent = [
        a
        for a in await uow.repo(CodeAttempt).find(telegram_user_id=telegram_user_id)
        if a.at > since
    ]
    if rules.throttled(len(recent)):
        wait = max(
            1,
            int((min(a.at for a in recent) + rules.ATTEMPT_WINDOW - now).total_seconds() // 60) + 1,
        )
        return NotRedeemed(txt.CODE_THROTTLED.format(minutes=wait))
    code = rules.normalize_code(text)
    found = await uow.repo(AccessCode).first(code_hash=rules.code_hash(code)) if code else None
    if found is None or found.state(now) is not CodeState.ACTIVE:
        await uow.repo(CodeAttempt).add(CodeAttempt(telegram_user_id=telegram_user_id, at=now))
        await uow.commit()
        if found is None:
            return NotRedeemed(txt.CODE_UNKNOWN)
        return NotRedeemed(txt.CODE_PROBLEMS[found.state(now)])
    actor_name = f"telegram:{telegram_user_id}"
    audited_update(
        uow,
        actor_name,
        found,
        {"used_at": now, "used_by": telegram_user_id},
        action="access_code.redeem",
    )
    # a person has one account: a new code moves them (a lost or changed phone)
    for old in await uow.repo(TelegramBinding).find(
        school_id=found.school_id,
        person_kind=found.person_kind,
        person_id=found.person_id,
        unbound_at=None,
    ):
        audited_update(uow, actor_name, old, {"unbound_at": now}, action="telegram_binding.move")
    new_binding = TelegramBinding(
        school_id=found.school_id,
        telegram_user_id=telegram_user_id,
        person_kind=found.person_kind,
        person_id=found.person_id,
        code_id=found.id,
        bound_at=now,
    )
    binding = await audited_add(uow, actor_name, new_binding, action="telegram_binding.bind")
    user = await bot_user(uow, telegram_user_id)
    user.active_binding_id, user.active_role, user.active_student_id = binding.id, None, None
    await uow.commit()
    actor = await resolve_actor(uow, telegram_user_id)
    assert actor is not None
    # the new binding's role, not an older one's, is where the person lands
    if actor.binding_id != binding.id:
        first = next(
            c for c in await role_choices(uow, telegram_user_id) if c.binding_id == binding.id
        )
        actor = await switch_role(uow, telegram_user_id, first.binding_id, first.role)
    return Redeemed(binding, actor)


@dataclass(frozen=True)
class BindingLine:
    binding_id: int
    person_kind: PersonKind
    person_name: str
    telegram_user_id: int
    bound_at: dt.datetime


async def school_bindings(uow: UnitOfWork, actor: Actor) -> list[BindingLine]:
    """Connected accounts of the school, for the coordinator who may unbind them."""
    if not access.may_unbind(actor):
        raise AccessDenied(NOT_ALLOWED)
    lines = []
    for b in await uow.repo(TelegramBinding).find(school_id=actor.school_id, unbound_at=None):
        name, _, _ = await roles_of(uow, b)
        assert b.id is not None
        lines.append(BindingLine(b.id, b.person_kind, name, b.telegram_user_id, b.bound_at))
    return sorted(lines, key=lambda line: (line.person_kind, line.person_name))


async def unbind(
    uow: UnitOfWork, actor: Actor, binding_id: int, now: dt.datetime
) -> TelegramBinding:
    """The coordinator disconnects an account (ADM-2); the person needs a new code to come back."""
    if not access.may_unbind(actor):
        raise AccessDenied(NOT_ALLOWED)
    binding = await uow.repo(TelegramBinding).get(binding_id)
    if binding is None or not access.same_school(actor, binding.school_id) or not binding.active:
        raise NotFound(NOT_FOUND)
    audited_update(
        uow, actor.audit_name, binding, {"unbound_at": now}, action="telegram_binding.unbind"
    )
    await uow.commit()
    return binding
