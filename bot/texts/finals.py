"""What the bot says about period finals (LES-7, LES-8) and reopening a closed period."""

from __future__ import annotations

# --- the teacher: choosing a sheet ---------------------------------------------------------

ASSIGNMENTS_TITLE = "Итоговые отметки. Выберите группу и предмет:"
ASSIGNMENTS_NONE = "В вашей нагрузке нет групп: итоговые отметки выставлять некому."
ASSIGNMENT_BUTTON = "{group} · {subject}"
PERIODS_TITLE = "{group} · {subject}. За какой период?"
PERIODS_NONE = "Для этой группы не заданы учебные периоды. Обратитесь к координатору."
PERIOD_BUTTON = "{period} ({start}–{end})"
BTN_BACK = "◀ Назад"

# --- the sheet -----------------------------------------------------------------------------

SHEET_TITLE = "Итоговые отметки: {group} · {subject} · {period}"
SHEET_LEGEND = "ср. — средний взвешенный балл → предложенная отметка"
SHEET_LINE = "{name} — ср. {average}{suggested} (итог: {final})"
SHEET_SUGGESTED = " → {value}"
SHEET_NONE = "—"
SHEET_EMPTY = "В группе нет учеников на конец периода."
SHEET_CLOSED = "🔒 Журнал закрыт: итоговые отметки выставлены."
SHEET_NOT_YET = "Итоговые отметки выставляются в последнюю неделю периода — с {day}."
SHEET_READ_ONLY = "Только просмотр."
SHEET_HOW = "Нажмите на ученика, чтобы выставить или изменить его итоговую отметку."
BTN_ACCEPT_ALL = "✅ Принять все предложенные"
STUDENT_BUTTON = "{name}: {final}"

VALUE_TITLE = (
    "{name} — ср. {average}{suggested}. Итоговая сейчас: {final}.\n"
    "Выберите итоговую отметку (ОСВ — освобождён, НА — не аттестован, "
    "отсрочка — аттестация позже, н/а — не оценён):"
)
STUDENT_GONE = "Этого ученика нет в ведомости. Откройте её заново."

SAVED = "Сохранено итоговых отметок: {count}."
SAVED_ONE = "Итоговая отметка: {value}."
UNCHANGED = "Ничего не изменилось."
SHEET_REFRESHED = "Ведомость обновлена — проверьте её и нажмите ещё раз."
PERIOD_CLOSED = (
    "Журнал группы {group} ({subject}) за период «{period}» закрыт: итоговые отметки "
    "выставлены. Изменить его можно, только если завуч откроет период заново."
)

# --- the deputy: reopening a closed period -------------------------------------------------

LOCKS_TITLE = "Закрытые периоды. Какой открыть заново?"
LOCKS_NONE = "Закрытых периодов нет."
LOCK_BUTTON = "{group} · {subject} · {period}"
LOCK_GONE = "Этот период уже открыт или не найден. Откройте список заново."
REASON_ASK = (
    "Открыть заново: {label}.\nЗакрыт {closed_at}, {closed_by}.\n\n"
    "Напишите одним сообщением причину — она будет записана в журнал изменений."
)
BTN_CANCEL = "✖ Отмена"
REOPENED = (
    "Период открыт заново: {label}.\nПричина: {reason}\n"
    "Учитель снова может вносить изменения; когда итоговые отметки будут выставлены, период "
    "закроется сам."
)
