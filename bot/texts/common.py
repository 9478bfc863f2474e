"""What the bot says to everyone: greeting, menus, errors, role switching. Russian, one place."""

from __future__ import annotations

from core.model.identity import Role

GREETING = (
    "Здравствуйте! Это электронный дневник школы.\n\n"
    "Чтобы подключиться, пришлите код доступа с листка, который выдал классный руководитель "
    "(или координатор — для сотрудников), например: k7mq-2x9d-pa4t-wz3e.\n"
    "Можно просто открыть ссылку с листка или отсканировать QR-код камерой телефона."
)
WELCOME = "Вы подключены: {name}, {role}, {school}."
MENU_TITLE = "{name} — {role}, {school}.\nВыберите действие:"
STRANGER_TEXT = "Это не похоже на код доступа. " + GREETING.split("\n\n", 1)[1]
ERROR = (
    "Что-то пошло не так, и действие не выполнено. Попробуйте ещё раз чуть позже.\n"
    "Если ошибка повторится, сообщите координатору номер ошибки: {correlation_id}."
)
TOO_FAST = "Слишком много сообщений подряд. Подождите несколько секунд."
TOO_LONG = "Сообщение слишком длинное. Отправьте, пожалуйста, покороче."
NOT_ALLOWED = "Это действие вам недоступно."
NOT_FOUND = "Не найдено. Возможно, список устарел — откройте меню заново."
UNKNOWN_COMMAND = "Не понял сообщение. Откройте меню: /menu"
STALE_BUTTON = "Эта кнопка устарела. Откройте меню заново: /menu"

BTN_SWITCH_ROLE = "🔁 Сменить роль"
BTN_MENU = "☰ Меню"
SWITCH_ROLE_TITLE = "Выберите, в какой роли работать:"
ROLE_CHOSEN = "Теперь вы работаете как: {role}, {school}."
ROLE_BUTTON = "{role} · {school}"
ROLE_BUTTON_WITH_NAME = "{name}: {role} · {school}"
ONLY_ONE_ROLE = "У вас одна роль, переключаться не на что."

COMMANDS_STRANGER: tuple[tuple[str, str], ...] = (("start", "Начать и подключиться по коду"),)
COMMANDS_COMMON: tuple[tuple[str, str], ...] = (
    ("menu", "Меню"),
    ("role", "Сменить роль или школу"),
    ("help", "Что умеет бот"),
)
COMMANDS_BY_ROLE: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.GUARDIAN: (("child", "Выбрать ребёнка"), ("consent", "Согласие на обработку данных")),
    Role.STUDENT: (("today", "Расписание на сегодня"),),
    Role.TEACHER: (("lessons", "Мои уроки сегодня"),),
    Role.CLASS_TEACHER: (("codes", "Коды доступа для класса"), ("consents", "Согласия класса")),
    Role.DEPUTY: (("summary", "Сводка по школе"),),
    Role.DISPATCHER: (("summary", "Сводка по школе"),),
    Role.COORDINATOR: (("staffcodes", "Коды сотрудников"), ("accounts", "Подключённые аккаунты")),
    Role.HEAD: (("summary", "Сводка по школе"),),
}

HELP = (
    "Бот электронного дневника школы.\n\n"
    "/menu — меню вашей роли\n"
    "/role — сменить роль или школу, если у вас их несколько\n"
    "Учителю: уроки на сегодня. Классному руководителю: коды доступа для родителей и учеников "
    "класса, согласия на обработку данных. Родителю: расписание ребёнка, согласие. "
    "Координатору: коды сотрудников, подключённые аккаунты."
)
