"""Russian words of the journal: absence letters, refusals, notes; one place to read them."""

from __future__ import annotations

from core.model.journal import AbsenceKind

ABSENCE_LETTERS = {
    AbsenceKind.ABSENT: "Н",
    AbsenceKind.ILL: "Б",
    AbsenceKind.EXCUSED: "У",
    AbsenceKind.LATE: "О",
}
ABSENCE_NAMES = {
    AbsenceKind.ABSENT: "отсутствовал(а) без уважительной причины",
    AbsenceKind.ILL: "болел(а)",
    AbsenceKind.EXCUSED: "отсутствовал(а) по уважительной причине",
    AbsenceKind.LATE: "опоздал(а)",
}
MISSED_NOTE = "тема пройдена позже: на уроке {letter}"  # LES-9

NOT_YOUR_LESSON = "Это не ваш урок: вести его может учитель, который его даёт, или завуч."
CANCELLED = "Этот урок перенесён и здесь не проводится."
PERIOD_CLOSED = (
    "Журнал закрыт: итоговые отметки за этот период уже выставлены. Исправить его можно, только "
    "если завуч откроет период заново."
)
ATTENDANCE_NOT_TODAY = (
    "Посещаемость отмечается в день урока ({day}). Исправить прошлую запись может завуч."
)
MARK_TOO_LATE = "Срок внесения этой отметки истёк {deadline}. Исправления после срока вносит завуч."
HOMEWORK_TOO_LATE = (
    "Домашнее задание задаётся на уроке или в течение {hours} ч после окончания уроков класса "
    "(срок истёк {deadline}). Обратитесь к завучу."
)
NOT_IN_GROUP = "{name} не числится в этой группе на {day}."
BAD_VALUE = "«{value}» — не отметка. Допустимо: {allowed}."
NO_SUCH_WORK_TYPE = "Такого вида работы нет в школе."
TOO_LONG = "Слишком длинный текст: {length} знаков, можно не больше {limit}."
EMPTY = "Пустой текст: напишите, пожалуйста, что нужно."
REASON_NEEDED = "Укажите причину исправления: она попадёт в журнал изменений."

MARK_DELETED = "Эта отметка уже удалена."
FUTURE_LESSON = "Этот урок ещё не начался ({day}): отметки и тему можно вносить с его дня."
NO_NEXT_LESSON = "на следующий урок"
