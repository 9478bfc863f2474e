"""The paper extract as printed: read back with pypdf, the Cyrillic is Cyrillic, every mark,
absence, homework and notice is there, long content flows onto numbered pages, and text the font
cannot print (emoji) or that would break a line (control characters) does not reach the paper."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pypdf

from core.model.journal import AbsenceKind
from core.model.notices import NoticeStatus
from core.services.extracts import (
    Extract,
    ExtractAbsence,
    ExtractHomework,
    ExtractMark,
    ExtractNotice,
    SubjectMarks,
)
from documents.extract_pdf import render_extract

D = dt.date
CREATED = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def extract(**changes: object) -> Extract:
    base = Extract(
        school="МБОУ «Средняя общеобразовательная школа № 3»",
        class_name="5А",
        class_teacher="Иванова Мария Петровна",
        student="Алексеев Артём Викторович",
        student_id=1,
        start=D(2026, 9, 1),
        end=D(2026, 9, 30),
        subjects=(
            SubjectMarks(
                "Английский язык", (ExtractMark(D(2026, 9, 8), "4", "Ответ на уроке"),), None
            ),
            SubjectMarks(
                "Математика",
                (
                    ExtractMark(D(2026, 9, 7), "5", "Ответ на уроке"),
                    ExtractMark(D(2026, 9, 14), "3", "Контрольная работа"),
                ),
                Decimal("3.67"),
            ),
        ),
        absences=(
            ExtractAbsence(D(2026, 9, 15), 1, "Математика", AbsenceKind.ILL),
            ExtractAbsence(D(2026, 9, 16), 2, "Английский язык", AbsenceKind.LATE),
        ),
        homework=(
            ExtractHomework(D(2026, 9, 7), D(2026, 9, 8), "Математика", "№ 12, 14 на с. 30"),
        ),
        notices=(
            ExtractNotice(
                D(2026, 9, 15),
                "Алексеева Ольга Ивановна",
                ("пропуск",),
                "❗ Артём А. пропустил урок\x00 математики\n15.09: Б",
                NoticeStatus.UNREACHABLE,
                False,
            ),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_an_a4_extract_in_russian_with_every_entry() -> None:
    data = render_extract(extract(), created=CREATED)
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    assert reader.metadata is not None
    assert reader.metadata.title == "Выписка из электронного журнала: Алексеев Артём Викторович"
    text = flat(" ".join(pages(data)))
    for expected in (
        "МБОУ «Средняя общеобразовательная школа № 3»",
        "Выписка из электронного журнала",
        "Обучающийся: Алексеев Артём Викторович",
        "Класс: 5А",
        "Период: с 01.09.2026 по 30.09.2026",
        "1. Отметки",
        "Математика — средний балл 3,67",
        "07.09.2026 5 Ответ на уроке",
        "14.09.2026 3 Контрольная работа",
        "08.09.2026 4 Ответ на уроке",
        "2. Пропуски уроков",
        "15.09.2026 1 Математика Б — болел(а)",
        "16.09.2026 2 Английский язык О — опоздание",
        "Пропущено уроков: 1; опозданий: 1.",
        "3. Домашние задания",
        "07.09.2026 08.09.2026 Математика № 12, 14 на с. 30",
        "4. Уведомления",
        "Артём А. пропустил урок математики 15.09: Б",
        "Классный руководитель",
        "/ Иванова М. П. /",
        "Дата «____»",
        "Стр. 1 из 1",
    ):
        assert expected in text, expected
    assert "❗" not in text and "\x00" not in text
    assert render_extract(extract(), created=CREATED) == data  # reproducible


def test_an_empty_period_says_so() -> None:
    text = flat(
        " ".join(pages(render_extract(extract(subjects=(), absences=(), homework=(), notices=()))))
    )
    for expected in (
        "Отметок за период нет.",
        "Пропусков за период нет.",
        "Домашних заданий за период нет.",
        "Уведомлений за период не было.",
    ):
        assert expected in text


def test_a_long_year_flows_onto_numbered_pages_and_loses_nothing() -> None:
    start = D(2026, 9, 1)
    days = [start + dt.timedelta(days=i) for i in range(0, 270)]
    marks = tuple(
        ExtractMark(d, str(2 + i % 4), "Самостоятельная работа") for i, d in enumerate(days)
    )
    absences = tuple(
        ExtractAbsence(d, 1 + i % 6, "Русский язык", AbsenceKind.ABSENT)
        for i, d in enumerate(days[::3])
    )
    homework = tuple(
        ExtractHomework(d, d + dt.timedelta(days=1), "Литература", "Прочитать главу " * 12)
        for d in days[::5]
    )
    data = render_extract(
        extract(
            end=days[-1],
            subjects=(SubjectMarks("Математика", marks, Decimal("3.50")),),
            absences=absences,
            homework=homework,
        )
    )
    texts = pages(data)
    assert len(texts) > 5
    for i, page in enumerate(texts, 1):
        assert f"Стр. {i} из {len(texts)}" in page
    text = flat(" ".join(texts))
    for mark in marks:
        assert f"{mark.on_date:%d.%m.%Y} {mark.value} Самостоятельная работа" in text
    for absence in absences:
        assert f"{absence.on_date:%d.%m.%Y} {absence.lesson_number} Русский язык Н —" in text
    assert text.count("Прочитать главу") == 12 * len(homework)
    assert text.count("Дата Отметка Вид работы") > 1  # the heading row repeats on each page
    assert "Классный руководитель" in texts[-1]


def test_a_very_long_notice_is_printed_whole_over_several_pages() -> None:
    words = [f"слово{i}" for i in range(2000)]
    digest = ExtractNotice(
        D(2026, 9, 20), "Алексеева Ольга Ивановна", ("отметка",), " ".join(words),
        NoticeStatus.SENT, True,
    )  # fmt: skip
    unbroken = "Ж" * 3000  # no space to wrap at
    data = render_extract(
        extract(
            notices=(digest,),
            homework=(ExtractHomework(D(2026, 9, 7), D(2026, 9, 8), "Математика", unbroken),),
        )
    )
    texts = pages(data)
    assert len(texts) > 3
    joined = "".join("".join(page.split()) for page in texts)
    assert all(word in joined for word in words)
    assert joined.count("Ж") == 3000
    assert "доставлено, ознакомлен(а)" in flat(" ".join(texts))
