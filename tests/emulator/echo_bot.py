"""A tiny bot for the emulator's tests: real aiogram routers, nothing of the school."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

REPORT = "class;absent\n5А;2\n".encode()


def build_router(seen: list[Any]) -> Router:
    """Handlers append what they got to `seen`, for the tests to look at."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        assert message.from_user is not None
        keyboard = InlineKeyboardBuilder()
        keyboard.button(text="Да", callback_data="answer:yes")
        keyboard.button(text="Нет", callback_data="answer:no")
        name = html.quote(message.from_user.first_name)
        await message.answer(
            f"Привет, <b>{name}</b>! Код: {command.args}", reply_markup=keyboard.as_markup()
        )

    @router.callback_query(F.data.startswith("answer:"))
    async def answered(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Вы ответили: {query.data}")
        await query.answer("Принято")

    @router.callback_query()
    async def any_other_press(query: CallbackQuery) -> None:
        seen.append(("callback", query.data))
        await query.answer(f"Неизвестная кнопка: {query.data}", show_alert=True)

    @router.message(Command("report"))
    async def report(message: Message) -> None:
        await message.answer_document(
            BufferedInputFile(REPORT, filename="absent.csv"), caption="<i>Пропуски</i>"
        )

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        keys = [
            [KeyboardButton(text="Отметки"), KeyboardButton(text="Телефон", request_contact=True)]
        ]
        await message.answer("Меню", reply_markup=ReplyKeyboardMarkup(keyboard=keys))

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document)
        assert data is not None
        await message.answer(f"{message.document.file_name}: {len(data.read())} байт")

    @router.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact is not None
        await message.answer(f"Телефон {message.contact.phone_number}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        seen.append(("text", message.text, time.monotonic()))
        await message.answer(html.quote(message.text or ""))

    return router


def build_dispatcher(seen: list[Any]) -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router(seen))
    return dispatcher
