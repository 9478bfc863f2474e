"""The demo school's facts, as a school would write them down: staff, rooms, subjects, classes
with their curriculum, the calendar, groups, the individual plan, thematic plans and control works.

documents.demo_school turns these tables into workbook rows; the people come from
documents.school_year_demo_people. Teachers are named here by last name only (unique in this
school); ``staff_name`` gives the full name the workbook uses.
"""

from __future__ import annotations

import datetime as dt

from core.model.people import StaffRole
from core.model.school import CurriculumComponent, HolidayKind, PeriodKind
from core.model.timetable import ActivityKind, ControlForm
from documents.school_year_demo_people import Guardian, Person

SCHOOL_NAME = "МБОУ СОШ № 1"
YEAR = "2026/2027"
YEAR_START = 2026
SEED = 2026_2027
MAIN_BELLS = "Основное"
FIRST_GRADE_BELLS = "Первые классы"
SEPTEMBER_1 = dt.date(2026, 9, 1)
D = dt.date

T, DEP, DSP, ADM, HEAD = (
    StaffRole.TEACHER,
    StaffRole.DEPUTY,
    StaffRole.DISPATCHER,
    StaffRole.COORDINATOR,
    StaffRole.HEAD,
)

# last name (the key used below), first name, patronymic, position, roles, own room
STAFF: tuple[tuple[str, str, str, str, tuple[StaffRole, ...], str | None], ...] = (
    ("Белова", "Ирина", "Николаевна", "директор", (HEAD,), None),
    ("Кравцова", "Светлана", "Викторовна", "заместитель директора по УВР", (DEP, T), "206"),
    ("Лаптев", "Денис", "Олегович", "учитель информатики", (T, ADM), "305"),
    ("Орлова", "Татьяна", "Сергеевна", "учитель географии и биологии", (T, DSP), "304"),
    ("Смирнова", "Ольга", "Ивановна", "учитель начальных классов", (T,), "101"),
    ("Фёдорова", "Наталья", "Александровна", "учитель русского языка и литературы", (T,), "201"),
    ("Гусева", "Елена", "Викторовна", "учитель русского языка и литературы", (T,), "202"),
    ("Воронцов", "Алексей", "Петрович", "учитель математики", (T,), "203"),
    ("Зайцева", "Марина", "Юрьевна", "учитель математики", (T,), "204"),
    ("Кириллова", "Анна", "Дмитриевна", "учитель английского языка", (T,), "301"),
    ("Миронов", "Павел", "Андреевич", "учитель английского языка", (T,), "302"),
    ("Тарасов", "Игорь", "Владимирович", "учитель истории и обществознания", (T,), "205"),
    ("Соколов", "Виктор", "Геннадьевич", "учитель физики и химии", (T,), "303"),
    ("Павлова", "Людмила", "Сергеевна", "учитель музыки, ИЗО и труда", (T,), "102"),
    ("Егоров", "Максим", "Игоревич", "учитель физической культуры", (T,), "Спортзал"),
)
ROOMS: dict[str, int] = {
    "101": 25,
    "102": 30,
    "201": 30,
    "202": 30,
    "203": 30,
    "204": 30,
    "205": 30,
    "206": 28,
    "301": 15,
    "302": 15,
    "303": 30,
    "304": 30,
    "305": 15,
    "Спортзал": 60,
    "Актовый зал": 200,
}

FBUP, OO = CurriculumComponent.FEDERAL, CurriculumComponent.SCHOOL
SUBJECTS: tuple[tuple[str, str, CurriculumComponent, str], ...] = (
    ("Русский язык", "Рус. яз.", FBUP, "five_point"),
    ("Литературное чтение", "Лит. чт.", FBUP, "five_point"),
    ("Литература", "Лит.", FBUP, "five_point"),
    ("Математика", "Матем.", FBUP, "five_point"),
    ("Алгебра", "Алг.", FBUP, "five_point"),
    ("Геометрия", "Геом.", FBUP, "five_point"),
    ("Информатика", "Информ.", FBUP, "five_point"),
    ("Английский язык", "Англ. яз.", FBUP, "five_point"),
    ("История", "Ист.", FBUP, "five_point"),
    ("Обществознание", "Общ.", FBUP, "five_point"),
    ("География", "Геогр.", FBUP, "five_point"),
    ("Биология", "Биол.", FBUP, "five_point"),
    ("Физика", "Физ.", FBUP, "five_point"),
    ("Химия", "Хим.", FBUP, "five_point"),
    ("Окружающий мир", "Окр. мир", FBUP, "five_point"),
    ("Изобразительное искусство", "ИЗО", FBUP, "five_point"),
    ("Музыка", "Муз.", FBUP, "five_point"),
    ("Труд (технология)", "Труд", FBUP, "five_point"),
    ("Физическая культура", "Физ-ра", FBUP, "five_point"),
    ("ОБЗР", "ОБЗР", FBUP, "five_point"),
    ("Финансовая грамотность", "Фин. гр.", OO, "pass_fail"),
)

# name, grade, class teacher, students, lessons on Monday..Friday, bells
CLASSES: tuple[tuple[str, int, str, int, tuple[int, ...], str], ...] = (
    ("1А", 1, "Смирнова", 18, (4, 4, 4, 4, 4), FIRST_GRADE_BELLS),
    ("5А", 5, "Фёдорова", 24, (6, 5, 5, 5, 5), MAIN_BELLS),
    ("5Б", 5, "Тарасов", 22, (5, 5, 6, 5, 5), MAIN_BELLS),
    ("9А", 9, "Воронцов", 20, (6, 6, 6, 6, 6), MAIN_BELLS),
    ("10А", 10, "Зайцева", 14, (5, 6, 5, 6, 4), MAIN_BELLS),
    ("11А", 11, "Гусева", 13, (6, 6, 5, 6, 4), MAIN_BELLS),
)
_FIFTH = (
    ("Русский язык", 5, "Фёдорова"),
    ("Литература", 3, "Фёдорова"),
    ("Математика", 5, "Воронцов"),
    ("История", 2, "Тарасов"),
    ("География", 1, "Орлова"),
    ("Биология", 1, "Орлова"),
    ("Изобразительное искусство", 1, "Павлова"),
    ("Музыка", 1, "Павлова"),
    ("Труд (технология)", 2, "Павлова"),
    ("Физическая культура", 2, "Егоров"),
)
_SENIOR = (
    ("Литература", 3, "Гусева"),
    ("Русский язык", 2, "Гусева"),
    ("Алгебра", 3, "Зайцева"),
    ("Геометрия", 2, "Зайцева"),
    ("Информатика", 1, "Лаптев"),
    ("История", 2, "Кравцова"),
    ("Обществознание", 2, "Кравцова"),
    ("География", 1, "Орлова"),
    ("Биология", 1, "Орлова"),
    ("Физика", 2, "Соколов"),
    ("Химия", 1, "Соколов"),
    ("Физическая культура", 2, "Егоров"),
    ("ОБЗР", 1, "Тарасов"),
)
# Per class: subject, hours a week, teacher. English in 5А goes to its two subgroups (SPLITS).
CURRICULUM: dict[str, tuple[tuple[str, int, str], ...]] = {
    "1А": (
        ("Русский язык", 5, "Смирнова"),
        ("Литературное чтение", 4, "Смирнова"),
        ("Математика", 4, "Смирнова"),
        ("Окружающий мир", 2, "Смирнова"),
        ("Изобразительное искусство", 1, "Смирнова"),
        ("Музыка", 1, "Павлова"),
        ("Труд (технология)", 1, "Смирнова"),
        ("Физическая культура", 2, "Егоров"),
    ),
    "5А": (*_FIFTH, ("Английский язык", 3, "Кириллова")),
    "5Б": (*_FIFTH, ("Английский язык", 3, "Кириллова")),
    "9А": (
        ("Русский язык", 3, "Гусева"),
        ("Литература", 3, "Гусева"),
        ("Алгебра", 3, "Воронцов"),
        ("Геометрия", 2, "Воронцов"),
        ("Информатика", 1, "Лаптев"),
        ("Английский язык", 3, "Миронов"),
        ("История", 2, "Тарасов"),
        ("Обществознание", 1, "Тарасов"),
        ("География", 2, "Орлова"),
        ("Биология", 2, "Орлова"),
        ("Физика", 3, "Соколов"),
        ("Химия", 2, "Соколов"),
        ("Физическая культура", 2, "Егоров"),
        ("ОБЗР", 1, "Тарасов"),
    ),
    "10А": (*_SENIOR, ("Английский язык", 3, "Кириллова")),
    "11А": (*_SENIOR, ("Английский язык", 3, "Миронов"), ("Финансовая грамотность", 1, "Зайцева")),
}
ENGLISH_5A = ("5А англ. 1", "5А англ. 2")
SPLITS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("5А", "Английский язык"): ((ENGLISH_5A[0], "Кириллова"), (ENGLISH_5A[1], "Миронов")),
}
STREAM = "10-11 физика профиль"
CLUB = "Юный программист"
# Lessons outside the classes' days, at the seventh lesson when every class has gone home:
# group, weekday, lesson, subject, teacher, kind.
FIXED: tuple[tuple[str, int, int, str, str, ActivityKind], ...] = (
    (STREAM, 2, 7, "Физика", "Соколов", ActivityKind.MAIN),
    (STREAM, 4, 7, "Физика", "Соколов", ActivityKind.MAIN),
    (CLUB, 3, 7, "Информатика", "Лаптев", ActivityKind.ADDITIONAL),
)
# The 9А student on an individual plan: subject, teacher, group suffix, (weekday, lesson) slots.
IUP_CLASS, IUP_INDEX = "9А", 6
IUP_PLAN: tuple[tuple[str, str, str, tuple[tuple[int, int], ...]], ...] = (
    ("Алгебра", "Воронцов", "алгебра", ((1, 7), (3, 7))),
    ("Русский язык", "Гусева", "русский язык", ((2, 7), (4, 7))),
    ("Английский язык", "Миронов", "английский язык", ((5, 7),)),
)
# Two children of one family in different classes, with both parents on two rows of «Родители».
SIBLINGS = (
    ("5Б", Person("Сорокина", "Полина", "Андреевна"), D(2015, 4, 12)),
    ("9А", Person("Сорокин", "Матвей", "Андреевич"), D(2011, 11, 3)),
)
SIBLINGS_PARENTS = (
    Guardian(Person("Сорокина", "Елена", "Викторовна"), "+7 912 345-67-01", None, "мать"),
    Guardian(Person("Сорокин", "Андрей", "Павлович"), "+7 912 345-67-02", None, "отец"),
)

_YEAR = ((D(2026, 9, 1), D(2027, 5, 26)),)
# kind, grades from..to, (first day, last day) of each period in turn. Quarters end before the
# seasonal holidays begin.
PERIODS: tuple[tuple[PeriodKind, int, int, tuple[tuple[dt.date, dt.date], ...]], ...] = (
    (
        PeriodKind.QUARTER,
        1,
        9,
        (
            (D(2026, 9, 1), D(2026, 10, 23)),
            (D(2026, 11, 2), D(2026, 12, 29)),
            (D(2027, 1, 11), D(2027, 3, 19)),
            (D(2027, 3, 29), D(2027, 5, 26)),
        ),
    ),
    (PeriodKind.YEAR, 1, 9, _YEAR),
    (
        PeriodKind.HALF_YEAR,
        10,
        11,
        ((D(2026, 9, 1), D(2026, 12, 29)), (D(2027, 1, 11), D(2027, 5, 26))),
    ),
    (PeriodKind.YEAR, 10, 11, _YEAR),
)
_H = HolidayKind
# kind, name, first day, last day, grades from..to
HOLIDAYS: tuple[tuple[HolidayKind, str, dt.date, dt.date, int, int], ...] = (
    (_H.AUTUMN, "Осенние каникулы", D(2026, 10, 24), D(2026, 11, 1), 1, 11),
    (_H.PUBLIC, "День народного единства", D(2026, 11, 4), D(2026, 11, 4), 1, 11),
    (_H.WINTER, "Зимние каникулы", D(2026, 12, 30), D(2027, 1, 10), 1, 11),
    (_H.ADDITIONAL, "Дополнительные каникулы 1-х классов", D(2027, 2, 13), D(2027, 2, 21), 1, 1),
    (_H.PUBLIC, "День защитника Отечества", D(2027, 2, 23), D(2027, 2, 23), 1, 11),
    (_H.PUBLIC, "Международный женский день", D(2027, 3, 8), D(2027, 3, 8), 1, 11),
    (_H.SPRING, "Весенние каникулы", D(2027, 3, 20), D(2027, 3, 28), 1, 11),
    (_H.PUBLIC, "Праздник Весны и Труда", D(2027, 5, 1), D(2027, 5, 3), 1, 11),
    (_H.PUBLIC, "День Победы", D(2027, 5, 9), D(2027, 5, 10), 1, 11),
    (_H.SUMMER, "Летние каникулы", D(2027, 5, 27), D(2027, 8, 31), 1, 11),
)

BELL_TIMES = {
    MAIN_BELLS: ("08:30", "09:25", "10:30", "11:35", "12:30", "13:25", "14:20"),
    FIRST_GRADE_BELLS: ("08:30", "09:15", "10:10", "11:05", "11:50"),
}
LESSON_MINUTES = {MAIN_BELLS: 45, FIRST_GRADE_BELLS: 35}


def staff_name(last: str) -> str:
    first, middle = next((s[1], s[2]) for s in STAFF if s[0] == last)
    return f"{last} {first} {middle}"


def room_of(last: str) -> str | None:
    return next(s[5] for s in STAFF if s[0] == last)


TOPICS: dict[tuple[str, str], tuple[str, ...]] = {
    ("1А", "Русский язык"): (
        "Речь устная и письменная",
        "Предложение и слово",
        "Слово и слог",
        "Ударение",
        "Звуки речи",
        "Гласные и согласные звуки",
        "Буква А, а",
        "Буква О, о",
        "Буква И, и",
        "Буква Ы, ы",
    ),
    ("5А", "Математика"): (
        "Десятичная система счисления",
        "Натуральный ряд. Число 0",
        "Сравнение натуральных чисел",
        "Округление натуральных чисел",
        "Сложение натуральных чисел",
        "Вычитание натуральных чисел",
        "Умножение натуральных чисел",
        "Деление натуральных чисел",
        "Деление с остатком",
        "Степень с натуральным показателем",
    ),
    (ENGLISH_5A[0], "Английский язык"): (
        "Школьные принадлежности",
        "Школьные предметы",
        "Числительные 1–100",
        "Моя школа",
        "Мой дом",
        "Моя семья",
        "Который час?",
        "Present Simple",
        "Мой день",
        "Повторение",
    ),
    ("9А", "Алгебра"): (
        "Повторение: квадратные уравнения",
        "Неравенства с одной переменной",
        "Линейные неравенства",
        "Системы линейных неравенств",
        "Квадратные неравенства",
        "Метод интервалов",
        "Системы уравнений с двумя переменными",
        "Решение задач с помощью систем уравнений",
        "Числовые последовательности",
        "Арифметическая прогрессия",
    ),
    (STREAM, "Физика"): (
        "Механическое движение. Система отсчёта",
        "Равномерное прямолинейное движение",
        "Равноускоренное движение",
        "Свободное падение",
        "Движение по окружности",
        "Законы Ньютона",
        "Силы в механике",
        "Закон всемирного тяготения",
        "Импульс. Закон сохранения импульса",
        "Работа и энергия",
    ),
}
# two-hour topics: «Деление с остатком», «Законы Ньютона» and the like take two lessons
LONG_TOPICS = frozenset({"Деление с остатком", "Законы Ньютона", "Метод интервалов"})


# group, subject, form, the Monday of the week it is written in, topic
CONTROL_WORKS: tuple[tuple[str, str, ControlForm, dt.date, str], ...] = (
    ("5А", "Русский язык", ControlForm.DICTATION, D(2026, 9, 14), "Входной контрольный диктант"),
    ("5Б", "Математика", ControlForm.TEST, D(2026, 9, 14), "Входная контрольная работа"),
    ("10А", "Алгебра", ControlForm.QUIZ, D(2026, 9, 21), "Входное тестирование"),
    ("11А", "Физика", ControlForm.QUIZ, D(2026, 10, 5), "Кинематика"),
    ("9А", "Алгебра", ControlForm.TEST, D(2026, 10, 12), "Неравенства"),
    ("5Б", "Русский язык", ControlForm.DICTATION, D(2026, 10, 19), "Орфограммы в корне слова"),
)
