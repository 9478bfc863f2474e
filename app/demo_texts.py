"""What `dnevnik demo` prints: the narrator's lines of the school day it plays."""

from __future__ import annotations

TITLE = "Демонстрация: один школьный день с ботом (без Telegram и без сети, всё на этом компьютере)"
FOLDER = "Папка демонстрации: {path}"
IMPORTED = "Загружена демонстрационная школа «{school}»: {students} обучающихся, {classes} классов."
STEP = "\n── {text}"
STEP_STAFF_CODES = (
    "Координатор печатает в консоли листки с кодами для классного руководителя 5Б и завуча"
)
STAFF_SLIPS = "  dnevnik codes → листки сотрудников сохранены: {path}"
STEP_CT_CONNECTS = "Классный руководитель 5Б подключается по коду с листка"
STEP_CT_CODES = "Классный руководитель получает в боте листки с кодами для родителей класса"
STEP_PARENT = "Мама двоих детей (5Б и 9А) открывает ссылку с листка и даёт согласие"
STEP_PARENT_DAY = "Мама смотрит расписание ребёнка и выбирает второго ребёнка"
STEP_LESSON = (
    "Классный руководитель ведёт урок истории в 5Б: отмечает отсутствующего (3 нажатия) и ставит "
    "две отметки (по 2 нажатия)"
)
STEP_NOTICE = "Мама сразу получает уведомление об отметке дочери и нажимает «✅ Ознакомлен»"
STEP_CT_CONSENTS = "Классный руководитель видит согласия класса"
STEP_DEPUTY = "Завуч подключается, переключается в роль завуча и смотрит сводку"
USER_SAYS = "{who}: {text}"
USER_PRESSES = "{who} нажимает «{button}»"
BOT_SAYS = "  бот → {who}: {text}"
BOT_BUTTONS = "  [кнопки: {buttons}]"
BOT_DOCUMENT = "  бот → {who}: файл {name} ({size} КБ) — сохранён: {path}"
READS_SLIP = "{who} читает код на своём листке: {code}"
FILES = "\nФайлы демонстрации лежат в папке {path}:"
FILE_LINE = "  • {name}"
TRANSCRIPT = "transcript.txt"
DONE = "Готово за {seconds:.1f} с. Полный текст разговора — в {path}."
