"""«🧾 Журнал аудита» for the coordinator, the deputies and the head (SEC-3, DATA-3): a period in
one tap, then optionally a class (a tap) or a person (a typed surname, then a tap), entries page
by page in Russian, changes declared invalid marked ⚠; the chain checked on demand.

The coordinator and the head also record a compromised account (SEC-4): the person (typed), the
moment «дд.мм.гггг чч:мм» (school time, a reason may follow), a confirmation; then the flagged
changes and «↩ Отменить все изменения» in one tap. Menu action "audit", command /audit.
core decides who may do what; this module parses and renders."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

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
from bot.middlewares import answer_target
from bot.routers.class_view import pages
from bot.texts import audit as txt
from bot.texts import common as ct
from core.model.compromise import FlagState
from core.model.identity import Actor, PersonKind, Role
from core.services import audit_queries, compromise
from core.services.audit_queries import AuditLine, PersonRef
from core.services.class_journal import viewable_classes
from core.services.compromise import CompromiseView, FlaggedLine
from core.services.identity import class_in_school
from storage.audit_queries import SqlAuditSource
from storage.uow import SqlUnitOfWork

READERS = (Role.DEPUTY, Role.COORDINATOR, Role.HEAD)
RECORDERS = (Role.COORDINATOR, Role.HEAD)
DAYS = (1, 7, 30)
_MOMENT = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2})[:.](\d{2})\s*(.*)", re.DOTALL)


class AuditCb(CallbackData, prefix="au"):
    days: int
    cls: int = 0  # a class id, 0: none
    kind: str = ""  # a person's kind, "" for none
    person: int = 0
    page: int = 0


class AuditAskCb(CallbackData, prefix="aa"):
    days: int
    what: str  # "class", "person", "chain", "periods"


class CompromiseCb(CallbackData, prefix="cp"):
    action: str  # "start", "person", "confirm", "cancel", "list", "show", "revert"
    kind: str = ""
    person: int = 0
    id: int = 0


class AuditInput(StatesGroup):
    person = State()
    compromised = State()
    since = State()


async def _show(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A tap edits its message; a typed text (or a long screen) gets new messages."""
    *first, last = pages([text])
    if isinstance(event, CallbackQuery):
        await event.answer()
        message = answer_target(event)
        if message is None:
            return
        if not first:
            try:
                await message.edit_text(last, reply_markup=markup)
                return
            except TelegramBadRequest as error:
                if "not modified" in error.message:
                    return
        for page in first:
            await message.answer(page)
        await message.answer(last, reply_markup=markup)
        return
    for page in first:
        await event.answer(page)
    await event.answer(last, reply_markup=markup)


async def _zone(uow: SqlUnitOfWork, actor: Actor) -> ZoneInfo:
    return await audit_queries.school_zone(uow, actor.school_id)


def _menu_button(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))


# --- the log --------------------------------------------------------------------------------


async def start(event: Message | CallbackQuery, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    builder = InlineKeyboardBuilder()
    for days in DAYS:
        builder.button(text=txt.BTN_DAYS[days], callback_data=AuditCb(days=days))
    builder.button(text=txt.BTN_CHAIN, callback_data=AuditAskCb(days=1, what="chain"))
    if actor.holds(*RECORDERS):
        builder.button(text=txt.BTN_COMPROMISED, callback_data=CompromiseCb(action="start"))
    builder.button(text=txt.BTN_COMPROMISES, callback_data=CompromiseCb(action="list"))
    _menu_button(builder)
    builder.adjust(3, 1)
    await _show(event, txt.START, builder.as_markup())


async def period_bounds(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, days: int
) -> tuple[dt.datetime, dt.datetime]:
    """From the school's midnight ``days - 1`` days ago up to now."""
    zone = await _zone(uow, actor)
    now = ctx.clock.now()
    first = now.astimezone(zone).date() - dt.timedelta(days=max(days, 1) - 1)
    return dt.datetime.combine(first, dt.time(), zone), now + dt.timedelta(seconds=1)


def render_line(line: AuditLine) -> str:
    head = txt.LINE.format(
        mark=txt.FLAG if line.flagged else "",
        at=line.at_text,
        who=line.who,
        what=line.what,
        about=txt.ABOUT.format(about=line.about) if line.about else "",
    )
    return "\n".join([head, *(txt.CHANGE.format(change=c) for c in line.changes)])


async def show_log(
    query: CallbackQuery,
    callback_data: AuditCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    await state.clear()
    await _log(query, callback_data, uow, actor, ctx)


async def _log(
    event: Message | CallbackQuery,
    data: AuditCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    since, until = await period_bounds(uow, actor, ctx, data.days)
    person = (PersonKind(data.kind), data.person) if data.kind else None
    scope = ""
    if data.cls:
        scope = txt.SCOPE_CLASS.format(name=(await class_in_school(uow, actor, data.cls)).name)
    elif person is not None:
        ref = await audit_queries.person_ref(uow, actor, *person)
        scope = txt.SCOPE_PERSON.format(name=ref.name)
    page = await audit_queries.query_log(
        uow,
        SqlAuditSource(uow),
        actor,
        since=since,
        until=until,
        person=person,
        class_id=data.cls or None,
        page=data.page,
    )
    period = txt.PERIOD.get(data.days, txt.PERIOD[1])
    builder = InlineKeyboardBuilder()
    nav = 0
    if data.page > 0:
        builder.button(
            text=txt.BTN_PREV, callback_data=data.model_copy(update={"page": data.page - 1})
        )
        nav += 1
    if page.has_more:
        builder.button(
            text=txt.BTN_NEXT, callback_data=data.model_copy(update={"page": data.page + 1})
        )
        nav += 1
    builder.button(text=txt.BTN_BY_CLASS, callback_data=AuditAskCb(days=data.days, what="class"))
    builder.button(text=txt.BTN_BY_PERSON, callback_data=AuditAskCb(days=data.days, what="person"))
    if data.cls or data.kind:
        builder.button(text=txt.BTN_ALL, callback_data=AuditCb(days=data.days))
    builder.button(text=txt.BTN_PERIOD, callback_data=AuditAskCb(days=data.days, what="periods"))
    _menu_button(builder)
    builder.adjust(*([nav] if nav else []), 2, 1, 1, 1)
    if not page.lines:
        text = txt.EMPTY.format(period=period.capitalize(), scope=scope)
    else:
        blocks = [txt.TITLE.format(period=period, scope=scope, page=data.page + 1)]
        blocks += [render_line(line) for line in page.lines]
        if any(line.flagged for line in page.lines):
            blocks.append(txt.FLAGGED_HINT)
        text = "\n\n".join(blocks)
    await _show(event, text, builder.as_markup())


async def ask(
    query: CallbackQuery,
    callback_data: AuditAskCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    if callback_data.what == "periods":
        await start(query, actor, state)
        return
    if callback_data.what == "chain":
        status = await audit_queries.chain_status(uow, SqlAuditSource(uow), actor)
        builder = InlineKeyboardBuilder()
        _menu_button(builder)
        await _show(query, audit_queries.chain_text(status), builder.as_markup())
        return
    if callback_data.what == "class":
        builder = InlineKeyboardBuilder()
        for c in await viewable_classes(uow, actor):
            builder.button(
                text=c.name, callback_data=AuditCb(days=callback_data.days, cls=c.id or 0)
            )
        builder.adjust(4)
        await _show(query, txt.CHOOSE_CLASS, builder.as_markup())
        return
    await state.set_state(AuditInput.person)
    await state.update_data(days=callback_data.days)
    await _show(query, txt.ASK_PERSON)


def _people_buttons(
    people: list[PersonRef], button: Callable[[PersonRef], CallbackData]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for p in people:
        builder.button(
            text=txt.PERSON_BUTTON.format(name=p.name, what=p.what), callback_data=button(p)
        )
    _menu_button(builder)
    builder.adjust(1)
    return builder.as_markup()


async def person_typed(
    message: Message, uow: SqlUnitOfWork, actor: Actor, state: FSMContext
) -> None:
    text = message.text or ""
    people = await audit_queries.find_people(uow, actor, text)
    if not people:
        await message.answer(txt.NOBODY.format(text=text[:50]))
        return
    days = int((await state.get_data()).get("days", 1))
    await state.clear()
    markup = _people_buttons(
        people, lambda p: AuditCb(days=days, kind=p.kind.value, person=p.person_id)
    )
    await message.answer(txt.CHOOSE_PERSON, reply_markup=markup)


# --- a compromised account ------------------------------------------------------------------


def _example(ctx: BotContext, zone: ZoneInfo) -> str:
    return f"{ctx.clock.now().astimezone(zone):%d.%m.%Y %H:%M}"


async def compromise_action(
    query: CallbackQuery,
    callback_data: CompromiseCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    action = callback_data.action
    if action == "list":
        await state.clear()
        await _compromises(query, uow, actor)
        return
    if action == "show":
        view = await compromise.list_flagged(uow, SqlAuditSource(uow), actor, callback_data.id)
        await _flagged(query, actor, view)
        return
    if not actor.holds(*RECORDERS):
        await query.answer(ct.NOT_ALLOWED, show_alert=True)
        return
    if action == "start":
        await state.set_state(AuditInput.compromised)
        await _show(query, txt.ASK_COMPROMISED)
        return
    if action == "person":
        ref = await audit_queries.person_ref(
            uow, actor, PersonKind(callback_data.kind), callback_data.person
        )
        await state.set_state(AuditInput.since)
        await state.update_data(kind=ref.kind.value, person=ref.person_id, name=ref.name)
        example = _example(ctx, await _zone(uow, actor))
        await _show(query, txt.ASK_SINCE.format(name=ref.name, example=example))
        return
    if action == "cancel":
        await state.clear()
        await _show(query, txt.CANCELLED)
        return
    if action == "confirm":
        data = await state.get_data()
        if "since" not in data:  # a stale confirmation: the input was left or done already
            await query.answer(ct.NOT_ALLOWED, show_alert=True)
            return
        await state.clear()
        report = await compromise.record_compromise(
            uow,
            SqlAuditSource(uow),
            actor,
            PersonKind(str(data["kind"])),
            int(data["person"]),
            dt.datetime.fromisoformat(str(data["since"])),
            str(data["reason"]),
            ctx.clock.now(),
        )
        zone = await _zone(uow, actor)
        await _show(
            query,
            txt.RECORDED.format(
                name=report.person.name,
                since=f"{report.since.astimezone(zone):%d.%m.%Y %H:%M}",
                bindings=report.bindings_revoked,
                codes=report.codes_revoked,
                flagged=report.flagged,
            ),
        )
        view = await compromise.list_flagged(uow, SqlAuditSource(uow), actor, report.compromise_id)
        message = answer_target(query)
        if message is not None:
            await _flagged(message, actor, view)
        return
    if action == "revert":
        result = await compromise.revert_flagged(
            uow, SqlAuditSource(uow), actor, callback_data.id, ctx.clock.now()
        )
        lines = [
            txt.REVERTED.format(
                reverted=result.reverted, conflicts=result.conflicts, kept=result.kept
            )
        ]
        lines += [_flagged_line(x) for x in result.lines if x.state is not FlagState.REVERTED]
        builder = InlineKeyboardBuilder()
        _menu_button(builder)
        await _show(query, "\n\n".join(lines), builder.as_markup())


async def compromised_typed(
    message: Message, uow: SqlUnitOfWork, actor: Actor, state: FSMContext
) -> None:
    text = message.text or ""
    people = await audit_queries.find_people(uow, actor, text)
    if not people:
        await message.answer(txt.NOBODY.format(text=text[:50]))
        return
    await state.set_state(None)
    markup = _people_buttons(
        people, lambda p: CompromiseCb(action="person", kind=p.kind.value, person=p.person_id)
    )
    await message.answer(txt.CHOOSE_PERSON, reply_markup=markup)


def parse_moment(text: str, zone: ZoneInfo) -> tuple[dt.datetime, str] | None:
    """«07.09.2026 09:20 телефон украден» → (the moment in UTC, the reason)."""
    found = _MOMENT.fullmatch(text)
    if found is None:
        return None
    day, month, year, hour, minute = (int(found[i]) for i in range(1, 6))
    try:
        local = dt.datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(dt.UTC), " ".join(found[6].split())


async def since_typed(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    zone = await _zone(uow, actor)
    parsed = parse_moment(message.text or "", zone)
    if parsed is None:
        await message.answer(txt.BAD_SINCE.format(example=_example(ctx, zone)))
        return
    since, reason = parsed
    reason = reason or txt.DEFAULT_REASON
    data = await state.get_data()
    await state.update_data(since=since.isoformat(), reason=reason)
    builder = InlineKeyboardBuilder()
    builder.button(text=txt.BTN_CONFIRM, callback_data=CompromiseCb(action="confirm"))
    builder.button(text=txt.BTN_CANCEL, callback_data=CompromiseCb(action="cancel"))
    builder.adjust(2)
    await message.answer(
        txt.CONFIRM.format(
            name=data.get("name", ""),
            since=f"{since.astimezone(zone):%d.%m.%Y %H:%M}",
            reason=reason,
        ),
        reply_markup=builder.as_markup(),
    )


def _flagged_line(item: FlaggedLine) -> str:
    text = txt.STATE[item.state] + render_line(item.line)
    if item.note:
        text += "\n" + txt.NOTE.format(note=item.note)
    return text


async def _flagged(event: Message | CallbackQuery, actor: Actor, view: CompromiseView) -> None:
    blocks = [
        txt.VIEW_TITLE.format(
            name=view.person.name, since=view.since_text, reason=view.reason, by=view.recorded_by
        )
    ]
    if view.reverted_at_text:
        blocks.append(txt.VIEW_REVERTED.format(at=view.reverted_at_text))
    if not view.lines:
        blocks.append(txt.NOTHING_FLAGGED.format(since=view.since_text))
    blocks += [_flagged_line(item) for item in view.lines]
    builder = InlineKeyboardBuilder()
    if view.reverted_at_text is None and view.revertible and actor.holds(*RECORDERS):
        builder.button(
            text=txt.BTN_REVERT.format(count=view.revertible),
            callback_data=CompromiseCb(action="revert", id=view.compromise_id),
        )
    _menu_button(builder)
    builder.adjust(1)
    text = "\n\n".join(blocks)
    if isinstance(event, Message):
        *first, last = pages([text])
        for page in first:
            await event.answer(page)
        await event.answer(last, reply_markup=builder.as_markup())
    else:
        await _show(event, text, builder.as_markup())


async def _compromises(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    found = await compromise.compromises(uow, actor)
    builder = InlineKeyboardBuilder()
    for view in found[:10]:
        builder.button(
            text=txt.COMPROMISE_BUTTON.format(
                name=view.person.name,
                since=view.since_text,
                done=txt.COMPROMISE_DONE if view.reverted_at_text else "",
            ),
            callback_data=CompromiseCb(action="show", id=view.compromise_id),
        )
    _menu_button(builder)
    builder.adjust(1)
    await _show(query, txt.COMPROMISES_TITLE if found else txt.NO_COMPROMISES, builder.as_markup())


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="audit")
    router.message.filter(InRole(*READERS))
    router.callback_query.filter(InRole(*READERS))
    router.message.register(start, Command("audit"))
    router.callback_query.register(start, MenuCb.filter(F.action == "audit"))
    router.callback_query.register(show_log, AuditCb.filter())
    router.callback_query.register(ask, AuditAskCb.filter())
    router.callback_query.register(compromise_action, CompromiseCb.filter())
    router.message.register(person_typed, AuditInput.person, F.text)
    router.message.register(compromised_typed, AuditInput.compromised, F.text)
    router.message.register(since_typed, AuditInput.since, F.text)
    return router
