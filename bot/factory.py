"""Building the Bot and the Dispatcher: routers in order, middlewares, the error handler."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    TelegramObject,
    Update,
)
from sqlalchemy.exc import DBAPIError

from bot.context import BotContext
from bot.duplicates import DuplicateMiddleware
from bot.middlewares import (
    ActorMiddleware,
    CommandEndsInputMiddleware,
    FloodMiddleware,
    InFlightMiddleware,
    ReleaseLocksMiddleware,
    ResponseTypesMiddleware,
    UnitOfWorkMiddleware,
)
from bot.routers import (
    acknowledgements,
    audit,
    backups,
    class_view,
    common,
    deputy,
    extracts,
    family,
    finals,
    lesson,
    marks,
    notices,
    reports,
    staff,
    start,
)
from bot.shared_state import SharedState
from bot.texts import common as txt
from core.services.errors import AccessDenied, NotFound, Refused
from storage.db import is_busy

log = logging.getLogger(__name__)


def build_dispatcher(ctx: BotContext, shared: SharedState | None = None) -> Dispatcher:
    """``shared``: where conversations, flood counters and seen updates live — memory for one
    instance (the default), Redis for several (REDIS_URL)."""
    shared = shared or SharedState()
    in_flight = InFlightMiddleware()
    dp = Dispatcher(
        storage=shared.fsm_storage(),
        events_isolation=shared.events_isolation(),
        ctx=ctx,
        in_flight=in_flight,
    )
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(
        DuplicateMiddleware(ledger=shared.update_ledger(), presses=shared.press_memory())
    )
    dp.update.outer_middleware(
        FloodMiddleware(ctx.flood_updates, ctx.flood_window_seconds, shared.flood_limiter())
    )
    dp.update.outer_middleware(UnitOfWorkMiddleware())
    dp.update.outer_middleware(ActorMiddleware())
    dp.message.outer_middleware(CommandEndsInputMiddleware())
    # start first (strangers), the role routers, and the fallbacks last
    dp.include_routers(
        start.build(),
        notices.build(),
        common.build(),
        family.build(),
        lesson.build(),
        marks.build(),
        finals.build(),
        class_view.build(),
        deputy.build(),
        extracts.build(),
        acknowledgements.build(),
        audit.build(),
        backups.build(),
        reports.build(),
        staff.build(),
        common.build_fallback(),
    )
    dp.errors.register(on_error)
    return dp


# what the bot reads, writes and builds on every tap or notice: their models are built with the
# bot, not while the first teacher waits (aiogram's are built when first used, app.telegram_models;
# the Update takes 110 ms). Not Message or CallbackQuery: the Update's model reads them, and each
# of their own would hold 1–3 MB.
USED_TYPES: tuple[type[TelegramObject], ...] = (
    Update,
    InlineKeyboardMarkup,
    InlineKeyboardButton,
    ReplyKeyboardMarkup,
    KeyboardButton,
)
CALLED_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    SendMessage,
    EditMessageText,
    EditMessageReplyMarkup,
    AnswerCallbackQuery,
    SendDocument,
    SendPhoto,
    GetUpdates,
)


def build_bot(token: str, api_url: str | None = None, session: AiohttpSession | None = None) -> Bot:
    """A bot talking to Telegram, to a school's own Bot API server, or to the emulator."""
    if session is None:
        session = AiohttpSession()
        if api_url and api_url.rstrip("/") != "https://api.telegram.org":
            session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    session.middleware(ReleaseLocksMiddleware())
    session.middleware(ResponseTypesMiddleware(CALLED_METHODS))
    for model in USED_TYPES:  # built now rather than while the first teacher waits
        model.model_rebuild()
    return Bot(token, session=session)


async def on_error(event: ErrorEvent) -> bool:
    """Core's refusals become a short Russian answer; anything else is logged with an id the user
    can quote, and the user is told instead of meeting silence."""
    error = event.exception
    if isinstance(error, Refused):
        text = str(error)
    elif isinstance(error, AccessDenied | NotFound):
        text = txt.NOT_ALLOWED if isinstance(error, AccessDenied) else txt.NOT_FOUND
    elif is_busy(error):
        # nothing was written (the transaction never began or was rolled back): the user repeats
        log.warning(
            "update %s not handled: database busy or locked (%s); the user was asked to repeat",
            event.update.update_id,
            error.orig if isinstance(error, DBAPIError) else error,
        )
        text = txt.BUSY
    else:
        correlation_id = uuid.uuid4().hex[:8]
        log.exception(
            "update %s failed [%s]", event.update.update_id, correlation_id, exc_info=error
        )
        text = txt.ERROR.format(correlation_id=correlation_id)
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except Exception:  # the answer itself failed (Telegram down): the log line above stays
        log.warning("could not tell the user about the error", exc_info=True)
    return True
