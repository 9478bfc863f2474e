"""Russian texts of the marks a teacher types as one message (core.rules.mark_text), in one place.

Every problem quotes the piece of the message it is about in „…“, so that a teacher can find it at
a glance; «…» quotes what the teacher should type instead.
"""

from __future__ import annotations

EMPTY = (
    "Сообщение пустое: напишите отметки по порядку списка («5 4 - 3») "
    "или «Фамилия отметка» («Иванов 5, Петрова 4»)"
)
TOO_LONG = (
    "Сообщение слишком длинное ({length} знаков, можно не больше {limit}): "
    "разбейте его на несколько сообщений"
)
NOTHING = "В сообщении нет ни одной отметки: все ученики пропущены"
MIXED = (
    "В одном сообщении и отметки по порядку списка („{values}“), и «Фамилия отметка» "
    "(„{pair}“): напишите что-то одно"
)
MORE_PROBLEMS = "…и ещё замечаний: {count}"

# Values. {what} is the quoted token in roster order, the whole pair «Иванов 6» in pairs.
NOT_A_MARK = "„{what}“ — не отметка: допустимы {allowed}"
PLUS_MINUS = "„{what}“ — отметки с плюсом или минусом не ставятся: допустимы {allowed}"
DOUBLE_MARK = (
    "„{what}“ — двойные отметки не ставятся, у ученика одна отметка за раз: допустимы {allowed}"
)
FINAL_ONLY = "„{what}“ — так пишут только итоговую отметку; за урок допустимы {allowed}"
ABSENCE = (
    "„{what}“ — пропуск урока отмечается в посещаемости, а не отметкой; "
    "чтобы оставить ученика без отметки, поставьте «-»"
)

# Roster order.
POSITION = "№ {number} ({name}): {problem}"
POSITION_BEYOND = "№ {number}: {problem}"
TOO_MANY = "Значений {values}, а учеников в списке {students}"
GAP = "„{line}“ — пустое место между запятыми: если ученик без отметки, поставьте «-»"

# Pairs «Фамилия отметка».
NO_MARK = "„{name}“ — нет отметки после фамилии"
WITHOUT_NAME = "„{item}“ — отметка «{value}» без фамилии: пишите «Фамилия отметка» для каждого"
UNKNOWN = "„{pair}“ — такого ученика нет в этом классе/группе"
AMBIGUOUS = "„{pair}“ — подходит нескольким: {candidates}; напишите «{hint}»"
AMBIGUOUS_TWINS = (
    "„{pair}“ — подходит нескольким: {candidates}; у них одинаковые ФИО, "
    "поставьте им отметки по порядку списка или кнопками"
)
DUPLICATE = (
    "„{pair}“ — {student} уже есть в этом сообщении („{first}“): по одной отметке на ученика"
)
