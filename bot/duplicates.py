"""Duplicates that must not change data twice: an update Telegram delivers again (a webhook
retried after a timeout, polling restarted before the offset was confirmed), and a button pressed
twice before its message changed (a double tap, a laggy client tapping again)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject, Update

from bot.shared_state import MemoryLedger, MemoryPresses, PressMemory, UpdateLedger
from storage.handled_updates import AlreadyHandled

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Presses whose repeat goes to the handler: toggles, where pressing again on purpose means
# "once more" (the next kind of absence, a notice topic back on), and «✅ Ознакомлен», which core
# records once and answers a repeat with when it was recorded. Prefixes as packed by
# bot.callbacks and bot.routers.notices: "at:<lesson>:<student>:" is an attendance tap.
_PASS_THROUGH = ("np:topic:", "nk:")


def _passes_through(data: str) -> bool:
    return data.startswith(_PASS_THROUGH) or (data.startswith("at:") and data.endswith(":"))


async def _shown(query: CallbackQuery, state: FSMContext | None) -> str:
    """What the press was made on. A handler that asks to press again («нажмите ещё раз») moves
    the conversation's state on, so that press is not taken for a double tap."""
    message = query.message
    shown = ""
    if message is not None:  # read field by field: Message's own serializer is 3 MB to build
        markup = getattr(message, "reply_markup", None)
        seen = [getattr(message, name, None) for name in ("edit_date", "text", "caption")]
        seen.append(None if markup is None else markup.model_dump(mode="json"))
        shown = json.dumps(seen, ensure_ascii=False, default=str)
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

    Remembered in this process (bounded: enough for one instance of the bot), or, given a
    ``ledger`` and ``presses`` in Redis (bot.shared_state), by every instance together: there an
    update is done once its unit of work commits (``on_commit`` in the data, for
    UnitOfWorkMiddleware), and a copy reaching another instance meanwhile waits for it."""

    def __init__(
        self,
        window: float = 5.0,
        remember: int = 10_000,
        *,
        ledger: UpdateLedger | None = None,
        presses: PressMemory | None = None,
    ) -> None:
        self.window = window
        self.ledger = ledger or MemoryLedger(remember)
        self.presses = presses or MemoryPresses(window, remember)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        claim = await self.ledger.begin(event.update_id)
        if claim is None:
            log.info("duplicate update %s dropped", event.update_id)
            return None
        data["on_commit"] = claim.committed
        if not isinstance(self.ledger, MemoryLedger):
            # several instances: the update is recorded in its own transaction, for the copy
            # that arrives after an instance died between its commit and telling Redis
            data["commit_once"] = event.update_id
        ok = False
        try:
            result = await self._handle(handler, event, data)
            ok = True
            return result
        except AlreadyHandled:
            log.info("update %s committed by another instance: copy dropped", event.update_id)
            ok = True
            return None
        finally:
            await claim.finished(ok)

    async def _handle(self, handler: Handler, event: Update, data: dict[str, Any]) -> Any:
        query = event.callback_query
        if query is None or query.message is None or not query.data or _passes_through(query.data):
            return await handler(event, data)
        return await self._press(query, handler, event, data)

    async def _press(
        self, query: CallbackQuery, handler: Handler, event: Update, data: dict[str, Any]
    ) -> Any:
        assert query.message is not None and query.data is not None
        key = (query.from_user.id, query.message.chat.id, query.message.message_id)
        shown = await _shown(query, data.get("state"))
        if await self.presses.last(key) == (query.data, shown):
            log.info("repeated press %r by %s dropped", query.data, query.from_user.id)
            await query.answer()  # stops the spinner; the first press gives the answer
            return None
        token = await self.presses.start(key, query.data, shown)
        try:
            result = await handler(event, data)
        except BaseException:
            await self.presses.failed(key, token)
            raise
        await self.presses.succeeded(key, token)
        return result
