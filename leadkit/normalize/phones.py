"""Phone numbers: every number in a lead's ``phone_raw`` cell to E.164.

How a cell is read:

1. The cell is split into fragments on ``,`` ``;`` and line breaks (``;ext=`` of leadkit's own output is
   kept with its number, so normalizing ``phones`` again gives the same numbers). Each fragment is trimmed.
2. A fragment with fewer than 5 digits is noise and is ignored: words (``нет``, ``-``, ``уточнить``,
   ``не указан``, ``n/a``), working hours, a lone ``доб. 12``, the ``/ 68`` of ``45-67 / 68`` shorthand.
3. Otherwise an extension (``доб.``, ``доб``, ``(доб. 41)``, ``вн.``, ``ext``, ``x``, ``#``; the list is
   ``leadkit/data/phone_extensions.yaml``) is cut out, comments in parentheses
   (2GIS' ``84951234567 (секретарь)``) and letters are blanked out, and what is left is read by
   ``phonenumbers`` in the given region. Letters never become digits (no ``8-800-FLOWERS`` vanity decoding):
   a number is only ever made of digits the user wrote.
4. If the whole fragment is one valid number (``phonenumbers.is_valid_number``), that is the result; this is
   how ``310/246-1501`` (US) and ``495/123-45-67`` read. Otherwise a fragment with ``/`` is split on it and
   each piece is read on its own. Otherwise the fragment is cut greedily into the longest runs of words
   that form a valid number (``8 495 123 45 67 8 916 123 45 67``, which ``PhoneNumberMatcher`` misses),
   and ``PhoneNumberMatcher`` looks into the stretches left over (``+74951234567+79161234567``).
5. A fragment (or ``/`` piece) with no valid number goes to ``phone_invalid`` as written; a stretch of 5 or
   more digits left over next to valid numbers goes there too, so no digits vanish unseen.

Numbers keep the order of the cell; a number repeated within one record is kept once (first wins); the same
holds for invalid fragments.

Speed: the work is done on unique fragments only. Fragments in the common Russian shapes (digits with
``+ ( ) - . /`` and spaces, optionally a trailing 2GIS comment or extension: ``8 (495) 123-45-67``,
``+7 916 123-45-67``, ``84951234567``, ``4951234567``, ``84951234567 (секретарь)``, ``… доб. 12``) are
decided in Polars with phonenumbers' own validation patterns for +7 (Russia and Kazakhstan), without calling
phonenumbers per value; only what that cannot decide goes through the steps above one fragment at a time.
The tests prove on a large generated corpus, and by property tests, that both give exactly the same result.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
import polars as pl
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberMatcher,
)

from leadkit import columns as C
from leadkit.errors import LeadkitError
from leadkit.settings import PhoneRules, default_settings

__all__ = ["normalize_phone", "normalize_phones"]

#: A fragment with fewer digits than this holds no phone number and is not reported as invalid.
MIN_DIGITS = 5

# Explicit characters (not "any whitespace") so that Python and Polars trim exactly alike.
_TRIM = " \t\r\n\u00a0\u2007\u202f\u3000\ufeff"
# leadkit writes extensions as ';ext=123'; that ';' must not split the number from its extension.
_EXT_TAG_PY = re.compile(r";[ \t]*ext[ \t]*=", re.IGNORECASE)
_EXT_TAG_PL = r"(?i);[ \t]*ext[ \t]*="
_FRAGMENT_PY = re.compile(r"[^,;\n]+")
_FRAGMENT_PL = r"[^,;\n]+"

_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
# A parenthesised comment holding a letter: "(секретарь)", "(2 этаж)". "(495)" has no letter and stays.
_COMMENT = re.compile(r"\([^()]*[^\W\d_][^()]*\)")
_WORD = re.compile(r"\S+")
# Longest run of words tried as one number in a fragment that holds several.
_MAX_WORDS = 8
_MAX_NUMBER_DIGITS = 17
# Fragments longer than this never take the fast path (phonenumbers refuses very long input).
_FAST_MAX_CHARS = 40
# See _split_several_numbers.
_SEVERAL_NUMBERS_DIGITS = 21
_REGEX_SYNTAX = frozenset("\\.+*?()|[]{}^$#&-~")
_E164 = PhoneNumberFormat.E164
_LIST = pl.List(pl.String)
# 2GIS' "84951234567 (секретарь)": a trailing comment of letters only, which the slow path blanks out too.
_FAST_COMMENT = r" *\([A-Za-zА-Яа-яЁё .\-]*[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё .\-]*\)$"
# Words of letters before the number ("тел.: ", "факс ") and after it (" факс", " моб."), apart from it.
_FAST_WORDS_BEFORE = r"^(?:[A-Za-zА-Яа-яЁё]+[.:]*[ \t]*)+"
_FAST_WORDS_AFTER = r"(?:[ \t]+[A-Za-zА-Яа-яЁё]+[.:]?)+$"

# For the +7 fast path: the types is_valid_number accepts (anything but UNKNOWN), in its order.
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _escape(word: str) -> str:
    """Escape regex syntax so that both Python's re and Polars' (Rust) regex read ``word`` literally."""
    return "".join("\\" + ch if ch in _REGEX_SYNTAX else ch for ch in word)


@functools.lru_cache(maxsize=8)
def _extension_pattern(rules: PhoneRules) -> re.Pattern[str]:
    """An extension marker with its digits, anywhere in a fragment."""
    alternatives = "|".join(_escape(w) for w in rules.extension_markers)
    # Not glued to a preceding letter ("fax" holds no "x"); 1-7 ASCII digits, not part of a longer run.
    return re.compile(
        rf"(?<![^\W\d_])\(?[ \t]*(?:{alternatives})[ \t]*[.:=]?[ \t]*([0-9]{{1,7}})(?![0-9])[ \t]*\)?",
        re.IGNORECASE,
    )


@functools.lru_cache(maxsize=8)
def _extension_tail_pl(rules: PhoneRules) -> str:
    """Polars twin of the extension pattern, for an extension that ends the fragment."""
    alternatives = "|".join(_escape(w) for w in rules.extension_markers)
    return rf"(?i)[ \t]*\(?[ \t]*(?:{alternatives})[ \t]*[.:=]?[ \t]*([0-9]{{1,7}})[ \t]*\)?$"


def _check_region(region: str) -> str:
    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise LeadkitError(
            f"unknown phone region {region!r}: give a two-letter country code such as RU, KZ, BY, US"
        )
    return code


def _count_digits(text: str) -> int:
    return len(_DIGIT.findall(text))


def _split_cell(cell: str) -> list[str]:
    """The trimmed, non-empty fragments of one ``phone_raw`` cell (Python twin of the Polars split)."""
    cell = _EXT_TAG_PY.sub(" ext=", cell)
    pieces = (p.strip(_TRIM) for p in _FRAGMENT_PY.findall(cell))
    return [p for p in pieces if p]


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces, so positions stay those of the original."""
    return text[:start] + " " * (end - start) + text[end:]


def _mask(text: str, rules: PhoneRules) -> tuple[str, list[tuple[int, str]]]:
    """Blank out extensions, comments and letters; return the masked text and (position, extension)s."""
    extensions: list[tuple[int, str]] = []
    for match in _extension_pattern(rules).finditer(text):
        extensions.append((match.start(), match.group(1)))
        text = _blank(text, match.start(), match.end())
    for match in _COMMENT.finditer(text):
        text = _blank(text, match.start(), match.end())
    text = _LETTERS.sub(lambda m: " " * len(m.group()), text)
    return text, extensions


@functools.lru_cache(maxsize=4096)
def _valid_number(text: str, region: str) -> PhoneNumber | None:
    # Cached: a fragment with "/" is read whole first, then again piece by piece.
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _digit_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    positions = [m.start() for m in _DIGIT.finditer(text, start, end)]
    return (positions[0], positions[-1] + 1) if positions else None


def _segment(masked: str, start: int, end: int, region: str) -> list[tuple[int, int, str]]:
    """Numbers in ``masked[start:end]``: greedily the longest run of words that is a valid number."""
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(masked[start:end])]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + _MAX_WORDS), i, -1):
            candidate = masked[words[i][0] : words[j - 1][1]]
            if not MIN_DIGITS <= _count_digits(candidate) <= _MAX_NUMBER_DIGITS:
                continue
            number = _valid_number(candidate, region)
            if number is not None:
                found.append(
                    (words[i][0], words[j - 1][1], phonenumbers.format_number(number, _E164))
                )
                i = j
                break
        else:
            i += 1
    return found


def _gaps(found: list[tuple[int, int, str]], length: int) -> list[tuple[int, int]]:
    """The stretches of ``[0, length)`` between the sorted spans of ``found``."""
    gaps, position = [], 0
    for start, end, _ in found:
        gaps.append((position, start))
        position = end
    gaps.append((position, length))
    return gaps


def _scan(masked: str, region: str) -> list[tuple[int, int, str]]:
    """Every valid number in a fragment that is not one number as a whole, as (start, end, E.164).

    Runs of whole words come first: PhoneNumberMatcher misses space-separated numbers
    (``8 495 123 45 67 8 916 123 45 67``) and costs more. The matcher then looks into what is left,
    where it finds numbers glued together (``+74951234567+79161234567``).
    """
    found = _segment(masked, 0, len(masked), region)
    for start, end in _gaps(found, len(masked)):
        if _count_digits(masked[start:end]) >= MIN_DIGITS:
            found += [
                (start + m.start, start + m.end, phonenumbers.format_number(m.number, _E164))
                for m in PhoneNumberMatcher(masked[start:end], region, leniency=Leniency.VALID)
            ]
    return sorted(found)


def _read_piece(text: str, region: str, rules: PhoneRules) -> tuple[list[str], list[str]]:
    """Valid numbers (with extensions) and invalid leftovers of one fragment without ``/``."""
    masked, extensions = _mask(text, rules)
    # Stripped, it is the first candidate _segment tries too: the cache answers that one.
    number = _valid_number(masked.strip(), region)
    if number is not None:
        span = _digit_span(masked, 0, len(masked))
        assert span is not None  # a valid number has digits
        found = [(span[0], span[1], phonenumbers.format_number(number, _E164))]
    else:
        found = _scan(masked, region)
    if not found:
        return [], [text]

    numbers = [e164 for _, _, e164 in found]
    for position, extension in extensions:
        # The extension belongs to the nearest number before it, with no digits in between.
        before = [k for k, (_, end, _) in enumerate(found) if end <= position]
        if before and _count_digits(masked[found[before[-1]][1] : position]) == 0:
            k = before[-1]
            if ";ext=" not in numbers[k]:
                numbers[k] += f";ext={extension}"

    leftovers = []
    for start, end in _gaps(found, len(masked)):
        if _count_digits(masked[start:end]) >= MIN_DIGITS:
            span = _digit_span(masked, start, end)
            assert span is not None
            first = span[0] - 1 if span[0] > 0 and text[span[0] - 1] == "+" else span[0]
            leftovers.append(text[first : span[1]])
    return numbers, leftovers


def _parse_fragment(fragment: str, region: str, rules: PhoneRules) -> tuple[list[str], list[str]]:
    """The valid numbers and the invalid pieces of one trimmed fragment (the slow, exact path)."""
    if _count_digits(fragment) < MIN_DIGITS:
        return [], []
    if "/" not in fragment or _valid_number(_mask(fragment, rules)[0].strip(), region) is not None:
        return _read_piece(fragment, region, rules)
    numbers: list[str] = []
    invalid: list[str] = []
    for piece in fragment.split("/"):
        piece = piece.strip(_TRIM)
        if _count_digits(piece) >= MIN_DIGITS:
            found, bad = _read_piece(piece, region, rules)
            numbers += found
            invalid += bad
    return numbers, invalid


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _normalize_cell(
    cell: str | None, region: str, rules: PhoneRules
) -> tuple[list[str], list[str]]:
    """Numbers and invalid fragments of one cell, fragment by fragment, without any fast path."""
    if cell is None:
        return [], []
    numbers: list[str] = []
    invalid: list[str] = []
    for fragment in _split_cell(cell):
        found, bad = _parse_fragment(fragment, region, rules)
        numbers += found
        invalid += bad
    return _unique(numbers), _unique(invalid)


def _ten_digit_regex(desc: phonenumbers.PhoneNumberDesc | None) -> str | None:
    """``desc``'s pattern, anchored, if a 10-digit number can match it (as _is_number_matching_desc)."""
    if desc is None or desc.national_number_pattern is None:
        return None
    if desc.possible_length and 10 not in desc.possible_length:
        return None
    return f"^(?:{desc.national_number_pattern})$"


@functools.cache
def _plus7_regions() -> tuple[tuple[str | None, str, tuple[str, ...]], ...]:
    """For each +7 region, in phonenumbers' order: leading-digits regex, general regex, type regexes."""
    out = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[7]:
        metadata = PhoneMetadata.metadata_for_region(region)
        assert metadata is not None
        general = _ten_digit_regex(metadata.general_desc)
        assert general is not None
        types = (_ten_digit_regex(getattr(metadata, name)) for name in _NUMBER_TYPES)
        out.append((metadata.leading_digits, general, tuple(t for t in types if t is not None)))
    return tuple(out)


def _general_pattern(region: str) -> str:
    """The region's general national-number regex for 10 digits (``^$``, never matching, if none)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    general = _ten_digit_regex(metadata.general_desc) if metadata is not None else None
    return general or "^$"


def _valid_plus7(national: pl.Expr) -> pl.Expr:
    """Whether +7 followed by the 10 digits of ``national`` is a valid number, as is_valid_number says.

    is_valid_number picks the region among Russia and Kazakhstan by leading digits (or by a full type
    check where a region has none) and then checks the number's type in that region only.
    """
    decision: pl.Expr = pl.lit(False)
    # Folded from the last region back, so that the first region whose condition holds decides.
    for leading, general, types in reversed(_plus7_regions()):
        known = national.str.contains(general) & pl.any_horizontal(
            [pl.lit(False)] + [national.str.contains(t) for t in types]
        )
        if leading is not None:
            decision = (
                pl.when(national.str.contains(f"^(?:{leading})")).then(known).otherwise(decision)
            )
        else:
            decision = pl.when(known).then(pl.lit(True)).otherwise(decision)
    return decision


def _fast_path(fragments: pl.DataFrame, region: str, rules: PhoneRules) -> pl.DataFrame:
    """The fragments in common Russian shapes that Polars can decide, with their results.

    Decided by the digits and the separators' grammar, not by a list of shapes: a fragment that is one
    number written with digits, brackets, dashes, dots, spaces or a ``/`` — with words of letters
    before or after it (``тел.``, ``факс``, ``(секретарь)``) and an extension at its end (``доб. 12``,
    ``(доб. 12)``, ``ext 12``) — is read as ``phonenumbers.parse`` reads it: ``+7`` and 10 digits;
    ``8`` (the national prefix) and 10 digits; ``7`` and 10 digits where these 10 fit the region's
    general pattern (else phonenumbers does not take the 7 for the country code); bare 10 digits
    (except ``810…``, the international prefix). Decided too: an invalid number written as one run of
    digits, and any fragment of 5 to 9 digits without ``+`` (no valid +7 number is that short). Other
    invalid fragments with spaces or dashes may hold a shorter valid number: the slow path looks.
    """
    fragment = pl.col("fragment")
    number = pl.col("number")
    digits = pl.col("digits")
    count = digits.str.len_chars()
    plus = pl.col("plus")
    general = _general_pattern(region)
    # No international prefix "810", no leading 0/1/2: those shapes are left to phonenumbers itself.
    # Bare 10 digits starting with 7 or 8 are read as phonenumbers reads them: as the national number
    # (tested on 200,000 random ones: the same result whenever either reading is valid).
    national = (
        pl.when(~plus & (count == 10) & digits.str.contains(r"^(?:[3-79]|8[02-9]|81[1-9])"))
        .then(digits)
        .when(~plus & (count == 11) & digits.str.contains(r"^8[3-9]"))
        .then(digits.str.slice(1))
        .when(
            ~plus
            & (count == 11)
            & digits.str.contains(r"^7[3-9]")
            & digits.str.slice(1).str.contains(general)
        )
        .then(digits.str.slice(1))
        .when(plus & (count == 11) & digits.str.contains(r"^7[3-9]"))
        .then(digits.str.slice(1))
        .otherwise(None)
    )
    shape = number.str.contains(r"^[()\-. ]*\+?[0-9()\-. /]*$") & (
        number.str.len_chars() <= _FAST_MAX_CHARS
    )
    extension = fragment.str.extract(_extension_tail_pl(rules), 1)
    # Words of letters around the number: the slow path blanks letters out, so they change nothing.
    bare = (
        pl.when(extension.is_null())
        .then(fragment.str.replace(_FAST_COMMENT, ""))
        .otherwise(fragment.str.replace(_extension_tail_pl(rules), ""))
        .str.replace(_FAST_WORDS_BEFORE, "")
        .str.replace(_FAST_WORDS_AFTER, "")
    )
    short = ~plus & (count >= MIN_DIGITS) & (count < 10) & ~number.str.contains("/", literal=True)
    decided = (
        fragments.with_columns(extension=extension, number=bare)
        .filter(shape)
        .with_columns(
            digits=number.str.replace_all(r"[^0-9]", ""),
            plus=number.str.contains("+", literal=True),
        )
    )
    too_short = decided.filter(short).select(
        "fragment",
        found=pl.lit([], dtype=_LIST),
        invalid=pl.concat_list("fragment"),
    )
    return pl.concat([_fast_numbers(decided, national), too_short])


def _fast_numbers(decided: pl.DataFrame, national: pl.Expr) -> pl.DataFrame:
    """The fragments of ``_fast_path`` that hold a +7 national number: valid, or one run of digits."""
    number = pl.col("number")
    return (
        decided.with_columns(national=national)
        .filter(pl.col("national").is_not_null())
        .with_columns(valid=_valid_plus7(pl.col("national")))
        .filter(pl.col("valid") | number.str.contains(r"^\+?[0-9]+$"))
        .select(
            "fragment",
            found=pl.when("valid")
            .then(
                pl.concat_list(
                    pl.concat_str(
                        pl.lit("+7"),
                        pl.col("national"),
                        pl.lit(";ext=") + pl.col("extension"),
                        ignore_nulls=True,
                    )
                )
            )
            .otherwise(pl.lit([], dtype=_LIST)),
            invalid=pl.when("valid")
            .then(pl.lit([], dtype=_LIST))
            .otherwise(pl.concat_list("fragment")),
        )
    )


def _split_several_numbers(fragments: pl.DataFrame) -> pl.DataFrame:
    """Split on "/" the fragments that the slow path would split too, so pieces can take the fast path.

    For +7 regions (national prefix 8, international prefix 810): 21 or more digits with no leading
    810 leave at least 18 digits for the national number, more than phonenumbers accepts (17), so the
    fragment as a whole is never one valid number and the slow path reads its "/" pieces one by one.
    """
    fragment = pl.col("fragment")
    digits = fragment.str.replace_all(r"[^0-9]", "")
    several = (
        fragment.str.contains(r"^[0-9+()\-. /]+$")
        & fragment.str.contains("/", literal=True)
        & (digits.str.len_chars() >= _SEVERAL_NUMBERS_DIGITS)
        & ~digits.str.starts_with("810")
    )
    return (
        fragments.with_columns(
            pl.when(several).then(fragment.str.split("/")).otherwise(pl.concat_list(fragment))
        )
        .explode("fragment")
        .with_columns(fragment.str.strip_chars(_TRIM))
        .filter(fragment.str.len_chars() > 0)
    )


def normalize_phones(
    raw: pl.Series, region: str = "RU", *, rules: PhoneRules | None = None
) -> pl.DataFrame:
    """One row per element of `raw` (same order, same length): columns
    `phones` (pl.List(pl.String), E.164 numbers, extension as '+74951234567;ext=123'),
    `phone` (pl.String, first of phones or null), `phone_invalid` (pl.String, the fragments that were not valid
    numbers, '; '-joined, or null).

    ``raw`` is the ``phone_raw`` column; ``region`` is the country whose national formats are assumed
    for numbers written without ``+``. The rules are in this module's docstring.
    """
    region = _check_region(region)
    rules = rules or default_settings().phones
    rows = pl.DataFrame({"cell": raw.cast(pl.String)})
    cells = rows.select(pl.col("cell").drop_nulls().unique())
    fragments = (
        cells.with_columns(
            fragment=pl.col("cell")
            .str.replace_all(_EXT_TAG_PL, " ext=")
            .str.extract_all(_FRAGMENT_PL)
        )
        .explode("fragment")
        .with_columns(pl.col("fragment").str.strip_chars(_TRIM))
        .filter(pl.col("fragment").str.len_chars() > 0)
    )
    plus7 = phonenumbers.country_code_for_region(region) == 7
    if plus7:
        fragments = _split_several_numbers(fragments)
    fragments = fragments.with_row_index("position")
    unique = fragments.select(pl.col("fragment").unique())

    if plus7:
        fast = _fast_path(unique, region, rules)
        slow_fragments = unique.join(fast, on="fragment", how="anti")["fragment"].to_list()
    else:
        fast = pl.DataFrame(schema={"fragment": pl.String, "found": _LIST, "invalid": _LIST})
        slow_fragments = unique["fragment"].to_list()

    slow_results = [_parse_fragment(f, region, rules) for f in slow_fragments]
    slow = pl.DataFrame(
        {
            "fragment": slow_fragments,
            "found": [r[0] for r in slow_results],
            "invalid": [r[1] for r in slow_results],
        },
        schema={"fragment": pl.String, "found": _LIST, "invalid": _LIST},
    )
    results = pl.concat([fast, slow])

    per_cell = (
        fragments.join(results, on="fragment", how="left")
        .sort("position")
        .group_by("cell", maintain_order=True)
        .agg(
            pl.col("found")
            .list.explode(empty_as_null=False, keep_nulls=False)
            .unique(maintain_order=True),
            pl.col("invalid")
            .list.explode(empty_as_null=False, keep_nulls=False)
            .unique(maintain_order=True),
        )
    )
    out = rows.join(per_cell, on="cell", how="left", maintain_order="left")
    phones = pl.col("found").fill_null(pl.lit([], dtype=_LIST)).cast(_LIST)
    invalid = pl.col("invalid").cast(_LIST)
    return out.select(
        phones.alias(C.PHONES),
        phones.list.first().alias(C.PHONE),
        pl.when(invalid.list.len() > 0)
        .then(invalid.list.join("; "))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias(C.PHONE_INVALID),
    )


def normalize_phone(
    text: str | None, region: str = "RU", *, rules: PhoneRules | None = None
) -> str | None:
    """One number (e.g. from a dial-result file: '8495…', '7495…', '+7 (495) …') to E.164, or None if invalid."""
    if text is None:
        return None
    return _normalize_phone_cached(text, _check_region(region), rules or default_settings().phones)


@functools.lru_cache(maxsize=65536)
def _normalize_phone_cached(text: str, region: str, rules: PhoneRules) -> str | None:
    # Dial-result files repeat numbers a lot; the cache keeps per-row callers cheap.
    numbers, _ = _normalize_cell(text, region, rules)
    return numbers[0] if numbers else None
