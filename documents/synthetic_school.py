"""A synthetic school of any size, as school-year workbook rows: for benchmarks and for trying the
reports, never for a real school.

``synthetic_rows(students=1000, seed=7, year_start=2026)`` gives classes of about 25 students over
grades 1–11, each student with a family, a curriculum per grade close to the federal one (a
five-day week), English split into two subgroups from grade 2 on, enough teachers of each
speciality (a primary teacher per primary class, subject teachers up to ``MAX_LOAD`` hours a
week), a weekly timetable without a teacher, room or class in two places at once, the calendar of
documents.demo_school moved to the wanted year, thematic plans (КТП) and the control works of
internal monitoring (ВШК) of the whole year. The rows go through the ordinary school-year import,
so the school is checked like any workbook.

The same seed gives the same school. Pure Python: a ``random.Random(seed)`` and nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.model.groups import GroupKind
from core.model.people import StaffRole
from core.model.school import CurriculumComponent, PeriodKind
from core.model.timetable import ActivityKind, ControlForm
from core.services.school_year_rows import (
    BellRow,
    ClassRow,
    ControlWorkRow,
    GroupRow,
    GuardianRow,
    HolidayRow,
    LoadRow,
    PeriodRow,
    RoomRow,
    RowRef,
    SchoolYearRows,
    StaffRow,
    StudentRow,
    SubjectRow,
    TimetableRow,
    TopicRow,
)
from documents.school_year_demo_data import (
    BELL_TIMES,
    FIRST_GRADE_BELLS,
    HOLIDAYS,
    LESSON_MINUTES,
    MAIN_BELLS,
    PERIODS,
)
from documents.school_year_demo_data import YEAR_START as DEMO_YEAR_START
from documents.school_year_demo_people import (
    FATHERS,
    MOTHERS,
    SURNAMES,
    Child,
    PeopleMaker,
    Person,
    feminine,
)
from documents.school_year_sheets import SHEETS

__all__ = ["CLASS_SIZE", "MAX_LOAD", "school_year_of", "synthetic_rows"]

CLASS_SIZE = 25
MAX_LOAD = 22  # lessons a week a subject teacher gets at most (a rate and a bit)
ENGLISH = "Английский язык"
LETTERS = "АБВГДЕЖИКЛМНОПРСТУФХЦЧШЭЮЯ"
_ANY_REF = RowRef("", 0)
# grades for a school of fewer than eleven classes, most telling first (5: subgroups, many
# subjects; 2: primary with marks; 9 and 10: a senior curriculum, half-years)
SMALL_SCHOOL_GRADES = (5, 2, 9, 10, 7, 3, 6, 11, 4, 8, 1)
# how many classes a grade has relative to the others: fewer senior classes, as after 9th grade
GRADE_WEIGHTS = {1: 1.1, 2: 1.1, 3: 1.1, 4: 1.1, 5: 1.0, 6: 1.0, 7: 1.0, 8: 1.0, 9: 1.0}
GRADE_WEIGHTS |= {10: 0.6, 11: 0.6}

FBUP, OO = CurriculumComponent.FEDERAL, CurriculumComponent.SCHOOL
SUBJECTS: tuple[tuple[str, str, CurriculumComponent, str], ...] = (
    ("Русский язык", "Рус. яз.", FBUP, "five_point"),
    ("Литературное чтение", "Лит. чт.", FBUP, "five_point"),
    ("Литература", "Лит.", FBUP, "five_point"),
    ("Математика", "Матем.", FBUP, "five_point"),
    ("Алгебра", "Алг.", FBUP, "five_point"),
    ("Геометрия", "Геом.", FBUP, "five_point"),
    ("Вероятность и статистика", "ВиС", FBUP, "five_point"),
    ("Информатика", "Информ.", FBUP, "five_point"),
    (ENGLISH, "Англ. яз.", FBUP, "five_point"),
    ("История", "Ист.", FBUP, "five_point"),
    ("Обществознание", "Общ.", FBUP, "five_point"),
    ("География", "Геогр.", FBUP, "five_point"),
    ("Биология", "Биол.", FBUP, "five_point"),
    ("Физика", "Физ.", FBUP, "five_point"),
    ("Химия", "Хим.", FBUP, "five_point"),
    ("Окружающий мир", "Окр. мир", FBUP, "five_point"),
    ("ОРКСЭ", "ОРКСЭ", FBUP, "pass_fail"),
    ("Изобразительное искусство", "ИЗО", FBUP, "five_point"),
    ("Музыка", "Муз.", FBUP, "five_point"),
    ("Труд (технология)", "Труд", FBUP, "five_point"),
    ("Физическая культура", "Физ-ра", FBUP, "five_point"),
    ("ОБЗР", "ОБЗР", FBUP, "five_point"),
    ("Индивидуальный проект", "Инд. пр.", OO, "pass_fail"),
)

_PRIMARY = (
    ("Русский язык", 5),
    ("Литературное чтение", 4),
    (ENGLISH, 2),
    ("Математика", 4),
    ("Окружающий мир", 2),
    ("Изобразительное искусство", 1),
    ("Музыка", 1),
    ("Труд (технология)", 1),
    ("Физическая культура", 2),
)
_SENIOR = (
    ("Русский язык", 2),
    ("Литература", 3),
    (ENGLISH, 3),
    ("Алгебра", 3),
    ("Геометрия", 2),
    ("Вероятность и статистика", 1),
    ("Информатика", 1),
    ("История", 2),
    ("Обществознание", 2),
    ("География", 1),
    ("Биология", 1),
    ("Физика", 2),
    ("Химия", 1),
    ("ОБЗР", 1),
    ("Физическая культура", 2),
)
# subject and hours a week per grade (after the federal curriculum, five-day week)
CURRICULUM: dict[int, tuple[tuple[str, int], ...]] = {
    1: tuple(x for x in _PRIMARY if x[0] != ENGLISH),
    2: _PRIMARY,
    3: _PRIMARY,
    4: (
        *((s, 3 if s == "Литературное чтение" else h) for s, h in _PRIMARY),
        ("ОРКСЭ", 1),
    ),
    5: (
        ("Русский язык", 5),
        ("Литература", 3),
        (ENGLISH, 3),
        ("Математика", 5),
        ("История", 2),
        ("География", 1),
        ("Биология", 1),
        ("Изобразительное искусство", 1),
        ("Музыка", 1),
        ("Труд (технология)", 2),
        ("Физическая культура", 2),
    ),
    6: (
        ("Русский язык", 6),
        ("Литература", 3),
        (ENGLISH, 3),
        ("Математика", 5),
        ("История", 2),
        ("Обществознание", 1),
        ("География", 1),
        ("Биология", 1),
        ("Изобразительное искусство", 1),
        ("Музыка", 1),
        ("Труд (технология)", 2),
        ("Физическая культура", 2),
    ),
    7: (
        ("Русский язык", 4),
        ("Литература", 2),
        (ENGLISH, 3),
        ("Алгебра", 3),
        ("Геометрия", 2),
        ("Вероятность и статистика", 1),
        ("Информатика", 1),
        ("История", 2),
        ("Обществознание", 1),
        ("География", 2),
        ("Биология", 1),
        ("Физика", 2),
        ("Изобразительное искусство", 1),
        ("Музыка", 1),
        ("Труд (технология)", 2),
        ("Физическая культура", 2),
    ),
    8: (
        ("Русский язык", 3),
        ("Литература", 2),
        (ENGLISH, 3),
        ("Алгебра", 3),
        ("Геометрия", 2),
        ("Вероятность и статистика", 1),
        ("Информатика", 1),
        ("История", 2),
        ("Обществознание", 1),
        ("География", 2),
        ("Биология", 2),
        ("Физика", 2),
        ("Химия", 2),
        ("Музыка", 1),
        ("Труд (технология)", 1),
        ("ОБЗР", 1),
        ("Физическая культура", 2),
    ),
    9: (
        ("Русский язык", 3),
        ("Литература", 3),
        (ENGLISH, 3),
        ("Алгебра", 3),
        ("Геометрия", 2),
        ("Вероятность и статистика", 1),
        ("Информатика", 1),
        ("История", 2),
        ("Обществознание", 1),
        ("География", 2),
        ("Биология", 2),
        ("Физика", 3),
        ("Химия", 2),
        ("Труд (технология)", 1),
        ("ОБЗР", 1),
        ("Физическая культура", 2),
    ),
    10: (*_SENIOR, ("Индивидуальный проект", 1)),
    11: _SENIOR,
}


@dataclass(frozen=True)
class Speciality:
    key: str
    position: str
    subjects: frozenset[str]


_SPECIALITIES = (
    Speciality(
        "primary",
        "учитель начальных классов",
        frozenset(
            {
                "Русский язык",
                "Литературное чтение",
                "Математика",
                "Окружающий мир",
                "Изобразительное искусство",
                "Труд (технология)",
                "ОРКСЭ",
            }
        ),
    ),
    Speciality(
        "russian", "учитель русского языка и литературы", frozenset({"Русский язык", "Литература"})
    ),
    Speciality(
        "maths",
        "учитель математики",
        frozenset({"Математика", "Алгебра", "Геометрия", "Вероятность и статистика"}),
    ),
    Speciality("english", "учитель английского языка", frozenset({ENGLISH})),
    Speciality(
        "history", "учитель истории и обществознания", frozenset({"История", "Обществознание"})
    ),
    Speciality("geography", "учитель географии", frozenset({"География"})),
    Speciality("biology", "учитель биологии и химии", frozenset({"Биология", "Химия"})),
    Speciality("physics", "учитель физики", frozenset({"Физика"})),
    Speciality(
        "informatics", "учитель информатики", frozenset({"Информатика", "Индивидуальный проект"})
    ),
    Speciality(
        "arts",
        "учитель музыки, ИЗО и труда",
        frozenset({"Музыка", "Изобразительное искусство", "Труд (технология)"}),
    ),
    Speciality("pe", "учитель физической культуры", frozenset({"Физическая культура"})),
    Speciality("obzr", "преподаватель-организатор ОБЗР", frozenset({"ОБЗР"})),
)
_BY_KEY = {s.key: s for s in _SPECIALITIES}

# КТП: a few section titles per subject; a plan repeats them with the lesson's place in the section
TOPIC_TITLES: dict[str, tuple[str, ...]] = {
    "Русский язык": ("Орфография", "Морфология", "Синтаксис", "Пунктуация", "Развитие речи"),
    "Литературное чтение": ("Сказки", "Стихи о природе", "Рассказы о детях", "Басни"),
    "Литература": ("Фольклор", "Древнерусская литература", "Поэзия", "Проза", "Драма"),
    "Математика": (
        "Натуральные числа",
        "Дроби",
        "Уравнения",
        "Задачи на движение",
        "Геометрические фигуры",
    ),
    "Алгебра": ("Выражения", "Уравнения", "Неравенства", "Функции", "Прогрессии"),
    "Геометрия": (
        "Треугольники",
        "Параллельные прямые",
        "Четырёхугольники",
        "Окружность",
        "Векторы",
    ),
    "Вероятность и статистика": ("Описательная статистика", "Случайные события", "Графы"),
    "Информатика": ("Информация", "Алгоритмы", "Программирование", "Компьютерные сети"),
    ENGLISH: ("Моя семья", "Школа", "Путешествия", "Грамматика", "Чтение"),
    "История": ("Древний мир", "Средние века", "История России", "Новое время"),
    "Обществознание": ("Человек и общество", "Экономика", "Право", "Политика"),
    "География": ("Земля как планета", "Атмосфера", "Гидросфера", "Материки", "Россия"),
    "Биология": ("Клетка", "Растения", "Животные", "Человек", "Экосистемы"),
    "Физика": ("Механика", "Тепловые явления", "Электричество", "Оптика"),
    "Химия": ("Вещества", "Реакции", "Растворы", "Органическая химия"),
    "Окружающий мир": ("Природа", "Человек и общество", "Родной край", "Безопасность"),
    "ОРКСЭ": ("Культура и мораль", "Традиции народов России"),
    "Изобразительное искусство": ("Рисунок", "Живопись", "Декоративное искусство"),
    "Музыка": ("Музыка народов мира", "Классическая музыка", "Хоровое пение"),
    "Труд (технология)": ("Материалы", "Проектирование", "Моделирование"),
    "Физическая культура": (
        "Лёгкая атлетика",
        "Гимнастика",
        "Спортивные игры",
        "Лыжная подготовка",
    ),
    "ОБЗР": ("Безопасность в быту", "Первая помощь", "Чрезвычайные ситуации"),
    "Индивидуальный проект": ("Выбор темы", "Работа над проектом", "Защита проекта"),
}

# control works of internal monitoring: subject → form, with the subject's main work first
CONTROL_FORMS: dict[str, ControlForm] = {
    "Русский язык": ControlForm.DICTATION,
    "Математика": ControlForm.TEST,
    "Алгебра": ControlForm.TEST,
    "Геометрия": ControlForm.TEST,
    ENGLISH: ControlForm.QUIZ,
    "Литература": ControlForm.ESSAY,
    "Физика": ControlForm.PRACTICAL,
    "Химия": ControlForm.PRACTICAL,
    "История": ControlForm.QUIZ,
    "Биология": ControlForm.QUIZ,
    "География": ControlForm.QUIZ,
    "Окружающий мир": ControlForm.COMPREHENSIVE,
}


def school_year_of(today: dt.date) -> int:
    """The first calendar year of the school year ``today`` belongs to (September to August)."""
    return today.year if today.month >= 9 else today.year - 1


def year_name(year_start: int) -> str:
    return f"{year_start}/{year_start + 1}"


def _moved(day: dt.date, year_start: int) -> dt.date:
    """A date of the demo calendar (2026/2027) in the same place of another school year."""
    return day.replace(year=day.year - DEMO_YEAR_START + year_start)


# --- the plan of the school: classes, teachers, who teaches what ------------------------------


@dataclass
class _Teacher:
    person: Person
    speciality: Speciality
    room: str
    load: int = 0

    @property
    def name(self) -> str:
        return self.person.full


@dataclass
class _Class:
    name: str
    grade: int
    size: int
    days: tuple[int, ...]  # lessons on Monday..Friday
    # subject → ((group name, teacher), ...): one pair, or two for a split subject
    teaching: dict[str, tuple[tuple[str, _Teacher], ...]] = field(default_factory=dict)
    hours: dict[str, int] = field(default_factory=dict)
    class_teacher: _Teacher | None = None
    subgroups: tuple[str, str] | None = None


class _Names:
    """Staff names, never the same full name twice."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken

    def adult(self, woman: bool) -> Person:
        while True:
            surname = self.rng.choice(SURNAMES)
            patronymic = self.rng.choice(list(FATHERS.values()))
            if woman:
                person = Person(feminine(surname), self.rng.choice(MOTHERS), patronymic[1])
            else:
                person = Person(surname, self.rng.choice(list(FATHERS)), patronymic[0])
            if person.full not in self.taken:
                self.taken.add(person.full)
                return person


def _class_grades(count: int) -> list[int]:
    """The grade of each class: spread over 1–11 by ``GRADE_WEIGHTS`` (largest remainders)."""
    if count < len(SMALL_SCHOOL_GRADES):
        return sorted(SMALL_SCHOOL_GRADES[:count])
    total = sum(GRADE_WEIGHTS.values())
    exact = {g: count * w / total for g, w in GRADE_WEIGHTS.items()}
    per_grade = {g: int(x) for g, x in exact.items()}
    for g in sorted(exact, key=lambda g: (per_grade[g] - exact[g], g))[
        : count - sum(per_grade.values())
    ]:
        per_grade[g] += 1
    return [g for g in sorted(per_grade) for _ in range(per_grade[g])]


def _class_sizes(students: int, count: int, rng: random.Random) -> list[int]:
    base, extra = divmod(students, count)
    sizes = [base + (1 if i < extra else 0) for i in range(count)]
    for _ in range(count):  # a little unevenness, the total kept
        a, b = rng.randrange(count), rng.randrange(count)
        move = rng.randint(0, 2)
        if a != b and sizes[a] - move >= 1:
            sizes[a] -= move
            sizes[b] += move
    return sizes


def _days(hours: int, grade: int, rng: random.Random) -> tuple[int, ...]:
    base, extra = divmod(hours, 5)
    longer = set(rng.sample(range(5), extra))
    days = tuple(base + (1 if d in longer else 0) for d in range(5))
    limit = len(BELL_TIMES[FIRST_GRADE_BELLS if grade == 1 else MAIN_BELLS])
    assert max(days) <= limit, f"grade {grade}: {hours} hours do not fit the bells"
    return days


class _Staffing:
    def __init__(self, names: _Names, rng: random.Random) -> None:
        self.names = names
        self.rng = rng
        self.teachers: list[_Teacher] = []
        self.pool: dict[str, list[_Teacher]] = defaultdict(list)
        self.room_number: dict[int, int] = defaultdict(int)

    def hire(self, speciality: Speciality) -> _Teacher:
        woman = self.rng.random() < (0.55 if speciality.key in ("pe", "obzr") else 0.85)
        floor = 1 if speciality.key in ("primary", "arts") else 2 + len(self.teachers) % 3
        self.room_number[floor] += 1
        room = f"{floor}{self.room_number[floor]:02d}"
        if speciality.key == "pe":
            room = f"Спортзал {len(self.pool['pe']) + 1}"
        teacher = _Teacher(self.names.adult(woman), speciality, room)
        self.teachers.append(teacher)
        self.pool[speciality.key].append(teacher)
        return teacher

    def take(self, speciality: Speciality, hours: int, avoid: _Teacher | None = None) -> _Teacher:
        """The busiest teacher of the speciality who still has ``hours`` free, else a new one:
        neighbouring classes (5А, 5Б, 5В) share their teachers, as in a real school."""
        fitting = [
            t for t in self.pool[speciality.key] if t.load + hours <= MAX_LOAD and t is not avoid
        ]
        teacher = max(fitting, key=lambda t: t.load) if fitting else self.hire(speciality)
        teacher.load += hours
        return teacher


def _speciality(subject: str, grade: int) -> Speciality:
    if grade <= 4 and subject in _BY_KEY["primary"].subjects:
        return _BY_KEY["primary"]
    return next(s for s in _SPECIALITIES if s.key != "primary" and subject in s.subjects)


def _staff_class(cls: _Class, staffing: _Staffing) -> None:
    bundles: dict[str, list[str]] = defaultdict(list)
    for subject in cls.hours:
        bundles[_speciality(subject, cls.grade).key].append(subject)
    for key, subjects in bundles.items():
        speciality = _BY_KEY[key]
        if key == "primary":
            teacher = staffing.hire(speciality)  # a primary class has its own teacher
            teacher.load = sum(cls.hours[s] for s in subjects)
            cls.class_teacher = teacher
            for subject in subjects:
                cls.teaching[subject] = ((cls.name, teacher),)
            continue
        for subject in subjects:
            if subject == ENGLISH:
                cls.subgroups = (f"{cls.name} англ. 1", f"{cls.name} англ. 2")
                first = staffing.take(speciality, cls.hours[subject])
                second = staffing.take(speciality, cls.hours[subject], avoid=first)
                cls.teaching[subject] = ((cls.subgroups[0], first), (cls.subgroups[1], second))
        together = [s for s in subjects if s not in cls.teaching]
        if together:
            teacher = staffing.take(speciality, sum(cls.hours[s] for s in together))
            for subject in together:
                cls.teaching[subject] = ((cls.name, teacher),)


def _plan_classes(
    students: int, rng: random.Random, names: _Names
) -> tuple[list[_Class], _Staffing]:
    count = max(1, round(students / CLASS_SIZE))
    grades = _class_grades(count)
    sizes = _class_sizes(students, count, rng)
    letters: dict[int, int] = defaultdict(int)
    staffing = _Staffing(names, rng)
    classes = []
    for grade, size in zip(grades, sizes, strict=True):
        name = f"{grade}{LETTERS[letters[grade]]}"
        letters[grade] += 1
        hours = dict(CURRICULUM[grade])
        classes.append(
            _Class(name, grade, size, _days(sum(hours.values()), grade, rng), hours=hours)
        )
    # Teachers are given classes round the grades (1А, 2А, ..., 11А, 1Б, ...): a teacher of
    # first grades only would need more lessons than the first grades' short days have.
    by_letter = sorted(
        classes, key=lambda c: (c.name[-1] != "А", LETTERS.index(c.name[-1]), c.grade)
    )
    for cls in by_letter:
        _staff_class(cls, staffing)
    # class teachers of grades 5–11: the teacher with the most hours in the class, once each
    leading: set[int] = set()
    for cls in classes:
        if cls.class_teacher is not None:
            continue
        by_hours: dict[int, tuple[int, _Teacher]] = {}
        for subject, pairs in cls.teaching.items():
            for _g, teacher in pairs:
                hours_so_far = by_hours.get(id(teacher), (0, teacher))[0]
                by_hours[id(teacher)] = (hours_so_far + cls.hours[subject], teacher)
        for _h, teacher in sorted(by_hours.values(), key=lambda x: -x[0]):
            if id(teacher) not in leading:
                leading.add(id(teacher))
                cls.class_teacher = teacher
                break
    return classes, staffing


# --- the weekly timetable ---------------------------------------------------------------------

Slot = tuple[int, int]  # (weekday 1..5, lesson number)


def _place_class(
    cls: _Class, busy: dict[int, set[Slot]], rng: random.Random
) -> dict[Slot, str] | None:
    """Every lesson of the class in its slots (the first lessons of each day, no gaps), each
    subject at most once a day (twice for six hours and more), its teachers free: a max flow
    subject → (subject, day) → slot. None when the teachers' other classes leave no way."""
    subjects = list(cls.hours)
    rng.shuffle(subjects)
    slots = [(d + 1, n) for d in range(5) for n in range(1, cls.days[d] + 1)]
    source, sink = ("s",), ("t",)
    cap: dict[Any, dict[Any, int]] = defaultdict(dict)

    def edge(a: Any, b: Any, c: int) -> None:
        cap[a][b] = c
        cap[b].setdefault(a, 0)

    for subject in subjects:
        hours = cls.hours[subject]
        edge(source, ("subj", subject), hours)
        teachers = [id(t) for _g, t in cls.teaching[subject]]
        days = list(range(1, 6))
        rng.shuffle(days)
        for day in days:
            if cls.days[day - 1] == 0:
                continue
            edge(("subj", subject), ("day", subject, day), 1 if hours <= 5 else 2)
            numbers = list(range(1, cls.days[day - 1] + 1))
            rng.shuffle(numbers)
            for number in numbers:
                if all((day, number) not in busy[t] for t in teachers):
                    edge(("day", subject, day), ("slot", day, number), 1)
    for slot in slots:
        edge(("slot", *slot), sink, 1)
    flow = 0
    while True:
        parent: dict[Any, Any] = {source: None}
        queue = [source]
        for node in queue:
            if sink in parent:
                break
            for nxt, c in cap[node].items():
                if c > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            break
        node = sink
        while parent[node] is not None:
            prev = parent[node]
            cap[prev][node] -= 1
            cap[node][prev] += 1
            node = prev
        flow += 1
    if flow < len(slots):
        return None
    placed: dict[Slot, str] = {}
    for subject in subjects:
        for day in range(1, 6):
            for nxt, c in cap.get(("day", subject, day), {}).items():
                # a used edge day → slot has its capacity moved to the reverse edge
                if nxt[0] == "slot" and c == 0 and cap[nxt].get(("day", subject, day), 0) > 0:
                    placed[(nxt[1], nxt[2])] = subject
    return placed


def _timetable(classes: list[_Class], rng: random.Random) -> dict[str, dict[Slot, str]]:
    """The week of every class, classes with the most lessons first. A class that finds no way
    takes the place of one or two classes sharing its teachers, which are placed again later
    (an ejection chain: a few hundred steps even for 160 classes)."""
    queue = sorted(classes, key=lambda c: (sum(c.days), c.name))  # popped from the end
    busy: dict[int, set[Slot]] = defaultdict(set)
    weeks: dict[str, dict[Slot, str]] = {}
    by_name = {c.name: c for c in classes}

    def occupy(cls: _Class, placed: dict[Slot, str], add: bool) -> None:
        for slot, subject in placed.items():
            for _g, teacher in cls.teaching[subject]:
                if add:
                    busy[id(teacher)].add(slot)
                else:
                    busy[id(teacher)].discard(slot)

    def teachers(cls: _Class) -> set[int]:
        return {id(t) for pairs in cls.teaching.values() for _g, t in pairs}

    for _step in range(50 * len(classes) + 100):
        if not queue:
            return weeks
        cls = queue.pop()
        placed = _place_class(cls, busy, rng)
        if placed is None:
            mine = teachers(cls)
            rivals = sorted(n for n in weeks if teachers(by_name[n]) & mine)
            for name in rng.sample(rivals, min(len(rivals), rng.randint(1, 2))):
                occupy(by_name[name], weeks.pop(name), add=False)
                queue.insert(0, by_name[name])
            queue.append(cls)
            continue
        weeks[cls.name] = placed
        occupy(cls, placed, add=True)
    raise RuntimeError("no timetable found for the synthetic school; lower MAX_LOAD")


# --- calendar -----------------------------------------------------------------------------------


def _periods(year_start: int) -> list[PeriodRow]:
    return [
        PeriodRow(
            ref=_ANY_REF,
            year_name=year_name(year_start),
            kind=kind,
            number=number,
            grade_from=low,
            grade_to=high,
            starts_on=_moved(start, year_start),
            ends_on=_moved(end, year_start),
        )
        for kind, low, high, dates in PERIODS
        for number, (start, end) in enumerate(dates, start=1)
    ]


def _holidays(year_start: int) -> list[HolidayRow]:
    return [
        HolidayRow(
            ref=_ANY_REF,
            kind=kind,
            name=name,
            starts_on=_moved(start, year_start),
            ends_on=_moved(end, year_start),
            grade_from=low,
            grade_to=high,
        )
        for kind, name, start, end, low, high in HOLIDAYS
    ]


def school_days(grade: int, year_start: int, holidays: Iterable[HolidayRow]) -> list[dt.date]:
    """Monday..Friday of the year's periods on which ``grade`` learns, in order."""
    periods = [p for p in _periods(year_start) if p.grade_from <= grade <= p.grade_to]
    first, last = min(p.starts_on for p in periods), max(p.ends_on for p in periods)
    off = {
        h.starts_on + dt.timedelta(days=i)
        for h in holidays
        if h.grade_from <= grade <= h.grade_to
        for i in range((h.ends_on - h.starts_on).days + 1)
    }
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if d.isoweekday() <= 5 and d not in off]


def _bells() -> list[BellRow]:
    rows = []
    for schedule, starts in BELL_TIMES.items():
        for number, start in enumerate(starts, start=1):
            begin = dt.datetime.strptime(start, "%H:%M")
            end = begin + dt.timedelta(minutes=LESSON_MINUTES[schedule])
            rows.append(
                BellRow(
                    ref=_ANY_REF,
                    schedule=schedule,
                    lesson_number=number,
                    starts_at=begin.time(),
                    ends_at=end.time(),
                )
            )
    return rows


# --- the rows -----------------------------------------------------------------------------------


def synthetic_rows(
    students: int, seed: int, year_start: int, until: dt.date | None = None
) -> SchoolYearRows:
    """A school of ``students`` students for the school year starting in September of
    ``year_start``, as workbook rows (see the module's docstring). Students come and leave
    during the year only up to ``until`` (the day the journal is kept to), when it is given."""
    if students < 1:
        raise ValueError("a school needs at least one student")
    rng = random.Random(seed)
    people = PeopleMaker(seed)
    names = _Names(random.Random(seed + 1), people.names)
    classes, staffing = _plan_classes(students, rng, names)
    weeks = _timetable(classes, rng)
    holidays = _holidays(year_start)
    rows = SchoolYearRows(
        periods=_periods(year_start),
        holidays=holidays,
        subjects=[
            SubjectRow(ref=_ANY_REF, name=n, short_name=s, component=c, grading_scale=g)
            for n, s, c, g in SUBJECTS
        ],
        bells=_bells(),
    )
    rows.staff = _staff(staffing, names, people)
    rows.rooms = [
        RoomRow(ref=_ANY_REF, name=t.room, capacity=30 if not t.room.startswith("С") else 60)
        for t in staffing.teachers
    ]
    rows.classes = [
        ClassRow(
            ref=_ANY_REF,
            name=cls.name,
            class_teacher=cls.class_teacher.name if cls.class_teacher else None,
            days_per_week=5,
            shift=1,
            bell_schedule=FIRST_GRADE_BELLS if cls.grade == 1 else MAIN_BELLS,
        )
        for cls in classes
    ]
    roster = {
        cls.name: sorted(
            (people.child(cls.grade, year_start) for _ in range(cls.size)),
            key=lambda c: c.person.full,
        )
        for cls in classes
    }
    rows.students = _students(classes, roster, year_start, until, rng)
    rows.guardians = [
        GuardianRow(
            ref=_ANY_REF,
            last_name=g.person.last,
            first_name=g.person.first,
            middle_name=g.person.middle,
            phone=g.phone,
            email=g.email,
            child=child.person.full,
            child_class=cls,
            relation=g.relation,
        )
        for cls, children in roster.items()
        for child in children
        for g in child.guardians
    ]
    rows.groups = _subgroups(classes, roster)
    rows.loads = [
        LoadRow(
            ref=_ANY_REF,
            teacher=teacher.name,
            subject=subject,
            group=group,
            hours_per_week=float(cls.hours[subject]),
        )
        for cls in classes
        for subject, pairs in cls.teaching.items()
        for group, teacher in pairs
    ]
    rows.timetable = [
        TimetableRow(
            ref=_ANY_REF,
            group=group,
            weekday=day,
            lesson_number=number,
            subject=subject,
            teacher=teacher.name,
            room=teacher.room,
            kind=ActivityKind.MAIN,
            valid_from=None,
            valid_to=None,
        )
        for cls in classes
        for (day, number), subject in sorted(weeks[cls.name].items())
        for group, teacher in cls.teaching[subject]
    ]
    rows.topics = _topics(classes, holidays, year_start)
    rows.control_works = _control_works(classes, weeks, holidays, year_start, rng)
    return _numbered(rows)


def _staff(staffing: _Staffing, names: _Names, people: PeopleMaker) -> list[StaffRow]:
    teachers = staffing.teachers
    deputies = max(1, len(teachers) // 40)
    admin = [
        ("директор", (StaffRole.HEAD,)),
        *(("заместитель директора по УВР", (StaffRole.DEPUTY,)) for _ in range(deputies)),
        ("диспетчер расписания", (StaffRole.DISPATCHER,)),
        ("координатор электронного журнала", (StaffRole.COORDINATOR,)),
    ]
    rows = [
        StaffRow(
            ref=_ANY_REF,
            last_name=p.last,
            first_name=p.first,
            middle_name=p.middle,
            position=position,
            roles=roles,
            phone=people.phone(),
        )
        for position, roles in admin
        for p in [names.adult(names.rng.random() < 0.7)]
    ]
    rows += [
        StaffRow(
            ref=_ANY_REF,
            last_name=t.person.last,
            first_name=t.person.first,
            middle_name=t.person.middle,
            position=t.speciality.position,
            roles=(StaffRole.TEACHER,),
            phone=people.phone(),
        )
        for t in teachers
    ]
    return rows


def _students(
    classes: Sequence[_Class],
    roster: dict[str, list[Child]],
    year_start: int,
    until: dt.date | None,
    rng: random.Random,
) -> list[StudentRow]:
    """About one student in a hundred comes during the year and one in a hundred leaves."""
    september = dt.date(year_start, 9, 1)
    rows = []
    for cls in classes:
        for i, child in enumerate(roster[cls.name]):
            enrolled, withdrawn = september, None
            roll = rng.random()
            moved = september + dt.timedelta(days=rng.randrange(14, 240))
            if until is not None and moved > until:
                pass  # what happens after the journal's last day is not known yet
            elif roll < 0.01:
                enrolled = moved
            elif roll < 0.02:
                withdrawn = moved
            rows.append(
                StudentRow(
                    ref=_ANY_REF,
                    last_name=child.person.last,
                    first_name=child.person.first,
                    middle_name=child.person.middle,
                    birth_date=child.birth_date,
                    file_number=f"{cls.name}-{i + 1:02d}",
                    class_name=cls.name,
                    enrolled_on=enrolled,
                    withdrawn_on=withdrawn,
                )
            )
    return rows


def _subgroups(classes: Sequence[_Class], roster: dict[str, list[Child]]) -> list[GroupRow]:
    rows = []
    for cls in classes:
        if cls.subgroups is None:
            continue
        children = roster[cls.name]
        half = (len(children) + 1) // 2
        for name, members in zip(cls.subgroups, (children[:half], children[half:]), strict=True):
            rows += [
                GroupRow(
                    ref=_ANY_REF,
                    name=name,
                    kind=GroupKind.SUBGROUP,
                    class_name=cls.name,
                    subject=ENGLISH,
                    student=child.person.full,
                    student_class=cls.name,
                )
                for child in members
            ]
    return rows


def _topics(
    classes: Sequence[_Class], holidays: list[HolidayRow], year_start: int
) -> list[TopicRow]:
    """A thematic plan per group and subject: as many one-hour topics as the year has lessons."""
    weeks = len(school_days(5, year_start, holidays)) / 5
    rows = []
    for cls in classes:
        for subject, pairs in cls.teaching.items():
            count = round(cls.hours[subject] * weeks)
            sections = TOPIC_TITLES[subject]
            per_section = max(1, -(-count // len(sections)))
            for group, _teacher in pairs:
                rows += [
                    TopicRow(
                        ref=_ANY_REF,
                        group=group,
                        subject=subject,
                        position=position,
                        title=f"{sections[(position - 1) // per_section]}. "
                        f"Урок {(position - 1) % per_section + 1}",
                        hours=1.0,
                    )
                    for position in range(1, count + 1)
                ]
    return rows


def _control_works(
    classes: Sequence[_Class],
    weeks: dict[str, dict[Slot, str]],
    holidays: list[HolidayRow],
    year_start: int,
    rng: random.Random,
) -> list[ControlWorkRow]:
    """ВШК for grades 2–11: an entrance work in Russian and mathematics in September, and per
    period the Russian, the mathematics and one more subject in its last three weeks; never two
    works of a class on one day."""
    periods = _periods(year_start)
    rows = []
    for cls in classes:
        if cls.grade == 1:
            continue
        days = school_days(cls.grade, year_start, holidays)
        taken: set[dt.date] = set()
        maths = "Математика" if "Математика" in cls.hours else "Алгебра"
        others = sorted(
            s for s in cls.hours if s in CONTROL_FORMS and s not in ("Русский язык", maths)
        )
        spans: list[tuple[dt.date, dt.date, tuple[str, ...], str]] = [
            (days[0], days[0] + dt.timedelta(days=20), ("Русский язык", maths), "Входная")
        ]
        for period in periods:
            if (
                not (period.grade_from <= cls.grade <= period.grade_to)
                or period.kind is PeriodKind.YEAR
            ):
                continue
            extra = rng.choice(others) if others else None
            subjects = ("Русский язык", maths, *([extra] if extra else []))
            spans.append(
                (period.ends_on - dt.timedelta(days=20), period.ends_on, subjects, "Итоговая")
            )
        for start, end, subjects, label in spans:
            for subject in subjects:
                group, _teacher = cls.teaching[subject][0]
                lessons = [
                    (day, number)
                    for day in days
                    if start <= day <= end and day not in taken
                    for (weekday, number), s in weeks[cls.name].items()
                    if s == subject and weekday == day.isoweekday()
                ]
                if not lessons:
                    continue
                day, number = rng.choice(lessons)
                taken.add(day)
                rows.append(
                    ControlWorkRow(
                        ref=_ANY_REF,
                        on_date=day,
                        group=group,
                        subject=subject,
                        form=CONTROL_FORMS.get(subject, ControlForm.TEST),
                        lesson_number=number,
                        topic=f"{label} контрольная работа",
                    )
                )
    return sorted(rows, key=lambda r: (r.on_date, r.group, r.subject))


def _numbered(rows: SchoolYearRows) -> SchoolYearRows:
    """Each record's ref is its row in a written workbook: the header is row 1."""
    for sheet in SHEETS:
        records: list[Any] = getattr(rows, sheet.attr)
        records[:] = [
            dataclasses.replace(r, ref=RowRef(sheet.name, i)) for i, r in enumerate(records, 2)
        ]
    return rows
