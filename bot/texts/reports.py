"""What the bot says on the way to a report (REP-1..9, CT-2)."""

from __future__ import annotations

BTN_REPORTS = "📊 Отчёты"
CHOOSE_REPORT = "📊 Отчёты. Какой отчёт нужен?"
CHOOSE_SCOPE = "«{title}»: по кому?"
CHOOSE_STUDENT = "«{title}»: какой ученик?"
CHOOSE_PERIOD = "«{title}»: за какой период?"
NO_SCOPE = "Для этого отчёта вам нечего выбрать: он строится по классам, которых у вас нет."
NO_PERIOD = "В школе нет учебного года на сегодня: отчёты не за что строить."
WORKING = "⏳ Готовлю отчёт «{title}»…"
CAPTION = "📊 {title}\n{scope}, {period}"
TABLE_CAPTION = "Таблица: {title} — {scope}, {period} (Excel)"
PDF_CAPTION = "Для печати: {title} — {scope}, {period}"
