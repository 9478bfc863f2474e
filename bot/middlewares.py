"""Per-update plumbing: a unit of work, the actor, flood limits, oversized input, and the
release of database locks before every call to Telegram."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.fsm.context import FSMContext
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from limits import RateLimitItemPerSecond
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import BotContext
from bot.shared_state import FloodLimiter, MemoryFloodLimiter
from bot.texts import common as txt
from core.ports import Clock
from core.services.identity import resolve_actor
from storage import handled_updates
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

current_uow: ContextVar[SqlUnitOfWork | None] = ContextVar("current_uow", default=None)


class InFlightMiddleware(BaseMiddleware):
    """Remembers the updates being handled, so that a stop can wait for them (bounded)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            if task is not None:
                self.tasks.discard(task)

    async def drain(self, seconds: float) -> int:
        """Wait up to ``seconds`` for updates in progress; returns how many were cut off."""
        current = asyncio.current_task()
        pending = {t for t in self.tasks if t is not current and not t.done()}
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=seconds)
        return len(still)


class UnitOfWorkMiddleware(BaseMiddleware):
    """One unit of work per update; uncommitted changes are rolled back when it ends. When an
    earlier middleware put ``on_commit`` in the data (the duplicate check), it learns of every
    commit as it happens."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        ctx: BotContext = data["ctx"]
        on_commit: Callable[[], Awaitable[None]] | None = data.get("on_commit")
        unit = (
            ctx.db.uow()
            if on_commit is None
            else _CommitNotifyingUnitOfWork(
                ctx.db.session_factory, ctx.db.clock, on_commit, data.get("commit_once")
            )
        )
        async with unit as uow:
            token = current_uow.set(uow)
            data["uow"] = uow
            try:
                return await handler(event, data)
            finally:
                current_uow.reset(token)


class _CommitNotifyingUnitOfWork(SqlUnitOfWork):
    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_commit: Callable[[], Awaitable[None]],
        update_id: int | None = None,
    ) -> None:
        super().__init__(factory, clock)
        self._on_commit = on_commit
        self._update_id = update_id  # several instances: recorded with the first commit

    async def commit(self) -> None:
        if self._update_id is not None:
            try:
                await handled_updates.record(self.session, self._update_id, self.clock.now())
            except handled_updates.AlreadyHandled:
                await self.rollback()
                raise
            self._update_id = None
        await super().commit()
        await self._on_commit()


class ActorMiddleware(BaseMiddleware):
    """Who sent the update: ``actor`` is None for a stranger (no bound account). Read in the
    update's own transaction, which the handler goes on with: a transaction of its own made every
    update queue twice for SQLite's one connection (100 teachers: most of a tap's wait). It ends
    before any call to Telegram (ReleaseLocksMiddleware)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        uow: SqlUnitOfWork = data["uow"]
        data["actor"] = await resolve_actor(uow, user.id) if user else None
        return await handler(event, data)


class FloodMiddleware(BaseMiddleware):
    """Drops a user's updates past the limit (answering once per window) and oversized texts."""

    def __init__(
        self, updates: int, window_seconds: int, limiter: FloodLimiter | None = None
    ) -> None:
        self.limit = RateLimitItemPerSecond(updates, window_seconds)
        self.warned = RateLimitItemPerSecond(1, window_seconds)
        # several instances count in Redis, one in memory (bot.shared_state)
        self.limiter = limiter or MemoryFloodLimiter()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        ctx: BotContext = data["ctx"]
        if not await self.limiter.hit(self.limit, "updates", str(user.id)):
            if await self.limiter.hit(self.warned, "warned", str(user.id)):
                await _reply(event, txt.TOO_FAST)
            log.info("flood: update from %s dropped", user.id)
            return None
        message = event.message if isinstance(event, Update) else None
        if message is not None and len(message.text or message.caption or "") > ctx.max_text_length:
            await message.answer(txt.TOO_LONG)
            return None
        return await handler(event, data)


async def _reply(event: TelegramObject, text: str) -> None:
    if not isinstance(event, Update):
        return
    if event.message is not None:
        await event.message.answer(text)
    elif event.callback_query is not None:
        await event.callback_query.answer(text)


class CommandEndsInputMiddleware(BaseMiddleware):
    """A command always means what it says: typing /menu while the bot waits for a topic or a
    mark leaves that input instead of being read as one."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if isinstance(event, Message) and (event.text or "").startswith("/") and state is not None:
            await state.clear()
            data["raw_state"] = None  # the state filters read this copy, taken before us
        return await handler(event, data)


class ReleaseLocksMiddleware(BaseRequestMiddleware):
    """Before any call to Telegram, end the update's read-only transaction: a slow network must
    not hold the SQLite write lock that other teachers' updates wait for."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        uow = current_uow.get()
        if uow is not None:
            await uow.end_transaction()
        return await make_request(bot, method)


class ResponseTypesMiddleware(BaseRequestMiddleware):
    """Holds aiogram's ``Response[T]`` of every method called. pydantic keeps a parametrized
    generic model only weakly, so the garbage collector dropped it between calls and each call to
    Telegram built its class again (about 20 ms of CPU, three times per tapped button).

    ``methods``: built at once, with their answers, so that the first teacher's tap does not wait
    for them (aiogram's models are built when first used: app.telegram_models)."""

    def __init__(self, methods: Iterable[type[TelegramMethod[Any]]] = ()) -> None:
        self._held: dict[Any, type[Response[Any]]] = {}
        for method in methods:
            method.model_rebuild()
            self._held[method.__returning__] = Response[method.__returning__]  # type: ignore[name-defined]

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        returning = method.__returning__
        if returning not in self._held:
            self._held[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def answer_target(event: Message | CallbackQuery) -> Message | None:
    """The message to answer or edit: the one sent, or the one whose button was pressed (None when
    Telegram no longer lets the bot reach it)."""
    if isinstance(event, Message):
        return event
    return event.message if isinstance(event.message, Message) else None
