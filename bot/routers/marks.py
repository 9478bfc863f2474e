"""Marks in the lesson (LES-2, LES-5, LES-13): two taps per mark, or one text message; a mark
corrected or deleted with its reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import CardCb, MarkEditCb, MarkStudentCb, MarkValueCb, WorkTypeCb
from bot.context import BotContext
from bot.filters import STAFF_ROLES as STAFF
from bot.filters import InRole
from bot.lesson_ui import LessonInput, show_card, target
from bot.texts import common as ct
from bot.texts import lesson as txt
from core.model.identity import Actor
from core.rules import grading
from core.services import journal
from core.services.journal_texts import ABSENCE_LETTERS
from storage.uow import SqlUnitOfWork


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


async def _marks_screen(
    message: Message,
    sheet: journal.MarksSheet,
    work_type_id: int,
    state: FSMContext,
) -> None:
    lesson_id = sheet.lesson.id or 0
    buttons = []
    for student in sheet.students:
        values = " ".join(m.value for m in sheet.marks.get(student.id or 0, []))
        absent = sheet.absences.get(student.id or 0)
        prefix = f"{ABSENCE_LETTERS[absent]} " if absent else ""
        buttons.append(
            _button(
                f"{prefix}{student.short_name} {values}".strip(),
                MarkStudentCb(lesson=lesson_id, work_type=work_type_id, student=student.id or 0),
            )
        )
    buttons.append(_button(txt.BTN_OTHER_WORK_TYPE, CardCb(lesson=lesson_id, action="marks")))
    buttons.append(_button(txt.BTN_BACK, CardCb(lesson=lesson_id, action="card")))
    # two a row, laid out here: InlineKeyboardBuilder deep-copies every button at each step,
    # a good part of the CPU of a tapped mark
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await state.set_state(LessonInput.marks_text)
    await state.update_data(lesson=lesson_id, work_type=work_type_id)
    text = txt.MARKS_TITLE.format(
        work_type=sheet.work_type, group=sheet.group, subject=sheet.subject
    )
    await message.edit_text(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def work_type_chosen(
    query: CallbackQuery,
    callback_data: WorkTypeCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    await query.answer()
    if (message := target(query)) is not None:
        sheet = await journal.marks_sheet(uow, actor, callback_data.lesson, callback_data.work_type)
        await _marks_screen(message, sheet, callback_data.work_type, state)


async def mark_student(
    query: CallbackQuery, callback_data: MarkStudentCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    view = await journal.lesson_view(uow, actor, callback_data.lesson, with_next_topic=False)
    student = next((s for s in view.students if s.id == callback_data.student), None)
    if student is None:
        await query.answer(ct.STALE_BUTTON)
        return
    scale = view.scale
    names = {w.id: w.name for w in await journal.work_types(uow, actor.school_id)}
    buttons = [
        _button(
            value,
            MarkValueCb(
                lesson=callback_data.lesson,
                work_type=callback_data.work_type,
                student=callback_data.student,
                value=value,
            ),
        )
        for value in (*reversed(scale.values), *grading.CURRENT_SPECIALS)
    ]
    existing = view.marks.get(callback_data.student, [])
    if existing:
        buttons.append(
            _button(txt.BTN_FIX, MarkEditCb(mark=existing[0].id or 0, version=0, value="?"))
        )
    buttons.append(
        _button(
            txt.BTN_CANCEL_VALUE,
            MarkValueCb(
                lesson=callback_data.lesson,
                work_type=callback_data.work_type,
                student=callback_data.student,
                value="x",
            ),
        )
    )
    builder = InlineKeyboardBuilder()
    builder.add(*buttons)
    builder.adjust(len(scale.values) + len(grading.CURRENT_SPECIALS), 1, 1)
    await query.answer()
    if (message := target(query)) is not None:
        title = txt.VALUE_TITLE.format(
            student=student.short_name, work_type=names.get(callback_data.work_type, "")
        )
        await message.edit_text(title, reply_markup=builder.as_markup())


async def mark_value(
    query: CallbackQuery,
    callback_data: MarkValueCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    state: FSMContext,
) -> None:
    sheet = None
    if callback_data.value != "x":
        # the screen drawn again comes with the mark: what the checks read is not read twice
        mark, sheet = await journal.post_mark_on_sheet(
            uow,
            actor,
            callback_data.lesson,
            callback_data.student,
            callback_data.work_type,
            callback_data.value,
            ctx.clock.now(),
        )
        await query.answer(txt.MARK_POSTED.format(student="", value=mark.value).strip(": "))
    else:
        await query.answer()
    if (message := target(query)) is not None:
        if sheet is None:
            sheet = await journal.marks_sheet(
                uow, actor, callback_data.lesson, callback_data.work_type
            )
        await _marks_screen(message, sheet, callback_data.work_type, state)


async def marks_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    result = await journal.post_marks_text(
        uow, actor, int(data["lesson"]), int(data["work_type"]), message.text or "", ctx.clock.now()
    )
    if result.problems:
        await message.answer(
            txt.TEXT_MARKS_PROBLEMS.format(problems="\n".join(f"• {p}" for p in result.problems))
        )
        return
    await message.answer(txt.TEXT_MARKS_SAVED.format(count=len(result.marks)))


# --- correcting a mark ----------------------------------------------------------------------


async def mark_edit(
    query: CallbackQuery,
    callback_data: MarkEditCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    state: FSMContext,
) -> None:
    mark = await journal.mark_for_edit(uow, actor, callback_data.mark)
    view = await journal.lesson_view(uow, actor, mark.lesson_id)
    student = next((s.short_name for s in view.students if s.id == mark.student_id), "")
    message = target(query)
    await query.answer()
    if message is None:
        return
    if callback_data.value == "?":
        builder = InlineKeyboardBuilder()
        names = {w.id: w.name for w in await journal.work_types(uow, actor.school_id)}
        for existing in view.marks.get(mark.student_id, []):
            builder.button(
                text=txt.FIX_MARK.format(
                    value=existing.value, work_type=names.get(existing.work_type_id, "")
                ),
                callback_data=MarkEditCb(mark=existing.id or 0, version=existing.version, value=""),
            )
        builder.button(
            text=txt.BTN_BACK, callback_data=CardCb(lesson=mark.lesson_id, action="card")
        )
        builder.adjust(1)
        await message.edit_text(
            txt.FIX_TITLE.format(student=student), reply_markup=builder.as_markup()
        )
        return
    if callback_data.value == "":
        scale = view.scale
        builder = InlineKeyboardBuilder()
        for value in (*reversed(scale.values), *grading.CURRENT_SPECIALS):
            builder.button(
                text=value,
                callback_data=MarkEditCb(
                    mark=mark.id or 0, version=callback_data.version, value=value
                ),
            )
        builder.button(
            text=txt.BTN_DELETE,
            callback_data=MarkEditCb(mark=mark.id or 0, version=callback_data.version, value="del"),
        )
        builder.button(
            text=txt.BTN_BACK, callback_data=CardCb(lesson=mark.lesson_id, action="card")
        )
        builder.adjust(len(scale.values) + len(grading.CURRENT_SPECIALS), 1, 1)
        await message.edit_text(
            txt.FIX_VALUE_TITLE.format(value=mark.value, student=student),
            reply_markup=builder.as_markup(),
        )
        return
    await state.set_state(LessonInput.reason)
    await state.update_data(mark=mark.id, version=callback_data.version, value=callback_data.value)
    await message.answer(txt.REASON_ASK)


async def reason_text(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, state: FSMContext
) -> None:
    data = await state.get_data()
    mark_id, version, value = int(data["mark"]), int(data["version"]), str(data["value"])
    before = (await journal.mark_for_edit(uow, actor, mark_id)).value
    reason = message.text or ""
    if value == "del":
        mark = await journal.delete_mark(uow, actor, mark_id, reason, version, ctx.clock.now())
    else:
        mark = await journal.change_mark(
            uow, actor, mark_id, value, reason, version, ctx.clock.now()
        )
    await state.clear()
    view = await journal.lesson_view(uow, actor, mark.lesson_id)
    student = next((s.short_name for s in view.students if s.id == mark.student_id), "")
    text = (
        txt.MARK_DELETED.format(student=student, before=before)
        if value == "del"
        else txt.MARK_CHANGED.format(student=student, before=before, value=mark.value)
    )
    await message.answer(text)
    await show_card(message, uow, actor, mark.lesson_id, edit=False, view=view)


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="marks")
    router.message.filter(InRole(*STAFF))
    router.callback_query.filter(InRole(*STAFF))
    router.callback_query.register(work_type_chosen, WorkTypeCb.filter())
    router.callback_query.register(mark_student, MarkStudentCb.filter())
    router.callback_query.register(mark_value, MarkValueCb.filter())
    router.callback_query.register(mark_edit, MarkEditCb.filter())
    router.message.register(marks_text, LessonInput.marks_text, F.text)
    router.message.register(reason_text, LessonInput.reason, F.text)
    return router
