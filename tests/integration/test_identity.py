"""Access codes, bindings, roles and consent through the use cases, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from core.model.audit import AuditEntry
from core.model.identity import AccessCode, Actor, ConsentAnswer, ConsentChannel, PersonKind, Role
from core.rules import codes as rules
from core.services import consent, identity
from core.services.errors import AccessDenied, NotFound
from core.services.identity import Audience, NotRedeemed, Redeemed
from storage.audit_log import verify_all
from storage.uow import Database
from tests.support.seeded import Seeded, seed_tiny_school

NOW = dt.datetime(2026, 9, 2, 7, 0, tzinfo=dt.UTC)
COORDINATOR_TG = 1000  # Кузнецова: teacher and deputy; made coordinator below
IVANOVA_TG = 1001  # class teacher of 5А
MOTHER_TG = 2001  # the mother of two (Артём 5А, Ева 5Б)


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


async def bind_staff(db: Database, school: Seeded, last_name: str, tg: int) -> Actor:
    async with db.uow() as uow:
        [issued] = await identity.issue_staff_codes_unchecked(
            uow, school.school_id, "cli:test", now=NOW, staff_ids=[school.staff[last_name]]
        )
    async with db.uow() as uow:
        result = await identity.redeem_code(uow, tg, issued.code, NOW)
    assert isinstance(result, Redeemed)
    return result.actor


async def class_codes(
    db: Database, actor: Actor, class_id: int, **kw: object
) -> list[identity.IssuedCode]:
    async with db.uow() as uow:
        return await identity.issue_class_codes(uow, actor, class_id, now=NOW, **kw)  # type: ignore[arg-type]


async def redeem(db: Database, tg: int, code: str, at: dt.datetime = NOW) -> Redeemed | NotRedeemed:
    async with db.uow() as uow:
        return await identity.redeem_code(uow, tg, code, at)


async def test_class_teacher_issues_codes_for_guardians_of_her_class(
    db: Database, school: Seeded
) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    assert ivanova.role is Role.CLASS_TEACHER and Role.TEACHER in ivanova.roles
    issued = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.GUARDIANS)
    names = sorted(i.person_name for i in issued)
    assert names == ["Алексеева Ольга Ивановна", "Борисов Павел"]
    assert all(i.person_kind is PersonKind.GUARDIAN and i.class_name == "5А" for i in issued)
    assert all(i.expires_at == NOW + dt.timedelta(days=14) for i in issued)
    async with db.uow() as uow:
        stored = await uow.repo(AccessCode).find()
        assert all(issued_code.code not in {c.code_hash for c in stored} for issued_code in issued)
        entries = await uow.repo(AuditEntry).find(action="access_code.issue")
        assert entries and all("code_hash" not in (e.after or {}) for e in entries)


async def test_another_class_or_a_plain_teacher_is_refused(db: Database, school: Seeded) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    with pytest.raises(AccessDenied):
        await class_codes(db, ivanova, school.classes["5Б"], audience=Audience.ALL)
    with pytest.raises(NotFound):
        await class_codes(db, ivanova, 9999, audience=Audience.ALL)


async def test_redeeming_binds_once_and_explains_every_failure(
    db: Database, school: Seeded
) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    issued = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.GUARDIANS)
    mother = next(i for i in issued if i.person_name.startswith("Алексеева"))
    result = await redeem(db, MOTHER_TG, rules.grouped(mother.code).upper())
    assert isinstance(result, Redeemed)
    assert result.actor.role is Role.GUARDIAN and result.actor.person_id == mother.person_id
    again = await redeem(db, 3003, mother.code)
    assert isinstance(again, NotRedeemed) and "уже использован" in again.message
    expired = next(i for i in issued if i.person_name.startswith("Борисов"))
    late = await redeem(db, 3004, expired.code, NOW + dt.timedelta(days=15))
    assert isinstance(late, NotRedeemed) and "истёк" in late.message


async def test_a_new_code_revokes_the_old_one(db: Database, school: Seeded) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    first = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.STUDENTS)
    second = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.STUDENTS)
    assert len(first) == len(second) == 4
    old = await redeem(db, 4001, first[0].code)
    assert isinstance(old, NotRedeemed) and "отменён" in old.message
    assert isinstance(await redeem(db, 4001, second[0].code), Redeemed)
    third = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.STUDENTS)
    assert len(third) == 3  # the connected student gets no new code unless asked


async def test_six_wrong_codes_are_throttled_for_fifteen_minutes(
    db: Database, school: Seeded
) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    [good, *_] = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.GUARDIANS)
    for _ in range(5):
        wrong = await redeem(db, 5005, "aaaa-bbbb-cccc-dddd")
        assert isinstance(wrong, NotRedeemed) and "не подошёл" in wrong.message
    sixth = await redeem(db, 5005, good.code)  # even the right code waits
    assert isinstance(sixth, NotRedeemed) and "Слишком много" in sixth.message
    later = await redeem(db, 5005, good.code, NOW + dt.timedelta(minutes=16))
    assert isinstance(later, Redeemed)


async def test_roles_children_and_forged_ids(db: Database, school: Seeded) -> None:
    kuznetsova = await bind_staff(db, school, "Кузнецова", COORDINATOR_TG)
    assert kuznetsova.roles == {Role.TEACHER, Role.DEPUTY}
    async with db.uow() as uow:
        choices = await identity.role_choices(uow, COORDINATOR_TG)
        assert [c.role for c in choices] == [Role.TEACHER, Role.DEPUTY]
        deputy = await identity.switch_role(uow, COORDINATOR_TG, choices[1].binding_id, Role.DEPUTY)
        assert deputy.role is Role.DEPUTY
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await identity.switch_role(uow, COORDINATOR_TG, choices[1].binding_id, Role.COORDINATOR)
    async with db.uow() as uow:
        assert (await identity.resolve_actor(uow, COORDINATOR_TG)).role is Role.DEPUTY  # type: ignore[union-attr]
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    issued = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.GUARDIANS)
    mother_code = next(i for i in issued if i.person_name.startswith("Алексеева")).code
    mother = await redeem(db, MOTHER_TG, mother_code)
    assert isinstance(mother, Redeemed)
    assert mother.actor.student_id == school.students["Алексеев"]  # children sorted by name
    async with db.uow() as uow:
        eva = await identity.select_child(uow, mother.actor, school.students["Алексеева"])
        assert eva.first_name == "Ева"
    async with db.uow() as uow:
        with pytest.raises(NotFound):  # Борисова is another family's child
            await identity.select_child(uow, mother.actor, school.students["Борисова"])
    async with db.uow() as uow:
        actor = await identity.resolve_actor(uow, MOTHER_TG)
        assert actor is not None and actor.student_id == school.students["Алексеева"]


async def test_consent_yes_no_withdrawn_and_on_paper(db: Database, school: Seeded) -> None:
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    issued = await class_codes(db, ivanova, school.classes["5А"], audience=Audience.GUARDIANS)
    mother = await redeem(db, MOTHER_TG, next(i for i in issued if "Ольга" in i.person_name).code)
    assert isinstance(mother, Redeemed)
    gid = mother.actor.person_id
    async with db.uow() as uow:
        assert not await consent.may_send_personal_data(uow, gid)
        assert "152-ФЗ" in await consent.consent_text(uow, school.school_id)
        await consent.answer_consent(uow, mother.actor, ConsentAnswer.GIVEN, NOW)
    async with db.uow() as uow:
        assert await consent.may_send_personal_data(uow, gid)
        await consent.answer_consent(
            uow, mother.actor, ConsentAnswer.WITHDRAWN, NOW + dt.timedelta(hours=1)
        )
    async with db.uow() as uow:
        assert not await consent.may_send_personal_data(uow, gid)
        borisov = school.guardians["Борисов Павел"]
        await consent.register_paper_consent(uow, ivanova, borisov, ConsentAnswer.REFUSED, NOW)
    async with db.uow() as uow:
        lines = await consent.class_consent_status(uow, ivanova, school.classes["5А"], NOW.date())
    by_name = {line.guardian: line for line in lines}
    assert by_name["Борисов Павел"].answer is ConsentAnswer.REFUSED
    assert by_name["Борисов Павел"].channel is ConsentChannel.PAPER
    assert not by_name["Борисов Павел"].connected
    assert by_name["Алексеева Ольга Ивановна"].answer is ConsentAnswer.WITHDRAWN
    assert by_name["Алексеева Ольга Ивановна"].connected
    assert "Алексеев А. В." in by_name["Алексеева Ольга Ивановна"].children
    [chain] = await verify_all(db)
    assert chain.broken is None


async def test_consent_of_another_class_or_school_is_refused(db: Database, school: Seeded) -> None:
    smirnov = await bind_staff(db, school, "Смирнов", 1002)  # class teacher of 5Б only
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await consent.register_paper_consent(
                uow, smirnov, school.guardians["Борисов Павел"], ConsentAnswer.GIVEN, NOW
            )
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await consent.class_consent_status(uow, smirnov, school.classes["5А"], NOW.date())
    other = await seed_tiny_school(db, "Школа № 4")
    async with db.uow() as uow:
        with pytest.raises(NotFound):
            await consent.register_paper_consent(
                uow, smirnov, other.guardians["Борисов Павел"], ConsentAnswer.GIVEN, NOW
            )


async def test_coordinator_unbinds_and_the_person_becomes_a_stranger(
    db: Database, school: Seeded
) -> None:
    async with db.uow() as uow:
        from core.model.people import StaffMember, StaffRole
        from core.services.audit_log import audited_update

        member = await uow.repo(StaffMember).get(school.staff["Кузнецова"])
        assert member is not None
        audited_update(uow, "cli:test", member, {"roles": [*member.roles, StaffRole.COORDINATOR]})
        await uow.commit()
    coordinator = await bind_staff(db, school, "Кузнецова", COORDINATOR_TG)
    ivanova = await bind_staff(db, school, "Иванова", IVANOVA_TG)
    async with db.uow() as uow:
        lines = await identity.school_bindings(uow, coordinator)
        target = next(line for line in lines if line.telegram_user_id == IVANOVA_TG)
        await identity.unbind(uow, coordinator, target.binding_id, NOW)
    async with db.uow() as uow:
        assert await identity.resolve_actor(uow, IVANOVA_TG) is None
        with pytest.raises(AccessDenied):
            await identity.unbind(uow, ivanova, target.binding_id, NOW)
