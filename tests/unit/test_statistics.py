"""The report figures against examples computed by hand (see core/rules/statistics.py for N)."""

from __future__ import annotations

from decimal import Decimal

from core.rules.statistics import (
    ClassRates,
    Comparison,
    MarkCounts,
    Standing,
    average_of_sums,
    class_rates,
    compare,
    count_marks,
    degree_of_learning,
    mastery,
    mean_mark,
    mean_of,
    percent,
    quality_rate,
    standing,
    success_rate,
    weighted_mean,
)

# a class of 25 in one subject: 5 «5», 8 «4», 9 «3», 2 «2», 1 «н/а»
SUBJECT = ["5"] * 5 + ["4"] * 8 + ["3"] * 9 + ["2"] * 2 + ["н/а"]


def test_counts_of_a_subject() -> None:
    counts = count_marks(SUBJECT)
    assert (counts.five, counts.four, counts.three, counts.two, counts.not_assessed) == (
        5,
        8,
        9,
        2,
        1,
    )
    assert counts.counted == 25


def test_success_and_quality_of_a_subject() -> None:
    counts = count_marks(SUBJECT)
    # (5 + 8 + 9) / 25 = 88 %; (5 + 8) / 25 = 52 %
    assert success_rate(counts) == Decimal("88.0")
    assert quality_rate(counts) == Decimal("52.0")


def test_mean_mark_leaves_not_assessed_out() -> None:
    # (25 + 32 + 27 + 4) / 24 = 88 / 24 = 3.666… → 3.67
    assert mean_mark(count_marks(SUBJECT)) == Decimal("3.67")


def test_degree_of_learning() -> None:
    # (5·100 + 8·64 + 9·36 + 2·16 + 1·7) / 25 = (500 + 512 + 324 + 32 + 7) / 25 = 1375 / 25 = 55
    assert degree_of_learning(count_marks(SUBJECT)) == Decimal("55.0")


def test_exempt_and_deferred_are_left_out_of_n() -> None:
    counts = count_marks(["5", "4", "ОСВ", "отсрочка", "3"])
    assert counts.counted == 3 and counts.exempt == 1 and counts.deferred == 1
    assert success_rate(counts) == Decimal("100.0")
    # (100 + 64 + 36) / 3 = 66.67 → 66.7
    assert degree_of_learning(counts) == Decimal("66.7")


def test_not_certified_fails_like_not_assessed() -> None:
    counts = count_marks(["НА", "5", "н/а", "4"])
    assert counts.not_assessed == 2
    assert success_rate(counts) == Decimal("50.0")
    # (100 + 64 + 7 + 7) / 4 = 44.5
    assert degree_of_learning(counts) == Decimal("44.5")


def test_pass_fail_counts_for_success_not_for_quality_nor_sou() -> None:
    counts = count_marks(["зачёт", "зачёт", "незачёт", "5"])
    assert counts.counted == 4
    assert success_rate(counts) == Decimal("75.0")  # 3 / 4
    assert quality_rate(counts) == Decimal("100.0")  # 1 / 1 five-point
    assert degree_of_learning(counts) == Decimal("100.0")


def test_nothing_to_count_gives_no_figure() -> None:
    counts = count_marks(["ОСВ"])
    assert success_rate(counts) is None
    assert quality_rate(counts) is None
    assert mean_mark(counts) is None
    assert degree_of_learning(counts) is None


def test_a_tally_counts_like_the_list() -> None:
    assert count_marks({"5": 2, "2": 1}) == count_marks(["5", "5", "2"])
    assert count_marks(["5"]) + count_marks(["2"]) == count_marks(["5", "2"])


def test_mastery_as_the_regulation_defines_it() -> None:
    # a class of 4 with 5 subjects: finals not below «3» are 5 + 5 + 4 + 3 = 17 → 17 / 4 = 4.25
    assert mastery(17, 4) == Decimal("4.25")
    assert mastery(0, 0) is None


def test_standing_of_students() -> None:
    assert standing(count_marks(["5", "5", "зачёт"])) is Standing.EXCELLENT
    assert standing(count_marks(["5", "4"])) is Standing.GOOD
    assert standing(count_marks(["5", "3", "4"])) is Standing.FAIR
    assert standing(count_marks(["5", "2"])) is Standing.FAILING
    assert standing(count_marks(["5", "незачёт"])) is Standing.FAILING
    assert standing(count_marks(["5", "НА"])) is Standing.FAILING
    assert standing(count_marks(["ОСВ", "отсрочка"])) is Standing.NONE


def test_class_rates_by_student() -> None:
    # 2 отличника, 3 хорошиста, 4 с «3», 1 неуспевающий, 1 without counted finals (left out)
    rates = class_rates(
        [Standing.EXCELLENT] * 2
        + [Standing.GOOD] * 3
        + [Standing.FAIR] * 4
        + [Standing.FAILING]
        + [Standing.NONE]
    )
    assert rates == ClassRates(students=10, excellent=2, good=3, fair=4, failing=1)
    assert rates.success == Decimal("90.0")  # 9 / 10
    assert rates.quality == Decimal("50.0")  # 5 / 10


def test_weighted_mean_uses_the_weights_of_work_types() -> None:
    # «5» in an answer (1.0), «3» in a control work (2.0): (5 + 6) / 3 = 3.666… → 3.67
    assert weighted_mean([("5", 1.0), ("3", 2.0)]) == Decimal("3.67")
    # two «4» as one tally of weight 3.0 (1.5 + 1.5) and a «н/а» skipped
    assert weighted_mean([("4", 3.0), ("н/а", 1.0), ("2", 1.0)]) == Decimal("3.50")
    assert weighted_mean([("н/а", 1.0)]) is None


def test_percent_rounds_half_up() -> None:
    assert percent(1, 8) == Decimal("12.5")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 0) is None


def test_control_mark_against_current_marks() -> None:
    assert compare("4", Decimal("4.40")) is Comparison.CONFIRMED
    assert compare("4", Decimal("4.50")) is Comparison.LOWER
    assert compare("5", Decimal("3.20")) is Comparison.HIGHER
    assert compare("н/а", Decimal("3.20")) is None
    assert compare("4", None) is None


def test_counts_are_zero_by_default() -> None:
    assert MarkCounts().counted == 0


def test_averages_summed_in_the_database() -> None:
    # «5» (1.0) and «3» (2.0): points 11, weight 3 → 3.67, as weighted_mean gives
    assert average_of_sums(11.0, 3.0) == weighted_mean([("5", 1.0), ("3", 2.0)])
    assert average_of_sums(0.0, 0.0) is None


def test_mean_of_students_averages_skips_the_unknown() -> None:
    assert mean_of([Decimal("5.00"), Decimal("4.00"), Decimal("3.00"), None]) == Decimal("4.00")
    assert mean_of([None]) is None
