"""INN/OGRN check digits, e-mails, website domains and cities of a lead table.

Reference lists come from the settings (:mod:`leadkit.settings`): free mail services, social networks
and directories, and the city vocabulary (settlement prefixes, region and street words, short names). Per-value Python runs on distinct values only;
the INN/OGRN check digits are Polars expressions (the tests hold them to python-stdnum's answers,
except for the 15-digit OGRNIP, where stdnum is wrong).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from leadkit.settings import CityNames, ContactRules, default_settings, fold_word

__all__ = [
    "CityStatistics",
    "city_from_address",
    "clean_city",
    "found_cities",
    "inn_valid",
    "lead_domain",
    "learn_cities",
    "normalize_emails",
    "ogrn_valid",
    "website_domain",
]

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$"
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?//")
_WWW = re.compile(r"^www\d*\.")
_HOST = re.compile(r"(?:[\w-]+\.)+[\w-]*[^\W\d_][\w-]*")
_URL_SPLIT = re.compile(r"[\s,;|]+")
_SPACES = re.compile(r"\s+")
_TRIM = " ,;.-–—"
_POSTCODE = re.compile(r"^\d{6}\b\s*")


def map_distinct(values: pl.Series, func: Callable[[str], str | None]) -> pl.Series:
    """Apply a per-value Python function to the distinct non-null values only, then map back."""
    values = values.cast(pl.String)
    distinct = values.drop_nulls().unique().to_list()
    mapping = {value: func(value) for value in distinct}
    return values.replace_strict(mapping, default=None, return_dtype=pl.String).rename(values.name)


def _identifier_digits(values: pl.Series) -> pl.Series:
    # Spreadsheets turn identifiers into floats (`7707083893.0`) and people type spaces; the
    # digits themselves survive both, so both are undone. Lost leading zeros are not restored.
    cleaned = values.cast(pl.String).str.replace_all(r"\s+", "").str.replace(r"\.0+$", "")
    return pl.select(pl.when(cleaned == "").then(None).otherwise(cleaned)).to_series()


def _digit(value: pl.Expr, position: int) -> pl.Expr:
    return value.str.slice(position, 1).cast(pl.Int64, strict=False)


def _check(value: pl.Expr, weights: tuple[int, ...], modulus: int, position: int) -> pl.Expr:
    """Whether digit ``position`` is the weighted sum of the digits before it mod ``modulus`` % 10."""
    total = pl.sum_horizontal(w * _digit(value, i) for i, w in enumerate(weights))
    return total % modulus % 10 == _digit(value, position)


# The INN check digits (order of the Federal Tax Service): the same scheme python-stdnum uses,
# written as Polars expressions so a million INNs cost no Python call each.
_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _as_text(ok: pl.Expr, value: pl.Expr) -> pl.Expr:
    return (
        pl.when(value.is_null())
        .then(None)
        .when(value.str.contains(r"^[0-9]+$") & ok.fill_null(False))
        .then(pl.lit("true"))
        .otherwise(pl.lit("false"))
    )


def inn_valid(inn: pl.Series) -> pl.Series:
    """``"true"``/``"false"`` for the INN check digits (10 or 12 digits); null when empty.

    Spaces and a spreadsheet's trailing ``.0`` are ignored; anything else that is not digits is false.
    """
    value = pl.col("inn")
    length = value.str.len_chars()
    ok = (
        pl.when(length == 10)
        .then(_check(value, _INN10, 11, 9))
        .when(length == 12)
        .then(_check(value, _INN12_11, 11, 10) & _check(value, _INN12_12, 11, 11))
        .otherwise(False)
    )
    frame = _identifier_digits(inn).rename("inn").to_frame()
    return frame.select(_as_text(ok, value).alias("inn_valid")).to_series()


def ogrn_valid(ogrn: pl.Series) -> pl.Series:
    """``"true"``/``"false"`` for the OGRN (13 digits) or OGRNIP (15 digits) check digit; null when
    empty.

    The 15-digit check is (first 14 digits mod 13) % 10; python-stdnum leaves out the final
    ``% 10`` and so rejects about a quarter of valid OGRNIPs (``304500116000180``).
    """
    value = pl.col("ogrn")
    length = value.str.len_chars()
    first = value.str.slice(0, 1)
    body = value.str.slice(0, length - 1).cast(pl.Int64, strict=False)
    last = value.str.slice(-1, 1).cast(pl.Int64, strict=False)
    ok = (
        pl.when(length == 13)
        .then((first != "0") & (body % 11 % 10 == last))
        .when(length == 15)
        .then(first.is_in(["3", "4"]) & (body % 13 % 10 == last))
        .otherwise(False)
    )
    frame = _identifier_digits(ogrn).rename("ogrn").to_frame()
    return frame.select(_as_text(ok, value).alias("ogrn_valid")).to_series()


def _email_list(email: pl.Series) -> pl.Series:
    """Every well-formed address of each cell, lower case, in order, without repeats."""
    return (
        email.cast(pl.String)
        .str.to_lowercase()
        .str.replace_all(r"mailto:", " ")
        .str.replace_all(r"[,;\s]+", " ")
        .str.strip_chars(" ")
        .str.split(" ")
        .list.eval(
            pl.element()
            .str.strip_chars("<>()[]{}\"'«».:")
            .filter(pl.element().str.strip_chars("<>()[]{}\"'«».:").str.contains(_EMAIL))
        )
        .list.unique(maintain_order=True)
    )


def normalize_emails(email: pl.Series) -> pl.Series:
    """E-mails lower-cased and trimmed, several per cell joined with ``; ``, junk without ``@``
    (or without a domain) dropped; null when nothing is left."""
    joined = _email_list(email).list.join("; ")
    return (
        pl.select(pl.when(joined == "").then(None).otherwise(joined)).to_series().rename(email.name)
    )


def _under(host: str, domains: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    if host in domains:
        return True
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(1, len(parts) - 1))


def _host_of(token: str) -> str | None:
    token = token.strip("<>()[]{}\"'«»")
    if "@" in token and "//" not in token:
        return None  # an e-mail address put in the website column
    host = _SCHEME.sub("", token)
    host = re.split(r"[/?#\\]", host, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = _WWW.sub("", host.strip("."))
    if "xn--" in host:
        with contextlib.suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    return host if _HOST.fullmatch(host) else None


def _website_domain_one(value: str, skip: frozenset[str]) -> str | None:
    for token in _URL_SPLIT.split(value.strip().lower()):
        host = _host_of(token) if token else None
        if host is not None and not _under(host, skip):
            return host
    return None


def website_domain(website: pl.Series, rules: ContactRules | None = None) -> pl.Series:
    """The site's domain, lower case, without ``www.``: ``http://www.Romashka.ru/contacts`` →
    ``romashka.ru``. Social networks, messengers, maps and directories give null."""
    skip = (rules or default_settings().contacts).non_company_sites
    return map_distinct(website, lambda value: _website_domain_one(value, skip)).rename("domain")


def lead_domain(
    website: pl.Series, email: pl.Series, rules: ContactRules | None = None
) -> pl.Series:
    """The website's domain or, failing that, the first e-mail's that is not a free mail service."""
    rules = rules or default_settings().contacts
    public = sorted(rules.public_email_domains)
    email_domain = (
        _email_list(email)
        .list.eval(
            pl.element()
            .str.extract(r"@(.+)$")
            .filter(
                ~pl.element().str.extract(r"@(.+)$").is_in(public)
                & ~pl.element().str.extract(r"@[^.]+\.(.+)$").is_in(public)
            )
        )
        .list.first()
    )
    return (
        pl.select(pl.coalesce(website_domain(website, rules), email_domain))
        .to_series()
        .rename("domain")
    )


@dataclass(frozen=True)
class _CityWords:
    prefix: re.Pattern[str]
    prefix_words: frozenset[str]
    suffix: re.Pattern[str]
    address_prefix: re.Pattern[str]
    countries: frozenset[str]
    region_words: frozenset[str]
    street_words: frozenset[str]
    bare_cities: frozenset[str]
    lowercase_words: frozenset[str]
    aliases: dict[str, str]


def _words_pattern(words: tuple[str, ...]) -> str:
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace("ё", "[ёе]") for w in ordered)


@functools.lru_cache(maxsize=8)
def _city_words(cities: CityNames) -> _CityWords:
    """The patterns and folded word sets of one city vocabulary (built once per settings object)."""

    def folded(words: tuple[str, ...]) -> frozenset[str]:
        return frozenset(fold_word(w) for w in words)

    # A prefix is a separate word: a dot or a space follows it (`Старый Оскол` is no `ст`).
    prefix = re.compile(rf"^(?:{_words_pattern(cities.prefixes)})(?:\.\s*|\s+)(?=\S)", re.I)
    address_prefix = re.compile(
        rf"^(?:{_words_pattern(cities.address_prefixes)})(?:\.\s*|\s+)(?=\S)", re.I
    )
    suffix = re.compile(rf"\s+(?:{_words_pattern(cities.suffixes)})\.?$", re.I)
    return _CityWords(
        prefix=prefix,
        prefix_words=folded(cities.prefixes) | folded(cities.suffixes),
        suffix=suffix,
        address_prefix=address_prefix,
        countries=folded(cities.countries),
        region_words=folded(cities.region_words),
        street_words=folded(cities.street_words),
        bare_cities=folded(cities.bare_cities),
        lowercase_words=folded(cities.lowercase_words),
        aliases={_fold(k): v for k, v in cities.aliases},
    )


def _fold(word: str) -> str:
    return word.casefold().replace("ё", "е").strip(".")


def _capital(word: str) -> str:
    first = word[:1].upper()
    return (first if len(first) == 1 else word[:1]) + word[1:]


def _recase(name: str, lowercase_words: frozenset[str]) -> str:
    """``МОСКВА``/``москва`` → ``Москва``, ``САНКТ-ПЕТЕРБУРГ`` → ``Санкт-Петербург``,
    ``ростов-на-дону`` → ``Ростов-на-Дону``; a name already in mixed case keeps it."""
    if not (name.isupper() or name.islower()):
        name = _capital(name)
        if not (name.isupper() or name.islower()):
            return name
    parts = re.split(r"([\s-]+)", name.lower())
    out = []
    for i, part in enumerate(parts):
        keep_lower = i > 0 and part in lowercase_words
        out.append(part if keep_lower else _capital(part))
    return "".join(out)


def _city_name(text: str, words: _CityWords, street_stops: bool) -> str | None:
    """The city name at the start of ``text``: words up to a digit, a bracket or a street word."""
    kept: list[str] = []
    for token in text.split(" "):
        if any(ch.isdigit() for ch in token) or token.startswith("("):
            break
        if street_stops and kept and _fold(token) in words.street_words:
            break
        kept.append(token)
    return _settlement_name(" ".join(kept), words)


def _is_name(text: str) -> bool:
    """Letters, joined by spaces, hyphens, dots or apostrophes: `Санкт-Петербург`, `Орёл`."""
    return (
        bool(text)
        and text[0].isalpha()
        and text[-1].isalpha()
        and all(ch.isalpha() or ch in " .'’-" for ch in text)
    )


def _settlement_name(text: str, words: _CityWords) -> str | None:
    """A settlement's name without its type word, in usual capitals; None unless it is made of
    words (letters joined by spaces, hyphens, dots or apostrophes)."""
    name = _strip_settlement(text.strip(_TRIM), words)
    if not _is_name(name) or _fold(name) in words.prefix_words:
        return None
    return _recase(name, words.lowercase_words)


def _strip_settlement(text: str, words: _CityWords) -> str:
    while True:
        shorter = words.suffix.sub("", words.prefix.sub("", text, count=1), count=1).strip(_TRIM)
        if shorter == text or not shorter:
            return shorter or text
        text = shorter


def _city_from_address_one(address: str, words: _CityWords) -> str | None:
    """The city of one address, only where it is clear: after ``г.`` (or another settlement word),
    before ``г``, or a bare name right before the street part. Null when unsure."""
    parts = [_POSTCODE.sub("", _SPACES.sub(" ", p).strip(" .")) for p in address.split(",")]
    parts = [p for p in parts if p and not p.isdigit()]
    for part in parts:
        found = words.address_prefix.match(part)
        if found is not None:
            return _city_name(part[found.end() :], words, street_stops=True)
        suffixed = words.suffix.search(part)
        if suffixed is not None and not any(ch.isdigit() for ch in part):
            return _city_name(part[: suffixed.start()], words, street_stops=False)
    for i, part in enumerate(parts):
        tokens = [_fold(t) for t in part.split(" ")]
        if _fold(part) in words.countries or any(t in words.region_words for t in tokens):
            continue
        # A street part ("Тверская ул", "ул. Ленина") or a house number: the city is not before it.
        if any(ch.isdigit() for ch in part) or any(t in words.street_words for t in tokens):
            return None
        next_is_street = i + 1 < len(parts) and (
            _fold(parts[i + 1].split(" ")[0]) in words.street_words
        )
        if next_is_street or _fold(part) in words.bare_cities:
            return _city_name(part, words, street_stops=False)
        return None
    return None


def _clean_city_one(city: str, words: _CityWords) -> str | None:
    text = _SPACES.sub(" ", city).strip(_TRIM)
    if not text:
        return None
    alias = words.aliases.get(_fold(_strip_settlement(text, words)))
    if alias is not None:
        return alias
    if "," in text:
        # A region and a city in one cell: take the city where it is clear, else keep the cell.
        return _city_from_address_one(text, words) or text
    name = _settlement_name(text, words)
    if name is not None:
        return name
    # Not a plain name (`Москва (центр)`): kept as written, only a settlement word dropped.
    text = _strip_settlement(text, words)
    if not any(ch.isalpha() for ch in text) or _fold(text) in words.prefix_words:
        return None
    return text


def city_from_address(address: pl.Series, cities: CityNames | None = None) -> pl.Series:
    """The city named in each address where it is clear (``420111, г. Казань, ул. Баумана, 1`` →
    ``Казань``), else null."""
    words = _city_words(cities or default_settings().cities)
    return map_distinct(address, lambda a: _city_from_address_one(a, words)).rename("city")


def found_cities(city: pl.Series, address: pl.Series, cities: CityNames | None = None) -> pl.Series:
    """Each row's city from its own cells only: the city cell cleaned (``г. МОСКВА`` → ``Москва``,
    ``Мск`` → ``Москва``), else the city its address names clearly (after ``г.`` and the like)."""
    words = _city_words(cities or default_settings().cities)
    cleaned = map_distinct(city, lambda c: _clean_city_one(c, words))
    # Only the addresses of rows still without a city are read.
    needed = pl.select(
        pl.when(cleaned.is_null()).then(address.cast(pl.String)).otherwise(None)
    ).to_series()
    from_address = map_distinct(needed, lambda a: _city_from_address_one(a, words))
    return pl.select(pl.coalesce(cleaned, from_address)).to_series().rename(city.name)


@dataclass(frozen=True)
class CityStatistics:
    """What ``clean`` learns from a whole table: the city names its rows give (plain names only).

    A map export writes the city only inside the address, after the street
    (``Тверская ул., 12, Москва, 125009``): the table's other rows say which address parts are cities.
    Computed in one pass over the table (or over every partition, then merged with ``|``) and then
    applied, so a row's city does not depend on how the table is split.
    """

    names: frozenset[str]

    def __or__(self, other: CityStatistics) -> CityStatistics:
        return CityStatistics(self.names | other.names)


def learn_cities(found: pl.Series, cities: CityNames | None = None) -> CityStatistics:
    """The plain city names among ``found_cities`` (no region cells), for :func:`clean_city`."""
    words = _city_words(cities or default_settings().cities)
    names = found.drop_nulls().unique()
    plain = names.filter(
        names.str.contains(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$") & (names.str.len_chars() >= 3)
    )
    return CityStatistics(
        frozenset(
            name
            for name in plain.to_list()
            if not set(_fold(name).replace("-", " ").split()) & words.region_words
        )
    )


def clean_city(
    city: pl.Series,
    address: pl.Series,
    cities: CityNames | None = None,
    known: CityStatistics | None = None,
) -> pl.Series:
    """Cities without ``г.``/``пос.``/``с.``/``д.`` and in usual capitals (``г. МОСКВА`` → ``Москва``,
    ``Мск`` → ``Москва``); where the city is empty, the city of the address when the address makes it
    clear, or else the last part of the address that is a city named elsewhere in the table
    (``known``, learnt from this table when not given).
    """
    cities = cities or default_settings().cities
    found = found_cities(city, address, cities)
    if known is None:
        known = learn_cities(found, cities)
    return _city_named_in_address(found, address.cast(pl.String), known, cities).rename(city.name)


def _city_named_in_address(
    city: pl.Series, address: pl.Series, known_cities: CityStatistics, cities: CityNames
) -> pl.Series:
    """Fill empty cities with the last comma-separated part of the address that is a known city:
    one of the table's city names or a ``bare_cities`` entry."""
    words = _city_words(cities)
    # Spellings that fold alike ("Ростов-на-Дону", "Ростов-на-дону"): the first in sorted order,
    # which puts capitals first, is written; whatever order the table came in.
    known = {_fold(name): name for name in sorted(known_cities.names, reverse=True)}
    known.update(
        {b: _recase(b, words.lowercase_words) for b in words.bare_cities if b not in known}
    )
    if not known:
        return city
    vocabulary = pl.DataFrame({"_part": list(known), "_city": list(known.values())})
    parts = (
        pl.DataFrame({"_city0": city, "_address": address})
        .with_row_index("_i")
        .filter(pl.col("_city0").is_null() & pl.col("_address").is_not_null())
        .select(
            "_i",
            pl.col("_address")
            .str.split(",")
            .list.eval(pl.element().str.strip_chars().str.to_lowercase().str.replace_all("ё", "е"))
            .alias("_part"),
        )
        .explode("_part")
        .with_row_index("_order")
        .join(vocabulary, on="_part", how="inner")
        .sort("_order")
        .group_by("_i")
        .agg(pl.col("_city").last())
    )
    filled = (
        pl.DataFrame({"_city0": city})
        .with_row_index("_i")
        .join(parts, on="_i", how="left", maintain_order="left")
        .select(pl.coalesce("_city0", "_city"))
    )
    return filled.to_series()
