"""Building a synthetic school into a database: for benchmarks and for trying the reports, never
for a real school (`dnevnik demo-data --students N [--year]`, bench/synthetic.py).

1. documents.synthetic_school makes the school as workbook rows; the ordinary school-year import
   checks and writes them (each record audited, as for any workbook) — all but the thematic
   plans, which would make that import the slowest step by far (150,000 topics for 4,000
   students) and are bulk-written with the journal instead.
2. documents.synthetic_journal makes the year of journal class by class; storage.bulk_load writes
   it with Core ``executemany`` in one transaction, without an audit entry per row and without
   notices, and ONE audit entry «synthetic_data» records the lot, so `dnevnik audit verify`
   still holds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.model.grading import WorkType
from core.model.groups import GroupMembership, SchoolClass, StudyGroup
from core.model.journal import Absence, FinalMark, Homework, Lesson, Mark
from core.model.people import StaffMember
from core.model.school import AcademicYear, Bell, Holiday, School, StudyPeriod, Subject
from core.model.timetable import ControlWork, ThematicTopic, TimetableEntry
from core.rules.names import normalize
from core.services.school_year_import import import_school_year
from core.services.school_year_rows import TopicRow
from documents.synthetic_journal import JournalInput, JournalMaker
from documents.synthetic_school import school_year_of, synthetic_rows
from storage import bulk_load
from storage.uow import Database

DEFAULT_SEED = 20_262_027
DEFAULT_TIMEZONE = "Europe/Moscow"
ACTOR = "synthetic"
Progress = Callable[[str, int, int], None]  # step, done, total


class SchoolExists(Exception):
    """A school of that name is in the database already: the synthetic one would mix with it."""


@dataclass(frozen=True)
class Summary:
    school: str
    school_id: int
    seed: int
    until: dt.date
    students: int
    classes: int
    staff: int
    lessons: int
    substitutions: int
    absences: int
    student_lessons: int
    marks: int
    homework: int
    final_marks: int
    control_works: int
    topics: int
    structure_seconds: float
    journal_seconds: float

    @property
    def seconds(self) -> float:
        return self.structure_seconds + self.journal_seconds

    @property
    def absence_rate(self) -> float:
        return self.absences / self.student_lessons if self.student_lessons else 0.0


def school_name_for(students: int, seed: int) -> str:
    return f"Синтетическая школа ({students} уч., seed {seed})"


async def build_synthetic_school(
    db: Database,
    students: int,
    seed: int = DEFAULT_SEED,
    full_year: bool = False,
    *,
    today: dt.date | None = None,
    school_name: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    actor: str = ACTOR,
    progress: Progress | None = None,
) -> Summary:
    """A school of ``students`` for the school year of ``today``, its journal kept up to
    ``today`` (or to the end of the year with ``full_year``). Same seed, same school."""
    report = progress or (lambda *_: None)
    today = today or dt.datetime.now(ZoneInfo(timezone)).date()
    name = school_name or school_name_for(students, seed)
    started = time.perf_counter()
    year_start = school_year_of(today)
    rows = synthetic_rows(students, seed, year_start, None if full_year else today)
    topic_rows, rows.topics = rows.topics, []
    async with db.uow() as uow:
        if await uow.repo(School).first(name=name) is not None:
            raise SchoolExists(name)
        imported = await import_school_year(
            uow,
            rows,
            school_name=name,
            actor=actor,
            today=today,
            timezone=timezone,
            progress=lambda step, done, total: report("structure", done, total),
        )
    if not imported.ok:  # a bug in documents.synthetic_school: say what the check found
        raise RuntimeError("; ".join(str(p) for p in imported.problems[:10]))
    structure_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with db.uow() as uow:
        school = await uow.repo(School).first(name=name)
        assert school is not None and school.id is not None
        sid = school.id
        year = (await uow.repo(AcademicYear).find(school_id=sid))[0]
        assert year.id is not None
        periods = list(await uow.repo(StudyPeriod).find(school_id=sid))
        until = today if not full_year else max(p.ends_on for p in periods)
        groups = list(await uow.repo(StudyGroup).find(school_id=sid))
        subjects = list(await uow.repo(Subject).find(school_id=sid))
        await bulk_load.lock(uow, [ThematicTopic, Lesson, Absence, Mark, Homework, FinalMark])
        topics = _topics(
            topic_rows, sid, year.id, groups, subjects, await bulk_load.next_id(uow, ThematicTopic)
        )
        await bulk_load.insert_rows(uow, ThematicTopic, [_fields(t) for t in topics])
        school_input = JournalInput(
            school_id=sid,
            year_id=year.id,
            timezone=school.timezone,
            periods=periods,
            holidays=list(await uow.repo(Holiday).find(school_id=sid)),
            classes=list(await uow.repo(SchoolClass).find(school_id=sid)),
            groups=groups,
            memberships=list(await uow.repo(GroupMembership).find(school_id=sid)),
            entries=list(await uow.repo(TimetableEntry).find(school_id=sid)),
            topics=topics,
            control_works=list(await uow.repo(ControlWork).find(school_id=sid)),
            work_types=list(await uow.repo(WorkType).find(school_id=sid)),
            subjects=subjects,
            bells=list(await uow.repo(Bell).find(school_id=sid)),
            staff=list(await uow.repo(StaffMember).find(school_id=sid)),
        )
        maker = JournalMaker(school_input, seed, until, await bulk_load.next_id(uow, Lesson))
        total = len(school_input.classes)
        report("journal", 0, total)
        for batch in maker.batches():
            await bulk_load.insert_rows(uow, batch.kind, batch.rows)
            maker.stats.count(batch)
            report("journal", maker.stats.classes_done, total)
        await bulk_load.fix_sequences(uow, [ThematicTopic, Lesson, Absence, Mark, Homework])
        stats = maker.stats
        uow.record_audit(
            school_id=sid,
            actor=actor,
            action="synthetic_data",
            entity="school",
            entity_id=sid,
            before=None,
            after={
                "students": students,
                "seed": seed,
                "until": until.isoformat(),
                "topics": len(topics),
                "lessons": stats.lessons,
                "substitutions": stats.substitutions,
                "absences": stats.absences,
                "marks": stats.marks,
                "homework": stats.homework,
                "final_marks": stats.final_marks,
                "period_locks": stats.period_locks,
            },
        )
        await uow.commit()
    return Summary(
        school=name,
        school_id=sid,
        seed=seed,
        until=until,
        students=len(rows.students),
        classes=len(rows.classes),
        staff=len(rows.staff),
        lessons=stats.lessons,
        substitutions=stats.substitutions,
        absences=stats.absences,
        student_lessons=stats.student_lessons,
        marks=stats.marks,
        homework=stats.homework,
        final_marks=stats.final_marks,
        control_works=len(school_input.control_works),
        topics=len(topics),
        structure_seconds=structure_seconds,
        journal_seconds=time.perf_counter() - started,
    )


def _topics(
    rows: list[TopicRow],
    school_id: int,
    year_id: int,
    groups: list[StudyGroup],
    subjects: list[Subject],
    first_id: int,
) -> list[ThematicTopic]:
    group_id = {normalize(g.name): g.id or 0 for g in groups}
    subject_id = {normalize(s.name): s.id or 0 for s in subjects}
    return [
        ThematicTopic(
            id=first_id + i,
            school_id=school_id,
            year_id=year_id,
            group_id=group_id[normalize(r.group)],
            subject_id=subject_id[normalize(r.subject)],
            position=r.position,
            title=r.title,
            hours=r.hours,
        )
        for i, r in enumerate(rows)
    ]


def _fields(topic: ThematicTopic) -> dict[str, object]:
    return {
        "id": topic.id,
        "school_id": topic.school_id,
        "year_id": topic.year_id,
        "group_id": topic.group_id,
        "subject_id": topic.subject_id,
        "position": topic.position,
        "title": topic.title,
        "hours": topic.hours,
    }
