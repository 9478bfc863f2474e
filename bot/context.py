"""What every handler may need besides the update: given to the Dispatcher once, at start."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.ports import Clock, SystemClock
from core.rules import codes
from storage.uow import Database


@dataclass
class BotContext:
    db: Database
    clock: Clock = SystemClock()  # noqa: RUF009 - stateless, shared on purpose
    code_ttl: dt.timedelta = codes.DEFAULT_TTL
    # flood limit per Telegram user: at most this many updates per window
    flood_updates: int = 20
    flood_window_seconds: int = 10
    max_text_length: int = 4096  # Telegram's own cap on a message; anything longer is forged
