"""A year of journal for a synthetic school (documents.synthetic_school): lessons, attendance,
marks, homework, substitutions, control works and period finals. For benchmarks and for trying
the reports, never for a real school.

The input is the imported school as core's entities; the output is batches of plain rows (field →
value, the names of the entities' fields) for a bulk writer, class by class, so that a school of
4,000 students never sits in memory whole. Nothing here is audited or raises notices: the caller
writes one audit entry for the whole lot.

What is plausible about it:

- every timetable slot on the grade's school days up to ``until`` becomes a lesson, attendance
  taken at its start, the topic the next one of the group's КТП (a control work's own topic on
  its day), homework for the next lesson of the subject (not in 1st grade);
- each student has an ability (most between «3» and «5», a few strong, a few weak) and a liking
  per subject; marks spread around it, written and control works a little lower;
- marks: a written work for the whole group in about one lesson in seven, otherwise answers and
  homework for almost half of the students (about one mark per student in two lessons, some
  twelve a week); every present student on a control work's day; none in 1st grade
  (безотметочное обучение); one in 200 entered late by the deputy, one in 500 deleted with a
  reason (kept, as the journal keeps them);
- absences about 6–7 % of student-lessons: illness streaks of 2–7 school days («Б» all day, some
  students ill far more often than others) and single lessons «Н», «У», «О»;
- substitutions about 2 % of lessons: a teacher ill for a few days, each lesson given by a
  colleague free at that hour (of the same subject when one is);
- finals of every period ended by ``until`` from the weighted average exactly as the final sheet
  suggests it (core.rules.grading), the year's from the period finals, and the period closed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from core.model.grading import WorkType
from core.model.groups import GroupKind, GroupMembership, SchoolClass, StudyGroup
from core.model.journal import Absence, AbsenceKind, FinalMark, Homework, Lesson, Mark, PeriodLock
from core.model.people import StaffMember
from core.model.school import Bell, Holiday, PeriodKind, StudyPeriod, Subject
from core.model.timetable import ActivityKind, ControlWork, ThematicTopic, TimetableEntry
from core.rules import grading

Row = dict[str, Any]

WRITTEN_WORK_SHARE = 0.15  # lessons with a written work for the whole group
ANSWER_SHARE = 0.45  # otherwise, students marked for an answer or homework
HOMEWORK_SHARE = 0.85
SINGLE_ABSENCES = (
    (AbsenceKind.ABSENT, 0.010),
    (AbsenceKind.EXCUSED, 0.008),
    (AbsenceKind.LATE, 0.010),
)
ILLNESS_EPISODES = 1.2  # a year, on average; some students many more
TEACHER_ILLNESS_EPISODES = 1.0
NO_MARKS_GRADE = 1
REVISION = "Повторение и обобщение изученного"
# marks entered after the deadline (by the deputy; REP-5 counts them), marks deleted with a reason
LATE_SHARE = 0.005
DELETED_SHARE = 0.002
DELETED_REASON = "Отметка выставлена не тому ученику"

HOMEWORK_TEXTS = (
    "§ {n}, вопросы после параграфа",
    "Упр. {n}, {m}",
    "№ {n}, {m}, {k}",
    "Прочитать с. {n}–{m}",
    "Выучить правило, упр. {n}",
    "Повторить конспект урока, № {n}",
    "Рабочая тетрадь, с. {n}",
)
UTC = dt.UTC


@dataclass(frozen=True)
class JournalInput:
    """The imported school: what the year of journal is made from."""

    school_id: int
    year_id: int
    timezone: str
    periods: Sequence[StudyPeriod]
    holidays: Sequence[Holiday]
    classes: Sequence[SchoolClass]
    groups: Sequence[StudyGroup]
    memberships: Sequence[GroupMembership]
    entries: Sequence[TimetableEntry]
    topics: Sequence[ThematicTopic]
    control_works: Sequence[ControlWork]
    work_types: Sequence[WorkType]
    subjects: Sequence[Subject]
    bells: Sequence[Bell]
    staff: Sequence[StaffMember]


@dataclass(frozen=True)
class Batch:
    kind: type  # the core entity the rows are of (Lesson, Mark, ...)
    rows: list[Row]


@dataclass
class JournalStats:
    lessons: int = 0
    substitutions: int = 0
    absences: int = 0
    marks: int = 0
    homework: int = 0
    final_marks: int = 0
    period_locks: int = 0
    student_lessons: int = 0  # students expected at the lessons: the base of the absence rate
    classes_done: int = 0

    def count(self, batch: Batch) -> None:
        name = {
            Lesson: "lessons",
            Absence: "absences",
            Mark: "marks",
            Homework: "homework",
            FinalMark: "final_marks",
            PeriodLock: "period_locks",
        }[batch.kind]
        setattr(self, name, getattr(self, name) + len(batch.rows))


@dataclass(frozen=True, slots=True)
class _Member:
    student: int
    starts_on: dt.date
    ends_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class _Entry:
    id: int
    group_id: int
    weekday: int
    lesson_number: int
    subject_id: int
    teacher_id: int
    room_id: int | None
    valid_from: dt.date
    valid_to: dt.date
    kind: ActivityKind


@dataclass
class _Student:
    ability: float
    liking: dict[int, float] = field(default_factory=dict)  # subject id → offset
    ill: set[dt.date] = field(default_factory=set)


class JournalMaker:
    """``for batch in JournalMaker(school, seed, until, first_lesson_id).batches(): write``."""

    def __init__(
        self, school: JournalInput, seed: int, until: dt.date, first_lesson_id: int
    ) -> None:
        self.s = school
        self.rng = random.Random(seed)
        self.until = until
        self.next_lesson_id = first_lesson_id
        self.stats = JournalStats()
        self.zone = ZoneInfo(school.timezone)
        self.scale = {x.id: grading.SCALES[x.grading_scale] for x in school.subjects}
        self.subject_name = {x.id: x.name for x in school.subjects}
        self.classes = sorted(school.classes, key=lambda c: (c.grade, c.name))
        self.class_of_id = {c.id: c for c in school.classes}
        self.groups_of_class: dict[int, list[StudyGroup]] = defaultdict(list)
        for group in sorted(school.groups, key=lambda g: g.id or 0):
            if group.class_id is not None:
                self.groups_of_class[group.class_id].append(group)
        # plain copies: reading a mapped entity's attribute costs more than the generation
        self.members: dict[int, list[_Member]] = defaultdict(list)
        for m in sorted(school.memberships, key=lambda m: m.id or 0):
            self.members[m.group_id].append(_Member(m.student_id, m.starts_on, m.ends_on))
        self.entries: dict[int, list[_Entry]] = defaultdict(list)
        self.busy: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.teachers_of_subject: dict[int, set[int]] = defaultdict(set)
        for e in sorted(school.entries, key=lambda e: e.id or 0):
            self.entries[e.group_id].append(
                _Entry(
                    e.id or 0,
                    e.group_id,
                    e.weekday,
                    e.lesson_number,
                    e.subject_id,
                    e.teacher_id,
                    e.room_id,
                    e.valid_from,
                    e.valid_to,
                    e.kind,
                )
            )
            self.busy[e.weekday, e.lesson_number].add(e.teacher_id)
            self.teachers_of_subject[e.subject_id].add(e.teacher_id)
        self.teachers = sorted({e.teacher_id for e in school.entries})
        self.topics: dict[tuple[int, int], list[ThematicTopic]] = defaultdict(list)
        for t in sorted(school.topics, key=lambda t: (t.group_id, t.subject_id, t.position)):
            self.topics[t.group_id, t.subject_id].append(t)
        self.works = {(w.group_id, w.on_date, w.lesson_number): w for w in school.control_works}
        self._work_types(school.work_types)
        self.bells: dict[int, dict[int, tuple[dt.time, dt.time]]] = defaultdict(dict)
        for b in school.bells:
            self.bells[b.schedule_id][b.lesson_number] = (b.starts_at, b.ends_at)
        self.substituting: set[tuple[dt.date, int, int]] = set()  # (day, number, teacher)
        self.teacher_ill = self._teacher_illness()

    def _work_types(self, work_types: Sequence[WorkType]) -> None:
        by_name = {w.name: w for w in work_types}
        ordinary = [w for w in work_types if not w.control]

        def pick(name: str) -> WorkType:
            return by_name.get(name) or ordinary[0]

        self.control_type = next((w for w in work_types if w.control), ordinary[0])
        self.answer_types = (pick("Ответ на уроке"), pick("Домашняя работа"))
        self.written_types = (pick("Самостоятельная работа"), pick("Тест"))
        self.dictation = pick("Диктант")
        self.practical = pick("Практическая работа")
        self.weight = {w.id: Decimal(str(w.weight)) for w in work_types}

    # --- the calendar ---------------------------------------------------------------------------

    def school_days(self, grade: int, whole_year: bool = False) -> list[dt.date]:
        """The grade's school days up to ``until`` (or of the whole year)."""
        periods = [p for p in self.s.periods if p.covers_grade(grade)]
        if not periods:
            return []
        first = min(p.starts_on for p in periods)
        last = max(p.ends_on for p in periods)
        if not whole_year:
            last = min(last, self.until)
        days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
        return [
            d
            for d in days
            if d.isoweekday() <= 5 and not any(h.covers(d, grade) for h in self.s.holidays)
        ]

    def _teacher_illness(self) -> set[tuple[int, dt.date]]:
        days = self.school_days(5, whole_year=True)
        ill: set[tuple[int, dt.date]] = set()
        if not days:
            return ill
        for teacher in self.teachers:
            for _ in range(self._poisson(TEACHER_ILLNESS_EPISODES)):
                start = self.rng.randrange(len(days))
                for day in days[start : start + self.rng.randint(2, 5)]:
                    ill.add((teacher, day))
        return ill

    def _poisson(self, mean: float) -> int:
        # Knuth's method; means here are small
        limit, count, product = pow(2.718281828459045, -mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count

    # --- the year -------------------------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        for cls in self.classes:
            yield from self._class_year(cls)
            self.stats.classes_done += 1

    def _class_year(self, cls: SchoolClass) -> Iterator[Batch]:
        groups = self.groups_of_class.get(cls.id or 0, [])
        days = self.school_days(cls.grade)
        whole = next((g for g in groups if g.kind is GroupKind.WHOLE_CLASS), None)
        if whole is None or not days:
            return
        students = self._students(whole, self.school_days(cls.grade, whole_year=True))
        marks_given = cls.grade != NO_MARKS_GRADE
        periods = sorted(
            (
                p
                for p in self.s.periods
                if p.covers_grade(cls.grade) and p.kind is not PeriodKind.YEAR
            ),
            key=lambda p: p.starts_on,
        )
        period_of = {
            d: next((p for p in periods if p.starts_on <= d <= p.ends_on), None) for d in days
        }
        bells = self.bells.get(cls.bell_schedule_id or 0) or next(iter(self.bells.values()), {})
        lessons: list[Row] = []
        absences: list[Row] = []
        marks: list[Row] = []
        homework: list[Row] = []
        # (period, group, subject, student) → [Σ mark × weight, Σ weight, passes, counted]
        sums: dict[tuple[int, int, int, int], list[Any]] = {}
        teacher_of: dict[tuple[int, int], int] = {}
        for group in groups:
            entries = self.entries.get(group.id or 0, [])
            by_weekday: dict[int, list[_Entry]] = defaultdict(list)
            for e in entries:
                by_weekday[e.weekday].append(e)
                teacher_of[group.id or 0, e.subject_id] = e.teacher_id
            members = self.members.get(group.id or 0, [])
            sequence: dict[int, list[Row]] = defaultdict(list)  # subject → its lessons in order
            next_topic: dict[int, int] = defaultdict(int)
            for day in days:
                present = [m.student for m in members if m.active_on(day)]
                for e in sorted(
                    by_weekday.get(day.isoweekday(), []), key=lambda e: e.lesson_number
                ):
                    if not e.valid_from <= day <= e.valid_to:
                        continue
                    lesson = self._lesson(e, day, bells, next_topic)
                    lessons.append(lesson)
                    sequence[e.subject_id].append(lesson)
                    self.stats.student_lessons += len(present)
                    away = self._absences(lesson, present, students, absences)
                    if marks_given:
                        self._marks(lesson, present, away, students, marks, sums, period_of[day])
            if marks_given:
                for subject_lessons in sequence.values():
                    self._homework(subject_lessons, homework)
        lessons = [{k: v for k, v in x.items() if not k.startswith("_")} for x in lessons]
        for kind, rows in (
            (Lesson, lessons),
            (Absence, absences),
            (Mark, marks),
            (Homework, homework),
        ):
            if rows:
                yield Batch(kind, rows)
        if marks_given:
            yield from self._finals(cls, groups, periods, sums, teacher_of)

    def _students(self, whole: StudyGroup, days: list[dt.date]) -> dict[int, _Student]:
        students: dict[int, _Student] = {}
        for m in self.members.get(whole.id or 0, []):
            if m.student in students:
                continue
            ability = min(4.9, max(2.5, self.rng.gauss(3.95, 0.55)))
            student = _Student(ability)
            frailty = self.rng.choice((0.3, 0.6, 1.0, 1.0, 1.3, 2.5))
            for _ in range(self._poisson(ILLNESS_EPISODES * frailty)):
                start = self.rng.randrange(len(days))
                student.ill.update(days[start : start + self.rng.randint(2, 7)])
            students[m.student] = student
        return students

    def _moment(self, day: dt.date, at: dt.time, minutes: int = 0) -> dt.datetime:
        local = dt.datetime.combine(day, at, self.zone) + dt.timedelta(minutes=minutes)
        return local.astimezone(UTC)

    def _lesson(
        self,
        e: _Entry,
        day: dt.date,
        bells: dict[int, tuple[dt.time, dt.time]],
        next_topic: dict[int, int],
    ) -> Row:
        start, end = bells.get(e.lesson_number, (dt.time(8, 30), dt.time(9, 15)))
        work = self.works.get((e.group_id, day, e.lesson_number))
        topic, topic_id = None, None
        if work is not None:
            topic = work.topic
        else:
            plan = self.topics.get((e.group_id, e.subject_id), [])
            position = next_topic[e.subject_id]
            if position < len(plan):
                topic, topic_id = plan[position].title, plan[position].id
                next_topic[e.subject_id] += 1
            else:  # the plan is through: the last lessons of the year go to revision
                topic = REVISION
        substitute = None
        if (e.teacher_id, day) in self.teacher_ill:
            substitute = self._substitute(e, day)
        lesson_id = self.next_lesson_id
        self.next_lesson_id += 1
        return {
            "id": lesson_id,
            "school_id": self.s.school_id,
            "year_id": self.s.year_id,
            "group_id": e.group_id,
            "on_date": day,
            "lesson_number": e.lesson_number,
            "subject_id": e.subject_id,
            "teacher_id": e.teacher_id,
            "substitute_id": substitute,
            "room_id": e.room_id,
            "kind": e.kind or ActivityKind.MAIN,
            "entry_id": e.id or None,
            "topic": topic,
            "topic_id": topic_id,
            "attendance_taken_at": self._moment(day, start, 5),
            "moved_from_date": None,
            "moved_from_number": None,
            "cancelled": False,
            "version": 1,
            # not columns: what the marks and homework of the lesson need
            "_end": self._moment(day, end),
            "_work": work,
        }

    def _substitute(self, e: _Entry, day: dt.date) -> int | None:
        slot = (e.weekday, e.lesson_number)

        def free(t: int) -> bool:
            return (
                t != e.teacher_id
                and t not in self.busy[slot]
                and (t, day) not in self.teacher_ill
                and (day, e.lesson_number, t) not in self.substituting
            )

        same = [t for t in sorted(self.teachers_of_subject[e.subject_id]) if free(t)]
        candidates = same or [t for t in self.teachers if free(t)]
        if not candidates:
            return None
        chosen = self.rng.choice(candidates)
        self.substituting.add((day, e.lesson_number, chosen))
        self.stats.substitutions += 1
        return chosen

    def _absences(
        self, lesson: Row, present: list[int], students: dict[int, _Student], out: list[Row]
    ) -> set[int]:
        """Absences of the lesson; returns the students who missed it (late ones did not)."""
        away: set[int] = set()
        day = lesson["on_date"]
        for sid in present:
            student = students.get(sid)
            kind = None
            if student is not None and day in student.ill:
                kind = AbsenceKind.ILL
            else:
                roll = self.rng.random()
                for candidate, share in SINGLE_ABSENCES:
                    if roll < share:
                        kind = candidate
                        break
                    roll -= share
            if kind is None:
                continue
            out.append(
                {
                    "school_id": self.s.school_id,
                    "lesson_id": lesson["id"],
                    "student_id": sid,
                    "kind": kind,
                }
            )
            if kind is not AbsenceKind.LATE:
                away.add(sid)
        return away

    def _value(self, subject_id: int, student: _Student, harder: float) -> str:
        scale = self.scale[subject_id]
        liking = student.liking.get(subject_id)
        if liking is None:
            liking = student.liking[subject_id] = self.rng.gauss(0, 0.3)
        level = student.ability + liking - harder + self.rng.gauss(0, 0.75)
        if scale.numbers[0] is None:  # pass / fail
            return scale.values[-1] if level >= 2.6 else scale.values[0]
        return str(min(5, max(2, round(level))))

    def _marks(
        self,
        lesson: Row,
        present: list[int],
        away: set[int],
        students: dict[int, _Student],
        out: list[Row],
        sums: dict[tuple[int, int, int, int], list[Any]],
        period: StudyPeriod | None,
    ) -> None:
        subject = lesson["subject_id"]
        name = self.subject_name.get(subject, "")
        end: dt.datetime = lesson["_end"]
        given_by = lesson["substitute_id"] or lesson["teacher_id"]
        if lesson["_work"] is not None:
            kinds, share, harder, posted = [self.control_type], 1.0, 0.3, end + dt.timedelta(days=2)
        elif self.rng.random() < WRITTEN_WORK_SHARE:
            if name == "Русский язык":
                kinds = [self.dictation]
            elif name in ("Физика", "Химия", "Информатика", "Труд (технология)"):
                kinds = [self.practical]
            else:
                kinds = list(self.written_types)
            kinds = [self.rng.choice(kinds)]
            share, harder, posted = 1.0, 0.2, end + dt.timedelta(hours=5)
        else:
            kinds, share, harder, posted = list(self.answer_types), ANSWER_SHARE, 0.0, end
        for sid in present:
            if sid in away or (share < 1.0 and self.rng.random() >= share):
                continue
            student = students.get(sid)
            if student is None:
                continue
            work_type = kinds[0] if len(kinds) == 1 else self.rng.choice(kinds)
            value = self._value(subject, student, harder)
            roll = self.rng.random()
            late = roll < LATE_SHARE
            deleted = LATE_SHARE <= roll < LATE_SHARE + DELETED_SHARE
            out.append(
                {
                    "school_id": self.s.school_id,
                    "lesson_id": lesson["id"],
                    "student_id": sid,
                    "work_type_id": work_type.id,
                    "value": value,
                    "posted_by": given_by,
                    "posted_at": posted + dt.timedelta(days=3) if late else posted,
                    "note": None,
                    "late": late,
                    "deleted_at": posted + dt.timedelta(hours=1) if deleted else None,
                    "reason": DELETED_REASON if deleted else None,
                    "version": 2 if deleted else 1,
                }
            )
            if deleted:
                continue  # a deleted mark counts for nothing
            if period is not None and period.id is not None:
                key = (period.id, lesson["group_id"], subject, sid)
                acc = sums.get(key)
                if acc is None:
                    acc = sums[key] = [Decimal(0), Decimal(0), 0, 0]
                number = self.scale[subject].number(value)
                if number is not None:
                    weight = self.weight[work_type.id]
                    acc[0] += number * weight
                    acc[1] += weight
                acc[2] += self.scale[subject].passes(value)
                acc[3] += 1

    def _homework(self, lessons: list[Row], out: list[Row]) -> None:
        for lesson, due in itertools.pairwise(lessons):
            if self.rng.random() >= HOMEWORK_SHARE:
                continue
            n = self.rng.randint(1, 300)
            text = self.rng.choice(HOMEWORK_TEXTS).format(n=n, m=n + 1, k=n + 3)
            out.append(
                {
                    "school_id": self.s.school_id,
                    "lesson_id": lesson["id"],
                    "due_lesson_id": due["id"],
                    "due_on": due["on_date"],
                    "text": text,
                    "attachments": [],
                    "set_by": lesson["substitute_id"] or lesson["teacher_id"],
                    "set_at": lesson["_end"],
                }
            )

    # --- finals ---------------------------------------------------------------------------------

    def _finals(
        self,
        cls: SchoolClass,
        groups: list[StudyGroup],
        periods: list[StudyPeriod],
        sums: dict[tuple[int, int, int, int], list[Any]],
        teacher_of: dict[tuple[int, int], int],
    ) -> Iterator[Batch]:
        """Finals of the periods ended by ``until``: what the final sheet suggests; the year's
        from the period finals. Each (period, group, subject) then closed."""
        year = next(
            (p for p in self.s.periods if p.kind is PeriodKind.YEAR and p.covers_grade(cls.grade)),
            None,
        )
        finals: list[Row] = []
        locks: list[Row] = []
        per_student: dict[tuple[int, int, int], list[str]] = defaultdict(list)
        ended = [p for p in periods if p.ends_on <= self.until]
        for group in groups:
            gid = group.id or 0
            subjects = sorted({s for (g, s) in teacher_of if g == gid})
            members = self.members.get(gid, [])
            for period in ended:
                pid = period.id or 0
                students = sorted(
                    {
                        m.student
                        for m in members
                        if m.starts_on <= period.ends_on
                        and (m.ends_on is None or m.ends_on >= period.ends_on)
                    }
                )
                for subject in subjects:
                    teacher = teacher_of[gid, subject]
                    at = self._moment(period.ends_on, dt.time(15, 0))
                    for sid in students:
                        value = self._final(sums.get((pid, gid, subject, sid)), subject)
                        per_student[gid, subject, sid].append(value)
                        finals.append(self._final_row(pid, gid, subject, sid, value, teacher, at))
                    locks.append(self._lock(pid, gid, subject, teacher, at))
            if year is not None and year.ends_on <= self.until and year.id is not None:
                at = self._moment(year.ends_on, dt.time(16, 0))
                for subject in subjects:
                    teacher = teacher_of[gid, subject]
                    for (g, s, sid), values in sorted(per_student.items()):
                        if g == gid and s == subject:
                            value = self._year_final(values, subject)
                            finals.append(
                                self._final_row(year.id, gid, subject, sid, value, teacher, at)
                            )
                    locks.append(self._lock(year.id, gid, subject, teacher, at))
        if finals:
            yield Batch(FinalMark, finals)
        if locks:
            yield Batch(PeriodLock, locks)

    def _final(self, acc: list[Any] | None, subject: int) -> str:
        scale = self.scale[subject]
        if acc is None or acc[3] == 0:
            return grading.NOT_ASSESSED
        if scale.numbers[0] is None:
            return scale.values[-1] if acc[2] * 2 >= acc[3] else scale.values[0]
        if acc[1] == 0:
            return grading.NOT_ASSESSED
        average = (acc[0] / acc[1]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return grading.suggest_final(average) or grading.NOT_ASSESSED

    def _year_final(self, values: list[str], subject: int) -> str:
        scale = self.scale[subject]
        if scale.numbers[0] is None:
            known = [v for v in values if v in scale.values]
            if not known:
                return grading.NOT_ASSESSED
            return (
                scale.values[-1]
                if known.count(scale.values[-1]) * 2 >= len(known)
                else scale.values[0]
            )
        numbers = [n for v in values if (n := scale.number(v)) is not None]
        if not numbers:
            return grading.NOT_ASSESSED
        average = (Decimal(sum(numbers)) / len(numbers)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        return grading.suggest_final(average) or grading.NOT_ASSESSED

    def _final_row(
        self,
        period: int,
        group: int,
        subject: int,
        student: int,
        value: str,
        by: int,
        at: dt.datetime,
    ) -> Row:
        return {
            "school_id": self.s.school_id,
            "period_id": period,
            "group_id": group,
            "subject_id": subject,
            "student_id": student,
            "value": value,
            "set_by": by,
            "set_at": at,
            "version": 1,
        }

    def _lock(self, period: int, group: int, subject: int, by: int, at: dt.datetime) -> Row:
        return {
            "school_id": self.s.school_id,
            "period_id": period,
            "group_id": group,
            "subject_id": subject,
            "closed_at": at,
            "closed_by": by,
            "reopened_at": None,
            "reopened_by": None,
            "reason": None,
        }
