"""A Telegram Bot API emulator for end-to-end tests and the offline demo.

The real aiogram Bot and Dispatcher talk HTTP to it; emulated users write to the bot and read
its answers in-process. Start at `BotApiEmulator` (server.py) and `EmulatedUser` (client.py).
"""

from bot.emulator.api import ApiCall, ApiStats
from bot.emulator.client import EmulatedUser
from bot.emulator.errors import ApiError
from bot.emulator.keyboards import Button
from bot.emulator.limits import Fault, FloodLimits
from bot.emulator.server import DEFAULT_TOKEN, BotApiEmulator
from bot.emulator.state import CallbackAnswer, ChatMessage, StoredFile, WebhookConfig

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "ApiStats",
    "BotApiEmulator",
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "EmulatedUser",
    "Fault",
    "FloodLimits",
    "StoredFile",
    "WebhookConfig",
]
