"""How the audit log reads in Russian: entities, actions, fields, who made a change."""

from __future__ import annotations

ENTITIES = {
    "mark": "отметка",
    "absence": "пропуск",
    "homework": "домашнее задание",
    "lesson": "урок",
    "final_mark": "итоговая отметка",
    "period_lock": "закрытие периода",
    "teacher_message": "сообщение родителям",
    "student": "ученик",
    "staff_member": "сотрудник",
    "guardian": "родитель",
    "guardian_link": "связь родителя с учеником",
    "access_code": "код доступа",
    "telegram_binding": "подключение Telegram",
    "consent_record": "согласие на обработку ПД",
    "notice": "уведомление",
    "compromise": "компрометация учётной записи",
    "school": "школа",
    "school_class": "класс",
    "study_group": "учебная группа",
    "group_membership": "состав группы",
    "timetable_entry": "расписание",
    "control_work": "контрольная работа",
    "student_movement": "движение обучающихся",
}

VERBS = {
    "create": "добавлено",
    "update": "изменено",
    "delete": "удалено",
    "revert": "↩ отменено как недействительное",
}

ACTIONS = {
    "mark.delete": "отметка удалена",
    "access_code.issue": "выдан код доступа",
    "access_code.revoke": "код доступа отозван",
    "access_code.redeem": "код доступа использован",
    "telegram_binding.bind": "Telegram подключён",
    "telegram_binding.unbind": "Telegram отключён координатором",
    "telegram_binding.move": "Telegram перенесён на другой аккаунт",
    "telegram_binding.revoke": "Telegram отключён: учётная запись скомпрометирована",
    "period_lock.reopen": "период открыт заново",
    "compromise.record": "зафиксирована компрометация учётной записи",
    "compromise.flag": "операции после компрометации отмечены недействительными",
    "compromise.revert": "недействительные изменения отменены",
}

FIELDS = {
    "value": "отметка",
    "reason": "причина",
    "deleted_at": "удалена",
    "kind": "вид",
    "topic": "тема",
    "topic_id": "тема по КТП",
    "text": "текст",
    "attachments": "вложения",
    "attendance_taken_at": "посещаемость отмечена",
    "substitute_id": "замена",
    "set_at": "задано",
    "set_by": "кем",
    "unbound_at": "отключено",
    "revoked_at": "отозван",
    "used_at": "использован",
    "reopened_at": "открыт заново",
    "due_on": "к дате",
    "room_id": "кабинет",
}

HIDDEN_FIELDS = frozenset({"id", "school_id", "version", "posted_at", "posted_by", "late"})
# of a whole entity added or removed, the fields worth a line
SUMMARY_FIELDS = {
    "mark": ("value",),
    "absence": ("kind",),
    "homework": ("text",),
    "final_mark": ("value",),
    "lesson": ("topic",),
    "teacher_message": ("text",),
}

WHO_STAFF = "{name}"
WHO_GUARDIAN = "родитель {name}"
WHO_STUDENT = "ученик {name}"
WHO_TELEGRAM = "Telegram-аккаунт {id} (ввод кода)"
WHO_CONSOLE = "консоль сервера ({login})"
WHO_UNKNOWN = "неизвестно ({actor})"
NO_NAME = "№ {id}"
NONE = "—"
YES = "да"
NO = "нет"

LESSON = "{subject}, {group}, {day:%d.%m.%Y}, {number}-й урок"
STUDENT_ABOUT = "{student}"
ABOUT_OF = "{what}: {about}"

KIND_STAFF = "сотрудник"
KIND_GUARDIAN = "родитель"
KIND_STUDENT = "ученик"

CHAIN_OK = "✅ Цепочка журнала аудита цела: {count} записей, подделок не обнаружено."
CHAIN_BROKEN = (
    "❌ Цепочка журнала аудита нарушена на записи № {seq} ({reason}). Записи журнала изменены "
    "в обход программы — сообщите администратору сервера и восстановите данные из резервной "
    "копии."
)
CHAIN_REASONS = {
    "gap": "пропущена запись",
    "prev_hash": "разорвана связь с предыдущей записью",
    "hash": "содержимое записи изменено",
    "truncated": "удалены последние записи",
}
CHAIN_ALERT = "🚨 Ежедневная проверка журнала аудита ({school}, {at}): {problem}"
