"""Period finals through the real bot: the sheet, every suggested final in one tap, the period
closing the journal, the deputy reopening it with a reason; stale sheets and forged buttons."""

from __future__ import annotations

import datetime as dt

from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.routers.finals import FinSheetCb, FinStudentCb
from core.model.grading import WorkType
from core.model.identity import Role
from core.model.journal import FinalMark, Mark, PeriodLock
from core.services import finals, journal
from core.services.journal import LessonKey
from tests.e2e.conftest import App
from tests.support.actors import staff
from tests.support.lookups import quarter_id, subject_id

MONDAY = dt.date(2026, 9, 7)
DURING = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow: 5А's mathematics
FINALS_MONDAY = dt.datetime(2026, 10, 19, 6, 0, tzinfo=dt.UTC)  # the first quarter's last week


async def marks_of_5a(app: App, values: dict[str, tuple[str, ...]]) -> None:
    """Oral answers in Monday's mathematics of 5А, posted by Кузнецова through core."""
    teacher = staff(app.school, "Кузнецова")
    async with app.db.uow() as uow:
        key = LessonKey(app.school.groups["5А"], MONDAY, 1)
        lesson = await journal.open_lesson(uow, teacher, key)
        oral = await uow.repo(WorkType).first(school_id=app.school.school_id, name="Ответ на уроке")
        assert lesson.id is not None and oral is not None and oral.id is not None
    for round_ in range(max(len(v) for v in values.values())):
        pairs = [(app.school.students[n], v[round_]) for n, v in values.items() if len(v) > round_]
        async with app.db.uow() as uow:
            await journal.post_marks(uow, teacher, lesson.id, oral.id, pairs, DURING)


async def connected(app: App, user_id: int, last_name: str) -> EmulatedUser:
    user = app.emu.user(id=user_id, first_name=last_name)
    await app.connect(user, await app.staff_code(last_name))
    await user.wait_for_message()  # the menu
    return user


async def press(user: EmulatedUser, message: ChatMessage, starts: str) -> ChatMessage:
    await user.press(message, next(t for t in message.button_texts if t.startswith(starts)))
    return await user.wait_for_message()


async def open_sheet(user: EmulatedUser, group: str, period: str = "1-я четверть") -> ChatMessage:
    await user.send("/finals")
    choice = await user.wait_for_message()
    periods = await press(user, choice, group)
    return await press(user, periods, period)


async def switch_role(user: EmulatedUser, label: str) -> ChatMessage:
    await user.send("/role")
    roles = await user.wait_for_message()
    return await press(user, roles, label)


async def test_accept_all_closes_the_period_and_the_deputy_reopens_it(app: App) -> None:
    app.clock.at = DURING
    await marks_of_5a(
        app,
        {"Алексеев": ("5", "4", "4"), "Борисова": ("4",), "Волков": ("3",), "Григорьева": ("5",)},
    )
    app.clock.at = FINALS_MONDAY
    kuznetsova = await connected(app, 1000, "Кузнецова")
    sheet = await open_sheet(kuznetsova, "5А · Математика")
    text = sheet.text or ""
    assert "5А · Математика · 1-я четверть" in text
    assert "Алексеев А. В. — ср. 4.33 → 4 (итог: —)" in text
    assert "Волков Г. В. — ср. 3.00 → 3 (итог: —)" in text
    sheet = await press(kuznetsova, sheet, "✅ Принять все предложенные")
    assert "Сохранено итоговых отметок: 4" in (kuznetsova.callback_answers[-1].text or "")
    assert "Алексеев А. В. — ср. 4.33 → 4 (итог: 4)" in (sheet.text or "")
    assert "🔒 Журнал закрыт" in (sheet.text or "")
    assert "✅ Принять все предложенные" not in sheet.button_texts
    notice = await kuznetsova.wait_for_message()
    assert "Журнал группы 5А (Математика) за период «1-я четверть» закрыт" in (notice.text or "")
    async with app.db.uow() as uow:
        stored = {f.student_id: f.value for f in await uow.repo(FinalMark).find()}
        [lock] = await uow.repo(PeriodLock).find()
    students = app.school.students
    assert stored == {
        students["Алексеев"]: "4",
        students["Борисова"]: "4",
        students["Волков"]: "3",
        students["Григорьева"]: "5",
    }
    assert lock.closed

    # the journal of the quarter is closed: a mark in today's lesson is refused, in Russian
    await kuznetsova.send("/lessons")
    card = await press(kuznetsova, await kuznetsova.wait_for_message(), "1. 5А · Математика")
    screen = await press(kuznetsova, await press(kuznetsova, card, "✏️ Отметки"), "Ответ на уроке")
    values = await press(kuznetsova, screen, "Борисова")
    await kuznetsova.press(values, "5")
    assert "Журнал закрыт" in ((await kuznetsova.wait_for_answer()).text or "")

    # the deputy opens it again with a reason
    await switch_role(kuznetsova, "заместитель директора")
    await kuznetsova.send("/reopen")
    listing = await kuznetsova.wait_for_message()
    ask = await press(kuznetsova, listing, "5А · Математика · 1-я четверть")
    assert "причину" in (ask.text or "") and "Кузнецова А. С." in (ask.text or "")
    await kuznetsova.send("Ошибка в итоговой отметке Волкова")
    done = await kuznetsova.wait_for_message()
    assert "Период открыт заново: 5А · Математика · 1-я четверть" in (done.text or "")
    assert "Ошибка в итоговой отметке Волкова" in (done.text or "")
    async with app.db.uow() as uow:
        [lock] = await uow.repo(PeriodLock).find()
    assert not lock.closed and lock.reason == "Ошибка в итоговой отметке Волкова"
    await kuznetsova.send("/reopen")
    assert "Закрытых периодов нет" in ((await kuznetsova.wait_for_message()).text or "")

    # and the teacher posts marks again
    await switch_role(kuznetsova, "учитель")
    await kuznetsova.press(values, "5")
    assert "5" in ((await kuznetsova.wait_for_answer()).text or "")
    async with app.db.uow() as uow:
        posted = [m for m in await uow.repo(Mark).find() if m.posted_at == FINALS_MONDAY]
    assert [(m.student_id, m.value) for m in posted] == [(students["Борисова"], "5")]


async def test_one_students_final_and_a_stale_sheet(app: App) -> None:
    app.clock.at = DURING
    await marks_of_5a(app, {"Алексеев": ("5",), "Борисова": ("4",)})
    app.clock.at = FINALS_MONDAY
    kuznetsova = await connected(app, 1000, "Кузнецова")
    sheet = await open_sheet(kuznetsova, "5А · Математика")
    assert "Волков Г. В. — ср. — (итог: —)" in (sheet.text or "")
    values = await press(kuznetsova, sheet, "Волков Г. В.")
    assert "Волков Г. В." in (values.text or "")
    assert {"5", "4", "3", "2", "ОСВ", "НА", "отсрочка", "н/а"} <= set(values.button_texts)
    sheet = await press(kuznetsova, values, "отсрочка")
    assert "Волков Г. В. — ср. — (итог: отсрочка)" in (sheet.text or "")
    assert "🔒" not in (sheet.text or "")

    # someone else sets Алексеев's final while the sheet is on the teacher's screen
    group, math = app.school.groups["5А"], await subject_id(app.db, app.school, "Математика")
    q1 = await quarter_id(app.db, app.school, 1)
    deputy = staff(app.school, "Кузнецова", Role.DEPUTY)
    async with app.db.uow() as uow:
        alekseev = app.school.students["Алексеев"]
        await finals.set_finals(uow, deputy, group, math, q1, {alekseev: "5"}, FINALS_MONDAY)
    await kuznetsova.press(sheet, "✅ Принять все предложенные")
    refusal = await kuznetsova.wait_for_answer()
    assert "уже изменил(а) другой пользователь" in (refusal.text or "")
    async with app.db.uow() as uow:
        stored = {f.student_id: f.value for f in await uow.repo(FinalMark).find()}
    assert stored == {alekseev: "5", app.school.students["Волков"]: "отсрочка"}


async def test_an_old_sheet_is_shown_anew_before_anything_is_accepted(app: App) -> None:
    app.clock.at = DURING
    await marks_of_5a(app, {"Алексеев": ("5",), "Борисова": ("4",)})
    app.clock.at = FINALS_MONDAY
    kuznetsova = await connected(app, 1000, "Кузнецова")
    sheet = await open_sheet(kuznetsova, "5А · Математика")
    await kuznetsova.send("/menu")  # the bot forgets what the sheet offered
    await kuznetsova.wait_for_message()
    await kuznetsova.press(sheet, "✅ Принять все предложенные")
    assert "Ведомость обновлена" in ((await kuznetsova.wait_for_answer()).text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(FinalMark).find() == []
    sheet = await press(kuznetsova, sheet, "✅ Принять все предложенные")
    assert "Алексеев А. В. — ср. 5.00 → 5 (итог: 5)" in (sheet.text or "")
    assert "Волков Г. В.: —" in sheet.button_texts and "🔒" not in (sheet.text or "")


async def test_before_the_last_week_the_sheet_is_read_only(app: App) -> None:
    app.clock.at = DURING
    ivanova = await connected(app, 1001, "Иванова")  # English of 5А англ. 1, not a deputy
    sheet = await open_sheet(ivanova, "5А англ. 1 · Английский язык")
    assert "с 18.10.2026" in (sheet.text or "")
    assert sheet.button_texts == ["◀ Назад"]
    group = app.school.groups["5А англ. 1"]
    english = await subject_id(app.db, app.school, "Английский язык")
    q1 = await quarter_id(app.db, app.school, 1)
    forged = FinStudentCb(
        group=group, subject=english, period=q1, student=app.school.students["Алексеев"], value="5"
    )
    query = await ivanova.press_data(sheet, forged.pack())
    assert "последнюю неделю" in ((await ivanova.wait_for_answer(query)).text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(FinalMark).find() == []


async def test_forged_buttons_for_another_teachers_group_get_nothing(app: App) -> None:
    app.clock.at = FINALS_MONDAY
    smirnov = await connected(app, 1002, "Смирнов")  # 5Б's class teacher, English of 5А англ. 2
    menu = smirnov.last_message
    group, math = app.school.groups["5А"], await subject_id(app.db, app.school, "Математика")
    q1 = await quarter_id(app.db, app.school, 1)
    artem = app.school.students["Алексеев"]
    forged = [
        (FinSheetCb(group=group, subject=math, period=q1).pack(), "недоступно"),
        (FinSheetCb(group=group, subject=math, period=q1, act="all").pack(), "недоступно"),
        (FinStudentCb(group=group, subject=math, period=q1, student=artem).pack(), "недоступно"),
        (
            FinStudentCb(group=group, subject=math, period=q1, student=artem, value="5").pack(),
            "недоступно",
        ),
        (FinSheetCb(group=group, subject=math).pack(), "устарела"),
        (FinSheetCb(group=group, subject=math, period=q1, act="zz").pack(), "устарела"),
    ]
    for data, expected in forged:
        query = await smirnov.press_data(menu, data)
        assert expected in ((await smirnov.wait_for_answer(query)).text or ""), data
    await smirnov.send("/reopen")  # a class teacher, not a deputy
    assert "Не понял" in ((await smirnov.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(FinalMark).find() == [] and await uow.repo(PeriodLock).find() == []
