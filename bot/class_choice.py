"""The first step of the class screens (paper extracts, acknowledgements): the class itself when
the actor sees only one, otherwise a button per class the actor may see (core decides which)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.middlewares import answer_target
from bot.texts import common as ct
from core.model.identity import Actor
from core.services.class_journal import viewable_classes
from storage.uow import SqlUnitOfWork


async def pick_class(
    event: Message | CallbackQuery,
    uow: SqlUnitOfWork,
    actor: Actor,
    prompt: str,
    button: Callable[[int], CallbackData],
    show: Callable[[Message, int], Awaitable[None]],
) -> None:
    message = answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    classes = await viewable_classes(uow, actor)
    if not classes:
        await message.answer(ct.NOT_ALLOWED)
        return
    if len(classes) == 1:
        await show(message, classes[0].id or 0)
        return
    builder = InlineKeyboardBuilder()
    for c in classes:
        builder.button(text=c.name, callback_data=button(c.id or 0))
    builder.adjust(4)
    await message.answer(prompt, reply_markup=builder.as_markup())
