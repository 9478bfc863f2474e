"""A compromised account (SEC-4) end to end on a real database: a teacher's account posts and
changes marks before and after T; the coordinator records the compromise at T; the account is
cut off at once, the changes after T are flagged and listed, one tap reverts them to the previous
values, every step is in the audit log and the hash chain still verifies."""

from __future__ import annotations

import datetime as dt

import pytest

from core.model.audit import AuditEntry
from core.model.compromise import FlagState
from core.model.grading import WorkType
from core.model.identity import AccessCode, CodeState, PersonKind, Role, TelegramBinding
from core.model.journal import Absence, AbsenceKind, FinalMark, Homework, Lesson, Mark
from core.model.people import StaffRole
from core.services import compromise, finals, identity, journal, lesson_content
from core.services.errors import AccessDenied, Refused
from core.services.identity import Audience, Redeemed
from core.services.journal import LessonKey
from storage.audit_log import verify_all
from storage.audit_queries import SqlAuditSource
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.lookups import add_staff, quarter_id, subject_id
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
BEFORE = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1 of 5А
T = dt.datetime(2026, 9, 7, 6, 20, tzinfo=dt.UTC)  # the head of school is told
AFTER = dt.datetime(2026, 9, 7, 6, 30, tzinfo=dt.UTC)
RECORDED = dt.datetime(2026, 9, 7, 7, 0, tzinfo=dt.UTC)
PHONE = 5001


@pytest.fixture
async def school(db: Database) -> Seeded:
    seeded = await seed_tiny_school(db)
    await add_staff(db, seeded, "Соколова", StaffRole.COORDINATOR)
    await add_staff(db, seeded, "Орлова", StaffRole.DEPUTY)
    return seeded


async def oral(db: Database, school: Seeded) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
    assert found is not None and found.id is not None
    return found.id


async def connect(db: Database, clock: MovableClock, school: Seeded) -> None:
    """Кузнецова's phone holds her staff account and, as a parent, Борисов's guardian account."""
    async with db.uow(clock) as uow:
        [code] = await identity.issue_staff_codes_unchecked(
            uow,
            school.school_id,
            "cli:test",
            now=clock.now(),
            staff_ids=[school.staff["Кузнецова"]],
        )
        assert isinstance(await identity.redeem_code(uow, PHONE, code.code, clock.now()), Redeemed)
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow(clock) as uow:
        issued = await identity.issue_class_codes(
            uow, coordinator, school.classes["5А"], audience=Audience.GUARDIANS, now=clock.now()
        )
        borisov = next(i for i in issued if i.person_name.startswith("Борисов"))
        assert isinstance(
            await identity.redeem_code(uow, PHONE, borisov.code, clock.now()), Redeemed
        )
    # a fresh code she has not used yet: it must die with the account too
    async with db.uow(clock) as uow:
        await identity.issue_staff_codes_unchecked(
            uow, school.school_id, "cli:test", now=clock.now(),
            staff_ids=[school.staff["Кузнецова"]], include_bound=True,
        )  # fmt: skip


async def test_after_a_compromise_the_changes_since_t_are_flagged_and_reverted(
    db: Database, school: Seeded
) -> None:
    clock = MovableClock(BEFORE - dt.timedelta(hours=1))
    await connect(db, clock, school)
    teacher = staff(school, "Кузнецова", Role.TEACHER)
    volkov, alekseev = school.students["Волков"], school.students["Алексеев"]
    borisova, grigorieva = school.students["Борисова"], school.students["Григорьева"]
    work = await oral(db, school)
    # before T: the teacher's own, valid work
    clock.at = BEFORE
    async with db.uow(clock) as uow:
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1))
    lesson_id = lesson.id or 0
    async with db.uow(clock) as uow:
        await journal.save_attendance(uow, teacher, lesson_id, {borisova: AbsenceKind.ILL}, BEFORE)
    async with db.uow(clock) as uow:
        three = await journal.post_mark(uow, teacher, lesson_id, volkov, work, "3", BEFORE)
        four = await journal.post_mark(uow, teacher, lesson_id, alekseev, work, "4", BEFORE)
    async with db.uow(clock) as uow:
        await lesson_content.set_topic(uow, teacher, lesson_id, BEFORE, text="Дроби")
    # after T: someone else with her phone
    clock.at = AFTER
    async with db.uow(clock) as uow:
        await journal.change_mark(uow, teacher, three.id or 0, "5", "пересдал", 1, AFTER)
    async with db.uow(clock) as uow:
        await journal.delete_mark(uow, teacher, four.id or 0, "ошибка", 1, AFTER)
    async with db.uow(clock) as uow:
        new = await journal.post_mark(uow, teacher, lesson_id, grigorieva, work, "2", AFTER)
    async with db.uow(clock) as uow:
        await journal.save_attendance(uow, teacher, lesson_id, {volkov: AbsenceKind.ABSENT}, AFTER)
    async with db.uow(clock) as uow:
        await lesson_content.set_topic(uow, teacher, lesson_id, AFTER, text="Чепуха")
    async with db.uow(clock) as uow:
        await lesson_content.set_homework(uow, teacher, lesson_id, "Ничего не задано", AFTER)
    as_deputy = staff(school, "Кузнецова", Role.DEPUTY)  # the same account, its other role
    math, first_quarter = (
        await subject_id(db, school, "Математика"),
        await quarter_id(db, school, 1),
    )
    async with db.uow(clock) as uow:
        await finals.set_finals(
            uow, as_deputy, school.groups["5А"], math, first_quarter, {volkov: "5"}, AFTER
        )

    # the coordinator records the compromise as of T
    clock.at = RECORDED
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow(clock) as uow:
        report = await compromise.record_compromise(
            uow, SqlAuditSource(uow), coordinator, PersonKind.STAFF,
            school.staff["Кузнецова"], T, "телефон украден", RECORDED,
        )  # fmt: skip
    assert (report.bindings_revoked, report.codes_revoked) == (2, 1)
    async with db.uow(clock) as uow:
        # the phone is a stranger now, for both people on it; a new code is needed
        assert await identity.resolve_actor(uow, PHONE) is None
        assert all(
            b.unbound_at == RECORDED
            for b in await uow.repo(TelegramBinding).find(telegram_user_id=PHONE)
        )
        codes = await uow.repo(AccessCode).find(person_id=school.staff["Кузнецова"])
        assert CodeState.ACTIVE not in {c.state(RECORDED) for c in codes}

    async with db.uow(clock) as uow:
        view = await compromise.list_flagged(
            uow, SqlAuditSource(uow), coordinator, report.compromise_id
        )
    assert view.person.name == "Кузнецова Анна Сергеевна"
    assert view.since_text == "07.09.2026 09:20"
    flagged = [(x.line.what, x.state) for x in view.lines]
    assert report.flagged == len(flagged) > 0
    assert ("отметка: изменено", FlagState.FLAGGED) in flagged
    assert ("отметка удалена", FlagState.FLAGGED) in flagged
    # nothing before T is flagged: the marks of 09:00 are hers
    assert all(x.line.at >= T for x in view.lines)
    changed = next(x for x in view.lines if x.line.what == "отметка: изменено")
    assert changed.line.changes[0] == "отметка: 3 → 5"
    assert changed.line.about is not None and changed.line.about.startswith("Волков Г. В.")
    assert changed.line.flagged

    # one tap: everything undone
    async with db.uow(clock) as uow:
        undone = await compromise.revert_flagged(
            uow, SqlAuditSource(uow), coordinator, report.compromise_id, RECORDED
        )
    assert undone.conflicts == 0
    assert undone.reverted == sum(1 for x in view.lines if x.revertible)
    assert undone.kept == sum(1 for x in view.lines if not x.revertible)
    async with db.uow(clock) as uow:
        marks = {m.student_id: m for m in await uow.repo(Mark).find(lesson_id=lesson_id)}
        assert (marks[volkov].value, marks[volkov].deleted_at) == ("3", None)  # back to 3
        assert (marks[alekseev].value, marks[alekseev].deleted_at) == ("4", None)  # restored
        assert marks[grigorieva].deleted_at == RECORDED  # the new one is deleted, kept on record
        absences = await uow.repo(Absence).find(lesson_id=lesson_id)
        assert [(a.student_id, a.kind) for a in absences] == [(borisova, AbsenceKind.ILL)]
        restored = await uow.repo(Lesson).get(lesson_id)
        assert restored is not None
        assert (restored.topic, restored.attendance_taken_at) == ("Дроби", BEFORE)
        assert await uow.repo(Homework).find(lesson_id=lesson_id) == []
        assert await uow.repo(FinalMark).find(student_id=volkov) == []
        reverts = [
            e
            for e in await uow.repo(AuditEntry).find(school_id=school.school_id)
            if e.action.endswith(".revert") and e.entity != "compromise"
        ]
        assert {e.actor for e in reverts} == {coordinator.audit_name}
        assert {e.entity for e in reverts} == {
            "mark",
            "absence",
            "lesson",
            "homework",
            "final_mark",
        }
        actions = {e.action for e in await uow.repo(AuditEntry).find(school_id=school.school_id)}
    assert {
        "compromise.record",
        "compromise.flag",
        "compromise.revert",
        "telegram_binding.revoke",
        "access_code.revoke",
    } <= actions
    assert new.id is not None
    async with db.uow(clock) as uow:
        after = await compromise.list_flagged(
            uow, SqlAuditSource(uow), coordinator, report.compromise_id
        )
    assert {x.state for x in after.lines} <= {FlagState.REVERTED, FlagState.KEPT}
    assert after.reverted_at_text == "07.09.2026 10:00"
    # reverting again does nothing twice
    async with db.uow(clock) as uow:
        with pytest.raises(Refused, match="уже отменены"):
            await compromise.revert_flagged(
                uow, SqlAuditSource(uow), coordinator, report.compromise_id, RECORDED
            )
    [chain] = await verify_all(db)
    assert chain.broken is None


async def test_a_change_someone_else_made_afterwards_is_a_conflict_not_overwritten(
    db: Database, school: Seeded
) -> None:
    clock = MovableClock(BEFORE)
    await connect(db, clock, school)
    teacher = staff(school, "Кузнецова", Role.TEACHER)
    deputy = staff(school, "Орлова", Role.DEPUTY)
    volkov, alekseev = school.students["Волков"], school.students["Алексеев"]
    work = await oral(db, school)
    async with db.uow(clock) as uow:
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1))
        three = await journal.post_mark(uow, teacher, lesson.id or 0, volkov, work, "3", BEFORE)
    clock.at = AFTER
    async with db.uow(clock) as uow:
        await journal.change_mark(uow, teacher, three.id or 0, "5", "пересдал", 1, AFTER)
        other = await journal.post_mark(uow, teacher, lesson.id or 0, alekseev, work, "2", AFTER)
    clock.at = AFTER + dt.timedelta(minutes=5)
    async with db.uow(clock) as uow:  # the deputy corrects the invalid mark by hand first
        await journal.change_mark(uow, deputy, three.id or 0, "4", "проверено", 2, clock.at)
    clock.at = RECORDED
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow(clock) as uow:
        report = await compromise.record_compromise(
            uow, SqlAuditSource(uow), coordinator, PersonKind.STAFF,
            school.staff["Кузнецова"], T, "утерян телефон", RECORDED,
        )  # fmt: skip
    async with db.uow(clock) as uow:
        undone = await compromise.revert_flagged(
            uow, SqlAuditSource(uow), coordinator, report.compromise_id, RECORDED
        )
    assert undone.conflicts == 1
    conflict = next(x for x in undone.lines if x.state is FlagState.CONFLICT)
    assert conflict.note is not None and "Орлова" in conflict.note
    async with db.uow(clock) as uow:
        kept = await uow.repo(Mark).get(three.id or 0)
        removed = await uow.repo(Mark).get(other.id or 0)
    assert kept is not None and kept.value == "4"  # the deputy's correction stands
    assert removed is not None and removed.deleted_at == RECORDED
    [chain] = await verify_all(db)
    assert chain.broken is None


async def test_only_the_coordinator_or_the_head_records_and_reverts(
    db: Database, school: Seeded
) -> None:
    clock = MovableClock(RECORDED)
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow(clock) as uow:
        report = await compromise.record_compromise(
            uow, SqlAuditSource(uow), coordinator, PersonKind.STAFF,
            school.staff["Смирнов"], T, "передал пароль", RECORDED,
        )  # fmt: skip
    assert (report.bindings_revoked, report.flagged) == (0, 0)
    for who in (staff(school, "Смирнов"), staff(school, "Орлова", Role.DEPUTY)):
        async with db.uow(clock) as uow:
            with pytest.raises(AccessDenied):
                await compromise.record_compromise(
                    uow, SqlAuditSource(uow), who, PersonKind.STAFF,
                    school.staff["Иванова"], T, "x", RECORDED,
                )  # fmt: skip
            with pytest.raises(AccessDenied):
                await compromise.revert_flagged(
                    uow, SqlAuditSource(uow), who, report.compromise_id, RECORDED
                )
    # the deputy may look, not act
    async with db.uow(clock) as uow:
        view = await compromise.list_flagged(
            uow, SqlAuditSource(uow), staff(school, "Орлова", Role.DEPUTY), report.compromise_id
        )
        assert view.lines == ()
    head = staff(school, "Орлова", Role.HEAD)
    async with db.uow(clock) as uow:
        with pytest.raises(Refused, match="ещё не наступило"):
            await compromise.record_compromise(
                uow, SqlAuditSource(uow), head, PersonKind.STAFF,
                school.staff["Иванова"], RECORDED + dt.timedelta(hours=1), "x", RECORDED,
            )  # fmt: skip
        with pytest.raises(Refused, match="что случилось"):
            await compromise.record_compromise(
                uow, SqlAuditSource(uow), head, PersonKind.STAFF,
                school.staff["Иванова"], T, "  ", RECORDED,
            )  # fmt: skip
