"""Moving a lesson (date, number, room) and changing the timetable from a date (LES-10,
SETUP-9), reached from the lesson's screen of «🔁 Замены и переносы». Handlers parse the tap, call
one use case of core.services.substitutions and render; core refuses a busy teacher, room or
group, a holiday, a past date (its Russian reason is the answer).

The timetable change in the bot sets a new teacher only; a new weekday, number or room of a
weekly slot is core's too (change_timetable_from) but goes through the timetable file."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label
from bot.routers import deputy_ui as ui
from bot.routers.deputy_subs import (
    SubLessonCb,
    back_to_lesson,
    day_line,
    lesson_key,
    lesson_screen,
)
from bot.texts import deputy as txt
from core.model.identity import Actor
from core.services import lesson_moves, substitutions
from core.services import scheduling_lists as lists
from core.services.journal import LessonKey
from core.services.schedule_slots import SCHEDULERS
from storage.uow import SqlUnitOfWork

PLAN_WEEKS = 4  # a timetable change starts on the lesson's weekday, this week or the next three


class SubMoveCb(CallbackData, prefix="sm"):
    group: int
    day: int
    number: int
    to_day: int
    to_number: int = 0  # 0: still to choose
    room: int = -1  # -1: still to choose, 0: keep the lesson's room


class SubPlanCb(CallbackData, prefix="sp"):
    group: int
    day: int
    number: int
    start: int
    teacher: int = 0  # 0: still to choose


class SubInput(StatesGroup):
    move_date = State()


# --- a move: date, number, room -------------------------------------------------------------


async def move_dates(
    query: CallbackQuery,
    callback_data: SubLessonCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    """The new date: the group's next school days as buttons, or any date typed."""
    key = lesson_key(callback_data.group, callback_data.day, callback_data.number)
    line = await day_line(uow, actor, key)
    days = await lists.school_days(uow, actor, key.group_id, await ui.today_of(uow, actor, ctx))
    template = SubMoveCb(
        group=key.group_id, day=ui.day_number(key.on_date), number=key.lesson_number, to_day=0
    )
    builder = InlineKeyboardBuilder()
    for day in days:
        builder.button(
            text=ui.short_day(day),
            callback_data=template.model_copy(update={"to_day": ui.day_number(day)}),
        )
    builder.adjust(5)
    markup = back_to_lesson(key, builder)
    title = txt.MOVE_DATE_TITLE.format(
        group=line.group, subject=line.subject, number=key.lesson_number, day=day_label(key.on_date)
    )
    await state.set_state(SubInput.move_date)
    await state.update_data(move=template.pack())
    await ui.show(query, f"{title}\n{txt.DATE_HINT}", markup)


async def _move_step(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, data: SubMoveCb
) -> tuple[str, InlineKeyboardMarkup]:
    """The next screen of a move: its number, its room, or the move done."""
    key = lesson_key(data.group, data.day, data.number)
    to_day = ui.from_number(data.to_day)
    builder = InlineKeyboardBuilder()
    if data.to_number == 0:
        for number in await lists.bell_numbers(uow, actor, key.group_id):
            builder.button(
                text=str(number), callback_data=data.model_copy(update={"to_number": number})
            )
        builder.adjust(6)
        return txt.MOVE_NUMBER_TITLE.format(day=day_label(to_day)), back_to_lesson(key, builder)
    if data.room == -1:
        line = await day_line(uow, actor, key)
        keep = txt.BTN_KEEP_ROOM.format(room=line.room) if line.room else txt.BTN_KEEP_NO_ROOM
        builder.button(text=keep, callback_data=data.model_copy(update={"room": 0}))
        for room in await lists.rooms(uow, actor):
            if room.id != line.room_id:
                builder.button(
                    text=txt.ROOM_BUTTON.format(room=room.name),
                    callback_data=data.model_copy(update={"room": room.id}),
                )
        builder.adjust(1, 3)
        title = txt.MOVE_ROOM_TITLE.format(day=day_label(to_day), number=data.to_number)
        return title, back_to_lesson(key, builder)
    moved = await lesson_moves.move_lesson(
        uow,
        actor,
        key,
        new_date=to_day,
        new_number=data.to_number,
        new_room_id=data.room or None,
        now=ctx.clock.now(),
    )
    new_key = LessonKey(moved.group_id, moved.on_date, moved.lesson_number)
    return await lesson_screen(uow, actor, new_key, txt.MOVED)


async def move_step(
    query: CallbackQuery,
    callback_data: SubMoveCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    await ui.show(query, *await _move_step(uow, actor, ctx, callback_data))


async def move_date_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    day = ui.parse_day(message.text or "", await ui.today_of(uow, actor, ctx))
    if day is None:
        await message.answer(txt.BAD_DATE)
        return
    template = SubMoveCb.unpack(str((await state.get_data())["move"]))
    await state.clear()
    data = template.model_copy(update={"to_day": ui.day_number(day)})
    await ui.show(message, *await _move_step(uow, actor, ctx, data))


# --- the timetable from a date: a new teacher -----------------------------------------------


async def plan_dates(
    query: CallbackQuery,
    callback_data: SubLessonCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    """From which date: the lesson's weekday this week and the next ones."""
    await state.clear()
    key = lesson_key(callback_data.group, callback_data.day, callback_data.number)
    line = await day_line(uow, actor, key)
    first = await ui.today_of(uow, actor, ctx)
    builder = InlineKeyboardBuilder()
    for week in range(PLAN_WEEKS):
        day = key.on_date + dt.timedelta(weeks=week)
        if day >= first:
            builder.button(
                text=ui.short_day(day),
                callback_data=SubPlanCb(
                    group=key.group_id,
                    day=ui.day_number(key.on_date),
                    number=key.lesson_number,
                    start=ui.day_number(day),
                ),
            )
    builder.adjust(PLAN_WEEKS)
    title = txt.TIMETABLE_DATE_TITLE.format(
        group=line.group,
        subject=line.subject,
        weekday=txt.WEEKDAYS_SHORT[key.on_date.weekday()],
        number=key.lesson_number,
    )
    await ui.show(query, title, back_to_lesson(key, builder))


async def plan_step(
    query: CallbackQuery,
    callback_data: SubPlanCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    key = lesson_key(callback_data.group, callback_data.day, callback_data.number)
    start = ui.from_number(callback_data.start)
    slot = await lists.slot_at(uow, actor, key)
    if callback_data.teacher == 0:
        teachers = await substitutions.free_teachers(
            uow, actor, start, key.lesson_number, slot.subject_id, key.group_id
        )
        builder = InlineKeyboardBuilder()
        for teacher in teachers:
            data = callback_data.model_copy(update={"teacher": teacher.staff_id})
            builder.button(text=ui.teacher_label(teacher), callback_data=data)
        builder.adjust(1)
        title = txt.TIMETABLE_TEACHER_TITLE if teachers else txt.TIMETABLE_NO_TEACHERS
        await ui.show(query, title.format(day=ui.date_text(start)), back_to_lesson(key, builder))
        return
    if slot.entry_id is None:
        await query.answer(txt.NOT_FROM_TIMETABLE, show_alert=True)
        return
    entry = await lesson_moves.change_timetable_from(
        uow, actor, slot.entry_id, start, teacher_id=callback_data.teacher, now=ctx.clock.now()
    )
    name = await lists.staff_name(uow, actor, entry.teacher_id)
    notice = txt.TIMETABLE_CHANGED.format(day=ui.date_text(start), name=name)
    await ui.show(query, *await lesson_screen(uow, actor, key, notice))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="deputy_moves")
    router.message.filter(InRole(*SCHEDULERS))
    router.callback_query.filter(InRole(*SCHEDULERS))
    router.callback_query.register(move_dates, SubLessonCb.filter(F.act == "move"))
    router.callback_query.register(move_step, SubMoveCb.filter())
    router.message.register(move_date_text, SubInput.move_date, F.text)
    router.callback_query.register(plan_dates, SubLessonCb.filter(F.act == "plan"))
    router.callback_query.register(plan_step, SubPlanCb.filter())
    return router
