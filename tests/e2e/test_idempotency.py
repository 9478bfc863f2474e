"""The same press or update twice changes the journal once: a double tap on «5», on «💾 Сохранить»
or on «✅ Ознакомлен», an update Telegram delivers again, and attendance saved again unchanged."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from aiogram.types import Update

from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.routers.notices import AckCb
from core.events import EventKind, OutboxEvent
from core.model.audit import AuditEntry
from core.model.identity import PersonKind
from core.model.journal import Absence, Mark
from core.model.notices import Notice, NoticeStatus
from tests.e2e.conftest import App
from tests.support.notices import bind

MONDAY_LESSON_1 = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow


async def teacher_in_lesson(app: App) -> tuple[EmulatedUser, ChatMessage]:
    """Кузнецова, connected, with the card of Monday's first lesson of 5А open."""
    app.clock.at = MONDAY_LESSON_1
    user = app.emu.user(id=1000, first_name="Анна")
    await app.connect(user, await app.staff_code("Кузнецова"))
    await user.wait_for_message()  # the menu
    await user.send("/lessons")
    listing = await user.wait_for_message()
    await user.press(listing, next(t for t in listing.button_texts if "5А · Математика" in t))
    return user, await user.wait_for_message()


async def marks_screen(user: EmulatedUser, card: ChatMessage) -> ChatMessage:
    await user.press(card, "✏️ Отметки")
    types = await user.wait_for_message()
    await user.press(types, "Ответ на уроке")
    return await user.wait_for_message()


async def rows(app: App) -> tuple[list[Mark], list[AuditEntry], list[OutboxEvent]]:
    async with app.db.uow() as uow:
        return (
            list(await uow.repo(Mark).find()),
            list(await uow.repo(AuditEntry).find()),
            list(await uow.repo(OutboxEvent).find()),
        )


def audited(entries: list[AuditEntry], entity: str) -> list[AuditEntry]:
    return [e for e in entries if e.entity == entity]


async def test_a_double_tap_on_a_mark_records_one_mark(app: App) -> None:
    user, card = await teacher_in_lesson(app)
    screen = await marks_screen(user, card)
    values = await user.press(screen, next(t for t in screen.button_texts if "Алексеев" in t))
    values_message = await user.wait_for_message()
    _, audit_before, _ = await rows(app)
    first = await user.press(values_message, "5")
    second = await user.press(values_message, "5")  # the same keyboard, before it changed
    assert (await user.wait_for_answer(first)).text == "5"
    await user.wait_for_answer(second)  # the spinner stops, silently
    await asyncio.sleep(0.3)  # a second mark would have been written by now
    marks, audit, events = await rows(app)
    assert [m.value for m in marks] == ["5"]
    assert len(audited(audit, "mark")) == 1 and len(audit) == len(audit_before) + 1
    assert [e.kind for e in events if e.kind is EventKind.MARK_POSTED] == [EventKind.MARK_POSTED]
    assert values  # the press of the student itself was answered, not dropped


async def test_a_second_mark_after_choosing_the_student_again_is_kept(app: App) -> None:
    """The same «5» button is not a duplicate when the teacher chose the student in between."""
    user, card = await teacher_in_lesson(app)
    screen = await marks_screen(user, card)
    for _ in range(2):
        await user.press(screen, next(t for t in screen.button_texts if "Алексеев" in t))
        values = await user.wait_for_message()
        await user.press(values, "5")
        screen = await user.wait_for_message()
    marks, _, _ = await rows(app)
    assert [m.value for m in marks] == ["5", "5"]


async def test_an_update_delivered_twice_is_handled_once(app: App) -> None:
    """Telegram delivers an update again when the bot did not confirm it (a webhook timed out,
    polling restarted): the text marks it carries are written once."""
    user, card = await teacher_in_lesson(app)
    await marks_screen(user, card)  # the bot now waits for marks typed as one message
    raw: dict[str, Any] = {
        "update_id": 777_001,
        "message": {
            "message_id": 9_001,
            "from": user.user_json,
            "chat": user.chat.chat_json(),
            "date": int(time.time()),
            "text": "5 4 - 3",
        },
    }
    for _ in range(2):
        await app.dp.feed_update(app.bot, Update.model_validate(raw, context={"bot": app.bot}))
    marks, audit, events = await rows(app)
    assert sorted(m.value for m in marks) == ["3", "4", "5"]
    assert len(audited(audit, "mark")) == 3
    assert len([e for e in events if e.kind is EventKind.MARK_POSTED]) == 3
    saved = [m.text for m in user.messages if "Сохранено" in (m.text or "")]
    assert len(saved) == 1, saved


async def test_attendance_saved_twice_is_recorded_once(app: App) -> None:
    user, card = await teacher_in_lesson(app)
    await user.press(card, "👥 Посещаемость")
    roster = await user.wait_for_message()
    await user.press(roster, next(t for t in roster.button_texts if "Волков" in t))
    roster = await user.wait_for_message()
    first = await user.press(roster, "💾 Сохранить")
    second = await user.press(roster, "💾 Сохранить")  # a double tap
    await user.wait_for_answer(first)
    await user.wait_for_answer(second)
    card = await user.wait_for_message()
    await asyncio.sleep(0.3)
    _, audit, events = await rows(app)
    lesson_updates = [e for e in audit if e.entity == "lesson" and e.action.endswith("update")]
    assert len(lesson_updates) == 1
    assert len(audited(audit, "absence")) == 1
    assert len([e for e in events if e.kind is EventKind.ABSENCE_MARKED]) == 1

    # later, the same attendance opened and saved again unchanged: nothing is written
    app.clock.advance(minutes=20)
    await user.press(card, "👥 Посещаемость")
    roster = await user.wait_for_message()
    await user.press(roster, "💾 Сохранить")
    await user.wait_for_message()
    _, audit_after, events_after = await rows(app)
    assert len(audit_after) == len(audit) and len(events_after) == len(events)
    async with app.db.uow() as uow:
        absences = list(await uow.repo(Absence).find())
    assert [a.student_id for a in absences] == [app.school.students["Волков"]]


async def test_acknowledged_twice_at_once_is_recorded_once(app: App) -> None:
    olga_chat = 2001
    await bind(
        app.db, app.school, PersonKind.GUARDIAN, app.school.guardians["Алексеева Ольга"], olga_chat
    )
    now = app.clock.now()
    async with app.db.uow() as uow:
        notice = Notice(
            school_id=app.school.school_id, recipient_kind=PersonKind.GUARDIAN,
            recipient_id=app.school.guardians["Алексеева Ольга"], chat_id=olga_chat,
            student_id=app.school.students["Алексеев"], key="test", created_at=now, due_at=now,
            status=NoticeStatus.SENT, text="📓 Новое в журнале", sent_at=now,
        )  # fmt: skip
        await uow.repo(Notice).add(notice)
        await uow.commit()
    olga = app.emu.user(id=olga_chat, first_name="Ольга")
    await olga.send("/menu")
    shown = await olga.wait_for_message()
    data = AckCb(notice=notice.id or 0).pack()
    first = await olga.press_data(shown, data)
    second = await olga.press_data(shown, data)
    answers = {(await olga.wait_for_answer(q)).text for q in (first, second)}
    assert answers == {"Спасибо, отмечено.", "Уже отмечено 02.09 10:00."}
    await asyncio.sleep(0.3)
    _, audit, _ = await rows(app)
    assert [e.action for e in audit if e.entity == "notice"] == ["notice.acknowledge"]
