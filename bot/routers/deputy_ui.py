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
from core.model.groups import StudyGroup, TeachingLoad
from core.model.identity import Actor
from core.model.people import StaffMember
from core.model.school import AcademicYear, Holiday, PeriodKind, Room, StudyPeriod, Subject
from core.rules.calendar import is_school_day
from core.services.errors import NOT_FOUND, NotFound
from core.services.journal import LessonKey
from core.services.substitutions import (
    FreeTeacher,
    Slot,
    day_slots,
    ensure_scheduler,
    group_of,
    regime_of,
)
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

DAYS_AHEAD = 10
UNKNOWN_BELLS = range(1, 8)  # a group without a bell schedule: core does not check its numbers
_DATE = re.compile(r"\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\s*")


async def today_of(uow: SqlUnitOfWork, actor: Actor, ctx: BotContext) -> dt.date:
    """The school's local date (Russia spans eleven time zones)."""
    return await school_today(uow, actor.school_id, ctx.clock.now())


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def from_number(number: int) -> dt.date:
    return dt.date(number // 10000, number // 100 % 100, number % 100)


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


async def school_days(
    uow: SqlUnitOfWork, actor: Actor, group_id: int, start: dt.date
) -> list[dt.date]:
    """The group's next school days from ``start`` (holidays and days off left out)."""
    ensure_scheduler(actor)
    group = await group_of(uow, actor, group_id)
    regime = await regime_of(uow, group)
    year = await uow.repo(AcademicYear).get(group.year_id)
    holidays = await uow.repo(Holiday).find(school_id=actor.school_id, year_id=group.year_id)
    days: list[dt.date] = []
    day = start
    while year is not None and len(days) < DAYS_AHEAD and day <= year.ends_on:
        if is_school_day(day, holidays, regime.grade, regime.days_per_week):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


async def bell_numbers(uow: SqlUnitOfWork, actor: Actor, group_id: int) -> list[int]:
    ensure_scheduler(actor)
    regime = await regime_of(uow, await group_of(uow, actor, group_id))
    return sorted(regime.bells or UNKNOWN_BELLS)


async def rooms(uow: SqlUnitOfWork, actor: Actor) -> list[Room]:
    ensure_scheduler(actor)
    found = await uow.repo(Room).find(school_id=actor.school_id)
    return sorted((r for r in found if r.id is not None), key=lambda r: r.name)


async def slot_at(uow: SqlUnitOfWork, actor: Actor, key: LessonKey) -> Slot:
    """The lesson at a slot, stored or planned (its subject and timetable entry)."""
    ensure_scheduler(actor)
    slot = (await day_slots(uow, actor.school_id, key.on_date)).get(
        (key.group_id, key.lesson_number)
    )
    if slot is None:
        raise NotFound(NOT_FOUND)
    return slot


async def periods(uow: SqlUnitOfWork, actor: Actor, today: dt.date) -> list[StudyPeriod]:
    """The periods of the school year going on (or the next one), the year itself last."""
    ensure_scheduler(actor)
    years = sorted(
        await uow.repo(AcademicYear).find(school_id=actor.school_id), key=lambda y: y.starts_on
    )
    year = next((y for y in years if today <= y.ends_on), years[-1] if years else None)
    if year is None:
        return []
    found = await uow.repo(StudyPeriod).find(school_id=actor.school_id, year_id=year.id)
    return sorted(found, key=lambda p: (p.kind is PeriodKind.YEAR, p.starts_on, p.number))


async def period(uow: SqlUnitOfWork, actor: Actor, period_id: int) -> StudyPeriod:
    ensure_scheduler(actor)
    found = await uow.repo(StudyPeriod).get(period_id)
    if found is None or found.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    return found


async def groups(uow: SqlUnitOfWork, actor: Actor, year_id: int) -> list[StudyGroup]:
    ensure_scheduler(actor)
    found = await uow.repo(StudyGroup).find(school_id=actor.school_id, year_id=year_id)
    return sorted((g for g in found if g.id is not None), key=lambda g: g.name)


async def subjects(uow: SqlUnitOfWork, actor: Actor, group_id: int) -> list[Subject]:
    """The subjects the group is taught (by the teaching load); all of the school's without one."""
    ensure_scheduler(actor)
    group = await group_of(uow, actor, group_id)
    taught = {x.subject_id for x in await uow.repo(TeachingLoad).find(group_id=group.id)}
    found = await uow.repo(Subject).find(school_id=actor.school_id)
    chosen = [s for s in found if s.id is not None and (not taught or s.id in taught)]
    return sorted(chosen, key=lambda s: s.name)


def teacher_label(teacher: FreeTeacher) -> str:
    """«★ Смирнов О. И.» for one who teaches the subject."""
    return (
        txt.FREE_BUTTON_SUBJECT.format(name=teacher.name)
        if teacher.teaches_subject
        else teacher.name
    )


async def staff_name(uow: SqlUnitOfWork, actor: Actor, staff_id: int) -> str:
    ensure_scheduler(actor)
    member = await uow.repo(StaffMember).get(staff_id)
    return member.short_name if member and member.school_id == actor.school_id else ""
