"""Use cases of the lesson (LES-1..9, LES-13): the teacher's lessons of a day, opening a lesson,
attendance and marks. Every change is checked here (who, when, which period, which student),
audited in the same transaction and raises its domain event for the notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.events import EventKind, OutboxEvent
from core.model.grading import WorkType
from core.model.groups import SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind
from core.model.journal import Absence, AbsenceKind, Homework, Lesson, Mark
from core.model.people import Student
from core.model.school import AcademicYear, Room, School, StudyPeriod, Subject
from core.model.timetable import PlannedLesson, ThematicTopic
from core.ports import UnitOfWork
from core.rules import grading
from core.rules import journal as rules
from core.rules.mark_text import ParsedMarks, RosterEntry, parse_marks
from core.services import journal_texts as txt
from core.services.audit_log import audited_add, audited_add_all, audited_delete, audited_update
from core.services.errors import (
    NOT_ALLOWED,
    NOT_FOUND,
    STALE,
    AccessDenied,
    NotFound,
    Refused,
    StaleEdit,
)
from core.services.timetable import planned_lessons


@dataclass(frozen=True)
class LessonKey:
    """A lesson by its slot: enough to open it before it has a row of its own."""

    group_id: int
    on_date: dt.date
    lesson_number: int


@dataclass(frozen=True)
class LessonCard:
    key: LessonKey
    lesson_id: int | None
    group: str
    subject: str
    room: str | None
    as_substitute: bool
    attendance_taken: bool
    topic: str | None
    homework: bool


async def school_of(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.repo(School).get(school_id)
    assert school is not None
    return school


def _zone(school: School) -> ZoneInfo:
    return ZoneInfo(school.timezone)


async def _year_id(uow: UnitOfWork, school_id: int, day: dt.date) -> int | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    return next((y.id for y in years if y.starts_on <= day <= y.ends_on), None)


async def _planned_day(uow: UnitOfWork, school_id: int, day: dt.date) -> list[PlannedLesson]:
    year_id = await _year_id(uow, school_id, day)
    return [] if year_id is None else await planned_lessons(uow, school_id, year_id, day, day)


async def day_lessons(
    uow: UnitOfWork, school_id: int, day: dt.date
) -> dict[tuple[int, int], Lesson | PlannedLesson]:
    """A school's lessons of a day by (group, lesson number): the timetable's, where a stored
    lesson (opened, substituted, moved, or its cancelled stub) stands instead."""
    keys: dict[tuple[int, int], Lesson | PlannedLesson] = {
        (planned.group_id, planned.lesson_number): planned
        for planned in await _planned_day(uow, school_id, day)
    }
    for stored in await uow.repo(Lesson).find(school_id=school_id, on_date=day):
        keys[(stored.group_id, stored.lesson_number)] = stored  # says more than the timetable
    return keys


async def teacher_lessons(uow: UnitOfWork, actor: Actor, day: dt.date) -> list[LessonCard]:
    """«Мои уроки»: by the timetable, without the ones given away to a substitute, with the ones
    taken over as a substitute, each with what is done already."""
    if actor.kind is not PersonKind.STAFF:
        raise AccessDenied(NOT_ALLOWED)
    keys = await day_lessons(uow, actor.school_id, day)
    mine = []
    for item in keys.values():
        if isinstance(item, Lesson):
            if item.cancelled or item.given_by != actor.person_id:
                continue
        elif item.teacher_id != actor.person_id:
            continue
        mine.append(item)
    groups = {g.id: g.name for g in await uow.repo(StudyGroup).find(school_id=actor.school_id)}
    subjects = {s.id: s.name for s in await uow.repo(Subject).find(school_id=actor.school_id)}
    rooms = {r.id: r.name for r in await uow.repo(Room).find(school_id=actor.school_id)}
    cards = []
    for item in sorted(mine, key=lambda x: (x.lesson_number, x.group_id)):
        stored_lesson = item if isinstance(item, Lesson) else None
        homework = bool(
            stored_lesson and await uow.repo(Homework).first(lesson_id=stored_lesson.id)
        )
        cards.append(
            LessonCard(
                key=LessonKey(item.group_id, day, item.lesson_number),
                lesson_id=stored_lesson.id if stored_lesson else None,
                group=groups.get(item.group_id, ""),
                subject=subjects.get(item.subject_id, ""),
                room=rooms.get(item.room_id) if item.room_id else None,
                as_substitute=bool(
                    stored_lesson and stored_lesson.substitute_id == actor.person_id
                ),
                attendance_taken=bool(stored_lesson and stored_lesson.attendance_taken_at),
                topic=stored_lesson.topic if stored_lesson else None,
                homework=homework,
            )
        )
    return cards


async def lesson_at(uow: UnitOfWork, school_id: int, key: LessonKey) -> Lesson | None:
    return await uow.repo(Lesson).first(
        group_id=key.group_id, on_date=key.on_date, lesson_number=key.lesson_number
    )


async def open_lesson(uow: UnitOfWork, actor: Actor, key: LessonKey) -> Lesson:
    """The lesson of a slot, made from the timetable the first time it is opened."""
    group = await uow.repo(StudyGroup).get(key.group_id)
    if group is None or group.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    lesson = await lesson_at(uow, actor.school_id, key)
    if lesson is None:
        planned = next(
            (
                p
                for p in await _planned_day(uow, actor.school_id, key.on_date)
                if (p.group_id, p.lesson_number) == (key.group_id, key.lesson_number)
            ),
            None,
        )
        if planned is None:
            raise NotFound(NOT_FOUND)
        lesson = Lesson(
            school_id=actor.school_id,
            year_id=group.year_id,
            group_id=planned.group_id,
            on_date=planned.on_date,
            lesson_number=planned.lesson_number,
            subject_id=planned.subject_id,
            teacher_id=planned.teacher_id,
            room_id=planned.room_id,
            kind=planned.kind,
            entry_id=planned.entry_id,
        )
        if not rules.may_keep(actor, lesson):  # asked before anything is written
            raise AccessDenied(txt.NOT_YOUR_LESSON)
        await audited_add(uow, actor.audit_name, lesson)
        await uow.commit()
    if not rules.may_keep(actor, lesson):
        raise AccessDenied(txt.NOT_YOUR_LESSON)
    return lesson


async def keepable_lesson(uow: UnitOfWork, actor: Actor, lesson_id: int) -> Lesson:
    return _keepable(actor, await uow.repo(Lesson).get(lesson_id))


@dataclass(frozen=True)
class _Setting:
    school: School
    group: StudyGroup | None
    grade: int | None  # of the group's class (grade_of_group)
    subject: Subject | None
    work_type: WorkType | None = None  # the one asked for, when it is the school's


async def _keepable_in_setting(
    uow: UnitOfWork, actor: Actor, lesson_id: int, work_type_id: int | None = None
) -> tuple[Lesson, _Setting]:
    """keepable_lesson, with the lesson's school, its group, the grade of its class, its
    subject and the work type of this id (when it is the school's) read in the same query."""
    found = await uow.lesson_setting(lesson_id, work_type_id)
    lesson = _keepable(actor, found[0] if found else None)
    assert found is not None
    _, school, group, school_class, subject, work_type = found
    grade = school_class.grade if school_class else None
    return lesson, _Setting(school, group, grade, subject, work_type)


def _keepable(actor: Actor, lesson: Lesson | None) -> Lesson:
    if lesson is None or lesson.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    if not rules.may_keep(actor, lesson):
        raise AccessDenied(txt.NOT_YOUR_LESSON)
    if lesson.cancelled:
        raise Refused(txt.CANCELLED)
    return lesson


async def roster(uow: UnitOfWork, lesson: Lesson) -> list[Student]:
    """The group's students on the lesson's day, by name (transfers and withdrawals respected)."""
    active = {
        student.id: student
        for membership, student in await uow.group_members(lesson.group_id)
        if membership.active_on(lesson.on_date)
    }
    by_id = [active[i] for i in sorted(i for i in active if i is not None)]
    return sorted(by_id, key=lambda s: (s.last_name, s.first_name))


async def grade_of_group(uow: UnitOfWork, group_id: int) -> int | None:
    group = await uow.repo(StudyGroup).get(group_id)
    if group is None or group.class_id is None:
        return None
    school_class = await uow.repo(SchoolClass).get(group.class_id)
    return school_class.grade if school_class else None


async def period_of_lesson(uow: UnitOfWork, lesson: Lesson) -> StudyPeriod | None:
    periods = await uow.repo(StudyPeriod).find(school_id=lesson.school_id, year_id=lesson.year_id)
    return rules.period_of(lesson.on_date, await grade_of_group(uow, lesson.group_id), periods)


async def ensure_open_period(uow: UnitOfWork, lesson: Lesson) -> None:
    """SEC-5: a lesson in any closed period covering its day (quarter or year) is read-only."""
    await _ensure_open(uow, lesson, await grade_of_group(uow, lesson.group_id))


async def _ensure_open(uow: UnitOfWork, lesson: Lesson, grade: int | None) -> None:
    """ensure_open_period for a caller that knows the grade of the lesson's group already."""
    # one read: every mark, attendance, topic and homework change passes here
    found = await uow.periods_with_locks(lesson)
    periods = {p.id: p for p, _ in found}
    covering = [
        p
        for p in periods.values()
        if p.id is not None
        and p.starts_on <= lesson.on_date <= p.ends_on
        and (grade is None or p.covers_grade(grade))
    ]
    locks = [lock for _, lock in found if lock is not None]
    if any(rules.is_closed(locks, p.id or 0, lesson.group_id, lesson.subject_id) for p in covering):
        raise Refused(txt.PERIOD_CLOSED)


async def local_today(uow: UnitOfWork, school_id: int, now: dt.datetime) -> dt.date:
    return now.astimezone(_zone(await school_of(uow, school_id))).date()


async def emit(
    uow: UnitOfWork, school_id: int, event_kind: EventKind, now: dt.datetime, **payload: object
) -> None:
    """Queue a domain event in the transaction of the change (the transactional outbox)."""
    event = OutboxEvent(school_id=school_id, kind=event_kind, payload=dict(payload), created_at=now)
    await uow.repo(OutboxEvent).add(event)


@dataclass
class LessonView:
    lesson: Lesson
    group: str
    subject: str
    students: list[Student]
    absences: dict[int, AbsenceKind] = field(default_factory=dict)
    marks: dict[int, list[Mark]] = field(default_factory=dict)
    homework: Homework | None = None
    next_topic: ThematicTopic | None = None
    scale: grading.GradingScale = grading.SCALES["five_point"]


async def lesson_view(
    uow: UnitOfWork, actor: Actor, lesson_id: int, *, with_next_topic: bool = True
) -> LessonView:
    """``with_next_topic``: the screens that do not show the plan's next topic leave it out (it
    reads every lesson of the group's subject in the year, each tap of a mark)."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    group = await uow.repo(StudyGroup).get(lesson.group_id)
    subject = await uow.repo(Subject).get(lesson.subject_id)
    view = LessonView(
        lesson=lesson,
        group=group.name if group else "",
        subject=subject.name if subject else "",
        students=await roster(uow, lesson),
    )
    for absence in await uow.repo(Absence).find(lesson_id=lesson.id):
        view.absences[absence.student_id] = absence.kind
    for mark in await uow.repo(Mark).find(lesson_id=lesson.id, deleted_at=None):
        view.marks.setdefault(mark.student_id, []).append(mark)
    view.homework = await uow.repo(Homework).first(lesson_id=lesson.id)
    view.next_topic = await next_topic(uow, lesson) if with_next_topic else None
    view.scale = await _scale_of(uow, lesson)
    return view


async def next_topic(uow: UnitOfWork, lesson: Lesson) -> ThematicTopic | None:
    """The first topic of the group's thematic plan not yet given in one of its lessons."""
    plan = await uow.repo(ThematicTopic).find(
        group_id=lesson.group_id, subject_id=lesson.subject_id
    )
    given = {
        x.topic_id
        for x in await uow.repo(Lesson).find(group_id=lesson.group_id, subject_id=lesson.subject_id)
        if x.topic_id is not None and x.id != lesson.id
    }
    return next((t for t in sorted(plan, key=lambda t: t.position) if t.id not in given), None)


# --- attendance -----------------------------------------------------------------------------


async def save_attendance(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    absent: Mapping[int, AbsenceKind],
    now: dt.datetime,
) -> Lesson:
    """Record the lesson's absences as a whole (LES-4): students not named were present.

    Two people saving the same lesson: the later save wins, and both are in the audit."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    today = await local_today(uow, actor.school_id, now)
    if not rules.attendance_day_ok(lesson.on_date, today) and not (
        rules.is_corrector(actor) and lesson.on_date < today
    ):
        raise Refused(txt.ATTENDANCE_NOT_TODAY.format(day=lesson.on_date.strftime("%d.%m.%Y")))
    await ensure_open_period(uow, lesson)
    students = {s.id: s for s in await roster(uow, lesson)}
    for student_id in absent:
        if student_id not in students:
            raise Refused(
                txt.NOT_IN_GROUP.format(name="Ученик", day=lesson.on_date.strftime("%d.%m.%Y"))
            )
    existing = {a.student_id: a for a in await uow.repo(Absence).find(lesson_id=lesson.id)}
    if lesson.attendance_taken_at is not None and {s: a.kind for s, a in existing.items()} == dict(
        absent
    ):
        return lesson  # saved again unchanged (a second tap, a re-opened roster): nothing to do
    for student_id, absence in existing.items():
        if student_id not in absent:
            await audited_delete(uow, actor.audit_name, absence)
    new = []
    for student_id, kind in absent.items():
        current = existing.get(student_id)
        if current is None:
            new.append(
                Absence(
                    school_id=lesson.school_id,
                    lesson_id=lesson_id,
                    student_id=student_id,
                    kind=kind,
                )
            )
        elif current.kind is not kind:
            audited_update(uow, actor.audit_name, current, {"kind": kind})
        else:
            continue
        await emit(
            uow,
            lesson.school_id,
            EventKind.ABSENCE_MARKED,
            now,
            lesson_id=lesson_id,
            student_id=student_id,
            kind=kind.value,
        )
    await audited_add_all(uow, actor.audit_name, new)
    audited_update(
        uow, actor.audit_name, lesson, {"attendance_taken_at": now, "version": lesson.version + 1}
    )
    await uow.commit()
    return lesson


# --- marks ----------------------------------------------------------------------------------


async def work_types(uow: UnitOfWork, school_id: int) -> list[WorkType]:
    return list(await uow.repo(WorkType).find(school_id=school_id))


async def _mark_guard(
    uow: UnitOfWork,
    actor: Actor,
    lesson: Lesson,
    setting: _Setting,
    work_type: WorkType,
    student_ids: Sequence[int],
    now: dt.datetime,
) -> tuple[dict[int, Student], bool]:
    """Checks shared by every mark change; returns the roster and whether it is late."""
    school = setting.school
    zone = _zone(school)
    today = now.astimezone(zone).date()
    if lesson.on_date > today:
        raise Refused(txt.FUTURE_LESSON.format(day=lesson.on_date.strftime("%d.%m.%Y")))
    await _ensure_open(uow, lesson, setting.grade)
    students = {s.id: s for s in await roster(uow, lesson) if s.id is not None}
    for student_id in student_ids:
        if student_id not in students:
            raise Refused(
                txt.NOT_IN_GROUP.format(name="Ученик", day=lesson.on_date.strftime("%d.%m.%Y"))
            )
    deadline = rules.mark_deadline(lesson.on_date, work_type, rules.Deadlines.of(school), zone)
    late = now >= deadline
    if late and not rules.is_corrector(actor):
        absent_ids = {a.student_id for a in await uow.repo(Absence).find(lesson_id=lesson.id)}
        # a missed topic passed later gets its mark in that lesson (LES-9)
        if not set(student_ids) <= absent_ids:
            raise Refused(
                txt.MARK_TOO_LATE.format(
                    deadline=deadline.astimezone(zone).strftime("%d.%m.%Y %H:%M")
                )
            )
        late = False
    return students, late


async def _scale_of(uow: UnitOfWork, lesson: Lesson) -> grading.GradingScale:
    return _scale(await uow.repo(Subject).get(lesson.subject_id))


def _scale(subject: Subject | None) -> grading.GradingScale:
    return grading.SCALES[subject.grading_scale if subject else "five_point"]


def _value(scale: grading.GradingScale, value: str) -> str:
    canonical = grading.canonical_value(scale, value)
    if canonical is None or not grading.is_valid_current(scale, canonical):
        allowed = ", ".join((*scale.values, *grading.CURRENT_SPECIALS))
        raise Refused(txt.BAD_VALUE.format(value=value[:20], allowed=allowed))
    return canonical


async def post_marks(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    work_type_id: int,
    values: Sequence[tuple[int, str]],
    now: dt.datetime,
) -> list[Mark]:
    """Marks of a lesson (LES-2, LES-5): all of them, or none when any is wrong."""
    staged = await _stage_marks(uow, actor, lesson_id, work_type_id, values, now)
    await uow.commit()
    return staged.marks


async def post_mark(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    student_id: int,
    work_type_id: int,
    value: str,
    now: dt.datetime,
) -> Mark:
    [mark] = await post_marks(uow, actor, lesson_id, work_type_id, [(student_id, value)], now)
    return mark


@dataclass
class MarksSheet:
    """The marks screen of a lesson: the roster with each student's current marks and absence,
    for one work type."""

    lesson: Lesson
    group: str
    subject: str
    work_type: str  # its name; "" for one that is not the school's
    students: list[Student]
    absences: dict[int, AbsenceKind]
    marks: dict[int, list[Mark]]


async def marks_sheet(
    uow: UnitOfWork, actor: Actor, lesson_id: int, work_type_id: int
) -> MarksSheet:
    lesson, setting = await _keepable_in_setting(uow, actor, lesson_id, work_type_id)
    students = await roster(uow, lesson)
    absences = {a.student_id: a.kind for a in await uow.repo(Absence).find(lesson_id=lesson.id)}
    return await _sheet(uow, lesson, setting, students, absences)


async def post_mark_on_sheet(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    student_id: int,
    work_type_id: int,
    value: str,
    now: dt.datetime,
) -> tuple[Mark, MarksSheet]:
    """post_mark, and the marks sheet as it commits: what the checks read (the lesson, its group
    and subject, the roster, the absences) is not read again for it, and its marks are read in
    the transaction of the new one, just before the commit."""
    staged = await _stage_marks(uow, actor, lesson_id, work_type_id, [(student_id, value)], now)
    sheet = await _sheet(
        uow,
        staged.lesson,
        staged.setting,
        list(staged.students.values()),  # the roster's order
        staged.absences,
    )
    await uow.commit()
    return staged.marks[0], sheet


async def _sheet(
    uow: UnitOfWork,
    lesson: Lesson,
    setting: _Setting,
    students: list[Student],
    absences: dict[int, AbsenceKind],
) -> MarksSheet:
    marks: dict[int, list[Mark]] = {}
    for mark in await uow.repo(Mark).find(lesson_id=lesson.id, deleted_at=None):
        marks.setdefault(mark.student_id, []).append(mark)
    return MarksSheet(
        lesson=lesson,
        group=setting.group.name if setting.group else "",
        subject=setting.subject.name if setting.subject else "",
        work_type=setting.work_type.name if setting.work_type else "",
        students=students,
        absences=absences,
        marks=marks,
    )


@dataclass
class _Staged:
    """Marks added to the unit of work, not yet committed, with what their checks read."""

    lesson: Lesson
    setting: _Setting  # its work type is the marks'
    students: dict[int, Student]
    absences: dict[int, AbsenceKind]
    marks: list[Mark]


async def _stage_marks(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    work_type_id: int,
    values: Sequence[tuple[int, str]],
    now: dt.datetime,
) -> _Staged:
    lesson, setting = await _keepable_in_setting(uow, actor, lesson_id, work_type_id)
    work_type = setting.work_type
    if work_type is None:
        raise Refused(txt.NO_SUCH_WORK_TYPE)
    students, late = await _mark_guard(
        uow, actor, lesson, setting, work_type, [s for s, _ in values], now
    )
    scale = _scale(setting.subject)
    absences = {a.student_id: a.kind for a in await uow.repo(Absence).find(lesson_id=lesson.id)}
    marks = [
        Mark(
            school_id=lesson.school_id,
            lesson_id=lesson_id,
            student_id=student_id,
            work_type_id=work_type_id,
            value=_value(scale, value),
            posted_by=actor.person_id,
            posted_at=now,
            late=late,
            note=txt.MISSED_NOTE.format(letter=txt.ABSENCE_LETTERS[absences[student_id]])
            if student_id in absences and absences[student_id] is not AbsenceKind.LATE
            else None,
        )
        for student_id, value in values
    ]
    await audited_add_all(uow, actor.audit_name, marks)
    for mark in marks:
        await emit(
            uow,
            lesson.school_id,
            EventKind.MARK_POSTED,
            now,
            mark_id=mark.id,
            lesson_id=lesson_id,
            student_id=mark.student_id,
            value=mark.value,
        )
    return _Staged(lesson, setting, students, absences, marks)


async def _editable_mark(
    uow: UnitOfWork,
    actor: Actor,
    mark_id: int,
    reason: str,
    expected_version: int,
    now: dt.datetime,
) -> tuple[Mark, Lesson]:
    mark = await uow.repo(Mark).get(mark_id)
    if mark is None or mark.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    lesson, setting = await _keepable_in_setting(uow, actor, mark.lesson_id, mark.work_type_id)
    if mark.deleted_at is not None:
        raise Refused(txt.MARK_DELETED)
    if mark.version != expected_version:
        raise StaleEdit(STALE)
    reason = reason.strip()
    if not reason:
        raise Refused(txt.REASON_NEEDED)
    if len(reason) > rules.MAX_REASON_CHARS:
        raise Refused(txt.TOO_LONG.format(length=len(reason), limit=rules.MAX_REASON_CHARS))
    work_type = setting.work_type
    assert work_type is not None  # a mark's work type is its school's
    await _mark_guard(uow, actor, lesson, setting, work_type, [mark.student_id], now)
    return mark, lesson


async def change_mark(
    uow: UnitOfWork,
    actor: Actor,
    mark_id: int,
    value: str,
    reason: str,
    expected_version: int,
    now: dt.datetime,
) -> Mark:
    """Correct a mark, with the reason (LES-13); an edit made on a stale screen is refused."""
    mark, lesson = await _editable_mark(uow, actor, mark_id, reason, expected_version, now)
    canonical = _value(await _scale_of(uow, lesson), value)
    before = mark.value
    audited_update(
        uow,
        actor.audit_name,
        mark,
        {"value": canonical, "reason": reason.strip(), "version": mark.version + 1},
    )
    await emit(
        uow,
        lesson.school_id,
        EventKind.MARK_CHANGED,
        now,
        mark_id=mark.id,
        lesson_id=lesson.id,
        student_id=mark.student_id,
        value=canonical,
        before=before,
    )
    await uow.commit()
    return mark


async def delete_mark(
    uow: UnitOfWork,
    actor: Actor,
    mark_id: int,
    reason: str,
    expected_version: int,
    now: dt.datetime,
) -> Mark:
    mark, lesson = await _editable_mark(uow, actor, mark_id, reason, expected_version, now)
    audited_update(
        uow,
        actor.audit_name,
        mark,
        {"deleted_at": now, "reason": reason.strip(), "version": mark.version + 1},
        action="mark.delete",
    )
    await emit(
        uow,
        lesson.school_id,
        EventKind.MARK_DELETED,
        now,
        mark_id=mark.id,
        lesson_id=lesson.id,
        student_id=mark.student_id,
        value=mark.value,
    )
    await uow.commit()
    return mark


async def mark_for_edit(uow: UnitOfWork, actor: Actor, mark_id: int) -> Mark:
    """A current mark of a lesson the actor keeps (to show before changing it)."""
    mark = await uow.repo(Mark).get(mark_id)
    if mark is None or mark.school_id != actor.school_id or mark.deleted_at is not None:
        raise NotFound(NOT_FOUND)
    await keepable_lesson(uow, actor, mark.lesson_id)
    return mark


async def post_marks_text(
    uow: UnitOfWork, actor: Actor, lesson_id: int, work_type_id: int, text: str, now: dt.datetime
) -> ParsedMarks:
    """Marks typed as one message («5 4 - 3» or «Иванов 5, Петрова 4»): stored all together when
    the whole message is understood, otherwise nothing, with every problem named."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    entries = [
        RosterEntry(
            student_id=s.id,
            last_name=s.last_name,
            first_name=s.first_name,
            middle_name=s.middle_name,
        )
        for s in await roster(uow, lesson)
        if s.id is not None
    ]
    parsed = parse_marks(text, entries, await _scale_of(uow, lesson))
    if not parsed.problems and parsed.marks:
        await post_marks(uow, actor, lesson_id, work_type_id, parsed.marks, now)
    return parsed
