"""The echo bot over real HTTP long polling: commands, buttons, edits, files, keyboards."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot, Dispatcher

from bot.emulator import BotApiEmulator
from tests.emulator.echo_bot import REPORT


async def test_start_shows_an_inline_keyboard(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=501, first_name="Анна <Мария>", last_name="Иванова")
    async with emu.polling(dp, bot):
        await user.send("/start abc")
        reply = await user.wait_for_message()

    # The HTML parse mode is applied: tags become entities, the quoted name reads as typed.
    assert reply.text == "Привет, Анна <Мария>! Код: abc"
    assert reply.entities == [{"type": "bold", "offset": 8, "length": 12}]
    assert reply.button_texts == ["Да", "Нет"]
    assert reply.buttons[0][0].callback_data == "answer:yes"
    assert reply.from_bot and reply.sender["id"] == bot.id
    assert user.last_message is reply


async def test_pressing_a_button_edits_the_message_and_answers(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=502, first_name="Пётр")
    async with emu.polling(dp, bot):
        await user.send("/start")
        menu = await user.wait_for_message()
        query_id = await user.press(menu, "Нет")
        edited = await user.wait_for_message()
        answer = await user.wait_for_answer(query_id)

    assert edited is menu  # edited in place, same message id
    assert menu.text == "Вы ответили: answer:no"
    assert menu.buttons == []  # an edit without reply_markup drops the keyboard
    assert menu.edit_date is not None
    assert answer.text == "Принято" and not answer.show_alert
    assert answer.data == "answer:no" and answer.message_id == menu.message_id
    assert len(user.messages) == 1


async def test_forged_callback_data_arrives_as_is(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher, seen: list[Any]
) -> None:
    user = emu.user(id=503, first_name="Ева")
    forged = "mark:delete:999999999999:" + "x" * 80  # longer than any real button allows
    async with emu.polling(dp, bot):
        await user.send("/start")
        menu = await user.wait_for_message()
        await user.press_data(menu.message_id, forged)
        answer = await user.wait_for_answer()

    assert ("callback", forged) in seen
    assert answer.show_alert and answer.text == f"Неизвестная кнопка: {forged}"


async def test_a_document_from_the_bot_arrives_with_its_bytes(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=504, first_name="Олег")
    async with emu.polling(dp, bot):
        await user.send("/report")
        message = await user.wait_for_message()

    assert message.document is not None
    assert message.document.filename == "absent.csv"
    assert message.document.mime_type == "text/csv"
    assert user.document_bytes(message) == REPORT
    assert emu.file_bytes(message.document.file_id) == REPORT
    assert message.caption == "Пропуски"
    assert message.caption_entities == [{"type": "italic", "offset": 0, "length": 8}]


async def test_the_bot_downloads_a_document_from_the_user(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=505, first_name="Ира")
    async with emu.polling(dp, bot):
        await user.send_document("marks.xlsx", b"PK\x03\x04" + b"0" * 96)
        reply = await user.wait_for_message()

    assert reply.text == "marks.xlsx: 100 байт"
    assert emu.stats.count("getFile") == 1


async def test_reply_keyboard_keys_send_text_or_the_contact(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=506, first_name="Лев", phone_number="+79990001122")
    async with emu.polling(dp, bot):
        await user.send("/menu")
        await user.wait_for_message()
        assert [key.text for key in user.keyboard[0]] == ["Отметки", "Телефон"]
        await user.press_key("Отметки")
        echoed = await user.wait_for_message()
        await user.press_key("Телефон")
        phone = await user.wait_for_message()

    assert echoed.text == "Отметки"
    assert phone.text == "Телефон +79990001122"


async def test_long_polling_delivers_at_once_not_at_the_timeout(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher, seen: list[Any]
) -> None:
    user = emu.user(id=507, first_name="Том")
    # polling_timeout=10: without a wake-up the update would wait up to ten seconds.
    async with emu.polling(dp, bot, polling_timeout=10):
        for word in ("раз", "два", "три"):
            await emu.wait_until_polled()
            sent_at = time.monotonic()
            await user.send(word)
            await user.wait_for_message()
            got_at = seen[-1][2]
            assert got_at - sent_at < 0.1, f"{word}: {got_at - sent_at:.3f} s"

    assert [entry[1] for entry in seen] == ["раз", "два", "три"]


async def test_polling_stops_cleanly_and_restarts(
    emu: BotApiEmulator, bot: Bot, dp: Dispatcher
) -> None:
    user = emu.user(id=508, first_name="Яна")
    async with emu.polling(dp, bot) as task:
        await user.send("первый")
        await user.wait_for_message()
    assert task.done() and not task.cancelled()
    assert emu.state.updates.pollers_waiting == 0

    await user.send("пока никто не слушает")
    async with emu.polling(dp, bot):
        late = await user.wait_for_message()
    # Sent while nobody polled, delivered once polling resumed; the first one not twice.
    assert late.text == "пока никто не слушает"
    assert [m.text for m in user.messages] == ["первый", "пока никто не слушает"]
