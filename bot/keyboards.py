"""Inline keyboards: the menu of each role and the small choosers."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import ConsentCb, DayCb, MenuCb
from bot.texts import acknowledgements as at
from bot.texts import audit as aut
from bot.texts import backups as bt
from bot.texts import common as ct
from bot.texts import guardian as gt
from bot.texts import reports as rt
from bot.texts import staff as st
from core.model.identity import Actor, ConsentAnswer, Role

# what a guardian sees of the selected child and a student of themself
CHILD_VIEWS: tuple[tuple[str, str], ...] = (
    (gt.BTN_TODAY, "today"),
    (gt.BTN_TOMORROW, "tomorrow"),
    (gt.BTN_WEEK, "week"),
    (gt.BTN_HOMEWORK, "homework"),
    (gt.BTN_MARKS, "marks"),
    (gt.BTN_CONTROL_WORKS, "works"),
    (gt.BTN_TEACHERS, "teachers"),
    (gt.BTN_HOLIDAYS, "holidays"),
)

MENUS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.TEACHER: (
        (st.BTN_LESSONS, "lessons"),
        (st.BTN_FINALS, "finals"),
        (rt.BTN_REPORTS, "reports"),
    ),
    Role.CLASS_TEACHER: (
        (st.BTN_LESSONS, "lessons"),
        (st.BTN_FINALS, "finals"),
        (st.BTN_CLASS_JOURNAL, "classjournal"),
        (st.BTN_CLASS_ATTENDANCE, "classattendance"),
        (st.BTN_CODES, "codes"),
        (st.BTN_CONSENTS, "consents"),
        (st.BTN_EXTRACTS, "extracts"),
        (at.BTN_ACKS, "acks"),
        (rt.BTN_REPORTS, "reports"),
    ),
    Role.DEPUTY: (
        (st.BTN_SUBSTITUTIONS, "subs"),
        (st.BTN_CONTROL_WORKS, "controlworks"),
        (st.BTN_REOPEN, "reopen"),
        (st.BTN_CLASS_JOURNAL, "classjournal"),
        (st.BTN_CLASS_ATTENDANCE, "classattendance"),
        (st.BTN_SUMMARY, "summary"),
        (rt.BTN_REPORTS, "reports"),
        (at.BTN_ACKS, "acks"),
        (aut.BTN_AUDIT, "audit"),
        (st.BTN_LESSONS, "lessons"),
    ),
    Role.DISPATCHER: ((st.BTN_SUBSTITUTIONS, "subs"), (st.BTN_SUMMARY, "summary")),
    Role.HEAD: (
        (st.BTN_SUMMARY, "summary"),
        (st.BTN_CLASS_JOURNAL, "classjournal"),
        (st.BTN_CLASS_ATTENDANCE, "classattendance"),
        (rt.BTN_REPORTS, "reports"),
        (aut.BTN_AUDIT, "audit"),
    ),
    Role.COORDINATOR: (
        (st.BTN_STAFF_CODES, "staffcodes"),
        (st.BTN_ACCOUNTS, "accounts"),
        (st.BTN_SUMMARY, "summary"),
        (rt.BTN_REPORTS, "reports"),
        (aut.BTN_AUDIT, "audit"),
        (bt.BTN_BACKUPS, "backups"),
    ),
    Role.GUARDIAN: (
        *CHILD_VIEWS,
        (gt.BTN_CHILD, "child"),
        (gt.BTN_NOTICES, "notices"),
        (gt.BTN_CONSENT, "consent"),
    ),
    Role.STUDENT: (*CHILD_VIEWS, (gt.BTN_NOTICES, "notices")),
}


def menu(actor: Actor, several_roles: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, action in MENUS[actor.role]:
        if action in ("today", "tomorrow"):
            builder.button(
                text=text, callback_data=DayCb(what="child", offset=int(action == "tomorrow"))
            )
        else:
            builder.button(text=text, callback_data=MenuCb(action=action))
    if several_roles:
        builder.button(text=ct.BTN_SWITCH_ROLE, callback_data=MenuCb(action="role"))
    builder.adjust(1)
    return builder.as_markup()


def consent_buttons(given: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if given:
        builder.button(
            text=gt.BTN_WITHDRAW, callback_data=ConsentCb(answer=ConsentAnswer.WITHDRAWN)
        )
    else:
        builder.button(text=gt.BTN_AGREE, callback_data=ConsentCb(answer=ConsentAnswer.GIVEN))
        builder.button(text=gt.BTN_DISAGREE, callback_data=ConsentCb(answer=ConsentAnswer.REFUSED))
    builder.adjust(2)
    return builder.as_markup()


def back_to_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=ct.BTN_MENU, callback_data=MenuCb(action="menu"))
    return builder.as_markup()
