"""Reminders the scheduled jobs send (issue «notices», item 9), each once: to teachers about what
is due in the journal (LES-3..LES-8), to guardians about notices left unacknowledged (INF-2),
and to families about holidays ahead (INF-1). The class teacher's one-tap reminder is here too.

Each reminder is an outbox event, so it travels like every notice: the recipient's quiet hours,
the rate limits, the «Ознакомлен» button. A ``ReminderSent`` row with a unique key, written in
the same transaction, makes a job that runs every few minutes send each reminder once.

When (school time), decided here:

- attendance not taken: from 15:00, for every lesson of the day (LES-4 allows the day only);
- homework not entered: once the class's lessons have ended, while the 1.5 hours still run;
- control-work marks (3 days) and written-work marks (a week): each morning from 08:00 while
  the marks are missing and the deadline has not passed;
- finals: 7, 3 and 1 days before the period ends, while the group's finals are not set;
- guardians: from 18:00, notices sent at least ``after_days`` days ago and not acknowledged;
- holidays: from 12:00, three days before they begin.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.events import EventKind
from core.model.grading import WorkType
from core.model.groups import GroupKind, SchoolClass, StudyGroup
from core.model.identity import Actor, PersonKind
from core.model.journal import Homework, Lesson, Mark, PeriodLock
from core.model.notices import Notice, NoticeStatus, ReminderSent
from core.model.school import AcademicYear, Bell, Holiday, School, StudyPeriod
from core.model.timetable import ControlForm, ControlWork, TimetableEntry
from core.ports import UnitOfWork
from core.rules import journal as rules
from core.services import reminders_texts as txt
from core.services.audit_log import audited_add
from core.services.errors import Refused
from core.services.journal import day_lessons, emit
from core.services.notice_status import class_acknowledgements

ATTENDANCE_FROM = dt.time(15, 0)
MORNING_FROM = dt.time(8, 0)
ACK_FROM = dt.time(18, 0)
HOLIDAYS_FROM = dt.time(12, 0)
HOLIDAYS_AHEAD_DAYS = 3
FINALS_DAYS_LEFT = frozenset({7, 3, 1})
WRITTEN_FORMS = frozenset({ControlForm.ESSAY, ControlForm.DICTATION})


@dataclass(frozen=True)
class RemindersSent:
    staff: int = 0
    guardians: int = 0
    holidays: int = 0

    def __add__(self, other: RemindersSent) -> RemindersSent:
        return RemindersSent(
            self.staff + other.staff,
            self.guardians + other.guardians,
            self.holidays + other.holidays,
        )


class _Once:
    """Each key of a school once: looked up by the unique (school, key) index, and written in
    the transaction of the reminder."""

    def __init__(self, uow: UnitOfWork, school_id: int, now: dt.datetime) -> None:
        self.uow, self.school_id, self.now = uow, school_id, now
        self.used: set[str] = set()

    async def first_time(self, key: str) -> bool:
        if key in self.used or await self.uow.repo(ReminderSent).first(
            school_id=self.school_id, key=key
        ):
            return False
        self.used.add(key)
        await self.uow.repo(ReminderSent).add(
            ReminderSent(school_id=self.school_id, key=key, sent_at=self.now)
        )
        return True


async def _year(uow: UnitOfWork, school_id: int, day: dt.date) -> AcademicYear | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    return next((y for y in years if y.starts_on <= day <= y.ends_on), None)


# --- teachers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _DayLesson:
    group_id: int
    lesson_number: int
    subject_id: int
    teacher_id: int  # who gives it (the substitute, if any)
    stored: Lesson | None


async def _day_lessons(uow: UnitOfWork, school_id: int, day: dt.date) -> list[_DayLesson]:
    """The lessons given on a day (journal.day_lessons without the cancelled stubs), each with
    whoever gives it."""
    found = []
    for (group_id, number), item in sorted((await day_lessons(uow, school_id, day)).items()):
        if isinstance(item, Lesson):
            if not item.cancelled:
                found.append(_DayLesson(group_id, number, item.subject_id, item.given_by, item))
        else:
            found.append(_DayLesson(group_id, number, item.subject_id, item.teacher_id, None))
    return found


async def _remind(
    uow: UnitOfWork,
    once: _Once,
    key: str,
    now: dt.datetime,
    zone: ZoneInfo,
    **payload: object,
) -> int:
    if not await once.first_time(key):
        return 0
    await emit(uow, once.school_id, EventKind.STAFF_REMINDER, now, zone=zone.key, **payload)
    return 1


async def _classes_end(
    uow: UnitOfWork, school_id: int, day: dt.date, lessons: list[_DayLesson], zone: ZoneInfo
) -> dict[int, dt.datetime]:
    """When each class's lessons end that day (the last bell of its last lesson), by group."""
    groups = {g.id: g for g in await uow.repo(StudyGroup).find(school_id=school_id)}
    classes = {c.id: c for c in await uow.repo(SchoolClass).find(school_id=school_id)}
    bells = await uow.repo(Bell).find(school_id=school_id)
    last: dict[int, int] = defaultdict(int)
    for item in lessons:
        group = groups.get(item.group_id)
        if group is not None and group.class_id is not None:
            last[group.class_id] = max(last[group.class_id], item.lesson_number)
    ends: dict[int, dt.datetime] = {}
    for class_id, number in last.items():
        school_class = classes.get(class_id)
        schedule = school_class.bell_schedule_id if school_class else None
        fitting = [b for b in bells if b.lesson_number == number]
        bell = next((b for b in fitting if b.schedule_id == schedule), None) or next(
            iter(fitting), None
        )
        ends[class_id] = (
            dt.datetime.combine(day, bell.ends_at, zone)
            if bell
            else rules.end_of_day(day, zone) - dt.timedelta(hours=6)
        )
    return {
        group.id: ends[group.class_id]
        for group in groups.values()
        if group.id is not None and group.class_id is not None and group.class_id in ends
    }


async def remind_staff(uow: UnitOfWork, school: School, now: dt.datetime) -> int:
    """Queue the teachers' reminders due now in one school; the caller commits."""
    assert school.id is not None
    zone = ZoneInfo(school.timezone)
    local = now.astimezone(zone)
    today = local.date()
    year = await _year(uow, school.id, today)
    if year is None or year.id is None:
        return 0
    once = _Once(uow, school.id, now)
    deadlines = rules.Deadlines.of(school)
    sent = 0
    lessons = await _day_lessons(uow, school.id, today)
    if local.time() >= ATTENDANCE_FROM:
        for item in lessons:
            if item.stored is None or item.stored.attendance_taken_at is None:
                sent += await _remind(
                    uow,
                    once,
                    f"attendance:{item.group_id}:{today}:{item.lesson_number}",
                    now,
                    zone,
                    staff_id=item.teacher_id,
                    what="attendance",
                    group_id=item.group_id,
                    subject_id=item.subject_id,
                    on_date=today.isoformat(),
                    lesson_number=item.lesson_number,
                )
    sent += await _remind_homework(uow, once, school, lessons, now, zone, deadlines)
    if local.time() >= MORNING_FROM:
        sent += await _remind_control_marks(uow, once, school, year.id, now, zone, deadlines)
        sent += await _remind_finals(uow, once, school, year.id, now, zone)
    return sent


async def _remind_homework(
    uow: UnitOfWork,
    once: _Once,
    school: School,
    lessons: list[_DayLesson],
    now: dt.datetime,
    zone: ZoneInfo,
    deadlines: rules.Deadlines,
) -> int:
    assert school.id is not None
    today = now.astimezone(zone).date()
    ends = await _classes_end(uow, school.id, today, lessons, zone)
    sent = 0
    for item in lessons:
        end = ends.get(item.group_id)
        if end is None or not end <= now < rules.homework_deadline(end, deadlines):
            continue
        if item.stored is not None and await uow.repo(Homework).first(lesson_id=item.stored.id):
            continue
        sent += await _remind(
            uow,
            once,
            f"homework:{item.group_id}:{today}:{item.lesson_number}",
            now,
            zone,
            staff_id=item.teacher_id,
            what="homework",
            group_id=item.group_id,
            subject_id=item.subject_id,
            on_date=today.isoformat(),
            lesson_number=item.lesson_number,
            due_at=rules.homework_deadline(end, deadlines).isoformat(),
        )
    return sent


async def _remind_control_marks(
    uow: UnitOfWork,
    once: _Once,
    school: School,
    year_id: int,
    now: dt.datetime,
    zone: ZoneInfo,
    deadlines: rules.Deadlines,
) -> int:
    assert school.id is not None
    today = now.astimezone(zone).date()
    counted = {
        w.id for w in await uow.repo(WorkType).find(school_id=school.id) if w.control or w.written
    }
    sent = 0
    for work in await uow.repo(ControlWork).find(school_id=school.id, year_id=year_id):
        written = work.form in WRITTEN_FORMS
        days = deadlines.written_marks if written else deadlines.control_marks
        due = rules.end_of_day(work.on_date + days, zone)
        if not work.on_date < today or now >= due:
            continue
        lessons = [
            x
            for x in await uow.repo(Lesson).find(
                school_id=school.id, group_id=work.group_id, on_date=work.on_date
            )
            if x.subject_id == work.subject_id and not x.cancelled
        ]
        marked = False
        for lesson in lessons:
            marks = await uow.repo(Mark).find(lesson_id=lesson.id, deleted_at=None)
            marked = marked or any(m.work_type_id in counted for m in marks)
        if marked:
            continue
        teacher = lessons[0].given_by if lessons else await _teacher_of(uow, work)
        if teacher is None:
            continue
        sent += await _remind(
            uow,
            once,
            f"control:{work.id}:{today}",
            now,
            zone,
            staff_id=teacher,
            what="written_marks" if written else "control_marks",
            group_id=work.group_id,
            subject_id=work.subject_id,
            on_date=work.on_date.isoformat(),
            lesson_number=work.lesson_number,
            due_at=due.isoformat(),
        )
    return sent


async def _teacher_of(uow: UnitOfWork, work: ControlWork) -> int | None:
    entries = await uow.repo(TimetableEntry).find(
        group_id=work.group_id, subject_id=work.subject_id
    )
    current = [e for e in entries if e.valid_from <= work.on_date <= e.valid_to]
    return (current or entries)[0].teacher_id if (current or entries) else None


async def _remind_finals(
    uow: UnitOfWork, once: _Once, school: School, year_id: int, now: dt.datetime, zone: ZoneInfo
) -> int:
    assert school.id is not None
    today = now.astimezone(zone).date()
    periods = [
        p
        for p in await uow.repo(StudyPeriod).find(school_id=school.id, year_id=year_id)
        if (p.ends_on - today).days in FINALS_DAYS_LEFT
    ]
    if not periods:
        return 0
    groups = {g.id: g for g in await uow.repo(StudyGroup).find(school_id=school.id)}
    classes = {c.id: c for c in await uow.repo(SchoolClass).find(school_id=school.id)}
    assignments = {
        (e.group_id, e.subject_id): e.teacher_id
        for e in await uow.repo(TimetableEntry).find(school_id=school.id, year_id=year_id)
        if e.valid_from <= today <= e.valid_to
    }
    locks = await uow.repo(PeriodLock).find(school_id=school.id)
    sent = 0
    for period in periods:
        assert period.id is not None
        for (group_id, subject_id), teacher in sorted(assignments.items()):
            group = groups.get(group_id)
            school_class = classes.get(group.class_id) if group and group.class_id else None
            if school_class is None or not period.covers_grade(school_class.grade):
                continue
            if rules.is_closed(locks, period.id, group_id, subject_id):
                continue
            sent += await _remind(
                uow,
                once,
                f"finals:{period.id}:{group_id}:{subject_id}:{today}",
                now,
                zone,
                staff_id=teacher,
                what="finals",
                group_id=group_id,
                subject_id=subject_id,
                on_date=period.ends_on.isoformat(),
            )
    return sent


# --- guardians ------------------------------------------------------------------------------


async def remind_unacknowledged(
    uow: UnitOfWork, school: School, now: dt.datetime, after_days: int
) -> int:
    """One reminder per guardian and child for the notices sent ``after_days`` or more days ago
    and still not acknowledged; each notice is reminded of once."""
    assert school.id is not None
    zone = ZoneInfo(school.timezone)
    if now.astimezone(zone).time() < ACK_FROM:
        return 0
    cutoff = now - dt.timedelta(days=after_days)
    once = _Once(uow, school.id, now)
    waiting: dict[tuple[int, int], list[int]] = defaultdict(list)
    for notice in await uow.repo(Notice).find(
        school_id=school.id,
        recipient_kind=PersonKind.GUARDIAN,
        status=NoticeStatus.SENT,
        acknowledged_at=None,
    ):
        if notice.sent_at is None or notice.sent_at > cutoff or notice.student_id is None:
            continue
        assert notice.id is not None
        if await once.first_time(f"ack:{notice.id}"):
            waiting[(notice.recipient_id, notice.student_id)].append(notice.id)
    await _ack_reminders(uow, school.id, now, waiting)
    return len(waiting)


async def _ack_reminders(
    uow: UnitOfWork, school_id: int, now: dt.datetime, waiting: dict[tuple[int, int], list[int]]
) -> None:
    """One reminder per (guardian, child) naming the notices that wait for «Ознакомлен»."""
    for (guardian_id, student_id), notice_ids in sorted(waiting.items()):
        await emit(
            uow,
            school_id,
            EventKind.ACK_REMINDER,
            now,
            guardian_id=guardian_id,
            student_id=student_id,
            notice_ids=notice_ids,
        )


@dataclass(frozen=True)
class Reminded:
    guardian: str
    count: int  # notices waiting for «Ознакомлен»


async def remind_guardian(
    uow: UnitOfWork, actor: Actor, class_id: int, guardian_id: int, now: dt.datetime
) -> Reminded:
    """The class teacher's (or deputy's) one tap: remind one guardian of the class of every
    notice they have not acknowledged. Once a day per guardian; audited."""
    school = await uow.repo(School).get(actor.school_id)
    assert school is not None and school.id is not None
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    lines = await class_acknowledgements(uow, actor, class_id, today)  # checks the access
    line = next((x for x in lines if x.guardian_id == guardian_id), None)
    if line is None or not line.waiting:
        raise Refused(txt.NOTHING_WAITING)
    key = f"ack-manual:{guardian_id}:{today}"
    if await uow.repo(ReminderSent).first(school_id=school.id, key=key):
        raise Refused(txt.ALREADY_TODAY)
    await audited_add(
        uow,
        actor.audit_name,
        ReminderSent(school_id=school.id, key=key, sent_at=now),
        action="notice.remind",
    )
    wanted = {w.notice_id for w in line.waiting}
    by_child: dict[tuple[int, int], list[int]] = defaultdict(list)
    for notice in await uow.repo(Notice).find(
        recipient_kind=PersonKind.GUARDIAN, recipient_id=guardian_id, acknowledged_at=None
    ):
        if notice.id in wanted and notice.student_id is not None:
            by_child[(guardian_id, notice.student_id)].append(notice.id)
    await _ack_reminders(uow, school.id, now, by_child)
    await uow.commit()
    return Reminded(line.guardian, len(line.waiting))


# --- holidays -------------------------------------------------------------------------------


async def announce_holidays(uow: UnitOfWork, school: School, now: dt.datetime) -> int:
    """Families of the classes whose grades the holidays cover hear of them three days before."""
    assert school.id is not None
    zone = ZoneInfo(school.timezone)
    local = now.astimezone(zone)
    if local.time() < HOLIDAYS_FROM:
        return 0
    today = local.date()
    once = _Once(uow, school.id, now)
    sent = 0
    for holiday in await uow.repo(Holiday).find(school_id=school.id):
        if not 0 < (holiday.starts_on - today).days <= HOLIDAYS_AHEAD_DAYS:
            continue
        for school_class in await uow.repo(SchoolClass).find(
            school_id=school.id, year_id=holiday.year_id
        ):
            if not holiday.grade_from <= school_class.grade <= holiday.grade_to:
                continue
            whole = await uow.repo(StudyGroup).first(
                class_id=school_class.id, kind=GroupKind.WHOLE_CLASS
            )
            if whole is None or not await once.first_time(
                f"holidays:{holiday.id}:{school_class.id}"
            ):
                continue
            await emit(
                uow,
                school.id,
                EventKind.HOLIDAYS_AHEAD,
                now,
                holiday_id=holiday.id,
                group_id=whole.id,
            )
            sent += 1
    return sent


async def run_reminders(uow: UnitOfWork, now: dt.datetime, *, ack_after_days: int) -> RemindersSent:
    """Every school's reminders due now, in one transaction per school."""
    total = RemindersSent()
    for school in await uow.repo(School).find():
        total = total + RemindersSent(
            staff=await remind_staff(uow, school, now),
            guardians=await remind_unacknowledged(uow, school, now, ack_after_days),
            holidays=await announce_holidays(uow, school, now),
        )
        await uow.commit()
    return total
