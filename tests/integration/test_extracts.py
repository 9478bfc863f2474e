"""Paper extracts (INF-4) on a real database: who needs paper and why, an extract holding exactly
what was recorded in the journal and sent as notices, and who may print it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.model.grading import WorkType
from core.model.identity import ConsentAnswer, PersonKind, Role
from core.model.journal import AbsenceKind
from core.model.notices import NoticeStatus
from core.rules.notices import NoticeRules
from core.services import extracts, journal, lesson_content
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.extracts import PaperReason
from core.services.journal import LessonKey
from core.services.notice_delivery import Outcome, SendResult
from notifications.worker import Worker, WorkerConfig
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.notices import (
    DURING,
    MONDAY,
    OLGA,
    FakeChannel,
    bind,
    connect_family,
    consent,
    math_5a,
)
from tests.support.seeded import Seeded, seed_tiny_school

TUESDAY = MONDAY + dt.timedelta(days=1)
SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
FAST = WorkerConfig(
    rate=1000.0,
    per_chat_interval=0.0,
    rules=NoticeRules(retry_base=dt.timedelta(seconds=2), max_attempts=3),
    worker_id="w1",
)


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


async def paper(db: Database, school: Seeded) -> dict[str, tuple[PaperReason, ...]]:
    async with db.uow() as uow:
        found = await extracts.paper_guardians(
            uow, staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",)),
            school.classes["5А"], MONDAY,
        )  # fmt: skip
    return {g.guardian: g.reasons for g in found}


async def work_type(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name=name)
        assert found is not None and found.id is not None
        return found.id


async def test_who_needs_paper_and_why(db: Database, school: Seeded) -> None:
    olga, pavel = "Алексеева Ольга Ивановна", "Борисов Павел"
    assert await paper(db, school) == {
        olga: (PaperReason.NOT_CONNECTED, PaperReason.NO_CONSENT),
        pavel: (PaperReason.NOT_CONNECTED, PaperReason.NO_CONSENT),
    }
    family = await connect_family(db, school)  # Ольга bound and consenting, Павел bound only
    assert await paper(db, school) == {pavel: (PaperReason.NO_CONSENT,)}
    await consent(db, school, family.pavel, ConsentAnswer.GIVEN, DURING - dt.timedelta(days=1))
    assert await paper(db, school) == {}
    await consent(db, school, family.pavel, ConsentAnswer.WITHDRAWN, DURING)
    assert await paper(db, school) == {pavel: (PaperReason.WITHDRAWN,)}
    await consent(db, school, family.pavel, ConsentAnswer.REFUSED, DURING + dt.timedelta(hours=1))
    assert await paper(db, school) == {pavel: (PaperReason.REFUSED,)}

    # Ольга blocks the bot: the first notice gets a 403 and she joins the list
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, staff(school, "Кузнецова"), lesson.id or 0, {family.artem: AbsenceKind.ILL},
            DURING,
        )  # fmt: skip
    blocked = SendResult(Outcome.BLOCKED, error="403 Forbidden: bot was blocked by the user")
    await Worker(
        db, FakeChannel(script={OLGA: [blocked]}), config=FAST, clock=MovableClock(DURING)
    ).work_once()
    async with db.uow() as uow:
        [line, _] = await extracts.paper_guardians(
            uow, staff(school, "Кузнецова", Role.DEPUTY), school.classes["5А"], MONDAY
        )
    assert line.guardian == olga and line.reasons == (PaperReason.UNREACHABLE,)
    assert line.unreachable_since == DURING
    assert [c.name for c in line.children] == ["Алексеев Артём Викторович"]  # Ева is in 5Б

    # a second account of hers that still works takes her off the list
    await bind(db, school, PersonKind.GUARDIAN, family.olga, 777)
    assert olga not in await paper(db, school)


async def test_only_the_class_teacher_and_the_administration_see_the_list(
    db: Database, school: Seeded
) -> None:
    async with db.uow() as uow:
        for actor in (
            staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",)),
            staff(school, "Кузнецова"),
        ):
            with pytest.raises(AccessDenied):
                await extracts.paper_guardians(uow, actor, school.classes["5А"], MONDAY)
        with pytest.raises(NotFound):
            await extracts.paper_guardians(
                uow, staff(school, "Кузнецова", Role.DEPUTY), 99999, MONDAY
            )


async def test_the_extract_holds_what_was_recorded(db: Database, school: Seeded) -> None:
    family = await connect_family(db, school)
    teacher = staff(school, "Кузнецова")
    oral = await work_type(db, school, "Ответ на уроке")
    control = await work_type(db, school, "Контрольная работа")
    monday = await math_5a(db, school)
    async with db.uow() as uow:
        await journal.post_mark(uow, teacher, monday.id or 0, family.artem, oral, "5", DURING)
    async with db.uow() as uow:
        await journal.post_mark(uow, teacher, monday.id or 0, family.artem, control, "3", DURING)
    async with db.uow() as uow:  # Вера's mark is not Артём's
        await journal.post_mark(uow, teacher, monday.id or 0, family.vera, oral, "2", DURING)
    async with db.uow() as uow:
        await lesson_content.set_homework(uow, teacher, monday.id or 0, "№ 12, 14 на с. 30", DURING)
    tuesday_during = DURING + dt.timedelta(days=1)
    async with db.uow() as uow:
        tuesday = await journal.open_lesson(
            uow, teacher, LessonKey(school.groups["5А"], TUESDAY, 1)
        )
        await journal.save_attendance(
            uow, teacher, tuesday.id or 0, {family.artem: AbsenceKind.ILL}, tuesday_during
        )
    blocked = SendResult(Outcome.BLOCKED, error="403 Forbidden: bot was blocked by the user")
    clock = MovableClock(tuesday_during + dt.timedelta(minutes=5))
    await Worker(db, FakeChannel(script={OLGA: [blocked]}), config=FAST, clock=clock).work_once()

    async with db.uow() as uow:
        extract = await extracts.student_extract(
            uow, staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",)), family.artem,
            *SEPTEMBER,
        )  # fmt: skip
    assert (extract.school, extract.class_name, extract.student) == (
        "Школа № 3",
        "5А",
        "Алексеев Артём Викторович",
    )
    assert extract.class_teacher == "Иванова Мария Петровна"
    assert (extract.start, extract.end) == SEPTEMBER
    [maths] = extract.subjects
    assert maths.subject == "Математика"
    assert [(m.on_date, m.value, m.work_type) for m in maths.marks] == [
        (MONDAY, "5", "Ответ на уроке"),
        (MONDAY, "3", "Контрольная работа"),
    ]
    assert maths.average is not None and Decimal(3) < maths.average < Decimal(5)
    assert [(a.on_date, a.lesson_number, a.subject, a.kind) for a in extract.absences] == [
        (TUESDAY, 1, "Математика", AbsenceKind.ILL)
    ]
    assert [(h.given_on, h.due_on, h.subject, h.text) for h in extract.homework] == [
        (MONDAY, TUESDAY, "Математика", "№ 12, 14 на с. 30")
    ]
    assert extract.notices, "the notices meant for Ольга are listed"
    assert {n.guardian for n in extract.notices} == {"Алексеева Ольга Ивановна"}
    assert all(n.status is NoticeStatus.UNREACHABLE for n in extract.notices)
    kinds = {k for n in extract.notices for k in n.kinds}
    assert {"отметка", "пропуск", "домашнее задание"} <= kinds
    assert all(n.text for n in extract.notices)

    async with db.uow() as uow:  # a range before the marks: nothing of them
        empty = await extracts.student_extract(
            uow, staff(school, "Кузнецова", Role.DEPUTY), family.artem,
            dt.date(2026, 9, 1), dt.date(2026, 9, 6),
        )  # fmt: skip
    assert empty.subjects == () and empty.absences == () and empty.notices == ()


async def test_another_class_and_bad_ranges_are_refused(db: Database, school: Seeded) -> None:
    ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        with pytest.raises(AccessDenied, match="классный руководитель"):
            await extracts.student_extract(uow, ct, school.students["Алексеева"], *SEPTEMBER)
        with pytest.raises(NotFound):
            await extracts.student_extract(uow, ct, 99999, *SEPTEMBER)
        with pytest.raises(Refused, match="позже"):
            await extracts.student_extract(
                uow, ct, school.students["Алексеев"], dt.date(2026, 9, 30), dt.date(2026, 9, 1)
            )
        with pytest.raises(Refused, match="не больше чем за год"):
            await extracts.student_extract(
                uow, ct, school.students["Алексеев"], dt.date(2025, 9, 1), dt.date(2026, 9, 30)
            )


async def test_the_default_range_is_the_current_quarter_or_the_last_30_days(
    db: Database, school: Seeded
) -> None:
    ct = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    artem = school.students["Алексеев"]
    async with db.uow() as uow:
        in_term = await extracts.default_range(uow, ct, artem, dt.date(2026, 10, 5))
        in_holidays = await extracts.default_range(uow, ct, artem, dt.date(2026, 10, 30))
        in_june = await extracts.default_range(uow, ct, artem, dt.date(2027, 6, 15))
    assert in_term == (dt.date(2026, 9, 1), dt.date(2026, 10, 5))  # the 1st quarter, not the year
    # the autumn holidays are inside the year: the year period is the shortest holding the day
    assert in_holidays == (dt.date(2026, 9, 1), dt.date(2026, 10, 30))
    assert in_june == (dt.date(2027, 5, 17), dt.date(2027, 6, 15))  # after the year: 30 days
