"""Use case: the coordinator changes a school's own settings — time zone, consent text (INF-3),
journal deadlines (LES-3, LES-6) — audited like any change of school data."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from core.model.school import School
from core.ports import UnitOfWork
from core.services.audit_log import audited_update
from core.services.errors import NOT_FOUND, NotFound, Refused

MAX_CONSENT_CHARS = 4000  # one Telegram message, with room for the question under it

BAD_TIMEZONE = "Неизвестный часовой пояс «{tz}». Пример правильного: Europe/Moscow."
BAD_HOURS = "Срок для домашнего задания — от 0 до 24 часов, указано {value}."
BAD_DAYS = "Срок для отметок — от 1 до 30 дней, указано {value}."
CONSENT_TOO_LONG = "Текст согласия длиннее {limit} знаков ({length})."
CONSENT_EMPTY = "Текст согласия пуст."


@dataclass(frozen=True)
class SchoolSettings:
    """What may change; None leaves a setting as it is. An empty consent text restores the
    standard one."""

    timezone: str | None = None
    consent_text: str | None = None
    homework_hours: float | None = None
    control_marks_days: int | None = None
    written_marks_days: int | None = None


def _checked(settings: SchoolSettings) -> dict[str, object]:
    changes: dict[str, object] = {}
    if settings.timezone is not None:
        try:
            zoneinfo.ZoneInfo(settings.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise Refused(BAD_TIMEZONE.format(tz=settings.timezone[:60])) from error
        changes["timezone"] = settings.timezone
    if settings.consent_text is not None:
        text = settings.consent_text.strip()
        if len(text) > MAX_CONSENT_CHARS:
            raise Refused(CONSENT_TOO_LONG.format(limit=MAX_CONSENT_CHARS, length=len(text)))
        changes["consent_text"] = text or None
    if settings.homework_hours is not None:
        if not 0 <= settings.homework_hours <= 24:
            raise Refused(BAD_HOURS.format(value=settings.homework_hours))
        changes["homework_hours"] = float(settings.homework_hours)
    for name in ("control_marks_days", "written_marks_days"):
        value = getattr(settings, name)
        if value is not None:
            if not 1 <= value <= 30:
                raise Refused(BAD_DAYS.format(value=value))
            changes[name] = int(value)
    return changes


async def update_school_settings(
    uow: UnitOfWork, actor: str, school_name: str, settings: SchoolSettings
) -> School:
    """Apply the settings to the named school (checked first: all or nothing), audited."""
    school = await uow.repo(School).first(name=school_name)
    if school is None:
        raise NotFound(NOT_FOUND)
    changes = _checked(settings)
    if audited_update(uow, actor, school, changes, action="school.settings"):
        await uow.commit()
    return school
