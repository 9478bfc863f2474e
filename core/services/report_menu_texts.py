"""Words of the way to a report in the bot."""

from __future__ import annotations

WHOLE_SCHOOL = "🏫 Вся школа"
GRADE = "{grade}-е классы"
MY_GROUPS = "👥 Мои группы"
SINCE_YEAR_START = "С начала учебного года"

# the `dnevnik report` command
ONE_SCOPE = "Укажите что-то одно: класс, параллель, учителя или ученика (без них — вся школа)."
NO_CLASS = "Класса «{name}» в этом учебном году нет."
NO_PERSON = "Никого с именем «{name}» в школе нет."
MANY_PEOPLE = "«{name}» — таких {count}: напишите полностью, с именем и отчеством."
NO_PERIOD = "Нет периода «{name}». Есть: {names}."
NO_YEAR = "На сегодня в школе нет учебного года: укажите даты (--from, --to)."
