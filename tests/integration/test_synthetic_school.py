"""The synthetic school (`dnevnik demo-data --students N`): a small one kept up to early November
has a plausible journal that agrees with its own timetable, calendar and rules, raises no notices,
leaves the audit chain whole; the same seed gives the same school."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import app
from app.synthetic import SchoolExists, Summary, build_synthetic_school
from core.rules import grading
from documents.synthetic_school import synthetic_rows
from storage import tables as t
from storage.audit_log import verify_all
from storage.uow import Database

TODAY = dt.date(2026, 11, 5)  # the first quarter (to 23 October) is over, its finals set


async def _build(db: Database, name: str, students: int = 60, today: dt.date = TODAY) -> Summary:
    return await build_synthetic_school(db, students, 5, today=today, school_name=name)


async def _rows(db: Database, query: object) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(query)).all()]  # type: ignore[call-overload]


async def _checksum(db: Database, school_id: int) -> str:
    """The marks and absences by what they mean (student, day, lesson, subject), not by ids."""
    lesson, student, subject = t.lessons.c, t.students.c, t.subjects.c
    marks = await _rows(
        db,
        select(student.file_number, lesson.on_date, lesson.lesson_number, subject.name)
        .add_columns(t.marks.c.value, t.work_types.c.name)
        .join(t.lessons, t.lessons.c.id == t.marks.c.lesson_id)
        .join(t.students, t.students.c.id == t.marks.c.student_id)
        .join(t.subjects, t.subjects.c.id == lesson.subject_id)
        .join(t.work_types, t.work_types.c.id == t.marks.c.work_type_id)
        .where(t.marks.c.school_id == school_id)
        .order_by(student.file_number, lesson.on_date, lesson.lesson_number, subject.name),
    )
    absences = await _rows(
        db,
        select(student.file_number, lesson.on_date, lesson.lesson_number, t.absences.c.kind)
        .join(t.lessons, t.lessons.c.id == t.absences.c.lesson_id)
        .join(t.students, t.students.c.id == t.absences.c.student_id)
        .where(t.absences.c.school_id == school_id)
        .order_by(student.file_number, lesson.on_date, lesson.lesson_number),
    )
    return hashlib.sha256(repr((marks, absences)).encode()).hexdigest()


async def test_a_small_school_has_a_plausible_journal(db: Database) -> None:
    made = await _build(db, "Синтетическая")
    sid = made.school_id
    assert (made.students, made.classes) == (60, 2)
    assert made.lessons > 300 and made.marks > 2000 and made.homework > 200
    assert 0.03 <= made.absence_rate <= 0.12
    assert 0 < made.substitutions < made.lessons * 0.08

    lessons = await _rows(
        db,
        select(t.lessons.c.on_date, t.lessons.c.teacher_id, t.lessons.c.substitute_id)
        .add_columns(t.lessons.c.lesson_number, t.lessons.c.topic)
        .where(t.lessons.c.school_id == sid),
    )
    holidays = await _rows(db, select(t.holidays.c.starts_on, t.holidays.c.ends_on))
    for day, teacher, substitute, _number, topic in lessons:
        assert isinstance(day, dt.date) and day <= TODAY and day.isoweekday() <= 5
        assert not any(start <= day <= end for start, end in holidays)  # type: ignore[operator]
        assert substitute != teacher and topic
    # a substitute is never in two places at once
    busy = [(d, n, s) for d, _t, s, n, _x in lessons if s is not None]
    busy += [(d, n, tch) for d, tch, s, n, _x in lessons if s is None]
    assert len(busy) == len(set(busy))

    # nobody is marked in a lesson they missed, and a control work marks everyone else present
    missed = await _rows(
        db,
        select(func.count())
        .select_from(t.marks)
        .join(
            t.absences,
            (t.absences.c.lesson_id == t.marks.c.lesson_id)
            & (t.absences.c.student_id == t.marks.c.student_id),
        )
        .where(t.absences.c.kind != "late"),
    )
    assert missed == [(0,)]

    # finals of the first quarter are what the final sheet suggests from the weighted average
    marks = await _rows(
        db,
        select(t.marks.c.student_id, t.lessons.c.group_id, t.lessons.c.subject_id)
        .add_columns(t.marks.c.value, t.work_types.c.weight)
        .join(t.lessons, t.lessons.c.id == t.marks.c.lesson_id)
        .join(t.work_types, t.work_types.c.id == t.marks.c.work_type_id)
        .where(
            t.marks.c.school_id == sid,
            t.marks.c.deleted_at.is_(None),
            t.lessons.c.on_date <= dt.date(2026, 10, 23),
        ),
    )
    by_key: dict[tuple[object, ...], list[tuple[str, float]]] = defaultdict(list)
    for student, group, subject, value, weight in marks:
        by_key[student, group, subject].append((str(value), float(weight)))  # type: ignore[arg-type]
    finals = await _rows(
        db,
        select(t.final_marks.c.student_id, t.final_marks.c.group_id, t.final_marks.c.subject_id)
        .add_columns(t.final_marks.c.value, t.subjects.c.grading_scale)
        .join(t.study_periods, t.study_periods.c.id == t.final_marks.c.period_id)
        .join(t.subjects, t.subjects.c.id == t.final_marks.c.subject_id)
        .where(t.final_marks.c.school_id == sid, t.study_periods.c.number == 1),
    )
    checked = 0
    for student, group, subject, value, scale in finals:
        if scale != "five_point" or (student, group, subject) not in by_key:
            continue
        average = grading.weighted_average(by_key[student, group, subject], grading.FIVE_POINT)
        assert value == grading.suggest_final(average)
        assert isinstance(average, Decimal)
        checked += 1
    assert checked > 100
    locks = await _rows(db, select(func.count()).select_from(t.period_locks))
    assert locks != [(0,)]

    # bulk data raises no notices; one audit entry stands for it and the chain holds
    assert await _rows(db, select(func.count()).select_from(t.outbox_events)) == [(0,)]
    entries = await _rows(
        db, select(t.audit_entries.c.after).where(t.audit_entries.c.action == "synthetic_data")
    )
    assert len(entries) == 1
    after = entries[0][0]
    assert isinstance(after, dict)
    assert (after["marks"], after["lessons"], after["seed"]) == (made.marks, made.lessons, 5)
    [chain] = await verify_all(db, made.school)
    assert chain.broken is None


async def test_the_same_seed_gives_the_same_school(db: Database) -> None:
    first = await _build(db, "Первая", 40, dt.date(2026, 9, 30))
    second = await _build(db, "Вторая", 40, dt.date(2026, 9, 30))
    assert (first.lessons, first.marks, first.absences, first.final_marks) == (
        second.lessons,
        second.marks,
        second.absences,
        second.final_marks,
    )
    assert await _checksum(db, first.school_id) == await _checksum(db, second.school_id)
    assert synthetic_rows(60, 5, 2026) == synthetic_rows(60, 5, 2026)
    assert synthetic_rows(60, 6, 2026).students != synthetic_rows(60, 5, 2026).students
    with pytest.raises(SchoolExists):
        await _build(db, "Первая")


def test_the_command_builds_a_school_once_and_says_what_is_in_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    command = ["demo-data", "--students", "30", "--seed", "9"]
    result = CliRunner().invoke(app, command, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Синтетическая школа (30 уч., seed 9)" in result.output
    assert "учеников: 30, классов: 1" in result.output
    again = CliRunner().invoke(app, command, env={"COLUMNS": "200"})
    assert again.exit_code == 1 and "уже есть в базе" in again.output
    verified = CliRunner().invoke(app, ["audit", "verify"], env={"COLUMNS": "200"})
    assert verified.exit_code == 0 and "цела" in verified.output
