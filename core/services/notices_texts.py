"""Russian words about notices that core and the bot share: the acknowledgement and refusals.
The notices' own texts live in notifications/texts.py."""

from __future__ import annotations

from core.model.notices import NoticeTopic

ACK_BUTTON = "✅ Ознакомлен"
ACKNOWLEDGED = "✅ Ознакомлен(а) {at}"  # at: «07.09 10:15», school time
ACK_THANKS = "Спасибо, отмечено."
ACK_ALREADY = "Уже отмечено {at}."
CHAT_UNREACHABLE = "чат недоступен: бот заблокирован или не запущен"
HELD_UNBOUND = "аккаунт отвязан"
HELD_NO_CONSENT = "нет согласия на обработку персональных данных"
HELD_NOT_WANTED = "получатель отключил эти уведомления"
WORKER_STOPPED = "работа остановлена во время отправки: доставка не подтверждена"
TIMEOUT = "нет ответа Telegram: доставка не подтверждена"

# the preferences screen (/notices)
PREFS_TITLE = "🔔 Уведомления"
PREFS_TOPICS = "Что присылать (нажмите, чтобы включить или выключить):"
PREFS_INSTANT = "Как: сразу, как только учитель внёс запись."
PREFS_DIGEST = "Как: одной вечерней сводкой в {at}."
PREFS_QUIET = "Тихие часы: {start}–{end} — уведомления ждут до утра."
PREFS_NO_QUIET = "Тихие часы: нет."
PREFS_URGENT = "Срочное (замена или перенос урока на сегодня-завтра) приходит сразу всегда."
PREFS_NONE = "Вы отключили все уведомления."
TOPIC_LABELS = {
    NoticeTopic.MARKS: "Отметки",
    NoticeTopic.ABSENCES: "Пропуски",
    NoticeTopic.HOMEWORK: "Домашние задания",
    NoticeTopic.SCHEDULE: "Замены и переносы",
    NoticeTopic.CONTROL_WORKS: "Контрольные работы",
    NoticeTopic.MESSAGES: "Сообщения учителей",
}
ON = "✅ {label}"
OFF = "▫️ {label}"
BUTTON_INSTANT = "Режим: сразу"
BUTTON_DIGEST = "Режим: вечерняя сводка"
BUTTON_QUIET = "Тихие часы: {start}–{end}"
BUTTON_NO_QUIET = "Тихие часы: выкл."
SAVED = "Сохранено."
BLOCKED_BY_USER = "пользователь заблокировал бота"
