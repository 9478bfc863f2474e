"""Results reports over the tiny school's first quarter kept through the real use cases
(tests/support/reports.py): mastery and the usual figures (REP-1), control works (REP-2),
teachers (REP-7) and the final marks sheet (REP-8). Figures are computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.model.identity import Role
from core.services.errors import Refused
from core.services.reports import texts as txt
from core.services.reports.catalog import make_report
from core.services.reports.scope import DateRange, ReportScope, StudyPeriodRef
from storage.uow import Database
from tests.support import reports as kept
from tests.support.actors import staff
from tests.support.lookups import quarter_id
from tests.support.reports import (
    CONTROL_DAY,
    MON1,
    REPORT_AT,
    rows_by,
    table_of,
)
from tests.support.seeded import Seeded

# the tiny school's first quarter, kept once per module (see tests/support/reports.py)
kept_quarter = kept.kept_quarter
database_url = kept.database_url
school = kept.school


def D(text: str) -> Decimal:
    return Decimal(text)


async def test_mastery_of_the_school_by_class_with_totals(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        report = await make_report(uow, deputy, "mastery", ReportScope.school(), q1, now=REPORT_AT)
    assert (report.title, report.scope, report.period) == (
        txt.MASTERY,
        "Вся школа",
        "1-я четверть 2026/2027",
    )
    assert report.notes and "ОСВ" in " ".join(report.notes)
    by_class = rows_by(table_of(report, txt.BY_CLASS))
    a = by_class["5А"]
    # 5А: Алексеев 5 5 (отличник), Борисова 4 5 (хорошист), Волков 2 НА (неуспевающий),
    # Григорьева 3 ОСВ (с «3»): 7 counted finals, 5 not below «3»
    assert (a["students"], a["finals"], a["not_below_3"]) == (4, 7, 5)
    assert a["mastery"] == D("1.25")  # 5 / 4
    assert a["mastery_percent"] == D("71.4")  # 5 / 7
    assert (a["excellent"], a["good"], a["fair"], a["failing"], a["no_finals"]) == (1, 1, 1, 1, 0)
    assert (a["success"], a["quality"]) == (D("75.0"), D("50.0"))
    assert a["mean"] == D("4.00")  # (5 + 5 + 4 + 5 + 2 + 3) / 6
    assert a["sou"] == D("60.4")  # (3·100 + 64 + 36 + 16 + 7) / 7 = 423 / 7
    b = by_class["5Б"]
    # 5Б: Алексеева 4, Зайцева 3, Жуков — «отсрочка» only: out of N
    assert (b["students"], b["finals"], b["not_below_3"], b["no_finals"], b["n"]) == (3, 2, 2, 1, 2)
    assert (b["success"], b["quality"], b["mastery"]) == (D("100.0"), D("50.0"), D("0.67"))
    totals = dict(
        zip(
            [c.key for c in table_of(report, txt.BY_CLASS).columns],
            table_of(report, txt.BY_CLASS).totals or (),
            strict=True,
        )
    )
    assert (totals["students"], totals["finals"], totals["not_below_3"]) == (7, 9, 7)
    assert totals["success"] == D("83.3")  # 5 of 6 students with counted finals
    subjects = rows_by(table_of(report, txt.BY_SUBJECT))
    maths = subjects["Математика"]
    assert (maths["n"], maths["n5"], maths["n4"], maths["n3"], maths["n2"]) == (6, 1, 2, 2, 1)
    assert maths["deferred"] == 1
    english = subjects["Английский язык"]
    assert (english["n"], english["na"], english["exempt"]) == (3, 1, 1)
    assert (english["success"], english["sou"]) == (D("66.7"), D("69.0"))  # (200 + 7) / 3
    assert report.chart is not None and report.chart.categories == ("5А", "5Б")


async def test_mastery_of_a_class_lists_its_students(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    teacher = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        report = await make_report(
            uow, teacher, "mastery", ReportScope.of_class(school.classes["5А"]), q1, now=REPORT_AT
        )
    students = rows_by(table_of(report, txt.BY_STUDENT))
    assert list(students) == [
        "Алексеев А. В.",
        "Борисова В. В.",
        "Волков Г. В.",
        "Григорьева Д. В.",
    ]
    assert students["Волков Г. В."]["not_below_3"] == 0
    assert students["Волков Г. В."]["na"] == 1
    assert students["Григорьева Д. В."]["exempt"] == 1
    assert students["Григорьева Д. В."]["mastery_percent"] == D("100.0")
    maths = rows_by(table_of(report, txt.BY_SUBJECT))["Математика"]
    assert (maths["success"], maths["quality"], maths["mean"], maths["sou"]) == (
        D("75.0"),
        D("50.0"),
        D("3.50"),
        D("54.0"),
    )


async def test_finals_reports_need_a_study_period(db: Database, school: Seeded) -> None:
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        with pytest.raises(Refused, match="учебный период"):
            await make_report(
                uow, deputy, "mastery", ReportScope.school(), DateRange(MON1, CONTROL_DAY)
            )


async def test_control_work_against_current_marks(db: Database, school: Seeded) -> None:
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    async with db.uow() as uow:
        report = await make_report(
            uow, deputy, "control-works", ReportScope.grade(5), q1, now=REPORT_AT
        )
    [work] = table_of(report, txt.CONTROL_WORKS).rows
    row = dict(zip([c.key for c in table_of(report, txt.CONTROL_WORKS).columns], work, strict=True))
    assert (row["date"], row["group"], row["subject"], row["topic"]) == (
        CONTROL_DAY,
        "5А",
        "Математика",
        "Входная контрольная",
    )
    assert (row["students"], row["wrote"], row["n5"], row["n4"], row["n3"], row["n2"]) == (
        4,
        4,
        1,
        1,
        1,
        1,
    )
    assert (row["success"], row["quality"], row["mean"], row["sou"]) == (
        D("75.0"),
        D("50.0"),
        D("3.50"),
        D("54.0"),
    )
    # current marks without the work: Алексеев 5 → confirmed; Борисова 4 → lower (3);
    # Волков 4 and 2 → 3.00 → lower (2); Григорьева has none → not compared
    assert (row["confirmed"], row["higher"], row["lower"]) == (1, 0, 2)
    assert row["current"] == D("4.00")  # (5.00 + 4.00 + 3.00) / 3
    assert report.chart is not None and [s.values for s in report.chart.series] == [
        (1.0,),
        (1.0,),
        (1.0,),
        (1.0,),
    ]


async def test_teachers_results(db: Database, school: Seeded) -> None:
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    async with db.uow() as uow:
        report = await make_report(uow, deputy, "teachers", ReportScope.school(), q1, now=REPORT_AT)
    teachers = rows_by(table_of(report, txt.TEACHERS))
    assert list(teachers) == ["Иванова М. П.", "Кузнецова А. С.", "Смирнов О. И."]
    ivanova = teachers["Иванова М. П."]
    # англ. 1: current «3», «2»; finals 5, 5
    assert (ivanova["groups"], ivanova["students"], ivanova["marks"]) == (1, 2, 2)
    assert (ivanova["current_mean"], ivanova["twos"]) == (D("2.50"), D("50.0"))
    assert (ivanova["finals"], ivanova["quality"], ivanova["sou"]) == (2, D("100.0"), D("100.0"))
    kuznetsova = teachers["Кузнецова А. С."]
    # 5А, 5Б and Жуков's own mathematics; current marks 5 4 2 4 + control 5 3 2 4 + 5Б 5
    assert kuznetsova["groups"] == 3
    assert kuznetsova["marks"] == 9
    assert kuznetsova["finals"] == 6  # «отсрочка» is left out


async def test_final_sheet_of_a_class(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    teacher = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
    async with db.uow() as uow:
        report = await make_report(
            uow,
            teacher,
            "final-sheet",
            ReportScope.of_class(school.classes["5Б"]),
            q1,
            now=REPORT_AT,
        )
    assert [t.title for t in report.tables] == [
        "1-я четверть",
        "2-я четверть",
        "3-я четверть",
        "4-я четверть",
        "Учебный год",
    ]
    first = report.tables[0]
    assert [c.title for c in first.columns] == ["Обучающийся", "Мат", "Средний балл"]
    assert [row[:2] for row in first.rows] == [
        ("Алексеева Е. В.", "4"),
        ("Жуков З. В.", "отсрочка"),
        ("Зайцева И. В.", "3"),
    ]
    assert report.tables[1].rows[0][1] is None
