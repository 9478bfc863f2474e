"""Backups for the coordinator (DATA-2): «💾 Резервные копии» (menu action "backups", /backups)
lists the backups on the server, newest first, with a button to take one now. core checks that
the actor is the coordinator and audits the backup; the files are storage's, reached through the
``backups`` object the dispatcher is given (``dp["backups"] = BackupStore(...)``). The file is
never sent to Telegram: it holds every school's personal data."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.filters import InRole
from bot.middlewares import answer_target
from bot.texts import backups as txt
from bot.texts import common as ct
from core.model.identity import Actor, Role
from core.services import backups as core
from core.services.backups import BackupFailed, BackupInfo, Backups
from core.services.journal import school_of
from storage.uow import SqlUnitOfWork

SHOWN = 10


class BackupCb(CallbackData, prefix="bk"):
    action: str  # "now"


def _size(n: int) -> str:
    value = float(n)
    for unit in txt.SIZE_UNITS:
        if value < 1024 or unit == txt.SIZE_UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "Б" else f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{n} Б"


async def _zone(uow: SqlUnitOfWork, actor: Actor) -> ZoneInfo:
    return ZoneInfo((await school_of(uow, actor.school_id)).timezone)


def _keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=txt.BTN_BACKUP_NOW, callback_data=BackupCb(action="now"))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    return builder.as_markup()


def _listing(found: Sequence[BackupInfo], zone: ZoneInfo) -> str:
    if not found:
        return f"{txt.LIST_NONE}\n\n{txt.LIST_NOTE}"
    lines = [txt.LIST_TITLE.format(count=len(found))]
    for item in found[:SHOWN]:
        taken = item.taken_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
        lines.append(txt.LIST_LINE.format(taken=taken, size=_size(item.size)))
    if len(found) > SHOWN:
        lines.append(txt.LIST_MORE.format(count=len(found) - SHOWN))
    return "\n".join([*lines, "", txt.LIST_NOTE])


async def show(
    event: Message | CallbackQuery,
    uow: SqlUnitOfWork,
    actor: Actor,
    backups: Backups | None = None,
) -> None:
    message = answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    if backups is None:
        await message.answer(txt.NOT_CONFIGURED)
        return
    found = core.list_backups(actor, backups)
    await message.answer(_listing(found, await _zone(uow, actor)), reply_markup=_keyboard())


async def take_now(
    query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor, backups: Backups | None = None
) -> None:
    message = query.message
    if backups is None or not isinstance(message, Message):
        await query.answer(txt.NOT_CONFIGURED, show_alert=True)
        return
    await query.answer(txt.TAKING)
    # no transaction is open here (nothing read since the actor): the backup holds no lock of
    # the bot's while it copies, and teachers go on posting marks
    try:
        taken = await core.take_backup(uow, actor, backups)
    except BackupFailed as error:
        await message.answer(txt.FAILED.get(error.reason, txt.FAILED["io"]))
        return
    await message.answer(
        txt.TAKEN.format(
            taken=taken.taken_at.astimezone(await _zone(uow, actor)).strftime("%d.%m.%Y %H:%M"),
            size=_size(taken.size),
            name=taken.name,
        ),
        reply_markup=_keyboard(),
    )


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="backups")
    router.message.filter(InRole(Role.COORDINATOR))
    router.callback_query.filter(InRole(Role.COORDINATOR))
    router.message.register(show, Command("backups"))
    router.callback_query.register(show, MenuCb.filter(F.action == "backups"))
    router.callback_query.register(take_now, BackupCb.filter(F.action == "now"))
    return router
