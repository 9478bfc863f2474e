"""The school-year archive (DATA-1): a ZIP readable without the program — the class's journal
with its lessons, attendance and marks, the finals, the audit log whose chain a stdlib script
checks, and SHA256SUMS that `sha256sum -c` accepts."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.model.grading import WorkType
from core.model.journal import AbsenceKind, FinalMark
from core.model.school import PeriodKind, StudyPeriod, Subject
from core.services import journal, lesson_content
from core.services.audit_log import audited_add
from core.services.journal import LessonKey
from documents.year_archive import ArchiveRefused, write_year_archive, year_start
from storage.uow import Database
from storage.year_archive import audit_reader
from tests.support.actors import staff
from tests.support.seeded import seed_tiny_school

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def test_the_archive_of_a_year_holds_the_journal_finals_and_a_verifiable_audit_log(
    db: Database, tmp_path: Path
) -> None:
    school = await seed_tiny_school(db)
    teacher = staff(school, "Кузнецова")
    artem, gleb = school.students["Алексеев"], school.students["Волков"]
    async with db.uow() as uow:
        lesson = await journal.open_lesson(uow, teacher, LessonKey(school.groups["5А"], MONDAY, 1))
        assert lesson.id is not None
        oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
        assert oral is not None and oral.id is not None
    async with db.uow() as uow:
        await journal.save_attendance(uow, teacher, lesson.id, {gleb: AbsenceKind.ILL}, DURING)
    async with db.uow() as uow:
        await lesson_content.set_topic(uow, teacher, lesson.id, DURING, text="Дроби")
    async with db.uow() as uow:
        await lesson_content.set_homework(uow, teacher, lesson.id, "№ 5 и № 7", DURING)
    async with db.uow() as uow:
        await journal.post_mark(uow, teacher, lesson.id, artem, oral.id, "5", DURING)
    async with db.uow() as uow:
        q1 = await uow.repo(StudyPeriod).first(
            school_id=school.school_id, kind=PeriodKind.QUARTER, number=1
        )
        math = await uow.repo(Subject).first(school_id=school.school_id, name="Математика")
        assert q1 is not None and q1.id and math is not None and math.id
        await audited_add(
            uow,
            teacher.audit_name,
            FinalMark(
                school_id=school.school_id,
                period_id=q1.id,
                group_id=school.groups["5А"],
                subject_id=math.id,
                student_id=artem,
                value="4",
                set_by=teacher.person_id,
                set_at=DURING,
            ),
        )
        await uow.commit()

    async with db.uow() as uow:
        result = await write_year_archive(uow, audit_reader(db), 2026, tmp_path / "out")

    assert result.classes == 2 and result.audit_entries > 0
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(tmp_path / "x")
    [root] = list((tmp_path / "x").iterdir())
    journal_5a = root / "Журналы" / "5А"
    lessons = _csv_rows((journal_5a / "уроки.csv").read_bytes())
    assert lessons[1][:4] == ["07.09.2026", "1", "5А", "Математика"]
    assert "Дроби" in lessons[1] and "№ 5 и № 7" in lessons[1]
    absences = _csv_rows((journal_5a / "посещаемость.csv").read_bytes())
    assert absences[1][4:] == ["Волков Глеб Викторович", "Б"]
    marks = _csv_rows((journal_5a / "отметки.csv").read_bytes())
    assert marks[1][4:7] == ["Алексеев Артём Викторович", "5", "Ответ на уроке"]
    finals = _csv_rows((root / "Итоговые отметки" / "итоговые отметки.csv").read_bytes())
    assert finals[1][:5] == ["5А", "Алексеев Артём Викторович", "Математика", "1-я четверть", "4"]

    from openpyxl import load_workbook

    sheet = load_workbook(root / "Итоговые отметки" / "5А.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == ["Обучающийся", "Математика"]
    assert [c.value for c in sheet[2]] == ["Алексеев Артём Викторович", "4"]

    from pypdf import PdfReader

    pdf = " ".join(
        page.extract_text() for page in PdfReader(root / "Итоговые отметки" / "5А.pdf").pages
    )
    assert "Сводная ведомость" in pdf and "Алексеев" in pdf
    assert not (root / "Итоговые отметки" / "5Б.pdf").exists()  # 5Б has no finals yet

    readme = (root / "README.txt").read_text(encoding="utf-8")
    assert "sha256sum -c SHA256SUMS" in readme and "2026/2027" in readme
    if shutil.which("sha256sum"):
        checked = await asyncio.to_thread(_run, ["sha256sum", "-c", "SHA256SUMS"], root)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    audit_dir = root / "Журнал аудита"
    verify = [sys.executable, str(audit_dir / "verify_audit.py"), str(audit_dir / "audit.jsonl")]
    ok = await asyncio.to_thread(_run, verify)
    assert ok.returncode == 0 and "Цепочка цела" in ok.stdout

    # an entry changed in the archive shows, and the checksums show it too
    log = audit_dir / "audit.jsonl"
    log.write_text(log.read_text(encoding="utf-8").replace('"5"', '"4"', 1), encoding="utf-8")
    tampered = await asyncio.to_thread(_run, verify)
    assert tampered.returncode == 1 and "изменено" in tampered.stdout
    if shutil.which("sha256sum"):
        checked = await asyncio.to_thread(_run, ["sha256sum", "-c", "--quiet", "SHA256SUMS"], root)
        assert checked.returncode == 1 and "audit.jsonl" in checked.stdout


async def test_an_unknown_year_or_school_is_named(db: Database, tmp_path: Path) -> None:
    await seed_tiny_school(db)
    async with db.uow() as uow:
        with pytest.raises(ArchiveRefused) as refused:
            await write_year_archive(uow, audit_reader(db), 2019, tmp_path / "out")
        assert refused.value.args[0] == "no_year"
    async with db.uow() as uow:
        with pytest.raises(ArchiveRefused) as refused:
            await write_year_archive(
                uow, audit_reader(db), 2026, tmp_path / "out", school_name="Нет"
            )
        assert refused.value.args[0] == "no_school"
    assert not await asyncio.to_thread((tmp_path / "out").exists)
    assert (year_start("2026/2027"), year_start("2026"), year_start("2026/2028")) == (
        2026,
        2026,
        None,
    )
