"""The archive of a school year (DATA-1): one ZIP file to keep on external media, readable
without this program — per class its journal (lessons, topics, homework, attendance, marks) as
CSV, its finals (XLSX, and one CSV for the whole school), the year's audit log as JSON
Lines with every entry's hash, a stdlib-only script that checks that chain, a README.txt in
Russian, and SHA256SUMS for `sha256sum -c`.

Lessons belong to the class of their group; groups that cross classes (streams, clubs,
electives) get a folder of their own. A student's finals are filed under their class.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import logging
import os
import re
import zipfile
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from core.model.audit import AuditEntry
from core.model.grading import WorkType
from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind, Role
from core.model.journal import Absence, FinalMark, Homework, Lesson, Mark
from core.model.people import StaffMember, Student
from core.model.reports import Report
from core.model.school import AcademicYear, PeriodKind, School, StudyPeriod, Subject
from core.ports import Clock, SystemClock, UnitOfWork
from core.rules.audit_chain import canonical_json
from core.services.finals import period_name
from documents import year_archive_texts as txt

log = logging.getLogger("dnevnik.archive")

AuditReader = Callable[[int, dt.datetime, dt.datetime], AsyncIterator[AuditEntry]]
Row = Sequence[object]

VERIFY_SCRIPT = '''\
"""Checks the hash chain of a dnevnik-bot audit log (audit.jsonl); needs only Python 3."""
import hashlib
import json
import sys

FIELDS = ("school_id", "seq", "at", "actor", "action", "entity", "entity_id", "before",
          "after", "prev_hash")


def main(path):
    prev = None
    count = 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            entry = json.loads(line)
            payload = json.dumps({k: entry[k] for k in FIELDS}, ensure_ascii=False,
                                 sort_keys=True, separators=(",", ":"))
            if hashlib.sha256(payload.encode("utf-8")).hexdigest() != entry["hash"]:
                print(f"Строка {number} (запись № {entry['seq']}): содержимое изменено")
                return 1
            if prev is not None and (entry["prev_hash"] != prev["hash"]
                                     or entry["seq"] != prev["seq"] + 1):
                print(f"Строка {number} (запись № {entry['seq']}): цепочка разорвана")
                return 1
            prev = entry
            count += 1
    print(f"Записей: {count}. Цепочка цела.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "audit.jsonl"))
'''


class ArchiveRefused(Exception):
    """args: (reason, detail); reason is which_school, no_school or no_year."""


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    size: int
    classes: int
    audit_entries: int


def year_start(text: str) -> int | None:
    """«2026», «2026/2027» or «2026-2027» → 2026."""
    matched = re.fullmatch(r"\s*(\d{4})(?:\s*[/-]\s*(\d{4}))?\s*", text)
    if matched is None:
        return None
    start = int(matched[1])
    if matched[2] is not None and int(matched[2]) != start + 1:
        return None
    return start


def audit_window(start: int) -> tuple[dt.datetime, dt.datetime]:
    """The audit entries of a school year: from 1 August to 1 August (UTC), so that the summer's
    preparation and finals corrections belong to the year they prepare or close."""
    return (
        dt.datetime(start, 8, 1, tzinfo=dt.UTC),
        dt.datetime(start + 1, 8, 1, tzinfo=dt.UTC),
    )


# --- gathering --------------------------------------------------------------------------------


@dataclass
class _Year:
    school: School
    year: AcademicYear
    classes: list[SchoolClass]
    groups: dict[int, StudyGroup]
    subjects: dict[int, Subject]
    staff: dict[int, str]  # full names by id
    students: dict[int, str]
    work_types: dict[int, WorkType]
    periods: dict[int, StudyPeriod]
    lessons: list[Lesson]
    absences: dict[int, list[Absence]] = field(default_factory=dict)
    marks: dict[int, list[Mark]] = field(default_factory=dict)
    homework: dict[int, list[Homework]] = field(default_factory=dict)
    finals: list[FinalMark] = field(default_factory=list)
    class_of_student: dict[int, int] = field(default_factory=dict)


async def _school(uow: UnitOfWork, school_name: str | None) -> School:
    schools = list(await uow.repo(School).find())
    if school_name is not None:
        for school in schools:
            if school.name == school_name:
                return school
        raise ArchiveRefused("no_school", school_name)
    if len(schools) != 1:
        raise ArchiveRefused("which_school", ", ".join(f"«{s.name}»" for s in schools) or "—")
    return schools[0]


async def _gather(uow: UnitOfWork, school_name: str | None, start: int) -> _Year:
    school = await _school(uow, school_name)
    sid = school.id
    year = next(
        (y for y in await uow.repo(AcademicYear).find(school_id=sid) if y.starts_on.year == start),
        None,
    )
    if year is None or year.id is None:
        raise ArchiveRefused("no_year", school.name)
    groups = {g.id: g for g in await uow.repo(StudyGroup).find(year_id=year.id) if g.id}
    lessons = sorted(
        await uow.repo(Lesson).find(year_id=year.id),
        key=lambda le: (le.on_date, le.lesson_number, le.id or 0),
    )
    lesson_ids = {le.id for le in lessons}
    data = _Year(
        school=school,
        year=year,
        classes=sorted(
            await uow.repo(SchoolClass).find(year_id=year.id), key=lambda c: (c.grade, c.name)
        ),
        groups=groups,
        subjects=_by_id(await uow.repo(Subject).find(school_id=sid)),
        staff=_names(await uow.repo(StaffMember).find(school_id=sid)),
        students=_names(await uow.repo(Student).find(school_id=sid)),
        work_types=_by_id(await uow.repo(WorkType).find(school_id=sid)),
        periods=_by_id(await uow.repo(StudyPeriod).find(year_id=year.id)),
        lessons=lessons,
    )
    for absence in await uow.repo(Absence).find(school_id=sid):
        if absence.lesson_id in lesson_ids:
            data.absences.setdefault(absence.lesson_id, []).append(absence)
    for mark in await uow.repo(Mark).find(school_id=sid):
        if mark.lesson_id in lesson_ids:
            data.marks.setdefault(mark.lesson_id, []).append(mark)
    for work in await uow.repo(Homework).find(school_id=sid):
        if work.lesson_id in lesson_ids:
            data.homework.setdefault(work.lesson_id, []).append(work)
    data.finals = [
        f for f in await uow.repo(FinalMark).find(school_id=sid) if f.period_id in data.periods
    ]
    whole = {g.id: g.class_id for g in groups.values() if g.kind is GroupKind.WHOLE_CLASS}
    memberships = sorted(
        (m for m in await uow.repo(GroupMembership).find(school_id=sid) if m.group_id in whole),
        key=lambda m: m.starts_on,
    )
    for membership in memberships:  # the latest class wins: a transferred student's finals
        class_id = whole[membership.group_id]
        if class_id is not None:
            data.class_of_student[membership.student_id] = class_id
    return data


def _by_id(items: Iterable[Any]) -> dict[int, Any]:
    return {item.id: item for item in items if item.id is not None}


def _names(people: Iterable[StaffMember | Student]) -> dict[int, str]:
    return {p.id: p.full_name for p in people if p.id is not None}


# --- the tables --------------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%d.%m.%Y %H:%M:%S") if value else ""


def _name(people: dict[int, str], person_id: int | None) -> str:
    return people.get(person_id, "") if person_id is not None else ""


def _lesson_rows(data: _Year, lessons: list[Lesson]) -> list[Row]:
    rows: list[Row] = []
    for lesson in lessons:
        note = ""
        if lesson.cancelled:
            note = txt.CANCELLED
        elif lesson.moved_from_date is not None:
            note = txt.MOVED_FROM.format(
                day=_day(lesson.moved_from_date), number=lesson.moved_from_number
            )
        homework = " | ".join(h.text for h in data.homework.get(lesson.id or 0, []))
        rows.append(
            (
                _day(lesson.on_date),
                lesson.lesson_number,
                data.groups[lesson.group_id].name,
                data.subjects[lesson.subject_id].name,
                _name(data.staff, lesson.teacher_id),
                _name(data.staff, lesson.substitute_id),
                lesson.topic or "",
                homework,
                note,
            )
        )
    return rows


def _attendance_rows(data: _Year, lessons: list[Lesson]) -> list[Row]:
    rows: list[Row] = []
    for lesson in lessons:
        for absence in sorted(
            data.absences.get(lesson.id or 0, []),
            key=lambda a: _name(data.students, a.student_id),
        ):
            rows.append(
                (
                    _day(lesson.on_date),
                    lesson.lesson_number,
                    data.groups[lesson.group_id].name,
                    data.subjects[lesson.subject_id].name,
                    _name(data.students, absence.student_id),
                    txt.ABSENCE_LETTERS[absence.kind.value],
                )
            )
    return rows


def _mark_rows(data: _Year, lessons: list[Lesson]) -> list[Row]:
    rows: list[Row] = []
    for lesson in lessons:
        for mark in sorted(data.marks.get(lesson.id or 0, []), key=lambda m: m.id or 0):
            work = data.work_types.get(mark.work_type_id)
            rows.append(
                (
                    _day(lesson.on_date),
                    lesson.lesson_number,
                    data.groups[lesson.group_id].name,
                    data.subjects[lesson.subject_id].name,
                    _name(data.students, mark.student_id),
                    mark.value,
                    work.name if work else "",
                    _name(data.staff, mark.posted_by),
                    _utc(mark.posted_at),
                    mark.note or "",
                    _utc(mark.deleted_at),
                    mark.reason or "",
                )
            )
    return rows


def _final_rows(data: _Year, class_names: dict[int, str]) -> list[Row]:
    rows: list[Row] = []
    for final in data.finals:
        rows.append(
            (
                class_names.get(data.class_of_student.get(final.student_id, 0), ""),
                _name(data.students, final.student_id),
                data.subjects[final.subject_id].name,
                period_name(data.periods[final.period_id]),
                final.value,
                _name(data.staff, final.set_by),
                _utc(final.set_at),
            )
        )
    rows.sort(key=lambda r: tuple(str(c) for c in r[:4]))
    return rows


# --- file formats ----------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Row]) -> bytes:
    """UTF-8 with a BOM and «;»: what Excel in a Russian locale opens by a double click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Row]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                10, min(40, len(name) + 4)
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _finals_book(data: _Year, school_class: SchoolClass) -> bytes | None:
    """A sheet per period: rows the class's students, columns the subjects (сводная ведомость)."""
    finals = [f for f in data.finals if data.class_of_student.get(f.student_id) == school_class.id]
    if not finals:
        return None
    by_period: dict[int, list[FinalMark]] = defaultdict(list)
    for final in finals:
        by_period[final.period_id].append(final)
    sheets: list[tuple[str, Sequence[str], Sequence[Row]]] = []
    for period_id in sorted(by_period, key=lambda p: (data.periods[p].starts_on, p)):
        marks = by_period[period_id]
        subjects = sorted({f.subject_id for f in marks}, key=lambda s: data.subjects[s].name)
        students = sorted({f.student_id for f in marks}, key=lambda s: _name(data.students, s))
        value = {(f.student_id, f.subject_id): f.value for f in marks}
        rows: list[Row] = [
            (_name(data.students, s), *(value.get((s, subject), "") for subject in subjects))
            for s in students
        ]
        header = (txt.FINALS_STUDENT, *(data.subjects[s].name for s in subjects))
        sheets.append((period_name(data.periods[period_id]), header, rows))
    return _xlsx(sheets)


def _safe(name: str) -> str:
    """A file name any system accepts: no separators or characters Windows forbids."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or "_"


# --- the archive ------------------------------------------------------------------------------


async def write_year_archive(
    uow: UnitOfWork,
    audit: AuditReader,
    start: int,
    out_dir: Path,
    *,
    school_name: str | None = None,
    clock: Clock | None = None,
) -> ArchiveResult:
    """Write the archive of the school year starting in ``start`` into ``out_dir``."""
    now = (clock or SystemClock()).now()
    data = await _gather(uow, school_name, start)
    sheets = await _final_sheets(uow, data, now)
    # nothing was changed: ending the transaction now (commit keeps what was read; a rollback
    # would expire it) lets the bot's writers go on while the files are drawn
    await uow.commit()
    class_names = {c.id: c.name for c in data.classes if c.id is not None}
    by_class: dict[int | None, list[Lesson]] = defaultdict(list)
    cross: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in data.lessons:
        class_id = data.groups[lesson.group_id].class_id
        if class_id is None:
            cross[lesson.group_id].append(lesson)
        else:
            by_class[class_id].append(lesson)
    folders = [
        (f"{txt.JOURNALS}/{_safe(c.name)}", by_class.get(c.id, [])) for c in data.classes
    ] + [
        (f"{txt.JOURNALS}/{txt.CROSS_GROUPS}/{_safe(data.groups[g].name)}", cross[g])
        for g in sorted(cross, key=lambda g: data.groups[g].name)
    ]
    root = _safe(txt.ROOT.format(school=data.school.name, start=start, end=start + 1))
    path = out_dir / f"dnevnik-archive-{start}-{start + 1}-school{data.school.id}.zip"
    out = _ZipOut(path, root, now)
    try:
        # the journal as CSV only: a year of a big school's marks is millions of cells, which
        # openpyxl takes minutes to write; Excel opens these CSV files by a double click
        for folder, lessons in folders:
            out.add(
                f"{folder}/{txt.LESSONS}.csv", _csv(txt.LESSON_COLUMNS, _lesson_rows(data, lessons))
            )
            out.add(
                f"{folder}/{txt.ATTENDANCE}.csv",
                _csv(txt.ATTENDANCE_COLUMNS, _attendance_rows(data, lessons)),
            )
            out.add(f"{folder}/{txt.MARKS}.csv", _csv(txt.MARK_COLUMNS, _mark_rows(data, lessons)))
        for school_class in data.classes:
            book = _finals_book(data, school_class)
            if book is not None:
                out.add(f"{txt.FINALS}/{_safe(school_class.name)}.xlsx", book)
        pdfs = 0
        for school_class, report in sheets:
            pdf = _sheet_pdf(report, data.school.timezone)
            if pdf is not None:
                out.add(f"{txt.FINALS}/{_safe(school_class.name)}.pdf", pdf)
                pdfs += 1
        out.add(
            f"{txt.FINALS}/{txt.FINALS_FILE}.csv",
            _csv(txt.FINAL_COLUMNS, _final_rows(data, class_names)),
        )
        out.add(
            f"{txt.CLASSES_FILE}.csv",
            _csv(
                txt.CLASS_COLUMNS,
                [(c.name, c.grade, _name(data.staff, c.class_teacher_id)) for c in data.classes],
            ),
        )
        since, until = audit_window(start)
        assert data.school.id is not None
        entries = 0
        first_seq = None
        with out.stream(f"{txt.AUDIT}/audit.jsonl") as log:
            async for entry in audit(data.school.id, since, until):
                first_seq = entry.seq if first_seq is None else first_seq
                log.write(_audit_line(entry).encode("utf-8"))
                entries += 1
        out.add(f"{txt.AUDIT}/verify_audit.py", VERIFY_SCRIPT.encode("utf-8"))
        out.add(
            "README.txt",
            _readme(data, now, since, until, first_seq, entries, pdfs > 0).encode("utf-8"),
        )
        out.finish()
    finally:
        out.discard()
    return ArchiveResult(path, path.stat().st_size, len(data.classes), entries)


async def _final_sheets(
    uow: UnitOfWork, data: _Year, now: dt.datetime
) -> list[tuple[SchoolClass, Report]]:
    """The сводная ведомость of each class with finals, as the reports compute it (REP-8)."""
    from core.services.reports.catalog import make_report
    from core.services.reports.scope import ReportScope, StudyPeriodRef

    assert data.school.id is not None
    # the archive is made from the console by whoever runs the server, who holds the whole
    # database anyway: it reads as the head of school would
    archivist = Actor(
        telegram_user_id=None,
        school_id=data.school.id,
        kind=PersonKind.STAFF,
        person_id=0,
        name="archive",
        role=Role.HEAD,
        roles=frozenset({Role.HEAD}),
    )
    with_finals = {data.class_of_student.get(f.student_id) for f in data.finals}
    sheets: list[tuple[SchoolClass, Report]] = []
    for school_class in data.classes:
        year = next(
            (
                p
                for p in data.periods.values()
                if p.kind is PeriodKind.YEAR and p.covers_grade(school_class.grade)
            ),
            None,
        )
        if school_class.id is None or school_class.id not in with_finals:
            continue
        if year is None or year.id is None:
            continue
        try:
            report = await make_report(
                uow,
                archivist,
                "final-sheet",
                ReportScope.of_class(school_class.id),
                StudyPeriodRef(year.id),
                now=now,
            )
        except Exception:  # the XLSX and CSV finals are there whatever the PDF does
            log.exception("final marks sheet of %s left out of the archive", school_class.name)
            continue
        sheets.append((school_class, report))
    return sheets


def _sheet_pdf(report: Report, timezone: str) -> bytes | None:
    from documents.reports import Format, render

    try:
        return render(report, Format.PDF, tz=timezone)
    except Exception:
        log.exception("final marks sheet PDF left out of the archive")
        return None


class _ZipOut:
    """The archive written as it is made (a year's tables never all in memory), each file's
    sha256 noted for SHA256SUMS; under a temporary name until finished."""

    def __init__(self, path: Path, root: str, now: dt.datetime) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.root = root
        self.stamp = now.astimezone(dt.UTC).timetuple()[:6]
        self.sums: dict[str, str] = {}
        self.zip = zipfile.ZipFile(self.partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def add(self, name: str, content: bytes) -> None:
        self.zip.writestr(self._info(name), content)
        self.sums[name] = hashlib.sha256(content).hexdigest()

    @contextlib.contextmanager
    def stream(self, name: str) -> Iterator[_Hashing]:
        with self.zip.open(self._info(name), "w", force_zip64=True) as target:
            hashing = _Hashing(target)
            yield hashing
        self.sums[name] = hashing.digest.hexdigest()

    def finish(self) -> None:
        sums = "".join(f"{digest}  {name}\n" for name, digest in sorted(self.sums.items()))
        self.zip.writestr(self._info("SHA256SUMS"), sums.encode("utf-8"))
        self.zip.close()
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        self.zip.close()
        if self.partial.exists():
            self.partial.unlink()


class _Hashing:
    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.target.write(data)


def _audit_line(entry: AuditEntry) -> str:
    return (
        canonical_json(
            {
                "id": entry.id,
                "school_id": entry.school_id,
                "seq": entry.seq,
                "at": entry.at.isoformat(),
                "actor": entry.actor,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "before": entry.before,
                "after": entry.after,
                "prev_hash": entry.prev_hash,
                "hash": entry.hash,
            }
        )
        + "\n"
    )


def _readme(
    data: _Year,
    now: dt.datetime,
    since: dt.datetime,
    until: dt.datetime,
    first_seq: int | None,
    entries: int,
    with_pdf: bool,
) -> str:
    start = data.year.starts_on.year
    return txt.README.format(
        start=start,
        end=start + 1,
        school=data.school.name,
        created=now.astimezone(dt.UTC).strftime("%d.%m.%Y %H:%M"),
        journals=txt.JOURNALS,
        cross=txt.CROSS_GROUPS,
        finals=txt.FINALS,
        audit=txt.AUDIT,
        since=_day(since.date()),
        until=_day((until - dt.timedelta(days=1)).date()),
        pdf_note=txt.PDF_PRESENT.format(finals=txt.FINALS) if with_pdf else txt.PDF_MISSING,
        chain_start=txt.CHAIN_CONTINUES.format(first=first_seq, before=first_seq - 1)
        if first_seq and first_seq > 1
        else txt.CHAIN_FROM_START,
        audit_entries=entries,
    )


__all__ = ["ArchiveRefused", "ArchiveResult", "audit_window", "write_year_archive", "year_start"]
