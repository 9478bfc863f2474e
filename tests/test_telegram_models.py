"""aiogram's models, deferred by app.telegram_models, read and write what aiogram's own do.

Each side runs in a fresh interpreter: one as the bot imports aiogram (``import app`` first), one
as aiogram imports itself. Both read the same Updates and Bot API answers and build the same
method calls; what they make of them must be identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, sys
if sys.argv[1] == "deferred":
    import app  # noqa: F401
from aiogram.methods import (
    AnswerCallbackQuery, EditMessageText, GetChatMember, GetUpdates, SendDocument, SendMessage,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, Message,
    ReplyKeyboardMarkup, Update, User,
)
from app.telegram_models import deferred

built_at_import = Message.__pydantic_complete__
chat = {"id": 7, "type": "private", "first_name": "Анна"}
user = {"id": 7, "is_bot": False, "first_name": "Анна", "language_code": "ru"}
keyboard = {"inline_keyboard": [[{"text": "5", "callback_data": "mv:1:5"}]]}
message = {"message_id": 3, "date": 1790000000, "chat": chat, "from": user, "text": "/start",
           "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
           "reply_markup": keyboard}
updates = [
    {"update_id": 1, "message": message},
    {"update_id": 2, "callback_query": {"id": "9", "from": user, "chat_instance": "c",
                                        "data": "mv:1:5", "message": message}},
    {"update_id": 3, "message": {**message, "document": {"file_id": "f", "file_unique_id": "u",
                                                       "file_name": "год.xlsx"}}},
    {"update_id": 4, "my_chat_member": {"chat": chat, "from": user, "date": 1790000000,
        "old_chat_member": {"status": "member", "user": user},
        "new_chat_member": {"status": "kicked", "user": user, "until_date": 0}}},
]
out = {"deferred": deferred(), "built_at_import": built_at_import}
out["updates"] = [Update.model_validate(u).model_dump(mode="json") for u in updates]
answers = [
    (SendMessage, {"ok": True, "result": message}),
    (GetUpdates, {"ok": True, "result": updates}),
    (GetChatMember, {"ok": True, "result": {"status": "kicked", "user": user,
                                            "until_date": 0}}),
    (AnswerCallbackQuery, {"ok": True, "result": True}),
]
out["answers"] = [
    Response[m.__returning__].model_validate(a).model_dump(mode="json") for m, a in answers
]
inline = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Н", callback_data="a")]])
calls = [
    SendMessage(chat_id=7, text="Отметка «5»", reply_markup=inline),
    SendMessage(chat_id=7, text="Меню", reply_markup=ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📘 Мои уроки")]], resize_keyboard=True)),
    EditMessageText(chat_id=7, message_id=3, text="Готово", reply_markup=inline),
    SendDocument(chat_id=7, document=BufferedInputFile(b"x", "отчёт.xlsx"), caption="Отчёт"),
    AnswerCallbackQuery(callback_query_id="9", text="Сохранено"),
]
out["calls"] = [repr(c.model_dump(exclude={"document"})) for c in calls]
print(json.dumps(out, ensure_ascii=False, default=str))
"""


def _run(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_bot_imports_aiogram_without_building_its_models() -> None:
    deferred = _run("deferred")
    assert deferred["deferred"] is True
    assert deferred["built_at_import"] is False


def test_deferred_models_read_and_write_what_aiogram_s_own_do() -> None:
    deferred, eager = _run("deferred"), _run("eager")
    assert eager["deferred"] is False and eager["built_at_import"] is True
    for part in ("updates", "answers", "calls"):
        assert deferred[part] == eager[part], part
    callback = deferred["updates"][1]["callback_query"]  # type: ignore[index]
    button = callback["message"]["reply_markup"]["inline_keyboard"][0][0]  # typed, not a dict
    assert (button["text"], button["callback_data"]) == ("5", "mv:1:5")
