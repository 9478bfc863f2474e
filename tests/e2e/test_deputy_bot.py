"""The deputy in the bot, over the emulator: substitutions seen in the teachers' «Мои уроки»,
moves (refused in holidays), the control-work schedule, forged buttons of a plain teacher."""

from __future__ import annotations

import datetime as dt

from bot.emulator.client import EmulatedUser
from bot.emulator.state import ChatMessage
from bot.routers.deputy_subs import SubTeacherCb
from bot.routers.deputy_works import WorkCb
from core.model.audit import AuditEntry
from core.model.journal import Lesson
from core.model.people import StaffMember, StaffRole
from core.model.timetable import ControlForm, ControlWork
from core.services.audit_log import audited_add
from tests.e2e.conftest import App

MONDAY = dt.datetime(2026, 9, 7, 5, 0, tzinfo=dt.UTC)  # 08:00 in Moscow, before the first bell
D = dt.date


async def scheduler(app: App, role: StaffRole = StaffRole.DEPUTY) -> EmulatedUser:
    """Петрова, a deputy (or dispatcher) who teaches nothing, connected; her menu read."""
    app.clock.at = MONDAY
    async with app.db.uow() as uow:
        member = await audited_add(
            uow,
            "cli:test",
            StaffMember(
                school_id=app.school.school_id,
                last_name="Петрова",
                first_name="Елена",
                middle_name="Ивановна",
                roles=[role],
            ),
        )
        await uow.commit()
    assert member.id is not None
    app.school.staff["Петрова"] = member.id
    user = app.emu.user(id=1100, first_name="Елена")
    await app.connect(user, await app.staff_code("Петрова"))
    await user.wait_for_message()  # the menu
    return user


async def teacher(app: App, last_name: str, user_id: int) -> EmulatedUser:
    user = app.emu.user(id=user_id, first_name=last_name)
    await app.connect(user, await app.staff_code(last_name))
    await user.wait_for_message()
    return user


async def tap(user: EmulatedUser, message: ChatMessage, text: str) -> ChatMessage:
    await user.press(message, text)
    return await user.wait_for_message()


def starting(message: ChatMessage, prefix: str) -> str:
    return next(t for t in message.button_texts if t.startswith(prefix))


async def subs_day(user: EmulatedUser) -> ChatMessage:
    await user.send("/subs")
    return await user.wait_for_message()


async def lesson_screen(user: EmulatedUser, label: str = "1. 5А · Математика") -> ChatMessage:
    day = await subs_day(user)
    return await tap(user, day, starting(day, label))


async def my_lessons(user: EmulatedUser) -> list[str]:
    await user.send("/lessons")
    return (await user.wait_for_message()).button_texts


async def test_a_substitute_from_the_free_teachers_takes_the_lesson(app: App) -> None:
    deputy = await scheduler(app)
    await deputy.send("/menu")
    menu = await deputy.wait_for_message()
    day = await tap(deputy, menu, "🔁 Замены и переносы")
    assert "понедельник, 7 сентября" in (day.text or "")
    assert "1. 5А · Математика · Кузнецова А. С." in day.button_texts
    screen = await tap(deputy, day, "1. 5А · Математика · Кузнецова А. С.")
    assert "Учитель: Кузнецова А. С." in (screen.text or "")
    free = await tap(deputy, screen, "👤 Заменить учителя")
    assert free.button_texts == ["Иванова М. П.", "Смирнов О. И.", "◀ К уроку"]
    done = await tap(deputy, free, "Смирнов О. И.")
    assert "✅ Замена оформлена: урок ведёт Смирнов О. И." in (done.text or "")
    assert "Замена: ведёт Смирнов О. И." in (done.text or "")

    app.clock.at = MONDAY + dt.timedelta(hours=1)
    smirnov = await teacher(app, "Смирнов", 1002)
    assert "1. 5А · Математика (замена)" in await my_lessons(smirnov)
    kuznetsova = await teacher(app, "Кузнецова", 1000)
    mine = await my_lessons(kuznetsova)
    assert not any(t.startswith("1. 5А") for t in mine) and any(t.startswith("2. 5Б") for t in mine)

    back = await tap(deputy, done, "↩ Отменить замену")
    assert "✅ Замена отменена: урок снова ведёт Кузнецова А. С." in (back.text or "")
    assert not any(t.startswith("1. 5А") for t in await my_lessons(smirnov))
    assert any(t.startswith("1. 5А · Математика") for t in await my_lessons(kuznetsova))


async def test_a_move_into_the_autumn_holidays_is_refused(app: App) -> None:
    deputy = await scheduler(app)
    screen = await lesson_screen(deputy)
    dates = await tap(deputy, screen, "📅 Перенести урок")
    week = ["пн 07.09", "вт 08.09", "ср 09.09", "чт 10.09", "пт 11.09", "пн 14.09"]
    assert dates.button_texts[:6] == week  # school days only: no Saturday, no Sunday
    await deputy.send("26.10.2026")
    numbers = await deputy.wait_for_message()
    assert "понедельник, 26 октября" in (numbers.text or "")
    rooms = await tap(deputy, numbers, "2")
    query = await deputy.press(rooms, "Оставить каб. 201")
    answer = await deputy.wait_for_answer(query)
    assert "26.10.2026 у группы «5А» не учебный день" in (answer.text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(Lesson).find() == []
    assert "1. 5А · Математика · Кузнецова А. С." in (await subs_day(deputy)).button_texts


async def test_a_lesson_is_moved_to_another_day_number_and_room(app: App) -> None:
    deputy = await scheduler(app)
    screen = await lesson_screen(deputy)
    dates = await tap(deputy, screen, "📅 Перенести урок")
    numbers = await tap(deputy, dates, "ср 09.09")
    rooms = await tap(deputy, numbers, "2")
    assert rooms.button_texts[0] == "Оставить каб. 201"
    moved = await tap(deputy, rooms, "каб. 305")
    text = moved.text or ""
    assert "✅ Урок перенесён." in text and "2-й урок, среда, 9 сентября, каб. 305" in text
    assert "Перенесён сюда с 07.09.2026, 1-й урок" in text
    wednesday = await tap(deputy, moved, "◀ К урокам дня")
    assert any(
        t.startswith("2. 5А · Математика") and t.endswith("(перенесён сюда)")
        for t in wednesday.button_texts
    )
    async with app.db.uow() as uow:
        found = {(x.on_date, x.lesson_number): x for x in await uow.repo(Lesson).find()}
    assert found[(D(2026, 9, 7), 1)].cancelled
    assert not found[(D(2026, 9, 9), 2)].cancelled
    kuznetsova = await teacher(app, "Кузнецова", 1000)
    assert not any(t.startswith("1. 5А") for t in await my_lessons(kuznetsova))


async def test_the_timetable_gets_a_new_teacher_from_a_date(app: App) -> None:
    deputy = await scheduler(app)
    screen = await lesson_screen(deputy)
    dates = await tap(deputy, screen, "🗓 Изменить расписание с даты")
    assert dates.button_texts == ["пн 07.09", "пн 14.09", "пн 21.09", "пн 28.09", "◀ К уроку"]
    teachers = await tap(deputy, dates, "пн 14.09")
    changed = await tap(deputy, teachers, "Иванова М. П.")
    assert "✅ Расписание изменено: с 14.09.2026 урок ведёт Иванова М. П." in (changed.text or "")
    assert "Учитель: Кузнецова А. С." in (changed.text or "")  # this Monday stays hers
    app.clock.at = MONDAY + dt.timedelta(weeks=1)
    ivanova = await teacher(app, "Иванова", 1001)
    assert any(t.startswith("1. 5А · Математика") for t in await my_lessons(ivanova))


async def test_a_control_work_is_added_moved_and_cancelled_with_a_reason(app: App) -> None:
    deputy = await scheduler(app)
    await deputy.send("/controlworks")
    periods = await deputy.wait_for_message()
    listing = await tap(deputy, periods, starting(periods, "1-я четверть"))
    assert "19.10 (пн), 1-й урок · 5А · Математика · контрольная работа — Входная контрольная" in (
        listing.text or ""
    )
    groups = await tap(deputy, listing, "➕ Добавить")
    subjects = await tap(deputy, groups, "5Б")
    dates = await tap(deputy, subjects, "Математика")
    forms = await tap(deputy, dates, "чт 10.09")
    numbers = await tap(deputy, forms, "Тестирование")
    ask = await tap(deputy, numbers, "2")
    assert "«-»" in (ask.text or "")
    await deputy.send("Дроби")
    added = await deputy.wait_for_message()
    line = "10.09 (чт), 2-й урок · 5Б · Математика · тестирование — Дроби"
    assert f"✅ Контрольная работа добавлена: {line}" in (added.text or "")
    async with app.db.uow() as uow:
        [work] = await uow.repo(ControlWork).find(group_id=app.school.groups["5Б"])
    assert (work.on_date, work.lesson_number, work.form, work.topic) == (
        D(2026, 9, 10), 2, ControlForm.QUIZ, "Дроби"
    )  # fmt: skip

    card = await tap(deputy, added, "10.09 · 5Б · Математика")
    dates = await tap(deputy, card, "📅 Перенести")
    numbers = await tap(deputy, dates, "пт 11.09")
    moved = await tap(deputy, numbers, "Без номера урока")
    assert "✅ Контрольная работа перенесена: 11.09 (пт) · 5Б · Математика · тестирование" in (
        moved.text or ""
    )
    ask = await tap(deputy, moved, "✖ Отменить")
    assert "причину" in (ask.text or "")
    await deputy.send("Учитель на курсах повышения квалификации")
    cancelled = await deputy.wait_for_message()
    assert "✅ Контрольная работа отменена: 11.09 (пт) · 5Б" in (cancelled.text or "")
    assert not any("5Б" in t for t in cancelled.button_texts)
    async with app.db.uow() as uow:
        assert await uow.repo(ControlWork).find(group_id=app.school.groups["5Б"]) == []
        [entry] = await uow.repo(AuditEntry).find(action="control_work.cancel")
    assert entry.after == {"reason": "Учитель на курсах повышения квалификации"}


async def test_a_second_control_work_on_a_day_is_refused(app: App) -> None:
    deputy = await scheduler(app)
    await deputy.send("/controlworks")
    periods = await deputy.wait_for_message()
    listing = await tap(deputy, periods, starting(periods, "1-я четверть"))
    subjects = await tap(deputy, await tap(deputy, listing, "➕ Добавить"), "5А англ. 1")
    await tap(deputy, subjects, "Английский язык")
    await deputy.send("19.10")  # 5А writes mathematics that day, the subgroup shares students
    numbers = await tap(deputy, await deputy.wait_for_message(), "Диктант")
    await tap(deputy, numbers, "Без номера урока")
    await deputy.send("-")
    refused = await deputy.wait_for_message()
    assert "уже есть контрольная работа (группа «5А», Математика)" in (refused.text or "")
    async with app.db.uow() as uow:
        assert len(await uow.repo(ControlWork).find()) == 1


async def test_the_dispatcher_substitutes_too(app: App) -> None:
    dispatcher = await scheduler(app, StaffRole.DISPATCHER)
    free = await tap(dispatcher, await lesson_screen(dispatcher), "👤 Заменить учителя")
    done = await tap(dispatcher, free, "Иванова М. П.")
    assert "урок ведёт Иванова М. П." in (done.text or "")


async def test_a_teacher_pressing_forged_deputy_buttons_changes_nothing(app: App) -> None:
    app.clock.at = MONDAY
    smirnov = await teacher(app, "Смирнов", 1002)
    menu = smirnov.last_message
    forged = (
        SubTeacherCb(
            group=app.school.groups["5А"],
            day=20260907,
            number=1,
            teacher=app.school.staff["Смирнов"],
        ).pack(),
        WorkCb(period=1, work=1, act="x").pack(),
    )
    for data in forged:
        query = await smirnov.press_data(menu, data)
        assert "устарела" in ((await smirnov.wait_for_answer(query)).text or "")
    await smirnov.send("Контрольной не будет")
    assert "Не понял" in ((await smirnov.wait_for_message()).text or "")
    async with app.db.uow() as uow:
        assert await uow.repo(Lesson).find() == []
        assert len(await uow.repo(ControlWork).find()) == 1
