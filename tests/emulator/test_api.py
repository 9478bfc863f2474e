"""The Bot API surface: bodies, errors, update confirmation, commands, edits, files."""

from __future__ import annotations

import asyncio
import struct
import zlib

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from aiogram.utils.formatting import Bold, Text
from aiohttp import ClientSession

from bot.emulator import BotApiEmulator


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00" * width * height)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


async def test_a_wrong_token_gives_401(emu: BotApiEmulator) -> None:
    # The plain form from aiogram's docs works too: Bot(token, session=AiohttpSession(api=...)).
    async with Bot("42:not-the-token", session=AiohttpSession(api=emu.api_server())) as bot:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await bot.get_me()


async def test_raw_http_bodies_and_errors(emu: BotApiEmulator) -> None:
    user = emu.user(id=801, first_name="Макс", started=True)
    api = f"{emu.base_url}/bot{emu.token}"
    markup = {"inline_keyboard": [[{"text": "ОК", "callback_data": "ok"}]]}
    async with ClientSession() as http:
        async with http.get(f"{api}/getMe") as response:
            me = await response.json()
        async with http.post(f"{api}/nope") as response:
            missing = (response.status, await response.json())
        async with http.post(
            f"{api}/sendMessage", json={"chat_id": user.id, "text": "json", "reply_markup": markup}
        ) as response:
            sent = await response.json()
        form = {"chat_id": str(user.id), "text": "form", "reply_markup": '{"remove_keyboard":true}'}
        async with http.post(f"{api}/sendmessage", data=form) as response:
            assert response.status == 200
        async with http.post(f"{api}/sendMessage", data={"chat_id": str(user.id)}) as response:
            empty = (response.status, await response.json())

    assert me == {"ok": True, "result": emu.state.bot_user}
    assert missing == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    assert sent["result"]["reply_markup"] == markup
    assert sent["result"]["from"]["is_bot"] is True
    assert empty == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"},
    )
    assert [(m.message_id, m.text) for m in user.messages] == [(1, "json"), (2, "form")]


async def test_get_updates_confirms_below_the_offset_and_ends_an_older_poll(
    emu: BotApiEmulator, bot: Bot
) -> None:
    user = emu.user(id=802, first_name="Нина")
    for text in ("1", "2", "3"):
        await user.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["1", "2"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["3"]
    assert len(emu.pending_updates) == 1

    older = asyncio.create_task(bot.get_updates(offset=rest[-1].update_id + 1, timeout=5))
    await emu.wait_until_polled()
    newer = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await older
    await user.send("4")
    assert [u.message.text for u in await newer if u.message] == ["4"]


async def test_commands_are_kept_per_scope_and_language(emu: BotApiEmulator, bot: Bot) -> None:
    teacher = emu.user(id=803, first_name="Учитель")
    parent = emu.user(id=804, first_name="Родитель", language_code="en")
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    await bot.set_my_commands(
        [BotCommand(command="journal", description="Журнал")],
        scope=BotCommandScopeChat(chat_id=teacher.id),
    )
    await bot.set_my_commands(
        [BotCommand(command="marks", description="Marks")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="en",
    )

    assert emu.commands == {
        ("default", ""): [("start", "Начать")],
        ("chat:803", ""): [("journal", "Журнал")],
        ("all_private_chats", "en"): [("marks", "Marks")],
    }
    assert teacher.commands == [("journal", "Журнал")]
    assert parent.commands == [("marks", "Marks")]
    got = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=teacher.id))
    assert [c.command for c in got] == ["journal"]
    assert await bot.get_my_commands(language_code="de") == []

    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=teacher.id))
    assert teacher.commands == [("start", "Начать")]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Журнал", description="x")])


async def test_telegram_refusals_for_text_markup_and_edits(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(id=805, first_name="Соня", started=True)
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "5а"'):
        await bot.send_message(user.id, "Класс <5А>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Can't find end tag"):
        await bot.send_message(user.id, "<b>жирный", parse_mode="HTML")
    too_long = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "кнопка", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(user.id, "ответ", reply_parameters=ReplyParameters(message_id=77))

    sent = await bot.send_message(user.id, "  Итог: <b>5</b> &amp; 4  ", parse_mode="HTML")
    assert sent.text == "Итог: 5 & 4"
    assert sent.entities is not None and sent.entities[0].offset == 6
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Итог: <b>5</b> &amp; 4", chat_id=user.id, message_id=sent.message_id
        )  # the same text and entities after parsing, and still no keyboard
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=999)
    reply = await bot.send_message(
        user.id, "ответ", reply_parameters=ReplyParameters(message_id=sent.message_id)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id

    assert await bot.delete_message(user.id, sent.message_id)
    assert user.messages[0].deleted and user.last_message.text == "ответ"
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)


async def test_photos_and_file_ids_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(id=806, first_name="Федя", started=True)
    image = png(3, 2)
    sent = await bot.send_photo(user.id, BufferedInputFile(image, "chart.png"), caption="График")
    assert sent.photo is not None
    size = sent.photo[-1]
    assert (size.width, size.height) == (3, 2)

    again = await bot.send_photo(user.id, size.file_id)  # a file_id string instead of an upload
    assert again.photo is not None and again.photo[-1].file_id == size.file_id
    downloaded = await bot.download(size.file_id)
    assert downloaded is not None and downloaded.read() == image
    assert user.document_bytes(user.messages[0]) == image

    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(user.id, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(user.id, "no-such-file-id")
    missing = f"{emu.base_url}/file/bot{emu.token}/photos/nothing.jpg"
    async with ClientSession() as http, http.get(missing) as response:
        assert response.status == 404


async def test_markup_edits_and_entities_without_parse_mode(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(id=807, first_name="Гена", started=True)
    first = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Отметить", callback_data="mark")]]
    )
    second = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Готово ✅", callback_data="done")]]
    )
    text = Text("Отметка ", Bold("5"), " по алгебре")
    sent = await bot.send_message(user.id, reply_markup=first, **text.as_kwargs())
    message = await user.wait_for_message()
    assert message.text == "Отметка 5 по алгебре"
    assert message.entities == [{"type": "bold", "offset": 8, "length": 1}]

    await bot.edit_message_reply_markup(
        chat_id=user.id, message_id=sent.message_id, reply_markup=second
    )
    assert (await user.wait_for_message()).button_texts == ["Готово ✅"]
    await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    await bot.send_message(user.id, "следующее")
    # edits=False passes over the edit that removed the keyboard.
    assert (await user.wait_for_message(edits=False)).text == "следующее"
    assert message.buttons == []
