"""The deputy's and the timetable dispatcher's screens: substitutions (deputy_subs), moves and
timetable changes (deputy_moves), the schedule of control works (deputy_works, deputy_works_add);
shared pieces in deputy_ui, Russian texts in bot/texts/deputy.py."""

from __future__ import annotations

from aiogram import Router

from bot.routers import deputy_moves, deputy_subs, deputy_works, deputy_works_add


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="deputy")
    router.include_routers(
        deputy_subs.build(), deputy_moves.build(), deputy_works.build(), deputy_works_add.build()
    )
    return router
