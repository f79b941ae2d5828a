"""Compare candidate pairs, weigh the evidence, and decide which pairs are one company and why.

Four small stages, each a function of whole columns:

1. **features** — for each pair, what each field says: the levels of the name (the same key, a typo, a
   similar name, one name within the other, different names), the phones (a shared number, shared
   last digits, only a reception's number in common, numbers that all differ), the city, the address,
   the site, the legal form, the INN; similarities are computed only where a level needs them, once
   per distinct pair of values, by rapidfuzz in parallel.
2. **weights** — each level adds log2(m/u) bits (Fellegi–Sunter, as Splink does). For an agreement on
   a value, u is how many *other* firms carry that value in the table (:class:`Frequencies`): the
   same name is strong evidence where no other firm in the city carries it and weak where twelve do;
   a shared number is strong unless other firms' names use it too. m comes from the rules file, with
   the reason for each number; u for disagreements is measured on random pairs of the table.
3. **decision** — a table of rules (``RULES``), strongest first: vetoes (two valid INNs, two sole
   traders' different names), then the precise identifier rules (INN, site, a shared number with a
   supporting name or the same address), then the weights for everything that rests on names and
   places: the pair is one company when its bits reach ``weights.match``.
4. **reason** — ``match_reason`` says which rule, and for weighed pairs the arithmetic:
   ``name "альфа строй поволжье" (no other firm in Самара) +2.4, phones differ −1.7 = 0.7``.

The clustering (``cluster``) checks whole clusters afterwards: pairs that rest on the name and a place
(``guarded``) may not chain namesakes into one company.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from leadkit.dedupe.blocking import (
    ADDR,
    ADDR_NUM,
    CITY,
    CITY_TEXT,
    DOMAIN,
    DOMAIN_EV,
    FORM,
    INN,
    KEY,
    PERSON,
    PHONES,
    PHONES_EV,
    SOLE,
    TAILS,
    TAILS_EV,
    R,
)
from leadkit.settings import DedupeRules

# Levels of each comparison (small integers: millions of pairs).
NAME_MISSING, NAME_EXACT, NAME_TYPO, NAME_SIMILAR, NAME_SUPPORT, NAME_OTHER, NAME_DIFFER = range(7)
PHONE_MISSING, PHONE_SHARE, PHONE_TAIL, PHONE_HUB, PHONE_DIFFER = range(5)
CITY_MISSING, CITY_SAME, CITY_DIFFER = range(3)
ADDR_MISSING, ADDR_SAME, ADDR_DIFFER, ADDR_OTHER = range(4)
SITE_MISSING, SITE_SAME, SITE_DIFFER = range(3)
FORM_MISSING, FORM_SAME, FORM_DIFFER = range(3)

NAME_LEVELS = {
    NAME_EXACT: "name_exact",
    NAME_TYPO: "name_typo",
    NAME_SIMILAR: "name_similar",
    NAME_SUPPORT: "name_support",
}

#: Pairs compared at once: bounds the memory of the comparison, not its result.
CHUNK_PAIRS = 2_000_000
#: Prefix of the ``values`` entries whose texts have their words sorted (for token_sort_ratio).
SORTED = "sorted:"
#: Random pairs in one city that the disagreement u-probabilities are measured on.
U_SAMPLE = 20_000
#: The seed of those random pairs: the same sample for the same table.
U_SEED = 20261130
#: Records a table needs before u is measured on it rather than taken from the rules file.
MEASURE_MIN = 1_000
#: Share (0-100) of the lighter name's word weight that the other name holds, from which one name
#: counts as within the other.
CONTAINED = 50
#: Names shorter than this are not read as a typo of each other ("Вектор"/"Вектра" are two names).
TYPO_MIN_LETTERS = 8


def _id(column: str) -> str:
    return f"{column}_id"


# --- frequencies: what the whole table says about each value ----------------------------------------


@dataclass(frozen=True)
class Frequencies:
    """Table-wide counts behind the weights.

    ``firm`` numbers each record's firm as far as identifiers tell: records that share a valid INN,
    a site or a non-hub number are one firm. Names and addresses are counted in such firms, so that
    one firm seen in five sources is one carrier of its name, not five; and only in firms that have
    an identifier at all (``known``): a record without a number, site or INN may be any of them, so
    it is no evidence of another firm. Numbers and sites are counted in the distinct names that use
    them.
    """

    firm: pl.Series
    known: pl.Series
    firms: int
    city_firms: pl.DataFrame  # city id → firms
    name_city: pl.DataFrame  # key id, city id → firms
    name_all: pl.DataFrame  # key id → firms
    address_city: pl.DataFrame  # address id, city id → firms
    phone_names: pl.DataFrame  # phone → names
    tail_names: pl.DataFrame  # tail → names
    domain_names: pl.DataFrame  # domain → names
    u: dict[str, float]
    words: WordCounts | None = None
    """The names per word over the whole table, when ``prep`` is only a part of it (an engine's)."""


@dataclass(frozen=True)
class WordCounts:
    """How many of a table's distinct names carry each word (``word``, ``names``), and ``total``:
    how many distinct names the table has."""

    names: pl.DataFrame
    total: int


def identity_firms(prep: pl.DataFrame, pairs: pl.DataFrame) -> pl.Series:
    """Each record's firm as identifiers tell (the smallest rank of the records linked to it by a
    shared valid INN, non-hub site or non-hub number)."""
    from leadkit.dedupe.cluster import components

    inn = prep.get_column(_id(INN))
    site = prep.get_column(_id(DOMAIN_EV))
    a, b = pairs.get_column("a"), pairs.get_column("b")
    same_inn = (inn.gather(a) == inn.gather(b)).fill_null(False)
    same_site = (site.gather(a) == site.gather(b)).fill_null(False)
    differ_inn = (inn.gather(a) != inn.gather(b)).fill_null(False)
    links = pairs.filter(
        (pl.col("phone").is_not_null() | same_inn | same_site) & ~differ_inn
    ).select("a", "b")
    return components(prep.height, links)


def _names_per_value(prep: pl.DataFrame, column: str) -> pl.DataFrame:
    frame = prep.select(KEY, column)
    if isinstance(frame.schema[column], pl.List):
        frame = frame.explode(column)
    return (
        frame.drop_nulls()
        .group_by(column)
        .agg(pl.col(KEY).n_unique().cast(pl.Int64).alias("names"))
        .rename({column: "value"})
    )


def has_identifier() -> pl.Expr:
    """Whether a prepared record has an identifier (a non-hub number or site, a valid INN): only
    the firms of such records count as carriers of a name or an address."""
    return (
        (pl.col(PHONES_EV).list.len() > 0)
        | (pl.col(TAILS_EV).list.len() > 0)
        | pl.col(DOMAIN_EV).is_not_null()
        | pl.col(INN).is_not_null()
    )


def match_frequencies(prep: pl.DataFrame, pairs: pl.DataFrame, rules: DedupeRules) -> Frequencies:
    """The counts of :class:`Frequencies` for a prepared table and its candidate pairs."""
    firm = identity_firms(prep, pairs)
    identified = prep.select(has_identifier()).to_series()
    known_firms = (
        pl.DataFrame({"firm": firm, "id": identified}).group_by("firm").agg(pl.col("id").any())
    )
    known = (
        pl.DataFrame({"firm": firm})
        .join(known_firms, on="firm", how="left", maintain_order="left")
        .get_column("id")
        .fill_null(False)
    )
    frame = (
        prep.select(_id(KEY), _id(CITY), _id(ADDR))
        .with_columns(firm.alias("firm"), known.alias("known"))
        .filter(pl.col("known"))
    )

    def firms_by(*keys: str, table: pl.DataFrame = frame) -> pl.DataFrame:
        return (
            table.drop_nulls(list(keys))
            .group_by(*keys)
            .agg(pl.col("firm").n_unique().cast(pl.Int64).alias("n"))
        )

    everyone = prep.select(_id(CITY)).with_columns(firm.alias("firm"))

    return Frequencies(
        firm=firm,
        known=known,
        firms=max(int(firm.n_unique()), 1),
        city_firms=firms_by(_id(CITY), table=everyone),
        name_city=firms_by(_id(KEY), _id(CITY)),
        name_all=firms_by(_id(KEY)),
        address_city=firms_by(_id(ADDR), _id(CITY)),
        phone_names=_names_per_value(prep, PHONES),
        tail_names=_names_per_value(prep, TAILS),
        domain_names=_names_per_value(prep, DOMAIN),
        u=estimate_u(prep, rules),
    )


def estimate_u(prep: pl.DataFrame, rules: DedupeRules, seed: int = U_SEED) -> dict[str, float]:
    """How often two records of different firms disagree, measured on random pairs of records in one
    city (names, addresses) or in the table (cities, legal forms); the rules file's fallback where
    the table is too small to tell (fewer than ``MEASURE_MIN`` records with a city)."""
    cities = prep.select(_id(CITY)).drop_nulls().group_by(_id(CITY)).len()
    forms = prep.get_column(FORM).drop_nulls().value_counts().get_column("count")
    total = int(cities.get_column("len").sum())
    sample = _random_city_pairs(prep, seed) if total >= MEASURE_MIN else pl.DataFrame()
    return u_estimates(rules, cities.get_column("len"), forms, sample)


def u_estimates(
    rules: DedupeRules, city_sizes: pl.Series, form_counts: pl.Series, sample: pl.DataFrame
) -> dict[str, float]:
    """``estimate_u`` from what it reads of the table: the records per city, per legal form, and the
    random pairs of records in one city (``key_a, key_b, addr_a, addr_b``; empty below
    ``MEASURE_MIN`` records with a city). An engine that holds the table elsewhere gathers these."""
    weights = rules.weights
    u = dict(weights.u)
    # Sorted, so that the sums below do not depend on the order a group-by gave the counts in.
    city_sizes = city_sizes.sort()
    form_counts = form_counts.sort()
    total = int(city_sizes.sum())
    # Small tables say little about random pairs: the rules file's values stand in below these.
    if total >= MEASURE_MIN:
        shares = city_sizes / total
        u["city_differ"] = min(max(1.0 - float((shares**2).sum()), 0.05), 1.0)
    else:
        u["city_differ"] = 0.9
    forms = int(form_counts.sum())
    if forms >= MEASURE_MIN:
        shares = form_counts / forms
        u["form_same"] = min(max(float((shares**2).sum()), 0.05), 0.95)
    else:
        u["form_same"] = 0.5
    if sample.height >= 200:
        names = sample.filter(pl.col("key_a").is_not_null() & pl.col("key_b").is_not_null())
        if names.height >= 200:
            support = process.cpdist(
                names.get_column("key_a").to_list(),
                names.get_column("key_b").to_list(),
                scorer=fuzz.token_set_ratio,
                workers=-1,
                dtype=np.float32,
            )
            differ = float((support < rules.name_conflict).mean())
            other = float(
                ((support >= rules.name_conflict) & (support < rules.name_support)).mean()
            )
            u["name_differ"] = min(max(differ, 1e-3), 1 - 1e-3)
            u["name_other"] = min(max(other, 1e-3), 1 - 1e-3)
        places = sample.filter(pl.col("addr_a").is_not_null() & pl.col("addr_b").is_not_null())
        if places.height >= 200:
            similarity = process.cpdist(
                places.get_column("addr_a").to_list(),
                places.get_column("addr_b").to_list(),
                scorer=fuzz.token_sort_ratio,
                workers=-1,
                dtype=np.float32,
            )
            u["address_differ"] = min(
                max(float((similarity < rules.address_differ).mean()), 1e-3), 1 - 1e-3
            )
    return u


def random_pair_positions(city_sizes: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The positions (in the records with a city, sorted by city id, then rank) of the ``U_SAMPLE``
    random pairs of ``estimate_u``: a random record, and a random record of its city; ``city_sizes``
    are the records per city in that order. Pairs of a record with itself are still in."""
    sizes = np.asarray(city_sizes, dtype=np.int64)
    height = int(sizes.sum())
    starts = np.cumsum(sizes) - sizes
    rng = np.random.default_rng(seed)
    first = rng.integers(0, height, size=U_SAMPLE)
    city = np.searchsorted(starts, first, side="right") - 1
    second = starts[city] + (rng.random(U_SAMPLE) * sizes[city]).astype(np.int64)
    return first.astype(np.int64), second


def _random_city_pairs(prep: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Up to ``U_SAMPLE`` random pairs of different records in one city (the same for the same table,
    whatever its row order: records are taken in rank order)."""
    located = prep.select(R, _id(CITY), KEY, ADDR).drop_nulls(_id(CITY)).sort(_id(CITY), R)
    if located.height < 2:
        return pl.DataFrame(
            schema={
                "key_a": pl.String,
                "key_b": pl.String,
                "addr_a": pl.String,
                "addr_b": pl.String,
            }
        )
    sizes = located.group_by(_id(CITY)).len().sort(_id(CITY)).get_column("len").to_list()
    first, second = random_pair_positions(sizes, seed)
    return city_pairs_at(located, first, second)


def city_pairs_at(located: pl.DataFrame, first: np.ndarray, second: np.ndarray) -> pl.DataFrame:
    """The sample of ``random_pair_positions``: ``located`` holds (at least) the records at those
    positions, in a column ``_pos`` or else by row, with ``KEY`` and ``ADDR``."""
    if "_pos" in located.columns:
        index = located.get_column("_pos").to_numpy()
        order = np.argsort(index, kind="stable")
        rows_first = order[np.searchsorted(index[order], first)]
        rows_second = order[np.searchsorted(index[order], second)]
    else:
        rows_first, rows_second = first, second
    a = located[rows_first]
    b = located[rows_second]
    keep = pl.Series(first != second)
    return pl.DataFrame(
        {
            "key_a": a.get_column(KEY),
            "key_b": b.get_column(KEY),
            "addr_a": a.get_column(ADDR),
            "addr_b": b.get_column(ADDR),
        }
    ).filter(keep)


# --- features -----------------------------------------------------------------------------------------


_SHIFT = 1 << 32


@dataclass(frozen=True)
class _Distinct:
    """Rows of a chunk that hold a pair of values, and the distinct pairs (``left`` ≤ ``right``
    value positions) that ``codes`` points each row to."""

    rows: pl.Series
    codes: pl.Series
    left: pl.Series
    right: pl.Series
    height: int


def _distinct_pairs(pos_a: pl.Series, pos_b: pl.Series) -> _Distinct:
    """The rows where both value positions are present, and each distinct unordered pair of them once."""
    keyed = (
        pl.select(
            key=pl.min_horizontal(pos_a, pos_b).cast(pl.UInt64) * _SHIFT
            + pl.max_horizontal(pos_a, pos_b).cast(pl.UInt64)
        )
        .with_row_index("row")
        .drop_nulls("key")
    )
    coded = keyed.select("row", code=(pl.col("key").rank("dense") - 1).cast(pl.UInt32))
    unique = keyed.select(pl.col("key").unique().sort()).to_series()
    return _Distinct(
        rows=coded.get_column("row"),
        codes=coded.get_column("code"),
        left=(unique // _SHIFT).cast(pl.UInt32),
        right=(unique % _SHIFT).cast(pl.UInt32),
        height=pos_a.len(),
    )


def _scatter(distinct: _Distinct, scores: pl.Series) -> pl.Series:
    """Scores of the distinct pairs back on every row (null where a value is missing)."""
    out = pl.repeat(None, distinct.height, dtype=pl.Int32, eager=True)
    if distinct.rows.len() == 0:
        return out
    return out.scatter(distinct.rows, scores.gather(distinct.codes))


def _similarity(
    texts: pl.Series,
    pos_a: pl.Series,
    pos_b: pl.Series,
    scorer: Callable[..., float],
    cutoff: int | None,
) -> pl.Series:
    """Similarity 0–100 (or a distance) of the texts behind aligned value positions (null where either
    is null), computed once per distinct pair of values; rapidfuzz scores them in parallel.

    Texts whose words were sorted first (``SORTED``) make ``ratio`` on them ``token_sort_ratio``.
    Scores below ``cutoff`` (where no level reads the exact value) are 0.
    """
    distinct = _distinct_pairs(pos_a, pos_b)
    if distinct.rows.len() == 0:
        return _scatter(distinct, pl.Series([], dtype=pl.Int32))
    needed = pl.concat([distinct.left, distinct.right]).unique().sort()
    # Each distinct text becomes a Python string once; the pairs share them by position.
    strings = np.array(texts.gather(needed).to_list(), dtype=object)
    scores = process.cpdist(
        strings[needed.search_sorted(distinct.left).to_numpy()].tolist(),
        strings[needed.search_sorted(distinct.right).to_numpy()].tolist(),
        scorer=scorer,
        score_cutoff=cutoff,
        workers=-1,
        dtype=np.float32,
    )
    return _scatter(distinct, pl.Series(scores, dtype=pl.Float32).round(0).cast(pl.Int32))


def name_words(names: pl.Series) -> pl.DataFrame:
    """Each word of each name (``pos``: the name's position in ``names``, ``word``), each once."""
    return (
        names.to_frame("text")
        .with_row_index("pos")
        .select("pos", pl.col("text").str.split(" ").alias("word"))
        .explode("word")
        .filter(pl.col("word").str.len_chars() > 0)
        .unique()
    )


def word_weights(names: pl.Series, counts: WordCounts | None = None) -> pl.DataFrame:
    """Each word of each distinct name (``names`` by value position) with its weight,
    log(names / names with the word): "стоматология" or "центр", which many names carry, weigh little.

    ``counts`` are the whole table's when ``names`` are only some of its names (counted from
    ``names`` when not given)."""
    words = name_words(names)
    if counts is None:
        counts = WordCounts(words.group_by("word").agg(pl.len().alias("names")), names.len())
    total = max(counts.total, 1)
    weights = counts.names.select(
        "word",
        (pl.lit(total, dtype=pl.Float64) / pl.col("names").cast(pl.Float64)).log().alias("weight"),
    )
    return words.join(weights, on="word").select("pos", "word", "weight").sort("pos")


def _contained(words: pl.DataFrame, pos_a: pl.Series, pos_b: pl.Series) -> pl.Series:
    """How much of the lighter name's word weight the two names share (0–100), once per distinct
    pair of names (``words``: :func:`word_weights`): "Ромашка" within "Салон красоты Ромашка" is 100,
    "Стоматология на Чкалова" and "Стоматология Акварель" share only a common word."""
    distinct = _distinct_pairs(pos_a, pos_b)
    if distinct.rows.len() == 0:
        return _scatter(distinct, pl.Series([], dtype=pl.Int32))
    pairs = pl.DataFrame({"l": distinct.left, "r": distinct.right}).with_row_index("k")
    side_a = pairs.join(words.rename({"pos": "l"}), on="l").select("k", "word", "weight")
    side_b = pairs.join(words.rename({"pos": "r"}), on="r").select("k", "word", "weight")
    total_a = side_a.group_by("k").agg(pl.col("weight").sum().alias("ta"))
    total_b = side_b.group_by("k").agg(pl.col("weight").sum().alias("tb"))
    shared = (
        side_a.join(side_b.select("k", "word"), on=["k", "word"], how="semi")
        .group_by("k")
        .agg(pl.col("weight").sum().alias("shared"))
    )
    scored = (
        pairs.select("k")
        .join(total_a, on="k", how="left")
        .join(total_b, on="k", how="left")
        .join(shared, on="k", how="left")
        .sort("k")
        .select(
            (
                pl.col("shared").fill_null(0.0)
                * 100
                / pl.max_horizontal(pl.min_horizontal("ta", "tb"), pl.lit(1e-9))
            )
            .round(0)
            .cast(pl.Int32)
        )
        .to_series()
    )
    return _scatter(distinct, scored)


def _pos(column: str) -> str:
    return f"{column}_pos"


def _positions(feats: pl.DataFrame, want: pl.Expr, column: str) -> tuple[pl.Series, pl.Series]:
    """Both sides' value positions of ``column`` where ``want`` holds (null elsewhere)."""
    both = feats.select(
        pl.when(want).then(pl.col(f"{_pos(column)}_a")).alias("a"),
        pl.when(want).then(pl.col(f"{_pos(column)}_b")).alias("b"),
    )
    return both.get_column("a"), both.get_column("b")


def _both(column: str) -> pl.Expr:
    return pl.col(f"{column}_a").is_not_null() & pl.col(f"{column}_b").is_not_null()


def _same(column: str) -> pl.Expr:
    return _both(column) & (pl.col(f"{column}_a") == pl.col(f"{column}_b"))


def _differ(column: str) -> pl.Expr:
    return _both(column) & (pl.col(f"{column}_a") != pl.col(f"{column}_b"))


def features(
    pairs: pl.DataFrame,
    sides: pl.DataFrame,
    texts: dict[str, pl.Series],
    words: pl.DataFrame,
    threshold: int,
    rules: DedupeRules,
) -> pl.DataFrame:
    """The comparison levels of each pair (``sides``: the compared fields by rank, with each name's and
    address's position in ``texts``, the distinct names and addresses; ``words``: the names' words and
    their weights). Pairs that no rule or weight could accept are dropped."""
    a, b = pairs.get_column("a"), pairs.get_column("b")
    feats = pl.concat(
        [
            pairs,
            sides.select(pl.all().gather(a).name.suffix("_a")),
            sides.select(pl.all().gather(b).name.suffix("_b")),
        ],
        how="horizontal",
    )
    # Indel similarity is at most 1 - |la - lb| / (la + lb): a cheap bound for the name threshold.
    names_close = (pl.col("len_a") - pl.col("len_b")).abs() * 100 <= (100 - threshold) * (
        pl.col("len_a") + pl.col("len_b")
    )
    addresses_comparable = _both(_id(ADDR)) & ~_differ(_id(ADDR_NUM))
    feats = feats.filter(
        ~_differ(_id(INN))
        & (
            _same(_id(INN))
            | _same(_id(DOMAIN_EV))
            | pl.col("phone").is_not_null()
            | pl.col("tail").is_not_null()
            | _same(_id(KEY))
            | ((names_close.fill_null(False) | addresses_comparable) & ~_differ(_id(CITY)))
        )
    ).with_columns(
        names_close=names_close.fill_null(False),
        addr_cmp=addresses_comparable,
        key_same=_same(_id(KEY)),
    )
    # Similarities are the costly part: each is computed only where a level reads it.
    want_name = pl.col("names_close") & ~pl.col("key_same")
    name = _similarity(
        texts[SORTED + KEY],
        *_positions(feats, want_name, KEY),
        fuzz.ratio,
        cutoff=threshold,
    )
    want_addr = pl.col("addr_cmp") & (pl.col(f"{_id(ADDR)}_a") != pl.col(f"{_id(ADDR)}_b"))
    addr = _similarity(
        texts[SORTED + ADDR],
        *_positions(feats, want_addr, ADDR),
        fuzz.ratio,
        cutoff=min(rules.address_differ, rules.address_match),
    )
    feats = feats.with_columns(
        name=pl.when(pl.col("key_same")).then(100).otherwise(name),
        addr=pl.when(pl.col("addr_cmp") & _same(_id(ADDR)))
        .then(100)
        .when(_differ(_id(ADDR_NUM)))
        .then(0)
        .otherwise(addr),
    ).with_columns(
        addr_same=pl.col("addr").fill_null(0) >= rules.address_match,
        addr_differ=pl.col("addr").is_not_null() & (pl.col("addr") < rules.address_differ),
    )
    # The token-set similarity ("Ромашка" within "Салон красоты Ромашка") is read beside a shared
    # number or address, and between names in one city that are neither close nor far.
    want_sup = (
        ~pl.col("key_same")
        & _both(_id(KEY))
        & (pl.col("phone").is_not_null() | pl.col("tail").is_not_null() | pl.col("addr_same"))
    )
    support = _similarity(
        texts[KEY],
        *_positions(feats, want_sup, KEY),
        fuzz.token_set_ratio,
        cutoff=min(rules.name_conflict, rules.name_support),
    )
    feats = feats.with_columns(sup=pl.when(pl.col("key_same")).then(100).otherwise(support))
    # Whether one name is within the other, its rare words weighed most.
    want_within = ~pl.col("key_same") & (pl.col("sup").fill_null(0) >= rules.name_support)
    within = _contained(words, *_positions(feats, want_within, KEY))
    feats = feats.with_columns(within=pl.when(pl.col("key_same")).then(100).otherwise(within))
    # One typo (a letter dropped, added, changed, or two swapped) between two long names; a
    # different number ("Детский сад 21", "Детский сад 24") is another place, not a typo.
    want_typo = (
        ~pl.col("key_same")
        & (pl.col("name").fill_null(0) >= threshold)
        & (pl.min_horizontal("len_a", "len_b") >= TYPO_MIN_LETTERS)
        & (pl.col("digits_a") == pl.col("digits_b")).fill_null(True)
    )
    edits = _similarity(
        texts[KEY],
        *_positions(feats, want_typo, KEY),
        OSA.distance,
        cutoff=None,
    )
    feats = feats.with_columns(typo=(edits == 1).fill_null(False))
    name_score = pl.col("name").fill_null(0)
    sup_score = pl.col("sup")
    name_level = (
        pl.when(~_both(_id(KEY)))
        .then(NAME_MISSING)
        .when(pl.col("key_same"))
        .then(NAME_EXACT)
        # Names with different numbers in them ("Школа № 21", "Школа № 24") are two places.
        .when(
            (pl.col("digits_a") != pl.col("digits_b"))
            & (pl.col("digits_a") != "")
            & (pl.col("digits_b") != "")
        )
        .then(NAME_OTHER)
        .when(pl.col("typo"))
        .then(NAME_TYPO)
        .when(name_score >= threshold)
        .then(NAME_SIMILAR)
        # One name within the other ("Ромашка", "Салон красоты Ромашка"); sharing a word such as
        # "стоматология" is no evidence: it is what namesakes and neighbours share.
        .when(pl.col("within").fill_null(0) >= CONTAINED)
        .then(NAME_SUPPORT)
        .when(sup_score.is_not_null() & (sup_score < rules.name_conflict))
        .then(NAME_DIFFER)
        .otherwise(NAME_OTHER)
    )
    phone_level = (
        pl.when(pl.col("phone").is_not_null())
        .then(PHONE_SHARE)
        .when(pl.col("tail").is_not_null())
        .then(PHONE_TAIL)
        .when(pl.col("any_tail"))
        .then(PHONE_HUB)
        .when(pl.col("tails_a") & pl.col("tails_b"))
        .then(PHONE_DIFFER)
        .otherwise(PHONE_MISSING)
    )
    city_level = (
        pl.when(_same(_id(CITY)))
        .then(CITY_SAME)
        .when(_differ(_id(CITY)))
        .then(CITY_DIFFER)
        .otherwise(CITY_MISSING)
    )
    addr_level = (
        pl.when(pl.col("addr_same"))
        .then(ADDR_SAME)
        .when(pl.col("addr_differ") | (_both(_id(ADDR)) & _differ(_id(ADDR_NUM))))
        .then(ADDR_DIFFER)
        .when(_both(_id(ADDR)))
        .then(ADDR_OTHER)
        .otherwise(ADDR_MISSING)
    )
    site_level = (
        pl.when(_same(_id(DOMAIN_EV)))
        .then(SITE_SAME)
        .when(_differ(_id(DOMAIN_EV)))
        .then(SITE_DIFFER)
        .otherwise(SITE_MISSING)
    )
    form_level = (
        pl.when(_same(FORM))
        .then(FORM_SAME)
        .when(_differ(FORM))
        .then(FORM_DIFFER)
        .otherwise(FORM_MISSING)
    )
    # Pairs no rule can accept go now, before the weights' joins: without a shared valid INN, site,
    # number or phone digits, only a name the same, a typo or similar away, or one within the other
    # at one address, can join two records.
    could_match = (
        _same(_id(INN))
        | _same(_id(DOMAIN_EV))
        | phone_level.is_in([PHONE_SHARE, PHONE_TAIL])
        | name_level.is_in([NAME_EXACT, NAME_TYPO, NAME_SIMILAR])
        | ((name_level == NAME_SUPPORT) & (addr_level == ADDR_SAME))
    )
    return feats.filter(could_match).select(
        "a",
        "b",
        "phone",
        "tail",
        pl.col("name").fill_null(0).cast(pl.Int16).alias("name"),
        sup_score.cast(pl.Int16).alias("sup"),
        name_level.cast(pl.UInt8).alias("name_level"),
        phone_level.cast(pl.UInt8).alias("phone_level"),
        city_level.cast(pl.UInt8).alias("city_level"),
        addr_level.cast(pl.UInt8).alias("addr_level"),
        site_level.cast(pl.UInt8).alias("site_level"),
        form_level.cast(pl.UInt8).alias("form_level"),
        _same(_id(INN)).alias("inn_same"),
        (pl.col(f"{_id(INN)}_a").is_not_null() | pl.col(f"{SOLE}_a"))
        .ne(pl.col(f"{_id(INN)}_b").is_not_null() | pl.col(f"{SOLE}_b"))
        .alias("one_registered"),
        (pl.col(f"{SOLE}_a") | pl.col(f"{SOLE}_b")).alias("sole_trader"),
        # Two sole traders' full names are two people's unless they are the same or only a typo
        # apart (initials, "Иванов И. И.", may be anyone of that surname: the usual rules apply).
        (pl.col(f"{PERSON}_a") & pl.col(f"{PERSON}_b") & ~pl.col("key_same")).alias("people"),
        pl.col(f"{_id(KEY)}_a").alias("key_a"),
        pl.col(f"{_id(KEY)}_b").alias("key_b"),
        pl.col(f"{_id(CITY)}_a").alias("city"),
        pl.col(f"{_id(ADDR)}_a").alias("addr_a"),
        pl.col(f"{_id(ADDR)}_b").alias("addr_b"),
    )


# --- weights ------------------------------------------------------------------------------------------


def _log2(expr: pl.Expr) -> pl.Expr:
    return expr.log(2)


def weigh(
    feats: pl.DataFrame, freq: Frequencies, rules: DedupeRules, prep: pl.DataFrame
) -> pl.DataFrame:
    """The weight (bits) of each field's level and their total ``weight``; ``others`` is how many
    other firms carry the agreeing name (for the reason)."""
    w = rules.weights
    u, unseen = freq.u, w.unseen
    # A record's firm counts among a name's carriers only when it has an identifier.
    firm = pl.select(pl.when(freq.known).then(freq.firm)).to_series()
    feats = (
        feats.with_columns(
            firm_a=firm.gather(feats.get_column("a")),
            firm_b=firm.gather(feats.get_column("b")),
            domain=prep.get_column(DOMAIN_EV).gather(feats.get_column("a")),
        )
        .join(freq.city_firms.rename({_id(CITY): "city", "n": "city_firms"}), on="city", how="left")
        .join(
            freq.name_city.rename({_id(KEY): "key_a", _id(CITY): "city", "n": "name_city_a"}),
            on=["key_a", "city"],
            how="left",
        )
        .join(
            freq.name_city.rename({_id(KEY): "key_b", _id(CITY): "city", "n": "name_city_b"}),
            on=["key_b", "city"],
            how="left",
        )
        .join(freq.name_all.rename({_id(KEY): "key_a", "n": "name_all_a"}), on="key_a", how="left")
        .join(freq.name_all.rename({_id(KEY): "key_b", "n": "name_all_b"}), on="key_b", how="left")
        .join(
            freq.address_city.rename({_id(ADDR): "addr_a", _id(CITY): "city", "n": "addr_firms"}),
            on=["addr_a", "city"],
            how="left",
        )
        .join(
            freq.phone_names.rename({"value": "phone", "names": "phone_names"}),
            on="phone",
            how="left",
        )
        .join(
            freq.tail_names.rename({"value": "tail", "names": "tail_names"}), on="tail", how="left"
        )
        .join(
            freq.domain_names.rename({"value": "domain", "names": "domain_names"}),
            on="domain",
            how="left",
        )
    )
    firms = float(freq.firms)
    own_firms = (
        pl.when(pl.col("firm_a").is_null() & pl.col("firm_b").is_null())
        .then(0)
        .when(
            pl.col("firm_a").is_null()
            | pl.col("firm_b").is_null()
            | (pl.col("firm_a") == pl.col("firm_b"))
        )
        .then(1)
        .otherwise(2)
    )
    own_names = (
        pl.when(pl.col("key_a").is_null() & pl.col("key_b").is_null())
        .then(0)
        .when(
            pl.col("key_a").is_null()
            | pl.col("key_b").is_null()
            | (pl.col("key_a") == pl.col("key_b"))
        )
        .then(1)
        .otherwise(2)
    )
    same_city = pl.col("city_level") == CITY_SAME
    one_key = pl.col("key_a") == pl.col("key_b")
    # Other firms that carry the pair's name (or either of two similar names): in its city, or in
    # the whole table where the city is not the same.
    family_city = pl.col("name_city_a").fill_null(0) + pl.when(one_key).then(0).otherwise(
        pl.col("name_city_b").fill_null(0)
    )
    family_all = pl.col("name_all_a").fill_null(0) + pl.when(one_key).then(0).otherwise(
        pl.col("name_all_b").fill_null(0)
    )
    # In a city, one firm may show as two there (a bought base's old office line shares no number
    # with the firm's other records): one of the other firms counted there may be the pair's own.
    # The rest of the country says how many namesakes a city of this size has anyway: a name forty
    # cities carry has some here too, seen or not; a name no other city carries, none.
    in_city = (family_city - own_firms - 1).clip(0)
    city_share = pl.col("city_firms").cast(pl.Float64) / pl.max_horizontal(
        firms - pl.col("city_firms").cast(pl.Float64), pl.lit(1.0)
    )
    expected = (family_all - family_city).clip(0) * city_share
    others = (
        pl.when(same_city)
        .then(pl.max_horizontal(in_city, expected))
        .otherwise((family_all - own_firms).clip(0))
    )
    scope = pl.when(same_city).then(pl.col("city_firms").cast(pl.Float64)).otherwise(firms)
    prior = math.log2(w.prior / firms)

    # The u-part of each field's weight: log2(1/u), where u is the chance that a pair of different
    # firms shows this level (per value for agreements); log2(m) is added by ``apply_m``.
    name_u = pl.lit(0.0)
    for level in NAME_LEVELS:
        # A firm the table does not show may well carry the same name ("Вектор"); that its name is
        # one slip of the keyboard away from a long name of this table's is much less likely.
        unseen_firms = unseen["typo"] if level == NAME_TYPO else unseen["name"]
        name_u = (
            pl.when(pl.col("name_level") == level)
            .then(_log2(scope / (others + unseen_firms)))
            .otherwise(name_u)
        )
    name_u = (
        pl.when(pl.col("name_level") == NAME_OTHER)
        .then(-math.log2(u["name_other"]))
        .when(pl.col("name_level") == NAME_DIFFER)
        .then(-math.log2(u["name_differ"]))
        .otherwise(name_u)
    )
    # A shared number or address already puts both records in one place: the city adds nothing
    # more (two firms that share a reception are in one city too).
    located = pl.col("phone_level").is_in([PHONE_SHARE, PHONE_TAIL]) | (
        pl.col("addr_level") == ADDR_SAME
    )
    city_u = (
        pl.when(same_city & ~located)
        .then(_log2(firms / pl.col("city_firms").cast(pl.Float64)))
        .when(pl.col("city_level") == CITY_DIFFER)
        .then(-math.log2(u["city_differ"]))
        .otherwise(0.0)
    )
    phone_others = (pl.col("phone_names").fill_null(0) - own_names).clip(0)
    tail_others = (pl.col("tail_names").fill_null(0) - own_names).clip(0)
    phone_u = (
        pl.when(pl.col("phone_level") == PHONE_SHARE)
        .then(_log2(firms / (phone_others + unseen["phone"])))
        .when(pl.col("phone_level") == PHONE_TAIL)
        .then(_log2(firms / (tail_others + unseen["phone"])))
        .when(pl.col("phone_level") == PHONE_DIFFER)
        .then(-math.log2(u["phone_differ"]))
        .otherwise(0.0)
    )
    addr_others = (pl.col("addr_firms").fill_null(0) - own_firms).clip(0)
    # Beside a shared number, the same address is what two firms of one building share too.
    addr_said = ~(
        (pl.col("addr_level") == ADDR_SAME) & pl.col("phone_level").is_in([PHONE_SHARE, PHONE_TAIL])
    )
    addr_u = (
        pl.when((pl.col("addr_level") == ADDR_SAME) & addr_said)
        .then(_log2(scope / (addr_others + unseen["address"])))
        .when(pl.col("addr_level") == ADDR_DIFFER)
        .then(-math.log2(u["address_differ"]))
        .otherwise(0.0)
    )
    site_u = (
        pl.when(pl.col("site_level") == SITE_SAME)
        .then(
            _log2(
                firms
                / (pl.col("domain_names").fill_null(0) - own_names).clip(0).add(unseen["domain"])
            )
        )
        .when(pl.col("site_level") == SITE_DIFFER)
        .then(-math.log2(u["domain_differ"]))
        .otherwise(0.0)
    )
    form_u = (
        pl.when(pl.col("form_level") == FORM_SAME)
        .then(-math.log2(u["form_same"]))
        .when(pl.col("form_level") == FORM_DIFFER)
        .then(-math.log2(1 - u["form_same"]))
        .otherwise(0.0)
    )
    return feats.with_columns(
        others=others.cast(pl.Float64),
        phone_others=phone_others.cast(pl.Int64),
        w_prior=pl.lit(prior),
        u_name=name_u,
        u_city=city_u,
        u_phone=phone_u,
        u_addr=addr_u,
        u_site=site_u,
        u_form=form_u,
        addr_said=addr_said,
    )


#: For each weighed field: its level column and the m-probability of each level that carries weight.
FIELDS: dict[str, tuple[str, dict[int, str]]] = {
    "name": (
        "name_level",
        {
            NAME_EXACT: "name_exact",
            NAME_TYPO: "name_typo",
            NAME_SIMILAR: "name_similar",
            NAME_SUPPORT: "name_support",
            NAME_OTHER: "name_other",
            NAME_DIFFER: "name_differ",
        },
    ),
    "city": ("city_level", {CITY_SAME: "city_same", CITY_DIFFER: "city_differ"}),
    "phone": (
        "phone_level",
        {PHONE_SHARE: "phone_share", PHONE_TAIL: "phone_tail", PHONE_DIFFER: "phone_differ"},
    ),
    "addr": ("addr_level", {ADDR_SAME: "address_same", ADDR_DIFFER: "address_differ"}),
    "site": ("site_level", {SITE_SAME: "domain_same", SITE_DIFFER: "domain_differ"}),
    "form": ("form_level", {FORM_SAME: "form_same", FORM_DIFFER: "form_differ"}),
}
#: Levels that are seen (the field is there on both sides) but carry no weight.
_SEEN_WITHOUT_WEIGHT = {"phone": [PHONE_HUB], "addr": [ADDR_OTHER]}


def _carries(field: str, level: int) -> pl.Expr:
    """Whether a pair's level of ``field`` carries weight."""
    column = FIELDS[field][0]
    condition = pl.col(column) == level
    if field == "addr" and level == ADDR_SAME:
        condition = condition & pl.col("addr_said")
    return condition


def apply_m(weighed: pl.DataFrame, m: dict[str, float]) -> pl.DataFrame:
    """Each field's weight ``w_<field>`` = log2(m) + its u-part, and the total ``weight``."""
    columns = []
    for field, (_, levels) in FIELDS.items():
        w: pl.Expr = pl.lit(0.0)
        for level, key in levels.items():
            w = (
                pl.when(_carries(field, level))
                .then(pl.col(f"u_{field}") + math.log2(m[key]))
                .otherwise(w)
            )
        columns.append(w.alias(f"w_{field}"))
    return weighed.with_columns(columns).with_columns(
        weight=pl.sum_horizontal("w_prior", *(f"w_{f}" for f in FIELDS))
    )


# --- decision -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One row of the decision table: a pair meeting ``when`` is decided by this rule."""

    name: str
    accept: bool
    identity: bool  # evidence enough to join clusters whose sites differ (INN, the same site)
    guarded: bool  # rests on names and places only: checked against whole clusters
    when: Callable[[int, DedupeRules], pl.Expr]


def _name_supports(rules: DedupeRules) -> pl.Expr:
    people_differ = pl.col("people") & (pl.col("sup").fill_null(0) < rules.sole_trader_name)
    return (pl.col("sup").fill_null(0) >= rules.name_support) & ~people_differ


def _names_differ(rules: DedupeRules) -> pl.Expr:
    return pl.col("name_level") == NAME_DIFFER


def _near() -> pl.Expr:
    return pl.col("city_level") != CITY_DIFFER


RULES: tuple[Rule, ...] = (
    Rule("inn", True, True, False, lambda t, r: pl.col("inn_same")),
    Rule(
        "people differ",
        False,
        False,
        False,
        # Two sole traders (Иванов Иван Иванович, Иванов Иван Ильич) are two people, even at one
        # family phone, unless their names are the same or a typo apart.
        lambda t, r: (
            pl.col("people")
            & (pl.max_horizontal(pl.col("name"), pl.col("sup").fill_null(0)) < r.sole_trader_name)
        ),
    ),
    Rule("domain", True, True, False, lambda t, r: pl.col("site_level") == SITE_SAME),
    Rule(
        "phone + name",
        True,
        False,
        False,
        lambda t, r: (
            (pl.col("phone_level") == PHONE_SHARE)
            & _name_supports(r)
            & (pl.col("site_level") != SITE_DIFFER)
        ),
    ),
    Rule(
        "phone + address",
        True,
        False,
        False,
        # Two different names at one number and address (two restaurants of one hotel) are two firms.
        lambda t, r: (
            (pl.col("phone_level") == PHONE_SHARE)
            & (pl.col("addr_level") == ADDR_SAME)
            & ~_names_differ(r)
            & (pl.col("site_level") != SITE_DIFFER)
        ),
    ),
    Rule(
        "phone + address + registered name",
        True,
        False,
        False,
        # A registry's legal name or a sole trader's own name beside a shop sign: they may share no word.
        lambda t, r: (
            (pl.col("phone_level") == PHONE_SHARE)
            & (pl.col("addr_level") == ADDR_SAME)
            & pl.col("one_registered")
            & (pl.col("site_level") != SITE_DIFFER)
        ),
    ),
    Rule(
        "phone",
        True,
        False,
        False,
        lambda t, r: (
            (pl.col("phone_level") == PHONE_SHARE)
            & (pl.col("name_level") == NAME_MISSING)
            & _near()
        ),
    ),
    Rule(
        "phone digits + name",
        True,
        False,
        False,
        lambda t, r: (
            (pl.col("phone_level") == PHONE_TAIL)
            & _name_supports(r)
            & _near()
            & (pl.col("addr_level") != ADDR_DIFFER)
        ),
    ),
    Rule(
        "phone digits + address",
        True,
        False,
        False,
        lambda t, r: (
            (pl.col("phone_level") == PHONE_TAIL)
            & (pl.col("addr_level") == ADDR_SAME)
            & _near()
            & ~_names_differ(r)
        ),
    ),
    Rule(
        "weights",
        True,
        False,
        True,
        # Names and places: the pair's bits decide. A sole trader's name says who, not which shop.
        lambda t, r: (
            (pl.col("weight") >= r.weights.match)
            & (pl.col("name_level").is_in([NAME_EXACT, NAME_TYPO, NAME_SIMILAR, NAME_SUPPORT]))
            & ~(pl.col("sole_trader") & (pl.col("name_level") != NAME_EXACT))
            & ~((pl.col("name_level") == NAME_SUPPORT) & (pl.col("addr_level") != ADDR_SAME))
            & _near()
        ),
    ),
)
#: Rules that take their weight from the weights: pairs so joined go to review below ``review``.
WEIGHED = frozenset({"weights"})


def decide(weighed: pl.DataFrame, threshold: int, rules: DedupeRules) -> pl.DataFrame:
    """The accepted pairs with their rule (first that applies), weight, and flags."""
    rule: pl.Expr = pl.lit(None, dtype=pl.String)
    for entry in reversed(RULES):
        rule = pl.when(entry.when(threshold, rules)).then(pl.lit(entry.name)).otherwise(rule)
    accepted = {e.name for e in RULES if e.accept}
    decided = weighed.with_columns(rule=rule).filter(pl.col("rule").is_in(sorted(accepted)))
    return decided.with_columns(
        identity=pl.col("rule").is_in(sorted(e.name for e in RULES if e.identity)),
        guarded=pl.col("rule").is_in(sorted(e.name for e in RULES if e.guarded)),
        weak=(pl.col("weight") < rules.weights.review)
        & ~pl.col("rule").is_in(["inn", "domain", "phone + name", "phone + address"]),
    )


# --- reasons ------------------------------------------------------------------------------------------


def _bits(expr: pl.Expr) -> pl.Expr:
    """A weight as text: ``+2.4`` or ``−1.7`` (a real minus sign)."""
    rounded = expr.round(1)
    return (
        pl.when(rounded >= 0)
        .then(pl.lit("+") + rounded.cast(pl.String))
        .otherwise(pl.lit("−") + rounded.abs().cast(pl.String))
    )


def _city_name(prep: pl.DataFrame, a: pl.Series, b: pl.Series) -> pl.Series:
    """The pair's city as a record writes it: the city cell of ``a`` or ``b`` that is the city
    compared, else the compared (folded) name in capitals."""

    def fold(cell: str) -> pl.Expr:
        return (
            pl.col(cell)
            .str.to_lowercase()
            .str.replace_all("ё", "е")
            .str.replace_all(r"[^\w]+", " ")
            .str.strip_chars()
        )

    cells = pl.DataFrame(
        {
            "folded": prep.get_column(CITY).gather(a),
            "a": prep.get_column(CITY_TEXT).gather(a),
            "b": prep.get_column(CITY_TEXT).gather(b),
        }
    )
    return cells.select(
        pl.when(fold("a") == pl.col("folded"))
        .then(pl.col("a"))
        .when(fold("b") == pl.col("folded"))
        .then(pl.col("b"))
        .otherwise(pl.col("folded").str.to_titlecase())
    ).to_series()


def reasons(decided: pl.DataFrame, prep: pl.DataFrame) -> pl.Series:
    """``match_reason`` of each accepted pair: the rule, and the arithmetic of the weights."""
    a = decided.get_column("a")
    frame = decided.with_columns(
        city_text=_city_name(prep, a, decided.get_column("b")),
        domain_text=prep.get_column(DOMAIN_EV).gather(a),
        name_text=prep.get_column(KEY).gather(a),
    )
    others = pl.col("others").round(0).cast(pl.Int64)
    firms = (
        pl.when(others == 0)
        .then(pl.lit("no other firm"))
        .when(others == 1)
        .then(pl.lit("1 other firm"))
        .otherwise(others.cast(pl.String) + pl.lit(" other firms"))
    )
    where = (
        pl.when(pl.col("city_level") == CITY_SAME)
        .then(pl.lit(" in ") + pl.col("city_text"))
        .otherwise(pl.lit(""))
    )
    name_label = (
        pl.when(pl.col("name_level") == NAME_EXACT)
        .then(pl.format('name "{}"', "name_text"))
        .when(pl.col("name_level") == NAME_SUPPORT)
        .then(pl.format("name {}", pl.col("sup").cast(pl.String)))
        .otherwise(pl.format("name {}", pl.col("name").cast(pl.String)))
    )
    # The prior and the city are part of the name's term: "no other firm in Самара" is the odds.
    name_term = pl.format(
        "{} ({}{}) {}",
        name_label,
        firms,
        where,
        _bits(pl.col("w_prior") + pl.col("w_name") + pl.col("w_city")),
    )
    terms = [name_term]
    for column, label in (
        (
            "w_phone",
            pl.when(pl.col("phone_level") == PHONE_DIFFER)
            .then(pl.lit("phones differ"))
            .otherwise(pl.lit("phone digits")),
        ),
        (
            "w_addr",
            pl.when(pl.col("addr_level") == ADDR_SAME)
            .then(pl.lit("address"))
            .otherwise(pl.lit("addresses differ")),
        ),
        ("w_site", pl.lit("sites differ")),
        (
            "w_form",
            pl.when(pl.col("form_level") == FORM_SAME)
            .then(pl.lit("legal form"))
            .otherwise(pl.lit("legal forms differ")),
        ),
    ):
        terms.append(
            pl.when(pl.col(column).abs() >= 0.05).then(
                pl.format("{} {}", label, _bits(pl.col(column)))
            )
        )
    # The total shown is the sum of the terms shown, so that a reader's arithmetic agrees.
    shown = pl.sum_horizontal(
        (pl.col("w_prior") + pl.col("w_name") + pl.col("w_city")).round(1),
        *(
            pl.when(pl.col(c).abs() >= 0.05).then(pl.col(c).round(1)).otherwise(0.0)
            for c in ("w_phone", "w_addr", "w_site", "w_form")
        ),
    ).round(1)
    arithmetic = (
        pl.concat_str([*terms], separator=", ", ignore_nulls=True)
        + pl.lit(" = ")
        + _bits(shown).str.strip_prefix("+")
    )
    sup = pl.col("sup").fill_null(0).cast(pl.String)
    text = (
        pl.when(pl.col("rule") == "inn")
        .then(pl.lit("inn"))
        .when(pl.col("rule") == "domain")
        .then(pl.format("domain {}", "domain_text"))
        .when(pl.col("rule") == "phone + name")
        .then(pl.format("phone {} + name {}", "phone", sup))
        .when(pl.col("rule") == "phone + address")
        .then(pl.format("phone {} + address", "phone"))
        .when(pl.col("rule") == "phone + address + registered name")
        .then(pl.format("phone {} + address + registered name", "phone"))
        .when(pl.col("rule") == "phone")
        .then(pl.format("phone {}", "phone"))
        .when(pl.col("rule") == "phone digits + name")
        .then(pl.format("phone {} + name {}", "tail", sup))
        .when(pl.col("rule") == "phone digits + address")
        .then(pl.format("phone {} + address", "tail"))
        .otherwise(arithmetic)
    )
    return frame.select(text.alias("reason")).to_series()


# --- the whole comparison -----------------------------------------------------------------------------


def weighed_pairs(
    prep: pl.DataFrame,
    pairs: pl.DataFrame,
    threshold: int,
    rules: DedupeRules,
    freq: Frequencies,
) -> Iterator[pl.DataFrame]:
    """Every candidate pair that could be accepted, with its levels and weights, a chunk at a time."""
    has_tails = (prep.get_column(TAILS).list.len() > 0).alias("tails")
    sides = prep.select(
        *(_id(c) for c in (KEY, CITY, INN, DOMAIN, DOMAIN_EV, ADDR, ADDR_NUM)),
        has_tails,
        SOLE,
        PERSON,
        FORM,
        pl.col(KEY).str.len_chars().cast(pl.Int64).alias("len"),
        pl.col(KEY).str.replace_all(r"[^0-9]", "").alias("digits"),
    )
    # Each distinct name and address once, by position; its words sorted once for all chunks.
    texts: dict[str, pl.Series] = {}
    for column in (KEY, ADDR):
        # (On frames: string expressions on a bare Series run many times slower.)
        distinct = prep.select(pl.col(column).drop_nulls().unique()).with_row_index(_pos(column))
        texts[column] = distinct.get_column(column)
        texts[SORTED + column] = distinct.select(
            pl.col(column).str.split(" ").list.sort().list.join(" ")
        ).to_series()
        sides = sides.with_columns(
            prep.select(column)
            .join(distinct, on=column, how="left", maintain_order="left")
            .get_column(_pos(column))
        )
    words = word_weights(texts[KEY], freq.words)
    m = dict(rules.weights.m)
    for start in range(0, max(pairs.height, 1), CHUNK_PAIRS):
        feats = features(pairs.slice(start, CHUNK_PAIRS), sides, texts, words, threshold, rules)
        yield apply_m(weigh(feats, freq, rules, prep), m)


def compare_pairs(
    prep: pl.DataFrame,
    pairs: pl.DataFrame,
    threshold: int,
    rules: DedupeRules,
    freq: Frequencies,
) -> pl.DataFrame:
    """Accepted pairs with ``a, b, weight, reason, weak, guarded, identity``; the rest are dropped."""
    chunks = []
    for weighed in weighed_pairs(prep, pairs, threshold, rules, freq):
        decided = decide(weighed, threshold, rules)
        chunks.append(
            decided.select(
                "a",
                "b",
                pl.col("weight").cast(pl.Float64),
                reasons(decided, prep).alias("reason"),
                "weak",
                "guarded",
                "identity",
                (pl.col("phone_level") == PHONE_DIFFER).alias("phones_differ"),
            )
        )
    return pl.concat(chunks)
