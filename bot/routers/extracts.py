"""Paper extracts (INF-4) for the class teacher and the administration: «🖨 Выписки на бумаге»
(menu action "extracts", /extracts) lists the guardians of a class whom nothing electronic
reaches, with why; a button per student sends the extract for the current study period (or the
last 30 days) as a PDF to print. core decides who needs paper and who may see it; documents
draws the PDF, in a worker thread."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import keyboards
from bot.callbacks import MenuCb
from bot.class_choice import pick_class
from bot.context import BotContext
from bot.filters import STAFF_ROLES, InRole
from bot.middlewares import answer_target
from bot.routers.class_view import pages
from bot.texts import common as ct
from bot.texts import extracts as txt
from core.model.identity import Actor
from core.model.school import School
from core.services import extracts
from core.services.extracts import PaperReason
from core.services.identity import class_in_school
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork


class ExtractClassCb(CallbackData, prefix="xc"):
    class_id: int


class ExtractCb(CallbackData, prefix="xs"):
    student: int


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


async def start(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    async def show(message: Message, class_id: int) -> None:
        await _paper_list(message, uow, actor, class_id, ctx)

    await pick_class(
        event,
        uow,
        actor,
        txt.CHOOSE_CLASS,
        lambda class_id: ExtractClassCb(class_id=class_id),
        show,
    )


async def class_chosen(
    query: CallbackQuery,
    callback_data: ExtractClassCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    await query.answer()
    if (message := answer_target(query)) is not None:
        await _paper_list(message, uow, actor, callback_data.class_id, ctx)


async def _zone(uow: SqlUnitOfWork, school_id: int) -> ZoneInfo:
    school = await uow.repo(School).get(school_id)
    return ZoneInfo(school.timezone if school else "Europe/Moscow")


async def _paper_list(
    message: Message, uow: SqlUnitOfWork, actor: Actor, class_id: int, ctx: BotContext
) -> None:
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    school_class = await class_in_school(uow, actor, class_id)
    guardians = await extracts.paper_guardians(uow, actor, class_id, today)
    if not guardians:
        await message.answer(
            txt.NOBODY.format(class_name=school_class.name), reply_markup=keyboards.back_to_menu()
        )
        return
    zone = await _zone(uow, actor.school_id)
    lines = [txt.TITLE.format(class_name=school_class.name), ""]
    builder = InlineKeyboardBuilder()
    shown: set[int] = set()
    first_child = guardians[0].children[0].student_id
    start_on, end_on = await extracts.default_range(uow, actor, first_child, today)
    for g in guardians:
        since = f"{g.unreachable_since.astimezone(zone):%d.%m.%Y}" if g.unreachable_since else ""
        reasons = [
            txt.REASONS[r]
            + (txt.UNREACHABLE_SINCE.format(since=since) if r is PaperReason.UNREACHABLE else "")
            for r in g.reasons
        ]
        lines.append(
            txt.LINE.format(
                guardian=g.guardian,
                children=", ".join(c.name for c in g.children),
                reasons="; ".join(reasons),
            )
        )
        for child in g.children:
            if child.student_id not in shown:
                shown.add(child.student_id)
                builder.button(
                    text=txt.BTN_STUDENT.format(name=child.name),
                    callback_data=ExtractCb(student=child.student_id),
                )
    period = txt.PERIOD.format(start=_day(start_on), end=_day(end_on))
    lines += ["", txt.INTRO.format(period=period)]
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    # a big class's list may pass Telegram's 4096 characters: several messages, buttons on the last
    *first, last = pages(lines)
    for page in first:
        await message.answer(page)
    await message.answer(last, reply_markup=builder.as_markup())


async def send_extract(
    query: CallbackQuery,
    callback_data: ExtractCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    from documents.extract_pdf import render_extract  # fpdf2 only when printing

    today = await school_today(uow, actor.school_id, ctx.clock.now())
    start_on, end_on = await extracts.default_range(uow, actor, callback_data.student, today)
    extract = await extracts.student_extract(uow, actor, callback_data.student, start_on, end_on)
    await query.answer()
    if (message := answer_target(query)) is None:
        return
    pdf = await asyncio.to_thread(render_extract, extract, created=ctx.clock.now())
    name = txt.FILENAME.format(student_id=extract.student_id, start=start_on, end=end_on)
    await message.answer_document(
        BufferedInputFile(pdf, filename=name),
        caption=txt.CAPTION.format(
            student=extract.student,
            class_name=extract.class_name,
            start=_day(start_on),
            end=_day(end_on),
        ),
    )


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="extracts")
    router.message.filter(InRole(*STAFF_ROLES))
    router.callback_query.filter(InRole(*STAFF_ROLES))
    router.message.register(start, Command("extracts"))
    router.callback_query.register(start, MenuCb.filter(F.action == "extracts"))
    router.callback_query.register(class_chosen, ExtractClassCb.filter())
    router.callback_query.register(send_extract, ExtractCb.filter())
    return router
