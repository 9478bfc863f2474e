"""Router filters: whether the update comes from a connected person, and in which role."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from core.model.identity import Actor, Role

# everyone who works at the school, whatever their role: the staff routers' filter
STAFF_ROLES = (
    Role.TEACHER,
    Role.CLASS_TEACHER,
    Role.DEPUTY,
    Role.DISPATCHER,
    Role.COORDINATOR,
    Role.HEAD,
)


class Connected(Filter):
    """The sender has a bound account (a stranger's updates go to the start router only)."""

    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None


class Stranger(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is None


class InRole(Filter):
    """The menu of these roles; core still checks every permission itself."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None and actor.role in self.roles
