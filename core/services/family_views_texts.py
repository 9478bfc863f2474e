"""What the family views answer when they will not show something."""

from __future__ import annotations

CONSENT_NEEDED = (
    "Чтобы видеть сведения о ребёнке, нужно согласие на обработку персональных данных: /consent"
)
NO_PERIOD = "Учебный период не найден: учебный год ещё не загружен."
TOO_LONG = "Расписание показывается не больше чем на две недели."
