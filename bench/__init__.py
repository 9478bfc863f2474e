"""Benchmarks: scripts that print figures (not tests)."""

import app  # noqa: F401  # first: aiogram's models are deferred here as in the bot
