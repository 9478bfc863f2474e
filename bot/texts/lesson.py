"""What the bot says in a lesson: the teacher's list, the lesson card, attendance, marks, topic,
homework and messages to guardians."""

from __future__ import annotations

LESSONS_TITLE = "Ваши уроки, {day}:"
LESSONS_EMPTY = "{day}: уроков по расписанию нет."
LESSON_BUTTON = "{number}. {group} · {subject}{marks}"
SUBSTITUTE = " (замена)"
DONE_MARKS = " {att}{topic}{hw}"
ATT_DONE = "👥"
TOPIC_DONE = "📝"
HW_DONE = "📚"
PREV_DAY = "◀"
NEXT_DAY = "▶"

CARD = (
    "{group} · {subject}\n{number}-й урок, {day}{room}{substitute}\n\n"
    "Посещаемость: {attendance}\nТема: {topic}\nДомашнее задание: {homework}"
)
CARD_ROOM = ", каб. {room}"
CARD_SUBSTITUTE = "\nВы ведёте урок на замене."
NOT_TAKEN = "не отмечена"
ALL_PRESENT = "все присутствовали"
ABSENT_LIST = "{list}"
NO_TOPIC = "не указана"
NO_HOMEWORK = "не задано"
HOMEWORK_SET = "задано на {day}"

BTN_ATTENDANCE = "👥 Посещаемость"
BTN_MARKS = "✏️ Отметки"
BTN_TOPIC = "📝 Тема"
BTN_HOMEWORK = "📚 Домашнее задание"
BTN_MESSAGE = "✉️ Сообщение родителям"
BTN_BACK = "◀ К уроку"
BTN_LESSONS = "◀ Мои уроки"

ATTENDANCE_TITLE = (
    "Посещаемость: {group}, {subject}, {day}.\n"
    "Нажмите на ученика: Н → Б → У → О → присутствует. Затем «Сохранить»."
)
BTN_ALL_PRESENT = "✅ Все присутствуют"
BTN_SAVE = "💾 Сохранить"
ATTENDANCE_SAVED = "Посещаемость сохранена: {summary}."

WORK_TYPE_TITLE = "Отметки: {group}, {subject}. Выберите вид работы:"
MARKS_TITLE = (
    "Отметки «{work_type}»: {group}, {subject}.\n"
    "Нажмите на ученика, затем на отметку. Или пришлите одним сообщением: «5 4 - 3» по порядку "
    "списка или «Фамилия 5» через запятую."
)
BTN_OTHER_WORK_TYPE = "Другой вид работы"
VALUE_TITLE = "{student} — отметка за «{work_type}»:"
BTN_CANCEL_VALUE = "✖ Назад"
BTN_FIX = "✏️ Исправить или удалить"
MARK_POSTED = "{student}: {value}"
FIX_TITLE = "{student}: какую отметку исправить?"
FIX_MARK = "{value} · {work_type}"
FIX_VALUE_TITLE = "Отметка {value} ({student}). Новое значение или удаление:"
BTN_DELETE = "🗑 Удалить"
REASON_ASK = "Напишите причину исправления одним сообщением (она попадёт в журнал изменений)."
MARK_CHANGED = "Исправлено: {student} {before} → {value}."
MARK_DELETED = "Удалено: {student} {before}."
TEXT_MARKS_SAVED = "Сохранено отметок: {count}."
TEXT_MARKS_PROBLEMS = "Ничего не сохранено — поправьте и пришлите заново:\n{problems}"

TOPIC_TITLE = "Тема урока. Следующая по КТП — одной кнопкой, или пришлите тему текстом."
TOPIC_NO_PLAN = "Пришлите тему урока текстом (в КТП больше нет тем)."
TOPIC_SAVED = "Тема записана: {topic}"

HOMEWORK_ASK = (
    "Пришлите домашнее задание: текстом (страницы, номера упражнений, как выполнять), можно "
    "с фото или файлом (подпись — текст задания). Оно будет задано на следующий урок группы."
)
HOMEWORK_SAVED = "Домашнее задание записано на {day}{files}."
HOMEWORK_FILES = ", вложений: {count}"

MESSAGE_WHOM = "Кому написать?"
BTN_WHOLE_GROUP = "Родителям всей группы"
MESSAGE_ASK = "Напишите сообщение для родителей ({whom}) одним сообщением."
MESSAGE_SENT = "Сообщение принято и будет доставлено родителям ({whom})."
WHOLE_GROUP = "вся группа {group}"
