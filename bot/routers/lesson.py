"""The teacher in the lesson (LES-1..5, LES-11): «Мои уроки», the lesson card, attendance in k + 2
taps, marks in two taps each (or one text message), the topic, homework, a message to guardians.
Handlers parse the tap, call one use case of core.services.journal / lesson_content, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AttCb,
    CardCb,
    DayCb,
    LessonCb,
    MarkEditCb,
    MarkStudentCb,
    MarkValueCb,
    MenuCb,
    MessageCb,
    TopicCb,
    WorkTypeCb,
)
from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label
from bot.texts import common as ct
from bot.texts import lesson as txt
from core.model.identity import Actor, Role
from core.model.journal import AbsenceKind
from core.rules import grading
from core.rules.journal import next_absence
from core.services import journal, lesson_content
from core.services.journal import LessonKey, LessonView
from core.services.journal_texts import ABSENCE_LETTERS
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

STAFF = (
    Role.TEACHER,
    Role.CLASS_TEACHER,
    Role.DEPUTY,
    Role.DISPATCHER,
    Role.COORDINATOR,
    Role.HEAD,
)


class LessonInput(StatesGroup):
    topic = State()
    homework = State()
    message = State()
    reason = State()
    marks_text = State()


def _message(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


def _day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _from_number(number: int) -> dt.date:
    return dt.date(number // 10000, number // 100 % 100, number % 100)


# --- «Мои уроки» ----------------------------------------------------------------------------


async def lessons_command(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    text, markup = await _lessons(uow, actor, ctx, 0)
    await message.answer(text, reply_markup=markup)


async def lessons_button(
    query: CallbackQuery,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    callback_data: Any = None,
) -> None:
    offset = callback_data.offset if isinstance(callback_data, DayCb) else 0
    await query.answer()
    text, markup = await _lessons(uow, actor, ctx, max(-7, min(offset, 7)))
    if (message := _message(query)) is not None:
        await message.edit_text(text, reply_markup=markup)


async def _lessons(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, offset: int
) -> tuple[str, InlineKeyboardMarkup]:
    day = await school_today(uow, actor.school_id, ctx.clock.now()) + dt.timedelta(days=offset)
    cards = await journal.teacher_lessons(uow, actor, day)
    builder = InlineKeyboardBuilder()
    for card in cards:
        done = txt.DONE_MARKS.format(
            att=txt.ATT_DONE if card.attendance_taken else "",
            topic=txt.TOPIC_DONE if card.topic else "",
            hw=txt.HW_DONE if card.homework else "",
        ).rstrip()
        label = txt.LESSON_BUTTON.format(
            number=card.key.lesson_number, group=card.group, subject=card.subject, marks=done
        ) + (txt.SUBSTITUTE if card.as_substitute else "")
        builder.button(
            text=label,
            callback_data=LessonCb(
                group=card.key.group_id, day=_day_number(day), number=card.key.lesson_number
            ),
        )
    builder.button(text=txt.PREV_DAY, callback_data=DayCb(what="lessons", offset=offset - 1))
    builder.button(text=txt.NEXT_DAY, callback_data=DayCb(what="lessons", offset=offset + 1))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(*([1] * len(cards)), 2, 1)
    title = (txt.LESSONS_TITLE if cards else txt.LESSONS_EMPTY).format(day=day_label(day))
    return title, builder.as_markup()


# --- the lesson card ------------------------------------------------------------------------


async def open_lesson(
    query: CallbackQuery,
    callback_data: LessonCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    key = LessonKey(callback_data.group, _from_number(callback_data.day), callback_data.number)
    lesson = await journal.open_lesson(uow, actor, key)
    await query.answer()
    await state.clear()
    if (message := _message(query)) is not None and lesson.id is not None:
        await _show_card(message, uow, actor, lesson.id, edit=True)


async def card_action(
    query: CallbackQuery, callback_data: CardCb, uow: SqlUnitOfWork, actor: Actor, state: FSMContext
) -> None:
    message = _message(query)
    lesson_id = callback_data.lesson
    view = await journal.lesson_view(uow, actor, lesson_id)  # checks the lesson is the actor's
    await query.answer()
    await state.clear()
    if message is None:
        return
    action = callback_data.action
    if action == "att":
        await state.update_data(attendance={str(k): v.value for k, v in view.absences.items()})
        await message.edit_text(
            _attendance_title(view), reply_markup=_attendance_keyboard(view, view.absences)
        )
    elif action == "marks":
        await message.edit_text(
            txt.WORK_TYPE_TITLE.format(group=view.group, subject=view.subject),
            reply_markup=await _work_types(uow, actor, lesson_id),
        )
    elif action == "topic":
        await state.set_state(LessonInput.topic)
        await state.update_data(lesson=lesson_id)
        builder = InlineKeyboardBuilder()
        if view.next_topic is not None and view.next_topic.id is not None:
            builder.button(
                text=view.next_topic.title[:60],
                callback_data=TopicCb(lesson=lesson_id, topic=view.next_topic.id),
            )
        builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
        builder.adjust(1)
        text = txt.TOPIC_TITLE if view.next_topic else txt.TOPIC_NO_PLAN
        await message.edit_text(text, reply_markup=builder.as_markup())
    elif action == "hw":
        await state.set_state(LessonInput.homework)
        await state.update_data(lesson=lesson_id)
        await message.edit_text(txt.HOMEWORK_ASK, reply_markup=_back(lesson_id))
    elif action == "msg":
        builder = InlineKeyboardBuilder()
        builder.button(
            text=txt.BTN_WHOLE_GROUP, callback_data=MessageCb(lesson=lesson_id, student=0)
        )
        for student in view.students:
            builder.button(
                text=student.short_name,
                callback_data=MessageCb(lesson=lesson_id, student=student.id or 0),
            )
        builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
        builder.adjust(1, 2)
        await message.edit_text(txt.MESSAGE_WHOM, reply_markup=builder.as_markup())
    else:
        await _show_card(message, uow, actor, lesson_id, edit=True, view=view)


def _back(lesson_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    return builder.as_markup()


async def _show_card(
    message: Message,
    uow: SqlUnitOfWork,
    actor: Actor,
    lesson_id: int,
    *,
    edit: bool,
    view: LessonView | None = None,
) -> None:
    view = view or await journal.lesson_view(uow, actor, lesson_id)
    lesson = view.lesson
    if lesson.attendance_taken_at is None:
        attendance = txt.NOT_TAKEN
    elif not view.absences:
        attendance = txt.ALL_PRESENT
    else:
        names = {s.id: s.short_name for s in view.students}
        attendance = ", ".join(
            f"{names.get(sid, '?')} ({ABSENCE_LETTERS[kind]})"
            for sid, kind in view.absences.items()
        )
    homework = (
        txt.HOMEWORK_SET.format(day=day_label(view.homework.due_on))
        if view.homework
        else txt.NO_HOMEWORK
    )
    text = txt.CARD.format(
        group=view.group,
        subject=view.subject,
        number=lesson.lesson_number,
        day=day_label(lesson.on_date),
        room="",
        substitute=txt.CARD_SUBSTITUTE if lesson.substitute_id == actor.person_id else "",
        attendance=attendance,
        topic=lesson.topic or txt.NO_TOPIC,
        homework=homework,
    )
    builder = InlineKeyboardBuilder()
    for label, action in (
        (txt.BTN_ATTENDANCE, "att"),
        (txt.BTN_MARKS, "marks"),
        (txt.BTN_TOPIC, "topic"),
        (txt.BTN_HOMEWORK, "hw"),
        (txt.BTN_MESSAGE, "msg"),
    ):
        builder.button(text=label, callback_data=CardCb(lesson=lesson_id, action=action))
    offset = 0
    builder.button(text=txt.BTN_LESSONS, callback_data=DayCb(what="lessons", offset=offset))
    builder.adjust(2, 2, 1, 1)
    if edit:
        await message.edit_text(text, reply_markup=builder.as_markup())
    else:
        await message.answer(text, reply_markup=builder.as_markup())


# --- attendance: k + 2 taps -----------------------------------------------------------------


def _attendance_title(view: LessonView) -> str:
    return txt.ATTENDANCE_TITLE.format(
        group=view.group, subject=view.subject, day=day_label(view.lesson.on_date)
    )


def _attendance_keyboard(view: LessonView, draft: dict[int, AbsenceKind]) -> InlineKeyboardMarkup:
    lesson_id = view.lesson.id or 0
    builder = InlineKeyboardBuilder()
    for student in view.students:
        kind = draft.get(student.id or 0)
        mark = f"{ABSENCE_LETTERS[kind]} " if kind else ""
        builder.button(
            text=f"{mark}{student.short_name}",
            callback_data=AttCb(lesson=lesson_id, student=student.id or 0),
        )
    builder.button(
        text=txt.BTN_ALL_PRESENT, callback_data=AttCb(lesson=lesson_id, student=0, act="all")
    )
    builder.button(text=txt.BTN_SAVE, callback_data=AttCb(lesson=lesson_id, student=0, act="save"))
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    builder.adjust(*([2] * ((len(view.students) + 1) // 2)), 2, 1)
    return builder.as_markup()


async def attendance_tap(
    query: CallbackQuery,
    callback_data: AttCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    lesson_id = callback_data.lesson
    view = await journal.lesson_view(uow, actor, lesson_id)
    data = await state.get_data()
    stored = data.get("attendance", {str(k): v.value for k, v in view.absences.items()})
    draft = {int(k): AbsenceKind(v) for k, v in stored.items()}
    message = _message(query)
    if callback_data.act in ("all", "save"):
        absent = {} if callback_data.act == "all" else draft
        await journal.save_attendance(uow, actor, lesson_id, absent, ctx.clock.now())
        await state.update_data(attendance=None)
        names = {s.id: s.short_name for s in view.students}
        summary = (
            ", ".join(f"{names.get(s, '?')} ({ABSENCE_LETTERS[k]})" for s, k in absent.items())
            or txt.ALL_PRESENT
        )
        await query.answer(txt.ATTENDANCE_SAVED.format(summary=summary)[:190])
        if message is not None:
            await _show_card(message, uow, actor, lesson_id, edit=True)
        return
    student_id = callback_data.student
    if student_id not in {s.id for s in view.students}:
        await query.answer(ct.STALE_BUTTON)
        return
    kind = next_absence(draft.get(student_id))
    if kind is None:
        draft.pop(student_id, None)
    else:
        draft[student_id] = kind
    await state.update_data(attendance={str(k): v.value for k, v in draft.items()})
    await query.answer()
    if message is not None:
        await message.edit_reply_markup(reply_markup=_attendance_keyboard(view, draft))


# --- marks: two taps each -------------------------------------------------------------------


async def _work_types(uow: SqlUnitOfWork, actor: Actor, lesson_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for work_type in await journal.work_types(uow, actor.school_id):
        builder.button(
            text=work_type.name,
            callback_data=WorkTypeCb(lesson=lesson_id, work_type=work_type.id or 0),
        )
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    builder.adjust(2)
    return builder.as_markup()


async def _marks_screen(
    message: Message,
    uow: SqlUnitOfWork,
    actor: Actor,
    lesson_id: int,
    work_type_id: int,
    state: FSMContext,
) -> None:
    view = await journal.lesson_view(uow, actor, lesson_id)
    names = {w.id: w.name for w in await journal.work_types(uow, actor.school_id)}
    builder = InlineKeyboardBuilder()
    for student in view.students:
        values = " ".join(m.value for m in view.marks.get(student.id or 0, []))
        absent = view.absences.get(student.id or 0)
        prefix = f"{ABSENCE_LETTERS[absent]} " if absent else ""
        builder.button(
            text=f"{prefix}{student.short_name} {values}".strip(),
            callback_data=MarkStudentCb(
                lesson=lesson_id, work_type=work_type_id, student=student.id or 0
            ),
        )
    builder.button(
        text=txt.BTN_OTHER_WORK_TYPE, callback_data=CardCb(lesson=lesson_id, action="marks")
    )
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    builder.adjust(*([2] * ((len(view.students) + 1) // 2)), 2)
    await state.set_state(LessonInput.marks_text)
    await state.update_data(lesson=lesson_id, work_type=work_type_id)
    text = txt.MARKS_TITLE.format(
        work_type=names.get(work_type_id, ""), group=view.group, subject=view.subject
    )
    await message.edit_text(text, reply_markup=builder.as_markup())


async def work_type_chosen(
    query: CallbackQuery,
    callback_data: WorkTypeCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    await query.answer()
    if (message := _message(query)) is not None:
        await _marks_screen(
            message, uow, actor, callback_data.lesson, callback_data.work_type, state
        )


async def mark_student(
    query: CallbackQuery, callback_data: MarkStudentCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    view = await journal.lesson_view(uow, actor, callback_data.lesson)
    student = next((s for s in view.students if s.id == callback_data.student), None)
    if student is None:
        await query.answer(ct.STALE_BUTTON)
        return
    scale = grading.SCALES["five_point"] if not view.subject else await _scale(uow, view)
    names = {w.id: w.name for w in await journal.work_types(uow, actor.school_id)}
    builder = InlineKeyboardBuilder()
    for value in (*reversed(scale.values), *grading.CURRENT_SPECIALS):
        builder.button(
            text=value,
            callback_data=MarkValueCb(
                lesson=callback_data.lesson,
                work_type=callback_data.work_type,
                student=callback_data.student,
                value=value,
            ),
        )
    existing = view.marks.get(callback_data.student, [])
    if existing:
        builder.button(
            text=txt.BTN_FIX,
            callback_data=MarkEditCb(mark=existing[0].id or 0, version=0, value="?"),
        )
    builder.button(
        text=txt.BTN_CANCEL_VALUE,
        callback_data=MarkValueCb(
            lesson=callback_data.lesson,
            work_type=callback_data.work_type,
            student=callback_data.student,
            value="x",
        ),
    )
    builder.adjust(len(scale.values) + len(grading.CURRENT_SPECIALS), 1, 1)
    await query.answer()
    if (message := _message(query)) is not None:
        title = txt.VALUE_TITLE.format(
            student=student.short_name, work_type=names.get(callback_data.work_type, "")
        )
        await message.edit_text(title, reply_markup=builder.as_markup())


async def _scale(uow: SqlUnitOfWork, view: LessonView) -> grading.GradingScale:
    from core.model.school import Subject

    subject = await uow.repo(Subject).get(view.lesson.subject_id)
    return grading.SCALES[subject.grading_scale if subject else "five_point"]


async def mark_value(
    query: CallbackQuery,
    callback_data: MarkValueCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    if callback_data.value != "x":
        mark = await journal.post_mark(
            uow,
            actor,
            callback_data.lesson,
            callback_data.student,
            callback_data.work_type,
            callback_data.value,
            ctx.clock.now(),
        )
        await query.answer(txt.MARK_POSTED.format(student="", value=mark.value).strip(": "))
    else:
        await query.answer()
    if (message := _message(query)) is not None:
        await _marks_screen(
            message, uow, actor, callback_data.lesson, callback_data.work_type, state
        )


async def marks_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    result = await journal.post_marks_text(
        uow, actor, int(data["lesson"]), int(data["work_type"]), message.text or "", ctx.clock.now()
    )
    if result.problems:
        await message.answer(
            txt.TEXT_MARKS_PROBLEMS.format(problems="\n".join(f"• {p}" for p in result.problems))
        )
        return
    await message.answer(txt.TEXT_MARKS_SAVED.format(count=len(result.marks)))


# --- correcting a mark ----------------------------------------------------------------------


async def mark_edit(
    query: CallbackQuery,
    callback_data: MarkEditCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    mark = await journal.mark_for_edit(uow, actor, callback_data.mark)
    view = await journal.lesson_view(uow, actor, mark.lesson_id)
    student = next((s.short_name for s in view.students if s.id == mark.student_id), "")
    message = _message(query)
    await query.answer()
    if message is None:
        return
    if callback_data.value == "?":
        builder = InlineKeyboardBuilder()
        names = {w.id: w.name for w in await journal.work_types(uow, actor.school_id)}
        for existing in view.marks.get(mark.student_id, []):
            builder.button(
                text=txt.FIX_MARK.format(
                    value=existing.value, work_type=names.get(existing.work_type_id, "")
                ),
                callback_data=MarkEditCb(mark=existing.id or 0, version=existing.version, value=""),
            )
        builder.button(
            text=txt.BTN_BACK, callback_data=CardCb(lesson=mark.lesson_id, action="card")
        )
        builder.adjust(1)
        await message.edit_text(
            txt.FIX_TITLE.format(student=student), reply_markup=builder.as_markup()
        )
        return
    if callback_data.value == "":
        scale = await _scale(uow, view)
        builder = InlineKeyboardBuilder()
        for value in (*reversed(scale.values), *grading.CURRENT_SPECIALS):
            builder.button(
                text=value,
                callback_data=MarkEditCb(
                    mark=mark.id or 0, version=callback_data.version, value=value
                ),
            )
        builder.button(
            text=txt.BTN_DELETE,
            callback_data=MarkEditCb(mark=mark.id or 0, version=callback_data.version, value="del"),
        )
        builder.button(
            text=txt.BTN_BACK, callback_data=CardCb(lesson=mark.lesson_id, action="card")
        )
        builder.adjust(len(scale.values) + len(grading.CURRENT_SPECIALS), 1, 1)
        await message.edit_text(
            txt.FIX_VALUE_TITLE.format(value=mark.value, student=student),
            reply_markup=builder.as_markup(),
        )
        return
    await state.set_state(LessonInput.reason)
    await state.update_data(mark=mark.id, version=callback_data.version, value=callback_data.value)
    await message.answer(txt.REASON_ASK)


async def reason_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    mark_id, version, value = int(data["mark"]), int(data["version"]), str(data["value"])
    before = (await journal.mark_for_edit(uow, actor, mark_id)).value
    reason = message.text or ""
    if value == "del":
        mark = await journal.delete_mark(uow, actor, mark_id, reason, version, ctx.clock.now())
    else:
        mark = await journal.change_mark(
            uow, actor, mark_id, value, reason, version, ctx.clock.now()
        )
    await state.clear()
    view = await journal.lesson_view(uow, actor, mark.lesson_id)
    student = next((s.short_name for s in view.students if s.id == mark.student_id), "")
    text = (
        txt.MARK_DELETED.format(student=student, before=before)
        if value == "del"
        else txt.MARK_CHANGED.format(student=student, before=before, value=mark.value)
    )
    await message.answer(text)
    await _show_card(message, uow, actor, mark.lesson_id, edit=False, view=view)


# --- topic, homework, message ---------------------------------------------------------------


async def topic_chosen(
    query: CallbackQuery,
    callback_data: TopicCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    lesson = await lesson_content.set_topic(
        uow, actor, callback_data.lesson, ctx.clock.now(), topic_id=callback_data.topic
    )
    await state.clear()
    await query.answer(txt.TOPIC_SAVED.format(topic=lesson.topic or "")[:190])
    if (message := _message(query)) is not None:
        await _show_card(message, uow, actor, callback_data.lesson, edit=True)


async def topic_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    lesson_id = int((await state.get_data())["lesson"])
    lesson = await lesson_content.set_topic(
        uow, actor, lesson_id, ctx.clock.now(), text=message.text or ""
    )
    await state.clear()
    await message.answer(txt.TOPIC_SAVED.format(topic=lesson.topic or ""))
    await _show_card(message, uow, actor, lesson_id, edit=False)


async def homework_input(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    lesson_id = int((await state.get_data())["lesson"])
    files = []
    if message.photo:
        files.append(f"photo:{message.photo[-1].file_id}")
    if message.document:
        files.append(f"doc:{message.document.file_id}")
    text = message.text or message.caption or ""
    homework = await lesson_content.set_homework(
        uow, actor, lesson_id, text, ctx.clock.now(), attachments=files
    )
    await state.clear()
    extra = (
        txt.HOMEWORK_FILES.format(count=len(homework.attachments)) if homework.attachments else ""
    )
    await message.answer(txt.HOMEWORK_SAVED.format(day=day_label(homework.due_on), files=extra))
    await _show_card(message, uow, actor, lesson_id, edit=False)


async def message_whom(
    query: CallbackQuery,
    callback_data: MessageCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    view = await journal.lesson_view(uow, actor, callback_data.lesson)
    if callback_data.student:
        student = next((s for s in view.students if s.id == callback_data.student), None)
        if student is None:
            await query.answer(ct.STALE_BUTTON)
            return
        whom = student.short_name
    else:
        whom = txt.WHOLE_GROUP.format(group=view.group)
    await state.set_state(LessonInput.message)
    await state.update_data(lesson=callback_data.lesson, student=callback_data.student, whom=whom)
    await query.answer()
    if (message := _message(query)) is not None:
        await message.edit_text(
            txt.MESSAGE_ASK.format(whom=whom), reply_markup=_back(callback_data.lesson)
        )


async def message_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    lesson_id, student = int(data["lesson"]), int(data["student"]) or None
    await lesson_content.message_guardians(
        uow, actor, lesson_id, message.text or "", ctx.clock.now(), student
    )
    await state.clear()
    await message.answer(txt.MESSAGE_SENT.format(whom=data["whom"]))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="lesson")
    router.message.filter(InRole(*STAFF))
    router.callback_query.filter(InRole(*STAFF))
    router.message.register(lessons_command, Command("lessons"))
    router.callback_query.register(lessons_button, MenuCb.filter(F.action == "lessons"))
    router.callback_query.register(lessons_button, DayCb.filter(F.what == "lessons"))
    router.callback_query.register(open_lesson, LessonCb.filter())
    router.callback_query.register(card_action, CardCb.filter())
    router.callback_query.register(attendance_tap, AttCb.filter())
    router.callback_query.register(work_type_chosen, WorkTypeCb.filter())
    router.callback_query.register(mark_student, MarkStudentCb.filter())
    router.callback_query.register(mark_value, MarkValueCb.filter())
    router.callback_query.register(mark_edit, MarkEditCb.filter())
    router.callback_query.register(topic_chosen, TopicCb.filter())
    router.callback_query.register(message_whom, MessageCb.filter())
    router.message.register(marks_text, LessonInput.marks_text, F.text)
    router.message.register(reason_text, LessonInput.reason, F.text)
    router.message.register(topic_text, LessonInput.topic, F.text)
    router.message.register(homework_input, LessonInput.homework, F.text | F.photo | F.document)
    router.message.register(message_text, LessonInput.message, F.text)
    return router
