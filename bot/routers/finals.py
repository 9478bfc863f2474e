"""Period finals (LES-7, LES-8): the teacher's final sheet — every suggested final in one tap, or
one student at a time — and the deputy reopening a closed period with a reason (LES-13).
Handlers parse the tap, call one use case of core.services.finals, render."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.lesson_ui import target
from bot.replies import local_time
from bot.texts import common as ct
from bot.texts import finals as txt
from core.model.identity import Actor, Role
from core.rules import grading
from core.services import finals
from core.services.finals import FinalRow, FinalSheet, FinalsResult, period_name
from core.services.identity import current_year
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

TEACHERS = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY)
SHEET_KEY = "finals_sheet"  # FSM data: what the sheet last shown offered, for «принять все»


class FinSheetCb(CallbackData, prefix="fs"):
    """A sheet of the teacher's load. period 0: choose the period; act "all": accept every
    suggested final the sheet showed (its versions are kept in the FSM data)."""

    group: int
    subject: int
    period: int = 0
    act: str = ""


class FinStudentCb(CallbackData, prefix="fv"):
    """One student's final: no value yet → choose it. version: of the final as shown (0: none)."""

    group: int
    subject: int
    period: int
    student: int
    version: int = 0
    value: str = ""


class ReopenCb(CallbackData, prefix="rop"):
    lock: int


class ReopenInput(StatesGroup):
    reason = State()


Event = Message | CallbackQuery


async def _reply(
    event: Event, text: str, markup: InlineKeyboardMarkup, note: str | None = None
) -> None:
    """A new message for a command; for a tap, the toast (if any) and the message redrawn."""
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer(note)
    if (message := target(event)) is None:
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:  # the same screen again: nothing to redraw
        if "not modified" not in error.message:
            raise


# --- choosing a sheet ----------------------------------------------------------------------


async def assignments(
    event: Event, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    await state.set_state(None)  # a pending text input of another screen ends here
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    year = await current_year(uow, actor.school_id, today)
    pairs = await finals.teaching_assignments(uow, actor, year.id if year else None)
    builder = InlineKeyboardBuilder()
    for pair in pairs:
        builder.button(
            text=txt.ASSIGNMENT_BUTTON.format(group=pair.group, subject=pair.subject),
            callback_data=FinSheetCb(group=pair.group_id, subject=pair.subject_id),
        )
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    await _reply(
        event, txt.ASSIGNMENTS_TITLE if pairs else txt.ASSIGNMENTS_NONE, builder.as_markup()
    )


async def group_chosen(
    query: CallbackQuery,
    callback_data: FinSheetCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    c = callback_data
    pairs = {(p.group_id, p.subject_id): p for p in await finals.teaching_assignments(uow, actor)}
    if (pair := pairs.get((c.group, c.subject))) is None:  # not of the actor's load: old, forged
        await query.answer(ct.STALE_BUTTON)
        return
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    found = await finals.group_periods(uow, actor, c.group, today)
    builder = InlineKeyboardBuilder()
    for period in found:
        start, end = f"{period.starts_on:%d.%m}", f"{period.ends_on:%d.%m}"
        builder.button(
            text=txt.PERIOD_BUTTON.format(period=period_name(period), start=start, end=end),
            callback_data=FinSheetCb(group=c.group, subject=c.subject, period=period.id or 0),
        )
    builder.button(text=txt.BTN_BACK, callback_data=MenuCb(action="finals"))
    builder.adjust(1)
    title = txt.PERIODS_TITLE if found else txt.PERIODS_NONE
    await _reply(query, title.format(group=pair.group, subject=pair.subject), builder.as_markup())


# --- the sheet -----------------------------------------------------------------------------


def _figures(row: FinalRow) -> dict[str, str]:
    return {
        "name": row.name,
        "average": str(row.average) if row.average is not None else txt.SHEET_NONE,
        "suggested": txt.SHEET_SUGGESTED.format(value=row.suggested) if row.suggested else "",
        "final": row.final or txt.SHEET_NONE,
    }


def _sheet_screen(sheet: FinalSheet, today: dt.date) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        txt.SHEET_TITLE.format(group=sheet.group, subject=sheet.subject, period=sheet.period),
        txt.SHEET_LEGEND,
        "",
        *([txt.SHEET_LINE.format(**_figures(row)) for row in sheet.rows] or [txt.SHEET_EMPTY]),
        "",
    ]
    if sheet.closed:
        lines.append(txt.SHEET_CLOSED)
    elif sheet.editable:
        lines.append(txt.SHEET_HOW)
    elif today < sheet.opens_on:
        lines.append(txt.SHEET_NOT_YET.format(day=f"{sheet.opens_on:%d.%m.%Y}"))
    else:
        lines.append(txt.SHEET_READ_ONLY)
    g, s, p = sheet.group_id, sheet.subject_id, sheet.period_id
    builder = InlineKeyboardBuilder()
    sizes = []
    if sheet.editable:
        if any(r.final is None and r.suggested for r in sheet.rows):
            builder.button(
                text=txt.BTN_ACCEPT_ALL,
                callback_data=FinSheetCb(group=g, subject=s, period=p, act="all"),
            )
            sizes.append(1)
        for row in sheet.rows:
            builder.button(
                text=txt.STUDENT_BUTTON.format(name=row.name, final=row.final or txt.SHEET_NONE),
                callback_data=FinStudentCb(group=g, subject=s, period=p, student=row.student_id),
            )
        sizes += [2] * ((len(sheet.rows) + 1) // 2)
    builder.button(text=txt.BTN_BACK, callback_data=FinSheetCb(group=g, subject=s))
    builder.adjust(*sizes, 1)
    return "\n".join(lines), builder.as_markup()


async def _show_sheet(
    query: CallbackQuery,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
    c: FinSheetCb | FinStudentCb,
    note: str | None = None,
) -> FinalSheet:
    """Read and draw the sheet; remember what it offered, so that «принять все» sets exactly
    what the teacher saw."""
    sheet = await finals.final_sheet(uow, actor, c.group, c.subject, c.period, ctx.clock.now())
    offer = {str(r.student_id): r.suggested for r in sheet.rows if r.final is None and r.suggested}
    seen = {str(r.student_id): r.version for r in sheet.rows}
    await state.update_data(
        {SHEET_KEY: {"key": [c.group, c.subject, c.period], "seen": seen, "offer": offer}}
    )
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    await _reply(query, *_sheet_screen(sheet, today), note=note)
    return sheet


async def sheet_chosen(
    query: CallbackQuery,
    callback_data: FinSheetCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await _show_sheet(query, uow, actor, ctx, state, callback_data)


async def _closed_notice(query: CallbackQuery, result: FinalsResult, sheet: FinalSheet) -> None:
    if result.lock is not None and (message := target(query)) is not None:
        await message.answer(
            txt.PERIOD_CLOSED.format(group=sheet.group, subject=sheet.subject, period=sheet.period)
        )


async def accept_all(
    query: CallbackQuery,
    callback_data: FinSheetCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    c = callback_data
    shown = (await state.get_data()).get(SHEET_KEY) or {}
    if shown.get("key") != [c.group, c.subject, c.period]:  # an older message: show it anew
        await _show_sheet(query, uow, actor, ctx, state, c, note=txt.SHEET_REFRESHED)
        return
    values = {int(k): str(v) for k, v in shown["offer"].items()}
    seen = {int(k): int(v) for k, v in shown["seen"].items()}
    result = await finals.set_finals(
        uow, actor, c.group, c.subject, c.period, values, ctx.clock.now(), seen_versions=seen
    )
    note = txt.SAVED.format(count=len(result.changed))
    await _closed_notice(query, result, await _show_sheet(query, uow, actor, ctx, state, c, note))


async def student_chosen(
    query: CallbackQuery,
    callback_data: FinStudentCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    c = callback_data
    sheet = await finals.final_sheet(uow, actor, c.group, c.subject, c.period, ctx.clock.now())
    row = next((r for r in sheet.rows if r.student_id == c.student), None)
    if row is None:
        await query.answer(txt.STUDENT_GONE)
        return
    values = await finals.final_values(uow, c.subject)
    builder = InlineKeyboardBuilder()
    for value in values:
        builder.button(
            text=value, callback_data=c.model_copy(update={"version": row.version, "value": value})
        )
    back = FinSheetCb(group=c.group, subject=c.subject, period=c.period)
    builder.button(text=txt.BTN_BACK, callback_data=back)
    specials = len(grading.FINAL_SPECIALS)
    builder.adjust(len(values) - specials, specials, 1)
    await _reply(query, txt.VALUE_TITLE.format(**_figures(row)), builder.as_markup())


async def value_chosen(
    query: CallbackQuery,
    callback_data: FinStudentCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    c = callback_data
    sheet = (c.group, c.subject, c.period)
    seen = {c.student: c.version}
    result = await finals.set_finals(
        uow, actor, *sheet, {c.student: c.value}, ctx.clock.now(), seen_versions=seen
    )
    final = next((f.value for f in result.changed), None)
    note = txt.SAVED_ONE.format(value=final) if final else txt.UNCHANGED
    await _closed_notice(query, result, await _show_sheet(query, uow, actor, ctx, state, c, note))


# --- the deputy: reopening a closed period -------------------------------------------------


async def locks(event: Event, uow: SqlUnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    cards = await finals.open_locks(uow, actor)
    builder = InlineKeyboardBuilder()
    for card in cards:
        builder.button(
            text=txt.LOCK_BUTTON.format(group=card.group, subject=card.subject, period=card.period),
            callback_data=ReopenCb(lock=card.lock_id),
        )
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    await _reply(event, txt.LOCKS_TITLE if cards else txt.LOCKS_NONE, builder.as_markup())


async def lock_chosen(
    query: CallbackQuery,
    callback_data: ReopenCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    cards = {c.lock_id: c for c in await finals.open_locks(uow, actor)}
    if (card := cards.get(callback_data.lock)) is None:
        await query.answer(txt.LOCK_GONE, show_alert=True)
        return
    label = txt.LOCK_BUTTON.format(group=card.group, subject=card.subject, period=card.period)
    await state.set_state(ReopenInput.reason)
    await state.update_data(lock=card.lock_id, label=label)
    builder = InlineKeyboardBuilder()
    builder.button(text=txt.BTN_CANCEL, callback_data=MenuCb(action="reopen"))
    closed_at = await local_time(uow, actor.school_id, card.closed_at)
    text = txt.REASON_ASK.format(label=label, closed_at=closed_at, closed_by=card.closed_by)
    await _reply(query, text, builder.as_markup())


async def reason_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    lock = await finals.reopen_period(
        uow, actor, int(data["lock"]), message.text or "", ctx.clock.now()
    )
    await state.clear()
    await message.answer(txt.REOPENED.format(label=data["label"], reason=lock.reason))


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    sheets = Router(name="finals.sheets")
    sheets.message.filter(InRole(*TEACHERS))
    sheets.callback_query.filter(InRole(*TEACHERS))
    sheets.message.register(assignments, Command("finals"))
    sheets.callback_query.register(assignments, MenuCb.filter(F.action == "finals"))
    sheets.callback_query.register(group_chosen, FinSheetCb.filter(F.period == 0))
    sheets.callback_query.register(accept_all, FinSheetCb.filter(F.act == "all"))
    sheets.callback_query.register(sheet_chosen, FinSheetCb.filter(F.act == ""))
    sheets.callback_query.register(student_chosen, FinStudentCb.filter(F.value == ""))
    sheets.callback_query.register(value_chosen, FinStudentCb.filter())
    reopen = Router(name="finals.reopen")
    reopen.message.filter(InRole(Role.DEPUTY))
    reopen.callback_query.filter(InRole(Role.DEPUTY))
    reopen.message.register(locks, Command("reopen"))
    reopen.callback_query.register(locks, MenuCb.filter(F.action == "reopen"))
    reopen.callback_query.register(lock_chosen, ReopenCb.filter())
    reopen.message.register(reason_text, ReopenInput.reason, F.text)
    router = Router(name="finals")
    router.include_routers(sheets, reopen)
    return router
