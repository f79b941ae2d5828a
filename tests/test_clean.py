"""``clean_leads``: every clean column of the contract on a small real-looking lead table."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit import columns as C

pytest.importorskip("leadkit.normalize.phones")

from leadkit.normalize import clean_leads


def _leads() -> pl.DataFrame:
    rows: list[dict[str, str | None]] = [
        {
            C.LEAD_ID: "a1",
            C.SOURCE: "2gis.csv",
            C.SOURCE_ROW: "2",
            C.COMPANY: 'ООО "Ромашка"',
            C.PHONE_RAW: "8 (495) 123-45-67; 123-45",
            C.EMAIL: " Info@Romashka.RU, ivan@mail.ru ",
            C.WEBSITE: "http://www.romashka.ru/contacts",
            C.CITY: "г. Москва",
            C.ADDRESS: "г. Москва, ул. Тверская, 1",
            C.INN: "7707083893",
            C.OGRN: "1027700132195",
            "Рубрики": "Цветы",
        },
        {
            C.LEAD_ID: "a2",
            C.SOURCE: "2gis.csv",
            C.SOURCE_ROW: "3",
            C.COMPANY: "ИП Иванов Иван Иванович",
            C.PHONE_RAW: "+7 916 123-45-67",
            C.EMAIL: "ivanov@gmail.com",
            C.WEBSITE: "https://vk.com/ivanov",
            C.CITY: None,
            C.ADDRESS: "420111, г. Казань, ул. Баумана, 1",
            C.INN: "7707083894",
            C.OGRN: "304500116000180",
            "Рубрики": None,
        },
        {
            C.LEAD_ID: "a3",
            C.SOURCE: "base.xlsx",
            C.SOURCE_ROW: "5",
            C.COMPANY: "OOO «Pомашка»",  # Latin O's and P
            C.PHONE_RAW: "нет",
            C.EMAIL: "sales@vektor-m.ru",
            C.WEBSITE: None,
            C.CITY: "САНКТ-ПЕТЕРБУРГ",
            C.ADDRESS: None,
            C.INN: " 7707 083 893 ",
            C.OGRN: None,
            "Рубрики": "Цветы; Подарки",
        },
        {
            C.LEAD_ID: "a4",
            C.SOURCE: "base.xlsx",
            C.SOURCE_ROW: "6",
            C.COMPANY: None,
            C.PHONE_RAW: None,
            C.EMAIL: None,
            C.WEBSITE: None,
            C.CITY: None,
            C.ADDRESS: None,
            C.INN: None,
            C.OGRN: None,
            "Рубрики": None,
        },
    ]
    frame = pl.DataFrame(rows, schema={name: pl.String for name in rows[0]})
    # The import's order with one extra column before the canonical ones, as a source may have.
    return frame.select("Рубрики", *[c for c in frame.columns if c != "Рубрики"])


def test_clean_columns_values() -> None:
    out = clean_leads(_leads()).leads
    assert out.get_column(C.PHONES).to_list() == [
        ["+74951234567"],
        ["+79161234567"],
        [],
        [],
    ]
    assert out.get_column(C.PHONE).to_list() == ["+74951234567", "+79161234567", None, None]
    assert out.get_column(C.PHONE_INVALID).to_list()[0] == "123-45"
    assert out.get_column(C.PHONE_INVALID).to_list()[3] is None
    assert out.get_column(C.COMPANY_NAME).to_list() == [
        "Ромашка",
        "Иванов Иван Иванович",
        "Ромашка",
        None,
    ]
    assert out.get_column(C.LEGAL_FORM).to_list() == ["ООО", "ИП", "ООО", None]
    assert out.get_column(C.COMPANY_KEY).to_list() == [
        "ромашка",
        "иванов иван иванович",
        "ромашка",
        None,
    ]
    assert out.get_column(C.INN_VALID).to_list() == ["true", "false", "true", None]
    assert out.get_column(C.OGRN_VALID).to_list() == ["true", "true", None, None]
    assert out.get_column(C.DOMAIN).to_list() == ["romashka.ru", None, "vektor-m.ru", None]


def test_email_and_city_normalized_in_place() -> None:
    out = clean_leads(_leads()).leads
    assert out.get_column(C.EMAIL).to_list() == [
        "info@romashka.ru; ivan@mail.ru",
        "ivanov@gmail.com",
        "sales@vektor-m.ru",
        None,
    ]
    assert out.get_column(C.CITY).to_list() == ["Москва", "Казань", "Санкт-Петербург", None]


def test_other_columns_unchanged_and_order() -> None:
    leads = _leads()
    out = clean_leads(leads).leads
    assert out.height == leads.height
    kept = [c for c in leads.columns if c not in (C.EMAIL, C.CITY)]
    assert out.select(kept).equals(leads.select(kept))
    canonical = [c for c in C.CANONICAL_ORDER if c in out.columns]
    assert out.columns == [*canonical, "Рубрики"]
    assert out.columns[-10:-1] == list(C.CLEAN_COLUMNS)
    assert out.schema[C.PHONES] == pl.List(pl.String)
    assert all(dtype == pl.String for name, dtype in out.schema.items() if name != C.PHONES)


def test_idempotent() -> None:
    once = clean_leads(_leads()).leads
    twice = clean_leads(once).leads
    assert twice.equals(once)


def test_missing_import_columns_are_read_as_empty() -> None:
    leads = pl.DataFrame(
        {"company": ["ЗАО «Вектор»"], "website": ["Vektor.RU/"], "Примечание": ["звонить утром"]}
    )
    out = clean_leads(leads).leads
    assert out.row(0, named=True) == {
        C.COMPANY: "ЗАО «Вектор»",
        C.WEBSITE: "Vektor.RU/",
        C.PHONES: [],
        C.PHONE: None,
        C.PHONE_INVALID: None,
        C.COMPANY_NAME: "Вектор",
        C.LEGAL_FORM: "ЗАО",
        C.COMPANY_KEY: "вектор",
        C.INN_VALID: None,
        C.OGRN_VALID: None,
        C.DOMAIN: "vektor.ru",
        "Примечание": "звонить утром",
    }


def test_empty_table() -> None:
    empty = _leads().clear()
    out = clean_leads(empty).leads
    assert out.height == 0
    assert set(C.CLEAN_COLUMNS) <= set(out.columns)


_cells = st.one_of(
    st.none(),
    st.text(max_size=15),
    st.sampled_from(
        [
            "ООО «Ромашка»",
            "8 (495) 123-45-67",
            "г. Москва",
            "Info@Romashka.RU, нет",
            "www.romashka.ru",
            "7707083893.0",
            "420111, г. Казань, ул. Баумана, 1",
        ]
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[_cells] * 8), min_size=1, max_size=5))
def test_property_clean_is_idempotent_and_keeps_rows(rows: list[tuple[str | None, ...]]) -> None:
    names = [C.COMPANY, C.PHONE_RAW, C.EMAIL, C.WEBSITE, C.CITY, C.ADDRESS, C.INN, C.OGRN]
    leads = pl.DataFrame(rows, schema={name: pl.String for name in names}, orient="row")
    once = clean_leads(leads).leads
    assert once.height == leads.height
    assert once.select(C.COMPANY, C.PHONE_RAW, C.INN).equals(
        leads.select(C.COMPANY, C.PHONE_RAW, C.INN)
    )
    assert clean_leads(once).leads.equals(once)
