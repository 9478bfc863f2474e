"""Importing a school year: everything or nothing, re-import without duplicates, movement kept."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from core.model.audit import AuditEntry
from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.people import Guardian, GuardianLink, MovementKind, Student, StudentMovement
from core.model.timetable import TimetableEntry
from core.services.school_year_import import ImportReport, import_school_year
from core.services.school_year_rows import SchoolYearRows
from storage.audit_log import verify_all
from storage.tables import metadata
from storage.uow import Database
from tests.support.tiny_school import replace_row, tiny_rows

SCHOOL = "Школа № 3"
AUGUST = dt.date(2026, 8, 20)


async def run_import(db: Database, rows: SchoolYearRows, today: dt.date = AUGUST) -> ImportReport:
    async with db.uow() as uow:
        return await import_school_year(
            uow, rows, school_name=SCHOOL, actor="cli:test", today=today, timezone="Asia/Omsk"
        )


async def table_counts(db: Database) -> dict[str, int]:
    async with db.session_factory() as session:
        return {
            t.name: (await session.execute(select(func.count()).select_from(t))).scalar_one()
            for t in metadata.sorted_tables
        }


async def test_first_import_builds_the_school(db: Database) -> None:
    report = await run_import(db, tiny_rows())
    assert report.ok, report.problems
    assert report.added["Student"] == 7
    assert report.added["SchoolClass"] == 2
    assert report.added["Guardian"] == 2  # the mother of two is one person
    assert report.added["GuardianLink"] == 3
    assert report.added["TimetableEntry"] == 6
    async with db.uow() as uow:
        groups = {g.name: g for g in await uow.repo(StudyGroup).find()}
        assert groups["5А"].kind is GroupKind.WHOLE_CLASS
        assert groups["5А англ. 1"].kind is GroupKind.SUBGROUP
        assert groups["ИУП Жуков, математика"].kind is GroupKind.INDIVIDUAL
        members = await uow.repo(GroupMembership).find(group_id=groups["5А"].id)
        assert len(members) == 4
        assert {m.starts_on for m in members} == {dt.date(2026, 9, 1)}
        zhukov = await uow.repo(Student).first(last_name="Жуков")
        assert zhukov is not None and zhukov.individual_plan
        mother = await uow.repo(Guardian).first(first_name="Ольга")
        assert mother is not None
        assert len(await uow.repo(GuardianLink).find(guardian_id=mother.id)) == 2
        loads = await uow.repo(TeachingLoad).find()
        assert len(loads) == 5  # four rows of Нагрузка and one of ИУП
        classes = {c.name: c for c in await uow.repo(SchoolClass).find()}
        assert classes["5Б"].class_teacher_id is not None  # found by «Смирнов О. И.»
    [chain] = await verify_all(db)
    assert chain.broken is None
    assert chain.entries == sum(report.added.values())


async def test_importing_the_same_workbook_again_changes_nothing(db: Database) -> None:
    await run_import(db, tiny_rows())
    before = await table_counts(db)
    report = await run_import(db, tiny_rows(), today=dt.date(2026, 10, 1))
    assert report.ok
    assert not report.any_change, (report.added, report.changed, report.removed)
    assert await table_counts(db) == before  # not even an audit entry


async def test_a_moved_student_keeps_the_history_of_the_old_class(db: Database) -> None:
    await run_import(db, tiny_rows())
    rows = tiny_rows()
    replace_row(rows.students, 2, class_name="5Б")  # Волков Глеб moves from 5А to 5Б
    del rows.groups[2]  # and so leaves the English subgroup of 5А
    moving_day = dt.date(2026, 11, 16)
    report = await run_import(db, rows, today=moving_day)
    assert report.ok, report.problems
    assert report.added["StudentMovement"] == 1
    assert report.changed["GroupMembership"] == 2  # 5А and «5А англ. 2» closed
    assert any("Волков Г. В.: перевод из 5А в 5Б с 16.11.2026" in m for m in report.movements)
    assert report.added["Student"] == 0 and report.changed["Student"] == 0
    async with db.uow() as uow:
        volkov = await uow.repo(Student).first(last_name="Волков")
        assert volkov is not None
        groups = {g.id: g.name for g in await uow.repo(StudyGroup).find()}
        history = sorted(
            (groups[m.group_id], m.starts_on, m.ends_on)
            for m in await uow.repo(GroupMembership).find(student_id=volkov.id)
            if groups[m.group_id] in ("5А", "5Б")
        )
        assert history == [
            ("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15)),
            ("5Б", moving_day, None),
        ]
        [movement] = await uow.repo(StudentMovement).find(student_id=volkov.id)
        assert movement.kind is MovementKind.TRANSFER and movement.on_date == moving_day
    again = await run_import(db, rows, today=dt.date(2026, 11, 20))
    assert not again.any_change


async def test_a_withdrawn_student_is_kept_and_leaves_every_group(db: Database) -> None:
    await run_import(db, tiny_rows())
    rows = tiny_rows()
    left = dt.date(2026, 12, 1)
    replace_row(rows.students, 0, withdrawn_on=left)  # Алексеев Артём, also in «5А англ. 1»
    report = await run_import(db, rows, today=dt.date(2026, 12, 2))
    assert report.ok, report.problems
    async with db.uow() as uow:
        artem = await uow.repo(Student).first(last_name="Алексеев")
        assert artem is not None and not artem.active
        ends = {m.ends_on for m in await uow.repo(GroupMembership).find(student_id=artem.id)}
        assert ends == {left}
        [movement] = await uow.repo(StudentMovement).find(student_id=artem.id)
        assert movement.kind is MovementKind.WITHDRAWAL and movement.on_date == left
    assert not (await run_import(db, rows, today=dt.date(2026, 12, 3))).any_change


async def test_a_new_teacher_and_a_changed_slot_are_updated_not_duplicated(db: Database) -> None:
    await run_import(db, tiny_rows())
    rows = tiny_rows()
    rows.staff.append(dataclasses.replace(rows.staff[0], last_name="Петрова", first_name="Нина"))
    replace_row(rows.timetable, 0, teacher="Петрова Нина Петровна", room="305")
    del rows.timetable[1]  # 5Б loses its Monday 2nd lesson
    report = await run_import(db, rows, today=dt.date(2026, 9, 10))
    assert report.ok, report.problems
    assert (report.added["StaffMember"], report.changed["TimetableEntry"]) == (1, 1)
    assert report.removed["TimetableEntry"] == 1
    async with db.uow() as uow:
        assert len(await uow.repo(TimetableEntry).find()) == 5


async def test_a_workbook_with_problems_changes_nothing(db: Database) -> None:
    await run_import(db, tiny_rows())
    before = await table_counts(db)
    rows = tiny_rows()
    replace_row(rows.students, 1, class_name="5В")
    report = await run_import(db, rows)
    assert not report.ok
    assert await table_counts(db) == before


async def test_audit_entries_name_the_console_user(db: Database) -> None:
    await run_import(db, tiny_rows())
    async with db.uow() as uow:
        entries = await uow.repo(AuditEntry).find()
    assert {e.actor for e in entries} == {"cli:test"}
    assert any(
        e.action == "student.create" and e.after and e.after["last_name"] == "Жуков"
        for e in entries
    )
