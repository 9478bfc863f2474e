"""What a use case answers when it will not do something: a Russian message safe to show."""

from __future__ import annotations


class AccessDenied(Exception):
    """The actor may not do this."""


class NotFound(Exception):
    """No such object in the actor's school (or another school's): said the same way, so that a
    forged id learns nothing."""


class Refused(Exception):
    """Allowed in general, but not now or not like this (a closed period, a past deadline, a
    student outside the group, a stale edit); the message says why and what to do."""


NOT_ALLOWED = "Это действие вам недоступно."
NOT_FOUND = "Не найдено."


class StaleEdit(Refused):
    """Somebody changed the record after this edit was started: nothing was saved, so that no
    one's edit is lost silently."""


STALE = (
    "Запись уже изменил(а) другой пользователь, пока вы её правили. Откройте её заново — "
    "ваше исправление не сохранено, чтобы не затереть чужое."
)
