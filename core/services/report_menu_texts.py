"""Words of the way to a report in the bot."""

from __future__ import annotations

WHOLE_SCHOOL = "🏫 Вся школа"
GRADE = "{grade}-е классы"
MY_GROUPS = "👥 Мои группы"
SINCE_YEAR_START = "С начала учебного года"
