"""The journal's use cases on a real database: who may keep a lesson, when, what is refused, and
that every change is audited and raises its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.events import EventKind, OutboxEvent
from core.model.audit import AuditEntry
from core.model.grading import WorkType
from core.model.identity import Role
from core.model.journal import Absence, AbsenceKind, Homework, Lesson, Mark, PeriodLock
from core.services import journal, lesson_content
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.journal import LessonKey
from storage.uow import Database, SqlUnitOfWork
from tests.support.actors import staff
from tests.support.seeded import Seeded, seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow, lesson 1


@pytest.fixture
async def school(db: Database) -> Seeded:
    return await seed_tiny_school(db)


async def math_5a(db: Database, school: Seeded) -> Lesson:
    async with db.uow() as uow:
        return await journal.open_lesson(
            uow, staff(school, "Кузнецова"), LessonKey(group_5a(school), MONDAY, 1)
        )


def group_5a(school: Seeded) -> int:
    return school.groups["5А"]


async def work_type(db: Database, school: Seeded, name: str) -> int:
    async with db.uow() as uow:
        found = await uow.repo(WorkType).first(school_id=school.school_id, name=name)
        assert found is not None and found.id is not None
        return found.id


async def events(db: Database, kind: EventKind) -> list[OutboxEvent]:
    async with db.uow() as uow:
        return [e for e in await uow.repo(OutboxEvent).find() if e.kind is kind]


async def test_the_teachers_lessons_of_a_day(db: Database, school: Seeded) -> None:
    async with db.uow() as uow:
        cards = await journal.teacher_lessons(uow, staff(school, "Кузнецова"), MONDAY)
    assert [(c.key.lesson_number, c.group, c.subject) for c in cards] == [
        (1, "5А", "Математика"),
        (2, "5Б", "Математика"),
    ]
    assert not any(c.attendance_taken or c.topic or c.homework for c in cards)


async def test_only_the_teacher_of_the_lesson_keeps_it(db: Database, school: Seeded) -> None:
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await journal.open_lesson(
                uow, staff(school, "Иванова"), LessonKey(group_5a(school), MONDAY, 1)
            )
    lesson = await math_5a(db, school)
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await journal.save_attendance(uow, staff(school, "Смирнов"), lesson.id or 0, {}, DURING)
        with pytest.raises(NotFound):
            await journal.lesson_view(uow, staff(school, "Кузнецова"), 99999)


async def test_attendance_on_the_day_only_and_for_the_group_only(
    db: Database, school: Seeded
) -> None:
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    volkov, zhukov = school.students["Волков"], school.students["Жуков"]
    async with db.uow() as uow:
        with pytest.raises(Refused, match="не числится"):  # Жуков is in 5Б
            await journal.save_attendance(
                uow, teacher, lesson.id or 0, {zhukov: AbsenceKind.ILL}, DURING
            )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="в день урока"):
            await journal.save_attendance(
                uow,
                teacher,
                lesson.id or 0,
                {volkov: AbsenceKind.ILL},
                DURING + dt.timedelta(days=1),
            )
    async with db.uow() as uow:
        saved = await journal.save_attendance(
            uow, teacher, lesson.id or 0, {volkov: AbsenceKind.ILL}, DURING
        )
        assert saved.attendance_taken_at == DURING
    async with db.uow() as uow:
        absences = await uow.repo(Absence).find(lesson_id=lesson.id)
    assert [(a.student_id, a.kind) for a in absences] == [(volkov, AbsenceKind.ILL)]
    assert len(await events(db, EventKind.ABSENCE_MARKED)) == 1
    future = LessonKey(group_5a(school), MONDAY + dt.timedelta(days=7), 1)
    async with db.uow() as uow:
        later = await journal.open_lesson(uow, teacher, future)
    async with db.uow() as uow:
        with pytest.raises(Refused):
            await journal.save_attendance(
                uow, teacher, later.id or 0, {volkov: AbsenceKind.ABSENT}, DURING
            )


async def test_marks_values_deadlines_and_the_missed_topic_note(
    db: Database, school: Seeded
) -> None:
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    oral = await work_type(db, school, "Ответ на уроке")
    control = await work_type(db, school, "Контрольная работа")
    artem, vera, volkov = (school.students[n] for n in ("Алексеев", "Борисова", "Волков"))
    async with db.uow() as uow:
        with pytest.raises(Refused, match="не отметка"):
            await journal.post_marks(
                uow, teacher, lesson.id or 0, oral, [(artem, "5"), (vera, "6")], DURING
            )
    async with db.uow() as uow:
        assert await uow.repo(Mark).find() == []  # all or nothing
        await journal.save_attendance(
            uow, teacher, lesson.id or 0, {volkov: AbsenceKind.ABSENT}, DURING
        )
    async with db.uow() as uow:
        marks = await journal.post_marks(
            uow, teacher, lesson.id or 0, oral, [(artem, " 5 "), (vera, "н/а")], DURING
        )
        assert [m.value for m in marks] == ["5", "н/а"]
    next_day = DURING + dt.timedelta(days=1)
    async with db.uow() as uow:
        with pytest.raises(Refused, match="Срок внесения"):
            await journal.post_mark(uow, teacher, lesson.id or 0, artem, oral, "4", next_day)
    async with db.uow() as uow:  # a control work's marks: three days
        await journal.post_mark(
            uow, teacher, lesson.id or 0, artem, control, "4", DURING + dt.timedelta(days=3)
        )
    async with db.uow() as uow:  # the absent student passes the topic later (LES-9)
        passed = await journal.post_mark(uow, teacher, lesson.id or 0, volkov, oral, "4", next_day)
        assert passed.note == "тема пройдена позже: на уроке Н"
    async with db.uow() as uow:  # the deputy corrects after the deadline; it is counted late
        deputy = staff(school, "Кузнецова", Role.DEPUTY)
        late = await journal.post_mark(uow, deputy, lesson.id or 0, vera, oral, "3", next_day)
        assert late.late
    assert len(await events(db, EventKind.MARK_POSTED)) == 5


async def test_changing_a_mark_needs_a_reason_and_fresh_data(db: Database, school: Seeded) -> None:
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    oral = await work_type(db, school, "Ответ на уроке")
    async with db.uow() as uow:
        mark = await journal.post_mark(
            uow, teacher, lesson.id or 0, school.students["Алексеев"], oral, "4", DURING
        )
    async with db.uow() as uow:
        with pytest.raises(Refused, match="причину"):
            await journal.change_mark(uow, teacher, mark.id or 0, "5", "  ", mark.version, DURING)
    async with db.uow() as uow:
        changed = await journal.change_mark(
            uow, teacher, mark.id or 0, "5", "ошибся кнопкой", 1, DURING
        )
        assert (changed.value, changed.version) == ("5", 2)
    async with db.uow() as uow:  # a second editor still looking at version 1 loses nothing silently
        with pytest.raises(Refused, match="уже изменил"):
            await journal.change_mark(uow, teacher, mark.id or 0, "3", "другая причина", 1, DURING)
    async with db.uow() as uow:
        deleted = await journal.delete_mark(uow, teacher, mark.id or 0, "не тот ученик", 2, DURING)
        assert deleted.deleted_at == DURING
    async with db.uow() as uow:
        with pytest.raises(Refused, match="удалена"):
            await journal.change_mark(uow, teacher, mark.id or 0, "5", "ещё раз", 3, DURING)
        entries = await uow.repo(AuditEntry).find(entity="mark", entity_id=mark.id)
    assert [e.action for e in entries] == ["mark.create", "mark.update", "mark.delete"]
    assert entries[1].before == {"value": "4", "reason": None, "version": 1}
    assert [e.kind for e in await events(db, EventKind.MARK_CHANGED)] == [EventKind.MARK_CHANGED]
    assert len(await events(db, EventKind.MARK_DELETED)) == 1


async def test_a_closed_period_refuses_every_change(db: Database, school: Seeded) -> None:
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    async with db.uow() as uow:
        period = await journal.period_of_lesson(uow, lesson)
        assert period is not None and period.number == 1
        await uow.repo(PeriodLock).add(
            PeriodLock(
                school_id=school.school_id,
                period_id=period.id or 0,
                group_id=lesson.group_id,
                subject_id=lesson.subject_id,
                closed_at=DURING,
                closed_by=teacher.person_id,
            )
        )
        await uow.commit()
    oral = await work_type(db, school, "Ответ на уроке")
    for attempt in (
        lambda uow: journal.save_attendance(uow, teacher, lesson.id or 0, {}, DURING),
        lambda uow: journal.post_mark(
            uow, teacher, lesson.id or 0, school.students["Алексеев"], oral, "5", DURING
        ),
        lambda uow: journal.post_mark_on_sheet(  # the bot's «5» button
            uow, teacher, lesson.id or 0, school.students["Алексеев"], oral, "5", DURING
        ),
        lambda uow: lesson_content.set_topic(uow, teacher, lesson.id or 0, DURING, text="Дроби"),
        lambda uow: lesson_content.set_homework(uow, teacher, lesson.id or 0, "№ 5", DURING),
    ):
        async with db.uow() as uow:
            with pytest.raises(Refused, match="Журнал закрыт"):
                await attempt(uow)
    async with db.uow() as uow:
        assert await uow.repo(Mark).find(lesson_id=lesson.id) == []  # nothing half-written


async def test_topic_from_the_plan_and_homework_for_the_next_lesson(
    db: Database, school: Seeded
) -> None:
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    async with db.uow() as uow:
        view = await journal.lesson_view(uow, teacher, lesson.id or 0)
        assert view.next_topic is not None and view.next_topic.title == "Натуральные числа"
        await lesson_content.set_topic(
            uow, teacher, lesson.id or 0, DURING, topic_id=view.next_topic.id
        )
    async with db.uow() as uow:
        tuesday = await journal.open_lesson(
            uow, teacher, LessonKey(group_5a(school), MONDAY + dt.timedelta(days=1), 1)
        )
        assert (await journal.next_topic(uow, tuesday)).title == "Сложение"  # type: ignore[union-attr]
    async with db.uow() as uow:
        with pytest.raises(Refused, match="Слишком длинный"):
            await lesson_content.set_homework(uow, teacher, lesson.id or 0, "х" * 5000, DURING)
    async with db.uow() as uow:
        assert await uow.repo(Homework).find() == []
        homework = await lesson_content.set_homework(
            uow, teacher, lesson.id or 0, "№ 12, 14 на с. 30", DURING, attachments=["photo:AgAD1"]
        )
        assert homework.due_on == MONDAY + dt.timedelta(days=1)  # 5А has mathematics on Tuesday
    evening = dt.datetime(2026, 9, 7, 17, 0, tzinfo=dt.UTC)  # 20:00 in Moscow, long after lessons
    async with db.uow() as uow:
        with pytest.raises(Refused, match=r"1\.5 ч"):
            await lesson_content.set_homework(uow, teacher, lesson.id or 0, "ещё", evening)


async def test_every_journal_use_case_is_audited(db: Database, school: Seeded) -> None:
    teacher = staff(school, "Кузнецова")
    lesson = await math_5a(db, school)
    lid = lesson.id or 0
    oral = await work_type(db, school, "Ответ на уроке")
    artem = school.students["Алексеев"]
    steps: list[tuple[str, Callable[[SqlUnitOfWork], Awaitable[object]]]] = [
        (
            "absence.create",
            lambda uow: journal.save_attendance(
                uow, teacher, lid, {artem: AbsenceKind.LATE}, DURING
            ),
        ),
        ("mark.create", lambda uow: journal.post_mark(uow, teacher, lid, artem, oral, "5", DURING)),
        ("mark.update", lambda uow: journal.change_mark(uow, teacher, 1, "4", "описка", 1, DURING)),
        ("mark.delete", lambda uow: journal.delete_mark(uow, teacher, 1, "описка", 2, DURING)),
        (
            "lesson.update",
            lambda uow: lesson_content.set_topic(uow, teacher, lid, DURING, text="Дроби"),
        ),
        (
            "homework.create",
            lambda uow: lesson_content.set_homework(uow, teacher, lid, "№ 1", DURING),
        ),
        (
            "teacher_message.create",
            lambda uow: lesson_content.message_guardians(
                uow, teacher, lid, "Завтра экскурсия", DURING
            ),
        ),
    ]
    for action, step in steps:
        async with db.uow() as uow:
            before = len(await uow.repo(AuditEntry).find(action=action))
            await step(uow)
        async with db.uow() as uow:
            assert len(await uow.repo(AuditEntry).find(action=action)) > before, action
    assert len(await events(db, EventKind.TEACHER_MESSAGE)) == 1
    assert len(await events(db, EventKind.HOMEWORK_SET)) == 1


async def test_two_corrections_at_once_keep_one_and_refuse_the_other(
    db: Database, school: Seeded
) -> None:
    import asyncio

    from core.services.errors import StaleEdit

    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    oral = await work_type(db, school, "Ответ на уроке")
    async with db.uow() as uow:
        mark = await journal.post_mark(
            uow, teacher, lesson.id or 0, school.students["Алексеев"], oral, "4", DURING
        )

    async def correct(value: str) -> str:
        try:
            async with db.uow() as uow:
                await journal.change_mark(
                    uow, teacher, mark.id or 0, value, "исправление", 1, DURING
                )
            return "stored"
        except StaleEdit:
            return "refused"

    outcomes = await asyncio.gather(correct("5"), correct("3"))
    assert sorted(outcomes) == ["refused", "stored"]
    async with db.uow() as uow:
        stored = await uow.repo(Mark).get(mark.id or 0)
        updates = await uow.repo(AuditEntry).find(entity="mark", action="mark.update")
    assert stored is not None and stored.version == 2
    assert [e.after["value"] for e in updates if e.after] == [stored.value]


async def test_attendance_last_save_wins_and_both_are_audited(db: Database, school: Seeded) -> None:
    lesson = await math_5a(db, school)
    teacher, deputy = staff(school, "Кузнецова"), staff(school, "Иванова", Role.DEPUTY)
    volkov, vera = school.students["Волков"], school.students["Борисова"]
    async with db.uow() as uow:
        await journal.save_attendance(
            uow, teacher, lesson.id or 0, {volkov: AbsenceKind.ILL}, DURING
        )
    async with db.uow() as uow:
        await journal.save_attendance(uow, deputy, lesson.id or 0, {vera: AbsenceKind.LATE}, DURING)
    async with db.uow() as uow:
        absences = {a.student_id: a.kind for a in await uow.repo(Absence).find()}
        audited = await uow.repo(AuditEntry).find(entity="absence")
    assert absences == {vera: AbsenceKind.LATE}
    assert [(e.actor, e.action) for e in audited] == [
        (teacher.audit_name, "absence.create"),
        (deputy.audit_name, "absence.delete"),
        (deputy.audit_name, "absence.create"),
    ]


async def test_a_mark_of_a_work_type_not_the_schools_is_refused(
    db: Database, school: Seeded
) -> None:
    """A forged button: a work type that does not exist or is another school's (the work type
    is read with the lesson, in one query)."""
    lesson = await math_5a(db, school)
    teacher = staff(school, "Кузнецова")
    other = await seed_tiny_school(db, "Школа № 5")
    foreign = await work_type(db, other, "Ответ на уроке")
    student = school.students["Алексеев"]
    for forged in (foreign, 10_000_000, 2**63):
        async with db.uow() as uow:
            with pytest.raises(Refused, match="Такого вида работы нет в школе"):
                await journal.post_mark_on_sheet(
                    uow, teacher, lesson.id or 0, student, forged, "5", DURING
                )
        async with db.uow() as uow:
            sheet = await journal.marks_sheet(uow, teacher, lesson.id or 0, forged)
        assert sheet.work_type == ""  # no other school's name on the screen
    async with db.uow() as uow:
        assert await uow.repo(Mark).find(lesson_id=lesson.id) == []  # nothing half-written
    assert await events(db, EventKind.MARK_POSTED) == []
    oral = await work_type(db, school, "Ответ на уроке")
    async with db.uow() as uow:
        mark, sheet = await journal.post_mark_on_sheet(
            uow, teacher, lesson.id or 0, student, oral, "5", DURING
        )
    assert sheet.work_type == "Ответ на уроке" and sheet.marks[student] == [mark]
