"""Russian words of the class teacher's journal views (CT-1, CT-4)."""

from __future__ import annotations

NOT_YOUR_CLASS = (
    "Журнал класса видят его классный руководитель и администрация школы "
    "(завуч, руководитель, координатор)."
)
BAD_RANGE = "Начало периода позже его конца: {start} — {end}."
TOO_LONG_RANGE = "Слишком длинный промежуток: {days} дн., можно не больше {limit}."
