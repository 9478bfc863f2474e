"""Matching people and classes by the names typed in spreadsheets and messages.

People are typed in many ways: «Иванова Анна Петровна», «Иванова А.П.», «иванова а. п.»,
«А. П. Иванова», with «ё» or «е». ``normalize`` brings them to one form, and ``NameIndex`` finds an
item by any of them, returning every match so that the caller can report an ambiguity instead of
guessing between two Ивановы А. П.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Generic, TypeVar

from core.model.people import short_name

T = TypeVar("T")

MIN_GRADE = 1
MAX_GRADE = 11

# Latin letters that look like a Cyrillic class letter and would be transliterated to it too;
# «B», «C», «H», «P» are left out: a Latin «B» may mean «В» by look or «Б» by sound.
_LATIN_LOOKALIKES = str.maketrans("AEKMOTaekmot", "АЕКМОТаекмот")
_CLASS_NAME = re.compile(
    r"(?P<grade>\d{1,2})\s*[-–—]?\s*[«\"']?(?P<letter>[А-ЯЁ])[»\"']?(?:\s*(?:класс|кл\.?))?",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """One form of a typed name: case, «ё», spacing and dots do not matter. Dots count as spaces,
    so «А.П.», «А. П.» and «А П» agree wherever the dot stands."""
    text = unicodedata.normalize("NFC", text).replace(".", " ")
    return " ".join(text.split()).casefold().replace("ё", "е")


def split_full_name(text: str) -> tuple[str, str, str | None]:
    """«Иванова Анна Петровна» → (last, first, middle); the middle name may be missing or have
    several words («Мамедов Эльчин Рашид оглы»)."""
    parts = text.split()
    if len(parts) < 2:
        raise ValueError(f"Укажите фамилию и имя полностью: «{text.strip()}»")
    return parts[0], parts[1], " ".join(parts[2:]) or None


def short_form(last: str, first: str, middle: str | None) -> str:
    """«Иванова А. П.», as names stand in a journal."""
    return short_name(last, first, middle)


class NameIndex(Generic[T]):
    """Finds items by a person's full name, by last name and first name, or by initials placed
    after or before the last name."""

    def __init__(self) -> None:
        self._items: dict[str, list[T]] = {}

    def add(self, item: T, last: str, first: str, middle: str | None) -> None:
        for key in _keys(last, first, middle):
            found = self._items.setdefault(key, [])
            if not any(other is item for other in found):
                found.append(item)

    def lookup(self, text: str) -> list[T]:
        """Every item the text names: none, one, or several when it is ambiguous."""
        return list(self._items.get(normalize(text), ()))


def parse_class_name(text: str) -> tuple[int, str]:
    """«5А», «5 а», «5-А», «10Б», «5 "А" класс» → (grade, upper-case letter)."""
    match = _CLASS_NAME.fullmatch(text.strip().translate(_LATIN_LOOKALIKES))
    if match is None:
        raise ValueError(
            f"Не удалось понять название класса «{text.strip()}»: "
            "нужны номер от 1 до 11 и русская буква, например «5А»"
        )
    grade = int(match["grade"])
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise ValueError(f"Номер класса должен быть от 1 до 11, а в «{text.strip()}» он {grade}")
    return grade, match["letter"].upper()


def normalize_class_name(text: str) -> str:
    grade, letter = parse_class_name(text)
    return f"{grade}{letter}"


def _keys(last: str, first: str, middle: str | None) -> set[str]:
    initials = " ".join(part[0] for part in (first, middle) if part)
    return {
        normalize(f"{last} {first} {middle or ''}"),
        normalize(f"{last} {first}"),
        normalize(f"{last} {initials}"),
        normalize(f"{initials} {last}"),
        # «Иванова А.»: a list that had no room for the second initial.
        normalize(f"{last} {first[:1]}"),
    }
