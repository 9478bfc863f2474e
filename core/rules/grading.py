"""Grading scales (SETUP-15), the special values of the journal and finals (LES-7), and the
weighted average a teacher sees before setting a final mark.

The five-point scale accepts «1» as well as «2»..«5»: many schools' regulations on current
assessment keep «1», and a school that does not use it simply never enters it, while rejecting it
would lock out those that do. «1» and «2» both fail; «3» is the lowest pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NOT_ASSESSED = "н/а"  # не аттестован / не оценён: allowed in the journal and as a final
EXEMPT = "ОСВ"  # освобождён
NOT_CERTIFIED = "НА"  # не аттестован за период
DEFERRED = "отсрочка"  # the final is postponed for an ill student

CURRENT_SPECIALS = (NOT_ASSESSED,)
FINAL_SPECIALS = (NOT_ASSESSED, EXEMPT, NOT_CERTIFIED, DEFERRED)

_CENTS = Decimal("0.01")


@dataclass(frozen=True, kw_only=True)
class GradingScale:
    """A scale of marks. ``values`` go from worst to best; ``numbers`` stand beside them and give
    what each value counts in an average (None: the value is never averaged)."""

    code: str
    name: str  # shown to users
    values: tuple[str, ...]
    numbers: tuple[int | None, ...]
    pass_from: str  # the lowest value that counts as passed

    def __post_init__(self) -> None:
        if len(self.values) != len(self.numbers):
            raise ValueError(f"scale {self.code}: every value needs its number (or None)")
        if self.pass_from not in self.values:
            raise ValueError(f"scale {self.code}: pass threshold {self.pass_from!r} is no value")

    def number(self, value: str) -> int | None:
        return self.numbers[self.values.index(value)] if value in self.values else None

    def passes(self, value: str) -> bool:
        """Whether ``value`` of this scale is a pass; special values are not."""
        return value in self.values and (
            self.values.index(value) >= self.values.index(self.pass_from)
        )


FIVE_POINT = GradingScale(
    code="five_point",
    name="Пятибалльная",
    values=("1", "2", "3", "4", "5"),
    numbers=(1, 2, 3, 4, 5),
    pass_from="3",
)
PASS_FAIL = GradingScale(
    code="pass_fail",
    name="Зачёт / незачёт",
    values=("незачёт", "зачёт"),
    numbers=(None, None),
    pass_from="зачёт",
)
SCALES: dict[str, GradingScale] = {scale.code: scale for scale in (FIVE_POINT, PASS_FAIL)}


def is_valid_current(scale: GradingScale, value: str) -> bool:
    return value in scale.values or value in CURRENT_SPECIALS


def is_valid_final(scale: GradingScale, value: str) -> bool:
    return value in scale.values or value in FINAL_SPECIALS


def canonical_value(scale: GradingScale, text: str) -> str | None:
    """The value as the journal stores it, from text typed in a spreadsheet or a message
    («зачет», « 5 », «Н/А», «осв»); None when it is no value of the scale or a special one."""
    wanted = _loose(text)
    for value in (*scale.values, *FINAL_SPECIALS):
        if _loose(value) == wanted:
            return value
    return None


def weighted_average(marks: Iterable[tuple[str, float]], scale: GradingScale) -> Decimal | None:
    """Σ(mark × weight) / Σweight over the numeric marks, rounded half-up to two places; None when
    there is nothing to average. Special values («н/а», «ОСВ», ...) are skipped; a value the
    scale does not know is a ValueError, since it means marks of another scale got mixed in."""
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        if weight < 0:
            raise ValueError(f"weight of a work type cannot be negative: {weight}")
        if value not in scale.values and value not in FINAL_SPECIALS:
            raise ValueError(f"{value!r} is not a mark of the scale {scale.name!r}")
        number = scale.number(value)
        if number is None:
            continue
        # Through str so that a weight of 1.1 is 1.1, not the binary float next to it.
        exact_weight = Decimal(str(weight))
        total += number * exact_weight
        weights += exact_weight
    if weights == 0:
        return None
    return (total / weights).quantize(_CENTS, rounding=ROUND_HALF_UP)


def suggest_final(average: Decimal | None) -> str | None:
    """The five-point final the average suggests, x.5 rounding up: 4.50 → «5», 4.49 → «4». It
    rounds the two-place average the teacher sees, so that what is shown and what is suggested
    never disagree (a raw 4.495 shows as 4.50 and suggests «5»)."""
    if average is None:
        return None
    return str(int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _loose(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")
