"""What the bot says to guardians and students."""

from __future__ import annotations

BTN_AGREE = "✅ Согласен"
BTN_DISAGREE = "❌ Не согласен"
BTN_WITHDRAW = "Отозвать согласие"
BTN_CONSENT = "📄 Согласие на обработку данных"
BTN_CHILD = "👧 Выбрать ребёнка"
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
