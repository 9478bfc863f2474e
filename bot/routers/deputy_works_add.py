"""A new control work step by step (SETUP-14): group, subject, date (tapped or typed), form,
lesson number, topic as text; a typed date serves a move too. The handlers call
core.services.control_works, which refuses a day off, a past date or a second work of the day for
the same students."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label
from bot.routers import deputy_ui as ui
from bot.routers.deputy_works import (
    WorkAddCb,
    WorkInput,
    WorkMoveCb,
    find_work,
    to_list,
    work_line,
    work_move_step,
    works_screen,
)
from bot.texts import common as ct
from bot.texts import deputy as txt
from core.model.identity import Actor
from core.model.timetable import ControlForm
from core.services import control_works
from core.services import scheduling_lists as lists
from core.services.schedule_slots import SCHEDULERS, group_of
from storage.uow import SqlUnitOfWork

NO_TOPIC = "-"
FORM_VALUES = frozenset(form.value for form in ControlForm)


# --- a new work, step by step ---------------------------------------------------------------


async def _add_step(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext, data: WorkAddCb
) -> tuple[str, InlineKeyboardMarkup]:
    period = await lists.period(uow, actor, data.period)
    builder = InlineKeyboardBuilder()

    def step(field: str, value: int | str) -> WorkAddCb:
        return data.model_copy(update={field: value})

    if data.group == 0:
        for choice in await lists.groups(uow, actor, period.year_id):
            builder.button(text=choice.name, callback_data=step("group", choice.id or 0))
        builder.adjust(3)
        return txt.ADD_GROUP, to_list(data.period, builder)
    group = (await group_of(uow, actor, data.group)).name
    subjects = await lists.subjects(uow, actor, data.group)
    if data.subject == 0:
        for item in subjects:
            builder.button(text=item.name, callback_data=step("subject", item.id or 0))
        builder.adjust(2)
        return txt.ADD_SUBJECT.format(group=group), to_list(data.period, builder)
    subject = next((s.name for s in subjects if s.id == data.subject), "")
    if data.day == 0:
        start = max(await ui.today_of(uow, actor, ctx), period.starts_on)
        for school_day in await lists.school_days(uow, actor, data.group, start):
            builder.button(
                text=ui.short_day(school_day), callback_data=step("day", ui.day_number(school_day))
            )
        builder.adjust(5)
        await state.set_state(WorkInput.date)
        await state.update_data(next=data.pack())
        text = f"{txt.ADD_DATE.format(group=group, subject=subject)}\n{txt.DATE_HINT}"
        return text, to_list(data.period, builder)
    day = day_label(ui.from_number(data.day))
    if data.form == "":
        for choice_form, label in txt.FORMS.items():
            builder.button(text=label, callback_data=step("form", choice_form.value))
        builder.adjust(2)
        title = txt.ADD_FORM.format(group=group, subject=subject, day=day)
        return title, to_list(data.period, builder)
    form = txt.FORMS[ControlForm(data.form)].lower()
    if data.number == -1:
        for number in (*await lists.bell_numbers(uow, actor, data.group), 0):
            label = str(number) if number else txt.BTN_NO_NUMBER
            builder.button(text=label, callback_data=step("number", number))
        builder.adjust(6, 1)
        title = txt.ADD_NUMBER.format(group=group, subject=subject, day=day, form=form)
        return title, to_list(data.period, builder)
    await state.set_state(WorkInput.topic)
    await state.update_data(add=data.pack())
    return txt.ADD_TOPIC, to_list(data.period, builder)


async def add_step(
    query: CallbackQuery,
    callback_data: WorkAddCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    if callback_data.form and callback_data.form not in FORM_VALUES:
        await query.answer(ct.STALE_BUTTON)
        return
    await ui.show(query, *await _add_step(uow, actor, ctx, state, callback_data))


async def topic_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = WorkAddCb.unpack(str((await state.get_data())["add"]))
    topic = None if (message.text or "").strip() == NO_TOPIC else message.text
    work = await control_works.add_control_work(
        uow,
        actor,
        data.group,
        data.subject,
        ui.from_number(data.day),
        ControlForm(data.form),
        data.number or None,
        topic,
        ctx.clock.now(),
    )
    await state.clear()
    added = await find_work(uow, actor, data.period, work.id or 0)
    notice = (
        txt.ADDED.format(line=work_line(added))
        if added
        else txt.ADDED_ELSEWHERE.format(day=day_label(work.on_date))
    )
    await ui.show(message, *await works_screen(uow, actor, data.period, notice))


async def date_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    """A date typed instead of tapped, for a new work or a move."""
    day = ui.parse_day(message.text or "", await ui.today_of(uow, actor, ctx))
    if day is None:
        await message.answer(txt.BAD_DATE)
        return
    packed = str((await state.get_data())["next"])
    await state.clear()
    if packed.startswith(f"{WorkMoveCb.__prefix__}:"):
        move = WorkMoveCb.unpack(packed).model_copy(update={"day": ui.day_number(day)})
        await ui.show(message, *await work_move_step(uow, actor, ctx, move))
    else:
        add = WorkAddCb.unpack(packed).model_copy(update={"day": ui.day_number(day)})
        await ui.show(message, *await _add_step(uow, actor, ctx, state, add))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="deputy_works_add")
    router.message.filter(InRole(*SCHEDULERS))
    router.callback_query.filter(InRole(*SCHEDULERS))
    router.callback_query.register(add_step, WorkAddCb.filter())
    router.message.register(date_text, WorkInput.date, F.text)
    router.message.register(topic_text, WorkInput.topic, F.text)
    return router
