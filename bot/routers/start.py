"""/start, deep links and codes typed by strangers (INF-5)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot import keyboards
from bot.context import BotContext
from bot.filters import Stranger
from bot.replies import school_name, set_commands, show_menu
from bot.texts import common as txt
from bot.texts import guardian as gt
from core.model.identity import Actor, Role
from core.rules.codes import normalize_code
from core.services import consent
from core.services.identity import NotRedeemed, redeem_code
from core.services.identity_texts import ROLE_LABELS
from storage.uow import SqlUnitOfWork


async def start_with_code(
    message: Message, command: CommandObject, uow: SqlUnitOfWork, ctx: BotContext, bot: Bot
) -> None:
    await _redeem(message, command.args or "", uow, ctx, bot)


async def start(message: Message, uow: SqlUnitOfWork, actor: Actor | None) -> None:
    if actor is None:
        await message.answer(txt.GREETING)
    else:
        await show_menu(message, uow, actor)


async def stranger_text(message: Message, uow: SqlUnitOfWork, ctx: BotContext, bot: Bot) -> None:
    text = message.text or ""
    if normalize_code(text) is None:
        await message.answer(txt.STRANGER_TEXT)
        return
    await _redeem(message, text, uow, ctx, bot)


async def stranger_other(message: Message) -> None:
    await message.answer(txt.GREETING)


async def _redeem(
    message: Message, text: str, uow: SqlUnitOfWork, ctx: BotContext, bot: Bot
) -> None:
    assert message.from_user is not None
    result = await redeem_code(uow, message.from_user.id, text, ctx.clock.now())
    if isinstance(result, NotRedeemed):
        await message.answer(result.message)
        return
    actor = result.actor
    await message.answer(
        txt.WELCOME.format(
            name=actor.name,
            role=ROLE_LABELS[actor.role],
            school=await school_name(uow, actor.school_id),
        )
    )
    await set_commands(bot, message.chat.id, actor)
    if actor.role is Role.GUARDIAN and await consent.latest_consent(uow, actor.person_id) is None:
        text = await consent.consent_text(uow, actor.school_id)
        await message.answer(
            gt.CONSENT_ASK.format(text=text), reply_markup=keyboards.consent_buttons(False)
        )
        return
    await show_menu(message, uow, actor)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="start")
    router.message.register(start_with_code, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(stranger_text, Stranger(), F.text)
    router.message.register(stranger_other, Stranger())
    return router
