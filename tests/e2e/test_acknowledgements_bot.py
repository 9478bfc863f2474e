"""The class teacher's «📬 Ознакомление родителей» and a guardian's answer to a teacher, end to end:
the real Dispatcher and worker over HTTP to the Bot API emulator, on a real database."""

from __future__ import annotations

from core.model.identity import PersonKind
from core.model.journal import AbsenceKind
from core.model.notices import GuardianReply, NoticeStatus
from core.services import lesson_content
from tests.e2e.test_notices_bot import (
    App,
    absence,
    app,
    family,
    next_notice,
    teacher,
    wait_until,
)
from tests.support.notices import all_notices, bind, math_5a

__all__ = ["app"]  # the fixture, shared with the notices tests

IVANOVA, KUZNETSOVA = 4001, 4002  # the class teacher of 5А, the maths teacher


async def test_the_class_teacher_sees_who_has_not_acknowledged_and_reminds_in_one_tap(
    app: App,
) -> None:
    olga, _pavel, _artem = await family(app)
    await bind(app.db, app.school, PersonKind.STAFF, app.school.staff["Иванова"], IVANOVA)
    ivanova = app.emu.user(id=IVANOVA, first_name="Мария")
    app.start_worker()
    await absence(app, Алексеев=AbsenceKind.ILL)
    await next_notice(olga)

    async def recorded_as_sent() -> bool:  # the chat shows it a moment before it is recorded
        return any(n.status is NoticeStatus.SENT for n in await all_notices(app.db))

    await wait_until(recorded_as_sent)

    await ivanova.send("/acks")
    screen = await ivanova.wait_for_message(lambda m: "📬" in (m.text or ""))
    text = screen.text or ""
    assert "📬 Ознакомление родителей — 5А" in text
    assert (
        "⏳ Алексеева Ольга Ивановна (Артём А.): подтверждено 0 из 1, ждут 1 (с 07.09: пропуски)"
        in text
    )
    assert "согласие: дано" in text
    assert "🖨 Борисов Павел (Вера Б.): подтверждено 0 из 0 — на бумаге\n    согласие: отказ" in text
    assert screen.button_texts[0] == "🔔 Алексеева Ольга Ивановна: 1"

    await ivanova.press(screen, "🔔 Алексеева Ольга Ивановна: 1")
    alert = await ivanova.wait_for_answer()
    assert (
        alert.text
        == "Напоминание отправлено: Алексеева Ольга Ивановна, уведомлений без подтверждения — 1."
    )
    reminder = await next_notice(olga)
    assert "Напоминание: уведомлений без отметки «Ознакомлен» — 1" in (reminder.text or "")

    # the guardian acknowledges: the class teacher's view shows it
    [first] = [m for m in olga.messages if "болел(а)" in (m.text or "")]
    await olga.press(first, "✅ Ознакомлен")
    await olga.wait_for_answer()
    await ivanova.send("/acks")
    after = await ivanova.wait_for_message(lambda m: "📬" in (m.text or ""))
    assert "✅ Алексеева Ольга Ивановна (Артём А.): подтверждено 1 из 1\n" in (after.text or "")
    assert after.button_texts == ["☰ Меню"]  # nobody left to remind


async def test_a_guardian_answers_a_teachers_message_and_the_teacher_reads_it(app: App) -> None:
    olga, _pavel, _artem = await family(app)
    await bind(app.db, app.school, PersonKind.STAFF, app.school.staff["Кузнецова"], KUZNETSOVA)
    kuznetsova = app.emu.user(id=KUZNETSOVA, first_name="Анна")
    await kuznetsova.send("/start")  # Telegram lets a bot write only to who started it
    await kuznetsova.wait_for_message()
    app.start_worker()
    lesson = await math_5a(app.db, app.school)
    async with app.db.uow() as uow:
        await lesson_content.message_guardians(
            uow, teacher(app), lesson.id or 0, "Завтра контрольная, повторите дроби.",
            app.clock.now(), app.school.students["Алексеев"],
        )  # fmt: skip
    notice = await next_notice(olga)
    assert notice.button_texts == ["✅ Ознакомлен", "✉️ Ответить учителю"]

    await olga.press(notice, "✉️ Ответить учителю")
    await olga.wait_for_answer()
    ask = await olga.wait_for_message(lambda m: "Напишите ответ учителю" in (m.text or ""))
    assert "2000" in (ask.text or "")
    await olga.send("Спасибо, повторим!")
    sent = await olga.wait_for_message(lambda m: "Ответ отправлен" in (m.text or ""))
    assert sent.text == "Ответ отправлен учителю (Кузнецова А. С.)."

    got = await kuznetsova.wait_for_message(lambda m: "Ответ родителя" in (m.text or ""))
    assert got.text == (
        "🔔 Школьный журнал\n"
        "• ✉️ Ответ родителя — Алексеева Ольга Ивановна (Артём А.):\nСпасибо, повторим!"
    )
    async with app.db.uow() as uow:
        [reply] = await uow.repo(GuardianReply).find()
    assert (
        reply.text == "Спасибо, повторим!"
        and reply.guardian_id == app.school.guardians["Алексеева Ольга"]
    )

    # acknowledged, the notice keeps its reply button
    await olga.press(notice, "✅ Ознакомлен")
    await olga.wait_for_answer()
    edited = await olga.wait_for_message()
    assert edited.button_texts == ["✉️ Ответить учителю"]
