"""Guardians and students: consent (INF-3), choosing a child, the day's timetable."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import keyboards
from bot.callbacks import ChildCb, ConsentCb, DayCb, MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label, local_time
from bot.texts import common as ct
from bot.texts import guardian as txt
from core.model.identity import Actor, ConsentAnswer, Role
from core.services import consent
from core.services.identity import children_of_guardian, select_child
from core.services.identity_texts import CONSENT_LABELS
from core.services.timetable import LessonLine, school_today, student_day
from storage.uow import SqlUnitOfWork

DONE = {
    ConsentAnswer.GIVEN: txt.CONSENT_GIVEN,
    ConsentAnswer.REFUSED: txt.CONSENT_REFUSED,
    ConsentAnswer.WITHDRAWN: txt.CONSENT_WITHDRAWN,
}


async def consent_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await _show_consent(message, uow, actor)


async def consent_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _show_consent(query.message, uow, actor)


async def _show_consent(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    record = await consent.latest_consent(uow, actor.person_id)
    state = txt.CONSENT_STATE.format(
        state=CONSENT_LABELS[record.answer if record else None],
        when=f", {await local_time(uow, actor.school_id, record.recorded_at)}" if record else "",
    )
    text = await consent.consent_text(uow, actor.school_id)
    given = record is not None and record.answer is ConsentAnswer.GIVEN
    await message.answer(
        f"{txt.CONSENT_ASK.format(text=text)}\n\n{state}",
        reply_markup=keyboards.consent_buttons(given),
    )


async def consent_answer(
    query: CallbackQuery,
    callback_data: ConsentCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    try:
        answer = ConsentAnswer(callback_data.answer)
    except ValueError:
        await query.answer(ct.STALE_BUTTON)
        return
    record = await consent.answer_consent(uow, actor, answer, ctx.clock.now())
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            DONE[answer].format(at=await local_time(uow, actor.school_id, record.recorded_at)),
            reply_markup=keyboards.back_to_menu(),
        )


async def child_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await _children(message, uow, actor)


async def child_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _children(query.message, uow, actor)


async def _children(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    children = await children_of_guardian(uow, actor.person_id)
    if not children:
        await message.answer(txt.NO_CHILDREN)
        return
    if len(children) == 1:
        await message.answer(txt.ONE_CHILD.format(name=children[0].short_name))
        return
    builder = InlineKeyboardBuilder()
    for child in children:
        mark = "• " if child.id == actor.student_id else ""
        builder.button(text=mark + child.short_name, callback_data=ChildCb(student=child.id or 0))
    builder.adjust(1)
    await message.answer(txt.CHILD_CHOOSE, reply_markup=builder.as_markup())


async def child_chosen(
    query: CallbackQuery, callback_data: ChildCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    child = await select_child(uow, actor, callback_data.student)
    await query.answer(txt.CHILD_CHOSEN.format(name=child.short_name))
    if isinstance(query.message, Message):
        await query.message.edit_text(
            txt.CHILD_CHOSEN.format(name=child.short_name), reply_markup=keyboards.back_to_menu()
        )


async def today_command(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await message.answer(await _day(uow, actor, ctx, 0))


async def day_button(
    query: CallbackQuery, callback_data: DayCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            await _day(uow, actor, ctx, max(0, min(callback_data.offset, 7)))
        )


async def _day(uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, offset: int) -> str:
    if actor.role is Role.GUARDIAN and not await consent.may_send_personal_data(
        uow, actor.person_id
    ):
        return txt.CONSENT_NEEDED
    if actor.student_id is None:
        return txt.NO_CHILDREN
    day = await school_today(uow, actor.school_id, ctx.clock.now()) + dt.timedelta(days=offset)
    lines = await student_day(uow, actor, actor.student_id, day)
    children = (
        await children_of_guardian(uow, actor.person_id) if actor.role is Role.GUARDIAN else []
    )
    name = next((c.short_name for c in children if c.id == actor.student_id), actor.name)
    return render_day(name, day, lines)


def render_day(name: str, day: dt.date, lines: list[LessonLine]) -> str:
    if not lines:
        return txt.TIMETABLE_EMPTY.format(name=name, day=day_label(day))
    rows = [
        txt.TIMETABLE_LINE.format(
            number=line.number,
            start=line.starts_at.strftime("%H:%M") if line.starts_at else "",
            subject=line.subject,
            room=txt.ROOM.format(room=line.room) if line.room else "",
        )
        for line in lines
    ]
    return "\n".join([txt.TIMETABLE_TITLE.format(name=name, day=day_label(day)), *rows])


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="family")
    router.message.filter(InRole(Role.GUARDIAN, Role.STUDENT))
    router.callback_query.filter(InRole(Role.GUARDIAN, Role.STUDENT))
    router.message.register(consent_command, Command("consent"), InRole(Role.GUARDIAN))
    router.callback_query.register(
        consent_button, MenuCb.filter(F.action == "consent"), InRole(Role.GUARDIAN)
    )
    router.callback_query.register(consent_answer, ConsentCb.filter(), InRole(Role.GUARDIAN))
    router.message.register(child_command, Command("child"), InRole(Role.GUARDIAN))
    router.callback_query.register(
        child_button, MenuCb.filter(F.action == "child"), InRole(Role.GUARDIAN)
    )
    router.callback_query.register(child_chosen, ChildCb.filter(), InRole(Role.GUARDIAN))
    router.message.register(today_command, Command("today"))
    router.callback_query.register(day_button, DayCb.filter(F.what == "child"))
    return router
