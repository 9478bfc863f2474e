"""What the bot says on the class teacher's and deputy's «📬 Ознакомление» screen (INF-2)."""

from __future__ import annotations

from core.events import EventKind
from core.model.identity import ConsentAnswer

BTN_ACKS = "📬 Ознакомление родителей"
CHOOSE_CLASS = "Ознакомление родителей: какой класс?"
TITLE = "📬 Ознакомление родителей — {class_name}"
LEGEND = "Подтверждено — нажато «✅ Ознакомлен»; ждут — доставлены, но ещё не подтверждены."
LINE = (
    "{mark} {guardian} ({children}): подтверждено {acknowledged} из {delivered}{waiting}{paper}"
    "\n    {consent}"
)
WAITING = ", ждут {count} (с {since}: {what})"
ALL_DONE = "✅"
SOME_WAITING = "⏳"
ON_PAPER = "🖨"
PAPER = " — на бумаге"
CONSENT = {
    ConsentAnswer.GIVEN: "согласие: дано",
    ConsentAnswer.REFUSED: "согласие: отказ",
    ConsentAnswer.WITHDRAWN: "согласие: отозвано",
    None: "согласие: не получено",
}
NOT_CONNECTED = ", не подключён(а)"
UNREACHABLE = ", бот заблокирован"
NOBODY = "{class_name}: у учеников класса нет родителей в списке."
REMIND_HINT = "Нажмите на родителя, чтобы напомнить ему о неподтверждённых уведомлениях."
BTN_REMIND = "🔔 {guardian}: {count}"
# what a waiting notice was about, in a word
KINDS = {
    EventKind.MARK_POSTED: "отметки",
    EventKind.MARK_CHANGED: "отметки",
    EventKind.MARK_DELETED: "отметки",
    EventKind.FINAL_MARK_SET: "итоговые",
    EventKind.ABSENCE_MARKED: "пропуски",
    EventKind.HOMEWORK_SET: "задания",
    EventKind.LESSON_SUBSTITUTED: "замены",
    EventKind.LESSON_MOVED: "переносы",
    EventKind.TIMETABLE_CHANGED: "расписание",
    EventKind.CONTROL_WORK_SCHEDULED: "контрольные",
    EventKind.CONTROL_WORK_CHANGED: "контрольные",
    EventKind.TEACHER_MESSAGE: "сообщение учителя",
    EventKind.HOLIDAYS_AHEAD: "каникулы",
}
OTHER = "другое"
