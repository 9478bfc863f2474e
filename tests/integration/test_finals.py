"""Period finals and locks on a real database: the sheet and its suggestion, who may set
finals, all or nothing, the period closing the journal, the deputy reopening it, stale edits."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from core.events import EventKind, OutboxEvent
from core.model.audit import AuditEntry
from core.model.grading import WorkType
from core.model.groups import GroupMembership
from core.model.identity import Role
from core.model.journal import AbsenceKind, FinalMark, Lesson, PeriodLock
from core.model.people import Student
from core.model.school import PeriodKind, StudyPeriod
from core.model.school import Subject as SubjectRow
from core.ports import LessonSetting, Repository
from core.services import finals, journal
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.journal import LessonKey
from core.services.reports.source import ReportSource
from storage.uow import Database, SqlUnitOfWork
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, 5А's mathematics
LAST_MONDAY = dt.date(2026, 10, 19)  # the last week of the first quarter (ends 24.10)
FINALS_TIME = dt.datetime(2026, 10, 19, 6, 0, tzinfo=dt.UTC)

T = TypeVar("T")


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


async def ids(db: Database, school: Seeded) -> tuple[int, int, int]:
    """5А's whole-class group, mathematics and the first quarter."""
    async with db.uow() as uow:
        math = await uow.repo(SubjectRow).first(school_id=school.school_id, name="Математика")
        q1 = await uow.repo(StudyPeriod).first(
            school_id=school.school_id, kind=PeriodKind.QUARTER, number=1
        )
        assert math is not None and math.id and q1 is not None and q1.id
        return school.groups["5А"], math.id, q1.id


async def work_type(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name=name)
        assert found is not None and found.id is not None
        return found.id


async def math_lesson(db: Database, school: Seeded, day: dt.date) -> Lesson:
    async with db.uow() as uow:
        return await journal.open_lesson(
            uow, staff(school, "Кузнецова"), LessonKey(school.groups["5А"], day, 1)
        )


async def events(db: Database) -> list[OutboxEvent]:
    async with db.uow() as uow:
        return [e for e in await uow.repo(OutboxEvent).find() if e.kind is EventKind.FINAL_MARK_SET]


async def stored_finals(db: Database) -> dict[int, str]:
    async with db.uow() as uow:
        return {f.student_id: f.value for f in await uow.repo(FinalMark).find()}


def everyone(school: Seeded, *values: str) -> dict[int, str]:
    names = ("Алексеев", "Борисова", "Волков", "Григорьева")
    return {school.students[n]: v for n, v in zip(names, values, strict=True)}


async def test_the_teachers_assignments(db: Database, school: Seeded) -> None:
    async with db.uow() as uow:
        mine = await finals.teaching_assignments(uow, staff(school, "Кузнецова"))
        english = await finals.teaching_assignments(uow, staff(school, "Иванова"))
    assert [(a.group, a.subject) for a in mine] == [
        ("5А", "Математика"),
        ("5Б", "Математика"),
        ("ИУП Жуков, математика", "Математика"),
    ]
    assert [(a.group, a.subject) for a in english] == [("5А англ. 1", "Английский язык")]


async def test_the_sheet_suggests_finals_from_the_weighted_average(
    db: Database, school: Seeded
) -> None:
    group, math, q1 = await ids(db, school)
    teacher = staff(school, "Кузнецова")
    lesson = await math_lesson(db, school, MONDAY)
    oral = await work_type(db, school, "Ответ на уроке")
    control = await work_type(db, school, "Контрольная работа")
    artem, vera, gleb = (school.students[n] for n in ("Алексеев", "Борисова", "Волков"))
    async with db.uow() as uow:
        await journal.post_marks(uow, teacher, lesson.id or 0, oral, [(artem, "5")], DURING)
    async with db.uow() as uow:
        await journal.post_marks(
            uow, teacher, lesson.id or 0, control, [(artem, "3"), (vera, "4")], DURING
        )
    async with db.uow() as uow:
        await journal.post_marks(uow, teacher, lesson.id or 0, oral, [(gleb, "н/а")], DURING)
    async with db.uow() as uow:
        sheet = await finals.final_sheet(uow, teacher, group, math, q1, DURING)
    rows = {r.name: r for r in sheet.rows}
    assert list(rows) == ["Алексеев А. В.", "Борисова В. В.", "Волков Г. В.", "Григорьева Д. В."]
    # (5·1 + 3·2) / (1 + 2) = 11/3 = 3.666… → 3.67 → «4»
    artem_row = rows["Алексеев А. В."]
    assert (artem_row.average, artem_row.suggested) == (Decimal("3.67"), "4")
    assert [(m.value, m.work_type, m.weight) for m in artem_row.marks] == [
        ("5", "Ответ на уроке", 1.0),
        ("3", "Контрольная работа", 2.0),
    ]
    assert (rows["Борисова В. В."].average, rows["Борисова В. В."].suggested) == (
        Decimal("4.00"),
        "4",
    )
    assert (rows["Волков Г. В."].average, rows["Волков Г. В."].suggested) == (None, None)
    assert rows["Григорьева Д. В."].marks == ()
    assert all(r.final is None and r.version == 0 for r in sheet.rows)
    assert (sheet.period, sheet.closed, sheet.opens_on) == (
        "1-я четверть",
        False,
        dt.date(2026, 10, 18),
    )
    assert not sheet.editable  # not yet the period's last week
    async with db.uow() as uow:
        with pytest.raises(Refused, match="последнюю неделю"):
            await finals.set_finals(uow, teacher, group, math, q1, {artem: "4"}, DURING)
        assert (await finals.final_sheet(uow, teacher, group, math, q1, FINALS_TIME)).editable


async def test_setting_every_final_closes_the_journal_until_the_deputy_reopens_it(
    db: Database, school: Seeded
) -> None:
    group, math, q1 = await ids(db, school)
    teacher = staff(school, "Кузнецова")
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    oral = await work_type(db, school, "Ответ на уроке")
    lesson = await math_lesson(db, school, LAST_MONDAY)
    artem = school.students["Алексеев"]
    first_two = dict(list(everyone(school, "4", "4", "НА", "5").items())[:2])
    async with db.uow() as uow:
        result = await finals.set_finals(uow, teacher, group, math, q1, first_two, FINALS_TIME)
        assert result.lock is None and len(result.changed) == 2
    rest = dict(list(everyone(school, "4", "4", " на ", "5").items())[2:])
    async with db.uow() as uow:
        result = await finals.set_finals(uow, teacher, group, math, q1, rest, FINALS_TIME)
        assert result.lock is not None and result.lock.closed_by == teacher.person_id
    assert await stored_finals(db) == everyone(school, "4", "4", "НА", "5")
    assert len(await events(db)) == 4
    async with db.uow() as uow:
        sheet = await finals.final_sheet(uow, teacher, group, math, q1, FINALS_TIME)
        assert sheet.closed and not sheet.editable and sheet.lock_id == result.lock.id
    for attempt in (
        lambda uow: journal.post_mark(uow, teacher, lesson.id or 0, artem, oral, "5", FINALS_TIME),
        lambda uow: journal.save_attendance(
            uow, teacher, lesson.id or 0, {artem: AbsenceKind.LATE}, FINALS_TIME
        ),
        lambda uow: finals.set_finals(
            uow, teacher, group, math, q1, {artem: "5"}, FINALS_TIME, {artem: 1}
        ),
    ):
        async with db.uow() as uow:
            with pytest.raises(Refused, match="Журнал закрыт"):
                await attempt(uow)
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):  # a teacher cannot reopen, nor list the locks
            await finals.reopen_period(uow, teacher, sheet.lock_id or 0, "хочу", FINALS_TIME)
        with pytest.raises(AccessDenied):
            await finals.open_locks(uow, teacher)
        with pytest.raises(Refused, match="причину"):
            await finals.reopen_period(uow, deputy, sheet.lock_id or 0, "  ", FINALS_TIME)
        with pytest.raises(Refused, match="Слишком длинная"):
            await finals.reopen_period(uow, deputy, sheet.lock_id or 0, "х" * 501, FINALS_TIME)
        with pytest.raises(NotFound):
            await finals.reopen_period(uow, deputy, 9999, "ошибка", FINALS_TIME)
        [card] = await finals.open_locks(uow, deputy)
        assert (card.group, card.subject, card.period) == ("5А", "Математика", "1-я четверть")
        reopened = await finals.reopen_period(
            uow, deputy, card.lock_id, "Ошибка в отметке Алексеева", FINALS_TIME
        )
        assert reopened.reopened_by == deputy.person_id and not reopened.closed
    async with db.uow() as uow:
        assert await finals.open_locks(uow, deputy) == []
        with pytest.raises(Refused, match="уже открыт"):
            await finals.reopen_period(uow, deputy, card.lock_id, "ещё раз", FINALS_TIME)
    async with db.uow() as uow:  # editing works again
        await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral, "5", FINALS_TIME)
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, teacher, lesson.id or 0, {artem: AbsenceKind.LATE}, FINALS_TIME
        )
    async with db.uow() as uow:
        actions = [e.action for e in await uow.repo(AuditEntry).find()]
    assert actions.count("final_mark.create") == 4
    assert actions.count("period_lock.create") == 1
    assert actions.count("period_lock.reopen") == 1


async def test_a_deferral_does_not_hold_the_period_open(db: Database, school: Seeded) -> None:
    group, math, q1 = await ids(db, school)
    teacher = staff(school, "Кузнецова")
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    dasha = school.students["Григорьева"]
    async with db.uow() as uow:
        closed = await finals.set_finals(
            uow, teacher, group, math, q1, everyone(school, "5", "4", "3", "Отсрочка"), FINALS_TIME
        )
        assert closed.lock is not None and closed.lock.id is not None
    assert (await stored_finals(db))[dasha] == "отсрочка"
    after_holidays = FINALS_TIME + dt.timedelta(days=20)
    async with db.uow() as uow:
        await finals.reopen_period(
            uow, deputy, closed.lock.id, "Григорьева аттестована после болезни", after_holidays
        )
    async with db.uow() as uow:  # setting the deferred final closes the period again
        again = await finals.set_finals(
            uow, teacher, group, math, q1, {dasha: "4"}, after_holidays, {dasha: 1}
        )
        assert again.lock is not None and again.lock.id != closed.lock.id
        [changed] = again.changed
        assert (changed.value, changed.version) == ("4", 2)
    async with db.uow() as uow:
        locks = await uow.repo(PeriodLock).find()
        entries = await uow.repo(AuditEntry).find(entity="final_mark", entity_id=changed.id)
    assert [x.closed for x in locks] == [False, True]
    assert [e.action for e in entries] == ["final_mark.create", "final_mark.update"]
    assert entries[1].before is not None and entries[1].before["value"] == "отсрочка"
    assert (await events(db))[-1].payload["before"] == "отсрочка"


async def test_an_invalid_final_refuses_them_all(db: Database, school: Seeded) -> None:
    group, math, q1 = await ids(db, school)
    teacher = staff(school, "Кузнецова")
    async with db.uow() as uow:
        with pytest.raises(Refused, match=r"Борисова В\. В\.: «6» — не итоговая отметка"):
            await finals.set_finals(
                uow, teacher, group, math, q1, everyone(school, "5", "6", "4", "4"), FINALS_TIME
            )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="не числится"):  # Жуков is in 5Б
            await finals.set_finals(
                uow, teacher, group, math, q1, {school.students["Жуков"]: "5"}, FINALS_TIME
            )
        with pytest.raises(Refused, match="Не выбрано"):
            await finals.set_finals(uow, teacher, group, math, q1, {}, FINALS_TIME)
    assert await stored_finals(db) == {}
    assert await events(db) == []
    async with db.uow() as uow:
        assert await uow.repo(PeriodLock).find() == []
        result = await finals.set_finals(
            uow, teacher, group, math, q1, {school.students["Волков"]: " осв "}, FINALS_TIME
        )
        assert [f.value for f in result.changed] == ["ОСВ"]


async def test_who_may_read_and_set_the_finals(db: Database, school: Seeded) -> None:
    group, math, q1 = await ids(db, school)
    artem = school.students["Алексеев"]
    english_teacher = staff(school, "Иванова")
    class_teacher = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    other_class_teacher = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        for outsider in (english_teacher, other_class_teacher):
            with pytest.raises(AccessDenied):
                await finals.final_sheet(uow, outsider, group, math, q1, FINALS_TIME)
            with pytest.raises(AccessDenied):
                await finals.set_finals(uow, outsider, group, math, q1, {artem: "5"}, FINALS_TIME)
        sheet = await finals.final_sheet(uow, class_teacher, group, math, q1, FINALS_TIME)
        assert len(sheet.rows) == 4 and not sheet.editable  # the class teacher only reads
        with pytest.raises(AccessDenied):
            await finals.set_finals(uow, class_teacher, group, math, q1, {artem: "5"}, FINALS_TIME)
        with pytest.raises(NotFound):
            await finals.final_sheet(uow, deputy, group, math, 9999, FINALS_TIME)
        year = await uow.repo(StudyPeriod).first(school_id=school.school_id, kind=PeriodKind.YEAR)
        assert year is not None and year.id is not None
    async with db.uow() as uow:  # the deputy may set finals before the last week
        await finals.set_finals(uow, deputy, group, math, year.id, {artem: "4"}, DURING)
    async with db.uow() as uow:
        [entry] = await uow.repo(AuditEntry).find(action="final_mark.create")
        assert entry.actor == deputy.audit_name


async def test_a_stale_final_edit_is_refused(db: Database, school: Seeded) -> None:
    group, math, q1 = await ids(db, school)
    teacher = staff(school, "Кузнецова")
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    artem, vera = school.students["Алексеев"], school.students["Борисова"]
    async with db.uow() as uow:
        shown = await finals.final_sheet(uow, teacher, group, math, q1, FINALS_TIME)
    seen = {row.student_id: row.version for row in shown.rows}
    async with db.uow() as uow:  # meanwhile the deputy sets Artyom's final
        await finals.set_finals(uow, deputy, group, math, q1, {artem: "5"}, FINALS_TIME, seen)
    async with db.uow() as uow:  # the teacher's screen is stale: nothing of it is stored
        with pytest.raises(Refused, match=r"Алексеев А\. В\.: итоговую отметку уже изменил"):
            await finals.set_finals(
                uow, teacher, group, math, q1, {vera: "4", artem: "4"}, FINALS_TIME, seen
            )
    assert await stored_finals(db) == {artem: "5"}
    async with db.uow() as uow:
        fresh = await finals.final_sheet(uow, teacher, group, math, q1, FINALS_TIME)
    seen = {row.student_id: row.version for row in fresh.rows}
    assert seen[artem] == 1
    async with db.uow() as uow:
        result = await finals.set_finals(
            uow, teacher, group, math, q1, {vera: "4", artem: "4"}, FINALS_TIME, seen
        )
        assert sorted((f.value, f.version) for f in result.changed) == [("4", 1), ("4", 2)]
    async with db.uow() as uow:  # the old version once more: refused
        with pytest.raises(Refused, match="уже изменил"):
            await finals.set_finals(uow, deputy, group, math, q1, {artem: "3"}, FINALS_TIME, seen)


class Meeting:
    """Two writers meet before committing: each waits (up to a second) for the other to get
    there too, so that both have read before either writes — the tightest race two editors make.
    On SQLite the second cannot even read before the first commits, and the wait runs out."""

    def __init__(self) -> None:
        self.arrived = 0
        self.both = asyncio.Event()

    async def meet(self) -> None:
        self.arrived += 1
        if self.arrived == 2:
            self.both.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.both.wait(), 1)


class CommitAfterMeeting:
    """A unit of work whose commit waits for the meeting first."""

    def __init__(self, uow: SqlUnitOfWork, meeting: Meeting) -> None:
        self.uow = uow
        self.meeting = meeting

    def repo(self, kind: type[T]) -> Repository[T]:
        return self.uow.repo(kind)

    @property
    def reports(self) -> ReportSource:
        return self.uow.reports

    async def lesson_setting(
        self, lesson_id: int, work_type_id: int | None = None
    ) -> LessonSetting | None:
        return await self.uow.lesson_setting(lesson_id, work_type_id)

    async def group_members(self, group_id: int) -> Sequence[tuple[GroupMembership, Student]]:
        return await self.uow.group_members(group_id)

    async def periods_with_locks(
        self, lesson: Lesson
    ) -> Sequence[tuple[StudyPeriod, PeriodLock | None]]:
        return await self.uow.periods_with_locks(lesson)

    def record_audit(self, **entry: Any) -> None:
        self.uow.record_audit(**entry)

    async def flush(self) -> None:
        await self.uow.flush()

    async def rollback(self) -> None:
        await self.uow.rollback()

    async def commit(self) -> None:
        await self.meeting.meet()
        await self.uow.commit()


async def race(db: Database, school: Seeded, values: tuple[str, str], seen: int) -> list[str]:
    """The teacher and the deputy set Artyom's final at the same moment, both having seen the
    same version of it."""
    group, math, q1 = await ids(db, school)
    artem = school.students["Алексеев"]
    meeting = Meeting()

    async def set_final(roles: tuple[Role, ...], value: str) -> str:
        try:
            async with db.uow() as uow:
                await finals.set_finals(
                    CommitAfterMeeting(uow, meeting),
                    staff(school, "Кузнецова", *roles),
                    group,
                    math,
                    q1,
                    {artem: value},
                    FINALS_TIME,
                    {artem: seen},
                )
        except Refused:
            return "refused"
        except Exception:  # the database itself stopped it (PostgreSQL's unique key)
            return "failed"
        return "stored"

    return list(
        await asyncio.gather(set_final((), values[0]), set_final((Role.DEPUTY,), values[1]))
    )


async def test_two_first_finals_at_once_keep_one_and_stop_the_other(
    db: Database, school: Seeded
) -> None:
    outcomes = await race(db, school, ("5", "3"), seen=0)
    assert outcomes.count("stored") == 1, outcomes
    winner = "5" if outcomes[0] == "stored" else "3"
    assert await stored_finals(db) == {school.students["Алексеев"]: winner}
    assert [e.payload["value"] for e in await events(db)] == [winner]


async def test_two_changes_of_a_final_at_once_keep_one_and_refuse_the_other(
    db: Database, school: Seeded
) -> None:
    # Both transactions read version 1 before either writes; on PostgreSQL (READ COMMITTED) the
    # second UPDATE … WHERE version = 1 finds no row and is refused (storage's version_id_col).
    group, math, q1 = await ids(db, school)
    artem = school.students["Алексеев"]
    async with db.uow() as uow:
        await finals.set_finals(
            uow, staff(school, "Кузнецова"), group, math, q1, {artem: "4"}, FINALS_TIME
        )
    outcomes = await race(db, school, ("5", "3"), seen=1)
    assert outcomes.count("stored") == 1, outcomes
    winner = "5" if outcomes[0] == "stored" else "3"
    assert await stored_finals(db) == {artem: winner}
