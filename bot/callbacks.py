"""Callback data of every button. aiogram packs and checks them: a forged or stale payload that
does not parse matches no handler and gets the «stale button» answer; one that parses is still
checked by core's access rules."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="m"):
    action: str


class RoleCb(CallbackData, prefix="r"):
    binding: int
    role: str


class ChildCb(CallbackData, prefix="ch"):
    student: int


class ConsentCb(CallbackData, prefix="cs"):
    answer: str


class ClassCb(CallbackData, prefix="cl"):
    action: str  # "codes" or "consents"
    class_id: int


class CodesCb(CallbackData, prefix="cd"):
    class_id: int
    audience: str


class PaperCb(CallbackData, prefix="pp"):
    guardian: int
    answer: str  # "" to ask, "given" or "refused" to record


class UnbindCb(CallbackData, prefix="ub"):
    binding: int
    confirm: bool


class DayCb(CallbackData, prefix="d"):
    what: str  # "lessons" or "child"
    offset: int  # days from today: 0 today, 1 tomorrow


class LessonCb(CallbackData, prefix="ls"):
    """A lesson by its slot (it may not have a row yet): group, date as yyyymmdd, number."""

    group: int
    day: int
    number: int


class CardCb(CallbackData, prefix="lc"):
    lesson: int
    action: str  # card, att, marks, topic, hw, msg


class AttCb(CallbackData, prefix="at"):
    lesson: int
    student: int  # 0 with act: the whole-roster actions
    act: str = ""  # "", "all" (everyone present, saved), "save"


class WorkTypeCb(CallbackData, prefix="wt"):
    lesson: int
    work_type: int


class MarkStudentCb(CallbackData, prefix="ms"):
    lesson: int
    work_type: int
    student: int


class MarkValueCb(CallbackData, prefix="mv"):
    lesson: int
    work_type: int
    student: int
    value: str  # a scale value, or "x" to go back


class MarkEditCb(CallbackData, prefix="me"):
    mark: int
    version: int
    value: str  # a new value, "del" to delete, "" to choose


class TopicCb(CallbackData, prefix="tp"):
    lesson: int
    topic: int


class MessageCb(CallbackData, prefix="mg"):
    lesson: int
    student: int  # 0: the whole group
