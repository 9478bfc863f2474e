"""The figures of school reports (REP-1, REP-2, REP-7, CT-2): how marks are counted and what the
usual percentages mean. Pure functions, tested against examples computed by hand.

Counting («N») — one definition for every report:

- A counted mark is «5», «4», «3», «2», «1», «н/а»/«НА» (not assessed: counts and fails),
  «зачёт» (passes) and «незачёт» (fails). «ОСВ» (exempt) and «отсрочка» (deferred) are left out:
  the student is not assessed in that subject (yet), so they are neither a success nor a failure.
- By mark (a subject, a control work, a teacher's groups): N = the counted marks; each student
  has one final per subject, so for finals this is also «by student within a subject».
  успеваемость = (5 + 4 + 3 + зачёт) / N · 100; качество = (5 + 4) / N₅ · 100 and
  СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·(n1 + н/а)) / N₅, where N₅ is N without «зачёт» and
  «незачёт» (a pass/fail subject has no quality nor degree of learning);
  средний балл = the mean of the numeric marks «1»..«5».
- By student (a class, a grade, the school): N = the students of the class on the period's last
  day (those who left before it are out) who have at least one counted final. A student
  succeeds with no failing final, is «качественный» with every five-point final «4» or «5».
- Освоение (REP-1, as the regulation defines it) = the finals not below «3» (3, 4, 5, «зачёт»)
  divided by the number of students of the class on the period's last day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from core.rules.grading import DEFERRED, EXEMPT, NOT_ASSESSED, NOT_CERTIFIED

PASSED = "зачёт"
FAILED = "незачёт"
NUMBERS = {"5": 5, "4": 4, "3": 3, "2": 2, "1": 1}
# степень обученности (В. П. Симонов): what a mark is worth, in per cent
SOU_WEIGHTS = {"5": 100, "4": 64, "3": 36, "2": 16, "1": 7}
SOU_NOT_ASSESSED = 7

_TENTH = Decimal("0.1")
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class MarkCounts:
    """How many marks of each value; ``not_assessed`` joins «н/а» and «НА»."""

    five: int = 0
    four: int = 0
    three: int = 0
    two: int = 0
    one: int = 0
    not_assessed: int = 0
    passed: int = 0  # «зачёт»
    failed: int = 0  # «незачёт»
    exempt: int = 0  # «ОСВ»: left out of N
    deferred: int = 0  # «отсрочка»: left out of N
    other: int = 0  # a value of no known scale: left out of N

    @property
    def numeric(self) -> int:
        return self.five + self.four + self.three + self.two + self.one

    @property
    def five_point(self) -> int:
        """N₅: counted marks of the five-point scale, «н/а» included."""
        return self.numeric + self.not_assessed

    @property
    def counted(self) -> int:
        """N: every counted mark (see the module's docstring)."""
        return self.five_point + self.passed + self.failed

    @property
    def successes(self) -> int:
        return self.five + self.four + self.three + self.passed

    @property
    def failures(self) -> int:
        return self.two + self.one + self.not_assessed + self.failed

    def __add__(self, other: MarkCounts) -> MarkCounts:
        return MarkCounts(**{name: getattr(self, name) + getattr(other, name) for name in _FIELDS})


_FIELDS = tuple(MarkCounts.__dataclass_fields__)

_FIELD_OF_VALUE = {
    "5": "five",
    "4": "four",
    "3": "three",
    "2": "two",
    "1": "one",
    NOT_ASSESSED: "not_assessed",
    NOT_CERTIFIED: "not_assessed",
    PASSED: "passed",
    FAILED: "failed",
    EXEMPT: "exempt",
    DEFERRED: "deferred",
}


def count_marks(values: Iterable[str] | Mapping[str, int]) -> MarkCounts:
    """Marks as values (``["5", "4"]``) or as a tally (``{"5": 3}``) → counts by kind."""
    tally: dict[str, int] = dict.fromkeys(_FIELDS, 0)
    pairs = values.items() if isinstance(values, Mapping) else ((v, 1) for v in values)
    for value, times in pairs:
        tally[_FIELD_OF_VALUE.get(value, "other")] += times
    return MarkCounts(**tally)


def is_counted(value: str) -> bool:
    return _FIELD_OF_VALUE.get(value) not in (None, "exempt", "deferred")


def is_success(value: str) -> bool:
    """Not below «3»: «3», «4», «5», «зачёт»."""
    return value in ("3", "4", "5", PASSED)


def is_failure(value: str) -> bool:
    return value in ("1", "2", NOT_ASSESSED, NOT_CERTIFIED, FAILED)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole · 100 rounded half-up to a tenth; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole rounded half-up to two places (освоение «на одного обучающегося»)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_CENTS, rounding=ROUND_HALF_UP)


def success_rate(counts: MarkCounts) -> Decimal | None:
    """Успеваемость by mark, %."""
    return percent(counts.successes, counts.counted)


def quality_rate(counts: MarkCounts) -> Decimal | None:
    """Качество знаний by mark, % of N₅."""
    return percent(counts.five + counts.four, counts.five_point)


def mean_mark(counts: MarkCounts) -> Decimal | None:
    """Средний балл of the numeric marks, two places."""
    if not counts.numeric:
        return None
    total = sum(NUMBERS[v] * getattr(counts, _FIELD_OF_VALUE[v]) for v in NUMBERS)
    return (Decimal(total) / counts.numeric).quantize(_CENTS, rounding=ROUND_HALF_UP)


def degree_of_learning(counts: MarkCounts) -> Decimal | None:
    """СОУ, %: (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·(n1 + н/а)) / N₅."""
    if not counts.five_point:
        return None
    total = sum(SOU_WEIGHTS[v] * getattr(counts, _FIELD_OF_VALUE[v]) for v in SOU_WEIGHTS)
    total += SOU_NOT_ASSESSED * counts.not_assessed
    return (Decimal(total) / counts.five_point).quantize(_TENTH, rounding=ROUND_HALF_UP)


def mastery(successes: int, students: int) -> Decimal | None:
    """Освоение (REP-1): finals not below «3» per student of the class."""
    return ratio(successes, students)


class Standing(StrEnum):
    """A student's results over all subjects of a period."""

    EXCELLENT = "excellent"  # отличник: every five-point final «5»
    GOOD = "good"  # хорошист: «4» and «5»
    FAIR = "fair"  # with a «3», without failures
    FAILING = "failing"  # неуспевающий: at least one failing final
    NONE = "none"  # no counted final: left out of N


def standing(counts: MarkCounts) -> Standing:
    if not counts.counted:
        return Standing.NONE
    if counts.failures:
        return Standing.FAILING
    if counts.three:
        return Standing.FAIR
    # only «зачёт» (no five-point final) passes with quality but makes no отличник
    return Standing.EXCELLENT if counts.five and not counts.four else Standing.GOOD


@dataclass(frozen=True)
class ClassRates:
    """By student: N and the usual percentages of a class (or a grade, the school)."""

    students: int  # N
    excellent: int
    good: int
    fair: int
    failing: int

    @property
    def success(self) -> Decimal | None:
        return percent(self.excellent + self.good + self.fair, self.students)

    @property
    def quality(self) -> Decimal | None:
        return percent(self.excellent + self.good, self.students)


def class_rates(standings: Iterable[Standing]) -> ClassRates:
    counts = dict.fromkeys(Standing, 0)
    for item in standings:
        counts[item] += 1
    return ClassRates(
        students=sum(n for s, n in counts.items() if s is not Standing.NONE),
        excellent=counts[Standing.EXCELLENT],
        good=counts[Standing.GOOD],
        fair=counts[Standing.FAIR],
        failing=counts[Standing.FAILING],
    )


def weighted_mean(tallies: Iterable[tuple[str, float]]) -> Decimal | None:
    """Σ(mark × weight) / Σweight over (value, weight) pairs — a pair may stand for many marks of
    one value, its weight the sum of theirs; non-numeric values are skipped; two places."""
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in tallies:
        number = NUMBERS.get(value)
        if number is None:
            continue
        exact = Decimal(str(weight))
        total += number * exact
        weights += exact
    if not weights:
        return None
    return (total / weights).quantize(_CENTS, rounding=ROUND_HALF_UP)


def average_of_sums(points: float, weight: float) -> Decimal | None:
    """Σ(weight × mark) / Σweight, summed elsewhere (in the database), two places."""
    if not weight:
        return None
    exact = Decimal(str(points)) / Decimal(str(weight))
    return exact.quantize(_CENTS, rounding=ROUND_HALF_UP)


def rounded_mark(average: Decimal | None) -> str | None:
    """The five-point mark an average stands for, x.5 up (4.50 → «5»)."""
    if average is None:
        return None
    return str(int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


class Comparison(StrEnum):
    """A control-work mark against the student's current marks (ВШК)."""

    CONFIRMED = "confirmed"  # подтвердил
    HIGHER = "higher"  # повысил
    LOWER = "lower"  # понизил


def compare(control: str, current_average: Decimal | None) -> Comparison | None:
    """The control mark against the current weighted average rounded (None: nothing to compare)."""
    current = rounded_mark(current_average)
    if control not in NUMBERS or current is None:
        return None
    if NUMBERS[control] == NUMBERS[current]:
        return Comparison.CONFIRMED
    return Comparison.HIGHER if NUMBERS[control] > NUMBERS[current] else Comparison.LOWER


def mean_of(averages: Iterable[Decimal | None]) -> Decimal | None:
    """The plain mean of several averages (students' own), two places; None when none is known."""
    known = [a for a in averages if a is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(_CENTS, rounding=ROUND_HALF_UP)
