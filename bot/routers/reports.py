"""«📊 Отчёты» (REP-1..9, CT-2): report → whom → period in a few taps, then the chart as a photo
and the table as an XLSX file (a printable PDF too for the final marks sheet and the summaries
for a parents' meeting). core decides what each actor may ask for (core.services.report_menu,
core.services.reports); documents draws the files, in a worker thread so the bot keeps
answering others meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.context import BotContext
from bot.filters import STAFF_ROLES, InRole
from bot.middlewares import answer_target
from bot.texts import common as ct
from bot.texts import reports as txt
from core.model.identity import Actor
from core.model.reports import Report
from core.model.school import School
from core.services import report_menu
from core.services.report_menu import Choice
from core.services.reports.catalog import KINDS, make_report
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork


class ReportCb(CallbackData, prefix="rr"):
    name: str


class ScopeCb(CallbackData, prefix="rs"):
    name: str
    scope: str  # a report_menu code: "class.3", "students.3" (pick a student next)


class MakeCb(CallbackData, prefix="rm"):
    name: str
    scope: str
    period: str  # "p.12" or "d.2026-09-01"


def _keyboard(
    choices: list[Choice], make: Callable[[Choice], CallbackData], width: int = 2
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in choices:
        builder.button(text=choice.label, callback_data=make(choice))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(width)
    return builder.as_markup()


async def start(event: Message | CallbackQuery, actor: Actor) -> None:
    message = event if isinstance(event, Message) else answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    choices = report_menu.reports_for(actor)
    await message.answer(
        txt.CHOOSE_REPORT,
        reply_markup=_keyboard(choices, lambda c: ReportCb(name=c.code), 1),
    )


async def report_chosen(
    query: CallbackQuery, callback_data: ReportCb, uow: SqlUnitOfWork, actor: Actor,
    ctx: BotContext,
) -> None:  # fmt: skip
    await query.answer()
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    choices = await report_menu.scopes_for(uow, actor, callback_data.name, today)
    await _scopes(query, uow, actor, ctx, callback_data.name, choices, txt.CHOOSE_SCOPE)


async def _scopes(
    query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, name: str,
    choices: list[Choice], prompt: str,
) -> None:  # fmt: skip
    message = answer_target(query)
    if message is None:
        return
    title = KINDS[name].title
    if not choices:
        await message.answer(txt.NO_SCOPE)
        return
    if len(choices) == 1 and not choices[0].code.startswith("students."):
        await _periods(message, uow, actor, ctx, name, choices[0].code)
        return
    await message.answer(
        prompt.format(title=title),
        reply_markup=_keyboard(choices, lambda c: ScopeCb(name=name, scope=c.code), 3),
    )


async def scope_chosen(
    query: CallbackQuery, callback_data: ScopeCb, uow: SqlUnitOfWork, actor: Actor,
    ctx: BotContext,
) -> None:  # fmt: skip
    name, code = callback_data.name, callback_data.scope
    if code.startswith("students."):
        if not code.split(".", 1)[1].isdecimal():  # a forged button
            await query.answer(ct.STALE_BUTTON)
            return
        await query.answer()
        today = await school_today(uow, actor.school_id, ctx.clock.now())
        students = await report_menu.students_of(uow, actor, int(code.split(".", 1)[1]), today)
        await _scopes(query, uow, actor, ctx, name, students, txt.CHOOSE_STUDENT)
        return
    await query.answer()
    if (message := answer_target(query)) is not None:
        await _periods(message, uow, actor, ctx, name, code)


async def _periods(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, name: str, scope: str
) -> None:
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    periods = await report_menu.periods_for(uow, actor, today)
    if not periods:
        await message.answer(txt.NO_PERIOD)
        return
    await message.answer(
        txt.CHOOSE_PERIOD.format(title=KINDS[name].title),
        reply_markup=_keyboard(periods, lambda c: MakeCb(name=name, scope=scope, period=c.code)),
    )


async def make(
    query: CallbackQuery, callback_data: MakeCb, uow: SqlUnitOfWork, actor: Actor,
    ctx: BotContext,
) -> None:  # fmt: skip
    now = ctx.clock.now()
    today = await school_today(uow, actor.school_id, now)
    try:
        scope = report_menu.parse_scope(callback_data.scope)
        period = report_menu.parse_period(callback_data.period, today)
    except ValueError:
        await query.answer(ct.STALE_BUTTON)
        return
    report = await make_report(uow, actor, callback_data.name, scope, period, now=now)
    school = await uow.repo(School).get(actor.school_id)
    await uow.end_transaction()  # nothing held while the files are drawn and sent
    await query.answer(txt.WORKING.format(title=report.title))
    if (message := answer_target(query)) is not None:
        await send_report(message, report, school.timezone if school else None)


async def send_report(message: Message, report: Report, tz: str | None) -> None:
    """The chart as a photo, the table as XLSX, and a PDF where a paper copy is the point."""
    from documents.reports import PRINTED, Format, pdf_format, render  # drawing libs on demand
    from documents.reports.cells import file_name

    words = {"title": report.title, "scope": report.scope, "period": report.period}
    if report.chart is not None:
        png = await asyncio.to_thread(render, report, Format.PNG, tz=tz)
        await message.answer_photo(
            BufferedInputFile(png, filename=file_name(report, Format.PNG)),
            caption=txt.CAPTION.format(**words),
        )
    xlsx = await asyncio.to_thread(render, report, Format.XLSX, tz=tz)
    await message.answer_document(
        BufferedInputFile(xlsx, filename=file_name(report, Format.XLSX)),
        caption=txt.TABLE_CAPTION.format(**words),
    )
    if report.name in PRINTED:
        fmt = pdf_format(report)
        pdf = await asyncio.to_thread(render, report, fmt, tz=tz)
        await message.answer_document(
            BufferedInputFile(pdf, filename=file_name(report, Format.PDF)),
            caption=txt.PDF_CAPTION.format(**words),
        )


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="reports")
    router.message.filter(InRole(*STAFF_ROLES))
    router.callback_query.filter(InRole(*STAFF_ROLES))
    router.message.register(start, Command("reports"))
    router.callback_query.register(start, MenuCb.filter(F.action == "reports"))
    # a forged report name matches nothing and gets the «stale button» answer
    router.callback_query.register(report_chosen, ReportCb.filter(F.name.in_(KINDS)))
    router.callback_query.register(scope_chosen, ScopeCb.filter(F.name.in_(KINDS)))
    router.callback_query.register(make, MakeCb.filter(F.name.in_(KINDS)))
    return router
