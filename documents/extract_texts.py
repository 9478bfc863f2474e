"""Russian words of the paper extract (INF-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.model.journal import AbsenceKind
from core.model.notices import NoticeStatus

TITLE = "Выписка из электронного журнала"
SUBJECT = "Отметки, пропуски уроков, домашние задания и уведомления обучающегося"
KEYWORDS = "выписка, электронный журнал, отметки, посещаемость"

STUDENT = "Обучающийся"
CLASS = "Класс"
PERIOD = "Период"
SCHOOL = "Образовательная организация"

MARKS = "1. Отметки"
ABSENCES = "2. Пропуски уроков"
HOMEWORK = "3. Домашние задания"
NOTICES = "4. Уведомления родителям (законным представителям)"

NO_MARKS = "Отметок за период нет."
NO_ABSENCES = "Пропусков за период нет."
NO_HOMEWORK = "Домашних заданий за период нет."
NO_NOTICES = "Уведомлений за период не было."

COL_DATE = "Дата"
COL_MARK = "Отметка"
COL_WORK = "Вид работы"
COL_LESSON = "Урок"
COL_SUBJECT = "Предмет"
COL_KIND = "Причина"
COL_GIVEN = "Задано"
COL_DUE = "К уроку"
COL_TASK = "Задание"
COL_TO = "Кому"
COL_ABOUT = "О чём"
COL_TEXT = "Текст"
COL_STATUS = "Доставка"

ABSENCE_LABELS = {
    AbsenceKind.ABSENT: "Н — без уважительной причины",
    AbsenceKind.ILL: "Б — болел(а)",
    AbsenceKind.EXCUSED: "У — по уважительной причине",
    AbsenceKind.LATE: "О — опоздание",
}
STATUS_LABELS = {
    NoticeStatus.PENDING: "ожидает отправки",
    NoticeStatus.SENDING: "отправляется",
    NoticeStatus.SENT: "доставлено",
    NoticeStatus.UNCERTAIN: "доставка не подтверждена",
    NoticeStatus.UNREACHABLE: "не доставлено: чат недоступен",
    NoticeStatus.FAILED: "не доставлено",
    NoticeStatus.HELD: "не отправлялось",
}
ACKNOWLEDGED = ", ознакомлен(а)"

SIGNATURE = "Классный руководитель"
SIGNATURE_LINE = "______________________"
DATE_LINE = "Дата «____» ______________ 20____ г."
MADE_BY = "Выписка сформирована в электронном журнале «{school}»."
PAGE = "Стр. {page} из {{nb}}"


def day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def period(start: dt.date, end: dt.date) -> str:
    return f"с {day(start)} по {day(end)}"


def subject_heading(subject: str, average: Decimal | None) -> str:
    if average is None:
        return subject
    return f"{subject} — средний балл {format(average, '.2f').replace('.', ',')}"


def absences_total(missed: int, late: int) -> str:
    return f"Пропущено уроков: {missed}; опозданий: {late}."


def short_name(full: str) -> str:
    """«Иванова Мария Петровна» → «Иванова М. П.» for the signature line."""
    parts = full.split()
    if len(parts) < 2:
        return full
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])
