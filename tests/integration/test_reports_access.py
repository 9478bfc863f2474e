"""Who gets which report (SEC-2): a class teacher only their class and its students, a teacher
only their own groups, the administration anything in its school; a report asked for a scope it
is not made for, or by an unknown name, is refused with a reason."""

from __future__ import annotations

import pytest

from core.model.identity import Actor, PersonKind, Role
from core.services.errors import AccessDenied, NotFound, Refused
from core.services.reports import texts as txt
from core.services.reports.catalog import KINDS, make_report, reports_for
from core.services.reports.scope import ReportScope, StudyPeriodRef
from storage.uow import Database
from tests.support import reports as kept
from tests.support.actors import staff
from tests.support.lookups import quarter_id
from tests.support.reports import (
    REPORT_AT,
    rows_by,
    table_of,
)
from tests.support.seeded import Seeded

# the tiny school's first quarter, kept once per module (see tests/support/reports.py)
kept_quarter = kept.kept_quarter
database_url = kept.database_url
school = kept.school


async def test_a_class_teacher_gets_only_their_class(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    ivanova = staff(school, "Иванова", Role.TEACHER, Role.CLASS_TEACHER, classes=("5А",))
    refused = [
        ("mastery", ReportScope.of_class(school.classes["5Б"])),
        ("absences", ReportScope.of_class(school.classes["5Б"])),
        ("final-sheet", ReportScope.of_class(school.classes["5Б"])),
        ("class-profile", ReportScope.of_class(school.classes["5Б"])),
        ("student-profile", ReportScope.student(school.students["Жуков"])),
        ("failing", ReportScope.student(school.students["Зайцева"])),
        ("mastery", ReportScope.grade(5)),
        ("teachers", ReportScope.school()),
        ("journal-keeping", ReportScope.teacher(school.staff["Смирнов"])),
    ]
    for name, scope in refused:
        async with db.uow() as uow:
            with pytest.raises(AccessDenied):
                await make_report(uow, ivanova, name, scope, q1, now=REPORT_AT)
    async with db.uow() as uow:
        mine = await make_report(
            uow,
            ivanova,
            "student-profile",
            ReportScope.student(school.students["Алексеев"]),
            q1,
            now=REPORT_AT,
        )
    assert mine.scope == "Алексеев А. В., 5А"


async def test_a_teacher_gets_only_their_own_groups(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    smirnov = staff(school, "Смирнов", Role.TEACHER)  # no class teacher here
    for name, scope in (
        ("mastery", ReportScope.of_class(school.classes["5А"])),
        ("absences", ReportScope.teacher(school.staff["Иванова"])),
        ("control-works", ReportScope.teacher(school.staff["Кузнецова"])),
        ("student-profile", ReportScope.student(school.students["Волков"])),
        ("curriculum", ReportScope.school()),
    ):
        async with db.uow() as uow:
            with pytest.raises(AccessDenied):
                await make_report(uow, smirnov, name, scope, q1, now=REPORT_AT)
    own = ReportScope.teacher(school.staff["Смирнов"])
    async with db.uow() as uow:
        absences = await make_report(uow, smirnov, "absences", own, q1, now=REPORT_AT)
        results = await make_report(uow, smirnov, "mastery", own, q1, now=REPORT_AT)
    # his group «5А англ. 2» only: Григорьева missed his lesson, not (here) Кузнецова's
    students = rows_by(table_of(absences, txt.BY_STUDENT))
    assert list(students) == ["Волков Г. В.", "Григорьева Д. В."]
    assert students["Григорьева Д. В."]["missed"] == 1
    assert [row[:2] for row in table_of(results, txt.BY_GROUP).rows] == [
        ("5А англ. 2", "Английский язык")
    ]


async def test_guardians_never_get_reports(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    guardian = Actor(
        telegram_user_id=1,
        school_id=school.school_id,
        kind=PersonKind.GUARDIAN,
        person_id=school.guardians["Алексеева Ольга"],
        name="Алексеева",
        role=Role.GUARDIAN,
        roles=frozenset({Role.GUARDIAN}),
        student_id=school.students["Алексеев"],
    )
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await make_report(
                uow,
                guardian,
                "student-profile",
                ReportScope.student(school.students["Алексеев"]),
                q1,
                now=REPORT_AT,
            )


async def test_the_administration_gets_every_report_of_its_school(
    db: Database, school: Seeded
) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    scopes = {
        "school": ReportScope.school(),
        "grade": ReportScope.grade(5),
        "class": ReportScope.of_class(school.classes["5Б"]),
        "teacher": ReportScope.teacher(school.staff["Иванова"]),
        "student": ReportScope.student(school.students["Жуков"]),
    }
    made = 0
    for kind in KINDS.values():
        for scope_kind in kind.scopes:
            async with db.uow() as uow:
                report = await make_report(
                    uow, deputy, kind.name, scopes[scope_kind.value], q1, now=REPORT_AT
                )
            assert report.name == kind.name and report.title == kind.title and report.tables
            made += 1
    # 8 reports × 4 scopes, absences and failing per student too, 2 profiles, the raw journal of
    # a class and of a teacher's groups
    assert made == 38
    async with db.uow() as uow:
        with pytest.raises(NotFound):  # no such class in this school
            await make_report(uow, deputy, "mastery", ReportScope.of_class(9999), q1)
        with pytest.raises(Refused, match="Нет такого отчёта"):
            await make_report(uow, deputy, "grades", ReportScope.school(), q1)
        with pytest.raises(Refused, match="по классу"):
            await make_report(uow, deputy, "class-profile", ReportScope.school(), q1)


def test_menus_offer_each_role_its_reports(school: Seeded) -> None:
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    class_teacher = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    teacher = staff(school, "Смирнов", Role.TEACHER)
    assert len(reports_for(deputy)) == len(KINDS) == 11
    assert [k.name for k in reports_for(class_teacher)] == list(KINDS)
    assert "class-profile" not in [k.name for k in reports_for(teacher)]
    assert "student-profile" not in [k.name for k in reports_for(teacher)]
    assert len(reports_for(teacher)) == 9  # the raw journal of their groups too
