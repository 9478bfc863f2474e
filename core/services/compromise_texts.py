"""What the coordinator reads about a compromised account (SEC-4)."""

from __future__ import annotations

from core.model.compromise import FlagState

SINCE_IN_FUTURE = "Время компрометации ещё не наступило: укажите момент в прошлом."
SINCE_TOO_OLD = "Время компрометации слишком давнее (больше года назад): проверьте дату."
REASON_NEEDED = "Укажите кратко, что случилось (например: «телефон утерян»)."
REASON_TOO_LONG = "Слишком длинное описание: {length} знаков, можно не больше {limit}."
ALREADY_REVERTED = "Изменения по этой компрометации уже отменены {at}."
REVERT_REASON = "отменено: учётная запись скомпрометирована"

STATES = {
    FlagState.FLAGGED: "⚠ недействительно, ждёт решения",
    FlagState.REVERTED: "↩ отменено",
    FlagState.CONFLICT: "⛔ не отменено: изменено позже",
    FlagState.KEPT: "• оставлено: такое не отменяется",
}

NOTE_LATER = "после этого запись изменил(а) {who} {at}: проверьте и исправьте вручную"
NOTE_EARLIER_CONFLICT = "более поздняя правка той же записи не отменена"
NOTE_GONE = "записи уже нет"
NOTE_TAKEN = "место уже занято другой записью (например, новым пропуском того же ученика)"
NOTE_NOT_REVERTIBLE = {
    "lesson.create": "урок создан из расписания — его содержимое отменяется отдельно",
    "teacher_message": "сообщение уже доставлено родителям",
    "notice": "отметка об ознакомлении с уведомлением",
    "consent_record": "согласие или отказ родителя — уточните у родителя лично",
    "access_code": "коды и подключения уже отозваны",
    "telegram_binding": "коды и подключения уже отозваны",
}
NOTE_OTHER = "этот вид изменений отменяется вручную"
