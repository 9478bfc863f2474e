"""«📝 Контрольные работы» (SETUP-14) for the deputy and the timetable dispatcher: a period's
schedule, a work moved or cancelled with its reason (a new work: deputy_works_add). Handlers
parse, call one use case of core.services.control_works and render; core refuses what breaks the
school's rules."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
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
from core.services import control_works
from core.services import scheduling_lists as lists
from core.services.control_works import ControlWorkLine
from core.services.finals import period_name
from core.services.schedule_slots import SCHEDULERS
from storage.uow import SqlUnitOfWork


class WorkPeriodCb(CallbackData, prefix="kp"):
    period: int


class WorkCb(CallbackData, prefix="kw"):
    period: int
    work: int
    act: str = ""  # "" the work's screen, "mv" move, "x" cancel


class WorkMoveCb(CallbackData, prefix="km"):
    period: int
    work: int
    group: int  # for the bells offered; core checks the work itself
    day: int = 0  # 0: still to choose
    number: int = -1  # -1: still to choose, 0: no lesson number


class WorkAddCb(CallbackData, prefix="ka"):
    period: int
    group: int = 0  # 0: still to choose (and so on below)
    subject: int = 0
    day: int = 0
    form: str = ""
    number: int = -1  # -1: still to choose, 0: no lesson number


class WorkInput(StatesGroup):
    date = State()
    topic = State()
    reason = State()


def work_line(work: ControlWorkLine) -> str:
    return txt.WORK_LINE.format(
        date=work.on_date.strftime("%d.%m"),
        weekday=txt.WEEKDAYS_SHORT[work.on_date.weekday()],
        number=txt.WORK_NUMBER.format(number=work.lesson_number) if work.lesson_number else "",
        group=work.group,
        subject=work.subject,
        form=txt.FORMS[work.form].lower(),
        topic=txt.WORK_TOPIC.format(topic=work.topic) if work.topic else "",
    )


async def find_work(
    uow: SqlUnitOfWork, actor: Actor, period_id: int, work_id: int
) -> ControlWorkLine | None:
    lines = await control_works.period_control_works(uow, actor, period_id)
    return next((w for w in lines if w.id == work_id), None)


def to_list(period_id: int, builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup:
    builder.button(text=txt.BTN_WORKS, callback_data=WorkPeriodCb(period=period_id))
    return builder.as_markup()


# --- periods and their schedules ------------------------------------------------------------


async def _periods_screen(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> tuple[str, InlineKeyboardMarkup]:
    found = await lists.periods(uow, actor, await ui.today_of(uow, actor, ctx))
    builder = InlineKeyboardBuilder()
    for period in found:
        name = period_name(period)
        label = txt.PERIOD_BUTTON.format(
            name=name[:1].upper() + name[1:],
            start=period.starts_on.strftime("%d.%m"),
            end=period.ends_on.strftime("%d.%m"),
        )
        builder.button(text=label, callback_data=WorkPeriodCb(period=period.id or 0))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    return (txt.PERIODS_TITLE if found else txt.PERIODS_EMPTY), builder.as_markup()


async def works_screen(
    uow: SqlUnitOfWork, actor: Actor, period_id: int, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    period = await lists.period(uow, actor, period_id)
    works = await control_works.period_control_works(uow, actor, period_id)
    builder = InlineKeyboardBuilder()
    for work in works:
        label = txt.WORK_BUTTON.format(
            date=work.on_date.strftime("%d.%m"), group=work.group, subject=work.subject
        )
        builder.button(text=label, callback_data=WorkCb(period=period_id, work=work.id))
    builder.button(text=txt.BTN_ADD, callback_data=WorkAddCb(period=period_id))
    builder.button(text=txt.BTN_PERIODS, callback_data=MenuCb(action="controlworks"))
    builder.adjust(1)
    text = txt.WORKS_TITLE.format(
        period=period_name(period),
        start=period.starts_on.strftime("%d.%m.%Y"),
        end=period.ends_on.strftime("%d.%m.%Y"),
        lines="\n".join(f"• {work_line(w)}" for w in works) or txt.WORKS_EMPTY,
    )
    return (f"{notice}\n\n{text}" if notice else text), builder.as_markup()


async def works_command(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await ui.show(message, *await _periods_screen(uow, actor, ctx))


async def works_button(
    query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    await state.clear()
    await ui.show(query, *await _periods_screen(uow, actor, ctx))


async def period_chosen(
    query: CallbackQuery,
    callback_data: WorkPeriodCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    await state.clear()
    await ui.show(query, *await works_screen(uow, actor, callback_data.period))


# --- one work: its screen, a move, a cancellation -------------------------------------------


async def work_action(
    query: CallbackQuery,
    callback_data: WorkCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    period_id = callback_data.period
    work = await find_work(uow, actor, period_id, callback_data.work)
    if work is None:
        await ui.show(query, *await works_screen(uow, actor, period_id))
        return
    builder = InlineKeyboardBuilder()
    if callback_data.act == "mv":
        move = WorkMoveCb(period=period_id, work=work.id, group=work.group_id)
        for day in await lists.school_days(
            uow, actor, work.group_id, await ui.today_of(uow, actor, ctx)
        ):
            builder.button(
                text=ui.short_day(day),
                callback_data=move.model_copy(update={"day": ui.day_number(day)}),
            )
        builder.adjust(5)
        await state.set_state(WorkInput.date)
        await state.update_data(next=move.pack())
        text = f"{txt.MOVE_WORK_DATE.format(line=work_line(work))}\n{txt.DATE_HINT}"
        await ui.show(query, text, to_list(period_id, builder))
    elif callback_data.act == "x":
        await state.set_state(WorkInput.reason)
        await state.update_data(work=work.id, period=period_id, line=work_line(work))
        await ui.show(
            query, txt.CANCEL_ASK.format(line=work_line(work)), to_list(period_id, builder)
        )
    else:
        await ui.show(query, *_work_screen(period_id, work))


def _work_screen(
    period_id: int, work: ControlWorkLine, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    text = txt.WORK.format(
        form=txt.FORMS[work.form],
        group=work.group,
        subject=work.subject,
        day=day_label(work.on_date),
        number=txt.WORK_NUMBER.format(number=work.lesson_number) if work.lesson_number else "",
        topic=txt.WORK_CARD_TOPIC.format(topic=work.topic) if work.topic else "",
    )
    builder = InlineKeyboardBuilder()
    for label, act in ((txt.BTN_WORK_MOVE, "mv"), (txt.BTN_WORK_CANCEL, "x")):
        builder.button(text=label, callback_data=WorkCb(period=period_id, work=work.id, act=act))
    builder.adjust(2)
    return (f"{notice}\n\n{text}" if notice else text), to_list(period_id, builder)


async def work_move_step(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, data: WorkMoveCb
) -> tuple[str, InlineKeyboardMarkup]:
    day = ui.from_number(data.day)
    if data.number == -1:
        builder = InlineKeyboardBuilder()
        for number in (*await lists.bell_numbers(uow, actor, data.group), 0):
            builder.button(
                text=str(number) if number else txt.BTN_NO_NUMBER,
                callback_data=data.model_copy(update={"number": number}),
            )
        builder.adjust(6, 1)
        title = txt.MOVE_WORK_NUMBER.format(day=day_label(day))
        return title, to_list(data.period, builder)
    await control_works.move_control_work(
        uow, actor, data.work, day, data.number or None, ctx.clock.now()
    )
    work = await find_work(uow, actor, data.period, data.work)
    if work is None:  # moved out of the period shown
        notice = txt.MOVED_ELSEWHERE.format(day=day_label(day))
        return await works_screen(uow, actor, data.period, notice)
    return _work_screen(data.period, work, txt.WORK_MOVED.format(line=work_line(work)))


async def move_step(
    query: CallbackQuery,
    callback_data: WorkMoveCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    await ui.show(query, *await work_move_step(uow, actor, ctx, callback_data))


async def reason_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    await control_works.cancel_control_work(
        uow, actor, int(data["work"]), message.text or "", ctx.clock.now()
    )
    await state.clear()
    notice = txt.WORK_CANCELLED.format(line=data["line"])
    await ui.show(message, *await works_screen(uow, actor, int(data["period"]), notice))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="deputy_works")
    router.message.filter(InRole(*SCHEDULERS))
    router.callback_query.filter(InRole(*SCHEDULERS))
    router.message.register(works_command, Command("controlworks"))
    router.callback_query.register(works_button, MenuCb.filter(F.action == "controlworks"))
    router.callback_query.register(period_chosen, WorkPeriodCb.filter())
    router.callback_query.register(work_action, WorkCb.filter())
    router.callback_query.register(move_step, WorkMoveCb.filter())
    router.message.register(reason_text, WorkInput.reason, F.text)
    return router
