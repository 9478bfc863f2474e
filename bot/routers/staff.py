"""Class teachers, the administration and the coordinator: school summary, access codes
(INF-5), consent of a class (INF-3), connected accounts (ADM-2)."""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import keyboards
from bot.callbacks import ClassCb, CodesCb, MenuCb, PaperCb, UnbindCb
from bot.context import BotContext
from bot.filters import STAFF_ROLES, InRole
from bot.middlewares import answer_target
from bot.replies import school_name
from bot.slips import slips_pdf
from bot.texts import common as ct
from bot.texts import staff as txt
from core.model.identity import Actor, ConsentAnswer, Role
from core.services import consent, identity
from core.services.errors import NOT_FOUND, NotFound
from core.services.identity import Audience, IssuedCode
from core.services.identity_texts import CHANNEL_LABELS, CONSENT_LABELS, PERSON_LABELS
from core.services.journal import school_of
from core.services.school_summary import SUMMARY_LABELS, school_summary
from core.services.timetable import school_today
from storage.uow import SqlUnitOfWork

# --- summary ----------------------------------------------------------------------


async def summary_command(
    message: Message, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await message.answer(await _summary(uow, actor, ctx))


async def summary_button(
    query: CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await query.answer()
    if (message := answer_target(query)) is not None:
        await message.answer(await _summary(uow, actor, ctx), reply_markup=keyboards.back_to_menu())


async def _summary(uow: SqlUnitOfWork, actor: Actor, ctx: BotContext) -> str:
    name = await school_name(uow, actor.school_id)
    result = await school_summary(
        uow, name, await school_today(uow, actor.school_id, ctx.clock.now())
    )
    if result is None:
        return ct.NOT_FOUND
    rows = [
        txt.SUMMARY_LINE.format(label=label, value=result.counts[key])
        for key, label in SUMMARY_LABELS
    ]
    return "\n".join([txt.SUMMARY_TITLE.format(school=result.school, year=result.year), *rows])


# --- access codes for a class -------------------------------------------------------------


async def codes_start(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await _pick_class(event, uow, actor, ctx, "codes")


async def consents_start(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await _pick_class(event, uow, actor, ctx, "consents")


async def _pick_class(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, action: str
) -> None:
    message = event if isinstance(event, Message) else answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    classes = await identity.manageable_classes(uow, actor)
    if not classes:
        await message.answer(ct.NOT_ALLOWED)
        return
    if len(classes) == 1:
        assert classes[0].id is not None
        await _open_class(action, message, uow, actor, classes[0].id, ctx)
        return
    builder = InlineKeyboardBuilder()
    for c in classes:
        builder.button(text=c.name, callback_data=ClassCb(action=action, class_id=c.id or 0))
    builder.adjust(4)
    await message.answer(txt.CHOOSE_CLASS, reply_markup=builder.as_markup())


async def class_chosen(
    query: CallbackQuery, callback_data: ClassCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    await query.answer()
    if (message := answer_target(query)) is not None:
        await _open_class(callback_data.action, message, uow, actor, callback_data.class_id, ctx)


async def _open_class(
    action: str, message: Message, uow: SqlUnitOfWork, actor: Actor, class_id: int, ctx: BotContext
) -> None:
    if action == "codes":
        await _codes_audience(message, uow, actor, class_id)
    else:
        await _consents(message, uow, actor, class_id, ctx.clock.now())


async def _class_name(uow: SqlUnitOfWork, actor: Actor, class_id: int) -> str:
    return (await identity.class_in_school(uow, actor, class_id)).name


async def _codes_audience(
    message: Message, uow: SqlUnitOfWork, actor: Actor, class_id: int
) -> None:
    name = await _class_name(uow, actor, class_id)
    builder = InlineKeyboardBuilder()
    for text, audience in (
        (txt.BTN_CODES_GUARDIANS, Audience.GUARDIANS),
        (txt.BTN_CODES_STUDENTS, Audience.STUDENTS),
        (txt.BTN_CODES_ALL, Audience.ALL),
    ):
        builder.button(text=text, callback_data=CodesCb(class_id=class_id, audience=audience))
    builder.adjust(2, 1)
    await message.answer(
        txt.CODES_FOR_WHOM.format(class_name=name), reply_markup=builder.as_markup()
    )


async def codes_issue(
    query: CallbackQuery,
    callback_data: CodesCb,
    uow: SqlUnitOfWork,
    actor: Actor,
    ctx: BotContext,
    bot: Bot,
) -> None:
    try:
        audience = Audience(callback_data.audience)
    except ValueError:
        await query.answer(ct.STALE_BUTTON)
        return
    issued = await identity.issue_class_codes(
        uow, actor, callback_data.class_id, audience=audience, now=ctx.clock.now(), ttl=ctx.code_ttl
    )
    await query.answer()
    name = await _class_name(uow, actor, callback_data.class_id)
    if (message := answer_target(query)) is None:
        return
    if not issued:
        await message.answer(txt.CODES_NONE.format(class_name=name))
        return
    caption = txt.CODES_CAPTION.format(class_name=name, count=len(issued), until=_until(issued))
    await _send_slips(message, uow, actor, bot, issued, f"codes-{name}.pdf", caption)


def _until(issued: list[IssuedCode]) -> str:
    return min(i.expires_at for i in issued).strftime("%d.%m.%Y")


async def _send_slips(
    message: Message,
    uow: SqlUnitOfWork,
    actor: Actor,
    bot: Bot,
    issued: list[IssuedCode],
    filename: str,
    caption: str,
) -> None:
    school = await school_of(uow, actor.school_id)
    me = await bot.me()
    pdf = await slips_pdf(
        issued,
        school=school.name,
        timezone=school.timezone,
        bot_username=me.username or "",
        title=caption,
    )
    await message.answer_document(BufferedInputFile(pdf, filename=filename), caption=caption)


# --- consent of a class -------------------------------------------------------------------


async def _consents(
    message: Message, uow: SqlUnitOfWork, actor: Actor, class_id: int, now: dt.datetime
) -> None:
    name = await _class_name(uow, actor, class_id)
    today = await school_today(uow, actor.school_id, now)
    lines = await consent.class_consent_status(uow, actor, class_id, today)
    rows = []
    builder = InlineKeyboardBuilder()
    for line in lines:
        mark = "✅" if line.answer is ConsentAnswer.GIVEN else ("⛔" if line.answer else "…")
        rows.append(
            txt.CONSENT_LINE.format(
                mark=mark,
                guardian=line.guardian,
                children=line.children,
                state=CONSENT_LABELS[line.answer],
                channel=f" {CHANNEL_LABELS[line.channel]}" if line.channel else "",
                connected="" if line.connected else txt.NOT_CONNECTED,
            )
        )
        builder.button(
            text=line.guardian, callback_data=PaperCb(guardian=line.guardian_id, answer="")
        )
    builder.adjust(1)
    connected = sum(1 for line in lines if line.connected)
    title = txt.CONSENTS_TITLE.format(class_name=name, connected=connected, total=len(lines))
    await message.answer("\n".join([title, *rows]))
    if lines:
        await message.answer(txt.CONSENT_PICK, reply_markup=builder.as_markup())


async def paper_ask(
    query: CallbackQuery, callback_data: PaperCb, uow: SqlUnitOfWork, actor: Actor
) -> None:
    guardian = await identity.guardian_in_school(uow, actor, callback_data.guardian)
    await query.answer()
    builder = InlineKeyboardBuilder()
    builder.button(
        text=txt.BTN_PAPER_YES,
        callback_data=PaperCb(guardian=callback_data.guardian, answer="given"),
    )
    builder.button(
        text=txt.BTN_PAPER_NO,
        callback_data=PaperCb(guardian=callback_data.guardian, answer="refused"),
    )
    builder.adjust(1)
    if (message := answer_target(query)) is not None:
        await message.edit_text(
            txt.PAPER_FOR.format(guardian=guardian.full_name), reply_markup=builder.as_markup()
        )


async def paper_record(
    query: CallbackQuery, callback_data: PaperCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    answer = ConsentAnswer(callback_data.answer)
    record = await consent.register_paper_consent(
        uow, actor, callback_data.guardian, answer, ctx.clock.now()
    )
    guardian = await identity.guardian_in_school(uow, actor, record.guardian_id)
    await query.answer()
    if (message := answer_target(query)) is not None:
        await message.edit_text(
            txt.PAPER_RECORDED.format(guardian=guardian.full_name, state=CONSENT_LABELS[answer]),
            reply_markup=keyboards.back_to_menu(),
        )


# --- the coordinator ----------------------------------------------------------------------


async def staff_codes(
    event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext, bot: Bot
) -> None:
    issued = await identity.issue_staff_codes(uow, actor, now=ctx.clock.now(), ttl=ctx.code_ttl)
    message = event if isinstance(event, Message) else answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    if not issued:
        await message.answer(txt.STAFF_CODES_NONE)
        return
    caption = txt.STAFF_CODES_CAPTION.format(count=len(issued), until=_until(issued))
    await _send_slips(message, uow, actor, bot, issued, "codes-staff.pdf", caption)


async def accounts(event: Message | CallbackQuery, uow: SqlUnitOfWork, actor: Actor) -> None:
    lines = await identity.school_bindings(uow, actor)
    message = event if isinstance(event, Message) else answer_target(event)
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    builder = InlineKeyboardBuilder()
    for line in lines[:90]:  # Telegram allows 100 buttons in a keyboard
        text = txt.ACCOUNT_BUTTON.format(
            name=line.person_name, kind=PERSON_LABELS[line.person_kind]
        )
        builder.button(text=text, callback_data=UnbindCb(binding=line.binding_id, confirm=False))
    builder.adjust(1)
    await message.answer(
        txt.ACCOUNTS_TITLE.format(count=len(lines)), reply_markup=builder.as_markup()
    )


async def unbind(
    query: CallbackQuery, callback_data: UnbindCb, uow: SqlUnitOfWork, actor: Actor, ctx: BotContext
) -> None:
    lines = {line.binding_id: line for line in await identity.school_bindings(uow, actor)}
    line = lines.get(callback_data.binding)
    if line is None:
        raise NotFound(NOT_FOUND)
    label = {"name": line.person_name, "kind": PERSON_LABELS[line.person_kind]}
    message = answer_target(query)
    if not callback_data.confirm:
        await query.answer()
        builder = InlineKeyboardBuilder()
        builder.button(
            text=txt.BTN_YES_UNBIND, callback_data=UnbindCb(binding=line.binding_id, confirm=True)
        )
        builder.button(text=txt.BTN_CANCEL, callback_data=MenuCb(action="menu"))
        if message is not None:
            await message.edit_text(
                txt.UNBIND_CONFIRM.format(**label), reply_markup=builder.as_markup()
            )
        return
    await identity.unbind(uow, actor, line.binding_id, ctx.clock.now())
    await query.answer()
    if message is not None:
        await message.edit_text(
            txt.UNBOUND.format(name=line.person_name), reply_markup=keyboards.back_to_menu()
        )


def build() -> Router:
    """A fresh router (a Dispatcher takes a router once; tests build several)."""
    router = Router(name="staff")
    router.message.filter(InRole(*STAFF_ROLES))
    router.callback_query.filter(InRole(*STAFF_ROLES))
    router.message.register(
        summary_command,
        Command("summary"),
        InRole(Role.DEPUTY, Role.DISPATCHER, Role.HEAD, Role.COORDINATOR),
    )
    router.callback_query.register(
        summary_button,
        MenuCb.filter(F.action == "summary"),
        InRole(Role.DEPUTY, Role.DISPATCHER, Role.HEAD, Role.COORDINATOR),
    )
    router.message.register(codes_start, Command("codes"))
    router.callback_query.register(codes_start, MenuCb.filter(F.action == "codes"))
    router.message.register(consents_start, Command("consents"))
    router.callback_query.register(consents_start, MenuCb.filter(F.action == "consents"))
    router.callback_query.register(class_chosen, ClassCb.filter())
    router.callback_query.register(codes_issue, CodesCb.filter())
    router.callback_query.register(paper_ask, PaperCb.filter(F.answer == ""))
    router.callback_query.register(paper_record, PaperCb.filter(F.answer.in_({"given", "refused"})))
    router.message.register(staff_codes, Command("staffcodes"), InRole(Role.COORDINATOR))
    router.callback_query.register(
        staff_codes, MenuCb.filter(F.action == "staffcodes"), InRole(Role.COORDINATOR)
    )
    router.message.register(accounts, Command("accounts"), InRole(Role.COORDINATOR))
    router.callback_query.register(
        accounts, MenuCb.filter(F.action == "accounts"), InRole(Role.COORDINATOR)
    )
    router.callback_query.register(unbind, UnbindCb.filter(), InRole(Role.COORDINATOR))
    return router
