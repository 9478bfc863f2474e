"""The teacher in the lesson (LES-1..4, LES-11): «Мои уроки», the lesson card, attendance in k + 2
taps, the topic, homework, a message to guardians (marks: bot/routers/marks.py).
Handlers parse the tap, call one use case of core.services.journal / lesson_content, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AttCb,
    CardCb,
    DayCb,
    LessonCb,
    MenuCb,
    MessageCb,
    TopicCb,
)
from bot.context import BotContext
from bot.filters import STAFF_ROLES as STAFF
from bot.filters import InRole
from bot.lesson_ui import LessonInput, back_to_card, show_card, target, work_types_keyboard
from bot.replies import day_label
from bot.texts import common as ct
from bot.texts import lesson as txt
from core.model.identity import Actor
from core.model.journal import AbsenceKind
from core.rules.journal import next_absence
from core.services import journal, lesson_content
from core.services.errors import NOT_FOUND, NotFound
from core.services.journal import LessonKey, LessonView
from core.services.journal_texts import ABSENCE_LETTERS
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork


def _day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _from_number(number: int) -> dt.date:
    try:
        return dt.date(number // 10000, number // 100 % 100, number % 100)
    except (ValueError, OverflowError) as error:  # a forged button: no such day
        raise NotFound(NOT_FOUND) from error


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
    if (message := target(query)) is not None:
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
    if (message := target(query)) is not None and lesson.id is not None:
        await show_card(message, uow, actor, lesson.id, edit=True)


async def card_action(
    query: CallbackQuery, callback_data: CardCb, uow: SqlUnitOfWork, actor: Actor, state: FSMContext
) -> None:
    message = target(query)
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
            reply_markup=await work_types_keyboard(uow, actor, lesson_id),
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
        await message.edit_text(txt.HOMEWORK_ASK, reply_markup=back_to_card(lesson_id))
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
        await show_card(message, uow, actor, lesson_id, edit=True, view=view)


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
    message = target(query)
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
            await show_card(message, uow, actor, lesson_id, edit=True)
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
    if (message := target(query)) is not None:
        await show_card(message, uow, actor, callback_data.lesson, edit=True)


async def topic_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    lesson_id = int((await state.get_data())["lesson"])
    lesson = await lesson_content.set_topic(
        uow, actor, lesson_id, ctx.clock.now(), text=message.text or ""
    )
    await state.clear()
    await message.answer(txt.TOPIC_SAVED.format(topic=lesson.topic or ""))
    await show_card(message, uow, actor, lesson_id, edit=False)


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
    await show_card(message, uow, actor, lesson_id, edit=False)


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
    if (message := target(query)) is not None:
        await message.edit_text(
            txt.MESSAGE_ASK.format(whom=whom), reply_markup=back_to_card(callback_data.lesson)
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
    router.callback_query.register(topic_chosen, TopicCb.filter())
    router.callback_query.register(message_whom, MessageCb.filter())
    router.message.register(topic_text, LessonInput.topic, F.text)
    router.message.register(homework_input, LessonInput.homework, F.text | F.photo | F.document)
    router.message.register(message_text, LessonInput.message, F.text)
    return router
