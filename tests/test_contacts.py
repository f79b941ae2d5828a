"""INN/OGRN check digits, e-mails, website domains and cities."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from leadkit.normalize.contacts import (
    city_from_address,
    clean_city,
    inn_valid,
    lead_domain,
    normalize_emails,
    ogrn_valid,
    website_domain,
)
from leadkit.settings import default_settings


def _inn10(first9: str) -> str:
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return first9 + str(sum(w * int(d) for w, d in zip(weights, first9, strict=True)) % 11 % 10)


def _inn12(first10: str) -> str:
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    eleven = first10 + str(sum(w * int(d) for w, d in zip(w11, first10, strict=True)) % 11 % 10)
    return eleven + str(sum(w * int(d) for w, d in zip(w12, eleven, strict=True)) % 11 % 10)


def _ogrn(first12: str) -> str:
    return first12 + str(int(first12) % 11 % 10)


def _ogrnip(first14: str) -> str:
    return first14 + str(int(first14) % 13 % 10)


def _flip_last(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _values(series: pl.Series) -> list[str | None]:
    return series.to_list()


# ---------------------------------------------------------------- INN


def test_inn_well_known_and_generated() -> None:
    inns = ["7707083893", _inn10("027812345"), _inn10("500100732"), _inn12("5001007322")]
    assert inns[1].startswith("0")  # leading zero kept as text
    assert _values(inn_valid(pl.Series(inns))) == ["true"] * 4
    assert _values(inn_valid(pl.Series([_flip_last(i) for i in inns]))) == ["false"] * 4


def test_inn_spaces_and_spreadsheet_float_are_read() -> None:
    inns = [" 7707 083 893 ", "7707083893.0", "7707\u00a0083893", "7.707083893E+09"]
    assert _values(inn_valid(pl.Series(inns))) == ["true", "true", "true", "false"]


def test_inn_wrong_length_or_letters_is_false_empty_is_null() -> None:
    inns = ["770708389", "77070838930", "ИНН 7707083893", "", "   ", None]
    assert _values(inn_valid(pl.Series(inns))) == ["false", "false", "false", None, None, None]


def test_inn_twelve_digit_needs_both_check_digits() -> None:
    good = _inn12("7736050000")
    broken_eleventh = good[:10] + str((int(good[10]) + 1) % 10) + good[11]
    assert _values(inn_valid(pl.Series([good, broken_eleventh]))) == ["true", "false"]


# ---------------------------------------------------------------- OGRN


def test_ogrn_thirteen_digits() -> None:
    ogrns = ["1027700132195", _ogrn("102500000000"), _ogrn("116774600001")]
    assert _values(ogrn_valid(pl.Series(ogrns))) == ["true"] * 3
    assert _values(ogrn_valid(pl.Series([_flip_last(o) for o in ogrns]))) == ["false"] * 3


def test_ogrnip_where_stdnum_is_wrong() -> None:
    # (first 14 digits) mod 13 is 10, 11 or 12 here: the check digit is that % 10.
    assert not stdnum_ogrn.is_valid("304500116000180")
    remainders_ten_up = []
    start = 30450011600000
    for first14 in range(start, start + 60):
        if int(first14) % 13 >= 10:
            remainders_ten_up.append(_ogrnip(str(first14)))
    assert len(remainders_ten_up) >= 10
    series = pl.Series(["304500116000180", *remainders_ten_up])
    assert set(_values(ogrn_valid(series))) == {"true"}


def test_ogrnip_ordinary_and_broken() -> None:
    ordinary = [_ogrnip("31877460000123"), _ogrnip("30450011600001")]
    assert _values(ogrn_valid(pl.Series(ordinary))) == ["true", "true"]
    assert _values(ogrn_valid(pl.Series([_flip_last(o) for o in ordinary]))) == ["false"] * 2


def test_ogrn_junk() -> None:
    values = ["12345", "1027700132195.0", "1 027 700 132 195", "ОГРН", "", None]
    assert _values(ogrn_valid(pl.Series(values))) == ["false", "true", "true", "false", None, None]


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=20))
def test_property_identifiers_never_crash(values: list[str | None]) -> None:
    for result in (inn_valid(pl.Series(values, dtype=pl.String)), ogrn_valid(pl.Series(values))):
        assert result.len() == len(values)
        assert set(result.drop_nulls().to_list()) <= {"true", "false"}


_digit_strings = st.one_of(
    st.text(alphabet="0123456789", min_size=9, max_size=16),
    st.builds(_inn10, st.text(alphabet="0123456789", min_size=9, max_size=9)),
    st.builds(_inn12, st.text(alphabet="0123456789", min_size=10, max_size=10)),
    st.builds(_ogrn, st.text(alphabet="0123456789", min_size=12, max_size=12)),
    st.builds(_ogrnip, st.text(alphabet="0123456789", min_size=14, max_size=14)),
)


@settings(max_examples=300)
@given(st.lists(_digit_strings, min_size=1, max_size=30))
def test_property_checks_agree_with_stdnum(numbers: list[str]) -> None:
    inn_results = _values(inn_valid(pl.Series(numbers)))
    assert inn_results == [str(stdnum_inn.is_valid(n)).lower() for n in numbers]
    ogrn_results = _values(ogrn_valid(pl.Series(numbers)))
    for number, result in zip(numbers, ogrn_results, strict=True):
        if len(number) == 15:  # stdnum's OGRNIP check is the wrong one: compare with the rule
            rule = number[0] in "34" and int(number[:14]) % 13 % 10 == int(number[14])
            assert result == str(rule).lower()
        else:
            assert result == str(stdnum_ogrn.is_valid(number)).lower()


# ---------------------------------------------------------------- e-mail


def test_emails_lowercased_split_and_junk_dropped() -> None:
    cells = [
        "  Info@Romashka.RU , sales@romashka.ru; нет",
        "IVAN@MAIL.RU",
        "mailto:director@vektor.ru",
        "Иван <ivan@mail.ru>",
        "нет почты",
        "ivan@mail",
        "a@b.ru a@b.ru",
        "",
        None,
    ]
    assert _values(normalize_emails(pl.Series("email", cells))) == [
        "info@romashka.ru; sales@romashka.ru",
        "ivan@mail.ru",
        "director@vektor.ru",
        "ivan@mail.ru",
        None,
        None,
        "a@b.ru",
        None,
        None,
    ]


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=10))
def test_property_emails_idempotent_and_never_invented(cells: list[str | None]) -> None:
    once = normalize_emails(pl.Series(cells, dtype=pl.String))
    assert _values(normalize_emails(once)) == _values(once)
    for cell, result in zip(cells, once.to_list(), strict=True):
        if result is not None:
            assert cell is not None
            assert all(address in cell.lower() for address in result.split("; "))


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("http://www.romashka.ru/contacts", "romashka.ru"),
        ("WWW.Romashka.RU", "romashka.ru"),
        ("romashka.ru/", "romashka.ru"),
        ("https://romashka.ru:8080/?utm=1", "romashka.ru"),
        ("https://shop.romashka.ru", "shop.romashka.ru"),
        ("https://vk.com/romashka", None),
        ("instagram.com/romashka", None),
        ("https://2gis.ru/moscow/firm/123", None),
        ("https://yandex.ru/maps/org/romashka/123", None),
        ("t.me/romashka", None),
        ("https://wa.me/79161234567", None),
        ("https://ok.ru/group/1", None),
        ("https://www.facebook.com/romashka", None),
        ("ромашка.рф", "ромашка.рф"),
        ("http://РОМАШКА.РФ/", "ромашка.рф"),
        ("https://xn--80aa0aebnilejl.xn--p1ai/", "настройкапк.рф"),
        ("vk.com/romashka, romashka.ru", "romashka.ru"),
        ("info@romashka.ru", None),
        ("нет сайта", None),
        ("http://192.168.0.1/", None),
        ("", None),
        (None, None),
    ],
)
def test_website_domain(website: str | None, domain: str | None) -> None:
    assert _values(website_domain(pl.Series([website], dtype=pl.String))) == [domain]


def test_lead_domain_falls_back_to_a_company_email() -> None:
    websites = pl.Series([None, "vk.com/romashka", "romashka.ru", None, None], dtype=pl.String)
    emails = pl.Series(
        [
            "ivan@mail.ru, boss@vektor.ru",
            "info@romashka.ru",
            "info@other.ru",
            "ivan@gmail.com; petr@yandex.ru",
            None,
        ]
    )
    assert _values(lead_domain(websites, emails)) == [
        "vektor.ru",
        "romashka.ru",
        "romashka.ru",
        None,
        None,
    ]


def test_public_email_domains_list_has_the_usual_services() -> None:
    expected = {"mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "ya.ru", "gmail.com"}
    assert (
        expected | {"rambler.ru", "outlook.com", "icloud.com"}
        <= default_settings().contacts.public_email_domains
    )


# ---------------------------------------------------------------- cities


@pytest.mark.parametrize(
    ("city", "cleaned"),
    [
        ("г. Москва", "Москва"),
        ("г Москва", "Москва"),
        ("г.Москва", "Москва"),
        ("МОСКВА", "Москва"),
        (" москва ", "Москва"),
        ("Москва г.", "Москва"),
        ("город Москва", "Москва"),
        ("Санкт-Петербург", "Санкт-Петербург"),
        ("САНКТ-ПЕТЕРБУРГ", "Санкт-Петербург"),
        ("г. ростов-на-дону", "Ростов-на-Дону"),
        ("НИЖНИЙ НОВГОРОД", "Нижний Новгород"),
        ("пос. Лесной", "Лесной"),
        ("пгт Яблоновский", "Яблоновский"),
        ("с. Ивановка", "Ивановка"),
        ("д. Петровка", "Петровка"),
        ("Старый Оскол", "Старый Оскол"),
        ("Сочи", "Сочи"),
        ("Московская обл., г. Химки", "Химки"),
        ("Московская область", "Московская область"),
        ("г.", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_city(city: str | None, cleaned: str | None) -> None:
    result = clean_city(
        pl.Series("city", [city], dtype=pl.String), pl.Series([None], dtype=pl.String)
    )
    assert _values(result) == [cleaned]


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("г. Казань, ул. Баумана, 1", "Казань"),
        ("Россия, Москва, ул. Тверская, 1", "Москва"),
        ("420111, г. Казань, ул. Баумана, д. 1", "Казань"),
        ("420111, Казань г, Баумана ул, д 1", "Казань"),
        ("Республика Татарстан, г. Набережные Челны, пр-т Мира, 3", "Набережные Челны"),
        ("Самара, ул. Ленина, 5", "Самара"),
        ("г. Казань ул. Баумана 1", "Казань"),
        ("Москва", "Москва"),
        ("ул. Ленина, 5", None),
        ("Тверская, 1", None),
        # Google writes the street type after the name, then house parts: the street is no city
        ("Советская ул., 131, стр. 1, Самара, 443000", None),
        ("Московское ш., 180, корп. 3, Москва", None),
        ("Московская обл., Одинцовский р-н, д. Жуковка, 5", None),
        ("ТЦ Мега, 2 этаж", None),
        (None, None),
    ],
)
def test_city_from_address(address: str | None, city: str | None) -> None:
    assert _values(city_from_address(pl.Series([address], dtype=pl.String))) == [city]


def test_clean_city_takes_the_address_only_when_city_is_empty() -> None:
    cities = pl.Series("city", ["г. Самара", None, "", None], dtype=pl.String)
    addresses = pl.Series(
        [
            "г. Казань, ул. Баумана, 1",
            "г. Казань, ул. Баумана, 1",
            "Россия, Москва, ул. Тверская, 1",
            "ул. Ленина, 5",
        ]
    )
    assert _values(clean_city(cities, addresses)) == ["Самара", "Казань", "Москва", None]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), min_size=1, max_size=8))
def test_property_clean_city_idempotent(cities: list[str | None]) -> None:
    no_address = pl.Series([None] * len(cities), dtype=pl.String)
    once = clean_city(pl.Series(cities, dtype=pl.String), no_address)
    assert _values(clean_city(once, no_address)) == _values(once)


def test_city_aliases_are_written_out() -> None:
    cities = pl.Series(["Мск", "СПб", "г. Питер", "Екб", "Н. Новгород", "Ростов"])
    nothing = pl.Series([None] * 6, dtype=pl.String)
    assert clean_city(cities, nothing).to_list() == [
        "Москва",
        "Санкт-Петербург",
        "Санкт-Петербург",
        "Екатеринбург",
        "Нижний Новгород",
        "Ростов",  # on-Don or the Great: left as written
    ]


def test_city_after_the_street_is_found_when_the_table_knows_it() -> None:
    # Map exports put the city after the street; the table's own city cells say what is a city.
    cities = pl.Series(["Казань", None, None, None, None], dtype=pl.String)
    addresses = pl.Series(
        [
            None,
            "ул. Баумана, 10, Казань, 420111",
            "Тверская ул., 12, Москва, 125009",  # a bare city leadkit knows anyway
            "ул. Казанская, 3, Самара",  # Самара is named nowhere else: left empty, no guess
            "Казань",
        ]
    )
    assert clean_city(cities, addresses).to_list() == ["Казань", "Казань", "Москва", None, "Казань"]
    # Google's "Советская ул., 131, стр. 1, Казань": the city after the street and house parts
    google = pl.Series(["Советская ул., 131, стр. 1, Казань, 420111"])
    assert (
        clean_city(
            pl.Series(["Казань"]).append(pl.Series([None], dtype=pl.String)),
            pl.Series([None], dtype=pl.String).append(google),
        ).to_list()
        == ["Казань"] * 2
    )
