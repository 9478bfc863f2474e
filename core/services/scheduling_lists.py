"""Read-only lists the deputy and the dispatcher choose from when they substitute, move and
schedule: a group's coming school days and lesson numbers, the rooms, the year's periods, groups and
subjects. Each checks the actor may schedule (core.services.schedule_slots.ensure_scheduler)."""

from __future__ import annotations

import datetime as dt

from core.model.groups import StudyGroup, TeachingLoad
from core.model.identity import Actor
from core.model.people import StaffMember
from core.model.school import AcademicYear, Holiday, PeriodKind, Room, StudyPeriod, Subject
from core.ports import UnitOfWork
from core.rules.calendar import is_school_day
from core.services.errors import NOT_FOUND, NotFound
from core.services.journal import LessonKey
from core.services.schedule_slots import Slot, day_slots, ensure_scheduler, group_of, regime_of

DAYS_AHEAD = 10  # how many of a group's coming school days are offered for a move
UNKNOWN_BELLS = range(1, 8)  # lesson numbers offered when a group has no bell schedule


async def school_days(
    uow: UnitOfWork, actor: Actor, group_id: int, start: dt.date
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


async def bell_numbers(uow: UnitOfWork, actor: Actor, group_id: int) -> list[int]:
    ensure_scheduler(actor)
    regime = await regime_of(uow, await group_of(uow, actor, group_id))
    return sorted(regime.bells or UNKNOWN_BELLS)


async def rooms(uow: UnitOfWork, actor: Actor) -> list[Room]:
    ensure_scheduler(actor)
    found = await uow.repo(Room).find(school_id=actor.school_id)
    return sorted((r for r in found if r.id is not None), key=lambda r: r.name)


async def slot_at(uow: UnitOfWork, actor: Actor, key: LessonKey) -> Slot:
    """The lesson at a slot, stored or planned (its subject and timetable entry)."""
    ensure_scheduler(actor)
    slot = (await day_slots(uow, actor.school_id, key.on_date)).get(
        (key.group_id, key.lesson_number)
    )
    if slot is None:
        raise NotFound(NOT_FOUND)
    return slot


async def periods(uow: UnitOfWork, actor: Actor, today: dt.date) -> list[StudyPeriod]:
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


async def period(uow: UnitOfWork, actor: Actor, period_id: int) -> StudyPeriod:
    ensure_scheduler(actor)
    found = await uow.repo(StudyPeriod).get(period_id)
    if found is None or found.school_id != actor.school_id:
        raise NotFound(NOT_FOUND)
    return found


async def groups(uow: UnitOfWork, actor: Actor, year_id: int) -> list[StudyGroup]:
    ensure_scheduler(actor)
    found = await uow.repo(StudyGroup).find(school_id=actor.school_id, year_id=year_id)
    return sorted((g for g in found if g.id is not None), key=lambda g: g.name)


async def subjects(uow: UnitOfWork, actor: Actor, group_id: int) -> list[Subject]:
    """The subjects the group is taught (by the teaching load); all of the school's without one."""
    ensure_scheduler(actor)
    group = await group_of(uow, actor, group_id)
    taught = {x.subject_id for x in await uow.repo(TeachingLoad).find(group_id=group.id)}
    found = await uow.repo(Subject).find(school_id=actor.school_id)
    chosen = [s for s in found if s.id is not None and (not taught or s.id in taught)]
    return sorted(chosen, key=lambda s: s.name)


async def staff_name(uow: UnitOfWork, actor: Actor, staff_id: int) -> str:
    ensure_scheduler(actor)
    member = await uow.repo(StaffMember).get(staff_id)
    return member.short_name if member and member.school_id == actor.school_id else ""
