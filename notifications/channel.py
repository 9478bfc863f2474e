"""The Telegram channel: one notice, one sendMessage with the «✅ Ознакомлен» button, and every
way it can end sorted into what the worker does next (core.services.notice_delivery.Outcome)."""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import ClientConnectorError

from core.model.notices import ack_callback_data, reply_callback_data
from core.services.notice_delivery import Outcome, SendResult
from core.services.replies_texts import REPLY_BUTTON
from notifications.texts import ACK_BUTTON


class Channel(Protocol):
    async def send(
        self, chat_id: int, text: str, notice_id: int, *, reply: bool = False
    ) -> SendResult: ...


def ack_keyboard(notice_id: int, reply: bool = False) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=ACK_BUTTON, callback_data=ack_callback_data(notice_id))]]
    if reply:
        rows.append(
            [InlineKeyboardButton(text=REPLY_BUTTON, callback_data=reply_callback_data(notice_id))]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramChannel:
    def __init__(self, bot: Bot, timeout: float = 10.0) -> None:
        self.bot = bot
        self.timeout = timeout

    async def send(
        self, chat_id: int, text: str, notice_id: int, *, reply: bool = False
    ) -> SendResult:
        try:
            async with asyncio.timeout(self.timeout):
                message = await self.bot.send_message(
                    chat_id, text, reply_markup=ack_keyboard(notice_id, reply)
                )
        except TimeoutError:
            # the request left: Telegram may have delivered it, so it must not go again blindly
            return SendResult(Outcome.UNCERTAIN, error=f"timeout after {self.timeout:g} s")
        except TelegramRetryAfter as error:
            return SendResult(Outcome.FLOOD, retry_after=float(error.retry_after), error="429")
        except TelegramForbiddenError as error:
            return SendResult(Outcome.BLOCKED, error=f"403 {error.message}")
        except TelegramBadRequest as error:
            if "chat not found" in error.message.lower():
                return SendResult(Outcome.BLOCKED, error=f"400 {error.message}")
            return SendResult(Outcome.REFUSED, error=f"400 {error.message}")
        except TelegramServerError as error:
            return SendResult(Outcome.RETRY, error=f"5xx {error.message}")
        except TelegramNetworkError as error:
            return _network(error)
        except TelegramAPIError as error:  # 401, 409, ...: a setup problem, worth retrying later
            return SendResult(Outcome.RETRY, error=error.message)
        return SendResult(Outcome.SENT, message_id=message.message_id)


def _network(error: TelegramNetworkError) -> SendResult:
    cause = error.__cause__
    if isinstance(cause, ClientConnectorError):  # no connection was made: nothing was sent
        return SendResult(Outcome.OFFLINE, error=f"network: {error.message}")
    # a timeout or a connection lost mid-request: the request may have arrived
    return SendResult(Outcome.UNCERTAIN, error=f"network: {error.message}")
