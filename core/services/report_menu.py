"""What a staff member may pick on the way to a report (REP-1..9, CT-2, CT-4) — the reports, the
scopes and the periods — so that the bot shows only what will be granted: the administration
any class, grade level or the whole school; a class teacher their class and its students; a
teacher their own groups. ``make_report`` checks again: the menu is a convenience, not the guard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from core.model.groups import SchoolClass
from core.model.identity import Actor
from core.model.people import StaffMember, Student
from core.model.school import AcademicYear, StudyPeriod
from core.ports import UnitOfWork
from core.rules.access import ADMINISTRATION
from core.rules.names import NameIndex
from core.services import report_menu_texts as txt
from core.services.errors import NOT_ALLOWED, AccessDenied, Refused
from core.services.finals import period_name
from core.services.identity import class_roster
from core.services.reports import catalog
from core.services.reports.catalog import KINDS
from core.services.reports.scope import (
    DateRange,
    ReportPeriod,
    ReportScope,
    ScopeKind,
    StudyPeriodRef,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    label: str
    # what the button carries: "school", "grade.7", "class.3", "teacher.5", "student.9" —
    # never «:», which callback data keeps for itself
    code: str


def reports_for(actor: Actor) -> list[Choice]:
    """The reports this actor can get for at least one scope, in the catalog's order."""
    if not catalog.scopes_for(actor):
        raise AccessDenied(NOT_ALLOWED)
    return [Choice(kind.title, kind.name) for kind in catalog.reports_for(actor)]


async def _year(uow: UnitOfWork, school_id: int, today: dt.date) -> AcademicYear | None:
    years = await uow.repo(AcademicYear).find(school_id=school_id)
    current = [y for y in years if y.starts_on <= today <= y.ends_on]
    latest = sorted(years, key=lambda y: y.starts_on, reverse=True)
    return (current or latest)[0] if years else None


async def scopes_for(uow: UnitOfWork, actor: Actor, name: str, today: dt.date) -> list[Choice]:
    """Whom the report ``name`` may be about, for this actor: one tap each."""
    kind = KINDS.get(name)
    if kind is None:
        raise AccessDenied(NOT_ALLOWED)
    allowed = kind.scopes & catalog.scopes_for(actor)
    year = await _year(uow, actor.school_id, today)
    classes = sorted(
        (
            c
            for c in await uow.repo(SchoolClass).find(school_id=actor.school_id)
            if year is not None and c.year_id == year.id
        ),
        key=lambda c: (c.grade, c.name),
    )
    admin = actor.holds(*ADMINISTRATION)
    if not admin:
        classes = [c for c in classes if c.id in actor.class_ids]
    found: list[Choice] = []
    if ScopeKind.SCHOOL in allowed:
        found.append(Choice(txt.WHOLE_SCHOOL, "school"))
    if ScopeKind.GRADE in allowed:
        for grade in sorted({c.grade for c in classes}):
            found.append(Choice(txt.GRADE.format(grade=grade), f"grade.{grade}"))
    if ScopeKind.CLASS in allowed:
        found += [Choice(c.name, f"class.{c.id}") for c in classes]
    if ScopeKind.TEACHER in allowed and not admin:
        found.append(Choice(txt.MY_GROUPS, f"teacher.{actor.person_id}"))
    if ScopeKind.STUDENT in allowed and kind.scopes == {ScopeKind.STUDENT}:
        if len(classes) == 1:
            return await students_of(uow, actor, classes[0].id or 0, today)
        # a school's worth of students is too many buttons: the class first
        found += [Choice(c.name, f"students.{c.id}") for c in classes]
    return found


async def students_of(uow: UnitOfWork, actor: Actor, class_id: int, today: dt.date) -> list[Choice]:
    """The students of a class the actor may ask a student's report about."""
    if ScopeKind.STUDENT not in catalog.scopes_for(actor) or (
        not actor.holds(*ADMINISTRATION) and class_id not in actor.class_ids
    ):
        raise AccessDenied(NOT_ALLOWED)
    school_class = await uow.repo(SchoolClass).get(class_id)
    if school_class is None or school_class.school_id != actor.school_id:
        raise AccessDenied(NOT_ALLOWED)
    return [
        Choice(student.short_name, f"student.{student.id}")
        for student in await class_roster(uow, school_class, today)
    ]


def parse_scope(code: str) -> ReportScope:
    """A button's scope back; a forged one fails here or in ``make_report``'s check."""
    kind, _, value = code.partition(".")
    scope_kind = ScopeKind(kind)
    if scope_kind is ScopeKind.SCHOOL:
        return ReportScope.school()
    return ReportScope(scope_kind, int(value))


async def periods_for(uow: UnitOfWork, actor: Actor, today: dt.date) -> list[Choice]:
    """The study periods of the current year that have begun, and «с начала года»."""
    year = await _year(uow, actor.school_id, today)
    if year is None or year.id is None:
        return []
    periods = [
        p
        for p in await uow.repo(StudyPeriod).find(school_id=actor.school_id, year_id=year.id)
        if p.starts_on <= today
    ]
    seen: set[str] = set()
    found = []
    for period in sorted(periods, key=lambda p: (p.starts_on, p.ends_on)):
        name = period_name(period)
        label = name[:1].upper() + name[1:]  # «учебный год» starts a button: «Учебный год»
        if label in seen:  # a quarter of grades 2–9 and of 10–11 share their name
            continue
        seen.add(label)
        found.append(Choice(label, f"p.{period.id}"))
    found.append(Choice(txt.SINCE_YEAR_START, f"d.{year.starts_on.isoformat()}"))
    return found


def parse_period(code: str, today: dt.date) -> ReportPeriod:
    kind, _, value = code.partition(".")
    if kind == "p":
        return StudyPeriodRef(int(value))
    if kind == "d":
        return DateRange(dt.date.fromisoformat(value), today)
    raise ValueError(code)


# --- the same choices typed (the `dnevnik report` command) -----------------------------------


async def find_scope(
    uow: UnitOfWork,
    actor: Actor,
    today: dt.date,
    *,
    class_name: str | None = None,
    grade: int | None = None,
    teacher: str | None = None,
    student: str | None = None,
) -> ReportScope:
    """A scope named as a person would type it; Refused (in Russian) when it names nothing or
    several. No name: the whole school."""
    named = [x for x in (class_name, grade, teacher, student) if x is not None]
    if len(named) > 1:
        raise Refused(txt.ONE_SCOPE)
    if grade is not None:
        return ReportScope.grade(grade)
    if class_name is not None:
        year = await _year(uow, actor.school_id, today)
        wanted = class_name.replace(" ", "").upper()
        for school_class in await uow.repo(SchoolClass).find(school_id=actor.school_id):
            current = year is not None and school_class.year_id == year.id
            if current and school_class.name.replace(" ", "").upper() == wanted:
                return ReportScope.of_class(school_class.id or 0)
        raise Refused(txt.NO_CLASS.format(name=class_name))
    if teacher is not None:
        staff = NameIndex[StaffMember]()
        for member in await uow.repo(StaffMember).find(school_id=actor.school_id):
            staff.add(member, member.last_name, member.first_name, member.middle_name)
        return ReportScope.teacher(_one(staff.lookup(teacher), teacher).id or 0)
    if student is not None:
        students = NameIndex[Student]()
        for pupil in await uow.repo(Student).find(school_id=actor.school_id):
            students.add(pupil, pupil.last_name, pupil.first_name, pupil.middle_name)
        return ReportScope.student(_one(students.lookup(student), student).id or 0)
    return ReportScope.school()


def _one(found: list[T], name: str) -> T:
    if not found:
        raise Refused(txt.NO_PERSON.format(name=name))
    if len(found) > 1:
        raise Refused(txt.MANY_PEOPLE.format(name=name, count=len(found)))
    return found[0]


async def find_period(
    uow: UnitOfWork,
    actor: Actor,
    today: dt.date,
    *,
    name: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ReportPeriod:
    """«1-я четверть», «учебный год» (as the bot shows them), or dates; by default the study
    period going on today, or the year so far."""
    if start is not None or end is not None:
        year = await _year(uow, actor.school_id, today)
        first = start or (year.starts_on if year else today)
        return DateRange(first, end or today)
    choices = await periods_for(uow, actor, today)
    if name is not None:
        wanted = name.strip().lower()
        for choice in choices:
            if choice.label.lower() == wanted:
                return parse_period(choice.code, today)
        raise Refused(txt.NO_PERIOD.format(name=name, names=", ".join(c.label for c in choices)))
    for period in sorted(
        await uow.repo(StudyPeriod).find(school_id=actor.school_id),
        key=lambda p: p.ends_on - p.starts_on,
    ):
        if period.starts_on <= today <= period.ends_on and period.id is not None:
            return StudyPeriodRef(period.id)
    if not choices:
        raise Refused(txt.NO_YEAR)
    return parse_period(choices[-1].code, today)
