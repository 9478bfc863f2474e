"""Hand-built reports for the renderer tests: Cyrillic names, every column kind, a totals row,
a chart of each kind, a large class, and the final marks sheet (30 students × 20 subjects)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from core.model.reports import (
    FINAL_SHEET,
    Cell,
    Chart,
    ChartKind,
    Column,
    ColumnKind,
    Report,
    Series,
    Table,
)

MADE_AT = dt.datetime(2026, 11, 29, 8, 5, tzinfo=dt.UTC)
SCHOOL = "МБОУ «Средняя общеобразовательная школа № 3»"

SURNAMES = (
    "Алексеев", "Борисова", "Васильев", "Григорьева", "Дмитриев", "Егорова", "Жуков", "Зайцева",
    "Иванов", "Ковалёва", "Лебедев", "Морозова", "Никитин", "Орлова", "Павлов", "Романова",
    "Семёнов", "Тихонова", "Ульянов", "Фёдорова", "Харитонов", "Цветкова", "Чернов", "Шестакова",
    "Щербаков", "Юдина", "Яковлев", "Абрамова", "Белов", "Волкова", "Гусев", "Давыдова",
    "Ершов", "Жданова", "Захаров", "Ильина", "Кузьмин", "Лукина", "Мельников", "Никонова",
)  # fmt: skip
SUBJECTS = (
    "Русский язык", "Литература", "Родной язык", "Английский язык", "Алгебра", "Геометрия",
    "Вероятность и статистика", "Информатика", "История", "Обществознание", "География",
    "Биология", "Физика", "Химия", "Изобразительное искусство", "Музыка", "Труд (технология)",
    "Физическая культура", "Основы безопасности и защиты Родины", "Индивидуальный проект",
)  # fmt: skip
PERIODS = ("1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть", "Год")


def student(i: int) -> str:
    surname = SURNAMES[i % len(SURNAMES)]
    return f"{surname} {'АБВГДЕЖЗИКЛМНОПРСТУФ'[i % 20]}. {'АВГДИМНОПС'[i % 10]}."


def mastery(students: int = 5, kind: ChartKind = ChartKind.HORIZONTAL_BAR) -> Report:
    """Per student: finals, finals ≥ «3», the share, the mean mark, the last mark's date."""
    rows: list[tuple[Cell, ...]] = []
    total_finals = total_passed = 0
    for i in range(students):
        finals = 12 + i % 3
        passed = finals - i % 4
        total_finals += finals
        total_passed += passed
        rows.append(
            (
                student(i),
                finals,
                passed,
                round(100 * passed / finals, 1),
                Decimal(f"{3 + (i % 20) / 10:.2f}"),
                dt.date(2026, 10, 1 + i % 28),
                "5" if i % 3 else "н/а",
            )
        )
    table = Table(
        title="Освоение программ по ученикам",
        columns=(
            Column("student", "Обучающийся"),
            Column("finals", "Итоговых отметок", ColumnKind.COUNT),
            Column("passed", "Не ниже «3»", ColumnKind.COUNT),
            Column("share", "Освоение, %", ColumnKind.PERCENT),
            Column("average", "Средний балл", ColumnKind.AVERAGE),
            Column("last", "Последняя отметка", ColumnKind.DATE),
            Column("final", "Итог по алгебре", ColumnKind.MARK),
        ),
        rows=tuple(rows),
        totals=(
            None,
            total_finals,
            total_passed,
            round(100 * total_passed / total_finals, 1) if total_finals else None,
            None,
            None,
            None,
        ),
    )
    chart = Chart(
        kind=kind,
        title="Освоение программ, %",
        categories=tuple(str(r[0]) for r in rows),
        series=(Series("Освоение, %", tuple(float(r[3]) for r in rows)),),  # type: ignore[arg-type]
        value_label="%",
        value_max=100,
    )
    return Report(
        name="mastery",
        title="Освоение образовательных программ",
        school=SCHOOL,
        scope="7А",
        period="2-я четверть 2026/2027",
        made_at=MADE_AT,
        tables=(table,),
        chart=chart,
        notes=(
            "Освоение — число итоговых отметок не ниже «3», делённое на число итоговых отметок.",
            "н/а — не аттестован.",
        ),
    )


def distribution(kind: ChartKind = ChartKind.STACKED_BAR) -> Report:
    """Marks «5»…«2» per class of a grade: a stacked chart, two tables."""
    classes = ("7А", "7Б", "7В", "7Г")
    counts = {
        "5": (40, 35, 22, 30),
        "4": (80, 70, 64, 75),
        "3": (30, 41, 50, 33),
        "2": (4, 6, 12, 2),
    }
    marks = Table(
        title="Отметки по классам",
        columns=(
            Column("class", "Класс"),
            *(Column(m, f"«{m}»", ColumnKind.COUNT) for m in counts),
        ),
        rows=tuple((c, *(counts[m][i] for m in counts)) for i, c in enumerate(classes)),
        totals=("Итого", *(sum(v) for v in counts.values())),
    )
    quality = Table(
        title="Качество знаний",
        columns=(
            Column("class", "Класс"),
            Column("quality", "Качество, %", ColumnKind.PERCENT),
            Column("success", "Успеваемость, %", ColumnKind.PERCENT),
            Column("average", "Средний балл", ColumnKind.AVERAGE),
        ),
        rows=(
            ("7А", 77.9, 97.4, 4.01),
            ("7Б", 69.2, 96.0, 3.9),
            ("7В", 58.1, 91.1, 3.71),
            ("7Г", 75.0, 98.6, 3.96),
        ),
    )
    chart = Chart(
        kind=kind,
        title="Распределение отметок",
        categories=classes,
        series=tuple(Series(m, tuple(float(v) for v in counts[m])) for m in counts),
        value_label="Отметок",
    )
    return Report(
        name="distribution",
        title="Распределение отметок по классам",
        school=SCHOOL,
        scope="7-е классы",
        period="01.09.2026–29.11.2026",
        made_at=MADE_AT,
        tables=(marks, quality),
        chart=chart,
        notes=("Учтены только текущие отметки.",),
    )


def dynamics() -> Report:
    """Mean mark over quarters, two series: a line chart."""
    quarters = ("1-я четверть", "2-я четверть", "3-я четверть", "4-я четверть")
    table = Table(
        title="Средний балл по четвертям",
        columns=(
            Column("period", "Период"),
            Column("class", "7А", ColumnKind.AVERAGE),
            Column("grade", "7-е классы", ColumnKind.AVERAGE),
        ),
        rows=tuple((q, 3.8 + i / 10, 3.7 + i / 20) for i, q in enumerate(quarters)),
    )
    chart = Chart(
        kind=ChartKind.LINE,
        title="Средний балл по четвертям",
        categories=quarters,
        series=(
            Series("7А", tuple(3.8 + i / 10 for i in range(4))),
            Series("7-е классы", tuple(3.7 + i / 20 for i in range(4))),
        ),
        value_label="Средний балл",
        value_max=5,
    )
    return dataclasses.replace(
        mastery(), name="dynamics", title="Динамика среднего балла", tables=(table,), chart=chart
    )


def final_sheet(students: int = 30, subjects: int = 20) -> Report:
    """REP-8 as core.model.reports describes it: one table per period and one for the year,
    a MARK column per subject and the mean mark last."""
    names = SUBJECTS[:subjects]
    columns = (
        Column("student", "Обучающийся"),
        *(Column(f"subject-{i}", name, ColumnKind.MARK) for i, name in enumerate(names)),
        Column("mean", "Средний балл", ColumnKind.AVERAGE),
    )
    tables = []
    for p, period in enumerate(PERIODS):
        rows = []
        for s in range(students):
            marks = [_final_mark(s, j, p) for j in range(len(names))]
            digits = [int(m) for m in marks if m.isdigit()]
            mean = Decimal(sum(digits)) / len(digits) if digits else None
            rows.append((student(s), *marks, mean.quantize(Decimal("0.01")) if mean else None))
        tables.append(Table(title=period, columns=columns, rows=tuple(rows)))
    return Report(
        name=FINAL_SHEET,  # "final-sheet", as core.services.reports.final_sheet names it
        title="Сводная ведомость итоговых отметок",
        school=SCHOOL,
        scope="7А",
        period="2026/2027 учебный год",
        made_at=MADE_AT,
        tables=tuple(tables),
        notes=("н/а — не аттестован; ОСВ — освобождён.",),
    )


def _final_mark(s: int, j: int, p: int) -> str:
    if (s + j + p) % 37 == 0:
        return "н/а"
    if j == 17 and s == 3:
        return "ОСВ"
    return "5432"[(s * 7 + j * 3 + p) % 4 if (s + j) % 9 else 3] if (s * j) % 5 else "4"
