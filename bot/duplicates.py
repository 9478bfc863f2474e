"""Duplicates that must not change data twice: an update Telegram delivers again (a webhook
retried after a timeout, polling restarted before the offset was confirmed), and a button pressed
twice before its message changed (a double tap, a laggy client tapping again)."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject, Update

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Presses whose repeat goes to the handler: toggles, where pressing again on purpose means
# "once more" (the next kind of absence, a notice topic back on), and «✅ Ознакомлен», which core
# records once and answers a repeat with when it was recorded. Prefixes as packed by
# bot.callbacks and bot.routers.notices: "at:<lesson>:<student>:" is an attendance tap.
_PASS_THROUGH = ("np:topic:", "nk:")


def _passes_through(data: str) -> bool:
    return data.startswith(_PASS_THROUGH) or (data.startswith("at:") and data.endswith(":"))


@dataclass
class _Press:
    data: str
    shown: str  # the message as the user saw it when pressing, and the conversation's state
    done_at: float | None  # None while the first press is still being handled


async def _shown(query: CallbackQuery, state: FSMContext | None) -> str:
    """What the press was made on. A handler that asks to press again («нажмите ещё раз») moves
    the conversation's state on, so that press is not taken for a double tap."""
    message = query.message
    shown = (
        ""
        if message is None
        else message.model_dump_json(include={"edit_date", "text", "caption", "reply_markup"})
    )
    if state is None:
        return shown
    saved = {"state": await state.get_state(), "data": await state.get_data()}
    return shown + json.dumps(saved, sort_keys=True, default=str)


class DuplicateMiddleware(BaseMiddleware):
    """Drops an update whose id was seen already, and a press of the same button on the same
    message as the user saw it at the last press, in the same state of the conversation (nothing
    happened in between: a double tap), while that press is still handled or within ``window``
    seconds after it succeeded. A press that failed (the database was busy, a refusal) may be
    repeated at once.

    Remembered in this process only, bounded: enough for one instance of the bot."""

    def __init__(self, window: float = 5.0, remember: int = 10_000) -> None:
        self.window = window
        self.remember = remember
        self._update_ids: OrderedDict[int, None] = OrderedDict()
        self._presses: OrderedDict[tuple[int, int, int], _Press] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if event.update_id in self._update_ids:
            log.info("duplicate update %s dropped", event.update_id)
            return None
        self._update_ids[event.update_id] = None
        if len(self._update_ids) > self.remember:
            self._update_ids.popitem(last=False)
        query = event.callback_query
        if query is None or query.message is None or not query.data or _passes_through(query.data):
            return await handler(event, data)
        return await self._press(query, handler, event, data)

    async def _press(
        self, query: CallbackQuery, handler: Handler, event: Update, data: dict[str, Any]
    ) -> Any:
        assert query.message is not None and query.data is not None
        key = (query.from_user.id, query.message.chat.id, query.message.message_id)
        last = self._presses.get(key)
        shown = await _shown(query, data.get("state"))
        now = time.monotonic()
        if (
            last is not None
            and (last.data, last.shown) == (query.data, shown)
            and (last.done_at is None or now - last.done_at < self.window)
        ):
            log.info("repeated press %r by %s dropped", query.data, query.from_user.id)
            await query.answer()  # stops the spinner; the first press gives the answer
            return None
        press = _Press(query.data, shown, None)
        self._presses[key] = press
        self._presses.move_to_end(key)
        if len(self._presses) > self.remember:
            self._presses.popitem(last=False)
        try:
            result = await handler(event, data)
        except BaseException:
            if self._presses.get(key) is press:
                del self._presses[key]
            raise
        press.done_at = time.monotonic()
        return result
