from __future__ import annotations

import pytest

from core.rules.names import (
    NameIndex,
    normalize,
    normalize_class_name,
    parse_class_name,
    short_form,
    split_full_name,
)


def test_normalize_ignores_case_yo_spacing_and_dots() -> None:
    assert normalize("  Семёнова   Алёна\tПетровна ") == "семенова алена петровна"
    assert normalize("Иванова А.П.") == "иванова а п"
    assert normalize("Иванова А. П.") == "иванова а п"
    assert normalize("Иванова А П") == "иванова а п"
    assert normalize("Иванова\u00a0А.\u00a0П.") == "иванова а п"  # non-breaking spaces from Excel


def test_normalize_joins_a_decomposed_short_i() -> None:
    decomposed = "Андреи\u0306"  # «й» typed as «и» + breve
    assert normalize(decomposed) == normalize("Андрей")


def test_split_full_name() -> None:
    assert split_full_name("Иванова Анна Петровна") == ("Иванова", "Анна", "Петровна")
    assert split_full_name("  Смирнов   Олег ") == ("Смирнов", "Олег", None)
    assert split_full_name("Мамедов Эльчин Рашид оглы") == ("Мамедов", "Эльчин", "Рашид оглы")


@pytest.mark.parametrize("text", ["Иванова", "", "   "])
def test_split_full_name_needs_last_and_first_name(text: str) -> None:
    with pytest.raises(ValueError, match="Укажите фамилию и имя"):
        split_full_name(text)


def test_short_form() -> None:
    assert short_form("Иванова", "Анна", "Петровна") == "Иванова А. П."
    assert short_form("Смирнов", "Олег", None) == "Смирнов О."


@pytest.fixture
def staff() -> NameIndex[str]:
    index: NameIndex[str] = NameIndex()
    index.add("math", "Иванова", "Анна", "Петровна")
    index.add("music", "Иванова", "Алина", "Павловна")
    index.add("pe", "Семёнов", "Олег", None)
    return index


@pytest.mark.parametrize(
    "text",
    [
        "Иванова Анна Петровна",
        "иванова анна петровна",
        "ИВАНОВА  АННА ПЕТРОВНА",
        "Иванова Анна",
    ],
)
def test_one_teacher_found_by_any_usual_spelling(staff: NameIndex[str], text: str) -> None:
    assert staff.lookup(text) == ["math"]


@pytest.mark.parametrize(
    "text", ["Иванова А.П.", "Иванова А. П.", "иванова а п", "Иванова А.", "А.П.Иванова"]
)
def test_initials_shared_by_two_teachers_are_ambiguous(staff: NameIndex[str], text: str) -> None:
    assert staff.lookup(text) == ["math", "music"]


def test_yo_and_missing_middle_name(staff: NameIndex[str]) -> None:
    assert staff.lookup("Семенов Олег") == ["pe"]
    assert staff.lookup("Семёнов О.") == ["pe"]
    assert staff.lookup("О. Семенов") == ["pe"]


def test_unknown_or_partial_names_find_nobody(staff: NameIndex[str]) -> None:
    assert staff.lookup("Петрова Анна Петровна") == []
    assert staff.lookup("Иванова") == []
    assert staff.lookup("Иванова Анна Павловна") == []


def test_the_same_person_added_twice_is_found_once() -> None:
    index: NameIndex[int] = NameIndex()
    student = 501
    index.add(student, "Петров", "Пётр", None)
    index.add(student, "Петров", "Петр", None)

    assert index.lookup("Петров П.") == [501]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("5А", (5, "А")),
        ("5 А", (5, "А")),
        ("5-а", (5, "А")),
        ("10Б", (10, "Б")),
        (" 11 в ", (11, "В")),
        ("1 «Г»", (1, "Г")),
        ("7Д класс", (7, "Д")),
        ("9 Е кл.", (9, "Е")),
        ("5A", (5, "А")),  # Latin A typed on the wrong layout
    ],
)
def test_parse_class_name(text: str, parsed: tuple[int, str]) -> None:
    assert parse_class_name(text) == parsed


@pytest.mark.parametrize("text", ["5", "А", "5АБ", "пятый А", "5B", "5 А 1", ""])
def test_unreadable_class_names_are_rejected_in_russian(text: str) -> None:
    with pytest.raises(ValueError, match="Не удалось понять название класса"):
        parse_class_name(text)


@pytest.mark.parametrize("text", ["0А", "12Б", "13 В"])
def test_grades_outside_1_to_11_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="от 1 до 11"):
        parse_class_name(text)


def test_normalize_class_name() -> None:
    assert normalize_class_name("5 а") == "5А"
    assert normalize_class_name("10-б") == "10Б"
    assert normalize_class_name("5A") == "5А"
    assert normalize_class_name("5A") != "5A"  # the stored letter is Cyrillic
