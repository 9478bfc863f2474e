"""Reports as printed, read back with pypdf: the generic report (Cyrillic names and values,
totals, notes, landscape for a wide table), the final marks sheet (A4 landscape, a page per
period, every student), and the one-page report for a parents' meeting (one page, whatever the
class's size)."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest

from core.model.reports import Cell, Column, ColumnKind, Report, Table
from documents.reports.cells import cell_text
from documents.reports.final_sheet_pdf import final_sheet_pdf
from documents.reports.one_page_pdf import one_page_pdf
from documents.reports.pdf import report_pdf
from tests.documents import report_samples as samples


def read(data: bytes) -> list[pypdf.PageObject]:
    assert data.startswith(b"%PDF")
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def text_of(pages: list[pypdf.PageObject]) -> str:
    return flat(" ".join(page.extract_text() for page in pages))


def is_landscape(page: pypdf.PageObject) -> bool:
    return float(page.mediabox.width) > float(page.mediabox.height)


def test_generic_report_holds_names_values_totals_and_notes() -> None:
    report = samples.mastery(8)
    totals = report.tables[0].totals
    assert totals is not None
    finals, passed, share = totals[1:4]
    pages = read(report_pdf(report, chart_png=b"", tz="Europe/Moscow"))
    text = text_of(pages)
    assert not is_landscape(pages[0])
    for piece in (
        samples.SCHOOL,
        "Освоение образовательных программ",
        "7А · 2-я четверть 2026/2027",
        "Сформирован: 29.11.2026 11:05 (UTC+3)",
        "Григорьева Г. Д. 12 9 75,0 3,30 04.10.2026 н/а",
        f"Итого {finals} {passed} {share}".replace(".", ","),
        *report.notes,
    ):
        assert piece in text, piece
    assert "Стр. 1 из 1" in text


def test_several_tables_and_the_chart_as_a_picture() -> None:
    report = samples.distribution()
    (page,) = read(report_pdf(report))
    text = text_of([page])
    assert "Отметки по классам" in text and "Качество знаний" in text
    assert "7В 58,1 91,1 3,71" in text
    assert "Итого 127 289 154 24" in text
    images = list(page.images)
    assert len(images) == 1 and images[0].image is not None
    assert images[0].image.width >= 1000  # printed sharp: ~200 dpi over 18 cm


def test_a_wide_table_turns_the_page_and_long_tables_run_on_with_their_header() -> None:
    columns = (
        Column("student", "Обучающийся"),
        *(Column(f"w{i}", f"Неделя {i}", ColumnKind.COUNT) for i in range(1, 15)),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (samples.student(i), *(i * 100 + w for w in range(1, 15))) for i in range(45)
    )
    table = Table("Пропуски по неделям", columns, rows)
    report = dataclasses.replace(samples.mastery(1), tables=(table,), chart=None, notes=())
    pages = read(report_pdf(report))
    assert len(pages) >= 2 and all(is_landscape(p) for p in pages)
    assert "Неделя 14" in flat(pages[1].extract_text())  # the header repeated
    text = text_of(pages)
    assert all(samples.student(i) in text for i in range(45))
    assert "4414" in text


@pytest.fixture(scope="module")
def final_sheet() -> tuple[Report, list[pypdf.PageObject]]:
    report = samples.final_sheet(30, 20)
    return report, read(final_sheet_pdf(report))


def test_final_sheet_is_landscape_a_page_per_period(
    final_sheet: tuple[Report, list[pypdf.PageObject]],
) -> None:
    report, pages = final_sheet
    assert len(pages) == len(samples.PERIODS) == len(report.tables)
    assert all(is_landscape(p) for p in pages)
    for page, period in zip(pages, samples.PERIODS, strict=True):
        text = flat(page.extract_text())
        assert "Сводная ведомость итоговых отметок" in text
        assert f"Класс 7А · 2026/2027 учебный год · {period}" in text
        assert "Классный руководитель" in text


def test_final_sheet_numbers_every_student_with_marks_and_subjects(
    final_sheet: tuple[Report, list[pypdf.PageObject]],
) -> None:
    report, pages = final_sheet
    first = flat(pages[0].extract_text())
    columns = report.tables[0].columns
    for number in range(30):
        row = report.tables[0].rows[number]
        cells = " ".join(cell_text(v, c.kind) for v, c in zip(row, columns, strict=True))
        assert f"{number + 1} {cells}" in first  # «1 Алексеев А. А. н/а 4 … 3,95»
    for subject in ("Русский язык", "Физика", "Информатика", "Музыка", "Средний балл"):
        assert subject in first
    assert "ОСВ" in first and "н/а" in first


def test_final_sheet_of_a_large_class_goes_on_with_the_header_repeated() -> None:
    report = samples.final_sheet(40, 12)
    pages = read(final_sheet_pdf(dataclasses.replace(report, tables=report.tables[:1])))
    assert len(pages) == 2
    assert "Русский язык" in pages[1].extract_text()
    text = text_of(pages)
    assert all(f"{n + 1} {samples.student(n)}" in text for n in range(40))


@pytest.mark.parametrize("students", [5, 35])
def test_one_page_report_is_one_page_with_every_student(students: int) -> None:
    report = samples.mastery(students)
    (page,) = read(one_page_pdf(report, tz="Asia/Vladivostok"))
    assert not is_landscape(page)
    text = flat(page.extract_text())
    assert all(samples.student(i) in text for i in range(students))
    assert "Освоение образовательных программ" in text and "Итого" in text
    assert "Сформирован: 29.11.2026 18:05 (UTC+10)" in text
    assert report.notes[0] in text
    assert len(page.images) == 1  # the chart


def test_one_page_report_of_several_tables_without_a_chart() -> None:
    report = dataclasses.replace(samples.distribution(), chart=None)
    (page,) = read(one_page_pdf(report))
    text = flat(page.extract_text())
    assert "Итого 127 289 154 24" in text and "7Г 75,0 98,6 3,96" in text
    assert not page.images


def test_one_page_report_cuts_rows_it_cannot_hold_and_says_how_many() -> None:
    report = dataclasses.replace(samples.mastery(150), chart=None)
    (page,) = read(one_page_pdf(report))
    text = flat(page.extract_text())
    assert "… и ещё строк:" in text
    assert samples.student(0) in text and "Итого" in text


def test_a_one_row_summary_of_many_figures_prints_as_a_list() -> None:
    figures = [
        Column("teacher", "Классный руководитель"),
        *(Column(f"f{i}", f"Показатель номер {i}, %", ColumnKind.PERCENT) for i in range(1, 15)),
    ]
    summary = Table("Общие показатели", tuple(figures), (("Иванова М. П.", *range(1, 15)),))
    report = dataclasses.replace(samples.mastery(3), tables=(summary,), chart=None)
    for data in (one_page_pdf(report), report_pdf(report)):
        (page,) = read(data)
        assert not is_landscape(page)  # a list, not fifteen columns
        text = flat(page.extract_text())
        assert "Показатель Значение Классный руководитель Иванова М. П." in text
        assert "Показатель номер 14, % 14,0" in text


def test_long_texts_wrap_on_a_portrait_page_whole() -> None:
    topic = "Решение задач на движение по реке: собственная скорость, скорость течения и время"
    table = Table(
        "Пропущенные темы",
        (
            Column("student", "Обучающийся"),
            Column("day", "Дата", ColumnKind.DATE),
            Column("subject", "Предмет"),
            Column("topic", "Тема урока"),
            Column("reason", "Причина"),
        ),
        tuple(
            (samples.student(i), samples.MADE_AT.date(), "Математика", topic, "Б — болезнь")
            for i in range(3)
        ),
    )
    report = dataclasses.replace(samples.mastery(1), tables=(table,), chart=None)
    (page,) = read(report_pdf(report))
    assert not is_landscape(page)
    text = flat(page.extract_text())
    assert text.count(topic) == 3  # wrapped at spaces, not cut
