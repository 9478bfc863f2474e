"""The reports' read port (core.services.reports.source.ReportSource) in SQLAlchemy Core: plain
selects, counted with GROUP BY in the database where the reports only need counts, on SQLite
and PostgreSQL alike. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.model.people import short_name
from core.services.reports.source import (
    AbsenceLine,
    AbsenceTally,
    ClassRow,
    ControlMark,
    ControlWorkRow,
    CurrentAverage,
    FinalRow,
    GroupRow,
    HolidayRow,
    LessonLine,
    LessonTally,
    LoadRow,
    MarkEntryTally,
    MarkLine,
    MarkTally,
    MembershipRow,
    NameRow,
    PeriodRow,
    PlanTally,
    SchoolRow,
    SlotRow,
    SubjectRow,
    ValueTally,
    YearRow,
)
from storage import tables as t

# a list of ids longer than this is filtered in Python rather than sent as bound parameters
_MAX_BOUND_IDS = 500


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SqlReportSource:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _rows(self, query: Select[Any]) -> Sequence[Any]:
        if not self.session.in_transaction():
            # reports only read: on SQLite a plain BEGIN takes no write lock (see storage.db)
            await self.session.connection(execution_options={"sqlite_readonly": True})
        rows: Sequence[Any] = (await self.session.execute(query)).all()
        return rows

    # --- the school and its year ------------------------------------------------------------

    async def school(self, school_id: int) -> SchoolRow | None:
        s = t.schools.c
        rows = await self._rows(select(s.id, s.name, s.timezone).where(s.id == school_id))
        return SchoolRow(*rows[0]) if rows else None

    async def years(self, school_id: int) -> Sequence[YearRow]:
        y = t.academic_years.c
        query = select(y.id, y.name, y.starts_on, y.ends_on).where(y.school_id == school_id)
        return [YearRow(*r) for r in await self._rows(query.order_by(y.starts_on))]

    async def periods(self, school_id: int) -> Sequence[PeriodRow]:
        p = t.study_periods.c
        query = select(
            p.id, p.year_id, p.kind, p.number, p.grade_from, p.grade_to, p.starts_on, p.ends_on
        ).where(p.school_id == school_id)
        return [PeriodRow(*r) for r in await self._rows(query.order_by(p.starts_on, p.ends_on))]

    async def classes(self, school_id: int, year_id: int) -> Sequence[ClassRow]:
        c = t.school_classes.c
        query = select(c.id, c.name, c.grade, c.class_teacher_id, c.days_per_week).where(
            c.school_id == school_id, c.year_id == year_id
        )
        return [ClassRow(*r) for r in await self._rows(query.order_by(c.grade, c.name))]

    async def groups(self, school_id: int, year_id: int) -> Sequence[GroupRow]:
        g = t.study_groups.c
        query = select(g.id, g.name, g.kind, g.class_id, g.subject_id).where(
            g.school_id == school_id, g.year_id == year_id
        )
        return [GroupRow(*r) for r in await self._rows(query.order_by(g.name))]

    async def subjects(self, school_id: int) -> Sequence[SubjectRow]:
        s = t.subjects.c
        query = select(s.id, s.name, s.short_name, s.grading_scale).where(s.school_id == school_id)
        return [SubjectRow(*r) for r in await self._rows(query.order_by(s.name))]

    async def staff(self, school_id: int) -> Sequence[NameRow]:
        m = t.staff_members.c
        query = select(m.id, m.last_name, m.first_name, m.middle_name, m.active).where(
            m.school_id == school_id
        )
        return [
            NameRow(r.id, short_name(r.last_name, r.first_name, r.middle_name), r.active)
            for r in await self._rows(query)
        ]

    async def students(self, school_id: int, ids: Collection[int]) -> Sequence[NameRow]:
        s = t.students.c
        query = select(s.id, s.last_name, s.first_name, s.middle_name, s.active).where(
            s.school_id == school_id
        )
        wanted = set(ids)
        if len(wanted) <= _MAX_BOUND_IDS:
            query = query.where(s.id.in_(wanted))
        rows = await self._rows(query.order_by(s.last_name, s.first_name, s.middle_name, s.id))
        return [
            NameRow(r.id, short_name(r.last_name, r.first_name, r.middle_name), r.active)
            for r in rows
            if r.id in wanted
        ]

    async def memberships(
        self, school_id: int, year_id: int, start: dt.date, end: dt.date
    ) -> Sequence[MembershipRow]:
        m, g = t.group_memberships.c, t.study_groups.c
        query = (
            select(m.group_id, m.student_id, m.starts_on, m.ends_on)
            .join(t.study_groups, g.id == m.group_id)
            .where(
                m.school_id == school_id,
                g.year_id == year_id,
                m.starts_on <= end,
                or_(m.ends_on.is_(None), m.ends_on >= start),
            )
        )
        return [MembershipRow(*r) for r in await self._rows(query.order_by(m.id))]

    async def loads(self, school_id: int, year_id: int) -> Sequence[LoadRow]:
        x = t.teaching_loads.c
        query = select(x.teacher_id, x.subject_id, x.group_id, x.hours_per_week).where(
            x.school_id == school_id, x.year_id == year_id
        )
        return [LoadRow(*r) for r in await self._rows(query.order_by(x.id))]

    async def slots(self, school_id: int, year_id: int) -> Sequence[SlotRow]:
        e = t.timetable_entries.c
        query = select(
            e.group_id, e.subject_id, e.teacher_id, e.weekday, e.valid_from, e.valid_to
        ).where(e.school_id == school_id, e.year_id == year_id)
        return [SlotRow(*r) for r in await self._rows(query.order_by(e.id))]

    async def holidays(self, school_id: int, year_id: int) -> Sequence[HolidayRow]:
        h = t.holidays.c
        query = select(h.starts_on, h.ends_on, h.grade_from, h.grade_to).where(
            h.school_id == school_id, h.year_id == year_id
        )
        return [HolidayRow(*r) for r in await self._rows(query)]

    # --- finals -------------------------------------------------------------------------------

    async def finals(
        self,
        school_id: int,
        period_ids: Collection[int],
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[FinalRow]:
        f = t.final_marks.c
        query = select(f.period_id, f.group_id, f.subject_id, f.student_id, f.value).where(
            f.school_id == school_id, f.period_id.in_(list(period_ids))
        )
        if group_ids is not None:
            query = query.where(f.group_id.in_(list(group_ids)))
        if student_ids is not None:
            query = query.where(f.student_id.in_(list(student_ids)))
        return [FinalRow(*r) for r in await self._rows(query)]

    # --- marks --------------------------------------------------------------------------------

    @staticmethod
    def _lessons_in(
        query: Select[Any],
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
    ) -> Select[Any]:
        x = t.lessons.c
        # (school_id, on_date) is indexed: the range picks the lessons, their marks follow by id
        query = query.where(
            x.school_id == school_id,
            x.on_date >= start,
            x.on_date <= end,
            x.cancelled.is_(False),
        )
        if group_ids is not None:
            query = query.where(x.group_id.in_(list(group_ids)))
        return query

    async def mark_tallies(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[MarkTally]:
        m, x, w = t.marks.c, t.lessons.c, t.work_types.c
        query = (
            select(
                m.student_id,
                x.group_id,
                x.subject_id,
                m.value,
                w.control,
                func.count(),
                func.sum(w.weight),
            )
            .select_from(t.lessons)
            .join(t.marks, m.lesson_id == x.id)
            .join(t.work_types, w.id == m.work_type_id)
            .where(m.deleted_at.is_(None))
            .group_by(m.student_id, x.group_id, x.subject_id, m.value, w.control)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        if student_ids is not None:
            query = query.where(m.student_id.in_(list(student_ids)))
        return [
            MarkTally(r[0], r[1], r[2], r[3], bool(r[4]), int(r[5]), float(r[6] or 0))
            for r in await self._rows(query)
        ]

    async def current_averages(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        subject_ids: Collection[int] | None = None,
    ) -> Sequence[CurrentAverage]:
        m, x, w = t.marks.c, t.lessons.c, t.work_types.c
        mark = case(*((m.value == str(n), n) for n in range(1, 6)), else_=0)
        query: Select[Any] = (
            select(
                m.student_id,
                x.group_id,
                x.subject_id,
                func.sum(w.weight * mark),
                func.sum(w.weight),
            )
            .select_from(t.lessons)
            .join(t.marks, m.lesson_id == x.id)
            .join(t.work_types, w.id == m.work_type_id)
            .where(
                m.deleted_at.is_(None),
                m.value.in_([str(n) for n in range(1, 6)]),
                w.control.is_(False),
            )
            .group_by(m.student_id, x.group_id, x.subject_id)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        if subject_ids is not None:
            query = query.where(x.subject_id.in_(list(subject_ids)))
        return [
            CurrentAverage(r[0], r[1], r[2], float(r[3] or 0), float(r[4] or 0))
            for r in await self._rows(query)
        ]

    async def value_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[ValueTally]:
        m, x = t.marks.c, t.lessons.c
        query = (
            select(x.group_id, x.subject_id, m.value, func.count())
            .select_from(t.lessons)
            .join(t.marks, m.lesson_id == x.id)
            .where(m.deleted_at.is_(None))
            .group_by(x.group_id, x.subject_id, m.value)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        return [ValueTally(r[0], r[1], r[2], int(r[3])) for r in await self._rows(query)]

    async def mark_lines(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
        values: Collection[str] | None = None,
    ) -> Sequence[MarkLine]:
        m, x, w = t.marks.c, t.lessons.c, t.work_types.c
        query: Select[Any] = (
            select(
                m.student_id,
                x.group_id,
                x.subject_id,
                x.on_date,
                x.lesson_number,
                m.value,
                w.name,
                x.topic,
            )
            .select_from(t.lessons)
            .join(t.marks, m.lesson_id == x.id)
            .join(t.work_types, w.id == m.work_type_id)
            .where(m.deleted_at.is_(None))
            .order_by(x.on_date, x.lesson_number, m.id)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        if student_ids is not None:
            query = query.where(m.student_id.in_(list(student_ids)))
        if values is not None:
            query = query.where(m.value.in_(list(values)))
        return [MarkLine(*r) for r in await self._rows(query)]

    # --- attendance ---------------------------------------------------------------------------

    async def absence_tallies(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[AbsenceTally]:
        a, x = t.absences.c, t.lessons.c
        query = (
            select(a.student_id, x.group_id, x.subject_id, a.kind, func.count())
            .select_from(t.lessons)
            .join(t.absences, a.lesson_id == x.id)
            .group_by(a.student_id, x.group_id, x.subject_id, a.kind)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        if student_ids is not None:
            query = query.where(a.student_id.in_(list(student_ids)))
        return [AbsenceTally(r[0], r[1], r[2], r[3], int(r[4])) for r in await self._rows(query)]

    async def absence_lines(
        self,
        school_id: int,
        start: dt.date,
        end: dt.date,
        group_ids: Collection[int] | None,
        student_ids: Collection[int] | None = None,
    ) -> Sequence[AbsenceLine]:
        a, x = t.absences.c, t.lessons.c
        query: Select[Any] = (
            select(
                a.student_id, x.group_id, x.subject_id, x.on_date, x.lesson_number, x.topic, a.kind
            )
            .select_from(t.lessons)
            .join(t.absences, a.lesson_id == x.id)
            .order_by(x.on_date, x.lesson_number, a.id)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        if student_ids is not None:
            query = query.where(a.student_id.in_(list(student_ids)))
        return [AbsenceLine(*r) for r in await self._rows(query)]

    # --- keeping the journal ------------------------------------------------------------------

    async def lesson_lines(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[LessonLine]:
        x, h = t.lessons.c, t.homework.c
        homework = (
            select(func.max(h.text)).where(h.lesson_id == x.id).correlate(t.lessons)
        ).scalar_subquery()
        query: Select[Any] = select(
            x.group_id,
            x.subject_id,
            x.on_date,
            x.lesson_number,
            func.coalesce(x.substitute_id, x.teacher_id),
            x.substitute_id.is_not(None),
            x.topic,
            homework,
        ).order_by(x.on_date, x.lesson_number, x.group_id)
        query = self._lessons_in(query, school_id, start, end, group_ids)
        return [LessonLine(*r) for r in await self._rows(query)]

    async def lesson_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[LessonTally]:
        x, h = t.lessons.c, t.homework.c
        # a correlated lookup by the indexed lesson_id: a plan that cannot go wrong on tables
        # whose statistics are stale (a joined aggregate became a nested loop on PostgreSQL)
        chars = (
            select(func.max(func.length(h.text)))
            .where(h.lesson_id == x.id)
            .correlate(t.lessons)
            .scalar_subquery()
        )
        query = (
            select(
                x.group_id,
                x.subject_id,
                x.teacher_id,
                func.count(),
                _count_if(or_(x.topic.is_(None), x.topic == "")),
                _count_if(x.attendance_taken_at.is_(None)),
                func.count(chars),
                func.coalesce(func.sum(chars), 0),
                _count_if(x.substitute_id.is_not(None)),
                func.count(func.distinct(x.topic_id)),
            )
            .select_from(t.lessons)
            .group_by(x.group_id, x.subject_id, x.teacher_id)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        return [LessonTally(*(r[:3]), *(int(v) for v in r[3:])) for r in await self._rows(query)]

    async def mark_entry_tallies(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[MarkEntryTally]:
        m, x = t.marks.c, t.lessons.c
        query = (
            select(x.group_id, x.subject_id, func.count(), _count_if(m.late.is_(True)))
            .select_from(t.lessons)
            .join(t.marks, m.lesson_id == x.id)
            .where(m.deleted_at.is_(None))
            .group_by(x.group_id, x.subject_id)
        )
        query = self._lessons_in(query, school_id, start, end, group_ids)
        return [MarkEntryTally(r[0], r[1], int(r[2]), int(r[3])) for r in await self._rows(query)]

    async def plan_tallies(
        self, school_id: int, year_id: int, group_ids: Collection[int] | None
    ) -> Sequence[PlanTally]:
        p = t.thematic_topics.c
        query = (
            select(p.group_id, p.subject_id, func.count(), func.sum(p.hours))
            .where(p.school_id == school_id, p.year_id == year_id)
            .group_by(p.group_id, p.subject_id)
        )
        if group_ids is not None:
            query = query.where(p.group_id.in_(list(group_ids)))
        return [PlanTally(r[0], r[1], int(r[2]), float(r[3] or 0)) for r in await self._rows(query)]

    # --- control works (ВШК) ------------------------------------------------------------------

    async def control_works(
        self, school_id: int, start: dt.date, end: dt.date, group_ids: Collection[int] | None
    ) -> Sequence[ControlWorkRow]:
        c = t.control_works.c
        query = select(
            c.id, c.group_id, c.subject_id, c.on_date, c.lesson_number, c.form, c.topic
        ).where(c.school_id == school_id, c.on_date >= start, c.on_date <= end)
        if group_ids is not None:
            query = query.where(c.group_id.in_(list(group_ids)))
        rows = await self._rows(query.order_by(c.on_date, c.lesson_number, c.id))
        return [ControlWorkRow(*r) for r in rows]

    async def control_marks(
        self, school_id: int, work_ids: Collection[int]
    ) -> Sequence[ControlMark]:
        if not work_ids:
            return []
        c, x, m, w = t.control_works.c, t.lessons.c, t.marks.c, t.work_types.c
        query = (
            select(c.id, m.student_id, m.value)
            .select_from(t.control_works)
            .join(
                t.lessons,
                and_(
                    x.group_id == c.group_id,
                    x.subject_id == c.subject_id,
                    x.on_date == c.on_date,
                    or_(c.lesson_number.is_(None), x.lesson_number == c.lesson_number),
                ),
            )
            .join(t.marks, m.lesson_id == x.id)
            .join(t.work_types, w.id == m.work_type_id)
            .where(
                c.school_id == school_id,
                c.id.in_(list(work_ids)),
                x.cancelled.is_(False),
                m.deleted_at.is_(None),
                w.control.is_(True),
            )
            .order_by(c.id, m.id)
        )
        return [ControlMark(*r) for r in await self._rows(query)]
