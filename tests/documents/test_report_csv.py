"""Reports as CSV for a Russian Excel: the BOM first, «;» between cells, the decimal comma, dates
as «dd.mm.yyyy»; read back with the csv module, the values are the report's."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

from core.model.reports import Column, ColumnKind, Table
from documents.reports.csv_export import report_csvs, table_csv
from tests.documents import report_samples as samples

BOM = b"\xef\xbb\xbf"


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def number(text: str) -> float:
    return float(text.replace(",", "."))


def test_values_read_back_with_the_decimal_comma() -> None:
    table = samples.mastery(12).tables[0]
    data = table_csv(table)
    assert b"\r\n" in data and "Алексеев".encode() in data
    head, *rows = rows_of(data)
    assert head == [c.title for c in table.columns]
    assert len(rows) == 12  # no «Итого» row: a pivot table would count it twice
    for got, row in zip(rows, table.rows, strict=True):
        name, finals, passed, share, average, last, final = row
        assert got[0] == name
        assert int(got[1]) == finals and int(got[2]) == passed
        assert number(got[3]) == share and "," in got[3]  # «92,3»
        assert isinstance(average, Decimal)
        assert number(got[4]) == float(average) and len(got[4].split(",")[1]) == 2
        assert isinstance(last, dt.date)
        assert dt.datetime.strptime(got[5], "%d.%m.%Y").date() == last
        assert got[6] == final


def test_totals_only_when_asked() -> None:
    table = samples.distribution().tables[0]
    *_, last = rows_of(table_csv(table, with_totals=True))
    assert last == ["Итого", "127", "289", "154", "24"]


def test_one_file_per_table_named_after_it() -> None:
    files = report_csvs(samples.distribution())
    assert [name for name, _ in files] == [
        "distribution_7-е-классы_01.09.2026-29.11.2026_Отметки-по-классам.csv",
        "distribution_7-е-классы_01.09.2026-29.11.2026_Качество-знаний.csv",
    ]
    quality = rows_of(files[1][1])
    assert quality[1] == ["7А", "77,9", "97,4", "4,01"]


def test_a_cell_looking_like_a_formula_is_kept_as_text() -> None:
    table = Table(
        "Ученики",
        (Column("name", "ФИО"), Column("delta", "Изменение", ColumnKind.AVERAGE)),
        (("=1+2", -0.5), ("@SUM(A1)", None)),
    )
    _, first, second = rows_of(table_csv(table))
    assert first == ["'=1+2", "-0,50"]  # a negative number stays a number
    assert second == ["'@SUM(A1)", ""]


def test_a_single_table_report_has_no_table_name_in_the_file_name() -> None:
    ((name, _),) = report_csvs(dataclasses.replace(samples.mastery(2), scope="7А/7Б: «сборный»"))
    assert name == "mastery_7А-7Б-сборный_2-я-четверть-2026-2027.csv"
