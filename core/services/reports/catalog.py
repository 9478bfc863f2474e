"""The reports by name, with their Russian titles and the scopes each is made for, and the one
entry point the CLI and the bot call: ``make_report``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.model.identity import Actor, PersonKind, Role
from core.model.reports import Report
from core.ports import SystemClock, UnitOfWork
from core.rules.access import ADMINISTRATION
from core.services.errors import AccessDenied, Refused
from core.services.reports import (
    absences,
    control_works,
    curriculum,
    failing,
    final_sheet,
    journal_export,
    journal_keeping,
    mastery,
    profiles,
    teachers,
)
from core.services.reports import texts as txt
from core.services.reports.access import may_request
from core.services.reports.scope import Frame, ReportPeriod, ReportScope, ScopeKind, resolve

Compute = Callable[[Frame, dt.datetime], Awaitable[Report]]

ALL = frozenset(ScopeKind)
GROUPED = frozenset({ScopeKind.SCHOOL, ScopeKind.GRADE, ScopeKind.CLASS, ScopeKind.TEACHER})
ONE_CLASS = frozenset({ScopeKind.CLASS})
ONE_STUDENT = frozenset({ScopeKind.STUDENT})
JOURNAL_SCOPES = frozenset({ScopeKind.CLASS, ScopeKind.TEACHER})


@dataclass(frozen=True)
class ReportKind:
    name: str  # "mastery": `dnevnik report mastery`, the bot's callback data
    title: str
    scopes: frozenset[ScopeKind]
    finals: bool  # reads period finals: classes of grades the period is not for are left out
    compute: Compute


KINDS: dict[str, ReportKind] = {
    kind.name: kind
    for kind in (
        ReportKind("mastery", txt.MASTERY, GROUPED, True, mastery.mastery),
        ReportKind("control-works", txt.CONTROL_WORKS, GROUPED, False, control_works.report),
        ReportKind("absences", txt.ABSENCES, ALL, False, absences.report),
        ReportKind("failing", txt.FAILING, ALL, False, failing.report),
        ReportKind("journal-keeping", txt.JOURNAL_KEEPING, GROUPED, False, journal_keeping.report),
        ReportKind("curriculum", txt.CURRICULUM, GROUPED, False, curriculum.report),
        ReportKind("teachers", txt.TEACHERS, GROUPED, False, teachers.report),
        ReportKind("final-sheet", txt.FINAL_SHEET, GROUPED, True, final_sheet.report),
        ReportKind("class-profile", txt.CLASS_PROFILE, ONE_CLASS, False, profiles.class_profile),
        ReportKind(
            "student-profile", txt.STUDENT_PROFILE, ONE_STUDENT, False, profiles.student_profile
        ),
        ReportKind("journal", txt.JOURNAL, JOURNAL_SCOPES, False, journal_export.report),
    )
}
REPORT_TITLES: dict[str, str] = {name: kind.title for name, kind in KINDS.items()}


def scopes_for(actor: Actor) -> frozenset[ScopeKind]:
    """The kinds of scope an actor may ask for at all (which class or student: may_request)."""
    if actor.kind is not PersonKind.STAFF:
        return frozenset()
    if actor.holds(*ADMINISTRATION):
        return ALL
    kinds = {ScopeKind.TEACHER}
    if actor.holds(Role.CLASS_TEACHER) and actor.class_ids:
        kinds |= {ScopeKind.CLASS, ScopeKind.STUDENT}
    return frozenset(kinds)


def reports_for(actor: Actor) -> list[ReportKind]:
    """The reports a menu offers the actor, in catalog order."""
    allowed = scopes_for(actor)
    return [kind for kind in KINDS.values() if kind.scopes & allowed]


async def make_report(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    scope: ReportScope,
    period: ReportPeriod,
    *,
    now: dt.datetime | None = None,
) -> Report:
    """The report ``name`` of ``scope`` for ``period``, computed for ``actor``; AccessDenied when
    the actor may not see that scope, Refused when the report is not made for it."""
    kind = KINDS.get(name)
    if kind is None:
        raise Refused(txt.UNKNOWN_REPORT.format(name=name, names=", ".join(KINDS)))
    if scope.kind is not ScopeKind.STUDENT and not may_request(actor, scope):
        raise AccessDenied(txt.NOT_YOUR_SCOPE)
    if scope.kind not in kind.scopes:
        allowed = ", ".join(txt.SCOPE_WORDS[s.value] for s in ScopeKind if s in kind.scopes)
        raise Refused(txt.SCOPE_NOT_FOR_REPORT.format(title=kind.title, allowed=allowed))
    moment = now or SystemClock().now()
    frame = await resolve(
        uow,
        actor.school_id,
        scope,
        period,
        await _today(uow, actor.school_id, moment),
        finals=kind.finals,
    )
    if scope.kind is ScopeKind.STUDENT:
        spans = frame.spans.get(scope.id or 0, [])
        if not may_request(actor, scope, {frame.class_of_group[s.group_id] for s in spans}):
            raise AccessDenied(txt.NOT_YOUR_SCOPE)
    return await kind.compute(frame, moment)


async def _today(uow: UnitOfWork, school_id: int, now: dt.datetime) -> dt.date:
    school = await uow.reports.school(school_id)
    zone = ZoneInfo(school.timezone) if school else dt.UTC
    return now.astimezone(zone).date()
