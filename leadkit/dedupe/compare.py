"""Compare candidate pairs and decide, by explicit rules, which are one company and why.

Rules, strongest first (``rank``); a pair takes the first rule it meets:

1. ``inn`` — the same valid INN.
2. ``domain D`` — the same company web/e-mail domain (not a hub domain).
3. ``phone P + name NN`` / ``phone P + address`` — a shared non-hub number and a similar name or the
   same address; ``phone P + address + registered name`` when the names differ but one is a registry
   record's (valid INN) or a sole trader's own name and the other a shop sign (weak: goes to review);
   ``phone P`` alone only when one record has no name (weak).
4. ``key + city`` — the same company_key in the same city, unless both have numbers and share none.
5. ``name NN + phone T`` / ``name NN + address`` — a name at least ``threshold`` similar and the same
   phone digits (T: the last digits of a number or fragment) or the same address.
6. ``phone T + name NN`` / ``phone T + address`` — the same phone digits with a supporting name or address.
7. ``name NN + city`` — a similar name in the same city, no other phone or domain, not sole
   traders' personal names (weak).
8. ``key`` — the same company_key, neither record has a city, no other phone, domain or address (weak).
9. ``address + name NN`` — the same address and a supporting name (weak).

Vetoes, checked before any rule: two different valid INNs; and the *soft conflict* — same or similar
name, but at least two of (domain, phones, address) are present on both sides and differ while none of
them agrees: two branches or two namesakes, not one record twice. Rules 3 and 5–9 also refuse two
different cities (rule 3 allows them: one federal number, one company). A number shared only as a hub
(a reception's) is neither evidence nor a difference. Rules 4 and 7–9 rest on the name and a place:
the clustering checks them against whole clusters (see ``cluster``).

Speed: fields are compared as 64-bit value ids; similarities are computed only where a rule reads
them, once per distinct pair of values, by rapidfuzz in parallel.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from leadkit.dedupe.blocking import (
    ADDR,
    ADDR_NUM,
    CITY,
    DOMAIN,
    DOMAIN_EV,
    INN,
    KEY,
    PERSON,
    SOLE,
    TAILS,
    DedupeRules,
)

#: Ranks whose evidence is weak on its own: clusters joined that way go to review.
WEAK_RULES = frozenset(
    {"phone_only", "phone_address_registered", "name_city", "key_only", "address_name"}
)
#: Rules that rest on the name and a place only: the whole-cluster guard checks them.
GUARDED_RULES = frozenset({"key_city", "name_city", "key_only", "address_name"})


def _id(column: str) -> str:
    return f"{column}_id"


def _similarity(
    values: pl.DataFrame,
    ids_a: pl.Series,
    ids_b: pl.Series,
    scorer: Callable[..., float],
    cutoff: int,
) -> pl.Series:
    """Similarity 0–100 of the texts (``values``: id, text) behind aligned value ids (null where
    either is null), computed once per distinct pair of values; rapidfuzz scores them in parallel.

    Texts whose words were sorted first (``SORTED``) make ``ratio`` on them ``token_sort_ratio``.
    Scores below ``cutoff`` (where no rule reads the exact value) are 0.
    """
    # The scores are symmetric: (x, y) and (y, x) are one distinct pair.
    frame = pl.select(
        pl.min_horizontal(ids_a, ids_b).alias("l"), pl.max_horizontal(ids_a, ids_b).alias("r")
    )
    distinct = frame.drop_nulls().unique()
    needed = pl.concat([distinct.get_column("l"), distinct.get_column("r")]).unique()
    lookup = (
        values.filter(pl.col("id").is_in(needed.implode()))
        .select("id", "text")
        .with_row_index("pos")
    )
    distinct = distinct.join(
        lookup.select(pl.col("id").alias("l"), pl.col("pos").alias("lp")), on="l", how="inner"
    ).join(lookup.select(pl.col("id").alias("r"), pl.col("pos").alias("rp")), on="r", how="inner")
    # Each distinct text becomes a Python string once; the pairs share them by position.
    texts = np.array(lookup.get_column("text").to_list(), dtype=object)
    scores = process.cpdist(
        texts[distinct.get_column("lp").to_numpy()].tolist(),
        texts[distinct.get_column("rp").to_numpy()].tolist(),
        scorer=scorer,
        score_cutoff=cutoff,
        workers=-1,
        dtype=np.float32,
    )
    distinct = distinct.select(
        "l", "r", pl.Series("s", scores, dtype=pl.Float32).round(0).cast(pl.Int32)
    )
    return frame.join(distinct, on=["l", "r"], how="left", maintain_order="left").get_column("s")


#: Prefix of the ``values`` entries whose texts have their words sorted (for token_sort_ratio).
SORTED = "sorted:"

#: Pairs compared at once: bounds the memory of the comparison, not its result.
CHUNK_PAIRS = 2_000_000


def compare_pairs(
    prep: pl.DataFrame, pairs: pl.DataFrame, threshold: int, rules: DedupeRules
) -> pl.DataFrame:
    """Accepted pairs with ``a, b, rank, score, reason, weak, guarded``; rejected pairs are dropped."""
    has_tails = (prep.get_column(TAILS).list.len() > 0).alias("tails")
    sides = prep.select(
        *(_id(c) for c in (KEY, CITY, INN, DOMAIN, DOMAIN_EV, ADDR, ADDR_NUM)),
        has_tails,
        SOLE,
        PERSON,
        pl.col(KEY).str.len_chars().cast(pl.Int64).alias("len"),
    )
    values = {
        column: prep.select(pl.col(_id(column)).alias("id"), pl.col(column).alias("text"))
        .drop_nulls()
        .unique("id")
        for column in (KEY, ADDR)
    }
    # Words sorted once per distinct value for all chunks, not once per chunk.
    for column in (KEY, ADDR):
        values[SORTED + column] = values[column].with_columns(
            pl.col("text").str.split(" ").list.sort().list.join(" ")
        )
    chunks = [
        _compare_chunk(prep, sides, values, pairs.slice(start, CHUNK_PAIRS), threshold, rules)
        for start in range(0, max(pairs.height, 1), CHUNK_PAIRS)
    ]
    return pl.concat(chunks)


def _compare_chunk(
    prep: pl.DataFrame,
    sides: pl.DataFrame,
    values: dict[str, pl.DataFrame],
    pairs: pl.DataFrame,
    threshold: int,
    rules: DedupeRules,
) -> pl.DataFrame:
    """``compare_pairs`` on a slice of the pairs (``sides``: the compared fields by rank;
    ``values``: the distinct names and addresses by value id)."""
    a, b = pairs.get_column("a"), pairs.get_column("b")
    feats = pl.concat(
        [
            pairs,
            sides.select(pl.all().gather(a).name.suffix("_a")),
            sides.select(pl.all().gather(b).name.suffix("_b")),
        ],
        how="horizontal",
    )

    def both(column: str) -> pl.Expr:
        return pl.col(f"{column}_a").is_not_null() & pl.col(f"{column}_b").is_not_null()

    def same(column: str) -> pl.Expr:
        return both(column) & (pl.col(f"{column}_a") == pl.col(f"{column}_b"))

    def differ(column: str) -> pl.Expr:
        return both(column) & (pl.col(f"{column}_a") != pl.col(f"{column}_b"))

    feats = feats.with_columns(
        inn_same=same(_id(INN)),
        inn_conflict=differ(_id(INN)),
        domain_same=same(_id(DOMAIN_EV)),
        domain_differ=differ(_id(DOMAIN)),
        key_same=same(_id(KEY)),
        city_same=same(_id(CITY)),
        city_conflict=differ(_id(CITY)),
        no_city=pl.col(f"{_id(CITY)}_a").is_null() & pl.col(f"{_id(CITY)}_b").is_null(),
        name_missing=pl.col(f"{_id(KEY)}_a").is_null() | pl.col(f"{_id(KEY)}_b").is_null(),
        # A registry's legal name or a sole trader's own name beside a shop sign: the names may
        # share no word.
        one_registered=(pl.col(f"{_id(INN)}_a").is_not_null() | pl.col(f"{SOLE}_a"))
        != (pl.col(f"{_id(INN)}_b").is_not_null() | pl.col(f"{SOLE}_b")),
        sole_trader=pl.col(f"{SOLE}_a") | pl.col(f"{SOLE}_b"),
        # Both have numbers and share none.
        phones_differ=pl.col("tails_a") & pl.col("tails_b") & ~pl.col("any_tail"),
    )
    # Indel similarity is at most 1 - |la - lb| / (la + lb): a cheap bound for the name threshold.
    names_close = (pl.col("len_a") - pl.col("len_b")).abs() * 100 <= (100 - threshold) * (
        pl.col("len_a") + pl.col("len_b")
    )
    addresses_comparable = both(_id(ADDR)) & ~differ(_id(ADDR_NUM))
    feats = feats.filter(
        ~pl.col("inn_conflict")
        & (
            pl.col("inn_same")
            | pl.col("domain_same")
            | pl.col("phone").is_not_null()
            | pl.col("tail").is_not_null()
            | pl.col("key_same")
            | ((names_close.fill_null(False) | addresses_comparable) & ~pl.col("city_conflict"))
        )
    ).with_columns(names_close=names_close.fill_null(False), addr_cmp=addresses_comparable)

    # Similarities are the costly part: each is computed only where some rule reads it.
    want_name = pl.when(pl.col("names_close") & ~pl.col("key_same"))
    name = _similarity(
        values[SORTED + KEY],
        feats.select(want_name.then(pl.col(f"{_id(KEY)}_a"))).to_series(),
        feats.select(want_name.then(pl.col(f"{_id(KEY)}_b"))).to_series(),
        fuzz.ratio,
        cutoff=threshold,
    )
    want_addr = pl.when(pl.col("addr_cmp") & (pl.col(f"{_id(ADDR)}_a") != pl.col(f"{_id(ADDR)}_b")))
    addr = _similarity(
        values[SORTED + ADDR],
        feats.select(want_addr.then(pl.col(f"{_id(ADDR)}_a"))).to_series(),
        feats.select(want_addr.then(pl.col(f"{_id(ADDR)}_b"))).to_series(),
        fuzz.ratio,
        cutoff=min(rules.address_differ, rules.address_match),
    )
    feats = feats.with_columns(
        name=pl.when(pl.col("key_same")).then(100).otherwise(name),
        addr=pl.when(pl.col("addr_cmp") & same(_id(ADDR)))
        .then(100)
        .when(differ(_id(ADDR_NUM)))
        .then(0)
        .otherwise(addr),
    ).with_columns(
        addr_same=pl.col("addr").fill_null(0) >= rules.address_match,
        addr_differ=pl.col("addr").is_not_null() & (pl.col("addr") < rules.address_differ),
    )
    # The supporting similarity (token set: "Ромашка" within "Салон красоты Ромашка") is read only
    # beside a shared number or address.
    want_sup = pl.when(
        ~pl.col("key_same")
        & (pl.col("phone").is_not_null() | pl.col("tail").is_not_null() | pl.col("addr_same"))
    )
    support = _similarity(
        values[KEY],
        feats.select(want_sup.then(pl.col(f"{_id(KEY)}_a"))).to_series(),
        feats.select(want_sup.then(pl.col(f"{_id(KEY)}_b"))).to_series(),
        fuzz.token_set_ratio,
        cutoff=min(rules.name_conflict, rules.name_support),
    )
    feats = feats.with_columns(name_sup=pl.when(pl.col("key_same")).then(100).otherwise(support))
    soft_conflict = (
        (
            pl.col("domain_differ").cast(pl.Int8)
            + pl.col("phones_differ").cast(pl.Int8)
            + pl.col("addr_differ").cast(pl.Int8)
        )
        >= 2
    ) & ~(pl.col("domain_same") | pl.col("any_tail") | pl.col("addr_same"))
    # A name alone is weak: any present-and-different phone set or domain outweighs it.
    weak_vetoed = pl.col("phones_differ") | pl.col("domain_differ")
    # Two sole traders' full names are two people's unless they are the same or only a typo apart
    # (initials, "Иванов И. И.", may be anyone of that surname: they follow the usual rules).
    people_differ = pl.col(f"{PERSON}_a") & pl.col(f"{PERSON}_b") & ~pl.col("key_same")
    name_score, sup_score = pl.col("name").fill_null(0), pl.col("name_sup").fill_null(0)
    name_ok = (name_score >= threshold) & ~(people_differ & (name_score < rules.sole_trader_name))
    name_sup = (sup_score >= rules.name_support) & ~(
        people_differ & (sup_score < rules.sole_trader_name)
    )
    phone = pl.col("phone").is_not_null()
    tail = pl.col("tail").is_not_null()
    near = ~pl.col("city_conflict")
    # Two different names at one number and address: one building (reception, food court), two firms.
    names_differ = ~pl.col("name_missing") & (pl.col("name_sup").fill_null(0) < rules.name_conflict)
    addr_same = pl.col("addr_same")
    name_txt = pl.col("name").cast(pl.String)
    sup_txt = pl.col("name_sup").cast(pl.String)
    # Two company websites (not a shared builder's): two firms behind one reception number.
    sites_differ = differ(_id(DOMAIN_EV))

    # (rule, rank, condition, reason) — first match wins.
    table: list[tuple[str, int, pl.Expr, pl.Expr]] = [
        ("inn", 1, pl.col("inn_same"), pl.lit("inn")),
        ("domain", 2, pl.col("domain_same"), pl.format("domain {}", "domain")),
        (
            "phone_name",
            3,
            phone & name_sup & ~sites_differ,
            pl.format("phone {} + name {}", "phone", sup_txt),
        ),
        (
            "phone_address",
            3,
            phone & addr_same & ~names_differ & ~sites_differ,
            pl.format("phone {} + address", "phone"),
        ),
        (
            "phone_address_registered",
            3,
            phone & addr_same & pl.col("one_registered") & ~sites_differ,
            pl.format("phone {} + address + registered name", "phone"),
        ),
        ("phone_only", 3, phone & pl.col("name_missing") & near, pl.format("phone {}", "phone")),
        (
            "key_city",
            4,
            pl.col("key_same") & pl.col("city_same") & ~soft_conflict & ~pl.col("phones_differ"),
            pl.lit("key + city"),
        ),
        ("name_tail", 5, name_ok & tail & near, pl.format("name {} + phone {}", name_txt, "tail")),
        ("name_address", 5, name_ok & addr_same & near, pl.format("name {} + address", name_txt)),
        (
            "tail_name",
            6,
            tail & name_sup & near & ~pl.col("addr_differ"),
            pl.format("phone {} + name {}", "tail", sup_txt),
        ),
        (
            "tail_address",
            6,
            tail & addr_same & near & ~names_differ,
            pl.format("phone {} + address", "tail"),
        ),
        (
            "name_city",
            7,
            name_ok & pl.col("city_same") & ~soft_conflict & ~weak_vetoed & ~pl.col("sole_trader"),
            pl.format("name {} + city", name_txt),
        ),
        (
            "key_only",
            8,
            pl.col("key_same")
            & pl.col("no_city")
            & ~soft_conflict
            & ~weak_vetoed
            & ~pl.col("addr_differ"),
            pl.lit("key"),
        ),
        (
            "address_name",
            9,
            addr_same & name_sup & near & ~pl.col("phones_differ"),
            pl.format("address + name {}", sup_txt),
        ),
    ]
    rule: pl.Expr = pl.lit(None, dtype=pl.String)
    rank: pl.Expr = pl.lit(None, dtype=pl.Int8)
    for name_, number, condition, _ in reversed(table):
        rule = pl.when(condition).then(pl.lit(name_)).otherwise(rule)
        rank = pl.when(condition).then(pl.lit(number, dtype=pl.Int8)).otherwise(rank)
    accepted = feats.with_columns(rule=rule, rank=rank).filter(pl.col("rule").is_not_null())
    # Reasons are text: written only for the accepted pairs.
    accepted = accepted.with_columns(
        domain=prep.get_column(DOMAIN_EV).gather(accepted.get_column("a"))
    )
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    for name_, _, _, text in reversed(table):
        reason = pl.when(pl.col("rule") == name_).then(text).otherwise(reason)
    return accepted.select(
        "a",
        "b",
        "rank",
        pl.col("name").fill_null(0).alias("score"),
        reason.alias("reason"),
        pl.col("rule").is_in(sorted(WEAK_RULES)).alias("weak"),
        pl.col("rule").is_in(sorted(GUARDED_RULES)).alias("guarded"),
    )
