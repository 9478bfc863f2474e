"""What the bot says about paper extracts (INF-4) to the class teacher and the administration."""

from __future__ import annotations

from core.services.extracts import PaperReason

BTN_EXTRACTS = "🖨 Выписки на бумаге"
CHOOSE_CLASS = "Выписки на бумаге: для какого класса?"
TITLE = "🖨 Выписки на бумаге — {class_name}"
INTRO = (
    "Этим родителям уведомления в Telegram не приходят — им нужна выписка из журнала на бумаге. "
    "Нажмите на ученика, чтобы получить PDF для печати ({period})."
)
PERIOD = "с {start} по {end}"
LINE = "• {guardian} — {children}: {reasons}"
NOBODY = (
    "🖨 {class_name}: все родители класса подключены к боту, дали согласие и получают "
    "уведомления — бумажные выписки никому не нужны."
)
REASONS = {
    PaperReason.NOT_CONNECTED: "не подключён(а) к Telegram-боту",
    PaperReason.UNREACHABLE: "бот заблокирован, сообщения не доходят",
    PaperReason.NO_CONSENT: "нет согласия на обработку персональных данных",
    PaperReason.REFUSED: "отказался(-ась) от электронных уведомлений",
    PaperReason.WITHDRAWN: "отозвал(а) согласие",
}
UNREACHABLE_SINCE = " (с {since})"
BTN_STUDENT = "📄 {name}"
CAPTION = (
    "Выписка из журнала: {student}, {class_name}, с {start} по {end}. "
    "Распечатайте, подпишите и передайте родителю."
)
FILENAME = "vypiska-{student_id}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
