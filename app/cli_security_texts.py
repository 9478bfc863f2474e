"""What the console says about compromised accounts (SEC-4)."""

from __future__ import annotations

COMPROMISE_HELP = (
    "Учётная запись скомпрометирована: отключить все подключения Telegram человека, отозвать "
    "его коды и отметить недействительными его изменения с указанного момента."
)
SCHOOL_HELP = "Название школы, как в импорте"
PERSON_HELP = "Фамилия и имя (или инициалы) сотрудника, родителя или ученика"
SINCE_HELP = "С какого момента, по времени школы: «дд.мм.гггг чч:мм»"
REASON_HELP = "Что случилось, коротко"
FLAGGED_HELP = "Компрометации школы, или изменения одной из них (по номеру) с их состоянием."
REVERT_HELP = "Отменить все недействительные изменения компрометации (по номеру)."
ID_HELP = "Номер компрометации (из `dnevnik audit flagged`)"

BAD_SINCE = "Не понял «{value}»: нужно «дд.мм.гггг чч:мм», например «07.09.2026 09:20»."
NO_PERSON = "В школе «{school}» нет никого по имени «{name}»."
MANY_PEOPLE = "По имени «{name}» нашлось несколько человек, уточните:"
RECORDED = (
    "Компрометация № {id} записана: {name}, недействительно с {since}. Отключено подключений "
    "Telegram: {bindings}, отозвано кодов: {codes}, отмечено изменений: {flagged}.\n"
    "Просмотр: dnevnik audit flagged {id} --school «{school}»; отмена: "
    "dnevnik audit revert {id} --school «{school}»."
)
NONE = "Компрометаций не записано."
COL_ID = "№"
COL_PERSON = "Чья запись"
COL_SINCE = "Недействительно с"
COL_REASON = "Причина"
COL_REVERTED = "Отменено"
COL_STATE = "Состояние"
COL_AT = "Когда"
COL_WHO = "Кто"
COL_WHAT = "Что"
COL_CHANGE = "Изменение"
REVERTED = (
    "Отменено изменений: {reverted}; не отменено (их потом изменил кто-то другой): "
    "{conflicts}; оставлено (не отменяется): {kept}."
)
