"""«📬 Ознакомление родителей» (INF-2) for the class teacher and the administration: per guardian
of a class, how many notices were delivered and acknowledged, which wait and since when, consent
and reachability alongside; one tap reminds a guardian of what waits. core decides who may see a
class and whom to remind (core.services.notice_status, core.services.reminders)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import keyboards
from bot.callbacks import MenuCb
from bot.class_choice import pick_class
from bot.context import BotContext
from bot.filters import STAFF_ROLES, InRole
from bot.middlewares import answer_target
from bot.routers.class_view import pages
from bot.texts import acknowledgements as txt
from bot.texts import common as ct
from core.model.identity import Actor
from core.model.school import School
from core.services import reminders
from core.services import reminders_texts as rt
from core.services.identity import class_in_school
from core.services.notice_status import GuardianNotices, class_acknowledgements
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork


class AckClassCb(CallbackData, prefix="ac"):
    class_id: int


class RemindCb(CallbackData, prefix="ar"):
    class_id: int
    guardian: int


async def start(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    async def show(message: Message, class_id: int) -> None:
        await _overview(message, uow, actor, class_id, ctx)

    def button(class_id: int) -> AckClassCb:
        return AckClassCb(class_id=class_id)

    await pick_class(event, uow, actor, txt.CHOOSE_CLASS, button, show)


async def class_chosen(
    query: CallbackQuery, callback_data: AckClassCb, uow: SqlUnitOfWork, actor: Actor,
    ctx: BotContext,
) -> None:  # fmt: skip
    await query.answer()
    if (message := answer_target(query)) is not None:
        await _overview(message, uow, actor, callback_data.class_id, ctx)


def _line(g: GuardianNotices, zone: ZoneInfo) -> str:
    waiting = ""
    if g.waiting:
        first = g.waiting[0].sent_at
        since = f"{first.astimezone(zone):%d.%m}" if first else "?"
        kinds = dict.fromkeys(  # what waits, in the order it came, each word once
            txt.KINDS.get(kind, txt.OTHER) for notice in g.waiting for kind in notice.kinds
        )
        waiting = txt.WAITING.format(count=len(g.waiting), since=since, what=", ".join(kinds))
    mark = txt.ON_PAPER if g.needs_paper else txt.SOME_WAITING if g.waiting else txt.ALL_DONE
    consent = txt.CONSENT[g.consent]
    if not g.connected:
        consent += txt.NOT_CONNECTED
    elif g.unreachable_since is not None:
        consent += txt.UNREACHABLE
    return txt.LINE.format(
        mark=mark,
        guardian=g.guardian,
        children=g.children,
        acknowledged=g.acknowledged,
        delivered=g.delivered,
        waiting=waiting,
        paper=txt.PAPER if g.needs_paper else "",
        consent=consent,
    )


async def _overview(
    message: Message, uow: SqlUnitOfWork, actor: Actor, class_id: int, ctx: BotContext
) -> None:
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    school_class = await class_in_school(uow, actor, class_id)
    guardians = await class_acknowledgements(uow, actor, class_id, today)
    if not guardians:
        await message.answer(
            txt.NOBODY.format(class_name=school_class.name), reply_markup=keyboards.back_to_menu()
        )
        return
    school = await uow.repo(School).get(actor.school_id)
    zone = ZoneInfo(school.timezone if school else "Europe/Moscow")
    lines = [txt.TITLE.format(class_name=school_class.name), txt.LEGEND, ""]
    lines += [_line(g, zone) for g in guardians]
    builder = InlineKeyboardBuilder()
    remindable = [g for g in guardians if g.waiting and not g.needs_paper]
    if remindable:
        lines += ["", txt.REMIND_HINT]
    for g in remindable:
        builder.button(
            text=txt.BTN_REMIND.format(guardian=g.guardian, count=len(g.waiting)),
            callback_data=RemindCb(class_id=class_id, guardian=g.guardian_id),
        )
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    *first, last = pages(lines)
    for page in first:
        await message.answer(page)
    await message.answer(last, reply_markup=builder.as_markup())


async def remind(
    query: CallbackQuery, callback_data: RemindCb, uow: SqlUnitOfWork, actor: Actor,
    ctx: BotContext,
) -> None:  # fmt: skip
    done = await reminders.remind_guardian(
        uow, actor, callback_data.class_id, callback_data.guardian, ctx.clock.now()
    )
    await query.answer(rt.REMINDED.format(name=done.guardian, count=done.count), show_alert=True)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="acknowledgements")
    router.message.filter(InRole(*STAFF_ROLES))
    router.callback_query.filter(InRole(*STAFF_ROLES))
    router.message.register(start, Command("acks"))
    router.callback_query.register(start, MenuCb.filter(F.action == "acks"))
    router.callback_query.register(class_chosen, AckClassCb.filter())
    router.callback_query.register(remind, RemindCb.filter())
    return router
