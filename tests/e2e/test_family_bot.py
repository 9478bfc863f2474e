"""A guardian and a student read the child's diary through the real Dispatcher over HTTP: the
timetable with substitutions and moves, homework, marks, control works, teachers and holidays
(INF-1); a forged button for another family's child gets nothing, and without consent nothing."""

from __future__ import annotations

import datetime as dt

from bot.emulator.client import EmulatedUser
from bot.emulator.files import store_file
from bot.emulator.params import Upload
from bot.emulator.state import ChatMessage
from bot.routers.family import FamilyCb
from core.model.grading import WorkType
from core.model.identity import Actor, PersonKind, Role
from core.services import identity, journal, lesson_content, lesson_moves, substitutions
from core.services.identity import Audience
from core.services.journal import LessonKey
from tests.e2e.conftest import START, App
from tests.support.actors import staff

MOTHER = "Алексеева Ольга Ивановна"
MONDAY = dt.date(2026, 9, 7)
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
MONDAY_10AM = dt.datetime(2026, 9, 7, 7, 0, tzinfo=dt.UTC)  # 10:00 in Moscow, after lesson 2


async def record_the_week(app: App) -> None:
    """Homework, a substitution, a move and a mark in 5А, as the teachers and the deputy do it."""
    school = app.school
    kuznetsova, ivanova = staff(school, "Кузнецова"), staff(school, "Иванова")
    deputy = staff(school, "Кузнецова", Role.DEPUTY)
    sheet = store_file(app.emu.state, Upload("задачи.pdf", b"%PDF-1.4 tasks", "application/pdf"))
    async with app.db.uow() as uow:
        maths = await journal.open_lesson(
            uow, kuznetsova, LessonKey(school.groups["5А"], MONDAY, 1)
        )
    async with app.db.uow() as uow:
        await lesson_content.set_homework(
            uow,
            kuznetsova,
            maths.id or 0,
            "№ 12, 14 на с. 30",
            START,
            attachments=[f"doc:{sheet.file_id}", "photo:AgAC-forgotten"],
        )
    async with app.db.uow() as uow:
        await substitutions.substitute(
            uow, deputy, LessonKey(school.groups["5А"], MONDAY, 1), school.staff["Смирнов"], START
        )
    async with app.db.uow() as uow:
        await lesson_moves.move_lesson(
            uow,
            deputy,
            LessonKey(school.groups["5А"], TUESDAY, 1),
            new_date=WEDNESDAY,
            new_number=2,
            new_room_id=None,
            now=START,
        )
    async with app.db.uow() as uow:
        english = await journal.open_lesson(
            uow, ivanova, LessonKey(school.groups["5А англ. 1"], MONDAY, 2)
        )
        oral = await uow.repo(WorkType).first(school_id=school.school_id, name="Ответ на уроке")
        assert oral is not None and oral.id is not None
    async with app.db.uow() as uow:
        await journal.post_mark(
            uow, ivanova, english.id or 0, school.students["Алексеев"], oral.id, "5", MONDAY_10AM
        )
    app.clock.at = MONDAY_10AM


async def consenting_mother(app: App) -> tuple[EmulatedUser, ChatMessage]:
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await app.connect(mother, codes[MOTHER])
    ask = await mother.wait_for_message()
    await mother.press(ask, "✅ Согласен")
    await mother.wait_for_message(lambda m: "Согласие записано" in (m.text or ""))
    await mother.send("/menu")
    menu = await mother.wait_for_message(lambda m: "🗓 Неделя" in m.button_texts)
    return mother, menu


def _is_menu(message: ChatMessage) -> bool:
    return "Выберите действие" in (message.text or "")


async def view(user: EmulatedUser, menu: ChatMessage, button: str) -> str:
    await user.press(menu, button)
    answer = await user.wait_for_message(lambda m: not _is_menu(m), edits=False)
    return answer.text or ""


async def test_the_guardian_reads_the_childs_week(app: App) -> None:
    await record_the_week(app)
    mother, menu = await consenting_mother(app)
    assert menu.button_texts[:8] == [
        "📅 Расписание на сегодня",
        "📅 На завтра",
        "🗓 Неделя",
        "📚 Домашнее задание",
        "📊 Отметки",
        "📝 Контрольные работы",
        "👩‍🏫 Учителя",
        "🏖 Каникулы",
    ]
    today = await view(mother, menu, "📅 Расписание на сегодня")
    assert today.splitlines() == [
        "Алексеев А. В., понедельник, 7 сентября:",
        "1. 08:30 Математика (каб. 201) — замена: Смирнов О. И.",
        "2. 09:25 Английский язык (каб. 202)",
    ]
    tomorrow = await view(mother, menu, "📅 На завтра")
    assert "вторник, 8 сентября: уроков нет" in tomorrow
    week = await view(mother, menu, "🗓 Неделя")
    assert "неделя 07.09 — 12.09" in week
    assert "вторник, 8 сентября: уроков нет" in week
    assert "2. 09:25 Математика (каб. 201) — перенесён с 08.09, 1-й урок" in week
    assert "суббота, 12 сентября: уроков нет" in week
    homework = await view(mother, menu, "📚 Домашнее задание")
    assert homework.splitlines()[1:] == [
        "",
        "вторник, 8 сентября:",
        "• Математика: № 12, 14 на с. 30 (вложений: 2)",
    ]
    await mother.press(menu, "📊 Отметки")
    marks = await mother.wait_for_message(lambda m: not _is_menu(m), edits=False)
    assert "неделя 07.09 — 13.09" in (marks.text or "")
    assert "Английский язык: 5 — средний балл 5,00" in (marks.text or "")
    await mother.press(marks, "📊 За четверть")
    quarter = await mother.wait_for_message(edits=False)
    assert "1-я четверть (01.09 — 24.10)" in (quarter.text or "")
    assert "Английский язык: 5 — средний балл 5,00" in (quarter.text or "")
    works = await view(mother, menu, "📝 Контрольные работы")
    assert "19.10, 1-й урок — Математика: Контрольная работа «Входная контрольная»" in works
    teachers = await view(mother, menu, "👩‍🏫 Учителя")
    assert teachers.splitlines()[1:] == [
        "Английский язык — Иванова М. П.",
        "Математика — Кузнецова А. С.",
    ]
    holidays = await view(mother, menu, "🏖 Каникулы")
    assert "Осенние: 25.10.2026 — 04.11.2026" in holidays


async def test_a_forged_button_for_another_child_gets_nothing(app: App) -> None:
    await record_the_week(app)
    mother, menu = await consenting_mother(app)
    vera = app.school.students["Борисова"]
    for name in ("marks", "period", "week", "homework", "teachers"):
        query = await mother.press_data(menu, FamilyCb(view=name, student=vera).pack())
        assert "Не найдено" in ((await mother.wait_for_answer(query)).text or "")
    query = await mother.press_data(menu, FamilyCb(view="secrets", student=vera).pack())
    assert "устарела" in ((await mother.wait_for_answer(query)).text or "")
    assert not any("Борисова" in (m.text or "") for m in mother.messages)


async def test_without_consent_the_buttons_tell_why_and_show_nothing(app: App) -> None:
    await record_the_week(app)
    codes = await app.guardian_codes("5А")
    mother = app.emu.user(id=2001, first_name="Ольга")
    await app.connect(mother, codes[MOTHER])
    ask = await mother.wait_for_message()
    await mother.press(ask, "❌ Не согласен")
    await mother.wait_for_message(lambda m: "отказ записан" in (m.text or ""))
    await mother.send("/menu")
    menu = await mother.wait_for_message(lambda m: "🗓 Неделя" in m.button_texts)
    for button in ("🗓 Неделя", "📚 Домашнее задание", "📊 Отметки", "🏖 Каникулы"):
        query = await mother.press(menu, button)
        assert "нужно согласие" in ((await mother.wait_for_answer(query)).text or "")
    assert not any("Математика" in (m.text or "") for m in mother.messages)


async def test_a_student_reads_their_own_marks(app: App) -> None:
    await record_the_week(app)
    coordinator = Actor(
        telegram_user_id=None, school_id=app.school.school_id, kind=PersonKind.STAFF,
        person_id=0, name="", role=Role.COORDINATOR, roles=frozenset({Role.COORDINATOR}),
    )  # fmt: skip
    async with app.db.uow() as uow:
        issued = await identity.issue_class_codes(
            uow, coordinator, app.school.classes["5А"],
            audience=Audience.STUDENTS, now=app.clock.now(), include_bound=True,
        )  # fmt: skip
    code = next(i.code for i in issued if i.person_name.startswith("Алексеев"))
    artem = app.emu.user(id=3001, first_name="Артём")
    await app.connect(artem, code)
    await artem.send("/menu")
    menu = await artem.wait_for_message(lambda m: "📊 Отметки" in m.button_texts)
    assert "👧 Выбрать ребёнка" not in menu.button_texts
    marks = await view(artem, menu, "📊 Отметки")
    assert "Английский язык: 5 — средний балл 5,00" in marks
    query = await artem.press_data(
        menu, FamilyCb(view="marks", student=app.school.students["Борисова"]).pack()
    )
    assert "Не найдено" in ((await artem.wait_for_answer(query)).text or "")


async def test_the_homework_files_are_sent_on_request(app: App) -> None:
    await record_the_week(app)
    mother, menu = await consenting_mother(app)
    await mother.press(menu, "📚 Домашнее задание")
    homework = await mother.wait_for_message(lambda m: not _is_menu(m), edits=False)
    await mother.press(homework, "📎 Прислать вложения (2)")
    sheet = await mother.wait_for_message(lambda m: m.document is not None, edits=False)
    assert sheet.document is not None and sheet.document.content == b"%PDF-1.4 tasks"
    assert sheet.caption == "Математика, к 08.09"
    gone = await mother.wait_for_message(edits=False)
    assert gone.text == "Вложение «Математика» к 08.09 больше недоступно в Telegram."
    query = await mother.press_data(
        menu, FamilyCb(view="files", student=app.school.students["Борисова"]).pack()
    )
    assert "Не найдено" in ((await mother.wait_for_answer(query)).text or "")
