"""Use case: import (or re-import) a school year from its workbook (SETUP-1..17, ADM-1).

Everything is checked first (core.services.school_year_check); only a workbook without a single
problem is applied, in the caller's one transaction, each change audited. Re-importing an edited
workbook updates what changed instead of duplicating: every record is recognised by a natural key
(a class by its name, a student by the file number or name and birth date, a timetable slot by
group, day, lesson and start date). Sheets that describe a whole set (periods, holidays, bells,
load, timetable, thematic plans, control works, guardian links) also lose rows that are gone from
the workbook; people, classes, subjects, rooms and groups are never deleted by an import, and a
student who left gets «Дата выбытия» instead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from core.model.grading import WorkType
from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.people import (
    Guardian,
    GuardianLink,
    MovementKind,
    StaffMember,
    Student,
    StudentMovement,
    short_name,
)
from core.model.school import (
    AcademicYear,
    Bell,
    BellSchedule,
    Holiday,
    Room,
    School,
    StudyPeriod,
    Subject,
)
from core.model.timetable import ControlWork, ThematicTopic, TimetableEntry
from core.ports import UnitOfWork
from core.rules.names import normalize, normalize_class_name
from core.services import school_year_texts as txt
from core.services.audit_log import audited_add, audited_add_all, audited_delete, audited_update
from core.services.school_year_check import (
    Catalogue,
    check_school_year,
    group_key_of_class,
    group_key_of_name,
    guardian_key,
    student_key,
)
from core.services.school_year_rows import SHEET_ORDER, Problem, SchoolYearRows, StudentRow

# the optional sheets whose absence leaves their records alone
SHEET_HOLIDAYS, SHEET_GROUPS, SHEET_PLANS = SHEET_ORDER[1], SHEET_ORDER[8], SHEET_ORDER[9]
SHEET_TOPICS, SHEET_CONTROL_WORKS = SHEET_ORDER[13], SHEET_ORDER[14]

T = TypeVar("T")
Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    school: str
    year: str | None = None
    problems: list[Problem] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    movements: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def any_change(self) -> bool:
        return any(n for c in (self.added, self.changed, self.removed) for n in c.values())

    def labels(self) -> list[str]:
        """Russian names of the record kinds that appear in the report, in import order."""
        seen = [*self.added, *self.changed, *self.removed, *self.unchanged]
        return [txt.ENTITY_LABELS[k] for k in txt.ENTITY_LABELS if k in seen]


async def import_school_year(
    uow: UnitOfWork,
    rows: SchoolYearRows,
    *,
    school_name: str,
    actor: str,
    today: dt.date,
    timezone: str | None = None,
    default_timezone: str = "Europe/Moscow",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check the workbook; if it has no problem, apply it and commit. Nothing is written else.

    A dry run applies everything inside the transaction to report what would change, then
    leaves it uncommitted (the unit of work rolls it back)."""
    report = ImportReport(school=school_name)
    catalogue, problems = check_school_year(rows)
    if catalogue is None:
        report.problems = problems
        return report
    report.year = catalogue.year_name
    applier = _Applier(uow, catalogue, actor, today, report, progress or (lambda *_: None))
    await applier.run(school_name, timezone, default_timezone)
    if dry_run:
        await uow.rollback()
    else:
        await uow.commit()
    return report


class _Applier:
    STEPS = 16

    def __init__(
        self,
        uow: UnitOfWork,
        cat: Catalogue,
        actor: str,
        today: dt.date,
        report: ImportReport,
        progress: Progress,
    ) -> None:
        self.uow = uow
        self.cat = cat
        self.actor = actor
        self.report = report
        self.progress = progress
        self.step = 0
        # the day from which changes take effect: today, kept inside the school year
        self.effective = min(max(today, cat.year_start), cat.year_end)
        self.school_id = 0
        self.year_id = 0

    def advance(self, name: str) -> None:
        self.step += 1
        self.progress(name, self.step, self.STEPS)

    async def sync(
        self,
        kind: type[T],
        existing: Iterable[T],
        key_of: Callable[[T], Hashable],
        wanted: Mapping[Hashable, dict[str, Any]],
        *,
        delete_absent: bool,
    ) -> dict[Hashable, T]:
        """Make the stored set of ``kind`` match ``wanted`` (key → fields); audited."""
        label = kind.__name__
        by_key: dict[Hashable, T] = {}
        absent: list[T] = []
        for item in existing:
            key = key_of(item)
            if key in wanted and key not in by_key:
                by_key[key] = item
            else:
                absent.append(item)
        new: list[T] = []
        for key, fields in wanted.items():
            found = by_key.get(key)
            if found is None:
                created: T = cast(Any, kind)(school_id=self.school_id, **fields)
                new.append(created)
                by_key[key] = created
            elif audited_update(self.uow, self.actor, found, fields):
                self.report.changed[label] += 1
            else:
                self.report.unchanged[label] += 1
        await audited_add_all(self.uow, self.actor, new)
        self.report.added[label] += len(new)
        if delete_absent:
            for item in absent:
                await audited_delete(self.uow, self.actor, item)
                self.report.removed[label] += 1
        else:
            self.report.unchanged[label] += len(absent)
        return by_key

    async def run(self, school_name: str, timezone: str | None, default_timezone: str) -> None:
        await self._school(school_name, timezone, default_timezone)
        await self._calendar()
        await self._catalogues()
        await self._people_and_classes()
        await self._groups()
        await self._teaching()

    async def find(self, kind: type[T], **filters: Any) -> list[T]:
        return list(await self.uow.repo(kind).find(**filters))

    async def _school(self, name: str, timezone: str | None, default_timezone: str) -> None:
        self.advance("school")
        school = await self.uow.repo(School).first(name=name.strip())
        if school is None:
            school = await audited_add(
                self.uow,
                self.actor,
                School(name=name.strip(), timezone=timezone or default_timezone),
            )
            self.report.added["School"] += 1
        elif timezone and audited_update(self.uow, self.actor, school, {"timezone": timezone}):
            self.report.changed["School"] += 1
        assert school.id is not None
        self.school_id = school.id
        work_types = await self.find(WorkType, school_id=school.id)
        have = {normalize(w.name) for w in work_types}
        new = [
            WorkType(school_id=school.id, name=n, weight=w, control=c, written=wr)
            for n, w, c, wr in txt.DEFAULT_WORK_TYPES
            if normalize(n) not in have
        ]
        await audited_add_all(self.uow, self.actor, new)
        self.report.added["WorkType"] += len(new)
        cat = self.cat
        year = await self.uow.repo(AcademicYear).first(school_id=school.id, name=cat.year_name)
        if year is None:
            year = await audited_add(
                self.uow,
                self.actor,
                AcademicYear(
                    school_id=school.id,
                    name=cat.year_name,
                    starts_on=cat.year_start,
                    ends_on=cat.year_end,
                ),
            )
            self.report.added["AcademicYear"] += 1
        assert year.id is not None
        self.year_id = year.id

    async def _calendar(self) -> None:
        self.advance("calendar")
        rows, y = self.cat.rows, self.year_id
        await self.sync(
            StudyPeriod,
            await self.find(StudyPeriod, school_id=self.school_id, year_id=y),
            lambda p: (p.kind, p.number, p.grade_from, p.grade_to),
            {
                (r.kind, r.number, r.grade_from, r.grade_to): dict(
                    year_id=y,
                    kind=r.kind,
                    number=r.number,
                    grade_from=r.grade_from,
                    grade_to=r.grade_to,
                    starts_on=r.starts_on,
                    ends_on=r.ends_on,
                )
                for r in rows.periods
            },
            delete_absent=True,
        )
        if not rows.has(SHEET_HOLIDAYS):
            return
        await self.sync(
            Holiday,
            await self.find(Holiday, school_id=self.school_id, year_id=y),
            lambda h: (h.kind, normalize(h.name), h.grade_from, h.grade_to),
            {
                (r.kind, normalize(r.name), r.grade_from, r.grade_to): dict(
                    year_id=y,
                    kind=r.kind,
                    name=r.name,
                    starts_on=r.starts_on,
                    ends_on=r.ends_on,
                    grade_from=r.grade_from,
                    grade_to=r.grade_to,
                )
                for r in rows.holidays
            },
            delete_absent=True,
        )

    async def _catalogues(self) -> None:
        self.advance("catalogues")
        rows, s = self.cat.rows, self.school_id
        self.subjects = await self.sync(
            Subject,
            await self.find(Subject, school_id=s),
            lambda x: normalize(x.name),
            {
                normalize(r.name): dict(
                    name=r.name,
                    short_name=r.short_name or r.name,
                    component=r.component,
                    grading_scale=r.grading_scale,
                )
                for r in rows.subjects
            },
            delete_absent=False,
        )
        self.rooms = await self.sync(
            Room,
            await self.find(Room, school_id=s),
            lambda x: normalize(x.name),
            {normalize(r.name): dict(name=r.name, capacity=r.capacity) for r in rows.rooms},
            delete_absent=False,
        )
        self.advance("bells")
        self.schedules = await self.sync(
            BellSchedule,
            await self.find(BellSchedule, school_id=s),
            lambda x: normalize(x.name),
            {normalize(r.schedule): dict(name=r.schedule.strip()) for r in rows.bells},
            delete_absent=False,
        )
        schedule_key = {v.id: k for k, v in self.schedules.items()}
        await self.sync(
            Bell,
            await self.find(Bell, school_id=s),
            lambda b: (schedule_key.get(b.schedule_id), b.lesson_number),
            {
                (normalize(r.schedule), r.lesson_number): dict(
                    schedule_id=self.schedules[normalize(r.schedule)].id,
                    lesson_number=r.lesson_number,
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                )
                for r in rows.bells
            },
            delete_absent=True,
        )

    def _id(self, mapping: Mapping[Hashable, Any], key: Hashable | None) -> int | None:
        if key is None:
            return None
        return int(mapping[key].id)

    async def _people_and_classes(self) -> None:
        self.advance("staff")
        cat, s = self.cat, self.school_id
        self.staff = await self.sync(
            StaffMember,
            await self.find(StaffMember, school_id=s),
            lambda m: normalize(m.full_name),
            {
                key: dict(
                    last_name=r.last_name,
                    first_name=r.first_name,
                    middle_name=r.middle_name,
                    position=r.position,
                    roles=list(r.roles),
                    phone=r.phone,
                    active=True,
                )
                for key, r in cat.staff.items()
            },
            delete_absent=False,
        )
        self.advance("classes")
        self.classes = await self.sync(
            SchoolClass,
            await self.find(SchoolClass, school_id=s, year_id=self.year_id),
            lambda c: normalize_class_name(c.name),
            {
                key: dict(
                    year_id=self.year_id,
                    name=key,
                    grade=cat.class_grade[key],
                    class_teacher_id=self._id(self.staff, cat.class_teacher[key]),
                    days_per_week=r.days_per_week,
                    shift=r.shift,
                    bell_schedule_id=self._id(
                        self.schedules, normalize(r.bell_schedule) if r.bell_schedule else None
                    ),
                )
                for key, r in cat.classes.items()
            },
            delete_absent=False,
        )
        self.advance("students")
        on_plan = {cat.ref(r, "student") for r in cat.rows.individual_plans}
        existing = await self.find(Student, school_id=s)
        plans_given = cat.rows.has(SHEET_PLANS)
        self.students = await self.sync(
            Student,
            existing,
            _student_key_of_entity,
            {
                key: dict(
                    last_name=r.last_name,
                    first_name=r.first_name,
                    middle_name=r.middle_name,
                    birth_date=r.birth_date,
                    file_number=r.file_number,
                    active=r.withdrawn_on is None,
                    **({"individual_plan": key in on_plan} if plans_given else {}),
                )
                for key, r in cat.students.items()
            },
            delete_absent=False,
        )
        self.advance("guardians")
        guardians: dict[Hashable, dict[str, Any]] = {}
        for g in cat.rows.guardians:
            guardians.setdefault(
                guardian_key(g.last_name, g.first_name, g.middle_name, g.phone),
                dict(
                    last_name=g.last_name,
                    first_name=g.first_name,
                    middle_name=g.middle_name,
                    phone=g.phone,
                    email=g.email,
                ),
            )
        self.guardians = await self.sync(
            Guardian,
            await self.find(Guardian, school_id=s),
            lambda g: guardian_key(g.last_name, g.first_name, g.middle_name, g.phone),
            guardians,
            delete_absent=False,
        )
        guardian_of = {v.id: k for k, v in self.guardians.items()}
        student_of = {v.id: k for k, v in self.students.items()}
        await self.sync(
            GuardianLink,
            await self.find(GuardianLink, school_id=s),
            lambda link: (guardian_of.get(link.guardian_id), student_of.get(link.student_id)),
            {
                (gk, cat.ref(g, "child")): dict(
                    guardian_id=self.guardians[gk].id,
                    student_id=self.students[cat.ref(g, "child")].id,
                    relation=g.relation,
                )
                for g in cat.rows.guardians
                for gk in [guardian_key(g.last_name, g.first_name, g.middle_name, g.phone)]
            },
            delete_absent=True,
        )

    async def _groups(self) -> None:
        self.advance("groups")
        cat, s = self.cat, self.school_id
        class_of_id = {v.id: str(k) for k, v in self.classes.items()}

        def key_of(group: StudyGroup) -> str:
            if group.kind is GroupKind.WHOLE_CLASS and group.class_id in class_of_id:
                return group_key_of_class(class_of_id[group.class_id])
            return group_key_of_name(group.name)

        self.groups = await self.sync(
            StudyGroup,
            await self.find(StudyGroup, school_id=s, year_id=self.year_id),
            key_of,
            {
                key: dict(
                    year_id=self.year_id,
                    name=spec.name,
                    kind=spec.kind,
                    class_id=self._id(self.classes, spec.class_key),
                    subject_id=self._id(self.subjects, spec.subject_key),
                )
                for key, spec in cat.groups.items()
            },
            delete_absent=False,
        )
        self.advance("memberships")
        await self._memberships()

    async def _memberships(self) -> None:
        cat = self.cat
        group_key = {g.id: k for k, g in self.groups.items()}
        # open memberships: those not ended before the day the import takes effect
        open_by_group: dict[Hashable, dict[int, GroupMembership]] = {}
        known: set[int] = set()  # students with any stored membership: not new to the school
        for m in await self.find(GroupMembership, school_id=self.school_id):
            known.add(m.student_id)
            key = group_key.get(m.group_id)
            if key is not None and (m.ends_on is None or m.ends_on >= self.effective):
                open_by_group.setdefault(key, {})[m.student_id] = m
        class_now: dict[int, Hashable] = {
            sid: key
            for key, members in open_by_group.items()
            if self.groups[key].kind is GroupKind.WHOLE_CLASS
            for sid in members
        }
        new: list[GroupMembership] = []
        movements: list[StudentMovement] = []
        for skey, row in cat.students.items():
            sid = self._sid(skey)
            target = group_key_of_class(cat.student_class[skey])
            current = class_now.get(sid)
            first_day = self.effective if sid in known else (row.enrolled_on or cat.year_start)
            if current is None and row.withdrawn_on is not None and sid in known:
                self.report.unchanged["GroupMembership"] += 1  # left earlier: history stays
                continue
            if current is None:
                new.append(self._membership(target, sid, first_day, row.withdrawn_on))
                if row.enrolled_on and row.enrolled_on > cat.year_start:
                    # enrolment on the first day is the year's roster, not a movement
                    movements.append(self._moved(MovementKind.ENROLMENT, sid, row, None, target))
                if row.withdrawn_on:
                    movements.append(self._moved(MovementKind.WITHDRAWAL, sid, row, target, None))
            elif current != target and row.withdrawn_on is None:
                await self._close(open_by_group[current][sid])
                new.append(self._membership(target, sid, self.effective, None))
                movements.append(self._moved(MovementKind.TRANSFER, sid, row, current, target))
            else:
                self.report.unchanged["GroupMembership"] += 1
            if row.withdrawn_on is not None and current is not None:
                await self._withdraw(sid, row, current, open_by_group, movements)
        for gkey, spec in cat.groups.items():
            if spec.kind is GroupKind.WHOLE_CLASS:
                continue
            current_members = open_by_group.get(gkey, {})
            for skey in spec.members:
                sid = self._sid(skey)
                left = cat.students[skey].withdrawn_on
                if sid in current_members or (left is not None and left < self.effective):
                    continue
                enrolled = cat.students[skey].enrolled_on
                first_day = self.effective if sid in known else (enrolled or cat.year_start)
                new.append(self._membership(gkey, sid, first_day, left))
            sheet = SHEET_PLANS if spec.kind is GroupKind.INDIVIDUAL else SHEET_GROUPS
            if not cat.rows.has(sheet):
                continue  # the sheet was left out of the file: its groups keep their members
            wanted = {self._sid(k) for k in spec.members}
            for sid, membership in current_members.items():
                if sid not in wanted:
                    await self._close(membership)
        await audited_add_all(self.uow, self.actor, new)
        self.report.added["GroupMembership"] += len(new)
        await audited_add_all(self.uow, self.actor, movements)
        self.report.added["StudentMovement"] += len(movements)

    def _sid(self, student_key: str) -> int:
        return _id_of(self.students[student_key])

    def _membership(
        self, group: Hashable, sid: int, starts: dt.date, ends: dt.date | None
    ) -> GroupMembership:
        return GroupMembership(
            school_id=self.school_id,
            group_id=_id_of(self.groups[group]),
            student_id=sid,
            starts_on=starts,
            ends_on=ends,
        )

    async def _withdraw(
        self,
        sid: int,
        row: StudentRow,
        current: Hashable,
        open_by_group: dict[Hashable, dict[int, GroupMembership]],
        movements: list[StudentMovement],
    ) -> None:
        """A student who left: every open membership ends on the day of withdrawal, once."""
        assert row.withdrawn_on is not None
        whole = open_by_group[current][sid]
        if whole.ends_on == row.withdrawn_on:
            return
        for members in open_by_group.values():
            membership = members.get(sid)
            if membership is not None and membership.ends_on != row.withdrawn_on:
                audited_update(self.uow, self.actor, membership, {"ends_on": row.withdrawn_on})
                self.report.changed["GroupMembership"] += 1
        movements.append(self._moved(MovementKind.WITHDRAWAL, sid, row, current, None))

    def _moved(
        self,
        kind: MovementKind,
        sid: int,
        row: StudentRow,
        old: Hashable | None,
        new: Hashable | None,
    ) -> StudentMovement:
        old_group = self.groups[old] if old is not None else None
        new_group = self.groups[new] if new is not None else None
        if kind is MovementKind.ENROLMENT:
            day, text = row.enrolled_on or self.effective, txt.MOVE_ENROLMENT
        elif kind is MovementKind.WITHDRAWAL:
            day, text = row.withdrawn_on or self.effective, txt.MOVE_WITHDRAWAL
        else:
            day, text = self.effective, txt.MOVE_TRANSFER
        self.report.movements.append(
            text.format(
                student=_short(row),
                old=old_group.name if old_group else "",
                new=new_group.name if new_group else "",
                day=day.strftime("%d.%m.%Y"),
            )
        )
        return StudentMovement(
            school_id=self.school_id,
            student_id=sid,
            kind=kind,
            on_date=day,
            from_class_id=old_group.class_id if old_group else None,
            to_class_id=new_group.class_id if new_group else None,
        )

    async def _close(self, membership: GroupMembership) -> None:
        """A student left a group: history is kept unless the membership had not begun yet."""
        if membership.starts_on >= self.effective:
            await audited_delete(self.uow, self.actor, membership)
            self.report.removed["GroupMembership"] += 1
            return
        last_day = self.effective - dt.timedelta(days=1)
        if membership.ends_on is None or membership.ends_on > last_day:
            audited_update(self.uow, self.actor, membership, {"ends_on": last_day})
            self.report.changed["GroupMembership"] += 1

    async def _teaching(self) -> None:
        cat, s, y = self.cat, self.school_id, self.year_id
        staff_of = {v.id: k for k, v in self.staff.items()}
        subject_of = {v.id: k for k, v in self.subjects.items()}
        group_of = {v.id: k for k, v in self.groups.items()}
        room_of = {v.id: k for k, v in self.rooms.items()}
        self.advance("load")
        loads: dict[Hashable, dict[str, Any]] = {}
        for r in cat.rows.loads:
            t, sub, g = cat.ref(r, "teacher"), cat.ref(r, "subject"), cat.ref(r, "group")
            loads[(t, sub, g)] = self._load(t, sub, g, r.hours_per_week)
        for p in cat.rows.individual_plans:
            t, g = cat.ref(p, "teacher"), cat.ref(p, "group")
            loads[(t, normalize(p.subject), g)] = self._load(
                t, normalize(p.subject), g, p.hours_per_week
            )
        existing_loads = await self.find(TeachingLoad, school_id=s, year_id=y)
        if not cat.rows.has(SHEET_PLANS):
            individual = {g.id for g in self.groups.values() if g.kind is GroupKind.INDIVIDUAL}
            existing_loads = [x for x in existing_loads if x.group_id not in individual]
        await self.sync(
            TeachingLoad,
            existing_loads,
            lambda x: (
                staff_of.get(x.teacher_id),
                subject_of.get(x.subject_id),
                group_of.get(x.group_id),
            ),
            loads,
            delete_absent=True,
        )
        self.advance("timetable")
        await self.sync(
            TimetableEntry,
            await self.find(TimetableEntry, school_id=s, year_id=y),
            lambda e: (group_of.get(e.group_id), e.weekday, e.lesson_number, e.kind, e.valid_from),
            {
                (
                    cat.ref(r, "group"),
                    r.weekday,
                    r.lesson_number,
                    r.kind,
                    r.valid_from or cat.year_start,
                ): dict(
                    year_id=y,
                    group_id=self._id(self.groups, cat.ref(r, "group")),
                    weekday=r.weekday,
                    lesson_number=r.lesson_number,
                    subject_id=self._id(self.subjects, cat.ref(r, "subject")),
                    teacher_id=self._id(self.staff, cat.ref(r, "teacher")),
                    room_id=self._id(self.rooms, cat.optional_ref(r, "room")),
                    valid_from=r.valid_from or cat.year_start,
                    valid_to=r.valid_to or cat.year_end,
                    kind=r.kind,
                )
                for r in cat.rows.timetable
            },
            delete_absent=True,
        )
        del room_of
        self.advance("thematic plans")
        if cat.rows.has(SHEET_TOPICS):
            await self._topics(group_of, subject_of)
        self.advance("control works")
        if cat.rows.has(SHEET_CONTROL_WORKS):
            await self._control_works(group_of, subject_of)
        self.advance("done")

    async def _topics(self, group_of: dict[Any, Hashable], subject_of: dict[Any, Hashable]) -> None:
        cat, s, y = self.cat, self.school_id, self.year_id
        await self.sync(
            ThematicTopic,
            await self.find(ThematicTopic, school_id=s, year_id=y),
            lambda x: (group_of.get(x.group_id), subject_of.get(x.subject_id), x.position),
            {
                (cat.ref(r, "group"), cat.ref(r, "subject"), r.position): dict(
                    year_id=y,
                    group_id=self._id(self.groups, cat.ref(r, "group")),
                    subject_id=self._id(self.subjects, cat.ref(r, "subject")),
                    position=r.position,
                    title=r.title,
                    hours=r.hours,
                )
                for r in cat.rows.topics
            },
            delete_absent=True,
        )

    async def _control_works(
        self, group_of: dict[Any, Hashable], subject_of: dict[Any, Hashable]
    ) -> None:
        cat, s, y = self.cat, self.school_id, self.year_id
        await self.sync(
            ControlWork,
            await self.find(ControlWork, school_id=s, year_id=y),
            lambda x: (group_of.get(x.group_id), subject_of.get(x.subject_id), x.on_date),
            {
                (cat.ref(r, "group"), cat.ref(r, "subject"), r.on_date): dict(
                    year_id=y,
                    group_id=self._id(self.groups, cat.ref(r, "group")),
                    subject_id=self._id(self.subjects, cat.ref(r, "subject")),
                    on_date=r.on_date,
                    form=r.form,
                    lesson_number=r.lesson_number,
                    topic=r.topic,
                )
                for r in cat.rows.control_works
            },
            delete_absent=True,
        )

    def _load(self, teacher: str, subject: str, group: str, hours: float) -> dict[str, Any]:
        return dict(
            year_id=self.year_id,
            teacher_id=self._id(self.staff, teacher),
            subject_id=self._id(self.subjects, subject),
            group_id=self._id(self.groups, group),
            hours_per_week=hours,
        )


def _id_of(entity: Any) -> int:
    """The id of a stored entity (flushed, so never None)."""
    assert entity.id is not None
    return int(entity.id)


def _student_key_of_entity(student: Student) -> str:
    return student_key(
        StudentRow(
            ref=None,  # type: ignore[arg-type]
            last_name=student.last_name,
            first_name=student.first_name,
            middle_name=student.middle_name,
            birth_date=student.birth_date,
            file_number=student.file_number,
            class_name="",
            enrolled_on=None,
            withdrawn_on=None,
        )
    )


def _short(row: StudentRow) -> str:
    return short_name(row.last_name, row.first_name, row.middle_name)
