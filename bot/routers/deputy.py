"""Placeholder router, filled in by its own change."""

from __future__ import annotations

from aiogram import Router


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    return Router(name="deputy")
