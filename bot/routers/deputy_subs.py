"""«🔁 Замены и переносы» (LES-10) for the deputy and the timetable dispatcher: the lessons of a
day, a lesson's screen, a substitute from the free teachers (moves and timetable changes:
bot/routers/deputy_moves.py). Handlers parse the tap, call one use case of
core.services.substitutions and render; core refuses what is not allowed (its Russian reason is
the answer)."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label
from bot.routers import deputy_ui as ui
from bot.texts import common as ct
from bot.texts import deputy as txt
from core.model.identity import Actor
from core.services import scheduling_lists as lists
from core.services import substitutions
from core.services.errors import NOT_FOUND, NotFound
from core.services.journal import LessonKey
from core.services.schedule_slots import SCHEDULERS
from core.services.substitutions import DayLesson
from storage.uow import SqlUnitOfWork


class SubDayCb(CallbackData, prefix="sd"):
    day: int  # yyyymmdd


class SubLessonCb(CallbackData, prefix="sl"):
    group: int
    day: int
    number: int
    act: str = ""  # "" the screen, "free" teachers, "unsub", "move", "plan"


class SubTeacherCb(CallbackData, prefix="st"):
    group: int
    day: int
    number: int
    teacher: int


def lesson_key(group: int, day: int, number: int) -> LessonKey:
    return LessonKey(group, ui.from_number(day), number)


def lesson_cb(key: LessonKey, act: str = "") -> SubLessonCb:
    return SubLessonCb(
        group=key.group_id, day=ui.day_number(key.on_date), number=key.lesson_number, act=act
    )


async def day_line(uow: SqlUnitOfWork, actor: Actor, key: LessonKey) -> DayLesson:
    for line in await substitutions.day_lessons(uow, actor, key.on_date):
        if line.key == key:
            return line
    raise NotFound(NOT_FOUND)


# --- the day's lessons ------------------------------------------------------------------------


async def _day_screen(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, day: dt.date
) -> tuple[str, InlineKeyboardMarkup]:
    lines = await substitutions.day_lessons(uow, actor, day)
    builder = InlineKeyboardBuilder()
    for line in lines:
        marks = txt.MARK_SUBSTITUTED.format(substitute=line.substitute) if line.substitute else ""
        if line.moved_from_date is not None and not line.cancelled:
            marks += txt.MARK_MOVED_HERE
        label = txt.LESSON_BUTTON.format(
            number=line.key.lesson_number,
            group=line.group,
            subject=line.subject,
            teacher=line.teacher,
            marks=marks,
        )
        builder.button(
            text=(txt.MARK_MOVED_AWAY if line.cancelled else "") + label,
            callback_data=lesson_cb(line.key),
        )
    today = await ui.today_of(uow, actor, ctx)
    for text, other in (
        (txt.BTN_PREV, day - dt.timedelta(days=1)),
        (txt.BTN_TODAY, today),
        (txt.BTN_TOMORROW, today + dt.timedelta(days=1)),
        (txt.BTN_NEXT, day + dt.timedelta(days=1)),
    ):
        builder.button(text=text, callback_data=SubDayCb(day=ui.day_number(other)))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(*([1] * len(lines)), 4, 1)
    title = txt.DAY_TITLE if lines else txt.DAY_EMPTY
    return title.format(day=day_label(day)), builder.as_markup()


async def subs_command(message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext) -> None:
    await ui.show(message, *await _day_screen(uow, actor, ctx, await ui.today_of(uow, actor, ctx)))


async def subs_button(
    query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    await state.clear()
    await ui.show(query, *await _day_screen(uow, actor, ctx, await ui.today_of(uow, actor, ctx)))


async def day_chosen(
    query: CallbackQuery,
    callback_data: SubDayCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    day = ui.from_number(callback_data.day)
    await ui.show(query, *await _day_screen(uow, actor, ctx, day))


# --- a lesson -------------------------------------------------------------------------------


async def lesson_screen(
    uow: SqlUnitOfWork, actor: Actor, key: LessonKey, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    line = await day_line(uow, actor, key)
    text = txt.LESSON.format(
        group=line.group,
        subject=line.subject,
        number=key.lesson_number,
        day=day_label(key.on_date),
        room=txt.LESSON_ROOM.format(room=line.room) if line.room else "",
        teacher=line.teacher,
    )
    if line.substitute:
        text += txt.LESSON_SUBSTITUTE.format(substitute=line.substitute)
    if line.moved_from_date is not None and line.moved_from_number is not None:
        text += txt.LESSON_MOVED_FROM.format(
            date=line.moved_from_date.strftime("%d.%m.%Y"), number=line.moved_from_number
        )
    builder = InlineKeyboardBuilder()
    if line.cancelled:
        text += txt.LESSON_MOVED_AWAY
    else:
        builder.button(text=txt.BTN_SUBSTITUTE, callback_data=lesson_cb(key, "free"))
        if line.substitute_id is not None:
            builder.button(text=txt.BTN_UNSUBSTITUTE, callback_data=lesson_cb(key, "unsub"))
        builder.button(text=txt.BTN_MOVE, callback_data=lesson_cb(key, "move"))
        builder.button(text=txt.BTN_TIMETABLE, callback_data=lesson_cb(key, "plan"))
    builder.button(text=txt.BTN_DAY_LESSONS, callback_data=SubDayCb(day=ui.day_number(key.on_date)))
    builder.adjust(1)
    return (f"{notice}\n\n{text}" if notice else text), builder.as_markup()


def back_to_lesson(key: LessonKey, builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup:
    builder.button(text=txt.BTN_BACK_LESSON, callback_data=lesson_cb(key))
    return builder.as_markup()


async def lesson_action(
    query: CallbackQuery,
    callback_data: SubLessonCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    """The lesson's screen, its free teachers, or its substitution cancelled (a move and a
    timetable change: bot/routers/deputy_moves.py)."""
    key = lesson_key(callback_data.group, callback_data.day, callback_data.number)
    await state.clear()
    if callback_data.act == "free":
        await ui.show(query, *await _free_screen(uow, actor, key))
    elif callback_data.act == "unsub":
        lesson = await substitutions.cancel_substitution(uow, actor, key, ctx.clock.now())
        notice = txt.UNSUBSTITUTED.format(
            name=await lists.staff_name(uow, actor, lesson.teacher_id)
        )
        await ui.show(query, *await lesson_screen(uow, actor, key, notice))
    else:
        await ui.show(query, *await lesson_screen(uow, actor, key))


# --- a substitute ---------------------------------------------------------------------------


async def _free_screen(
    uow: SqlUnitOfWork, actor: Actor, key: LessonKey
) -> tuple[str, InlineKeyboardMarkup]:
    slot = await lists.slot_at(uow, actor, key)
    teachers = await substitutions.free_teachers(
        uow, actor, key.on_date, key.lesson_number, slot.subject_id, key.group_id
    )
    builder = InlineKeyboardBuilder()
    for teacher in teachers:
        builder.button(
            text=ui.teacher_label(teacher),
            callback_data=SubTeacherCb(
                group=key.group_id,
                day=ui.day_number(key.on_date),
                number=key.lesson_number,
                teacher=teacher.staff_id,
            ),
        )
    builder.adjust(1)
    title = (txt.FREE_TITLE if teachers else txt.FREE_EMPTY).format(
        day=day_label(key.on_date), number=key.lesson_number
    )
    return title, back_to_lesson(key, builder)


async def teacher_chosen(
    query: CallbackQuery,
    callback_data: SubTeacherCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    key = lesson_key(callback_data.group, callback_data.day, callback_data.number)
    await substitutions.substitute(uow, actor, key, callback_data.teacher, ctx.clock.now())
    name = await lists.staff_name(uow, actor, callback_data.teacher)
    notice = txt.SUBSTITUTED.format(name=name)
    await ui.show(query, *await lesson_screen(uow, actor, key, notice))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="deputy_subs")
    router.message.filter(InRole(*SCHEDULERS))
    router.callback_query.filter(InRole(*SCHEDULERS))
    router.message.register(subs_command, Command("subs"))
    router.callback_query.register(subs_button, MenuCb.filter(F.action == "subs"))
    router.callback_query.register(day_chosen, SubDayCb.filter())
    router.callback_query.register(
        lesson_action, SubLessonCb.filter(F.act.in_({"", "free", "unsub"}))
    )
    router.callback_query.register(teacher_chosen, SubTeacherCb.filter())
    return router
