"""Reading sales exports: 1C reports (cp1251, title block, grouping and total rows), workbooks with real
numbers and dates, English headers, a profit column without cost; Russian amounts and dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from leadkit import columns as C
from leadkit.classify import classify_clients, read_sales
from leadkit.classify.sales import SALES_COLUMNS
from leadkit.config import CLASSIFY_MAP_ALIASES, parse_map
from leadkit.errors import LeadkitError
from leadkit.normalize.amounts import (
    _PLAIN,
    _read_amounts_fully,
    document_dates,
    read_amounts,
    read_dates,
)
from leadkit.settings import default_settings, load_settings

D = dt.date
NBSP = "\u00a0"
RULES = default_settings().sales


def write_1c(path: Path, lines: list[str]) -> Path:
    """A 1C report as 1C saves it: cp1251, ';', CRLF."""
    path.write_bytes("\r\n".join(lines).encode("cp1251"))
    return path


TITLE = [
    "Валовая прибыль предприятия;;;;;",
    ";;;;;",
    "Параметры:;Период: 01.01.2026 - 31.12.2026;;;;",
    'Отбор:;Организация Равно "ТД Цветы и Ко";;;;',
    "Показатели:;Выручка, Себестоимость, Валовая прибыль;;;;",
    ";;;;;",
]


def test_a_1c_report_with_title_block_grouping_and_totals(tmp_path: Path) -> None:
    lines = [
        *TITLE,
        "Контрагент;ИНН;Дата;Выручка;Себестоимость;Валовая прибыль",
        f'ООО "Ромашка";7704123450;;1{NBSP}250{NBSP}000,00;1{NBSP}000{NBSP}000,00;250{NBSP}000,00',
        f";;15.01.2026;1{NBSP}000{NBSP}000,00;800{NBSP}000,00;200{NBSP}000,00",
        ";;20.03.2026 12:00:00;300 000,00;240 000,00;60 000,00",
        ";;25.03.2026;-50 000,00;-40 000,00;-10 000,00",
        "Итого по ООО Ромашка;;;1 250 000,00;1 000 000,00;250 000,00",
        "ЗАО «Стройинвест»;;;100,00;150,00;-50,00",
        ";;01.02.2026;100,00;150,00;-50,00",
        "Всего;;;1 250 100,00;1 000 150,00;249 950,00",
        "Итого;;;1 250 100,00;1 000 150,00;249 950,00",
    ]
    result = read_sales([str(write_1c(tmp_path / "report.csv", lines))])
    sales = result.sales
    assert sales.columns == list(SALES_COLUMNS)
    assert sales.select(C.SOURCE_ROW, C.CLIENT, C.INN, C.DATE, C.REVENUE, C.PROFIT).rows() == [
        (9, 'ООО "Ромашка"', "7704123450", D(2026, 1, 15), 1_000_000.0, 200_000.0),
        (10, 'ООО "Ромашка"', "7704123450", D(2026, 3, 20), 300_000.0, 60_000.0),
        (11, 'ООО "Ромашка"', "7704123450", D(2026, 3, 25), -50_000.0, -10_000.0),  # a return
        (14, "ЗАО «Стройинвест»", None, D(2026, 2, 1), 100.0, -50.0),
    ]
    # Nothing counted twice: the documents sum to the report's own total.
    assert sales.get_column(C.PROFIT).sum() == 249_950.0
    assert result.counts == {
        "total_rows": 3,
        "repeated_headers": 0,
        "subtotal_rows": 2,
        "undated_rows": 0,
        "files": 1,
        "rows": 4,
    }
    assert result.warnings == []


def test_a_1c_report_with_documents_in_the_client_column_and_contract_rows(tmp_path: Path) -> None:
    lines = [
        "Валовая прибыль;;;",
        "Период: Январь 2026 г.;;;",
        "Контрагент;Выручка;Себестоимость;Валовая прибыль",
        "Контрагент;Выручка;Себестоимость;Валовая прибыль",  # the header repeated on a new page
        "Вектор ООО;1 010,00;800,00;210,00",
        "Основной договор;1 010,00;800,00;210,00",
        "Реализация товаров и услуг ТД00-000012 от 15.01.2026 12:00:00;600,00;500,00;100,00",
        "Реализация товаров и услуг ТД00-000013 от 16.01.2026 12:00:00;400,00;300,00;100,00",
        "Договор поставки № 5 от 01.01.2025;10,00;;10,00",
        "Корректировка реализации ТД00-000001 от 31.01.2026;10,00;;",
        "Итого;1 010,00;800,00;210,00",
    ]
    result = read_sales([str(write_1c(tmp_path / "one_column.csv", lines))])
    assert result.sales.select(C.CLIENT, C.DATE, C.DOCUMENT, C.PROFIT).rows() == [
        (
            "Вектор ООО",
            D(2026, 1, 15),
            "Реализация товаров и услуг ТД00-000012 от 15.01.2026 12:00:00",
            100.0,
        ),
        (
            "Вектор ООО",
            D(2026, 1, 16),
            "Реализация товаров и услуг ТД00-000013 от 16.01.2026 12:00:00",
            100.0,
        ),
        ("Вектор ООО", D(2026, 1, 31), "Корректировка реализации ТД00-000001 от 31.01.2026", 10.0),
    ]
    assert result.counts["repeated_headers"] == 1
    assert result.warnings == []


def test_clients_whose_names_begin_like_totals_or_contracts_stay_clients(tmp_path: Path) -> None:
    lines = [
        "Контрагент;Дата;Выручка;Прибыль",
        "Всего понемногу;;100,00;10,00",
        ";01.02.2026;100,00;10,00",
        "Итог-Сервис;;200,00;20,00",
        "Договор № 7 от 01.01.2026;;200,00;20,00",
        ";02.02.2026;200,00;20,00",
        "Договор-Сервис;;300,00;30,00",
        ";03.02.2026;300,00;30,00",
        "Итого:;;600,00;60,00",
        "ИТОГО ЗА ПЕРИОД;;600,00;60,00",
    ]
    result = read_sales([str(write_1c(tmp_path / "r.csv", lines))])
    assert result.sales.select(C.CLIENT, C.PROFIT).rows() == [
        ("Всего понемногу", 10.0),
        ("Итог-Сервис", 20.0),
        ("Договор-Сервис", 30.0),
    ]
    assert result.counts["total_rows"] == 2


def test_a_subtotal_that_is_not_the_sum_of_its_rows_is_reported(tmp_path: Path) -> None:
    lines = [
        "Контрагент;Дата;Выручка;Валовая прибыль",
        "Ромашка;;1 000,00;100,00",
        ";01.02.2026;900,00;90,00",
    ]
    result = read_sales([str(write_1c(tmp_path / "r.csv", lines))])
    assert result.sales.get_column(C.REVENUE).to_list() == [900.0]
    (notice,) = result.warnings
    assert "row 2" in str(notice) and "1,000.00 against 900.00" in str(notice)


def test_rows_without_a_date_in_a_dated_table_count_and_are_reported(tmp_path: Path) -> None:
    lines = [
        "Клиент;Дата;Сумма;Прибыль",
        "Ромашка;01.02.2026;100;10",
        "Вектор;;200;20",
        "Флора;;300;30",
    ]
    result = read_sales([str(write_1c(tmp_path / "r.csv", lines))])
    assert result.sales.get_column(C.CLIENT).to_list() == ["Ромашка", "Вектор", "Флора"]
    assert result.counts["undated_rows"] == 2
    assert "2 row(s) with amounts but no date (first: row 3)" in str(result.warnings[0])


def test_an_xlsx_report_with_real_numbers_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Продажи")
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, ["Отчёт о продажах за 2026 год"])
    sheet.write_row(2, 0, ["Дата", "Покупатель", "ИНН", "Выручка", "Себестоимость"])
    sheet.write_datetime(3, 0, dt.datetime(2026, 1, 15), dates)
    sheet.write_row(3, 1, ["Татнефтесервис"])
    sheet.write_number(3, 2, 278123453)  # the INN as a number: its leading zero is gone
    sheet.write_number(3, 3, 12345.67)
    sheet.write_number(3, 4, 10000.005)
    sheet.write_string(4, 0, "16.01.2026")  # a date typed as text
    sheet.write_row(4, 1, ["Ромашка", "7704123450", f"1{NBSP}234,50", "-"])
    sheet.write_row(5, 0, ["Итого", "", "", 13580.17])
    book.add_worksheet("Примечания").write(0, 0, "заметки")
    book.close()
    result = read_sales([str(path)])
    assert result.sales.select(
        C.SOURCE_SHEET, C.SOURCE_ROW, C.DATE, C.INN, C.REVENUE, C.COST
    ).rows() == [
        ("Продажи", 4, D(2026, 1, 15), "278123453", 12345.67, 10000.005),
        ("Продажи", 5, D(2026, 1, 16), "7704123450", 1234.5, 0.0),
    ]
    assert "Примечания" in str(result.warnings[0])
    clients = pl.DataFrame(
        {
            "company": ["АО «Татнефтесервис»"],
            "inn": ["0278123453"],
            "channel": ["Опт"],
            "potential": [""],
        }
    )
    assert classify_clients(clients, result.sales).clients.item(0, C.REVENUE) == 12345.67


def test_english_headers_and_a_margin_column_without_cost(tmp_path: Path) -> None:
    path = tmp_path / "crm_deals.csv"
    path.write_text(
        "Deal ID,Customer,Customer ID,Close date,Amount,Margin\n"
        '1,Flora LLC,C-7,2026-03-01,"1,250.00",310.5\n'
        "2,Flora LLC,C-7,2026-03-02,500,-20\n",
        encoding="utf-8",
    )
    # "Close date" is no synonym: a --map names it, and the map's "company" feeds the client.
    maps = parse_map(
        "sources:\n  - match: 'crm_*.csv'\n    columns: {date: Close date, company: Customer}\n",
        "map.yaml",
        CLASSIFY_MAP_ALIASES,
    )
    sales = read_sales([str(path)], maps).sales
    assert sales.select(C.CLIENT, C.CLIENT_ID, C.DATE, C.REVENUE, C.COST, C.PROFIT).rows() == [
        ("Flora LLC", "C-7", D(2026, 3, 1), 1250.0, None, 310.5),
        ("Flora LLC", "C-7", D(2026, 3, 2), 500.0, None, -20.0),
    ]


def test_an_unreadable_amount_or_date_names_the_file_row_and_column(tmp_path: Path) -> None:
    bad_amount_file = write_1c(
        tmp_path / "a.csv", ["Контрагент;Дата;Выручка;Прибыль", "Ромашка;01.02.2026;12,5,3;1"]
    )
    with pytest.raises(
        LeadkitError, match=re.escape("a.csv, row 2, column 'Выручка': not an amount: '12,5,3'")
    ):
        read_sales([str(bad_amount_file)])
    bad_date_file = write_1c(
        tmp_path / "d.csv",
        ["Контрагент;Дата;Выручка;Прибыль", "Ромашка;01.02.2026;1;1", "Вектор;31.02.2026;1;1"],
    )
    with pytest.raises(LeadkitError, match=re.escape("d.csv, row 3, column 'Дата': not a date")):
        read_sales([str(bad_date_file)])


def test_a_file_without_cost_or_profit_needs_measure_revenue(tmp_path: Path) -> None:
    path = write_1c(tmp_path / "revenue_only.csv", ["Клиент;Выручка", "Ромашка;100"])
    with pytest.raises(LeadkitError, match="no cost or profit column"):
        read_sales([str(path)])
    config = tmp_path / "abcde.yaml"
    config.write_text("measure: revenue\n", encoding="utf-8")
    settings = load_settings(config, section="abcde")
    sales = read_sales([str(path)], settings=settings).sales
    assert sales.get_column(C.PROFIT).to_list() == [None]
    clients = pl.DataFrame({"company": ["Ромашка"], "channel": ["Опт"], "potential": ["1"]})
    result = classify_clients(clients, sales, settings=settings)
    assert result.clients.select(C.REVENUE, C.PROFIT, C.PROFIT_TIER, C.ABCDE).row(0) == (
        100.0,
        None,
        "top",
        "A",
    )


def test_a_file_with_no_sales_header_is_refused(tmp_path: Path) -> None:
    path = write_1c(tmp_path / "x.csv", ["Компания;Телефон", "Ромашка;84951234567"])
    with pytest.raises(
        LeadkitError, match=r"no client \(or INN\) and amount \(revenue or profit\) column found"
    ):
        read_sales([str(path)])


# --- amounts and dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 200 000,50", 1_200_000.5),
        (f"1{NBSP}200{NBSP}000,50", 1_200_000.5),
        ("1\u2009200\u202f000,50", 1_200_000.5),
        ("12 345,67 руб.", 12345.67),
        ("₽ 5 000", 5000.0),
        ("100р.", 100.0),
        ("-1 234,00", -1234.0),
        ("−1 234", -1234.0),
        ("(1 234,00)", -1234.0),
        ("1.234,50", 1234.5),
        ("1,234.50", 1234.5),
        ("1,234,567", 1_234_567.0),
        ("1,5", 1.5),
        ("0.25", 0.25),
        ("5 000 000 ₸", 5_000_000.0),
        ("", None),
        ("-", None),
        ("н/д", None),
        ("руб.", None),
    ],
)
def test_amounts_as_russian_exports_write_them(text: str, expected: float | None) -> None:
    assert read_amounts(pl.Series([text]), RULES).row(0) == (expected, False)


@pytest.mark.parametrize(
    "text", ["около миллиона", "12,5,3", "1.2.3,4,5", "inf", "nan", "5 000 / 6 000"]
)
def test_text_that_is_not_an_amount_is_flagged(text: str) -> None:
    assert read_amounts(pl.Series([text]), RULES).row(0) == (None, True)


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2),
    st.sampled_from([" ", NBSP, "\u2009", "\u202f", ""]),
    st.sampled_from(["", " руб.", " ₽", "р."]),
)
def test_a_russian_written_amount_reads_back_exactly(
    value: Decimal, space: str, currency: str
) -> None:
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", space)
    text = f"{sign}{groups},{cents}{currency}"
    assert read_amounts(pl.Series([text]), RULES).row(0) == (float(value), False)


@given(
    st.lists(st.from_regex(_PLAIN.replace(r"\s", "[ \u00a0\u2009]"), fullmatch=True), max_size=5)
)
def test_the_plain_shapes_read_directly_as_the_full_way_reads_them(texts: list[str]) -> None:
    cells = pl.Series(texts, dtype=pl.String)
    direct = read_amounts(cells, RULES)
    assert direct.get_column("bad").sum() == 0
    assert direct.rows() == _read_amounts_fully(cells, RULES).select("value", "bad").rows()


@given(st.text(max_size=30))
def test_amount_reading_never_crashes_and_never_invents_a_number(text: str) -> None:
    value, bad = read_amounts(pl.Series([text]), RULES).row(0)
    if value is not None:
        assert not bad and any(ch.isdigit() for ch in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.01.2026", D(2026, 1, 15)),
        ("15.01.26", D(2026, 1, 15)),
        ("5.1.2026 0:00:00", D(2026, 1, 5)),
        ("2026-01-15", D(2026, 1, 15)),
        ("2026-01-15 12:30:00", D(2026, 1, 15)),
        ("Январь 2026", D(2026, 1, 1)),
        ("сентябрь 2026 г.", D(2026, 9, 1)),
        ("31.02.2026", None),
        ("завтра", None),
    ],
)
def test_dates_as_exports_write_them(text: str, expected: dt.date | None) -> None:
    assert read_dates(pl.Series([text]), RULES).row(0) == (expected, expected is None)


def test_the_date_in_a_1c_document_name() -> None:
    names = pl.Series(
        [
            "Реализация товаров и услуг ТД00-000012 от 15.01.2026 12:00:00",
            "Возврат от 3.2.26",
            "Акт",
            None,
        ]
    )
    assert document_dates(names).to_list() == [D(2026, 1, 15), D(2026, 2, 3), None, None]
