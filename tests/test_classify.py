"""The ABCDE rules of CONTRACT.md on small tables computed by hand: tiers, classes, key accounts, the
period and relationship, joining sales to clients, and the previous classification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from leadkit import columns as C
from leadkit.classify import classify_clients
from leadkit.classify.sales import SALES_COLUMNS, empty_sales
from leadkit.errors import LeadkitError

D = dt.date


def clients(
    *rows: tuple[Any, ...], columns: tuple[str, ...] = ("company", "inn", "channel", "potential")
) -> pl.DataFrame:
    """A clients table as text columns, as leadkit reads one."""
    return pl.DataFrame(
        [dict(zip(columns, row, strict=True)) for row in rows],
        schema=dict.fromkeys(columns, pl.String),
        orient="row",
    )


def sales(*rows: dict[str, Any]) -> pl.DataFrame:
    """Sales rows as read_sales returns them; unnamed columns empty."""
    full = [{name: row.get(name) for name in SALES_COLUMNS} for row in rows]
    return pl.DataFrame(full, schema=empty_sales().schema, orient="row")


def sale(
    client: str | None = None, profit: float = 0.0, revenue: float | None = None, **kw: Any
) -> dict[str, Any]:
    """One sales row; revenue defaults to the profit (a sale without cost)."""
    rev = profit if revenue is None else revenue
    return {
        "source": "s.csv",
        "source_row": 2,
        "client": client,
        "revenue": rev,
        "cost": rev - profit,
        "profit": profit,
        **kw,
    }


def by_company(result: Any, column: str) -> dict[str, Any]:
    return dict(result.clients.select(C.COMPANY, column).iter_rows())


# --- tiers ------------------------------------------------------------------------------------------


def test_tier_boundaries_are_exact_at_one_half_and_four_fifths() -> None:
    # Shares of the clients before each: 0, 500010/1000020 = 0.5 exactly, 800016/1000020 = 0.8 exactly.
    # Summed as floats, 5000.10 + 3000.06 is not exactly 0.8 of 10000.20; summed in kopecks it is.
    table = clients(
        ("Альфа", None, "Опт", "0"), ("Бета", None, "Опт", "0"), ("Гамма", None, "Опт", "0")
    )
    rows = sales(sale("Альфа", 5000.10), sale("Бета", 3000.06), sale("Гамма", 2000.04))
    result = classify_clients(table, rows)
    assert by_company(result, C.PROFIT_TIER) == {"Альфа": "top", "Бета": "high", "Гамма": "low"}
    assert by_company(result, C.PROFIT_SHARE) == {"Альфа": 0.5, "Бета": 0.3, "Гамма": 0.2}
    assert by_company(result, C.PROFIT_CUM_SHARE) == {"Альфа": 0.5, "Бета": 0.8, "Гамма": 1.0}


def test_a_client_that_crosses_the_line_keeps_the_tier_it_started_in() -> None:
    # 0.49 before Бета: top, although Бета takes the running share to 0.8.
    table = clients(
        ("Альфа", None, "Опт", ""), ("Бета", None, "Опт", ""), ("Гамма", None, "Опт", "")
    )
    rows = sales(sale("Альфа", 49), sale("Бета", 31), sale("Гамма", 20))
    assert by_company(classify_clients(table, rows), C.PROFIT_TIER) == {
        "Альфа": "top",
        "Бета": "top",
        "Гамма": "low",  # 0.80 before it: not below 0.8
    }


def test_potential_is_tiered_separately_and_the_matrix_gives_the_class() -> None:
    table = clients(
        ("Альфа", None, "Опт", "6 000 000"),  # profit top, potential top → A
        ("Бета", None, "Опт", "100"),  # profit high, potential low → B
        ("Гамма", None, "Опт", "3 000 000"),  # profit low, potential high → C
        ("Дельта", None, "Опт", "0"),  # profit low, potential low → D
        ("Эпсилон", None, "Опт", "1 000 000"),  # profit < 0 → E whatever the tiers
    )
    rows = sales(
        sale("Альфа", 600),
        sale("Бета", 300),
        sale("Гамма", 60),
        sale("Дельта", 40),
        sale("Эпсилон", -10),
    )
    result = classify_clients(table, rows)
    # Profit: 0, 0.6, 0.9, 0.96 of 1000 before each. Potential: 0, 0.6, 0.9, 0.99999 of 10 000 100.
    assert by_company(result, C.PROFIT_TIER) == {
        "Альфа": "top",
        "Бета": "high",
        "Гамма": "low",
        "Дельта": "low",
        "Эпсилон": "low",
    }
    assert by_company(result, C.POTENTIAL_TIER) == {
        "Альфа": "top",
        "Гамма": "high",
        "Эпсилон": "low",
        "Бета": "low",
        "Дельта": "low",  # 0 is always the last tier
    }
    assert by_company(result, C.ABCDE) == {
        "Альфа": "A",
        "Бета": "B",
        "Гамма": "C",
        "Дельта": "D",
        "Эпсилон": "E",
    }


def test_ties_are_broken_by_the_key_whatever_the_row_order() -> None:
    # 40, 30, 30: the second 30 has 0.7 before it (high), the first 0.4 (top); «Альфа» sorts first.
    rows = sales(sale("Вектор", 40), sale("Ясень", 30), sale("Альфа", 30))
    one = clients(
        ("Вектор", None, "Опт", ""), ("Ясень", None, "Опт", ""), ("Альфа", None, "Опт", "")
    )
    other = one.reverse()
    for table in (one, other):
        result = classify_clients(table, rows)
        assert by_company(result, C.PROFIT_TIER) == {
            "Вектор": "top",
            "Альфа": "top",
            "Ясень": "high",
        }
        assert result.clients.get_column(C.COMPANY).to_list() == ["Вектор", "Альфа", "Ясень"]


def test_zero_and_negative_profit() -> None:
    table = clients(
        ("Плюс", None, "Опт", ""),
        ("Ноль", None, "Опт", "1 000"),
        ("Минус", None, "Опт", ""),
    )
    rows = sales(sale("Плюс", 100), sale("Ноль", 0, revenue=500), sale("Минус", -50))
    result = classify_clients(table, rows)
    # The loss does not shrink the positive total: Плюс holds all of it.
    assert by_company(result, C.PROFIT_SHARE) == {"Плюс": 1.0, "Ноль": 0.0, "Минус": -0.5}
    assert by_company(result, C.PROFIT_TIER) == {"Плюс": "top", "Ноль": "low", "Минус": "low"}
    assert by_company(result, C.ABCDE) == {"Плюс": "B", "Ноль": "C", "Минус": "E"}
    assert by_company(result, C.PROFIT) == {"Плюс": 100.0, "Ноль": 0.0, "Минус": -50.0}


def test_a_channel_with_one_client_and_channels_ranked_apart() -> None:
    table = clients(
        ("Один", None, "Маркетплейс", "10"),
        ("Большой", None, "Опт", "10"),
        ("Малый", None, "Опт", "10"),
    )
    rows = sales(sale("Один", 1), sale("Большой", 1_000_000), sale("Малый", 1))
    result = classify_clients(table, rows)
    # Alone in its channel, 1 rouble of profit is the top of it; Малый is low beside Большой.
    assert by_company(result, C.PROFIT_TIER) == {"Один": "top", "Большой": "top", "Малый": "low"}
    assert by_company(result, C.ABCDE) == {"Один": "A", "Большой": "A", "Малый": "C"}
    assert result.clients.get_column(C.CHANNEL).to_list() == ["Маркетплейс", "Опт", "Опт"]


def test_missing_potential_is_zero_and_a_table_without_it_warns() -> None:
    table = clients(("Альфа", None, "Опт", None), ("Бета", None, "Опт", "  "))
    result = classify_clients(table, sales(sale("Альфа", 10)))
    assert by_company(result, C.POTENTIAL) == {"Альфа": 0.0, "Бета": 0.0}
    assert by_company(result, C.POTENTIAL_TIER) == {"Альфа": "low", "Бета": "low"}
    without = classify_clients(table.drop(C.POTENTIAL), sales(sale("Альфа", 10)))
    assert any("no potential column" in str(w) for w in without.warnings)
    assert by_company(without, C.ABCDE) == {"Альфа": "B", "Бета": "D"}


def test_potential_in_russian_formats() -> None:
    table = clients(
        ("А", None, "Опт", "1 200 000,50"),
        ("Б", None, "Опт", "1\u00a0200\u00a0000,50 руб."),
        ("В", None, "Опт", "1\u2009200\u202f000,50 ₽"),
        ("Г", None, "Опт", "р. 1200000.5"),
        ("Д", None, "Опт", "-"),
    )
    result = classify_clients(table, sales())
    assert by_company(result, C.POTENTIAL) == {
        "А": 1200000.5,
        "Б": 1200000.5,
        "В": 1200000.5,
        "Г": 1200000.5,
        "Д": 0.0,
    }
    assert result.clients.schema[C.POTENTIAL] == pl.Float64


def test_a_potential_that_is_not_a_number_names_the_row_and_column() -> None:
    table = clients(("А", None, "Опт", "100"), ("Б", None, "Опт", "около миллиона"))
    with pytest.raises(LeadkitError, match="potential is not a number: 'около миллиона'") as info:
        classify_clients(table, sales(), name="crm.csv")
    assert (info.value.file, info.value.row, info.value.column) == ("crm.csv", 3, "potential")


def test_a_client_with_only_returns_is_class_e_and_lost() -> None:
    table = clients(("Возвратов", None, "Опт", "500 000"), ("Обычный", None, "Опт", ""))
    rows = sales(
        sale("Возвратов", -200, revenue=-1000, date=D(2026, 2, 1)),
        sale("Обычный", 100, revenue=1000, date=D(2026, 2, 1)),
    )
    result = classify_clients(table, rows, period=(D(2026, 1, 1), D(2026, 12, 31)))
    assert by_company(result, C.ABCDE)["Возвратов"] == "E"
    assert by_company(result, C.REVENUE)["Возвратов"] == -1000.0
    assert by_company(result, C.RELATIONSHIP) == {"Возвратов": "lost", "Обычный": "one_off"}


def test_key_accounts_by_share_of_the_company_positive_profit() -> None:
    table = clients(
        ("Моно", None, "Опт", ""),
        ("Ключ1", None, "Опт", ""),
        ("Ключ2", None, "Розница", ""),
        ("Мелкий", None, "Розница", ""),
        ("Убыток", None, "Розница", ""),
    )
    rows = sales(
        sale("Моно", 71),
        sale("Ключ1", 15),
        sale("Ключ2", 11),
        sale("Мелкий", 3),
        sale("Убыток", -40),
    )
    assert by_company(classify_clients(table, rows), C.KEY_ACCOUNT) == {
        "Моно": "mono",
        "Ключ1": "key",
        "Ключ2": "key",
        "Мелкий": None,
        "Убыток": None,
    }
    table = clients(
        ("А", None, "Опт", ""),
        ("Б", None, "Опт", ""),
        ("В", None, "Опт", ""),
        ("Г", None, "Опт", ""),
    )
    rows = sales(sale("А", 50), sale("Б", 25), sale("В", 15), sale("Г", 10))
    # 0.10 exactly is not above 0.10.
    assert by_company(classify_clients(table, rows), C.KEY_ACCOUNT) == {
        "А": "critical",
        "Б": "critical",
        "В": "key",
        "Г": None,
    }


# --- the period and relationship --------------------------------------------------------------------


def test_the_period_bounds_profit_and_relationship_looks_beyond_it() -> None:
    table = clients(
        ("Ушедший", None, "Опт", ""),
        ("Разовый", None, "Опт", ""),
        ("Постоянный", None, "Опт", ""),
        ("Однодневный", None, "Опт", ""),
        ("Холодный", None, "Опт", ""),
        ("Будущий", None, "Опт", ""),
    )
    rows = sales(
        sale("Ушедший", 100, date=D(2025, 5, 1)),
        sale("Разовый", 10, date=D(2026, 3, 1)),
        sale("Постоянный", 20, date=D(2025, 11, 1)),
        sale("Постоянный", 30, date=D(2026, 1, 1)),
        sale("Однодневный", 5, date=D(2026, 12, 31)),
        sale("Однодневный", 7, date=D(2026, 12, 31)),
        sale("Будущий", 1000, date=D(2027, 1, 1)),
    )
    result = classify_clients(table, rows, period=(D(2026, 1, 1), D(2026, 12, 31)))
    assert by_company(result, C.PROFIT) == {
        "Ушедший": 0.0,
        "Разовый": 10.0,
        "Постоянный": 30.0,  # the 2025 sale is outside the period
        "Однодневный": 12.0,  # 31 December is inside
        "Холодный": 0.0,
        "Будущий": 0.0,
    }
    assert by_company(result, C.RELATIONSHIP) == {
        "Ушедший": "lost",
        "Разовый": "one_off",
        "Постоянный": "regular",
        "Однодневный": "one_off",  # two rows, one purchase day
        "Холодный": "cold",
        "Будущий": "cold",  # bought only after the period: not known at its end
    }
    open_ended = classify_clients(table, rows)
    assert by_company(open_ended, C.PROFIT)["Постоянный"] == 50.0
    assert by_company(open_ended, C.RELATIONSHIP)["Будущий"] == "one_off"


def test_undated_sales_count_in_the_period_with_a_warning() -> None:
    table = clients(("Альфа", None, "Опт", ""))
    result = classify_clients(table, sales(sale("Альфа", 10)), period=(D(2026, 1, 1), None))
    assert by_company(result, C.PROFIT) == {"Альфа": 10.0}
    assert any("have no date" in str(w) for w in result.warnings)


# --- joining ----------------------------------------------------------------------------------------


def test_sales_join_by_inn_then_client_id_then_name_and_never_across_inns() -> None:
    table = clients(
        ("ООО «Вектор»", "7726123453", "Опт", "", "CL-1"),
        ("ООО «Вектор»", "5003123458", "Опт", "", "CL-2"),
        ("Татнефтесервис", "0278123453", "Опт", "", ""),
        ("ИП Соколова", "", "Розница", "", "000123"),
        columns=("company", "inn", "channel", "potential", "Код клиента"),
    )
    rows = sales(
        sale("Вектор", 1, inn="7726123453"),  # by INN, though the name is shared
        sale("Вектор Московская обл.", 2, inn="5003123458"),
        sale("ООО Вектор", 4),  # two clients of this name: none
        sale('ООО "Вектор"', 8, inn="7707083893"),  # another INN: neither Вектор
        sale("АО Татнефтесервис", 16, inn="278123453"),  # a spreadsheet dropped the leading zero
        sale(None, 32, client_id="123"),  # the id without its zeros
        sale("Кто-то", 64, client_id="cl-2"),  # id, case folded
        sale(None, 128),
    )
    result = classify_clients(table, rows)
    assert result.clients.select(C.INN, C.PROFIT).sort(C.INN).rows() == [
        ("", 32.0),
        ("0278123453", 16.0),
        ("5003123458", 66.0),
        ("7726123453", 1.0),
    ]
    reasons = dict(result.unmatched.select(C.PROFIT, "reason").iter_rows())
    assert reasons == {
        4.0: "several clients have this name",
        8.0: "several clients have this name",  # and both have other INNs
        128.0: "no client name, INN or id in the row",
    }
    assert result.counts["unmatched_rows"] == 3 and result.counts["matched_rows"] == 5
    assert result.unmatched.columns == [*SALES_COLUMNS, "reason"]


def test_a_name_matches_a_client_without_inn_but_not_one_with_another() -> None:
    table = clients(("ООО Ромашка", "", "Опт", ""), ("ЗАО Стройинвест", "6660000000", "Опт", ""))
    rows = sales(sale("Ромашка", 5, inn="7704123450"), sale("Стройинвест", 7, inn="6661111111"))
    result = classify_clients(table, rows)
    assert by_company(result, C.PROFIT) == {"ООО Ромашка": 5.0, "ЗАО Стройинвест": 0.0}
    assert result.unmatched.item(0, "reason") == "the client with this id or name has another INN"


def test_an_inn_two_clients_share_lets_the_name_decide() -> None:
    """A holding's companies under one INN (or an INN typed into two rows): the sale's name picks
    the client, as it would without the INN."""
    table = clients(
        ("ООО Ромашка", "7707083893", "Опт", ""),
        ("ООО Василёк", "7707083893", "Опт", ""),
    )
    rows = sales(sale("Ромашка", 5, inn="7707083893"), sale("Кто-то", 7, inn="7707083893"))
    result = classify_clients(table, rows)
    assert by_company(result, C.PROFIT) == {"ООО Ромашка": 5.0, "ООО Василёк": 0.0}
    assert result.unmatched.item(0, "reason") == "several clients have this INN"


def test_clients_without_company_key_get_one_from_the_name() -> None:
    table = clients(("Общество с ограниченной ответственностью «Ёлка»", None, "Опт", ""))
    result = classify_clients(table, sales(sale('ООО "Елка"', 9)))
    assert result.clients.item(0, C.PROFIT) == 9.0
    with pytest.raises(LeadkitError, match="no inn, client id, company_key or company column"):
        classify_clients(table.select(C.CHANNEL), sales(), name="x.csv")


# --- output and previous ----------------------------------------------------------------------------


def test_output_keeps_the_client_columns_and_adds_the_contract_columns() -> None:
    table = clients(("Альфа", "7704123450", "Опт", "7")).with_columns(
        pl.lit("x").alias("Примечание")
    )
    result = classify_clients(table, sales(sale("Альфа", 3, revenue=10)))
    assert result.clients.columns == [
        "company",
        "inn",
        "channel",
        "Примечание",
        *C.CLASSIFY_COLUMNS,
    ]
    for money in (C.REVENUE, C.PROFIT, C.POTENTIAL, C.PROFIT_SHARE, C.PROFIT_CUM_SHARE):
        assert result.clients.schema[money] == pl.Float64
    again = classify_clients(
        result.clients.with_columns(pl.col(pl.Float64).cast(pl.String)), sales()
    )
    assert again.clients.columns == result.clients.columns  # classify's own columns are replaced


def test_summary_per_channel_and_class_in_class_order() -> None:
    table = clients(
        ("А1", None, "Опт", "100"),
        ("А2", None, "Опт", "1"),
        ("Б1", None, "Розница", "0"),
        ("Б2", None, "Розница", "0"),
    )
    rows = sales(
        sale("А1", 60, revenue=100),
        sale("А2", 50, revenue=70),
        sale("Б1", -5, revenue=10),
        sale("Б2", 20, revenue=30),
    )
    summary = classify_clients(table, rows).summary
    assert summary.columns == [
        "channel",
        "abcde",
        "clients",
        "revenue",
        "profit",
        "profit_share",
        "potential",
    ]
    assert summary.rows() == [
        ("Опт", "A", 1, 100.0, 60.0, 0.545455, 100.0),
        ("Опт", "B", 1, 70.0, 50.0, 0.454545, 1.0),  # 60/110 before it: high; potential low
        ("Опт", "C", 0, 0.0, 0.0, 0.0, 0.0),
        ("Опт", "D", 0, 0.0, 0.0, 0.0, 0.0),
        ("Опт", "E", 0, 0.0, 0.0, 0.0, 0.0),
        ("Розница", "A", 0, 0.0, 0.0, 0.0, 0.0),
        ("Розница", "B", 1, 30.0, 20.0, 1.333333, 0.0),
        ("Розница", "C", 0, 0.0, 0.0, 0.0, 0.0),
        ("Розница", "D", 0, 0.0, 0.0, 0.0, 0.0),
        ("Розница", "E", 1, 10.0, -5.0, -0.333333, 0.0),
    ]


def test_previous_classification_adds_where_each_client_moved() -> None:
    table = clients(
        ("Растущий", "7704123450", "Опт", "9"),
        ("Прежний", "7726123453", "Опт", ""),
        ("Новый", "5003123458", "Опт", ""),
    )
    rows = sales(sale("Растущий", 90), sale("Прежний", 5))
    earlier = pl.DataFrame(
        {
            "company": ["Растущий", "Прежний", "Ушёл"],
            "inn": ["7704123450", "7726123453", "7707083893"],
            "abcde": ["B", "D", "A"],
        }
    )
    result = classify_clients(table, rows, previous=earlier)
    assert result.clients.select(C.COMPANY, C.ABCDE, C.ABCDE_PREVIOUS, C.MOVED).rows() == [
        ("Растущий", "A", "B", "B→A"),
        ("Прежний", "D", "D", None),
        ("Новый", "D", None, None),
    ]
    assert result.counts["moved"] == 1
    with pytest.raises(LeadkitError, match="no abcde column"):
        classify_clients(table, rows, previous=earlier.drop("abcde"))
