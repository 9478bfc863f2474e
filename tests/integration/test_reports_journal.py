"""Reports on the keeping of the journal over the tiny school's first quarter
(tests/support/reports.py): missed lessons with topics (REP-3), unsatisfactory marks with topics
(REP-4), journal keeping (REP-5), curriculum (REP-6) and the class teacher's summaries (CT-2)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.model.identity import Role
from core.model.journal import AbsenceKind
from core.services.errors import AccessDenied
from core.services.reports import texts as txt
from core.services.reports.catalog import make_report
from core.services.reports.scope import ReportScope, StudyPeriodRef
from documents.reports import Format, render
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


def D(text: str) -> Decimal:
    return Decimal(text)


async def test_missed_lessons_with_their_topics(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    reader = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        report = await make_report(
            uow, reader, "absences", ReportScope.of_class(school.classes["5А"]), q1, now=REPORT_AT
        )
    summary = table_of(report, txt.BY_STUDENT)
    students = rows_by(summary)
    assert list(students) == [
        "Алексеев А. В.",
        "Борисова В. В.",
        "Волков Г. В.",
        "Григорьева Д. В.",
    ]
    assert (students["Алексеев А. В."]["missed"], students["Алексеев А. В."]["excused"]) == (1, 1)
    borisova = students["Борисова В. В."]
    assert (borisova["missed"], borisova["absent"], borisova["late"]) == (1, 1, 1)  # «О» apart
    assert students["Волков Г. В."]["missed"] == 0
    assert (students["Григорьева Д. В."]["missed"], students["Григорьева Д. В."]["ill"]) == (2, 2)
    assert summary.totals == ("Итого", None, 4, 1, 2, 1, 1)
    details = table_of(report, txt.MISSED_TOPICS).rows
    assert [(r[0], r[3], r[4], r[5]) for r in details] == [
        ("Алексеев А. В.", "Математика", "Сложение", txt.ABSENCE_NAMES[AbsenceKind.EXCUSED]),
        ("Борисова В. В.", "Английский язык", txt.NO_TOPIC, txt.ABSENCE_NAMES[AbsenceKind.ABSENT]),
        ("Григорьева Д. В.", "Математика", "Натуральные числа", txt.ABSENCE_NAMES[AbsenceKind.ILL]),
        ("Григорьева Д. В.", "Английский язык", "Alphabet", txt.ABSENCE_NAMES[AbsenceKind.ILL]),
    ]


async def test_unsatisfactory_marks_with_their_topics(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        report = await make_report(uow, deputy, "failing", ReportScope.school(), q1, now=REPORT_AT)
    students = rows_by(table_of(report, txt.BY_STUDENT))
    assert list(students) == ["Борисова В. В.", "Волков Г. В."]
    volkov = students["Волков Г. В."]
    assert (volkov["failing"], volkov["n2"], volkov["na"]) == (3, 2, 1)
    assert volkov["subjects"] == "Английский язык (1), Математика (2)"
    details = [r for r in table_of(report, txt.FAILING_LIST).rows if r[0] == "Волков Г. В."]
    assert [(r[2], r[3], r[4], r[5]) for r in details] == [
        ("Английский язык", "Alphabet", "Ответ на уроке", "н/а"),
        ("Математика", "Сложение", "Ответ на уроке", "2"),
        ("Математика", "Входная контрольная", "Контрольная работа", "2"),
    ]


async def test_journal_keeping_per_teacher_and_group(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        report = await make_report(
            uow,
            deputy,
            "journal-keeping",
            ReportScope.of_class(school.classes["5А"]),
            q1,
            now=REPORT_AT,
        )
    table = table_of(report, txt.JOURNAL_KEEPING)
    keys = [c.key for c in table.columns]
    rows = {(r[0], r[1]): dict(zip(keys, r, strict=True)) for r in table.rows}
    maths = rows[("Кузнецова А. С.", "5А")]
    # Mondays and Tuesdays 01.09–24.10: 7 + 8 lessons; kept 07.09, 08.09, 14.09 (by Смирнов), 19.10
    assert (maths["planned"], maths["recorded"], maths["not_recorded"]) == (15, 4, 11)
    assert (maths["without_topic"], maths["without_attendance"], maths["without_homework"]) == (
        0,
        0,
        3,
    )
    assert (maths["substituted"], maths["marks"], maths["late_marks"]) == (1, 8, 0)
    assert maths["density"] == D("2.00")  # 8 marks / 4 students
    english = rows[("Иванова М. П.", "5А англ. 1")]
    assert (english["planned"], english["recorded"], english["without_topic"]) == (7, 1, 1)
    assert english["density"] == D("1.00")


async def test_curriculum_planned_against_given(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    async with db.uow() as uow:
        report = await make_report(
            uow,
            deputy,
            "curriculum",
            ReportScope.of_class(school.classes["5А"]),
            q1,
            now=REPORT_AT,
        )
    rows = rows_by(table_of(report, txt.CURRICULUM))
    maths = rows["5А"]
    assert (maths["subject"], maths["teacher"], maths["hours_per_week"]) == (
        "Математика",
        "Кузнецова А. С.",
        5,
    )
    # 39 school days (Tuesday 01.09 – Friday 23.10) / 5 = 7.8 weeks × 5 hours = 39
    assert maths["by_load"] == 39
    assert (maths["planned"], maths["planned_to_date"], maths["given"]) == (15, 15, 4)
    assert maths["fulfilment"] == D("26.7")
    assert (maths["ktp_hours"], maths["ktp_topics"]) == (3, 3)
    assert rows["5А англ. 2"]["given"] == 1


async def test_class_profile_for_a_parents_meeting(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    reader = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        report = await make_report(
            uow,
            reader,
            "class-profile",
            ReportScope.of_class(school.classes["5А"]),
            q1,
            now=REPORT_AT,
        )
    summary_table = table_of(report, txt.SUMMARY)
    summary = dict(zip([c.key for c in summary_table.columns], summary_table.rows[0], strict=True))
    assert (summary["class_teacher"], summary["students"], summary["marks"]) == (
        "Иванова М. П.",
        4,
        11,
    )
    assert (summary["current_mean"], summary["twos"]) == (D("3.40"), 3)  # 34 / 10 numeric marks
    assert (summary["missed"], summary["ill"], summary["unexcused"], summary["late"]) == (
        4,
        2,
        1,
        1,
    )
    assert (summary["success"], summary["quality"], summary["sou"], summary["mastery"]) == (
        D("75.0"),
        D("50.0"),
        D("60.4"),
        D("1.25"),
    )
    attention = rows_by(table_of(report, txt.ATTENTION))
    # Борисова: English 2.00 on average; Волков: mathematics 2.50 is no «2», but two failed finals
    assert attention["Борисова В. В."]["subjects"] == "Английский язык"
    assert (attention["Волков Г. В."]["subjects"], attention["Волков Г. В."]["below_3"]) == ("", 2)
    assert report.chart is not None and report.chart.value_max == 5


async def test_student_profile(db: Database, school: Seeded) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    reader = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    async with db.uow() as uow:
        report = await make_report(
            uow,
            reader,
            "student-profile",
            ReportScope.student(school.students["Волков"]),
            q1,
            now=REPORT_AT,
        )
    assert report.scope == "Волков Г. В., 5А"
    subjects = rows_by(table_of(report, txt.BY_SUBJECT))
    assert subjects["Математика"]["marks"] == "4 2 2"
    assert subjects["Математика"]["current_mean"] == D("2.50")  # (4 + 2 + 2·2) / 4
    assert subjects["Математика"]["final"] == "2"
    assert (subjects["Английский язык"]["current_mean"], subjects["Английский язык"]["final"]) == (
        None,
        "НА",
    )
    assert len(table_of(report, txt.FAILING_LIST).rows) == 3


async def test_the_raw_journal_of_a_class_goes_out_as_xlsx_and_csv(
    db: Database, school: Seeded
) -> None:
    q1 = StudyPeriodRef(await quarter_id(db, school, 1))
    reader = staff(school, "Иванова", Role.CLASS_TEACHER, classes=("5А",))
    whole = ReportScope.of_class(school.classes["5А"])
    async with db.uow() as uow:
        report = await make_report(uow, reader, "journal", whole, q1, now=REPORT_AT)
    lessons = table_of(report, txt.JOURNAL_LESSONS)
    marks = table_of(report, txt.JOURNAL_MARKS)
    absences = table_of(report, txt.JOURNAL_ABSENCES)
    assert lessons.rows and marks.rows and absences.rows
    assert {row[2] for row in lessons.rows} >= {"Математика", "Английский язык"}
    assert ("Борисова В. В.", txt.ABSENCE_NAMES[AbsenceKind.LATE]) in {
        (row[3], row[4]) for row in absences.rows
    }  # lateness is in the raw journal too
    # XLSX read back holds the same cells, CSV opens in Russian Excel (BOM, «;»)
    book = load_workbook(io.BytesIO(render(report, Format.XLSX)))
    sheet_values = {
        sheet.title: [row for row in sheet.iter_rows(values_only=True)] for sheet in book
    }
    mark_sheet = next(v for k, v in sheet_values.items() if k.startswith(txt.JOURNAL_MARKS))
    header = next(i for i, row in enumerate(mark_sheet) if row[0] == txt.DATE)
    read_back = [row[: len(marks.columns)] for row in mark_sheet[header + 1 :]][: len(marks.rows)]
    assert [(r[3], str(r[4])) for r in read_back] == [(r[3], str(r[4])) for r in marks.rows]
    data = render(report, Format.CSV, table=1)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(marks.rows) + 1
    # another class's teacher gets no export of 5А
    other = staff(school, "Смирнов", Role.CLASS_TEACHER, classes=("5Б",))
    async with db.uow() as uow:
        with pytest.raises(AccessDenied):
            await make_report(uow, other, "journal", whole, q1, now=REPORT_AT)
