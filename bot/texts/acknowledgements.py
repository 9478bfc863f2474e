"""What the bot says on the class teacher's and deputy's «📬 Ознакомление» screen (INF-2)."""

from __future__ import annotations

from core.model.identity import ConsentAnswer

BTN_ACKS = "📬 Ознакомление родителей"
CHOOSE_CLASS = "Ознакомление родителей: какой класс?"
TITLE = "📬 Ознакомление родителей — {class_name}"
LEGEND = "Подтверждено — нажато «✅ Ознакомлен»; ждут — доставлены, но ещё не подтверждены."
LINE = (
    "{mark} {guardian} ({children}): подтверждено {acknowledged} из {delivered}{waiting}{paper}"
    "\n    {consent}"
)
WAITING = ", ждут {count} (с {since})"
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
