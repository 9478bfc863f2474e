"""Russian words of paper extracts (INF-4): refusals and what a notice was about."""

from __future__ import annotations

from core.events import EventKind

NOT_YOUR_CLASS = (
    "Выписки готовит классный руководитель класса или администрация школы "
    "(завуч, руководитель, координатор)."
)
NO_CLASS = "Обучающийся не числится ни в одном классе в эти даты."
BAD_RANGE = "Начало периода позже его конца: {start} — {end}."
TOO_LONG_RANGE = "Выписка — не больше чем за год: выбрано {days} дн., можно до {limit}."

EVENT_LABELS: dict[EventKind, str] = {
    EventKind.MARK_POSTED: "отметка",
    EventKind.MARK_CHANGED: "исправление отметки",
    EventKind.MARK_DELETED: "удаление отметки",
    EventKind.ABSENCE_MARKED: "пропуск",
    EventKind.HOMEWORK_SET: "домашнее задание",
    EventKind.LESSON_SUBSTITUTED: "замена урока",
    EventKind.LESSON_MOVED: "перенос урока",
    EventKind.CONTROL_WORK_SCHEDULED: "контрольная работа",
    EventKind.CONTROL_WORK_CHANGED: "изменение контрольной работы",
    EventKind.FINAL_MARK_SET: "итоговая отметка",
    EventKind.TEACHER_MESSAGE: "сообщение учителя",
    EventKind.TIMETABLE_CHANGED: "изменение расписания",
}
NOTICE_SUMMARY = "Уведомление: {kinds}"
NOTICE_UNKNOWN = "уведомление"
