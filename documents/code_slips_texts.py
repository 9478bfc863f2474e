"""Every Russian word of the access-code slips (documents.code_slips), in one place, so that a
class teacher or the school's coordinator can correct the wording without reading layout code."""

from __future__ import annotations

from datetime import date

# --- the document -------------------------------------------------------------------------------

# The document title when the caller gives none: it is the PDF's metadata title (shown in the
# viewer's tab and the printer queue) and the heading of every sheet.
DEFAULT_TITLE = "Коды доступа к электронному журналу"
SUBJECT = "Персональные одноразовые коды для подключения к боту электронного журнала"
KEYWORDS = "коды доступа, электронный журнал"

# Raised by render_code_slips for an empty list: the caller should have said so in the chat.
NO_SLIPS = "Нет кодов для печати: список пуст. Сначала выпустите коды, затем печатайте бланки."

CUT_HINT = "разрежьте по пунктирным линиям"


def sheet_label(number: int, total: int) -> str:
    """«Лист 2 из 5» — printed on every sheet so a dropped stack can be put back in order."""
    return f"Лист {number} из {total}"


# --- one slip -----------------------------------------------------------------------------------


def slip_heading(school: str, class_name: str | None) -> str:
    """«МБОУ СОШ № 1 · 5А класс»; staff slips carry the school only."""
    if class_name:
        return f"{school} · {class_name} класс"
    return school


CODE_LABEL = "Код:"


def valid_until(expires_on: date) -> str:
    """«действует до 13.12.2026»."""
    return f"действует до {expires_on:%d.%m.%Y}"


def instructions(bot_username: str | None) -> str:
    """How to use the code, one sentence a line (the layout wraps further only if it must).

    ``bot_username`` is «@dnevnik_school_bot» when the link names the bot, so that a parent
    without a camera can find it by hand; otherwise the sentence refers to the link.
    """
    find_bot = (
        f"Или найдите в Telegram бота {bot_username}, отправьте ему команду /start, "
        "а затем этот код."
        if bot_username
        else "Или откройте бота по ссылке, отправьте ему команду /start, а затем этот код."
    )
    return "\n".join(
        (
            "Откройте ссылку или наведите камеру телефона на QR-код и нажмите «Запустить» "
            "в Telegram.",
            find_bot,
            "Код личный и одноразовый — никому его не передавайте. Если код не подходит, "
            "обратитесь к тому, кто его выдал.",
        )
    )
