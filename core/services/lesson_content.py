"""Use cases of a lesson's content: its topic (LES-2), homework (LES-3) and the teacher's
messages to guardians (LES-11)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.events import EventKind
from core.model.groups import SchoolClass, StudyGroup
from core.model.identity import Actor
from core.model.journal import Homework, Lesson, TeacherMessage
from core.model.school import Bell
from core.model.timetable import ThematicTopic
from core.ports import UnitOfWork
from core.rules import journal as rules
from core.services import journal_texts as txt
from core.services.audit_log import audited_add, audited_update
from core.services.errors import NOT_FOUND, NotFound, Refused
from core.services.journal import (
    emit,
    ensure_open_period,
    keepable_lesson,
    roster,
    school_of,
)
from core.services.timetable import planned_lessons

HOMEWORK_HORIZON = dt.timedelta(days=45)  # how far ahead the group's next lesson is looked for


def _text(text: str, limit: int) -> str:
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch == "\n").strip()
    if not cleaned:
        raise Refused(txt.EMPTY)
    if len(cleaned) > limit:
        raise Refused(txt.TOO_LONG.format(length=len(cleaned), limit=limit))
    return cleaned


async def set_topic(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    now: dt.datetime,
    *,
    text: str | None = None,
    topic_id: int | None = None,
) -> Lesson:
    """The lesson's topic: a topic of its thematic plan (one tap) or free text."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    await ensure_open_period(uow, lesson)
    if topic_id is not None:
        topic = await uow.repo(ThematicTopic).get(topic_id)
        if topic is None or (topic.group_id, topic.subject_id) != (
            lesson.group_id,
            lesson.subject_id,
        ):
            raise NotFound(NOT_FOUND)
        changes = {"topic": topic.title, "topic_id": topic.id}
    else:
        changes = {"topic": _text(text or "", rules.MAX_TOPIC_CHARS), "topic_id": None}
    if audited_update(uow, actor.audit_name, lesson, {**changes, "version": lesson.version + 1}):
        await uow.commit()
    return lesson


async def _lessons_end(uow: UnitOfWork, lesson: Lesson, zone: ZoneInfo) -> dt.datetime:
    """When the class's lessons of that day end: the last bell of its last lesson."""
    group = await uow.repo(StudyGroup).get(lesson.group_id)
    class_id = group.class_id if group else None
    day = await planned_lessons(
        uow, lesson.school_id, lesson.year_id, lesson.on_date, lesson.on_date
    )
    groups = {g.id: g.class_id for g in await uow.repo(StudyGroup).find(school_id=lesson.school_id)}
    numbers = [
        p.lesson_number
        for p in day
        if p.group_id == lesson.group_id
        or (class_id is not None and groups.get(p.group_id) == class_id)
    ]
    last = max(numbers, default=lesson.lesson_number)
    school_class = await uow.repo(SchoolClass).get(class_id) if class_id else None
    bells = await uow.repo(Bell).find(school_id=lesson.school_id, lesson_number=last)
    schedule = school_class.bell_schedule_id if school_class else None
    bell = next((b for b in bells if b.schedule_id == schedule), bells[0] if bells else None)
    if bell is None:
        return rules.end_of_day(lesson.on_date, zone)
    return dt.datetime.combine(lesson.on_date, bell.ends_at, zone)


async def next_lesson_of_group(uow: UnitOfWork, lesson: Lesson) -> tuple[dt.date, int] | None:
    """The group's next lesson in the same subject after this one (homework is for it)."""
    start = lesson.on_date + dt.timedelta(days=1)
    for planned in await planned_lessons(
        uow, lesson.school_id, lesson.year_id, start, start + HOMEWORK_HORIZON
    ):
        if planned.group_id == lesson.group_id and planned.subject_id == lesson.subject_id:
            return planned.on_date, planned.lesson_number
    return None


async def set_homework(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    text: str,
    now: dt.datetime,
    attachments: list[str] | None = None,
) -> Homework:
    """Homework given in a lesson, for the group's next lesson of the subject by default (LES-3);
    giving it again replaces the text and adds the attachments."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    await ensure_open_period(uow, lesson)
    cleaned = _text(text, rules.MAX_HOMEWORK_CHARS)
    school = await school_of(uow, lesson.school_id)
    zone = ZoneInfo(school.timezone)
    deadlines = rules.Deadlines.of(school)
    deadline = rules.homework_deadline(await _lessons_end(uow, lesson, zone), deadlines)
    if now > deadline and not rules.is_corrector(actor):
        raise Refused(
            txt.HOMEWORK_TOO_LATE.format(
                hours=f"{school.homework_hours:g}",
                deadline=deadline.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
            )
        )
    following = await next_lesson_of_group(uow, lesson)
    due_on = following[0] if following else lesson.on_date + dt.timedelta(days=7)
    existing = await uow.repo(Homework).first(lesson_id=lesson.id)
    files = list(attachments or [])
    if existing is None:
        homework = await audited_add(
            uow,
            actor.audit_name,
            Homework(
                school_id=lesson.school_id,
                lesson_id=lesson_id,
                due_on=due_on,
                text=cleaned,
                attachments=files,
                set_by=actor.person_id,
                set_at=now,
            ),
        )
    else:
        homework = existing
        audited_update(
            uow,
            actor.audit_name,
            homework,
            {"text": cleaned, "attachments": [*existing.attachments, *files], "set_at": now},
        )
    await emit(
        uow,
        lesson.school_id,
        EventKind.HOMEWORK_SET,
        now,
        homework_id=homework.id,
        lesson_id=lesson_id,
        group_id=lesson.group_id,
        due_on=due_on.isoformat(),
    )
    await uow.commit()
    return homework


async def message_guardians(
    uow: UnitOfWork,
    actor: Actor,
    lesson_id: int,
    text: str,
    now: dt.datetime,
    student_id: int | None = None,
) -> TeacherMessage:
    """A message from the teacher to the guardians of one student or of the lesson's group."""
    lesson = await keepable_lesson(uow, actor, lesson_id)
    cleaned = _text(text, rules.MAX_MESSAGE_CHARS)
    if student_id is not None and student_id not in {s.id for s in await roster(uow, lesson)}:
        raise Refused(
            txt.NOT_IN_GROUP.format(name="Ученик", day=lesson.on_date.strftime("%d.%m.%Y"))
        )
    message = await audited_add(
        uow,
        actor.audit_name,
        TeacherMessage(
            school_id=lesson.school_id,
            teacher_id=actor.person_id,
            group_id=lesson.group_id,
            student_id=student_id,
            text=cleaned,
            sent_at=now,
        ),
    )
    await emit(
        uow,
        lesson.school_id,
        EventKind.TEACHER_MESSAGE,
        now,
        message_id=message.id,
        group_id=lesson.group_id,
        student_id=student_id,
    )
    await uow.commit()
    return message
