"""Notices in the bot: «✅ Ознакомлен» under every notice (INF-2), the recipient's preferences
(/notices), and the chat's reachability from Telegram's my_chat_member updates.

The acknowledgement is taken whatever role the account shows at the moment (a teacher who is also
a parent): core checks that the account is the notice's recipient."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.texts import common as ct
from core.model.identity import Actor, Role
from core.model.notices import FAMILY_TOPICS, DeliveryMode, NoticePreference, NoticeTopic
from core.rules.notices import NoticeRules, may_answer
from core.services import notices, replies
from core.services import notices_texts as txt
from core.services import replies_texts as rt
from storage.uow import SqlUnitOfWork

QUIET = (dt.time(21, 0), dt.time(7, 0))  # what «on» means on the quiet-hours button


class AckCb(CallbackData, prefix="nk"):
    """Packs as core.model.notices.ack_callback_data: the channel writes it without the bot."""

    notice: int


class ReplyCb(CallbackData, prefix="nr"):
    """Packs as core.model.notices.reply_callback_data (INF-6)."""

    notice: int


class ReplyInput(StatesGroup):
    text = State()


class PrefCb(CallbackData, prefix="np"):
    what: str  # "topic", "mode" or "quiet"
    value: str = ""


# --- «✅ Ознакомлен» ------------------------------------------------------------------------


async def acknowledge(
    query: CallbackQuery,
    callback_data: AckCb,
    uow: SqlUnitOfWork,
    ctx: BotContext,
    actor: Actor | None = None,
) -> None:
    if actor is None:  # unbound since: the notice is no longer theirs to confirm
        await query.answer(ct.NOT_ALLOWED, show_alert=True)
        return
    done = await notices.acknowledge(uow, actor, callback_data.notice, ctx.clock.now())
    at = (await notices.school_time(uow, done.notice.school_id, done.at)).strftime("%d.%m %H:%M")
    await query.answer(txt.ACK_THANKS if done.first else txt.ACK_ALREADY.format(at=at))
    message = query.message
    if not isinstance(message, Message):
        return
    text = f"{done.notice.text or message.text or ''}\n\n{txt.ACKNOWLEDGED.format(at=at)}"
    if message.text == text:
        return
    markup = None
    if may_answer(done.notice.recipient_kind, done.notice.kinds):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=rt.REPLY_BUTTON,
                        callback_data=ReplyCb(notice=callback_data.notice).pack(),
                    )
                ]
            ]
        )
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        # pressed twice before the first edit arrived: the second edit changes nothing
        if "not modified" not in error.message:
            raise


# --- «✉️ Ответить учителю» (INF-6) ------------------------------------------------------------


async def reply_asked(
    query: CallbackQuery,
    callback_data: ReplyCb,
    uow: SqlUnitOfWork,
    state: FSMContext,
    actor: Actor | None = None,
) -> None:
    if actor is None:
        await query.answer(ct.NOT_ALLOWED, show_alert=True)
        return
    await replies.reply_target(
        uow, actor, callback_data.notice
    )  # refuses at once, not after typing
    await state.set_state(ReplyInput.text)
    await state.update_data(notice=callback_data.notice)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(rt.ASK_REPLY.format(limit=replies.MAX_REPLY))


async def reply_text(
    message: Message,
    uow: SqlUnitOfWork,
    ctx: BotContext,
    state: FSMContext,
    actor: Actor | None = None,
) -> None:
    data = await state.get_data()
    if actor is None:
        await state.clear()
        await message.answer(ct.NOT_ALLOWED)
        return
    # a refusal (too long, empty) keeps the input open: the error handler says why
    target = await replies.reply_to_teacher(
        uow, actor, int(data["notice"]), message.text or "", ctx.clock.now()
    )
    await state.clear()
    await message.answer(rt.REPLY_SENT.format(teacher=target.teacher))


# --- preferences ----------------------------------------------------------------------------


def render_preferences(
    pref: NoticePreference, rules: NoticeRules
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [txt.PREFS_TITLE, "", txt.PREFS_TOPICS]
    builder = InlineKeyboardBuilder()
    for topic in FAMILY_TOPICS:
        label = txt.TOPIC_LABELS[topic]
        shown = (txt.ON if topic in pref.topics else txt.OFF).format(label=label)
        builder.button(text=shown, callback_data=PrefCb(what="topic", value=topic.value))
    if not pref.topics:
        lines.append(txt.PREFS_NONE)
    if pref.mode is DeliveryMode.DIGEST:
        lines.append(txt.PREFS_DIGEST.format(at=rules.digest_at.strftime("%H:%M")))
        builder.button(text=txt.BUTTON_DIGEST, callback_data=PrefCb(what="mode", value="instant"))
    else:
        lines.append(txt.PREFS_INSTANT)
        builder.button(text=txt.BUTTON_INSTANT, callback_data=PrefCb(what="mode", value="digest"))
    if pref.quiet_from is not None and pref.quiet_to is not None:
        start, end = pref.quiet_from.strftime("%H:%M"), pref.quiet_to.strftime("%H:%M")
        lines.append(txt.PREFS_QUIET.format(start=start, end=end))
        quiet_button = txt.BUTTON_QUIET.format(start=start, end=end)
        builder.button(text=quiet_button, callback_data=PrefCb(what="quiet", value="off"))
    else:
        lines.append(txt.PREFS_NO_QUIET)
        builder.button(text=txt.BUTTON_NO_QUIET, callback_data=PrefCb(what="quiet", value="on"))
    lines.append(txt.PREFS_URGENT)
    builder.adjust(2, 2, 2, 1, 1)
    return "\n".join(lines), builder.as_markup()


async def preferences_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    pref = await notices.my_preferences(uow, actor)
    text, markup = render_preferences(pref, NoticeRules())
    await message.answer(text, reply_markup=markup)


async def preferences_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await preferences_command(query.message, uow, actor)


async def preferences_changed(
    query: CallbackQuery, callback_data: PrefCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    pref = await notices.my_preferences(uow, actor)
    now, value = ctx.clock.now(), callback_data.value
    try:
        if callback_data.what == "topic":
            topic = NoticeTopic(value)
            topics = set(pref.topics) ^ {topic}
            pref = await notices.set_preferences(uow, actor, now, topics=list(topics))
        elif callback_data.what == "mode":
            pref = await notices.set_preferences(uow, actor, now, mode=DeliveryMode(value))
        elif callback_data.what == "quiet":
            pref = await notices.set_preferences(
                uow, actor, now, quiet=QUIET if value == "on" else None
            )
        else:
            raise ValueError(callback_data.what)
    except ValueError:
        await query.answer(ct.STALE_BUTTON)
        return
    await query.answer(txt.SAVED)
    text, markup = render_preferences(pref, NoticeRules())
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


# --- reachability ---------------------------------------------------------------------------


async def chat_member(event: ChatMemberUpdated, uow: SqlUnitOfWork, ctx: BotContext) -> None:
    """The user blocked the bot (no notice goes there: the class teacher's paper list) or came
    back (notices go again)."""
    status = event.new_chat_member.status
    now = ctx.clock.now()
    if status in ("kicked", "left"):
        if await notices.mark_unreachable(uow, event.chat.id, txt.BLOCKED_BY_USER, now):
            await uow.commit()
    elif status == "member":
        await notices.mark_reachable(uow, event.chat.id, now)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several). Include it before
    the fallback router, which answers every button it meets as stale."""
    router = Router(name="notices")
    router.callback_query.register(acknowledge, AckCb.filter())
    router.callback_query.register(reply_asked, ReplyCb.filter())
    router.message.register(reply_text, ReplyInput.text, F.text)
    recipients = InRole(Role.GUARDIAN, Role.STUDENT)
    router.message.register(preferences_command, Command("notices"), recipients)
    router.callback_query.register(preferences_changed, PrefCb.filter(), recipients)
    router.callback_query.register(
        preferences_button, MenuCb.filter(F.action == "notices"), recipients
    )
    router.my_chat_member.register(chat_member, F.chat.type == "private")
    return router
