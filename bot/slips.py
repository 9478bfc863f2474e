"""Issued codes → the printable slips PDF (documents.code_slips), off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.rules.codes import grouped
from core.services.identity import IssuedCode
from core.services.identity_texts import PERSON_LABELS


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def slips_pdf(
    issued: Sequence[IssuedCode], *, school: str, timezone: str, bot_username: str, title: str
) -> bytes:
    from documents.code_slips import CodeSlip, render_code_slips  # fpdf2 only when printing

    zone = ZoneInfo(timezone)
    slips = [
        CodeSlip(
            school=school,
            class_name=i.class_name,
            person=i.person_name,
            role=PERSON_LABELS[i.person_kind]
            if i.class_name
            else (i.about or PERSON_LABELS[i.person_kind]),
            about=i.about if i.class_name else None,
            code=grouped(i.code),
            link=deep_link(bot_username, i.code),
            # the last whole day it works, in the school's own calendar
            expires_on=(i.expires_at.astimezone(zone)).date(),
        )
        for i in issued
    ]
    return await asyncio.to_thread(render_code_slips, slips, title=title)
