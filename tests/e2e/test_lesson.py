"""The teacher in the lesson, through the real bot: tap counts, text marks, refusals, content."""

from __future__ import annotations

import datetime as dt

from bot.callbacks import CardCb
from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from core.model.journal import Absence, AbsenceKind, Homework, Lesson, Mark
from tests.e2e.conftest import App

MONDAY_LESSON_1 = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow


class Taps:
    """Counts the teacher's taps from the lesson card on."""

    def __init__(self, user: EmulatedUser) -> None:
        self.user, self.count = user, 0

    async def press(self, message: ChatMessage, text: str) -> ChatMessage:
        self.count += 1
        await self.user.press(message, text)
        return await self.user.wait_for_message()


async def lesson_card(
    app: App, user: EmulatedUser, label: str = "1. 5А · Математика"
) -> ChatMessage:
    await user.send("/lessons")
    listing = await user.wait_for_message()
    button = next(t for t in listing.button_texts if t.startswith(label))
    await user.press(listing, button)
    return await user.wait_for_message()


async def teacher(app: App) -> EmulatedUser:
    app.clock.at = MONDAY_LESSON_1
    user = app.emu.user(id=1000, first_name="Анна")
    await app.connect(user, await app.staff_code("Кузнецова"))
    await user.wait_for_message()  # the menu
    return user


async def test_attendance_with_k_absentees_takes_k_plus_2_taps(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    assert "5А · Математика" in (card.text or "") and "Посещаемость: не отмечена" in (
        card.text or ""
    )
    taps = Taps(user)
    roster = await taps.press(card, "👥 Посещаемость")
    roster = await taps.press(roster, next(t for t in roster.button_texts if "Волков" in t))
    roster = await taps.press(roster, next(t for t in roster.button_texts if "Борисова" in t))
    assert any(t.startswith("Н Волков") for t in roster.button_texts)
    card = await taps.press(roster, "💾 Сохранить")
    assert taps.count == 2 + 2
    assert "Волков Г. В. (Н)" in (card.text or "") and "Борисова В. В. (Н)" in (card.text or "")
    async with app.db.uow() as uow:
        absences = await uow.repo(Absence).find()
    assert sorted(a.student_id for a in absences) == sorted(
        [app.school.students["Волков"], app.school.students["Борисова"]]
    )
    assert {a.kind for a in absences} == {AbsenceKind.ABSENT}


async def test_everyone_present_is_two_taps(app: App) -> None:
    user = await teacher(app)
    taps = Taps(user)
    card = await lesson_card(app, user)
    roster = await taps.press(card, "👥 Посещаемость")
    card = await taps.press(roster, "✅ Все присутствуют")
    assert taps.count == 2 and "все присутствовали" in (card.text or "")


async def test_a_tap_cycles_the_kind_of_absence(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    roster = await Taps(user).press(card, "👥 Посещаемость")
    seen = []
    for _ in range(5):
        button = next(t for t in roster.button_texts if "Жуков" not in t and "Волков" in t)
        seen.append(button.split(" ")[0])
        await user.press(roster, button)
        roster = await user.wait_for_message()
    assert seen == ["Волков", "Н", "Б", "У", "О"]


async def test_marks_take_two_taps_each(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    types = await Taps(user).press(card, "✏️ Отметки")
    screen = await Taps(user).press(types, "Ответ на уроке")
    taps = Taps(user)
    for name, value in (("Алексеев", "5"), ("Борисова", "4"), ("Григорьева", "3")):
        values = await taps.press(
            screen, next(t for t in screen.button_texts if t.startswith(name))
        )
        screen = await taps.press(values, value)
    assert taps.count == 2 * 3
    assert any(t.startswith("Алексеев А. В. 5") for t in screen.button_texts)
    async with app.db.uow() as uow:
        marks = await uow.repo(Mark).find()
    assert sorted(m.value for m in marks) == ["3", "4", "5"]


async def test_marks_as_one_message_all_or_nothing(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    await user.press(card, "✏️ Отметки")
    types = await user.wait_for_message()
    await user.press(types, "Ответ на уроке")
    await user.wait_for_message()
    for bad, expected in (
        ("5+ 4", "„5+“"),
        ("Алексеев 6", "„Алексеев 6“"),
        ("Борисова", "нет отметки"),
    ):
        await user.send(bad)
        answer = await user.wait_for_message()
        assert "Ничего не сохранено" in (answer.text or "") and expected in (answer.text or ""), (
            answer.text
        )
    async with app.db.uow() as uow:
        assert await uow.repo(Mark).find() == []
    await user.send("5 4 - 3")
    assert "Сохранено отметок: 3" in ((await user.wait_for_message()).text or "")
    await user.send("Волков 2")
    assert "Сохранено отметок: 1" in ((await user.wait_for_message()).text or "")


async def test_a_mark_is_corrected_with_a_reason(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    await user.press(card, "✏️ Отметки")
    types = await user.wait_for_message()
    await user.press(types, "Ответ на уроке")
    screen = await user.wait_for_message()
    await user.press(screen, next(t for t in screen.button_texts if t.startswith("Алексеев")))
    await user.press(await user.wait_for_message(), "5")
    screen = await user.wait_for_message()
    await user.press(screen, next(t for t in screen.button_texts if t.startswith("Алексеев")))
    values = await user.wait_for_message()
    await user.press(values, "✏️ Исправить или удалить")
    which = await user.wait_for_message()
    await user.press(which, which.button_texts[0])
    new = await user.wait_for_message()
    await user.press(new, "4")
    assert "причину" in ((await user.wait_for_message()).text or "")
    await user.send("нажала не ту кнопку")
    assert "Исправлено: Алексеев А. В. 5 → 4." in ((await user.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        [mark] = await uow.repo(Mark).find()
    assert (mark.value, mark.reason) == ("4", "нажала не ту кнопку")


async def test_topic_homework_and_message(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    await user.press(card, "📝 Тема")
    topics = await user.wait_for_message()
    await user.press(topics, "Натуральные числа")
    card = await user.wait_for_message()
    assert "Тема: Натуральные числа" in (card.text or "")
    await user.press(card, "📚 Домашнее задание")
    await user.wait_for_message()
    await user.send("х" * 3000)
    assert "Слишком длинный текст: 3000" in ((await user.wait_for_message()).text or "")
    await user.send("№ 12 и 14, с. 30")
    saved = await user.wait_for_message()
    assert "записано на вторник, 8 сентября" in (saved.text or "")
    card = await user.wait_for_message()
    await user.press(card, "✉️ Сообщение родителям")
    whom = await user.wait_for_message()
    await user.press(whom, "Родителям всей группы")
    await user.wait_for_message()
    await user.send("Завтра экскурсия в музей, форма свободная.")
    assert "Сообщение принято" in ((await user.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        [homework] = await uow.repo(Homework).find()
        [lesson] = await uow.repo(Lesson).find()
    assert homework.text == "№ 12 и 14, с. 30" and lesson.topic == "Натуральные числа"


async def test_another_teachers_lesson_and_a_future_day_are_refused(app: App) -> None:
    user = await teacher(app)
    card = await lesson_card(app, user)
    async with app.db.uow() as uow:
        [lesson] = await uow.repo(Lesson).find()
    smirnov = app.emu.user(id=1002, first_name="Олег")
    await app.connect(smirnov, await app.staff_code("Смирнов"))
    await smirnov.wait_for_message()
    query = await smirnov.press_data(
        card.message_id, CardCb(lesson=lesson.id or 0, action="att").pack()
    )
    assert "недоступно" in ((await smirnov.wait_for_answer(query)).text or "")
    app.clock.at = MONDAY_LESSON_1 - dt.timedelta(days=7)  # a week before: the lesson is ahead
    roster = await Taps(user).press(card, "👥 Посещаемость")
    await user.press(roster, "💾 Сохранить")
    answer = await user.wait_for_answer()
    assert "в день урока" in (answer.text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(Absence).find() == []


async def test_forged_students_and_commands_during_input(app: App) -> None:
    from bot.callbacks import AttCb, MarkValueCb
    from core.model.grading import WorkType

    user = await teacher(app)
    card = await lesson_card(app, user)
    async with app.db.uow() as uow:
        [lesson] = await uow.repo(Lesson).find()
        oral = await uow.repo(WorkType).first(name="Ответ на уроке")
    zhukov = app.school.students["Жуков"]  # a 5Б student, not in 5А's lesson
    forged = MarkValueCb(lesson=lesson.id or 0, work_type=oral.id or 0, student=zhukov, value="5")  # type: ignore[union-attr]
    query = await user.press_data(card.message_id, forged.pack())
    assert "не числится" in ((await user.wait_for_answer(query)).text or "")
    query = await user.press_data(
        card.message_id, AttCb(lesson=lesson.id or 0, student=zhukov).pack()
    )
    assert "устарела" in ((await user.wait_for_answer(query)).text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(Mark).find() == [] and await uow.repo(Absence).find() == []
    await user.press(card, "📝 Тема")
    await user.wait_for_message()
    await user.send("/menu")  # not taken for the topic
    assert "Выберите действие" in ((await user.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        [lesson] = await uow.repo(Lesson).find()
    assert lesson.topic is None
