"""Paper extracts (INF-4): the guardians of a class who must get the journal on paper, and the
extract of one student's journal over a range of days that the class teacher prints for them.

A guardian needs paper when nothing electronic reaches them: no Telegram account bound, the bot
blocked (the chat is unreachable), or no consent in force — refused, withdrawn or never given
(without consent no personal data is sent, INF-3), the same test as the class teacher's notice
view. The extract gathers the student's lessons as the class journal does (the class's groups,
on the days the student was in both), so it shows exactly what the journal shows.

Only the class teacher of the student's class and the administration may see either. Nothing here
changes data, so nothing is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.model.grading import WorkType
from core.model.groups import SchoolClass
from core.model.identity import Actor, ConsentAnswer, PersonKind, TelegramBinding
from core.model.journal import Absence, AbsenceKind, Homework, Lesson, Mark
from core.model.notices import Notice, NoticeStatus
from core.model.people import Guardian, GuardianLink, StaffMember, Student
from core.model.school import School, StudyPeriod, Subject
from core.ports import UnitOfWork
from core.rules import access, grading
from core.services import extracts_texts as txt
from core.services.class_journal import class_view_of
from core.services.consent import latest_consent
from core.services.errors import NOT_FOUND, AccessDenied, NotFound, Refused
from core.services.finals import average_of
from core.services.identity import class_in_school, class_of_student, class_roster
from core.services.notices import chat_unreachable_since

MAX_EXTRACT_DAYS = 366  # a year, a leap one included


class PaperReason(StrEnum):
    NOT_CONNECTED = "not_connected"  # no Telegram account bound
    UNREACHABLE = "unreachable"  # the chat blocked the bot (403)
    NO_CONSENT = "no_consent"  # consent never given
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PaperChild:
    student_id: int
    name: str  # «Алексеев Артём Викторович»


@dataclass(frozen=True)
class PaperGuardian:
    guardian_id: int
    guardian: str
    children: tuple[PaperChild, ...]  # their children in this class
    reasons: tuple[PaperReason, ...]  # at least one
    unreachable_since: dt.datetime | None


@dataclass(frozen=True)
class ExtractMark:
    on_date: dt.date
    value: str
    work_type: str


@dataclass(frozen=True)
class SubjectMarks:
    subject: str
    marks: tuple[ExtractMark, ...]
    average: Decimal | None


@dataclass(frozen=True)
class ExtractAbsence:
    on_date: dt.date
    lesson_number: int
    subject: str
    kind: AbsenceKind


@dataclass(frozen=True)
class ExtractHomework:
    given_on: dt.date
    due_on: dt.date
    subject: str
    text: str


@dataclass(frozen=True)
class ExtractNotice:
    on_date: dt.date  # school time
    guardian: str
    kinds: tuple[str, ...]  # Russian labels
    text: str  # as sent, or a summary of what it was about
    status: NoticeStatus
    acknowledged: bool


@dataclass(frozen=True)
class Extract:
    school: str
    class_name: str
    class_teacher: str | None
    student: str
    student_id: int
    start: dt.date
    end: dt.date
    subjects: tuple[SubjectMarks, ...]  # by subject name; subjects with marks only
    absences: tuple[ExtractAbsence, ...]
    homework: tuple[ExtractHomework, ...]
    notices: tuple[ExtractNotice, ...]


# --- who needs paper ---------------------------------------------------------------------------


async def paper_guardians(
    uow: UnitOfWork, actor: Actor, class_id: int, day: dt.date
) -> list[PaperGuardian]:
    """The guardians of the class's students on ``day`` whom nothing electronic reaches, with why;
    sorted by name."""
    school_class = await class_in_school(uow, actor, class_id)
    if not access.may_view_class(actor, class_id):
        raise AccessDenied(txt.NOT_YOUR_CLASS)
    children: dict[int, list[Student]] = {}
    for student in await class_roster(uow, school_class, day):
        for link in await uow.repo(GuardianLink).find(student_id=student.id):
            children.setdefault(link.guardian_id, []).append(student)
    found = []
    for guardian_id, kids in children.items():
        guardian = await uow.repo(Guardian).get(guardian_id)
        if guardian is None:
            continue
        reasons, since = await _paper_reasons(uow, guardian)
        if reasons:
            found.append(
                PaperGuardian(
                    guardian_id=guardian_id,
                    guardian=guardian.full_name,
                    children=tuple(PaperChild(s.id or 0, s.full_name) for s in kids),
                    reasons=reasons,
                    unreachable_since=since,
                )
            )
    return sorted(found, key=lambda g: g.guardian)


async def _paper_reasons(
    uow: UnitOfWork, guardian: Guardian
) -> tuple[tuple[PaperReason, ...], dt.datetime | None]:
    assert guardian.id is not None
    reasons: list[PaperReason] = []
    bindings = await uow.repo(TelegramBinding).find(
        school_id=guardian.school_id,
        person_kind=PersonKind.GUARDIAN,
        person_id=guardian.id,
        unbound_at=None,
    )
    since: dt.datetime | None = None
    if not bindings:
        reasons.append(PaperReason.NOT_CONNECTED)
    else:
        blocked = [
            at for b in bindings if (at := await chat_unreachable_since(uow, b.telegram_user_id))
        ]
        # one reachable account is enough: notices go to every bound chat
        if len(blocked) == len(bindings):
            reasons.append(PaperReason.UNREACHABLE)
            since = min(blocked)
    record = await latest_consent(uow, guardian.id)
    if record is None:
        reasons.append(PaperReason.NO_CONSENT)
    elif record.answer is ConsentAnswer.REFUSED:
        reasons.append(PaperReason.REFUSED)
    elif record.answer is ConsentAnswer.WITHDRAWN:
        reasons.append(PaperReason.WITHDRAWN)
    return tuple(reasons), since


# --- one student's extract ---------------------------------------------------------------------


def check_range(start: dt.date, end: dt.date) -> None:
    """start ≤ end and at most a year; else Refused with the reason in Russian."""
    if start > end:
        raise Refused(txt.BAD_RANGE.format(start=f"{start:%d.%m.%Y}", end=f"{end:%d.%m.%Y}"))
    days = (end - start).days + 1
    if days > MAX_EXTRACT_DAYS:
        raise Refused(txt.TOO_LONG_RANGE.format(days=days, limit=MAX_EXTRACT_DAYS))


async def extract_class(
    uow: UnitOfWork, actor: Actor, student_id: int, start: dt.date, end: dt.date
) -> tuple[Student, SchoolClass]:
    """The student and the class they were in at the end of the range (else at its start),
    if the actor may see it."""
    student = await uow.repo(Student).get(student_id)
    if student is None or not access.same_school(actor, student.school_id):
        raise NotFound(NOT_FOUND)
    class_id = await class_of_student(uow, student_id, end)
    if class_id is None:
        class_id = await class_of_student(uow, student_id, start)
    if class_id is None:
        if not access.may_view_class(actor, -1):
            raise AccessDenied(txt.NOT_YOUR_CLASS)
        raise Refused(txt.NO_CLASS)
    if not access.may_view_class(actor, class_id):
        raise AccessDenied(txt.NOT_YOUR_CLASS)
    return student, await class_in_school(uow, actor, class_id)


async def student_extract(
    uow: UnitOfWork, actor: Actor, student_id: int, start: dt.date, end: dt.date
) -> Extract:
    """Marks by subject with weighted averages, absences, homework and the notices meant for the
    student's guardians over [start, end], for printing."""
    student, school_class = await extract_class(uow, actor, student_id, start, end)
    check_range(start, end)
    view = await class_view_of(uow, school_class, start, end)
    lessons = {
        i: lesson
        for i, lesson in (await view.lessons(uow, start, end)).items()
        if view.attends(student_id, lesson)
    }
    subjects = {s.id: s for s in await uow.repo(Subject).find(school_id=actor.school_id)}
    work_types = {w.id: w for w in await uow.repo(WorkType).find(school_id=actor.school_id)}
    school = await uow.repo(School).get(actor.school_id)
    teacher = (
        await uow.repo(StaffMember).get(school_class.class_teacher_id)
        if school_class.class_teacher_id
        else None
    )
    return Extract(
        school=school.name if school else "",
        class_name=school_class.name,
        class_teacher=teacher.full_name if teacher else None,
        student=student.full_name,
        student_id=student_id,
        start=start,
        end=end,
        subjects=await _marks(uow, student_id, lessons, subjects, work_types),
        absences=await _absences(uow, student_id, lessons, subjects),
        homework=await _homework(uow, actor.school_id, lessons, subjects),
        notices=await _notices(uow, student_id, start, end, school),
    )


def _subject_name(subjects: dict[int | None, Subject], subject_id: int) -> str:
    subject = subjects.get(subject_id)
    return subject.name if subject else ""


async def _marks(
    uow: UnitOfWork,
    student_id: int,
    lessons: dict[int, Lesson],
    subjects: dict[int | None, Subject],
    work_types: dict[int | None, WorkType],
) -> tuple[SubjectMarks, ...]:
    by_subject: dict[int, list[Mark]] = {}
    for mark in await uow.repo(Mark).find(student_id=student_id, deleted_at=None):
        lesson = lessons.get(mark.lesson_id)
        if lesson is not None:
            by_subject.setdefault(lesson.subject_id, []).append(mark)
    weights = {i: w.weight for i, w in work_types.items() if i is not None}
    result = []
    for subject_id, marks in by_subject.items():
        marks.sort(key=lambda m: (lessons[m.lesson_id].on_date, m.posted_at))
        subject = subjects.get(subject_id)
        scale = grading.SCALES[subject.grading_scale if subject else "five_point"]
        result.append(
            SubjectMarks(
                subject=subject.name if subject else "",
                marks=tuple(
                    ExtractMark(
                        lessons[m.lesson_id].on_date,
                        m.value,
                        work_types[m.work_type_id].name if m.work_type_id in work_types else "",
                    )
                    for m in marks
                ),
                average=average_of(marks, weights, scale),
            )
        )
    return tuple(sorted(result, key=lambda s: s.subject))


async def _absences(
    uow: UnitOfWork,
    student_id: int,
    lessons: dict[int, Lesson],
    subjects: dict[int | None, Subject],
) -> tuple[ExtractAbsence, ...]:
    found = []
    for absence in await uow.repo(Absence).find(student_id=student_id):
        lesson = lessons.get(absence.lesson_id)
        if lesson is not None:
            found.append(
                ExtractAbsence(
                    lesson.on_date,
                    lesson.lesson_number,
                    _subject_name(subjects, lesson.subject_id),
                    absence.kind,
                )
            )
    return tuple(sorted(found, key=lambda a: (a.on_date, a.lesson_number)))


async def _homework(
    uow: UnitOfWork,
    school_id: int,
    lessons: dict[int, Lesson],
    subjects: dict[int | None, Subject],
) -> tuple[ExtractHomework, ...]:
    found = []
    for homework in await uow.repo(Homework).find(school_id=school_id):
        lesson = lessons.get(homework.lesson_id)
        if lesson is not None:
            found.append(
                ExtractHomework(
                    lesson.on_date,
                    homework.due_on,
                    _subject_name(subjects, lesson.subject_id),
                    homework.text,
                )
            )
    return tuple(sorted(found, key=lambda h: (h.given_on, h.subject, h.due_on)))


async def _notices(
    uow: UnitOfWork, student_id: int, start: dt.date, end: dt.date, school: School | None
) -> tuple[ExtractNotice, ...]:
    zone = ZoneInfo(school.timezone if school else "Europe/Moscow")
    names: dict[int, str] = {}
    found = []
    for notice in await uow.repo(Notice).find(
        recipient_kind=PersonKind.GUARDIAN, student_id=student_id
    ):
        on_date = notice.created_at.astimezone(zone).date()
        if not start <= on_date <= end:
            continue
        if notice.recipient_id not in names:
            guardian = await uow.repo(Guardian).get(notice.recipient_id)
            names[notice.recipient_id] = guardian.full_name if guardian else ""
        kinds = tuple(
            dict.fromkeys(txt.EVENT_LABELS.get(k, txt.NOTICE_UNKNOWN) for k in notice.kinds)
        )
        found.append(
            (
                notice.created_at,
                notice.id or 0,
                ExtractNotice(
                    on_date=on_date,
                    guardian=names[notice.recipient_id],
                    kinds=kinds,
                    text=notice.text
                    or txt.NOTICE_SUMMARY.format(kinds=", ".join(kinds) or txt.NOTICE_UNKNOWN),
                    status=notice.status,
                    acknowledged=notice.acknowledged_at is not None,
                ),
            )
        )
    return tuple(item for _, _, item in sorted(found, key=lambda f: (f[0], f[1])))


DEFAULT_DAYS = 30


async def default_range(
    uow: UnitOfWork, actor: Actor, student_id: int, today: dt.date
) -> tuple[dt.date, dt.date]:
    """What the class teacher prints by default: the current study period of the student's class
    (the shortest one holding today, a quarter rather than the year) up to today; out of term,
    the last 30 days."""
    _, school_class = await extract_class(uow, actor, student_id, today, today)
    periods = [
        p
        for p in await uow.repo(StudyPeriod).find(
            school_id=actor.school_id, year_id=school_class.year_id
        )
        if p.covers_grade(school_class.grade) and p.starts_on <= today <= p.ends_on
    ]
    if periods:
        current = min(periods, key=lambda p: (p.ends_on - p.starts_on, p.starts_on))
        return current.starts_on, today
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today
