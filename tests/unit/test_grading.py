from __future__ import annotations

from decimal import Decimal

import pytest

from core.model.school import Subject
from core.rules.grading import (
    DEFERRED,
    EXEMPT,
    FIVE_POINT,
    NOT_ASSESSED,
    NOT_CERTIFIED,
    PASS_FAIL,
    SCALES,
    GradingScale,
    canonical_value,
    is_valid_current,
    is_valid_final,
    suggest_final,
    weighted_average,
)


def test_registry_holds_the_default_scale_of_a_subject_and_pass_fail() -> None:
    algebra = Subject(school_id=1, name="Алгебра", short_name="Алг")

    assert SCALES[algebra.grading_scale] is FIVE_POINT
    assert SCALES["pass_fail"] is PASS_FAIL
    assert FIVE_POINT.name == "Пятибалльная"
    assert PASS_FAIL.name == "Зачёт / незачёт"


@pytest.mark.parametrize("value", ["1", "2", "3", "4", "5", "н/а"])
def test_five_point_current_marks(value: str) -> None:
    assert is_valid_current(FIVE_POINT, value)


@pytest.mark.parametrize("value", ["0", "6", "5+", "4-", "зачёт", "ОСВ", "НА", "отсрочка", ""])
def test_not_a_current_five_point_mark(value: str) -> None:
    assert not is_valid_current(FIVE_POINT, value)


def test_finals_allow_exempt_not_certified_and_deferral() -> None:
    for value in ("5", "2", NOT_ASSESSED, EXEMPT, NOT_CERTIFIED, DEFERRED):
        assert is_valid_final(FIVE_POINT, value)
    assert is_valid_final(PASS_FAIL, "зачёт")
    assert is_valid_final(PASS_FAIL, EXEMPT)
    assert not is_valid_final(PASS_FAIL, "5")
    assert not is_valid_final(FIVE_POINT, "зачёт")


def test_pass_fail_current_marks() -> None:
    assert is_valid_current(PASS_FAIL, "зачёт")
    assert is_valid_current(PASS_FAIL, "незачёт")
    assert not is_valid_current(PASS_FAIL, "зачет")  # stored spelling only; see canonical_value
    assert not is_valid_current(PASS_FAIL, "3")


def test_pass_threshold() -> None:
    assert [v for v in FIVE_POINT.values if FIVE_POINT.passes(v)] == ["3", "4", "5"]
    assert PASS_FAIL.passes("зачёт")
    assert not PASS_FAIL.passes("незачёт")
    assert not FIVE_POINT.passes(EXEMPT)


def test_typed_values_come_to_their_stored_spelling() -> None:
    assert canonical_value(PASS_FAIL, "Зачет") == "зачёт"
    assert canonical_value(PASS_FAIL, " незачет ") == "незачёт"
    assert canonical_value(FIVE_POINT, " 5 ") == "5"
    assert canonical_value(FIVE_POINT, "Н/А") == NOT_ASSESSED
    assert canonical_value(FIVE_POINT, "на") == NOT_CERTIFIED
    assert canonical_value(FIVE_POINT, "осв") == EXEMPT
    assert canonical_value(FIVE_POINT, "Отсрочка") == DEFERRED
    assert canonical_value(FIVE_POINT, "5+") is None


def test_plain_average_of_a_quarter() -> None:
    marks = [("5", 1.0), ("4", 1.0), ("4", 1.0)]

    assert weighted_average(marks, FIVE_POINT) == Decimal("4.33")


def test_a_control_work_weighs_more_than_an_answer_in_class() -> None:
    # «Ответ на уроке» weight 1, «Контрольная работа» weight 2
    marks = [("5", 1.0), ("5", 1.0), ("3", 2.0)]

    assert weighted_average(marks, FIVE_POINT) == Decimal("4.00")


def test_average_rounds_half_up_not_to_even() -> None:
    # 4 + 1/8 = 4.125 exactly: half-up gives 4.13 where banker's rounding would give 4.12
    marks = [("5", 1.0)] + [("4", 1.0)] * 7

    assert weighted_average(marks, FIVE_POINT) == Decimal("4.13")


def test_decimal_weights_are_taken_as_typed() -> None:
    assert weighted_average([("5", 1.1), ("4", 1.1), ("3", 0.2)], FIVE_POINT) == Decimal("4.38")


def test_special_values_are_left_out_of_the_average() -> None:
    marks = [("5", 1.0), (NOT_ASSESSED, 1.0), ("4", 1.0), (EXEMPT, 2.0)]

    assert weighted_average(marks, FIVE_POINT) == Decimal("4.50")


def test_no_average_without_numeric_marks() -> None:
    assert weighted_average([], FIVE_POINT) is None
    assert weighted_average([(NOT_ASSESSED, 1.0)], FIVE_POINT) is None
    assert weighted_average([("зачёт", 1.0), ("незачёт", 1.0)], PASS_FAIL) is None
    assert weighted_average([("5", 0.0)], FIVE_POINT) is None


def test_marks_of_another_scale_or_negative_weights_are_errors() -> None:
    with pytest.raises(ValueError):
        weighted_average([("5", 1.0), ("зачёт", 1.0)], FIVE_POINT)
    with pytest.raises(ValueError):
        weighted_average([("5", -1.0)], FIVE_POINT)


@pytest.mark.parametrize(
    ("average", "final"),
    [("4.50", "5"), ("4.49", "4"), ("3.50", "4"), ("2.51", "3"), ("2.49", "2"), ("5.00", "5")],
)
def test_suggested_final_rounds_x_5_up(average: str, final: str) -> None:
    assert suggest_final(Decimal(average)) == final


def test_no_suggestion_without_an_average() -> None:
    assert suggest_final(None) is None


def test_suggestion_follows_the_average_the_teacher_sees() -> None:
    # raw 4.495 is shown as 4.50, so the suggestion is «5», not «4»
    marks = [("5", 0.495), ("4", 0.505)]
    average = weighted_average(marks, FIVE_POINT)

    assert average == Decimal("4.50")
    assert suggest_final(average) == "5"


def test_a_scale_must_name_a_number_for_every_value_and_a_real_threshold() -> None:
    with pytest.raises(ValueError):
        GradingScale(code="x", name="x", values=("1", "2"), numbers=(1,), pass_from="2")
    with pytest.raises(ValueError):
        GradingScale(code="x", name="x", values=("1", "2"), numbers=(1, 2), pass_from="3")
