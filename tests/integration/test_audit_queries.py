"""The audit log as the coordinator and the deputies read it (SEC-3, DATA-3): by period, person
and class, page by page, in Russian; the chain checked on demand and daily, with an alert."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from core.model.grading import WorkType
from core.model.identity import PersonKind, Role
from core.model.people import StaffRole
from core.services import audit_queries, identity, journal
from core.services.errors import AccessDenied, NotFound
from core.services.identity import Redeemed
from core.services.journal import LessonKey
from storage.audit_queries import SqlAuditSource, check_audit_chains
from storage.uow import Database
from tests.support.actors import staff
from tests.support.clock import MovableClock
from tests.support.lookups import add_staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
LESSON_1 = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow: 5А
LESSON_2 = dt.datetime(2026, 9, 7, 7, 0, tzinfo=dt.UTC)  # 10:00: 5Б
DAY = (dt.datetime(2026, 9, 6, 21, 0, tzinfo=dt.UTC), dt.datetime(2026, 9, 7, 21, 0, tzinfo=dt.UTC))


@pytest.fixture
async def school(db: Database) -> Seeded:
    seeded = await seed_tiny_school(db)
    await add_staff(db, seeded, "Соколова", StaffRole.COORDINATOR)
    clock = MovableClock(LESSON_1)
    teacher = staff(seeded, "Кузнецова", Role.TEACHER)
    async with db.uow() as uow:
        work = await uow.repo(WorkType).first(school_id=seeded.school_id, name="Ответ на уроке")
        assert work is not None and work.id is not None
    for group, number, at, student, value in (
        ("5А", 1, LESSON_1, "Волков", "5"),
        ("5Б", 2, LESSON_2, "Жуков", "3"),
    ):
        clock.at = at
        async with db.uow(clock) as uow:
            lesson = await journal.open_lesson(
                uow, teacher, LessonKey(seeded.groups[group], MONDAY, number)
            )
        async with db.uow(clock) as uow:
            await journal.post_mark(
                uow, teacher, lesson.id or 0, seeded.students[student], work.id, value, at
            )
    return seeded


async def page(db: Database, school: Seeded, **filters: object) -> audit_queries.AuditPage:
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow() as uow:
        return await audit_queries.query_log(
            uow,
            SqlAuditSource(uow),
            coordinator,
            since=DAY[0],
            until=DAY[1],
            **filters,  # type: ignore[arg-type]
        )


async def test_by_class_person_and_dates_in_russian(db: Database, school: Seeded) -> None:
    everything = await page(db, school, page_size=50)
    assert [line.what for line in everything.lines] == [
        "отметка: добавлено",
        "урок: добавлено",
        "отметка: добавлено",
        "урок: добавлено",
    ]
    newest = everything.lines[0]
    assert newest.who == "Кузнецова А. С."
    assert newest.at_text == "07.09.2026 10:00"  # Moscow time
    assert newest.about == "Жуков З. В. (Математика, 5Б, 07.09.2026, 2-й урок)"
    assert newest.changes == ("отметка: — → 3",)
    assert not newest.flagged

    in_5a = await page(db, school, class_id=school.classes["5А"], page_size=50)
    assert [(x.what, x.about) for x in in_5a.lines] == [
        ("отметка: добавлено", "Волков Г. В. (Математика, 5А, 07.09.2026, 1-й урок)"),
        ("урок: добавлено", "Математика, 5А, 07.09.2026, 1-й урок"),
    ]
    by_her = await page(
        db, school, person=(PersonKind.STAFF, school.staff["Кузнецова"]), page_size=50
    )
    assert len(by_her.lines) == 4
    by_him = await page(db, school, person=(PersonKind.STAFF, school.staff["Смирнов"]))
    assert by_him.lines == ()
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow() as uow:
        earlier = await audit_queries.query_log(
            uow, SqlAuditSource(uow), coordinator, since=DAY[0], until=LESSON_2
        )
    assert [x.at_text for x in earlier.lines] == ["07.09.2026 09:00", "07.09.2026 09:00"]


async def test_pages_and_who_may_read(db: Database, school: Seeded) -> None:
    first = await page(db, school, page_size=3)
    second = await page(db, school, page_size=3, page=1)
    assert (len(first.lines), first.has_more) == (3, True)
    assert (len(second.lines), second.has_more) == (1, False)
    assert not {x.entry_id for x in first.lines} & {x.entry_id for x in second.lines}
    for who in (staff(school, "Смирнов"), staff(school, "Иванова", Role.CLASS_TEACHER)):
        async with db.uow() as uow:
            with pytest.raises(AccessDenied):
                await audit_queries.query_log(
                    uow, SqlAuditSource(uow), who, since=DAY[0], until=DAY[1]
                )
            with pytest.raises(AccessDenied):
                await audit_queries.chain_status(uow, SqlAuditSource(uow), who)
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        found = await audit_queries.find_people(uow, deputy, "кузн")
        assert [(p.name, p.what) for p in found] == [("Кузнецова Анна Сергеевна", "сотрудник")]
        named = await audit_queries.find_people(uow, deputy, "Алексеева")
        assert [(p.name, p.what) for p in named] == [
            ("Алексеева Ева Викторовна", "ученик"),
            ("Алексеева Ольга Ивановна", "родитель"),
        ]
        with pytest.raises(NotFound):  # another school's or no such class
            await audit_queries.query_log(
                uow, SqlAuditSource(uow), deputy, since=DAY[0], until=DAY[1], class_id=99999
            )


async def test_the_chain_checked_on_demand_and_daily_alerts_the_coordinator(
    db: Database, school: Seeded
) -> None:
    clock = MovableClock(LESSON_2)
    async with db.uow(clock) as uow:
        [code] = await identity.issue_staff_codes_unchecked(
            uow, school.school_id, "cli:test", now=clock.now(), staff_ids=[school.staff["Соколова"]]
        )
        assert isinstance(await identity.redeem_code(uow, 7001, code.code, clock.now()), Redeemed)
    coordinator = staff(school, "Соколова", Role.COORDINATOR)
    async with db.uow() as uow:
        status = await audit_queries.chain_status(uow, SqlAuditSource(uow), coordinator)
    assert status.intact and status.entries > 4
    assert "цела" in audit_queries.chain_text(status)
    assert await check_audit_chains(db, clock) == []

    async with db.engine.begin() as conn:  # someone with the database edits a mark's entry
        await conn.execute(
            text(
                'UPDATE audit_entries SET after = REPLACE(after, \'"value":"3"\', '
                "'\"value\":\"5\"') WHERE entity = 'mark'"
            )
        )
    [alert] = await check_audit_chains(db, clock)
    assert alert.school_id == school.school_id and alert.chat_ids == (7001,)
    assert alert.status.broken is not None and alert.status.broken.reason == "hash"
    assert "07.09.2026 10:00" in alert.text and "содержимое записи изменено" in alert.text


class RecordingBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str) -> None:
        self.sent.append((chat_id, text))


async def test_the_daily_job_sends_the_alert_to_the_bound_coordinator(
    db: Database, school: Seeded
) -> None:
    from app.scheduled_jobs import check_chains

    clock = MovableClock(LESSON_2)
    async with db.uow(clock) as uow:
        [code] = await identity.issue_staff_codes_unchecked(
            uow, school.school_id, "cli:test", now=clock.now(), staff_ids=[school.staff["Соколова"]]
        )
        assert isinstance(await identity.redeem_code(uow, 7001, code.code, clock.now()), Redeemed)
    bot = RecordingBot()
    assert await check_chains(db, bot, clock) == 0  # type: ignore[arg-type]
    assert bot.sent == []
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE audit_entries SET actor = 'someone' WHERE entity = 'mark'"))
    assert await check_chains(db, bot, clock) == 1  # type: ignore[arg-type]
    [(chat, message)] = bot.sent
    assert chat == 7001
    assert message.startswith("🚨 Ежедневная проверка журнала аудита")
