"""Menu, help and role switching for every connected person; the fallbacks come last."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb, RoleCb
from bot.filters import Connected
from bot.replies import set_commands, show_menu
from bot.texts import common as txt
from core.model.identity import Actor, Role
from core.services.identity import role_choices, switch_role
from core.services.identity_texts import ROLE_LABELS
from storage.uow import SqlUnitOfWork


async def menu_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await show_menu(message, uow, actor)


async def menu_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await show_menu(query.message, uow, actor, edit=True)


async def help_command(message: Message) -> None:
    await message.answer(txt.HELP)


async def role_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await _roles(message, uow, actor, edit=False)


async def role_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _roles(query.message, uow, actor, edit=True)


async def _roles(message: Message, uow: SqlUnitOfWork, actor: Actor, *, edit: bool) -> None:
    choices = await role_choices(uow, actor.telegram_user_id or 0)
    if len(choices) < 2:
        await message.answer(txt.ONLY_ONE_ROLE)
        return
    names = {c.name for c in choices}
    builder = InlineKeyboardBuilder()
    for c in choices:
        label = ROLE_LABELS[c.role]
        text = (
            txt.ROLE_BUTTON.format(role=label, school=c.school)
            if len(names) == 1
            else txt.ROLE_BUTTON_WITH_NAME.format(name=c.name, role=label, school=c.school)
        )
        mark = "• " if (c.binding_id, c.role) == (actor.binding_id, actor.role) else ""
        builder.button(text=mark + text, callback_data=RoleCb(binding=c.binding_id, role=c.role))
    builder.adjust(1)
    if edit:
        await message.edit_text(txt.SWITCH_ROLE_TITLE, reply_markup=builder.as_markup())
    else:
        await message.answer(txt.SWITCH_ROLE_TITLE, reply_markup=builder.as_markup())


async def role_chosen(
    query: CallbackQuery, callback_data: RoleCb, uow: SqlUnitOfWork, actor: Actor, bot: Bot
) -> None:
    try:
        role = Role(callback_data.role)
    except ValueError:
        await query.answer(txt.STALE_BUTTON)
        return
    new_actor = await switch_role(uow, actor.telegram_user_id or 0, callback_data.binding, role)
    await query.answer(txt.ROLE_CHOSEN.format(role=ROLE_LABELS[new_actor.role], school=""))
    await set_commands(bot, query.from_user.id, new_actor)
    if isinstance(query.message, Message):
        await show_menu(query.message, uow, new_actor, edit=True)


async def stale_button(query: CallbackQuery) -> None:
    """A button this person may not press, from an old message or forged: nothing happens."""
    await query.answer(txt.STALE_BUTTON, show_alert=False)


async def unknown_message(message: Message) -> None:
    await message.answer(txt.UNKNOWN_COMMAND)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="common")
    router.message.filter(Connected())
    router.callback_query.filter(Connected())
    router.message.register(menu_command, Command("menu"))
    router.callback_query.register(menu_button, MenuCb.filter(F.action == "menu"))
    router.message.register(help_command, Command("help"))
    router.message.register(role_command, Command("role"))
    router.callback_query.register(role_button, MenuCb.filter(F.action == "role"))
    router.callback_query.register(role_chosen, RoleCb.filter())
    return router


def build_fallback() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    fallback = Router(name="fallback")
    fallback.callback_query.register(stale_button)
    fallback.message.register(unknown_message)
    return fallback
