"""Marks of a lesson typed as one message: both forms, and every way a message can be unclear."""

from __future__ import annotations

import random
import time

import pytest

from core.rules.grading import FIVE_POINT, PASS_FAIL
from core.rules.mark_text import (
    MAX_CHARS,
    MAX_PROBLEMS,
    ParsedMarks,
    RosterEntry,
    parse_marks,
)

ALLOWED = "допустимы 1, 2, 3, 4, 5, н/а"

# A group of six in the order of the journal, with two Ивановы, an «ё» in a last name and in a
# first name, and a student without a middle name.
ALEKSEEVA = RosterEntry(101, "Алексеева", "Дарья", "Игоревна")
IVANOV_A = RosterEntry(102, "Иванов", "Артём", "Сергеевич")
IVANOV_B = RosterEntry(103, "Иванов", "Борис", "Петрович")
PETROVA = RosterEntry(104, "Петрова", "Мария", None)
SEMYONOV = RosterEntry(105, "Семёнов", "Олег", "Ильич")
YAKOVLEVA = RosterEntry(106, "Яковлева", "Алёна", "Андреевна")
ROSTER = (ALEKSEEVA, IVANOV_A, IVANOV_B, PETROVA, SEMYONOV, YAKOVLEVA)


def parse(text: str, roster: tuple[RosterEntry, ...] = ROSTER) -> ParsedMarks:
    return parse_marks(text, roster, FIVE_POINT)


def marks_of(text: str, roster: tuple[RosterEntry, ...] = ROSTER) -> list[tuple[int, str]]:
    """The marks of a message that must be understood without a single problem."""
    result = parse(text, roster)
    assert result.problems == []
    assert result.ok
    return result.marks


def problems_of(text: str, roster: tuple[RosterEntry, ...] = ROSTER) -> list[str]:
    """The problems of a message that must be refused; all or nothing: no mark comes back."""
    result = parse(text, roster)
    assert result.problems
    assert not result.ok
    assert result.marks == []
    return result.problems


# --- roster order -------------------------------------------------------------------------------


def test_roster_order_with_spaces_and_a_skip() -> None:
    assert marks_of("5 4 - 3") == [(101, "5"), (102, "4"), (104, "3")]


@pytest.mark.parametrize(
    "text",
    [
        "5,4,.,3",
        "5, 4, -, 3",
        "5;4;-;3",
        "5\n4\n-\n3",
        "5\r\n4\r\n.\r\n3\r\n",
        "5, 4\n- 3",
        "  5   4\t-   3  ",
        "5 4 — 3",  # the phone turned «-» into a long dash
        "5 4 – 3.",  # and the teacher ended the sentence
        "5 4 - 3,",
    ],
)
def test_roster_order_separators(text: str) -> None:
    assert marks_of(text) == [(101, "5"), (102, "4"), (104, "3")]


def test_roster_order_for_everyone() -> None:
    assert marks_of("5 4 3 2 1 5") == [
        (101, "5"),
        (102, "4"),
        (103, "3"),
        (104, "2"),
        (105, "1"),
        (106, "5"),
    ]


def test_fewer_values_than_students_leave_the_rest_without_marks() -> None:
    assert marks_of("4") == [(101, "4")]
    assert marks_of(". . . . . 5") == [(106, "5")]


def test_not_assessed_is_a_current_mark_in_any_case() -> None:
    assert marks_of("н/а Н/А 5") == [(101, "н/а"), (102, "н/а"), (103, "5")]


def test_pass_fail_scale_in_roster_order() -> None:
    result = parse_marks("зачёт незачет - ЗАЧЕТ н/а", ROSTER, PASS_FAIL)
    assert result.problems == []
    assert result.marks == [(101, "зачёт"), (102, "незачёт"), (104, "зачёт"), (105, "н/а")]


def test_control_and_invisible_characters_are_ignored() -> None:
    # NUL, BEL, a zero-width space and a bidi mark, as pasted from other apps.
    assert marks_of("5 \x00\x07-\u200b 4\u200f") == [(101, "5"), (103, "4")]


def test_too_many_values() -> None:
    assert problems_of("5 4 3 2 1 5 4") == ["Значений 7, а учеников в списке 6"]


def test_too_many_values_comes_first_and_wrong_values_beyond_the_list_are_numbered() -> None:
    assert problems_of("5 4 3 2 1 5 4 5+") == [
        "Значений 8, а учеников в списке 6",
        "№ 8: „5+“ — отметки с плюсом или минусом не ставятся: " + ALLOWED,
    ]


def test_plus_names_the_token_the_position_and_the_student() -> None:
    assert problems_of("5 4 5+") == [
        "№ 3 (Иванов Б. П.): „5+“ — отметки с плюсом или минусом не ставятся: " + ALLOWED
    ]


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("5+", "отметки с плюсом или минусом не ставятся"),
        ("4-", "отметки с плюсом или минусом не ставятся"),
        ("+5", "отметки с плюсом или минусом не ставятся"),
        ("3--", "отметки с плюсом или минусом не ставятся"),
        ("5/4", "двойные отметки не ставятся, у ученика одна отметка за раз"),
        ("5\\4", "двойные отметки не ставятся, у ученика одна отметка за раз"),
        ("6", "не отметка"),
        ("0", "не отметка"),  # «0» is no skip: on this scale it would read as a mark
        ("10", "не отметка"),
        ("5а", "не отметка"),
        ("отл", "не отметка"),
        ("зачёт", "не отметка"),  # a value of another scale
        ("?", "не отметка"),
        ("...", "не отметка"),
    ],
)
def test_values_that_are_no_current_mark(token: str, reason: str) -> None:
    assert problems_of(f"5 {token} 4") == [f"№ 2 (Иванов А. С.): „{token}“ — {reason}: {ALLOWED}"]


@pytest.mark.parametrize("token", ["ОСВ", "осв", "НА", "отсрочка"])
def test_final_only_values_are_refused_for_a_lesson(token: str) -> None:
    assert problems_of(token) == [
        f"№ 1 (Алексеева Д. И.): „{token}“ — так пишут только итоговую отметку; за урок {ALLOWED}"
    ]


@pytest.mark.parametrize("token", ["н", "Н", "нб", "н/б", "б"])
def test_absence_is_not_a_mark(token: str) -> None:
    assert problems_of(f"{token} 5") == [
        f"№ 1 (Алексеева Д. И.): „{token}“ — пропуск урока отмечается в посещаемости, "
        "а не отметкой; чтобы оставить ученика без отметки, поставьте «-»"
    ]


def test_an_empty_place_between_commas_is_not_guessed() -> None:
    # «5, , 4» may mean a skipped student: dropping the gap would shift every later mark.
    assert problems_of("5, , 4\n3") == [
        "„5, , 4“ — пустое место между запятыми: если ученик без отметки, поставьте «-»"
    ]


def test_all_students_skipped_is_reported() -> None:
    assert problems_of("- . -") == ["В сообщении нет ни одной отметки: все ученики пропущены"]


def test_every_problem_is_reported_at_once_and_nothing_is_stored() -> None:
    assert problems_of("5 5+ 4 6 3") == [
        "№ 2 (Иванов А. С.): „5+“ — отметки с плюсом или минусом не ставятся: " + ALLOWED,
        "№ 4 (Петрова М.): „6“ — не отметка: " + ALLOWED,
    ]


def test_pass_fail_scale_refuses_numbers_and_abbreviations() -> None:
    # Grading does not read «зач» as «зачёт», so neither does the message.
    result = parse_marks("зач 5 незач", ROSTER, PASS_FAIL)
    allowed = "допустимы незачёт, зачёт, н/а"
    assert result.marks == []
    assert result.problems == [
        f"№ 1 (Алексеева Д. И.): „зач“ — не отметка: {allowed}",
        f"№ 2 (Иванов А. С.): „5“ — не отметка: {allowed}",
        f"№ 3 (Иванов Б. П.): „незач“ — не отметка: {allowed}",
    ]


def test_an_unknown_word_in_roster_order_is_a_wrong_value() -> None:
    assert problems_of("5 4 Сидоров") == ["№ 3 (Иванов Б. П.): „Сидоров“ — не отметка: " + ALLOWED]


# --- pairs «Фамилия отметка» ---------------------------------------------------------------------


def test_pairs_by_last_name() -> None:
    assert marks_of("Петрова 5, Алексеева 4") == [(101, "4"), (104, "5")]


def test_pairs_come_back_in_roster_order_whatever_the_order_typed() -> None:
    assert marks_of("Яковлева 3\nАлексеева 5\nСемёнов 4") == [(101, "5"), (105, "4"), (106, "3")]


@pytest.mark.parametrize(
    "text",
    [
        "Иванов А. 5, Иванов Б. 4",
        "Иванов А 5; Иванов Б 4",
        "Иванов А.С. 5\nИванов Б. П. 4",
        "Иванов Артём 5\nИванов Борис 4",
        "Иванов Артём Сергеевич 5, Иванов Борис Петрович 4",
        "Иванов Артем 5, иванов борис 4",
        "ИВАНОВ А. 5 ИВАНОВ Б. 4",  # several pairs on one line
        "А. С. Иванов 5, Б. П. Иванов 4",
    ],
)
def test_pairs_with_initials_or_full_names(text: str) -> None:
    assert marks_of(text) == [(102, "5"), (103, "4")]


@pytest.mark.parametrize(
    "text",
    [
        "Семенов 3, Яковлева Алена 4",
        "СЕМЁНОВ 3, ЯКОВЛЕВА АЛЁНА 4",
        "семенов о. 3\nяковлева а. а. 4",
        "Семёнов — 3\nЯковлева Алёна: 4",
        "Семенов - 3; Яковлева Алена-4",
        "Семенов:3 Яковлева Алена4",
        "Семенов 3.\nЯковлева А.4",
        "Семенов 3, Яковле\u200bва 4",  # a zero-width space pasted in
    ],
)
def test_pairs_ignore_case_yo_and_decoration(text: str) -> None:
    assert marks_of(text) == [(105, "3"), (106, "4")]


def test_pairs_with_not_assessed_and_an_explicit_skip() -> None:
    assert marks_of("Петрова н/а, Алексеева -, Семёнов 5") == [(104, "н/а"), (105, "5")]


def test_pairs_on_the_pass_fail_scale() -> None:
    result = parse_marks("Петрова зачёт\nСеменов незачет", ROSTER, PASS_FAIL)
    assert result.problems == []
    assert result.marks == [(104, "зачёт"), (105, "незачёт")]


def test_a_wrong_mark_in_a_pair_quotes_the_pair() -> None:
    assert problems_of("Иванов А. 6") == ["„Иванов А. 6“ — не отметка: " + ALLOWED]


def test_plus_and_double_marks_in_pairs() -> None:
    assert problems_of("Петрова 5+\nСеменов 5/4") == [
        "„Петрова 5+“ — отметки с плюсом или минусом не ставятся: " + ALLOWED,
        "„Семенов 5/4“ — двойные отметки не ставятся, у ученика одна отметка за раз: " + ALLOWED,
    ]


def test_a_name_without_a_mark() -> None:
    assert problems_of("Петров") == ["„Петров“ — нет отметки после фамилии"]
    assert problems_of("Алексеева 5, Петрова") == ["„Петрова“ — нет отметки после фамилии"]


def test_an_abbreviation_after_a_name_is_a_wrong_mark_not_a_missing_one() -> None:
    assert problems_of("Петрова отл") == ["„Петрова отл“ — не отметка: " + ALLOWED]


def test_absence_after_a_name() -> None:
    assert problems_of("Петрова н") == [
        "„Петрова н“ — пропуск урока отмечается в посещаемости, а не отметкой; "
        "чтобы оставить ученика без отметки, поставьте «-»"
    ]


def test_a_letter_after_a_name_is_an_initial_when_it_names_someone() -> None:
    # «Иванов Б» is Борис, so «б» here is no «болен».
    assert marks_of("Иванов Б 4") == [(103, "4")]
    assert problems_of("Иванов Б") == ["„Иванов Б“ — нет отметки после фамилии"]


def test_an_unknown_name() -> None:
    assert problems_of("Сидоров 5") == ["„Сидоров 5“ — такого ученика нет в этом классе/группе"]
    assert problems_of("Петрова 5, Иванов В. 4") == [
        "„Иванов В. 4“ — такого ученика нет в этом классе/группе"
    ]


def test_an_unknown_name_with_a_wrong_mark_reports_both() -> None:
    assert problems_of("Сидоров 6") == [
        "„Сидоров 6“ — такого ученика нет в этом классе/группе",
        "„Сидоров 6“ — не отметка: " + ALLOWED,
    ]


def test_an_ambiguous_last_name_lists_the_candidates_and_how_to_write_one() -> None:
    assert problems_of("Иванов 5") == [
        "„Иванов 5“ — подходит нескольким: Иванов Артём, Иванов Борис; напишите «Иванов А. 5»"
    ]


def test_an_ambiguous_initial_suggests_the_next_thing_that_tells_them_apart() -> None:
    alexey = RosterEntry(107, "Иванов", "Алексей", "Дмитриевич")
    roster = (*ROSTER, alexey)
    assert problems_of("Иванов А. 4", roster) == [
        "„Иванов А. 4“ — подходит нескольким: Иванов Артём, Иванов Алексей; "
        "напишите «Иванов А. С. 4»"
    ]
    assert marks_of("Иванов А. Д. 4", roster) == [(107, "4")]

    alexey_sergeevich = RosterEntry(107, "Иванов", "Алексей", "Сергеевич")
    roster = (*ROSTER, alexey_sergeevich)
    assert problems_of("Иванов А. С. 4", roster) == [
        "„Иванов А. С. 4“ — подходит нескольким: Иванов Артём, Иванов Алексей; "
        "напишите «Иванов Артём 4»"
    ]


def test_namesakes_in_full_are_sent_to_roster_order() -> None:
    twin = RosterEntry(107, "Иванов", "Артём", "Игоревич")
    same = RosterEntry(108, "Иванов", "Артём", "Сергеевич")
    assert problems_of("Иванов Артём 5", (*ROSTER, twin)) == [
        "„Иванов Артём 5“ — подходит нескольким: Иванов Артём Сергеевич, Иванов Артём Игоревич; "
        "напишите «Иванов А. С. 5»"
    ]
    assert problems_of("Иванов Артём Сергеевич 5", (*ROSTER, same)) == [
        "„Иванов Артём Сергеевич 5“ — подходит нескольким: Иванов Артём Сергеевич, "
        "Иванов Артём Сергеевич; у них одинаковые ФИО, поставьте им отметки по порядку списка "
        "или кнопками"
    ]


def test_the_same_student_twice() -> None:
    assert problems_of("Петрова 5, петрова 4") == [
        "„петрова 4“ — Петрова Мария уже есть в этом сообщении („Петрова 5“): "
        "по одной отметке на ученика"
    ]


def test_the_same_student_twice_under_different_names() -> None:
    assert problems_of("Иванов А. 5\nИванов Артём Сергеевич 5") == [
        "„Иванов Артём Сергеевич 5“ — Иванов Артём уже есть в этом сообщении („Иванов А. 5“): "
        "по одной отметке на ученика"
    ]
    # A skip is a mention too: «-» and «4» for one student contradict each other.
    assert len(problems_of("Семёнов -, Семенов 4")) == 1


def test_an_unresolved_pair_gives_its_mark_to_nobody() -> None:
    # An ambiguous, unknown or repeated name gives one problem and lends its mark to no one.
    for text in ("Петрова 5, Иванов 2", "Петрова 5, Сидоров 2", "Петрова 5, Петрова 2"):
        result = parse(text)
        assert result.marks == []
        assert len(result.problems) == 1


def test_a_second_mark_after_a_name() -> None:
    assert problems_of("Петрова 5 4") == [
        "„Петрова 5 4“ — отметка «4» без фамилии: пишите «Фамилия отметка» для каждого"
    ]


def test_every_problem_of_pairs_at_once_in_the_order_they_stand() -> None:
    problems = problems_of("Иванов 5\nИванов А. 6\nПетров\nСидоров 4\nАлексеева 5, Алексеева 4")
    assert problems == [
        "„Иванов 5“ — подходит нескольким: Иванов Артём, Иванов Борис; напишите «Иванов А. 5»",
        "„Иванов А. 6“ — не отметка: " + ALLOWED,
        "„Петров“ — нет отметки после фамилии",
        "„Сидоров 4“ — такого ученика нет в этом классе/группе",
        "„Алексеева 4“ — Алексеева Дарья уже есть в этом сообщении („Алексеева 5“): "
        "по одной отметке на ученика",
    ]


# --- one form per message ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "pair"),
    [
        ("5 4 3\nПетрова 5", "5 4 3", "Петрова 5"),
        ("5 4 Петрова 3", "5 4", "Петрова 3"),
        ("5 4 Петрова", "5 4", "Петрова"),  # a name from the list, even without a mark
        ("Петрова 5, 4, 3", "4", "Петрова 5"),
        ("Петрова 5\n4 3", "4 3", "Петрова 5"),
    ],
)
def test_mixed_forms_are_refused(text: str, values: str, pair: str) -> None:
    assert problems_of(text) == [
        f"В одном сообщении и отметки по порядку списка („{values}“), и «Фамилия отметка» "
        f"(„{pair}“): напишите что-то одно"
    ]


# --- hostile and empty input ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n", ",;,", "\x00\x1b\u200b\ufeff"])
def test_empty_message(text: str) -> None:
    assert problems_of(text) == [
        "Сообщение пустое: напишите отметки по порядку списка («5 4 - 3») "
        "или «Фамилия отметка» («Иванов 5, Петрова 4»)"
    ]


def test_a_long_message_is_refused_fast() -> None:
    text = "Иванов А. 5, " * 400  # 5,200 characters
    started = time.perf_counter()
    problems = problems_of(text)
    # refused by its length before any parsing: microseconds; the bound only catches a parse of
    # the whole text (a catastrophic pattern would take minutes), not a slow machine
    assert time.perf_counter() - started < 1.0
    assert problems == [
        f"Сообщение слишком длинное ({len(text)} знаков, можно не больше {MAX_CHARS}): "
        "разбейте его на несколько сообщений"
    ]


def test_the_limit_itself_is_allowed() -> None:
    text = "5" + " " * (MAX_CHARS - 1)
    assert len(text) == MAX_CHARS
    assert marks_of(text) == [(101, "5")]


@pytest.mark.parametrize(
    "text",
    [
        "5+ " * (MAX_CHARS // 3),
        "Петрова 5, " * (MAX_CHARS // 11),
        "Иванов " * (MAX_CHARS // 7),
        "Сидоров 6\n" * (MAX_CHARS // 10),
        "я" * MAX_CHARS,
    ],
)
def test_a_hostile_message_within_the_limit_gets_a_short_answer(text: str) -> None:
    started = time.perf_counter()
    problems = problems_of(text)
    assert time.perf_counter() - started < 3.0  # linear parsing, not a catastrophic pattern
    # Problems are capped and quotes shortened, so the answer fits into one Telegram message.
    assert len(problems) <= MAX_PROBLEMS + 1
    assert sum(len(problem) + 1 for problem in problems) < 4096
    assert all(len(problem) < 300 for problem in problems)


def test_problems_beyond_the_cap_are_counted() -> None:
    problems = problems_of(" ".join(["6"] * 6 + ["7"] * 9))
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0] == "Значений 15, а учеников в списке 6"
    assert problems[-1] == f"…и ещё замечаний: {15 + 1 - MAX_PROBLEMS}"


def test_a_long_quote_is_shortened() -> None:
    name = "Иванов " * 20
    assert problems_of(name) == [f"„{name[:59].rstrip()}…“ — нет отметки после фамилии"]


def test_an_empty_roster() -> None:
    assert problems_of("5", ()) == ["Значений 1, а учеников в списке 0"]
    assert problems_of("Петрова 5", ()) == ["„Петрова 5“ — такого ученика нет в этом классе/группе"]


def test_random_input_never_breaks_the_rule() -> None:
    # Whatever arrives, the answer is either marks of students of the list or problems, never both
    # and never an exception.
    alphabet = "54321-.,;: \n\t+/\\нНаАиИвоВ/ёЁ\x00\u200b" + "Иванов Петрова Семёнов"
    ids = {entry.student_id for entry in ROSTER}
    generator = random.Random(20240901)
    for _ in range(2000):
        text = "".join(generator.choices(alphabet, k=generator.randint(0, 60)))
        result = parse(text)
        assert bool(result.marks) != bool(result.problems), text
        assert {student_id for student_id, _ in result.marks} <= ids
        assert len({student_id for student_id, _ in result.marks}) == len(result.marks)
