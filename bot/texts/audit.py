"""What the bot says about the audit log and compromised accounts (SEC-3, SEC-4, DATA-3)."""

from __future__ import annotations

from core.model.compromise import FlagState

BTN_AUDIT = "🧾 Журнал аудита"
START = (
    "🧾 Журнал аудита: кто, когда и что изменил. За какой период показать?\n"
    "Потом можно выбрать класс или человека."
)
BTN_DAYS = {1: "Сегодня", 7: "7 дней", 30: "30 дней"}
BTN_CHAIN = "🔐 Проверить целостность"
BTN_COMPROMISED = "🚫 Скомпрометирован"
BTN_COMPROMISES = "📋 Компрометации"
BTN_BY_CLASS = "🏫 По классу"
BTN_BY_PERSON = "👤 По человеку"
BTN_ALL = "Все записи"
BTN_PREV = "◀ Новее"
BTN_NEXT = "Старее ▶"
BTN_PERIOD = "📅 Другой период"

PERIOD = {1: "за сегодня", 7: "за 7 дней", 30: "за 30 дней"}
TITLE = "🧾 Журнал аудита {period}{scope}, стр. {page}:"
SCOPE_CLASS = ", класс {name}"
SCOPE_PERSON = ", {name}"
EMPTY = "🧾 {period}{scope}: записей нет."
LINE = "{mark}{at} · {who}\n{what}{about}"
FLAG = "⚠ "
ABOUT = " — {about}"
CHANGE = "    {change}"
FLAGGED_HINT = "⚠ — изменение признано недействительным (учётная запись была скомпрометирована)."

CHOOSE_CLASS = "Журнал аудита: какой класс?"
ASK_PERSON = "Напишите фамилию (можно с именем): сотрудника, родителя или ученика."
NOBODY = "Никого не нашлось по «{text}». Напишите фамилию ещё раз."
CHOOSE_PERSON = "Кого из них?"
PERSON_BUTTON = "{name} ({what})"

# --- compromise ---
ASK_COMPROMISED = (
    "🚫 Учётная запись скомпрометирована (SEC-4).\n"
    "Напишите фамилию человека, чьи реквизиты доступа (телефон с Telegram, код) попали к "
    "другому."
)
ASK_SINCE = (
    "🚫 {name}.\nС какого момента действия с этой учётной записью недействительны (когда "
    "руководитель узнал о компрометации)? Напишите дату и время по времени школы: "
    "«дд.мм.гггг чч:мм», можно добавить причину через пробел.\n"
    "Например: «{example} телефон украден»"
)
BAD_SINCE = "Не понял дату и время. Нужно так: «{example}» (дд.мм.гггг чч:мм)."
DEFAULT_REASON = "сообщено руководителю"
CONFIRM = (
    "Проверьте:\n"
    "• чья запись: {name}\n"
    "• недействительно с {since} (время школы)\n"
    "• причина: {reason}\n\n"
    "Все подключения Telegram этого человека (и других людей на том же аккаунте) будут "
    "отключены сразу, неиспользованные коды отозваны — для входа понадобится новый код. Все "
    "его изменения с {since} будут отмечены ⚠ и показаны списком."
)
BTN_CONFIRM = "✅ Подтвердить"
BTN_CANCEL = "Отмена"
CANCELLED = "Отменено, ничего не изменено."
RECORDED = (
    "🚫 Компрометация записана: {name}, с {since}.\n"
    "Отключено подключений Telegram: {bindings}, отозвано кодов: {codes}.\n"
    "Изменений после {since}: {flagged}."
)
VIEW_TITLE = "🚫 {name}: недействительно с {since}. Причина: {reason}. Записал(а): {by}."
VIEW_REVERTED = "Изменения отменены {at}."
NOTHING_FLAGGED = "Изменений с этой учётной записи после {since} нет — отменять нечего."
BTN_REVERT = "↩ Отменить все изменения ({count})"
REVERTED = (
    "↩ Готово. Отменено изменений: {reverted}. Не отменено, потому что потом их изменил "
    "кто-то другой: {conflicts}. Оставлено (такое не отменяется): {kept}.\n"
    "Каждая отмена записана в журнал аудита."
)
NOTE = "    ↳ {note}"
STATE = {
    FlagState.FLAGGED: "",
    FlagState.REVERTED: "↩ ",
    FlagState.CONFLICT: "⛔ ",
    FlagState.KEPT: "• ",
}
NO_COMPROMISES = "Компрометаций не записано."
COMPROMISES_TITLE = "📋 Записанные компрометации:"
COMPROMISE_BUTTON = "{name}, с {since}{done}"
COMPROMISE_DONE = " ✓"
