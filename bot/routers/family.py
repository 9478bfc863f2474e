"""Guardians and students: consent (INF-3), choosing a child, and what they read about the child
(INF-1): the day's and the week's timetable with substitutions and moves, homework, marks, control
works, teachers and holidays. Every view goes through core.services.family_views, which checks the
consent and the link to the child first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import keyboards
from bot.callbacks import ChildCb, ConsentCb, DayCb, MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.replies import day_label, local_time
from bot.texts import common as ct
from bot.texts import guardian as txt
from bot.texts.deputy import FORMS
from core.model.identity import Actor, ConsentAnswer, Role
from core.services import consent, family_views
from core.services.family_views import (
    ChildDay,
    ChildLesson,
    ControlWorksView,
    HolidayLine,
    HomeworkLine,
    MarksView,
    TeacherLine,
)
from core.services.identity import children_of_guardian, select_child
from core.services.identity_texts import CONSENT_LABELS
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

DONE = {
    ConsentAnswer.GIVEN: txt.CONSENT_GIVEN,
    ConsentAnswer.REFUSED: txt.CONSENT_REFUSED,
    ConsentAnswer.WITHDRAWN: txt.CONSENT_WITHDRAWN,
}


async def consent_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await _show_consent(message, uow, actor)


async def consent_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _show_consent(query.message, uow, actor)


async def _show_consent(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    record = await consent.latest_consent(uow, actor.person_id)
    state = txt.CONSENT_STATE.format(
        state=CONSENT_LABELS[record.answer if record else None],
        when=f", {await local_time(uow, actor.school_id, record.recorded_at)}" if record else "",
    )
    text = await consent.consent_text(uow, actor.school_id)
    given = record is not None and record.answer is ConsentAnswer.GIVEN
    await message.answer(
        f"{txt.CONSENT_ASK.format(text=text)}\n\n{state}",
        reply_markup=keyboards.consent_buttons(given),
    )


async def consent_answer(
    query: CallbackQuery,
    callback_data: ConsentCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    try:
        answer = ConsentAnswer(callback_data.answer)
    except ValueError:
        await query.answer(ct.STALE_BUTTON)
        return
    record = await consent.answer_consent(uow, actor, answer, ctx.clock.now())
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            DONE[answer].format(at=await local_time(uow, actor.school_id, record.recorded_at)),
            reply_markup=keyboards.back_to_menu(),
        )


async def child_command(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    await _children(message, uow, actor)


async def child_button(query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _children(query.message, uow, actor)


async def _children(message: Message, uow: SqlUnitOfWork, actor: Actor) -> None:
    children = await children_of_guardian(uow, actor.person_id)
    if not children:
        await message.answer(txt.NO_CHILDREN)
        return
    if len(children) == 1:
        await message.answer(txt.ONE_CHILD.format(name=children[0].short_name))
        return
    builder = InlineKeyboardBuilder()
    for child in children:
        mark = "• " if child.id == actor.student_id else ""
        builder.button(text=mark + child.short_name, callback_data=ChildCb(student=child.id or 0))
    builder.adjust(1)
    await message.answer(txt.CHILD_CHOOSE, reply_markup=builder.as_markup())


async def child_chosen(
    query: CallbackQuery, callback_data: ChildCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    child = await select_child(uow, actor, callback_data.student)
    await query.answer(txt.CHILD_CHOSEN.format(name=child.short_name))
    if isinstance(query.message, Message):
        await query.message.edit_text(
            txt.CHILD_CHOSEN.format(name=child.short_name), reply_markup=keyboards.back_to_menu()
        )


class FamilyCb(CallbackData, prefix="fv"):
    """A view of one child from a button under another view (the child's id is checked again)."""

    view: str
    student: int


@dataclass(frozen=True)
class Screen:
    """A view's text and the buttons under it (besides «☰ Меню»)."""

    text: str
    buttons: tuple[tuple[str, FamilyCb], ...] = ()


async def today_command(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await message.answer((await _view(uow, actor, ctx, "today", actor.student_id)).text)


async def day_button(
    query: CallbackQuery, callback_data: DayCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    view = "tomorrow" if callback_data.offset >= 1 else "today"
    screen = await _view(uow, actor, ctx, view, actor.student_id)  # a refusal answers the query
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(screen.text, reply_markup=keyboards.back_to_menu())


async def menu_view_button(
    query: CallbackQuery, callback_data: MenuCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await _answer_view(query, uow, actor, ctx, callback_data.action, actor.student_id)


async def family_button(
    query: CallbackQuery,
    callback_data: FamilyCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    bot: Bot,
) -> None:
    if callback_data.view == "files":
        await _send_files(query, bot, uow, actor, ctx, callback_data.student)
        return
    await _answer_view(query, uow, actor, ctx, callback_data.view, callback_data.student)


async def _answer_view(
    query: CallbackQuery,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    view: str,
    student_id: int | None,
) -> None:
    if view not in VIEWS:
        await query.answer(ct.STALE_BUTTON)
        return
    screen = await _view(uow, actor, ctx, view, student_id)  # a refusal answers the query
    await query.answer()
    if not isinstance(query.message, Message):
        return
    builder = InlineKeyboardBuilder()
    for label, data in screen.buttons:
        builder.button(text=label, callback_data=data)
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(1)
    await query.message.answer(screen.text, reply_markup=builder.as_markup())


async def _send_files(
    query: CallbackQuery,
    bot: Bot,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    student_id: int,
) -> None:
    """The homework's photos and documents, by their Telegram file ids ("photo:…", "doc:…")."""
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    lines = await family_views.child_homework(uow, actor, student_id, today)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    chat = query.message.chat.id
    for line in lines:
        caption = txt.FILE_CAPTION.format(subject=line.subject, day=line.due_on)
        for attachment in line.attachments:
            kind, _, file_id = attachment.partition(":")
            try:
                if kind == "photo":
                    await bot.send_photo(chat, file_id, caption=caption)
                else:
                    await bot.send_document(chat, file_id, caption=caption)
            except TelegramBadRequest:  # the file id no longer known to Telegram
                await query.message.answer(
                    txt.FILE_GONE.format(subject=line.subject, day=line.due_on)
                )


MENU_VIEWS = ("week", "homework", "marks", "works", "teachers", "holidays")
VIEWS = (
    "today",
    "tomorrow",
    "week",
    "homework",
    "marks",
    "period",
    "works",
    "teachers",
    "holidays",
)


async def _view(
    uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, view: str, student_id: int | None
) -> Screen:
    if student_id is None:
        if actor.role is Role.GUARDIAN and not await consent.may_send_personal_data(
            uow, actor.person_id
        ):
            return Screen(txt.CONSENT_NEEDED)
        return Screen(txt.NO_CHILDREN)
    today = await school_today(uow, actor.school_id, ctx.clock.now())
    if view in ("today", "tomorrow"):
        day = today + dt.timedelta(days=int(view == "tomorrow"))
        [one] = await family_views.child_days(uow, actor, student_id, day, day)
        return Screen(render_day(await _name(uow, actor, student_id), one))
    if view == "week":
        start, end = family_views.week_days(today)
        days = await family_views.child_days(uow, actor, student_id, start, end)
        return Screen(render_week(await _name(uow, actor, student_id), start, end, days))
    if view == "homework":
        lines = await family_views.child_homework(uow, actor, student_id, today)
        count = sum(len(line.attachments) for line in lines)
        files = FamilyCb(view="files", student=student_id)
        return Screen(
            render_homework(await _name(uow, actor, student_id), lines),
            ((txt.BTN_FILES.format(count=count), files),) if count else (),
        )
    if view in ("marks", "period"):
        marks = (
            await family_views.week_marks(uow, actor, student_id, today)
            if view == "marks"
            else await family_views.period_marks(uow, actor, student_id, today)
        )
        period = FamilyCb(view="period", student=student_id)
        return Screen(
            render_marks(await _name(uow, actor, student_id), marks),
            ((txt.BTN_PERIOD_MARKS, period),) if view == "marks" else (),
        )
    if view == "works":
        works = await family_views.child_control_works(uow, actor, student_id, today)
        return Screen(render_works(await _name(uow, actor, student_id), works))
    if view == "teachers":
        teachers = await family_views.child_teachers(uow, actor, student_id, today)
        return Screen(render_teachers(await _name(uow, actor, student_id), teachers))
    holidays = await family_views.child_holidays(uow, actor, student_id, today)
    return Screen(render_holidays(await _name(uow, actor, student_id), holidays))


async def _name(uow: SqlUnitOfWork, actor: Actor, student_id: int) -> str:
    """The child's name, once core has let the actor see the child."""
    children = (
        await children_of_guardian(uow, actor.person_id) if actor.role is Role.GUARDIAN else []
    )
    return next((c.short_name for c in children if c.id == student_id), actor.name)


def _lesson_line(line: ChildLesson) -> str:
    notes = ""
    if line.substitute:
        notes += txt.SUBSTITUTE.format(name=line.substitute)
    if line.moved_from:
        notes += txt.MOVED_FROM.format(day=line.moved_from[0], number=line.moved_from[1])
    return (
        txt.TIMETABLE_LINE.format(
            number=line.number,
            start=line.starts_at.strftime("%H:%M") if line.starts_at else "",
            subject=line.subject,
            room=txt.ROOM.format(room=line.room) if line.room else "",
        )
        + notes
    )


def render_day(name: str, day: ChildDay) -> str:
    if not day.lessons:
        return txt.TIMETABLE_EMPTY.format(name=name, day=day_label(day.on_date))
    rows = [_lesson_line(line) for line in day.lessons]
    return "\n".join([txt.TIMETABLE_TITLE.format(name=name, day=day_label(day.on_date)), *rows])


def render_week(name: str, start: dt.date, end: dt.date, days: list[ChildDay]) -> str:
    rows = [txt.WEEK_TITLE.format(name=name, start=start, end=end)]
    for day in days:
        if not day.lessons:
            rows.append(txt.WEEK_DAY_EMPTY.format(day=day_label(day.on_date)))
            continue
        rows.append(txt.WEEK_DAY.format(day=day_label(day.on_date)))
        rows.extend(_lesson_line(line) for line in day.lessons)
    return "\n".join(rows)


def render_homework(name: str, lines: list[HomeworkLine]) -> str:
    if not lines:
        return txt.HOMEWORK_EMPTY.format(name=name)
    rows = [txt.HOMEWORK_TITLE.format(name=name)]
    last: dt.date | None = None
    for line in lines:
        if line.due_on != last:
            rows.append(txt.HOMEWORK_DAY.format(day=day_label(line.due_on)))
            last = line.due_on
        files = txt.HOMEWORK_FILES.format(count=len(line.attachments)) if line.attachments else ""
        rows.append(txt.HOMEWORK_LINE.format(subject=line.subject, text=line.text, files=files))
    return "\n".join(rows)


def render_marks(name: str, view: MarksView) -> str:
    if view.title:
        title = txt.MARKS_PERIOD_TITLE.format(
            name=name, period=view.title, start=view.start, end=view.end
        )
    else:
        title = txt.MARKS_WEEK_TITLE.format(name=name, start=view.start, end=view.end)
    if not view.subjects:
        return f"{title}\n{txt.MARKS_EMPTY}"
    rows = [title]
    for subject in view.subjects:
        average = (
            txt.MARKS_AVERAGE.format(average=str(subject.average).replace(".", ","))
            if subject.average is not None
            else ""
        )
        marks = " ".join(m.value for m in subject.marks)
        rows.append(txt.MARKS_LINE.format(subject=subject.subject, marks=marks) + average)
    return "\n".join(rows)


def render_works(name: str, view: ControlWorksView) -> str:
    if not view.works:
        return txt.WORKS_EMPTY.format(name=name, period=view.period)
    rows = [txt.WORKS_TITLE.format(name=name, period=view.period)]
    for work in view.works:
        rows.append(
            txt.WORKS_LINE.format(
                day=work.on_date,
                number=(
                    txt.WORKS_NUMBER.format(number=work.lesson_number) if work.lesson_number else ""
                ),
                subject=work.subject,
                form=FORMS[work.form],
                topic=txt.WORKS_TOPIC.format(topic=work.topic) if work.topic else "",
            )
        )
    return "\n".join(rows)


def render_teachers(name: str, teachers: list[TeacherLine]) -> str:
    if not teachers:
        return txt.TEACHERS_EMPTY.format(name=name)
    rows = [txt.TEACHERS_TITLE.format(name=name)]
    rows.extend(txt.TEACHERS_LINE.format(subject=t.subject, teacher=t.teacher) for t in teachers)
    return "\n".join(rows)


def render_holidays(name: str, holidays: list[HolidayLine]) -> str:
    if not holidays:
        return txt.HOLIDAYS_EMPTY.format(name=name)
    rows = [txt.HOLIDAYS_TITLE.format(name=name)]
    rows.extend(
        txt.HOLIDAYS_LINE.format(holiday=h.name, start=h.starts_on, end=h.ends_on) for h in holidays
    )
    return "\n".join(rows)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="family")
    router.message.filter(InRole(Role.GUARDIAN, Role.STUDENT))
    router.callback_query.filter(InRole(Role.GUARDIAN, Role.STUDENT))
    router.message.register(consent_command, Command("consent"), InRole(Role.GUARDIAN))
    router.callback_query.register(
        consent_button, MenuCb.filter(F.action == "consent"), InRole(Role.GUARDIAN)
    )
    router.callback_query.register(consent_answer, ConsentCb.filter(), InRole(Role.GUARDIAN))
    router.message.register(child_command, Command("child"), InRole(Role.GUARDIAN))
    router.callback_query.register(
        child_button, MenuCb.filter(F.action == "child"), InRole(Role.GUARDIAN)
    )
    router.callback_query.register(child_chosen, ChildCb.filter(), InRole(Role.GUARDIAN))
    router.message.register(today_command, Command("today"))
    router.callback_query.register(day_button, DayCb.filter(F.what == "child"))
    router.callback_query.register(menu_view_button, MenuCb.filter(F.action.in_(MENU_VIEWS)))
    router.callback_query.register(family_button, FamilyCb.filter())
    return router
