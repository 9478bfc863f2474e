"""What the bot says to guardians and students."""

from __future__ import annotations

BTN_AGREE = "✅ Согласен"
BTN_DISAGREE = "❌ Не согласен"
BTN_WITHDRAW = "Отозвать согласие"
BTN_CONSENT = "📄 Согласие на обработку данных"
BTN_CHILD = "👧 Выбрать ребёнка"
BTN_NOTICES = "🔔 Уведомления"
BTN_TODAY = "📅 Расписание на сегодня"
BTN_TOMORROW = "📅 На завтра"

CONSENT_ASK = "{text}\n\nПодтвердите, пожалуйста, своё решение кнопкой ниже."
CONSENT_GIVEN = (
    "Спасибо! Согласие записано ({at}). Теперь вы будете получать сведения об успеваемости "
    "ребёнка в этом боте. Отозвать согласие можно в любой момент: /consent"
)
CONSENT_REFUSED = (
    "Ваш отказ записан ({at}). Сведения о ребёнке в боте присылаться не будут; их можно "
    "получать на бумаге у классного руководителя. Передумаете — /consent"
)
CONSENT_WITHDRAWN = (
    "Согласие отозвано ({at}). Сведения о ребёнке больше не будут присылаться в бот; "
    "выписки на бумаге — у классного руководителя."
)
CONSENT_STATE = "Сейчас: {state}{when}."
CONSENT_NEEDED = (
    "Чтобы видеть сведения о ребёнке, нужно согласие на обработку персональных данных: /consent"
)
CHILD_CHOOSE = "Чей дневник открыть?"
CHILD_CHOSEN = "Выбран ребёнок: {name}"
NO_CHILDREN = "К вашей записи не привязан ни один ребёнок. Сообщите классному руководителю."
ONE_CHILD = "У вас один ребёнок в этой школе: {name}"
TIMETABLE_TITLE = "{name}, {day}:"
TIMETABLE_EMPTY = "{name}, {day}: уроков нет."
TIMETABLE_LINE = "{number}. {start} {subject}{room}"
ROOM = " (каб. {room})"
BTN_WEEK = "🗓 Неделя"
BTN_HOMEWORK = "📚 Домашнее задание"
BTN_MARKS = "📊 Отметки"
BTN_PERIOD_MARKS = "📊 За четверть"
BTN_CONTROL_WORKS = "📝 Контрольные работы"
BTN_TEACHERS = "👩‍🏫 Учителя"
BTN_HOLIDAYS = "🏖 Каникулы"

SUBSTITUTE = " — замена: {name}"
MOVED_FROM = " — перенесён с {day:%d.%m}, {number}-й урок"
WEEK_TITLE = "🗓 {name}, неделя {start:%d.%m} — {end:%d.%m}:"
WEEK_DAY = "\n{day}:"
WEEK_DAY_EMPTY = "\n{day}: уроков нет"

HOMEWORK_TITLE = "📚 Домашнее задание, {name}:"
HOMEWORK_EMPTY = "📚 {name}: домашних заданий на ближайшую неделю нет."
HOMEWORK_DAY = "\n{day}:"
HOMEWORK_LINE = "• {subject}: {text}{files}"
HOMEWORK_FILES = " (вложений: {count})"

MARKS_WEEK_TITLE = "📊 Отметки, {name}, неделя {start:%d.%m} — {end:%d.%m}:"
MARKS_PERIOD_TITLE = "📊 Отметки, {name}, {period} ({start:%d.%m} — {end:%d.%m}):"
MARKS_LINE = "{subject}: {marks}"
MARKS_AVERAGE = " — средний балл {average}"
MARKS_EMPTY = "отметок пока нет"

WORKS_TITLE = "📝 Контрольные работы, {name}, {period}:"
WORKS_EMPTY = "📝 Контрольные работы, {name}, {period}: не запланированы."
WORKS_LINE = "{day:%d.%m}{number} — {subject}: {form}{topic}"
WORKS_NUMBER = ", {number}-й урок"
WORKS_TOPIC = " «{topic}»"

TEACHERS_TITLE = "👩‍🏫 Учителя, {name}:"
TEACHERS_EMPTY = "👩‍🏫 {name}: учителя ещё не назначены."
TEACHERS_LINE = "{subject} — {teacher}"

HOLIDAYS_TITLE = "🏖 Каникулы в этом учебном году, {name}:"
HOLIDAYS_EMPTY = "🏖 {name}: каникулы в этом учебном году не указаны."
HOLIDAYS_LINE = "{holiday}: {start:%d.%m.%Y} — {end:%d.%m.%Y}"
BTN_FILES = "📎 Прислать вложения ({count})"
FILE_CAPTION = "{subject}, к {day:%d.%m}"
FILE_GONE = "Вложение «{subject}» к {day:%d.%m} больше недоступно в Telegram."
