"""Every notice's Russian text, in one place. Plain text (no parse mode): a teacher's message may
hold any character. Minimum personal data: the child's first name and initial, subject, value,
date — never a surname, class or anything the reader does not need."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.events import EventKind
from core.model.journal import AbsenceKind
from core.model.school import PeriodKind
from core.model.timetable import ControlForm
from core.services.finals_texts import PERIOD_NAMES
from core.services.journal_texts import ABSENCE_NAMES
from core.services.notice_content import NoticeContent, NoticeLine
from core.services.notices_texts import ACK_BUTTON

__all__ = ["ACK_BUTTON", "render"]

MAX_CHARS = 4000  # Telegram takes 4096; the acknowledgement line is added on a press
MAX_DETAIL = 1500  # a long homework or message is cut, the journal has it whole

HEADER = "📓 {child}: новое в журнале"
HEADER_STUDENT = "📓 Новое в журнале"
HEADER_DIGEST = "🗓 {child}: сводка за день"
HEADER_DIGEST_STUDENT = "🗓 Сводка за день"
HEADER_STAFF = "🔔 Школьный журнал"
URGENT = "❗ "
BULLET = "• "
CUT = "…"

FORMS = {
    ControlForm.TEST: "Контрольная работа",
    ControlForm.DICTATION: "Диктант",
    ControlForm.QUIZ: "Тестирование",
    ControlForm.ESSAY: "Сочинение (изложение)",
    ControlForm.PRACTICAL: "Практическая работа",
    ControlForm.ORAL: "Устный зачёт",
    ControlForm.COMPREHENSIVE: "Комплексная работа",
}
WEEKDAYS = {
    1: "по понедельникам",
    2: "по вторникам",
    3: "по средам",
    4: "по четвергам",
    5: "по пятницам",
    6: "по субботам",
    7: "по воскресеньям",
}


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m") if day else ""


def _n(number: int | None) -> str:
    return f"{number}-й урок" if number else ""


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _cut(text: str | None, limit: int = MAX_DETAIL) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + CUT


def _period(code: str | None) -> str:
    if not code or ":" not in code:
        return ""
    kind, number = code.split(":", 1)
    return PERIOD_NAMES[PeriodKind(kind)].format(number=number)


def _mark(line: NoticeLine) -> str:
    where = _join(_d(line.on_date), line.subject)
    work = f" ({line.detail})" if line.detail else ""
    if line.kind is EventKind.MARK_CHANGED:
        return f"{where}: отметка исправлена {line.before or '?'} → {line.value}{work}"
    if line.kind is EventKind.MARK_DELETED:
        return f"{where}: отметка {line.value} удалена{work}"
    return f"{where}: отметка {line.value}{work}"


def _control(line: NoticeLine) -> str:
    form = FORMS.get(ControlForm(line.detail), "Контрольная работа") if line.detail else ""
    head = _join(form or "Контрольная работа", line.subject)
    when = _join(_d(line.on_date), _n(line.lesson_number))
    if line.change == "cancelled":
        return f"{head}: {when} — отменена"
    if line.change == "moved":
        return f"{head}: перенесена с {_d(line.from_date)} на {when}"
    return f"{head}: {when}"


# what a teacher is reminded of (core.services.reminders names them)
REMINDERS = {
    "attendance": "не отмечена посещаемость (отметить можно только сегодня)",
    "homework": "не записано домашнее задание",
    "control_marks": "нет отметок за контрольную работу",
    "written_marks": "нет отметок за письменную работу",
    "finals": "не выставлены итоговые отметки за период",
}


def _due(line: NoticeLine) -> str:
    if line.due_at is None:
        return ""
    local = line.due_at.astimezone(ZoneInfo(line.zone)) if line.zone else line.due_at
    return f" — срок до {local.strftime('%d.%m %H:%M')}"


def _staff_line(line: NoticeLine) -> str:
    kind = line.kind
    if kind is EventKind.STAFF_REMINDER:
        what = REMINDERS.get(line.detail or "", line.detail or "")
        if line.detail == "finals":
            where = _join(line.person or "", line.subject, "период до " + _d(line.on_date))
        else:
            where = _join(_d(line.on_date), _n(line.lesson_number), line.person or "", line.subject)
        return f"{where}: {what}{_due(line)}"
    if kind is EventKind.GUARDIAN_REPLY:
        about = f" ({line.subject})" if line.subject else ""
        return f"✉️ Ответ родителя — {line.person}{about}:\n{_cut(line.detail)}"
    about = f", ребёнок: {line.subject}" if line.subject else ""
    return (
        f"⚠️ {line.person}{about} заблокировал(а) бота: уведомления не доходят. "
        "Родитель переведён на бумажные выписки («🖨 Выписки на бумаге»)."
    )


def render_line(line: NoticeLine) -> str:
    kind = line.kind
    if kind in (EventKind.STAFF_REMINDER, EventKind.GUARDIAN_REPLY, EventKind.CHAT_UNREACHABLE):
        return _staff_line(line)
    if kind is EventKind.HOLIDAYS_AHEAD:
        return f"{line.detail}: с {_d(line.on_date)} по {_d(line.until)} — уроков нет"
    if kind is EventKind.ACK_REMINDER:
        since = f" (с {_d(line.on_date)})" if line.on_date else ""
        return (
            f"Напоминание: уведомлений без отметки «Ознакомлен» — {line.value}{since}. "
            "Нажмите «✅ Ознакомлен» под каждым из них."
        )
    if kind in (EventKind.MARK_POSTED, EventKind.MARK_CHANGED, EventKind.MARK_DELETED):
        return _mark(line)
    if kind is EventKind.ABSENCE_MARKED:
        absence = ABSENCE_NAMES.get(AbsenceKind(line.detail)) if line.detail else None
        where = _join(_d(line.on_date), line.subject, _n(line.lesson_number))
        return f"{where}: {absence or 'отсутствовал(а)'}"
    if kind is EventKind.HOMEWORK_SET:
        files = f" (файлов: {line.files})" if line.files else ""
        return (
            f"Домашнее задание, {_join(line.subject, 'на ' + _d(line.on_date))}: "
            + _cut(line.detail)
            + files
        )
    if kind is EventKind.FINAL_MARK_SET:
        period = f" ({_period(line.detail)})" if line.detail else ""
        before = f", было {line.before}" if line.before and line.before != line.value else ""
        return f"Итоговая отметка, {line.subject}{period}: {line.value}{before}"
    if kind is EventKind.TEACHER_MESSAGE:
        author = f" ({line.person})" if line.person else ""
        return f"Сообщение от учителя{author}:\n{_cut(line.detail)}"
    if kind is EventKind.LESSON_SUBSTITUTED:
        where = _join(_d(line.on_date), _n(line.lesson_number), line.subject)
        if line.change == "cancelled":
            return f"{where}: замена отменена, урок ведёт {line.person or 'учитель по расписанию'}"
        return f"{where}: замена — урок ведёт {line.person or 'другой учитель'}"
    if kind is EventKind.LESSON_MOVED:
        before = _join(_d(line.from_date), _n(line.from_number))
        after = _join(_d(line.on_date), _n(line.lesson_number))
        return f"{line.subject}: урок перенесён с {before} на {after}"
    if kind in (EventKind.CONTROL_WORK_SCHEDULED, EventKind.CONTROL_WORK_CHANGED):
        return _control(line)
    if kind is EventKind.TIMETABLE_CHANGED:
        slot = _join(WEEKDAYS.get(line.weekday or 0, ""), _n(line.lesson_number))
        return f"Расписание с {_d(line.on_date)}: {line.subject} — {slot}"
    return line.subject


def render(content: NoticeContent) -> str:
    if content.to_staff:
        lines = [HEADER_STAFF] + [BULLET + render_line(line) for line in content.lines]
        return _cut("\n".join(lines), MAX_CHARS)
    if content.digest:
        header = HEADER_DIGEST_STUDENT if content.to_student else HEADER_DIGEST
    else:
        header = HEADER_STUDENT if content.to_student else HEADER
    lines = [(URGENT if content.urgent else "") + header.format(child=content.child)]
    lines += [BULLET + render_line(line) for line in content.lines]
    return _cut("\n".join(lines), MAX_CHARS)
