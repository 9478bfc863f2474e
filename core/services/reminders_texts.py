"""What the class teacher hears when reminding a guardian by hand (INF-2)."""

from __future__ import annotations

NOTHING_WAITING = "У этого родителя нет неподтверждённых уведомлений — напоминать не о чем."
ALREADY_TODAY = "Сегодня этому родителю уже напоминали. Следующее напоминание — завтра."
REMINDED = "Напоминание отправлено: {name}, уведомлений без подтверждения — {count}."
