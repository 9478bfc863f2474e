"""The class teacher's read-only views of their class (CT-1, CT-4): the class journal in one
subject for a period, and the class's attendance over a day, a week or a period. Handlers parse
the tap, call core.services.class_journal, render; long tables go out in several messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCb
from bot.context import BotContext
from bot.filters import InRole
from bot.lesson_ui import target
from bot.replies import day_label
from bot.texts import class_view as txt
from bot.texts import common as ct
from core.model.identity import Actor, Role
from core.model.journal import AbsenceKind
from core.services import class_journal as cj
from core.services.class_journal import AttendanceSummary, ClassJournal, PeriodCard, Tally
from core.services.identity import class_in_school
from core.services.journal_texts import ABSENCE_LETTERS
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

# whose menu has these views; core checks each class (may_view_class)
VIEWERS = (Role.CLASS_TEACHER, Role.DEPUTY, Role.HEAD, Role.COORDINATOR)
PAGE_LIMIT = 4000  # Telegram's cap is 4096 characters a message; a little room is kept


class ClassJournalCb(CallbackData, prefix="vj"):
    class_id: int
    subject: int = 0  # 0: choose the subject
    period: int = 0  # 0: choose the period


class ClassAttCb(CallbackData, prefix="va"):
    class_id: int
    span: str = ""  # "": choose; "d" a day, "w" the day's week, "p" a study period
    day: int = 0  # yyyymmdd
    period: int = 0


Event = Message | CallbackQuery


def _day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _from_number(number: int) -> dt.date | None:
    try:
        return dt.date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def pages(units: Iterable[str], limit: int = PAGE_LIMIT) -> list[str]:
    """Lines joined into messages under Telegram's limit; a unit (a student's block) is cut only
    when it alone is too long, at a space."""
    pieces: list[str] = []
    for unit in units:
        while len(unit) > limit:
            cut = unit.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(unit[:cut])
            unit = unit[cut:].lstrip()
        pieces.append(unit)
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= limit:
            out[-1] += "\n" + piece
        else:
            out.append(piece)
    return [page.strip() for page in out if page.strip()]


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:  # the same screen again: nothing to redraw
        if "not modified" not in error.message:
            raise


async def _show(event: Event, texts: list[str], markup: InlineKeyboardMarkup) -> None:
    """A command answers with new messages; a tap redraws its message and adds the rest; the
    buttons go under the last one."""
    *head, last = texts
    if isinstance(event, Message):
        for text in head:
            await event.answer(text)
        await event.answer(last, reply_markup=markup)
        return
    await event.answer()
    if (message := target(event)) is None:
        return
    if not head:
        await _edit(message, last, markup)
        return
    await _edit(message, head[0], None)
    for text in head[1:]:
        await message.answer(text)
    await message.answer(last, reply_markup=markup)


def _period_label(card: PeriodCard) -> str:
    start, end = f"{card.starts_on:%d.%m}", f"{card.ends_on:%d.%m.%Y}"
    return txt.PERIOD_BUTTON.format(period=card.name, start=start, end=end)


async def _classes(
    event: Event, uow: SqlUnitOfWork, actor: Actor, state: FSMContext, attendance: bool
) -> int | None:
    """The class to show when the actor has one; otherwise the list is shown and None returned."""
    await state.set_state(None)  # a pending text input of another screen ends here
    classes = await cj.viewable_classes(uow, actor)
    if len(classes) == 1 and classes[0].id is not None:
        return classes[0].id
    builder = InlineKeyboardBuilder()
    for school_class in classes:
        class_id = school_class.id or 0
        data = ClassAttCb(class_id=class_id) if attendance else ClassJournalCb(class_id=class_id)
        builder.button(text=school_class.name, callback_data=data)
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(3)
    title = txt.ATT_CLASSES if attendance else txt.JOURNAL_CLASSES
    await _show(event, [title if classes else txt.NO_CLASSES], builder.as_markup())
    return None


# --- the class journal (CT-1) --------------------------------------------------------------


async def journal_menu(event: Event, uow: SqlUnitOfWork, actor: Actor, state: FSMContext) -> None:
    if (class_id := await _classes(event, uow, actor, state, attendance=False)) is not None:
        await _subjects(event, uow, actor, class_id)


async def journal_class(
    query: CallbackQuery, callback_data: ClassJournalCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    await _subjects(query, uow, actor, callback_data.class_id)


async def _subjects(event: Event, uow: SqlUnitOfWork, actor: Actor, class_id: int) -> None:
    subjects = await cj.class_subjects(uow, actor, class_id)
    school_class = await class_in_school(uow, actor, class_id)
    builder = InlineKeyboardBuilder()
    for subject in subjects:
        builder.button(
            text=subject.name,
            callback_data=ClassJournalCb(class_id=class_id, subject=subject.subject_id),
        )
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(2)
    title = txt.SUBJECTS_TITLE if subjects else txt.SUBJECTS_NONE
    await _show(event, [title.format(class_name=school_class.name)], builder.as_markup())


async def journal_subject(
    query: CallbackQuery, callback_data: ClassJournalCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    c = callback_data
    periods = await cj.class_periods(uow, actor, c.class_id)
    school_class = await class_in_school(uow, actor, c.class_id)
    builder = InlineKeyboardBuilder()
    for card in periods:
        builder.button(
            text=_period_label(card),
            callback_data=ClassJournalCb(
                class_id=c.class_id, subject=c.subject, period=card.period_id
            ),
        )
    builder.button(text=txt.BTN_OTHER_SUBJECT, callback_data=ClassJournalCb(class_id=c.class_id))
    builder.adjust(1)
    title = txt.PERIODS_TITLE.format(class_name=school_class.name)
    await _show(query, [title], builder.as_markup())


def journal_units(journal: ClassJournal) -> list[str]:
    units = [
        txt.JOURNAL_TITLE.format(
            class_name=journal.class_name, subject=journal.subject, period=journal.period
        ),
        txt.JOURNAL_LEGEND,
    ]
    for line in journal.lines:
        head = txt.STUDENT_HEAD.format(
            name=line.name,
            average=line.average if line.average is not None else txt.NO_AVERAGE,
            absences=line.absences,
            late=txt.STUDENT_LATE.format(count=line.late) if line.late else "",
            final=txt.STUDENT_FINAL.format(value=line.final) if line.final else "",
        )
        marks = ", ".join(
            txt.MARK.format(day=f"{m.on_date:%d.%m}", value=m.value) for m in line.marks
        )
        units += ["", f"{head}\n{marks or txt.NO_MARKS}"]
    if not journal.lines:
        units += ["", txt.JOURNAL_EMPTY]
    return units


async def journal_table(
    query: CallbackQuery, callback_data: ClassJournalCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    c = callback_data
    journal = await cj.class_journal(uow, actor, c.class_id, c.subject, c.period)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=txt.BTN_OTHER_PERIOD,
        callback_data=ClassJournalCb(class_id=c.class_id, subject=c.subject),
    )
    builder.button(text=txt.BTN_OTHER_SUBJECT, callback_data=ClassJournalCb(class_id=c.class_id))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(2, 1)
    await _show(query, pages(journal_units(journal)), builder.as_markup())


# --- attendance (CT-4) ---------------------------------------------------------------------


async def attendance_menu(
    event: Event, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    if (class_id := await _classes(event, uow, actor, state, attendance=True)) is not None:
        await _spans(event, uow, actor, ctx, class_id)


async def attendance_class(
    query: CallbackQuery,
    callback_data: ClassAttCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
) -> None:
    await _spans(query, uow, actor, ctx, callback_data.class_id)


async def _spans(
    event: Event, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, class_id: int
) -> None:
    periods = await cj.class_periods(uow, actor, class_id)
    school_class = await class_in_school(uow, actor, class_id)
    today = _day_number(await school_today(uow, actor.school_id, ctx.clock.now()))
    builder = InlineKeyboardBuilder()
    builder.button(
        text=txt.BTN_TODAY, callback_data=ClassAttCb(class_id=class_id, span="d", day=today)
    )
    builder.button(
        text=txt.BTN_THIS_WEEK, callback_data=ClassAttCb(class_id=class_id, span="w", day=today)
    )
    for card in periods:
        builder.button(
            text=_period_label(card),
            callback_data=ClassAttCb(class_id=class_id, span="p", period=card.period_id),
        )
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(2, *([1] * (len(periods) + 1)))
    title = txt.SPAN_TITLE.format(class_name=school_class.name)
    await _show(event, [title], builder.as_markup())


def _counts(tally: Tally) -> str:
    return ", ".join(
        txt.COUNT.format(letter=ABSENCE_LETTERS[kind], count=tally.counts[kind])
        for kind in AbsenceKind
    )


def attendance_units(summary: AttendanceSummary, span: str, by_day: bool) -> list[str]:
    units = [txt.ATT_TITLE.format(class_name=summary.class_name, span=span), txt.ATT_LEGEND, ""]
    if not summary.days:
        return [*units, txt.ATT_NO_LESSONS]
    for student in summary.students:
        tally = student.tally
        units.append(
            txt.ATT_STUDENT.format(name=student.name, counts=_counts(tally), missed=tally.missed)
            if any(tally.counts.values())
            else txt.ATT_CLEAN.format(name=student.name)
        )
    total = Tally({k: sum(s.tally.counts[k] for s in summary.students) for k in AbsenceKind})
    units += ["", txt.ATT_TOTAL.format(counts=_counts(total), missed=total.missed)]
    if by_day:
        days = [d for d in summary.days if any(d.tally.counts.values())]
        units += ["", txt.ATT_DAYS]
        units += [
            txt.ATT_DAY.format(
                day=day_label(d.on_date), counts=_counts(d.tally), students=d.students_missing
            )
            for d in days
        ] or [txt.ATT_NO_ABSENCES_DAYS]
    return units


async def attendance_table(
    query: CallbackQuery, callback_data: ClassAttCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    c = callback_data
    builder = InlineKeyboardBuilder()
    if c.span == "p":
        cards = {p.period_id: p for p in await cj.class_periods(uow, actor, c.class_id)}
        if (card := cards.get(c.period)) is None:
            await query.answer(ct.STALE_BUTTON)
            return
        start, end, label = card.starts_on, card.ends_on, _period_label(card)
    else:
        if (day := _from_number(c.day)) is None:
            await query.answer(ct.STALE_BUTTON)
            return
        step = 1 if c.span == "d" else 7
        start, end = (day, day) if c.span == "d" else cj.week_of(day)
        label = (
            day_label(day)
            if c.span == "d"
            else txt.SPAN_WEEK.format(start=f"{start:%d.%m}", end=f"{end:%d.%m.%Y}")
        )
        for text, shift in (
            (txt.BTN_PREV_DAY if step == 1 else txt.BTN_PREV_WEEK, -step),
            (txt.BTN_NEXT_DAY if step == 1 else txt.BTN_NEXT_WEEK, step),
        ):
            other = _day_number(day + dt.timedelta(days=shift))
            builder.button(text=text, callback_data=c.model_copy(update={"day": other}))
    summary = await cj.attendance_summary(uow, actor, c.class_id, start, end)
    builder.button(text=txt.BTN_OTHER_SPAN, callback_data=ClassAttCb(class_id=c.class_id))
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    builder.adjust(*([2] if c.span != "p" else []), 1, 1)
    units = attendance_units(summary, label, by_day=c.span != "d")
    await _show(query, pages(units), builder.as_markup())


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="class_view")
    router.message.filter(InRole(*VIEWERS))
    router.callback_query.filter(InRole(*VIEWERS))
    router.message.register(journal_menu, Command("classjournal"))
    router.callback_query.register(journal_menu, MenuCb.filter(F.action == "classjournal"))
    router.callback_query.register(journal_class, ClassJournalCb.filter(F.subject == 0))
    router.callback_query.register(journal_subject, ClassJournalCb.filter(F.period == 0))
    router.callback_query.register(journal_table, ClassJournalCb.filter())
    router.message.register(attendance_menu, Command("classattendance"))
    router.callback_query.register(attendance_menu, MenuCb.filter(F.action == "classattendance"))
    router.callback_query.register(attendance_class, ClassAttCb.filter(F.span == ""))
    router.callback_query.register(attendance_table, ClassAttCb.filter(F.span.in_({"d", "w", "p"})))
    return router
