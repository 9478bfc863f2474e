"""Pieces of the lesson screens shared by the lesson and marks routers: the text inputs the
bot waits for, the lesson card, the small keyboards."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import CardCb, DayCb, WorkTypeCb
from bot.middlewares import answer_target
from bot.replies import day_label
from bot.texts import lesson as txt
from core.model.identity import Actor
from core.services import journal
from core.services.journal import LessonView
from core.services.journal_texts import ABSENCE_LETTERS
from storage.uow import SqlUnitOfWork


class LessonInput(StatesGroup):
    topic = State()
    homework = State()
    message = State()
    reason = State()
    marks_text = State()


def target(query: CallbackQuery) -> Message | None:
    return answer_target(query)


def back_to_card(lesson_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    return builder.as_markup()


async def show_card(
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
    builder.button(text=txt.BTN_LESSONS, callback_data=DayCb(what="lessons", offset=0))
    builder.adjust(2, 2, 1, 1)
    if edit:
        await message.edit_text(text, reply_markup=builder.as_markup())
    else:
        await message.answer(text, reply_markup=builder.as_markup())


async def work_types_keyboard(
    uow: SqlUnitOfWork, actor: Actor, lesson_id: int
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for work_type in await journal.work_types(uow, actor.school_id):
        builder.button(
            text=work_type.name,
            callback_data=WorkTypeCb(lesson=lesson_id, work_type=work_type.id or 0),
        )
    builder.button(text=txt.BTN_BACK, callback_data=CardCb(lesson=lesson_id, action="card"))
    builder.adjust(2)
    return builder.as_markup()
