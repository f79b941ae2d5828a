"""Prepare a cleaned lead table for matching and find candidate pairs without comparing all pairs.

Every record gets a rank (its position when sorted by ``lead_id``); all later stages work on ranks, so
the result does not depend on the input's row order. The city is the city cell (aliases such as
"Питер" read as the full name, a region cell as no city) or else the city the address names; pairs
come from Polars joins on exploded keys, never from Python loops.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError
from leadkit.settings import CityNames, DedupeRules, Settings, fold_word

# Internal column names; the leading underscore keeps them apart from any source column.
R = "_dd_rank"
KEY = "_dd_key"
CITY = "_dd_city"
INN = "_dd_inn"
DOMAIN = "_dd_domain"
PHONES = "_dd_phones"
TAILS = "_dd_tails"
ADDR = "_dd_addr"
ADDR_NUM = "_dd_addr_num"
PHONES_EV = "_dd_phones_ev"
TAILS_EV = "_dd_tails_ev"
DOMAIN_EV = "_dd_domain_ev"
PAIR = "_dd_pair"
SOLE = "_dd_sole_trader"
FORM = "_dd_form"
CITY_TEXT = "_dd_city_text"
#: A sole trader written by full name (surname, name, patronymic; no initials): a person to tell apart.
PERSON = "_dd_person_name"
ROW = "_dd_row"


@dataclass(frozen=True)
class DedupeStatistics:
    """The table-wide facts dedupe uses, computed once over the whole table and then applied.

    - ``cities``: every city the table's city cells name (with the vocabulary's short names): an
      address word that is one of them is the city of a record without a city cell;
    - ``hub_phones``, ``hub_tails``, ``hub_domains``: numbers (their last digits) and domains that more
      than ``hub_max_names`` different company names use: a reception's, not a company's.
    """

    cities: tuple[str, ...]
    hub_phones: frozenset[str]
    hub_tails: frozenset[str]
    hub_domains: frozenset[str]


def _text(name: str, df: pl.DataFrame) -> pl.Expr:
    """A canonical text column, all-null when the table lacks it."""
    if name in df.columns:
        return pl.col(name).cast(pl.String)
    return pl.lit(None, dtype=pl.String)


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case, ё → е, punctuation to spaces, spaces collapsed."""
    return (
        expr.str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(r"[^\w]+", " ")
        .str.strip_chars()
    )


def any_word(words: list[str]) -> str:
    """A regex matching any of ``words`` as whole words, longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return r"\b(?:" + "|".join(re.escape(w) for w in ordered) + r")\b"


@dataclass(frozen=True)
class _CityMatching:
    """The city vocabulary as dedupe compares cities: folded, short and likely names as full names."""

    prefixes: str
    aliases: dict[str, str]
    regions: str


def _fold_text(text: str) -> str:
    """The Python twin of ``_fold``: lower case, ё → е, punctuation to spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower().replace("ё", "е")).split())


@functools.lru_cache(maxsize=8)
def city_matching(cities: CityNames) -> _CityMatching:
    """The folded city vocabulary of one settings object (built once)."""
    prefixes = {_fold_text(fold_word(w)) for w in (*cities.prefixes, *cities.suffixes)}
    aliases = {_fold_text(k): _fold_text(v) for k, v in (*cities.aliases, *cities.likely)}
    regions = sorted({_fold_text(fold_word(w)) for w in cities.region_words} - {""})
    return _CityMatching(
        prefixes="|".join(re.escape(p) for p in sorted(prefixes - {""}, key=len, reverse=True)),
        aliases=aliases,
        regions=any_word(regions),
    )


def _city_vocabulary(cells: pl.Series, aliases: dict[str, str]) -> list[str]:
    """Every city written in a city cell (no digits, at least 3 letters), the aliases and their
    full names.

    The table's own cities, not a fixed list: what a user's sources call a city is what their
    addresses name.
    """
    known = cells.drop_nulls().unique()
    names = {*known.filter(~known.str.contains(r"\d")).to_list(), *aliases, *aliases.values()}
    return sorted(n for n in names if len(n) >= 3)


def _value_id(column: str) -> pl.Expr:
    """A 64-bit hash of each value, null stays null.

    Later stages compare these numbers instead of strings: millions of pairs, cheap equality. Two
    distinct values sharing a hash is a one-in-10^7 event even in a table of a million values.
    """
    return pl.when(pl.col(column).is_not_null()).then(pl.col(column).hash()).alias(f"{column}_id")


def check_lead_ids(df: pl.DataFrame) -> None:
    """Dedupe needs a non-empty, unique ``lead_id`` on every record."""
    if C.LEAD_ID not in df.columns:
        raise LeadkitError(
            "the table has no lead_id column: run `leadkit import` first", column=C.LEAD_ID
        )
    lead_ids = df.get_column(C.LEAD_ID)
    if lead_ids.null_count():
        row = int(lead_ids.is_null().arg_max() or 0) + 2
        raise LeadkitError("empty lead_id", row=row, column=C.LEAD_ID)
    if lead_ids.n_unique() != df.height:
        dup = lead_ids.filter(lead_ids.is_duplicated()).sort().first()
        raise LeadkitError(f"lead_id {dup!r} occurs more than once", column=C.LEAD_ID)


def prepare_rows(df: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """The matching fields of each record, from the record alone (key, city, phones, address …),
    in input order (``ROW``)."""
    rules = settings.dedupe
    n = rules.phone_tail_digits
    if C.PHONES in df.columns:
        phones = pl.col(C.PHONES).cast(pl.List(pl.String))
    else:
        phones = pl.lit(None, dtype=pl.List(pl.String))
    # Extensions lead to the same switchboard: compare numbers without them.
    full = phones.list.eval(pl.element().str.replace(r";ext=.*$", "")).list.unique(
        maintain_order=True
    )
    fragments = (
        _text(C.PHONE_INVALID, df)
        .str.split(";")
        .list.eval(pl.element().str.replace_all(r"\D", ""))
        .list.filter(pl.element().str.len_chars() >= n)
    )
    # A clean number is "+" and digits: its last digits need no parsing.
    tails = (
        pl.concat_list(full.fill_null([]), fragments.fill_null([]))
        .list.eval(pl.element().str.slice(-n))
        .list.unique(maintain_order=True)
    )
    matching = city_matching(settings.cities)
    # Aliases first too: the "с" of "С-Петербург" is no village prefix.
    city = C.null_if_empty(
        _fold(_text(C.CITY, df))
        .replace(matching.aliases)
        .str.replace(rf"^(?:(?:{matching.prefixes}) )+", "")
    ).replace(matching.aliases)
    # "Свердловская область" names no city: it neither matches nor contradicts one.
    city = pl.when(city.str.contains(matching.regions)).then(None).otherwise(city)
    key = C.null_if_empty(_text(C.COMPANY_KEY, df).str.strip_chars())
    inn = pl.when(_text(C.INN_VALID, df) == "true").then(_text(C.INN, df).str.strip_chars())
    domain = C.null_if_empty(_text(C.DOMAIN, df).str.to_lowercase().str.strip_chars())
    return df.select(
        pl.col(C.LEAD_ID),
        key.alias(KEY),
        city.alias(CITY),
        inn.alias(INN),
        domain.alias(DOMAIN),
        full.alias(PHONES),
        tails.alias(TAILS),
        _fold(_text(C.ADDRESS, df)).alias(ADDR),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW),
        _text(C.LEGAL_FORM, df)
        .str.to_lowercase()
        .is_in(sorted(rules.sole_trader_forms))
        .fill_null(False)
        .alias(SOLE),
        C.null_if_empty(_text(C.LEGAL_FORM, df).str.to_lowercase().str.strip_chars()).alias(FORM),
        C.null_if_empty(_text(C.CITY, df).str.strip_chars()).alias(CITY_TEXT),
    ).with_columns(
        (
            pl.col(SOLE)
            & (pl.col(KEY).str.count_matches(r"\S+") >= 3)
            & ~pl.col(KEY).str.contains(r"(?:^|\s)\S(?:\s|$)")
        )
        .fill_null(False)
        .alias(PERSON)
    )


def dedupe_statistics(rows: pl.DataFrame, settings: Settings) -> DedupeStatistics:
    """The table-wide facts of :class:`DedupeStatistics`, from ``prepare_rows`` of the whole table."""
    rules = settings.dedupe
    aliases = city_matching(settings.cities).aliases
    return DedupeStatistics(
        cities=tuple(_city_vocabulary(rows.get_column(CITY), aliases)),
        hub_phones=frozenset(_hub_values(rows, PHONES, rules).to_list()),
        hub_tails=frozenset(_hub_values(rows, TAILS, rules).to_list()),
        hub_domains=frozenset(_hub_values(rows, DOMAIN, rules).to_list()),
    )


def prepare(
    df: pl.DataFrame, settings: Settings, statistics: DedupeStatistics | None = None
) -> pl.DataFrame:
    """The matching fields of every record, sorted by lead_id with its rank ``R``: ``prepare_rows``,
    then the table-wide facts applied (computed from this table when not given)."""
    check_lead_ids(df)
    rows = prepare_rows(df, settings)
    if statistics is None:
        statistics = dedupe_statistics(rows, settings)
    return apply_statistics(rows.sort(C.LEAD_ID).with_row_index(R), settings, statistics)


def apply_statistics(
    ranked: pl.DataFrame, settings: Settings, statistics: DedupeStatistics
) -> pl.DataFrame:
    """``prepare``'s second half, row by row: ``prepare_rows`` with their ranks ``R``, the table-wide
    facts applied (city from the address, hub values set apart) and the value ids added.

    Any slice of the ranked rows gives the same rows as the whole: an engine applies it per part.
    """
    aliases = city_matching(settings.cities).aliases
    prep = ranked.with_columns(
        _address_fields(list(statistics.cities), aliases, settings.dedupe)
    ).with_columns(pl.col(ADDR).str.extract(r"(\w*\d\w*)").alias(ADDR_NUM))
    return _mark_hubs(prep, statistics).with_columns(
        _value_id(c) for c in (KEY, CITY, INN, DOMAIN, DOMAIN_EV, ADDR, ADDR_NUM)
    )


def _address_fields(
    vocabulary: list[str], aliases: dict[str, str], rules: DedupeRules
) -> list[pl.Expr]:
    """The city (the cell, else the last known city the address names) and the address without
    city, postal code and street-type words."""
    address = pl.col(ADDR)
    city = pl.col(CITY)
    if vocabulary:
        cities = any_word(vocabulary)
        # Map exports write the city only inside the address ("Толстого ул., 18, Екатеринбург").
        city = city.fill_null(address.str.extract_all(cities).list.last().replace(aliases))
        address = address.str.replace_all(cities, " ")
    stop = sorted(rules.address_stopwords)
    # Postal codes repeat the city, not the place: a 6-digit index anywhere, a 5-digit ZIP last.
    tokens = (
        address.str.replace(r" \d{5}$", "")
        .str.split(" ")
        .list.filter(
            ~pl.element().is_in(stop)
            & (pl.element().str.len_chars() > 0)
            & ~pl.element().str.contains(r"^\d{6}$")
        )
        .list.join(" ")
    )
    return [city.alias(CITY), C.null_if_empty(tokens).alias(ADDR)]


def _hub_values(prep: pl.DataFrame, column: str, rules: DedupeRules) -> pl.Series:
    """Values of a (list) column carried by more than ``hub_max_names`` distinct company keys."""
    frame = prep.select(KEY, column)
    if frame.schema[column] == pl.List(pl.String):
        frame = frame.explode(column)
    return (
        frame.drop_nulls()
        .group_by(column)
        .agg(pl.col(KEY).n_unique().alias("names"))
        .filter(pl.col("names") > rules.hub_max_names)
        .get_column(column)
    )


def _mark_hubs(prep: pl.DataFrame, statistics: DedupeStatistics) -> pl.DataFrame:
    """Add the evidence columns: phones, tails and domain minus hub values."""
    hub_phones = sorted(statistics.hub_phones)
    hub_tails = sorted(statistics.hub_tails)
    hub_domains = sorted(statistics.hub_domains)
    return prep.with_columns(
        pl.col(PHONES).list.filter(~pl.element().is_in(hub_phones)).alias(PHONES_EV),
        pl.col(TAILS).list.filter(~pl.element().is_in(hub_tails)).alias(TAILS_EV),
        pl.when(pl.col(DOMAIN).is_in(hub_domains))
        .then(None)
        .otherwise(pl.col(DOMAIN))
        .alias(DOMAIN_EV),
    )


def _pairs_in_blocks(
    frame: pl.DataFrame, order: str, rules: DedupeRules, *, values: bool = False
) -> pl.DataFrame:
    """Pairs of ranks (``PAIR``: a · 2³² + b, a < b) that share the value of column ``block``, with
    that value when ``values`` is set.

    Blocks up to ``block_cap`` records are compared all-pairs; larger ones by sorted neighbourhood:
    sorted by ``order`` and each record paired with its next ``window`` neighbours, so one giant block
    (a generic name, a hub) costs linear, not quadratic, work. Without ``values`` the blocks are
    formed on a 64-bit hash of the value: tens of millions of pairs then carry no text.
    """
    frame = frame.drop_nulls("block")
    if not values:
        frame = frame.with_columns(pl.col("block").hash())
    frame = (
        frame.unique(["block", R])
        .with_columns(pl.len().over("block").alias("_dd_n"))
        .filter(pl.col("_dd_n") > 1)
    )
    small = frame.filter(pl.col("_dd_n") <= rules.block_cap).select("block", R)
    found = [
        small.join(small, on="block", suffix="_b")
        .filter(pl.col(R) < pl.col(f"{R}_b"))
        .select(pl.col(R).alias("a"), pl.col(f"{R}_b").alias("b"), "block")
    ]
    big = frame.filter(pl.col("_dd_n") > rules.block_cap).sort("block", order, R, nulls_last=True)
    if big.height:
        for step in range(1, rules.window + 1):
            found.append(
                big.select(
                    pl.col(R).alias("a"), pl.col(R).shift(-step).over("block").alias("b"), "block"
                ).drop_nulls()
            )
    # One 64-bit number per pair (a < b): deduplicating and joining millions of pairs on it is cheap.
    low = pl.min_horizontal("a", "b").cast(pl.UInt64)
    high = pl.max_horizontal("a", "b").cast(pl.UInt64)
    return pl.concat(found).select((low * 2**32 + high).alias(PAIR), *(["block"] if values else []))


#: The blocking keys of each record (``block_keys``): a valid INN, a non-hub site, the name key with
#: the city, the place (city, house number, street), and the city of a record with a name.
BLOCK_INN = "_dd_block_inn"
BLOCK_DOMAIN = "_dd_block_domain"
BLOCK_NAME = "_dd_block_name"
BLOCK_PLACE = "_dd_block_place"
BLOCK_CITY = "_dd_block_city"
#: The name words that may block (length ≥ 3 or with a digit), the key's length, the hub tails.
WORDS = "_dd_words"
KEY_LEN = "_dd_key_len"
HUB_TAILS = "_dd_hub_tails"
#: The exact blocks of ``candidate_pairs``: (key column, the column big blocks are sorted by).
EXACT_BLOCKS: tuple[tuple[str, str], ...] = (
    (BLOCK_INN, R),
    (BLOCK_DOMAIN, R),
    (BLOCK_NAME, ADDR),
    (BLOCK_PLACE, KEY),
)


def block_keys(prep: pl.DataFrame) -> pl.DataFrame:
    """Every record's blocking keys, from the record alone (by rank ``R``), with ``KEY``, ``CITY``,
    ``ADDR`` (the orders of big blocks), ``PHONES_EV``, ``TAILS_EV`` and ``HUB_TAILS``.

    ``candidate_pairs`` forms its blocks from these columns; an engine that blocks elsewhere
    computes them here, per part of the table, so that both block on the same values.
    """
    city = pl.col(CITY).fill_null("")
    street = pl.col(ADDR).str.replace(r"\w*\d\w*", "").str.strip_chars().str.extract(r"^(\S+)")
    word = pl.element()
    return prep.select(
        R,
        KEY,
        CITY,
        ADDR,
        pl.col(INN).alias(BLOCK_INN),
        pl.col(DOMAIN_EV).alias(BLOCK_DOMAIN),
        pl.concat_str(pl.col(KEY), city, separator="|").alias(BLOCK_NAME),
        pl.concat_str(city, pl.col(ADDR_NUM), street, separator="|").alias(BLOCK_PLACE),
        pl.when(pl.col(KEY).is_not_null()).then(city).alias(BLOCK_CITY),
        pl.col(KEY)
        .str.split(" ")
        .list.eval(word.filter((word.str.len_chars() >= 3) | word.str.contains(r"\d")))
        .alias(WORDS),
        pl.col(KEY).str.len_chars().cast(pl.Int64).alias(KEY_LEN),
        PHONES_EV,
        TAILS_EV,
        pl.col(TAILS).list.set_difference(pl.col(TAILS_EV)).alias(HUB_TAILS),
    )


def _rare_name_tokens(keys: pl.DataFrame, rules: DedupeRules) -> pl.DataFrame:
    """For each record, its two least common name words (length ≥ 3 or with a digit) with the city.

    Blocking on rare words pairs "Ромашка" with "Салон красоты Ромашка" while keeping blocks small:
    a word that every third firm has ("салон", "центр") is not what makes two names one firm, and a
    word in more than ``name_word_cap`` names is no block at all.
    """
    words = (
        keys.select(R, CITY, pl.col(WORDS).alias("word"))
        .explode("word")
        .drop_nulls("word")
        .unique([R, "word"])
    )
    return (
        words.with_columns(pl.len().over("word").alias("_dd_freq"))
        .filter(pl.col("_dd_freq") <= rules.name_word_cap)
        .sort(R, "_dd_freq", "word")
        .group_by(R, maintain_order=True)
        .head(2)
        .select(
            R,
            pl.concat_str(pl.col(CITY).fill_null(""), pl.col("word"), separator="|").alias("block"),
        )
    )


def _shared(prep: pl.DataFrame, column: str, rules: DedupeRules) -> pl.DataFrame:
    """Pairs sharing a value of a list column, each with the smallest such value."""
    frame = prep.select(R, pl.col(column).alias("block")).explode("block")
    return (
        _pairs_in_blocks(frame, R, rules, values=True)
        .group_by(PAIR)
        .agg(pl.col("block").min().alias(column))
    )


def candidate_pairs(prep: pl.DataFrame, rules: DedupeRules, threshold: int) -> pl.DataFrame:
    """Every pair of records (ranks ``a < b``) worth comparing, each once, with ``phone`` and
    ``tail``: the non-hub number (last digits) the two share, if any.

    Exact evidence (valid INN, domain, phone, phone tail, key + city) and fuzzy-name blocks (rare name
    word + city, names sorted within a city, house number + street + city). Fuzzy-name pairs whose
    lengths alone rule out a ``threshold`` similarity are dropped here, before anything is compared.
    """
    keys = block_keys(prep)
    phones = _shared(keys, PHONES_EV, rules).rename({PHONES_EV: "phone"})
    tails = _shared(keys, TAILS_EV, rules).rename({TAILS_EV: "tail"})
    exact = [
        (keys.select(R, pl.col(block).alias("block"), *([order] if order != R else [])), order)
        for block, order in EXACT_BLOCKS
    ]
    by_name = [
        (keys.join(_rare_name_tokens(keys, rules), on=R, how="inner").select(R, "block", KEY), KEY),
        (keys.select(R, KEY, pl.col(BLOCK_CITY).alias("block")), KEY),
    ]
    found = [_pairs_in_blocks(frame, order, rules).select(PAIR) for frame, order in exact]
    named = pl.concat(
        [_pairs_in_blocks(frame, order, rules).select(PAIR) for frame, order in by_name]
    )
    length = keys.get_column(KEY_LEN)
    len_a = length.gather(named.get_column(PAIR) // 2**32)
    len_b = length.gather(named.get_column(PAIR) % 2**32)
    # Indel similarity is at most 1 - |la - lb| / (la + lb): a cheap bound for the name threshold.
    close = (len_a - len_b).abs() * 100 <= (100 - threshold) * (len_a + len_b)
    found.append(named.filter(close.fill_null(False)))
    found += [phones.select(PAIR), tails.select(PAIR)]
    # Tens of millions of pairs at ten million records: what made them goes before they are joined.
    del exact, by_name, named, length, len_a, len_b, close
    everything = pl.concat(found)
    del found
    # Sorted, then told apart from the previous pair: less memory than hashing 100M pairs, and the
    # comparison then reads the records in rank order.
    everything = everything.sort(PAIR)
    pairs = (
        everything.filter((pl.col(PAIR) != pl.col(PAIR).shift(1)).fill_null(True))
        .join(phones, on=PAIR, how="left")
        .join(tails, on=PAIR, how="left")
        .select(
            (pl.col(PAIR) // 2**32).cast(pl.UInt32).alias("a"),
            (pl.col(PAIR) % 2**32).cast(pl.UInt32).alias("b"),
            "phone",
            "tail",
        )
    )
    return pairs.with_columns(any_tail=pl.col("tail").is_not_null() | _share_a_hub(keys, pairs))


def _share_a_hub(keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.Series:
    """Whether each pair shares a hub number (a reception's): no evidence that the two are one
    firm, but neither do their numbers differ."""
    hubs = (
        keys.select(R, pl.col(HUB_TAILS).alias("hub"))
        .filter(pl.col("hub").list.len() > 0)
        .explode("hub")
    )
    with_hub = hubs.get_column(R).unique().implode()
    # Only pairs without a shared number whose records both have a hub number can share one.
    indexed = (
        pairs.select("a", "b", "tail")
        .with_row_index("_dd_pair")
        .filter(
            pl.col("tail").is_null() & pl.col("a").is_in(with_hub) & pl.col("b").is_in(with_hub)
        )
        .select("_dd_pair", "a", "b")
    )
    shared = (
        indexed.join(hubs.rename({R: "a"}), on="a", how="inner")
        .join(hubs.rename({R: "b"}), on=["b", "hub"], how="inner")
        .get_column("_dd_pair")
        .unique()
    )
    return (
        pl.int_range(pairs.height, dtype=pl.UInt32, eager=True)
        .is_in(shared.implode())
        .alias("any_tail")
    )
