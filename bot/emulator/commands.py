"""The bot's command menus, kept per scope and language as setMyCommands defines them."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.messaging import Method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def scope_key(scope: Any) -> str:
    """A readable key for a BotCommandScope: "default", "chat:42", "chat_member:42:7"..."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope")
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return str(kind)
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    raise bad_request("unsupported BotCommandScope type")


def visible_commands(
    state: EmulatorState, chat_id: int, language_code: str | None
) -> list[tuple[str, str]]:
    """What a user sees in a private chat, by Telegram's documented order of scopes."""
    for scope in (f"chat:{chat_id}", "all_private_chats", "default"):
        for language in (language_code or "", ""):
            commands = state.commands.get((scope, language))
            if commands:
                return commands
    return []


class CommandMethods:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> dict[str, Method]:
        return {
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }

    def _key(self, params: Params) -> tuple[str, str]:
        return scope_key(params.json("scope")), params.optional_string("language_code") or ""

    async def set_my_commands(self, params: Params) -> bool:
        raw = params.json("commands")
        if not isinstance(raw, list) or len(raw) > 100:
            raise bad_request("can't parse commands JSON object")
        commands: list[tuple[str, str]] = []
        for item in raw:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            commands.append((command, description))
        key = self._key(params)
        if commands:
            self.state.commands[key] = commands
        else:
            self.state.commands.pop(key, None)
        self.state.changed.fire()
        return True

    async def get_my_commands(self, params: Params) -> list[dict[str, str]]:
        commands = self.state.commands.get(self._key(params), [])
        return [{"command": c, "description": d} for c, d in commands]

    async def delete_my_commands(self, params: Params) -> bool:
        self.state.commands.pop(self._key(params), None)
        self.state.changed.fire()
        return True
