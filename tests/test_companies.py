"""Company names: legal forms, quotes, look-alike letters and the matching key."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit import columns as C
from leadkit.normalize.companies import company_key, normalize_companies, split_legal_form
from leadkit.settings import default_settings

SHORT_FORMS = [
    "ООО", "АО", "ПАО", "НАО", "ЗАО", "ОАО", "ИП", "ГУП", "МУП", "ФГУП", "АНО", "НКО", "КФХ",
    "ТСЖ", "ЧОП", "ОДО", "УП", "ЧУП", "ЧТУП", "ТОО", "ТОВ", "ПП", "ФОП", "ПАТ", "ПрАТ",
    "LLC", "JSC",
]  # fmt: skip
END_ONLY_FORMS = ["Ltd", "Inc", "GmbH", "LLP"]


@pytest.mark.parametrize("form", SHORT_FORMS)
def test_every_short_form_before_the_name(form: str) -> None:
    assert split_legal_form(f"{form} «Ромашка»") == ("Ромашка", form)


@pytest.mark.parametrize("form", SHORT_FORMS + END_ONLY_FORMS)
def test_every_short_form_after_the_name(form: str) -> None:
    assert split_legal_form(f'"Ромашка" {form}') == ("Ромашка", form)
    assert split_legal_form(f"Ромашка, {form}") == ("Ромашка", form)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('Общество с ограниченной ответственностью "Ромашка"', ("Ромашка", "ООО")),
        ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»", ("РОМАШКА", "ООО")),
        ("общество с ограниченной  ответственностью Ромашка", ("Ромашка", "ООО")),
        ("Индивидуальный предприниматель Иванов Иван Иванович", ("Иванов Иван Иванович", "ИП")),
        ("Закрытое акционерное общество „Вектор“", ("Вектор", "ЗАО")),
        ("Публичное акционерное общество «Сбербанк России»", ("Сбербанк России", "ПАО")),
        ("Акционерное общество «Вектор»", ("Вектор", "АО")),
        ("Открытое акционерное общество Вектор", ("Вектор", "ОАО")),
        ("Товарищество с ограниченной ответственностью «Алма»", ("Алма", "ТОО")),
        ("Федеральное государственное унитарное предприятие «Почта»", ("Почта", "ФГУП")),
        ("Limited Liability Company Romashka", ("Romashka", "LLC")),
        ("Romashka Limited", ("Romashka", "Ltd")),
        ("Ромашка общество с ограниченной ответственностью", ("Ромашка", "ООО")),
        ("Товариство з обмеженою відповідальністю «Ромашка»", ("Ромашка", "ТОВ")),
    ],
)
def test_long_forms(name: str, expected: tuple[str, str]) -> None:
    assert split_legal_form(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        'ООО "Ромашка"',
        "ООО «Ромашка»",
        "ООО „Ромашка“",
        "ООО “Ромашка”",
        "ООО 'Ромашка'",
        'ООО ""Ромашка""',
        'ООО"Ромашка"',
        "  ООО   «Ромашка» ",
        "ооо ромашка",
        "Ромашка (ООО)",
        "Ромашка ООО",
    ],
)
def test_quotes_of_every_kind(name: str) -> None:
    company_name, form = split_legal_form(name)
    assert company_name.lower() == "ромашка"
    assert form == "ООО"
    assert company_key(name) == "ромашка"


def test_inner_quotes_are_removed_too() -> None:
    assert split_legal_form('ООО "Торговый дом "Вектор"') == ("Торговый дом Вектор", "ООО")
    assert split_legal_form("ООО «Торговый дом «Вектор»»") == ("Торговый дом Вектор", "ООО")


def test_apostrophe_inside_a_name_stays() -> None:
    assert split_legal_form("McDonald's LLC") == ("McDonald's", "LLC")


def test_latin_lookalikes_in_the_form_count() -> None:
    assert split_legal_form('OOO "Ромашка"') == ("Ромашка", "ООО")  # Latin O's
    assert split_legal_form("TOO «Алма»") == ("Алма", "ТОО")  # Latin T and O's
    assert split_legal_form("AO Вектор") == ("Вектор", "АО")


def test_latin_lookalike_inside_a_cyrillic_word_is_folded() -> None:
    assert split_legal_form('OOO "Pомашка"') == ("Ромашка", "ООО")  # Latin P
    assert company_key('OOO "Pомашка"') == company_key("Ромашка")
    assert company_key("Hовый Bек") == "новый век"


def test_latin_word_stays_latin() -> None:
    assert company_key("Cafe Coca") == "cafe coca"
    assert company_key("Cafe") != company_key("Сафе")


def test_ip_with_a_persons_name() -> None:
    assert split_legal_form("ИП Иванов Иван Иванович") == ("Иванов Иван Иванович", "ИП")
    assert split_legal_form("ИП Петров П.П.") == ("Петров П.П.", "ИП")
    assert company_key("ИП Иванов Иван Иванович") == "иванов иван иванович"


@pytest.mark.parametrize(
    "name", ["Ипподром", "Ипотечный центр", "Аокси", "Зао-Сервис", "Оооптторг", "ПАОЛА"]
)
def test_form_letters_inside_a_word_are_not_a_form(name: str) -> None:
    assert split_legal_form(name) == (name, None)


def test_limited_starting_a_name_is_not_a_form() -> None:
    assert split_legal_form("Limited Edition") == ("Limited Edition", None)


def test_stacked_forms_report_the_outermost() -> None:
    assert split_legal_form("ООО ЧОП «Щит»") == ("Щит", "ООО")


def test_no_form() -> None:
    assert split_legal_form("Ромашка") == ("Ромашка", None)
    assert split_legal_form("Рога и копыта") == ("Рога и копыта", None)


def test_only_a_form_leaves_no_name() -> None:
    assert split_legal_form("ООО") == ("", "ООО")
    assert split_legal_form('ООО ""') == ("", "ООО")
    assert company_key("ООО") is None
    assert company_key("ООО «»") is None


@pytest.mark.parametrize(
    "variant",
    [
        "ООО «Ромашка»",
        "Ромашка",
        "РОМАШКА",
        "ромашка, ооо",
        "  Ромашка  ",
        "Ромашка.",
        "ЗАО Ромашка",
        "OOO Pомашка",
        "ИП «Ромашка»",
    ],
)
def test_key_equal_for_variants(variant: str) -> None:
    assert company_key(variant) == "ромашка"


def test_key_folds_yo_keeps_short_i() -> None:
    assert company_key("Ёлочка") == company_key("Елочка") == "елочка"
    assert company_key("Чайный дом") == "чайный дом"  # й is not и
    assert company_key("Чайный дом") != company_key("Чаиный дом")


def test_key_punctuation_and_spacing() -> None:
    assert company_key("Рога  и   Копыта!") == company_key("рога и копыта") == "рога и копыта"
    assert company_key("Вектор-М") == "вектор м"


def test_key_keeps_genuinely_different_names_apart() -> None:
    assert company_key("Вектор") != company_key("Вектор-М")
    assert company_key("Вектор") != company_key("Вектор 2")
    assert company_key("Ромашка") != company_key("Ромашки")


def test_key_of_nothing_is_none() -> None:
    assert company_key(None) is None
    assert company_key("") is None
    assert company_key("   ") is None
    assert company_key("«»") is None


def test_normalize_companies_one_row_per_input_nulls_kept() -> None:
    names = pl.Series(
        "company",
        ['ООО "Ромашка"', None, "Ромашка ООО", "ИП Иванов И.И.", "", "ООО", "Вектор-М"],
    )
    out = normalize_companies(names)
    assert out.columns == [C.COMPANY_NAME, C.LEGAL_FORM, C.COMPANY_KEY]
    assert out.schema == pl.Schema({c: pl.String for c in out.columns})
    assert out.rows() == [
        ("Ромашка", "ООО", "ромашка"),
        (None, None, None),
        ("Ромашка", "ООО", "ромашка"),
        ("Иванов И.И.", "ИП", "иванов и и"),
        (None, None, None),
        (None, "ООО", None),
        ("Вектор-М", None, "вектор м"),
    ]


def test_normalize_companies_empty_series() -> None:
    out = normalize_companies(pl.Series("company", [], dtype=pl.String))
    assert out.height == 0
    assert out.columns == [C.COMPANY_NAME, C.LEGAL_FORM, C.COMPANY_KEY]


def test_legal_forms_file_has_every_abbreviation() -> None:
    abbrs = {form.abbr for form in default_settings().companies.legal_forms}
    assert set(SHORT_FORMS + END_ONLY_FORMS) <= abbrs


# Names built from pieces that real exports contain, so hypothesis finds the interesting mixes.
_pieces = st.sampled_from(
    [
        "ООО", "ООО ", "OOO", "ИП ", "Ип", "ЗАО", "Ltd", "LLC", "«", "»", '"', "'", "„", "“",
        "Ромашка", "Pомашка", "Вектор", "-М", "Ё", "й", ", ", " ", ".", "(", ")", "-", "ТОО",
        "Общество с ограниченной ответственностью ", "Ипподром", "3", "Cafe", "\u00a0",
    ]
)  # fmt: skip
_names = st.one_of(st.text(max_size=40), st.lists(_pieces, max_size=8).map("".join))


@settings(max_examples=400)
@given(_names)
def test_property_never_crashes_and_key_is_idempotent(name: str) -> None:
    key = company_key(name)
    assert key is None or (key and key == key.strip())
    assert company_key(key) == key


@settings(max_examples=400)
@given(_names)
def test_property_split_is_stable(name: str) -> None:
    company_name, _ = split_legal_form(name)
    again_name, again_form = split_legal_form(company_name)
    assert again_name == company_name
    assert again_form is None


@settings(max_examples=200)
@given(_names)
def test_property_split_never_invents_letters(name: str) -> None:
    company_name, _ = split_legal_form(name)
    lookalike_folds = set("АВСЕНКМОРТХУасекорху ")  # and any whitespace read as a space
    assert all(ch in name or ch in lookalike_folds for ch in company_name)


def test_names_spread_over_worker_processes_give_the_same_result() -> None:
    names = pl.Series(
        ["ООО «Ромашка»", 'OOO "Pомашка"', "ИП Иванов Иван Иванович", None, "Вектор-М, ЗАО"] * 40
        + [f"Торговый дом «Север-{i}»" for i in range(200)]
    )
    parallel = normalize_companies(names, workers=2, min_parallel=1)
    serial = normalize_companies(names)
    assert parallel.equals(serial)
    assert parallel.row(1) == ("Ромашка", "ООО", "ромашка")
