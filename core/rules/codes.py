"""Access codes (INF-5): random, typeable, fit a Telegram deep link, stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

# Crockford-like base32 without the letters people confuse on paper (i, l, o, u): 32 symbols,
# lowercase so that a phone keyboard needs no shift.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16  # 16 symbols × 5 bits = 80 bits from the CSPRNG (≥ 64 required)
GROUP = 4
DEFAULT_TTL = dt.timedelta(days=14)
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
# what a person may type for a symbol that is not in the alphabet
_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1", "u": "v"})


def new_code() -> str:
    """A fresh code of LENGTH symbols, without separators (as in the deep link)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """«k7mq2x9dpa4twz3e» → «k7mq-2x9d-pa4t-wz3e», as printed on the slip."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(text: str) -> str | None:
    """What a person typed or the deep link carried → the code, or None if it cannot be one.

    Separators and case are ignored; Cyrillic letters that look Latin are read as Latin."""
    cleaned = text.strip().lower().translate(_CYRILLIC_LOOKALIKES)
    cleaned = "".join(ch for ch in cleaned if ch not in " -_.").translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


_CYRILLIC_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
    }
)


def code_hash(code: str) -> str:
    """The stored form. 80 random bits need no salt or slow hash: guessing is the attack, and
    that is throttled; the hash only keeps a database reader from using the codes."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def throttled(failed_attempts_in_window: int) -> bool:
    return failed_attempts_in_window >= MAX_FAILED_ATTEMPTS
