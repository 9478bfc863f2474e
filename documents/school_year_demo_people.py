"""Russian names for the demo school: students with their families, drawn from a seeded random
generator so that the demo is the same on every run.

A child's patronymic comes from the father's first name and the mother shares the family name,
as in most Russian families; a few children have a grandmother or a guardian instead.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """Names kept as running text: a list a teacher reads and corrects, not one name a line."""
    return tuple(text.split())


# family names ending in -ов/-ев/-ин: the feminine form adds «а»
SURNAMES = _words(
    "Александров Алексеев Андреев Антонов Архипов Афанасьев Баранов Белов Беляев Богданов "
    "Борисов Быков Васильев Виноградов Власов Волков Воробьёв Гаврилов Герасимов Голубев "
    "Григорьев Громов Гусаров Давыдов Данилов Денисов Дмитриев Евдокимов Ежов Ефимов Жуков "
    "Журавлёв Захаров Зуев Ильин Исаев Казаков Калинин Карпов Киселёв Климов Ковалёв Козлов "
    "Колесников Комаров Кондратьев Королёв Крылов Кудрявцев Кузнецов Кузьмин Куликов Лазарев "
    "Лебедев Леонов Логинов Лукин Макаров Максимов Марков Матвеев Медведев Мельников Миронов "
    "Михайлов Моисеев Морозов Назаров Никитин Николаев Новиков Орехов Осипов Павлов Панов "
    "Петров Поляков Пономарёв Попов Прохоров Родионов Романов Рябов Савельев Семёнов Сергеев "
    "Сидоров Симонов Смирнов Соболев Соколов Соловьёв Степанов Суханов Тимофеев Титов Тихонов "
    "Трофимов Фадеев Федотов Филиппов Фомин Фролов Харитонов Чернов Шестаков Щербаков Яковлев"
)

BOYS = _words(
    "Александр Алексей Андрей Артём Арсений Богдан Владимир Всеволод Георгий Глеб Даниил "
    "Демид Дмитрий Егор Иван Илья Кирилл Лев Макар Максим Марк Матвей Михаил Никита Николай "
    "Платон Роман Савелий Семён Степан Тимофей Фёдор Ярослав"
)

GIRLS = _words(
    "Алёна Алиса Алина Анастасия Анна Арина Валерия Варвара Василиса Вера Вероника Виктория "
    "Дарья Диана Ева Екатерина Елизавета Злата Кира Ксения Маргарита Мария Милана Надежда "
    "Полина Софья Таисия Ульяна Юлия"
)

MOTHERS = _words(
    "Анна Виктория Галина Евгения Екатерина Елена Ирина Кристина Ксения Людмила Марина Мария "
    "Наталья Оксана Ольга Светлана Татьяна Юлия"
)

# a man's first name → (a son's patronymic, a daughter's patronymic)
FATHERS: dict[str, tuple[str, str]] = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Роман": ("Романович", "Романовна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Станислав": ("Станиславович", "Станиславовна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
}

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"),
        strict=True,
    )
)


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    middle: str | None

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.last, self.first, self.middle) if p)


@dataclass(frozen=True)
class Guardian:
    person: Person
    phone: str
    email: str | None
    relation: str


@dataclass(frozen=True)
class Child:
    person: Person
    birth_date: dt.date
    guardians: tuple[Guardian, ...]


def feminine(surname: str) -> str:
    return surname + "а"


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("_", "")


class PeopleMaker:
    """Hands out children with families, never the same full name or phone twice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.emails: set[str] = set()

    def phone(self) -> str:
        while True:
            digits = [self.rng.randrange(10) for _ in range(9)]
            number = "+7 9{}{} {}{}{}-{}{}-{}{}".format(*digits)
            if number not in self.phones:
                self.phones.add(number)
                return number

    def birth_date(self, grade: int, year: int) -> dt.date:
        """A child in ``grade`` in September of ``year``: born ``6 + grade`` years before, so
        that a first-grader is between six and a half and eight on the first of September."""
        first = dt.date(year - 6 - grade, 1, 1)
        return first + dt.timedelta(days=self.rng.randrange(365))

    def child(self, grade: int, year: int) -> Child:
        while True:
            surname = self.rng.choice(SURNAMES)
            father = self.rng.choice(list(FATHERS))
            girl = self.rng.random() < 0.5
            first = self.rng.choice(GIRLS if girl else BOYS)
            person = Person(
                feminine(surname) if girl else surname, first, FATHERS[father][1 if girl else 0]
            )
            if person.full not in self.names:
                break
        self.names.add(person.full)
        return Child(person, self.birth_date(grade, year), self.family(surname, father))

    def family(self, surname: str, father: str) -> tuple[Guardian, ...]:
        roll = self.rng.random()
        guardians: list[Guardian] = []
        if roll < 0.03:  # brought up by a grandmother or a guardian
            relation = self.rng.choice(("бабушка", "опекун"))
            guardians.append(self.guardian(self.woman(feminine(surname)), relation))
            return tuple(guardians)
        if roll < 0.93:
            guardians.append(self.guardian(self.woman(feminine(surname)), "мать"))
        if roll > 0.45:
            man = Person(surname, father, self.rng.choice(list(FATHERS.values()))[0])
            guardians.append(self.guardian(man, "отец"))
        return tuple(guardians)

    def woman(self, surname: str) -> Person:
        return Person(surname, self.rng.choice(MOTHERS), self.rng.choice(list(FATHERS.values()))[1])

    def guardian(self, person: Person, relation: str) -> Guardian:
        email = None
        if self.rng.random() < 0.4:
            login = f"{translit(person.first)}.{translit(person.last)}"
            email = f"{login}@example.com"
            if email in self.emails:  # the second Елена Иванова gets a number, as in real life
                email = f"{login}{len(self.emails)}@example.com"
            self.emails.add(email)
        return Guardian(person, self.phone(), email, relation)
