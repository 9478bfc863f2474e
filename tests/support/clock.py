"""A clock the test moves by hand (codes expire, throttling windows pass)."""

from __future__ import annotations

import datetime as dt


class MovableClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)
