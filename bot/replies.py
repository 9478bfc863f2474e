"""Shared pieces of answers: the menu of the current role, per-role command lists, dates."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Message

from bot import keyboards
from bot.texts import common as txt
from core.model.identity import Actor
from core.model.school import School
from core.services.identity import role_choices
from core.services.identity_texts import ROLE_LABELS
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def day_label(day: dt.date) -> str:
    """«вторник, 1 сентября»."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"


async def local_time(uow: SqlUnitOfWork, school_id: int, at: dt.datetime) -> str:
    """«15.09.2026 10:05» in the school's own time zone (people never read UTC)."""
    school = await uow.repo(School).get(school_id)
    zone = ZoneInfo(school.timezone if school else "Europe/Moscow")
    return at.astimezone(zone).strftime("%d.%m.%Y %H:%M")


async def school_name(uow: SqlUnitOfWork, school_id: int) -> str:
    school = await uow.repo(School).get(school_id)
    return school.name if school else ""


async def show_menu(
    message: Message, uow: SqlUnitOfWork, actor: Actor, *, edit: bool = False
) -> None:
    several = len(await role_choices(uow, actor.telegram_user_id or 0)) > 1
    text = txt.MENU_TITLE.format(
        name=actor.name,
        role=ROLE_LABELS[actor.role],
        school=await school_name(uow, actor.school_id),
    )
    markup = keyboards.menu(actor, several)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


def commands_for(actor: Actor | None) -> list[BotCommand]:
    if actor is None:
        pairs = txt.COMMANDS_STRANGER
    else:
        pairs = txt.COMMANDS_COMMON + txt.COMMANDS_BY_ROLE.get(actor.role, ())
    return [BotCommand(command=c, description=d) for c, d in pairs]


async def set_commands(bot: Bot, chat_id: int | None, actor: Actor | None) -> None:
    """The command list of the user's role in their chat; a server without per-chat commands (some
    local Bot API servers, old versions) must not stop the bot."""
    scope = BotCommandScopeChat(chat_id=chat_id) if chat_id else BotCommandScopeDefault()
    try:
        await bot.set_my_commands(commands_for(actor), scope=scope)
    except TelegramAPIError as error:
        log.warning("could not set commands for %s: %s", chat_id, error)
