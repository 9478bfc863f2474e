"""What the bot says to the deputy and the timetable dispatcher: substitutions, moved lessons,
changes of the timetable and the schedule of control works. Core's refusals bring their own
Russian (core.services.substitutions_texts)."""

from __future__ import annotations

from core.model.timetable import ControlForm

WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DAY_BUTTON = "{weekday} {date}"  # «вт 08.09»
DATE_HINT = "Или пришлите дату сообщением, например: 15.09 или 15.09.2026."
BAD_DATE = "Не понял дату. Пришлите её так: 15.09 или 15.09.2026."
BTN_PREV = "◀"
BTN_NEXT = "▶"
BTN_TODAY = "Сегодня"
BTN_TOMORROW = "Завтра"

# --- substitutions and moves ------------------------------------------------------------------

DAY_TITLE = "🔁 Замены и переносы, {day}.\nВыберите урок:"
DAY_EMPTY = "🔁 Замены и переносы, {day}: уроков нет."
LESSON_BUTTON = "{number}. {group} · {subject} · {teacher}{marks}"
MARK_SUBSTITUTED = " → {substitute} (замена)"
MARK_MOVED_HERE = " (перенесён сюда)"
MARK_MOVED_AWAY = "✖ "
BTN_DAY_LESSONS = "◀ К урокам дня"

LESSON = "{group} · {subject}\n{number}-й урок, {day}{room}\nУчитель: {teacher}"
LESSON_ROOM = ", каб. {room}"
LESSON_SUBSTITUTE = "\nЗамена: ведёт {substitute}"
LESSON_MOVED_FROM = "\nПеренесён сюда с {date}, {number}-й урок"
LESSON_MOVED_AWAY = "\nУрок перенесён на другое время: здесь остаётся только запись о переносе."
BTN_SUBSTITUTE = "👤 Заменить учителя"
BTN_UNSUBSTITUTE = "↩ Отменить замену"
BTN_MOVE = "📅 Перенести урок"
BTN_TIMETABLE = "🗓 Изменить расписание с даты"
BTN_BACK_LESSON = "◀ К уроку"

FREE_TITLE = "Кто свободен: {day}, {number}-й урок.\n★ — ведёт этот предмет."
FREE_EMPTY = "В это время ({day}, {number}-й урок) свободных учителей нет."
FREE_BUTTON_SUBJECT = "★ {name}"
SUBSTITUTED = "✅ Замена оформлена: урок ведёт {name}"
UNSUBSTITUTED = "✅ Замена отменена: урок снова ведёт {name}"

MOVE_DATE_TITLE = "Перенос урока {group} · {subject} ({number}-й урок, {day}).\nНовая дата:"
MOVE_NUMBER_TITLE = "Перенос на {day}. Номер урока:"
MOVE_ROOM_TITLE = "Перенос на {day}, {number}-й урок. Кабинет:"
BTN_KEEP_ROOM = "Оставить каб. {room}"
BTN_KEEP_NO_ROOM = "Без кабинета"
ROOM_BUTTON = "каб. {room}"
MOVED = "✅ Урок перенесён."

TIMETABLE_DATE_TITLE = (
    "Изменение расписания: {group} · {subject}, {weekday}, {number}-й урок.\n"
    "С какой даты? (В боте меняется учитель; день, номер урока и кабинет меняются в файле "
    "расписания.)"
)
TIMETABLE_TEACHER_TITLE = "Кто ведёт урок с {day}?\n★ — ведёт этот предмет."
TIMETABLE_NO_TEACHERS = "С {day} в это время свободных учителей нет."
TIMETABLE_CHANGED = (
    "✅ Расписание изменено: с {day} урок ведёт {name}\nУроки, уже оформленные раньше "
    "(замены, переносы), остаются как есть — их можно изменить по одному."
)
NOT_FROM_TIMETABLE = "Этот урок не из расписания: меняйте его заменой или переносом."

# --- control works ----------------------------------------------------------------------------

FORMS = {
    ControlForm.TEST: "Контрольная работа",
    ControlForm.DICTATION: "Диктант",
    ControlForm.QUIZ: "Тестирование",
    ControlForm.ESSAY: "Сочинение / изложение",
    ControlForm.PRACTICAL: "Практическая работа",
    ControlForm.ORAL: "Устный зачёт",
    ControlForm.COMPREHENSIVE: "Комплексная работа",
}

PERIODS_TITLE = "📝 Контрольные работы. Выберите период:"
PERIODS_EMPTY = "📝 Контрольные работы: учебных периодов нет (учебный год не загружен)."
PERIOD_BUTTON = "{name} ({start} — {end})"
WORKS_TITLE = "📝 Контрольные работы, {period} ({start} — {end}):\n\n{lines}"
WORKS_EMPTY = "пока нет."
WORK_LINE = "{date} ({weekday}){number} · {group} · {subject} · {form}{topic}"
WORK_NUMBER = ", {number}-й урок"
WORK_TOPIC = " — {topic}"
WORK_BUTTON = "{date} · {group} · {subject}"
BTN_ADD = "➕ Добавить"
BTN_PERIODS = "◀ Периоды"
BTN_WORKS = "◀ К списку"
WORK = "{form}: {group} · {subject}\n{day}{number}{topic}"
WORK_CARD_TOPIC = "\nТема: {topic}"
BTN_WORK_MOVE = "📅 Перенести"
BTN_WORK_CANCEL = "✖ Отменить"

ADD_GROUP = "Новая контрольная работа. Класс или группа:"
ADD_SUBJECT = "{group}. Предмет:"
ADD_DATE = "{group} · {subject}. Дата:"
ADD_FORM = "{group} · {subject}, {day}. Форма работы:"
ADD_NUMBER = "{group} · {subject}, {day}, {form}. Номер урока:"
BTN_NO_NUMBER = "Без номера урока"
ADD_TOPIC = "Тема работы: пришлите её сообщением, или «-», чтобы без темы."
ADDED = "✅ Контрольная работа добавлена: {line}"
ADDED_ELSEWHERE = "✅ Контрольная работа добавлена на {day} — она в списке другого периода."

MOVE_WORK_DATE = "Перенос: {line}\nНовая дата:"
MOVE_WORK_NUMBER = "Перенос на {day}. Номер урока:"
WORK_MOVED = "✅ Контрольная работа перенесена: {line}"
MOVED_ELSEWHERE = "✅ Контрольная работа перенесена на {day} — теперь она в списке другого периода."
CANCEL_ASK = (
    "Отмена: {line}\nНапишите причину отмены одним сообщением (она попадёт в журнал изменений)."
)
WORK_CANCELLED = "✅ Контрольная работа отменена: {line}"
