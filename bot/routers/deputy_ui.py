"""Pieces shared by the deputy's screens (substitutions, control works): dates in callbacks and in
typed text, day buttons, and the lists the choosers offer.

The lists (school days of a group, its bells, rooms, periods, groups, subjects, a slot's timetable
entry) have no use case in core yet; they are read-only and go through core's own helpers and
rules (regime_of, is_school_day), after core's check that the actor schedules. Every change and
every refusal stays in core.services.substitutions / control_works."""

from __future__ import annotations

import datetime as dt
import re

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import BotContext
from bot.texts import deputy as txt
from core.model.identity import Actor
from core.services.errors import NOT_FOUND, NotFound
from core.services.substitutions import (
    FreeTeacher,
)
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

_DATE = re.compile(r"\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\s*")


async def today_of(uow: SqlUnitOfWork, actor: Actor, ctx: BotContext) -> dt.date:
    """The school's local date (Russia spans eleven time zones)."""
    return await school_today(uow, actor.school_id, ctx.clock.now())


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def from_number(number: int) -> dt.date:
    try:
        return dt.date(number // 10000, number // 100 % 100, number % 100)
    except (ValueError, OverflowError) as error:  # a forged button: no such day
        raise NotFound(NOT_FOUND) from error


def short_day(day: dt.date) -> str:
    """«вт 08.09»."""
    return txt.DAY_BUTTON.format(
        weekday=txt.WEEKDAYS_SHORT[day.weekday()], date=day.strftime("%d.%m")
    )


def date_text(day: dt.date) -> str:
    """«14.09.2026»."""
    return day.strftime("%d.%m.%Y")


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """«15.09» (the next such date) or «15.09.2026»; None when it is no date."""
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    day, month, year = int(found[1]), int(found[2]), found[3]
    try:
        if year:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        guess = dt.date(today.year, month, day)
        return guess if guess >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None


async def show(
    event: CallbackQuery | Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer a tap by editing its message (unchanged is fine), a text by a new message."""
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer()
    if not isinstance(event.message, Message):
        return
    try:
        await event.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            raise


# --- the lists the choosers offer -------------------------------------------------------------


def teacher_label(teacher: FreeTeacher) -> str:
    """«★ Смирнов О. И.» for one who teaches the subject."""
    return (
        txt.FREE_BUTTON_SUBJECT.format(name=teacher.name)
        if teacher.teaches_subject
        else teacher.name
    )
