"""Phone normalization: forms, extensions, Kazakh numbers, invalid fragments, noise, order, fast path."""

from __future__ import annotations

import random
import re
import unicodedata

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit import columns as C
from leadkit.errors import LeadkitError
from leadkit.normalize import phones as phones_module
from leadkit.normalize.phones import normalize_phone, normalize_phones
from leadkit.settings import default_settings
from leadkit.testing.phones import make_phone_cells


def norm(cells: list[str | None], region: str = "RU") -> list[dict[str, object]]:
    return normalize_phones(pl.Series(C.PHONE_RAW, cells, dtype=pl.String), region).to_dicts()


def one(cell: str | None, region: str = "RU") -> dict[str, object]:
    return norm([cell], region)[0]


def reference(cells: list[str | None], region: str) -> list[tuple[list[str], str | None]]:
    """Plain per-row path: phonenumbers on every fragment of every row, no fast path, no unique."""
    out = []
    for cell in cells:
        numbers, invalid = phones_module._normalize_cell(cell, region, default_settings().phones)
        out.append((numbers, "; ".join(invalid) or None))
    return out


# --- forms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "8 (495) 123-45-67",
        "+7 (495) 123-45-67",
        "+7 495 123 45 67",
        "+74951234567",
        "74951234567",
        "4951234567",
        "84951234567",
        "8-495-123-45-67",
        "8.495.123.45.67",
        "(+7) 495 1234567",
        "495/123-45-67",
        "84951234567 (секретарь)",
        "8 (495) 123-45-67 (отдел продаж)",
        "Тел.: 8 (495) 123-45-67",
        " 8 (495) 123-45-67\u00a0",
    ],
)
def test_every_common_form_of_one_moscow_number(cell: str) -> None:
    assert one(cell) == {
        C.PHONES: ["+74951234567"],
        C.PHONE: "+74951234567",
        C.PHONE_INVALID: None,
    }


def test_several_numbers_in_a_cell_keep_their_order() -> None:
    row = one("8 (495) 123-45-67, +7 916 123-45-67; 8-800-555-35-35 доб. 12")
    assert row[C.PHONES] == ["+74951234567", "+79161234567", "+78005553535;ext=12"]
    assert row[C.PHONE] == "+74951234567"
    assert row[C.PHONE_INVALID] is None


@pytest.mark.parametrize(
    "cell",
    [
        "8 (495) 123-45-67 / 8 (916) 123-45-67",
        "8 (495) 123-45-67\n8 (916) 123-45-67",
        "8 (495) 123-45-67\r\n8 (916) 123-45-67",
        "8 495 123 45 67 8 916 123 45 67",
        "8 (495) 123-45-67 8 (916) 123-45-67",
        "84951234567 89161234567",
        "+7 495 123 45 67 +7 916 123 45 67",
        "тел. 8 495 123 45 67 или моб. 8 916 123 45 67",
        "8 (495) 123-45-67,,; 8 (916) 123-45-67;",
    ],
)
def test_separators_and_space_separated_numbers(cell: str) -> None:
    assert one(cell)[C.PHONES] == ["+74951234567", "+79161234567"]


def test_kazakh_numbers_are_valid_under_region_ru() -> None:
    rows = norm(["8 (701) 123-45-67", "+7 701 123 45 67", "8 (7172) 57-12-34", "+7 747 765 43 21"])
    assert [r[C.PHONES] for r in rows] == [
        ["+77011234567"],
        ["+77011234567"],
        ["+77172571234"],
        ["+77477654321"],
    ]
    assert all(r[C.PHONE_INVALID] is None for r in rows)


def test_region_kz_reads_the_same_national_forms() -> None:
    rows = norm(["8 (701) 123-45-67", "8 (495) 123-45-67", "7011234567"], region="KZ")
    assert [r[C.PHONE] for r in rows] == ["+77011234567", "+74951234567", "+77011234567"]


def test_us_region_reads_area_code_slash_notation() -> None:
    assert one("310/246-1501", region="US")[C.PHONES] == ["+13102461501"]
    assert one("(310) 246-1501", region="us")[C.PHONE] == "+13102461501"


def test_unknown_region_is_a_leadkit_error() -> None:
    with pytest.raises(LeadkitError, match="region"):
        normalize_phones(pl.Series(["84951234567"]), region="Russia")


# --- extensions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "8 (495) 123-45-67 доб. 123",
        "8 (495) 123-45-67 доб 123",
        "8 (495) 123-45-67 (доб. 123)",
        "8 (495) 123-45-67 Доб.123",
        "8 (495) 123-45-67 добавочный 123",
        "8 (495) 123-45-67 вн. 123",
        "8 (495) 123-45-67 ext. 123",
        "8 (495) 123-45-67 ext 123",
        "8 (495) 123-45-67 x123",
        "8 (495) 123-45-67 #123",
        "+74951234567;ext=123",
    ],
)
def test_extension_markers(written: str) -> None:
    assert one(written)[C.PHONES] == ["+74951234567;ext=123"]


def test_extension_goes_to_the_number_before_it() -> None:
    row = one("8 495 123 45 67 доб. 12 8 916 123 45 67")
    assert row[C.PHONES] == ["+74951234567;ext=12", "+79161234567"]


def test_fax_is_not_an_extension_marker() -> None:
    assert one("fax 84951234567")[C.PHONES] == ["+74951234567"]


def test_output_with_extensions_normalizes_to_itself() -> None:
    row = one("8 (495) 123-45-67 доб. 5, 8 916 123 45 67")
    again = one("; ".join(row[C.PHONES]))  # type: ignore[arg-type]
    assert again[C.PHONES] == row[C.PHONES] == ["+74951234567;ext=5", "+79161234567"]


# --- invalid fragments and noise ---------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["123-45-67", "+7 (000) 000-00-00", "8 (495) 12", "8 (495) 123-45", "81012345"]
)
def test_invalid_fragment_is_reported_as_written(cell: str) -> None:
    assert one(cell) == {C.PHONES: [], C.PHONE: None, C.PHONE_INVALID: cell}


def test_invalid_fragments_sit_next_to_valid_numbers() -> None:
    row = one(" 123-45-67 , 8 (495) 123-45-67; +7 (000) 000-00-00 ")
    assert row[C.PHONES] == ["+74951234567"]
    assert row[C.PHONE_INVALID] == "123-45-67; +7 (000) 000-00-00"


def test_leftover_digits_next_to_a_number_are_not_lost() -> None:
    row = one("тел 8 495 123 45 67 офис 12345678")
    assert row[C.PHONES] == ["+74951234567"]
    assert row[C.PHONE_INVALID] == "12345678"


@pytest.mark.parametrize(
    "cell", ["нет", "-", "—", "уточнить", "не указан", "n/a", "N/A", "", "  ", ";", "пн-пт 9-18"]
)
def test_noise_is_neither_a_number_nor_invalid(cell: str) -> None:
    assert one(cell) == {C.PHONES: [], C.PHONE: None, C.PHONE_INVALID: None}


def test_noise_next_to_a_number_is_dropped() -> None:
    row = one("нет, 8 (495) 123-45-67, уточнить, —")
    assert row == {C.PHONES: ["+74951234567"], C.PHONE: "+74951234567", C.PHONE_INVALID: None}


def test_letters_never_become_digits() -> None:
    # phonenumbers alone would read 8-800-FLOWERS as +78003569377.
    row = one("8-800-FLOWERS")
    assert row[C.PHONES] == []
    assert "+78003569377" not in str(row)


# --- order, duplicates, nulls, shape -----------------------------------------------------------


def test_duplicates_within_a_record_are_dropped_first_wins() -> None:
    row = one("8 (916) 123-45-67, +7 495 123 45 67, 89161234567, 123-45-67, 123-45-67")
    assert row[C.PHONES] == ["+79161234567", "+74951234567"]
    assert row[C.PHONE] == "+79161234567"
    assert row[C.PHONE_INVALID] == "123-45-67"


def test_same_number_in_different_records_is_kept_in_each() -> None:
    rows = norm(["84951234567", "8 (495) 123-45-67", "84951234567"])
    assert [r[C.PHONE] for r in rows] == ["+74951234567"] * 3


def test_null_input_gives_empty_list_and_nulls() -> None:
    rows = norm([None, "84951234567", None])
    assert rows[0] == {C.PHONES: [], C.PHONE: None, C.PHONE_INVALID: None}
    assert rows[1][C.PHONE] == "+74951234567"
    assert rows[2] == rows[0]


def test_output_shape_and_types_follow_the_input() -> None:
    cells = ["8 (495) 123-45-67", None, "нет", "123-45-67", "84951234567", "8 916 123 45 67"] * 5
    out = normalize_phones(pl.Series(C.PHONE_RAW, cells), "RU")
    assert out.columns == [C.PHONES, C.PHONE, C.PHONE_INVALID]
    assert out.schema == {
        C.PHONES: pl.List(pl.String),
        C.PHONE: pl.String,
        C.PHONE_INVALID: pl.String,
    }
    assert out.height == len(cells)
    assert out[C.PHONE].to_list()[:6] == [
        "+74951234567",
        None,
        None,
        None,
        "+74951234567",
        "+79161234567",
    ]


def test_empty_and_all_null_series() -> None:
    assert normalize_phones(pl.Series([], dtype=pl.String)).height == 0
    out = normalize_phones(pl.Series([None, None], dtype=pl.String))
    assert out[C.PHONES].to_list() == [[], []]
    assert out.schema[C.PHONES] == pl.List(pl.String)


def test_numbers_read_from_a_spreadsheet_as_integers() -> None:
    out = normalize_phones(pl.Series([84951234567, None, 4951234567]))
    assert out[C.PHONES].to_list() == [["+74951234567"], [], ["+74951234567"]]


def test_slash_joined_numbers_with_a_broken_one() -> None:
    row = one("8 495 123 45 67 / 8 (916) 123-45-67 / 123-45-67 / 8-800-555-35-35")
    assert row[C.PHONES] == ["+74951234567", "+79161234567", "+78005553535"]
    assert row[C.PHONE_INVALID] == "123-45-67"


def test_common_shapes_take_the_fast_path() -> None:
    """Guards speed: these shapes must not reach phonenumbers one by one."""
    shapes = [
        "84951234567",
        "8 (495) 123-45-67",
        "+7 916 123-45-67",
        "4951234567",
        "8 (701) 123-45-67",
        "84951234567 (секретарь)",
        "8 (495) 123-45-67 доб. 12",
        "85551234567",  # invalid, and a single run of digits: no shorter number can hide in it
        # the shapes real exports write most: decided by digits and separators, not a list of shapes
        "495 123 45 67",
        "(495)123-45-67",
        "+7 495 123-4567",
        "8 495 1234567",
        "8-495-123-45-67",
        "+7(495)1234567",
        "(800) 555-35-35",  # bare 10 digits starting with 8: a toll-free line
        "(727) 250-00-00",  # bare 10 digits starting with 7: Almaty
        "(7172) 12-34-56",
        "495 123 45 67 доб. 123",
        "(495)123-45-67 (доб. 123)",
        "8 495 1234567 доб 123",
        "+7 495 123-4567 ext. 123",
        "8 495 123 45 67 вн. 12",
        "84951234567 факс",
        "тел.: 8 (495) 123-45-67",
        "123-45-67",  # 7 digits: too short to be a +7 number, reported as invalid
        "8 (495) 12",
    ]
    decided = phones_module._fast_path(
        pl.DataFrame({"fragment": shapes}), "RU", default_settings().phones
    )
    assert sorted(decided["fragment"].to_list()) == sorted(shapes)
    by_fragment = {row["fragment"]: (row["found"], row["invalid"]) for row in decided.to_dicts()}
    # the fast path reads each exactly as phonenumbers does, one piece at a time
    for shape in shapes:
        reference = phones_module._parse_fragment(shape, "RU", default_settings().phones)
        assert by_fragment[shape] == reference, shape
    assert by_fragment["(800) 555-35-35"] == (["+78005553535"], [])
    assert by_fragment["84951234567 факс"] == (["+74951234567"], [])
    assert by_fragment["123-45-67"] == ([], ["123-45-67"])
    assert by_fragment["8 (495) 123-45-67 доб. 12"] == (["+74951234567;ext=12"], [])
    assert by_fragment["8 (701) 123-45-67"] == (["+77011234567"], [])
    assert by_fragment["85551234567"] == ([], ["85551234567"])


# --- normalize_phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("84951234567", "+74951234567"),
        ("74951234567", "+74951234567"),
        ("+7 (495) 123-45-67", "+74951234567"),
        ("4951234567", "+74951234567"),
        ("87011234567", "+77011234567"),
        ("123-45-67", None),
        ("нет", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_phone(text: str | None, expected: str | None) -> None:
    assert normalize_phone(text) == expected


def test_normalize_phone_us() -> None:
    assert normalize_phone("310/246-1501", region="US") == "+13102461501"


# --- the fast path gives exactly what the per-fragment path gives ------------------------------


def _fast_shaped(rng: random.Random, count: int) -> list[str]:
    """Random 10/11-digit strings in the shapes the fast path takes, valid or not, every prefix."""
    out = []
    for _ in range(count):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([10, 11, 11])))
        if len(digits) == 11 and rng.random() < 0.6:
            digits = rng.choice("78") + digits[1:]
        text = ""
        for ch in digits:
            text += ch
            if rng.random() < 0.2:
                text += rng.choice([" ", "-", ".", "(", ")", " (", ") ", "/", " / "])
        if rng.random() < 0.3:
            text = "+" + text
        if rng.random() < 0.1:
            text += " (" + rng.choice(["секретарь", "отдел продаж", "WhatsApp"]) + ")"
        elif rng.random() < 0.1:
            marker = rng.choice(["доб.", "Доб", "(доб. ", "ext.", "x", "#", "вн."])
            text += rng.choice(["", " "]) + marker + str(rng.randint(0, 99999))
            text += ")" if marker.startswith("(") else ""
        out.append(text)
    return out


@pytest.mark.parametrize(("region", "size"), [("RU", 40_000), ("KZ", 8_000)])
def test_fast_path_equals_slow_reference_on_a_large_corpus(region: str, size: int) -> None:
    rng = random.Random(42)
    # RU: 40,000 generated cells + 13,333 fast-path shapes = 53,333 cells.
    cells = make_phone_cells(size, seed=7, unique_share=1.0) + _fast_shaped(rng, size // 3)
    out = normalize_phones(pl.Series(cells, dtype=pl.String), region)
    expected = reference(cells, region)
    got = list(zip(out[C.PHONES].to_list(), out[C.PHONE_INVALID].to_list(), strict=True))
    mismatches = [(c, g, e) for c, g, e in zip(cells, got, expected, strict=True) if g != e]
    assert mismatches[:5] == []
    # The corpus really exercises both outcomes and the fast path.
    assert sum(1 for numbers, _ in expected if numbers) > size // 2
    assert sum(1 for _, invalid in expected if invalid) > size // 20


# --- properties --------------------------------------------------------------------------------

_PHONE_TEXT = st.lists(
    st.sampled_from(
        list("0123456789") * 4
        + list(" +()-./,;#x\n\t\u00a0—Оx٤")
        + ["доб.", "ext", "нет", "тел", "(секретарь)", "8", "7", "+7", "495", "916", "800", " 8 ("]
    ),
    max_size=30,
).map("".join)


def _digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in text if re.match(r"\d", ch))


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), _PHONE_TEXT, st.text(max_size=30)), max_size=8))
def test_property_never_crashes_and_matches_reference(cells: list[str | None]) -> None:
    out = normalize_phones(pl.Series(cells, dtype=pl.String), "RU")
    assert out.height == len(cells)
    got = list(zip(out[C.PHONES].to_list(), out[C.PHONE_INVALID].to_list(), strict=True))
    assert got == reference(cells, "RU")


@settings(max_examples=300, deadline=None)
@given(_PHONE_TEXT)
def test_property_idempotent(cell: str) -> None:
    first = one(cell)[C.PHONES]
    again = one("; ".join(first))  # type: ignore[arg-type]
    assert again[C.PHONES] == first
    assert again[C.PHONE_INVALID] is None


@settings(max_examples=300, deadline=None)
@given(_PHONE_TEXT)
def test_property_never_invents_a_number(cell: str) -> None:
    written = _digits(cell)
    numbers = one(cell)[C.PHONES]
    assert isinstance(numbers, list)
    for number in numbers:
        e164, _, extension = str(number).partition(";ext=")
        national = str(phonenumbers.parse(e164).national_number)
        assert _is_subsequence(national, written)
        assert _is_subsequence(extension, written)
