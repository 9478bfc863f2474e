"""Reply markup: checked as Telegram checks it, and read back as buttons a user can press."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import bad_request

MAX_CALLBACK_DATA = 64
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None
    request_contact: bool = False

    @classmethod
    def from_api(cls, raw: dict[str, Any] | str) -> Button:
        if isinstance(raw, str):
            return cls(raw)
        return cls(
            text=raw["text"],
            callback_data=raw.get("callback_data"),
            url=raw.get("url"),
            request_contact=bool(raw.get("request_contact")),
        )


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" of the reply markup must be an Array of Arrays')
    return rows


def _check_inline_button(raw: Any) -> None:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    actions = [name for name in _INLINE_ACTIONS if name in raw]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    data = raw.get("callback_data")
    if "callback_data" in raw and (
        not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")


def check_markup(markup: Any) -> dict[str, Any] | None:
    """The reply_markup of a sending or editing method, or a 400 as Telegram gives."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard"):
            for raw in row:
                _check_inline_button(raw)
    elif "keyboard" in markup:
        for row in _rows(markup, "keyboard"):
            for raw in row:
                if not isinstance(raw, str) and not (
                    isinstance(raw, dict) and isinstance(raw.get("text"), str)
                ):
                    raise bad_request('can\'t parse keyboard button: Field "text" must be String')
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def inline_buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[Button.from_api(raw) for raw in row] for row in markup["inline_keyboard"]]


def keyboard_buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if not markup or "keyboard" not in markup:
        return []
    return [[Button.from_api(raw) for raw in row] for row in markup["keyboard"]]
