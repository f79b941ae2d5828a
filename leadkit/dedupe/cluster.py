"""Group accepted pairs into clusters, strongest evidence first, never joining two conflicting records.

Union-find over record ranks (positions by ``lead_id``). Pairs are applied identifiers first, then by
weight, then ranks, so the result is the same for any input order. A union is refused when the two
clusters would then hold two different valid INNs, or a pair a person marked as not duplicates: this is
the chain guard (A~B by phone, B~C by name, A and C conflicting: C stays out). Pairs that rest on the
name and a place only are applied last and also refused when the two clusters' known phones, cities or
domains are all different: namesakes do not chain through a record that lacks a phone.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

SEED = "seed"
SINGLE = "single"


@dataclass(frozen=True)
class Clustering:
    """Per record (by rank): the rank of its cluster's seed, why it joined, whether on weak evidence."""

    seed: list[int]
    reason: list[str]
    weak: list[bool]


@dataclass(frozen=True)
class Evidence:
    """Per record (by rank): what the conflict guards compare."""

    inn: list[str | None]
    facts: pl.DataFrame
    """Columns ``phones`` (non-hub phone digits, a list), ``city`` and ``domain``, row = rank."""


class _Facts:
    """Phones, cities and domains of one cluster, for the whole-cluster guard."""

    __slots__ = ("city", "domain", "phones")

    def __init__(self, phones: list[str], cities: list[str], domains: list[str]) -> None:
        self.phones = set(phones)
        self.city = set(cities)
        self.domain = set(domains)

    def contradicts(self, other: _Facts, *, phones: bool = True) -> bool:
        """Both clusters know phones (cities, domains) and share none: two firms, not one.
        ``phones=False`` leaves the phones out of the question."""
        pairs = [(self.city, other.city), (self.domain, other.domain)]
        if phones:
            pairs.append((self.phones, other.phones))
        return any(mine and theirs and mine.isdisjoint(theirs) for mine, theirs in pairs)

    def absorb(self, other: _Facts) -> None:
        self.phones |= other.phones
        self.city |= other.city
        self.domain |= other.domain


def _cluster_facts(facts: pl.DataFrame, root_of: dict[int, int]) -> dict[int, _Facts]:
    """The facts of every cluster named in ``root_of`` (record rank → its cluster's root)."""
    members = pl.DataFrame(
        {"rank": list(root_of), "root": list(root_of.values())},
        schema={"rank": pl.UInt32, "root": pl.UInt32},
    )
    gathered = pl.concat(
        [members, facts.select(pl.all().gather(members.get_column("rank")))], how="horizontal"
    )
    grouped = gathered.group_by("root").agg(
        pl.col("phones").list.explode(keep_nulls=False, empty_as_null=False).unique(),
        pl.col("city").drop_nulls().unique(),
        pl.col("domain").drop_nulls().unique(),
    )
    columns = [grouped.get_column(c).to_list() for c in ("root", "phones", "city", "domain")]
    return {
        root: _Facts(phones, cities, domains)
        for root, phones, cities, domains in zip(*columns, strict=True)
    }


#: Pairs resolved at once: components are resolved in batches of about this many pairs.
BATCH_PAIRS = 500_000


def components(size: int, accepted: pl.DataFrame) -> pl.Series:
    """The connected component of every record (by rank) in the graph of ``accepted`` pairs: the
    smallest rank of its component (a record without pairs is its own)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a = accepted.get_column("a").to_numpy().astype(np.int64)
    b = accepted.get_column("b").to_numpy().astype(np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    # Labels are numbered in order of each component's first (smallest) rank.
    first = np.full(labels.max() + 1 if size else 0, size, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(size, dtype=np.int64))
    return pl.Series("component", first[labels], dtype=pl.UInt32)


def cluster_pairs(
    size: int,
    accepted: pl.DataFrame,
    evidence: Evidence,
    not_duplicates: list[tuple[int, int]],
) -> Clustering:
    """Clusters of ``size`` records from the ``accepted`` pairs (a, b, weight, reason, weak, guarded,
    identity, phones_differ) under the conflict guards.

    The records are split into the connected components of the accepted pairs first, and each
    component is resolved on its own (in batches of components): a guard only ever refuses a union,
    so no cluster crosses a component, and a component's result is the same whatever else is in the
    table. Memory follows the batch, not the table, and an engine may resolve components anywhere.

    A ``guarded`` pair (one that rests on the name) may not join two clusters whose known phones,
    cities or domains are all different: chains of namesakes ("Амур" here, "Амур" there, a third
    "Амур" without a phone between them) stop there. Guarded pairs rank after all others, so the
    clusters' facts are gathered once, after the other pairs are applied.
    """
    seed = list(range(size))
    reason = [SINGLE] * size
    weak = [False] * size
    if accepted.is_empty():
        return Clustering(seed, reason, weak)
    component = components(size, accepted)
    forbidden = pl.DataFrame(
        {"a": [x for x, _ in not_duplicates], "b": [y for _, y in not_duplicates]},
        schema={"a": pl.UInt32, "b": pl.UInt32},
    )
    # Pairs of different components can never be joined: only those within one matter.
    forbidden = forbidden.filter(
        component.gather(forbidden["a"]) == component.gather(forbidden["b"])
    )
    sizes = (
        accepted.select(component.gather(accepted.get_column("a")).alias("component"))
        .group_by("component")
        .len()
        .sort("component")
    )
    batch = (sizes.get_column("len").cum_sum() // BATCH_PAIRS).alias("batch")
    batch_of = dict(zip(sizes.get_column("component").to_list(), batch.to_list(), strict=True))
    labelled = pl.DataFrame(
        {"rank": pl.int_range(size, dtype=pl.UInt32, eager=True), "component": component}
    )
    labelled = labelled.with_columns(
        pl.col("component")
        .replace_strict(batch_of, default=None, return_dtype=pl.Int64)
        .alias("batch")
    ).filter(pl.col("batch").is_not_null())
    pair_batch = component.gather(accepted.get_column("a")).replace_strict(
        batch_of, return_dtype=pl.Int64
    )
    accepted = accepted.with_columns(pair_batch.alias("_batch"))
    forbidden = forbidden.with_columns(
        component.gather(forbidden["a"])
        .replace_strict(batch_of, default=-1, return_dtype=pl.Int64)
        .alias("_batch")
    )
    for (number,), members_frame in labelled.partition_by(
        "batch", as_dict=True, maintain_order=True
    ).items():
        members = members_frame.get_column("rank")
        local = _resolve(
            members,
            accepted.filter(pl.col("_batch") == number),
            evidence,
            forbidden.filter(pl.col("_batch") == number),
        )
        ranks = members.to_list()
        for position, rank in enumerate(ranks):
            seed[rank] = ranks[local.seed[position]]
            reason[rank] = local.reason[position]
            weak[rank] = local.weak[position]
    return Clustering(seed, reason, weak)


def _resolve(
    members: pl.Series, pairs: pl.DataFrame, evidence: Evidence, forbidden: pl.DataFrame
) -> Clustering:
    """``_cluster`` on the records ``members`` (sorted ranks) only, numbered 0..k-1 in rank order,
    so that the smaller rank still wins every union."""
    index = members.to_numpy()

    def local(column: pl.Series) -> list[int]:
        return np.searchsorted(index, column.to_numpy()).tolist()

    pairs = pairs.with_columns(
        pl.Series("a", local(pairs.get_column("a")), dtype=pl.UInt32),
        pl.Series("b", local(pairs.get_column("b")), dtype=pl.UInt32),
    )
    sub = Evidence(
        inn=[evidence.inn[r] for r in members.to_list()],
        facts=evidence.facts.select(pl.all().gather(members)),
    )
    marks = list(
        zip(local(forbidden.get_column("a")), local(forbidden.get_column("b")), strict=True)
    )
    enabled = gc.isenabled()
    # Millions of small sets and tuples, none of them cyclic: the cyclic garbage collector would
    # only walk them again and again (a third of the time), so it pauses while they are built.
    gc.disable()
    try:
        return _cluster(len(index), pairs, sub, marks)
    finally:
        if enabled:
            gc.enable()


def _cluster(
    size: int,
    accepted: pl.DataFrame,
    evidence: Evidence,
    not_duplicates: list[tuple[int, int]],
) -> Clustering:
    """Union-find over ``size`` records, strongest pairs first, under the conflict guards."""
    parent = list(range(size))
    inn_of = list(evidence.inn)
    forbidden: dict[int, set[int]] = defaultdict(set)
    for x, y in not_duplicates:
        forbidden[x].add(y)
        forbidden[y].add(x)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ordered = accepted.sort(
        ["guarded", "weight", "a", "b"], descending=[False, True, False, False]
    ).select("a", "b", "reason", "weak", "guarded", "identity", "phones_differ")
    # Guarded pairs rank last: the plain pairs run first, without the whole-cluster facts.
    plain = ordered.height - int(ordered.get_column("guarded").sum())
    ends_a = ordered.get_column("a").to_list()
    ends_b = ordered.get_column("b").to_list()
    identity = ordered.get_column("identity").to_list()
    phones_differ = ordered.get_column("phones_differ").to_list()
    # Company websites per cluster (root), kept from the first union on: a shared number or name
    # never joins two clusters whose sites all differ. Most records have no site: a root without an
    # entry here has at most its own domain, so sets are made only for roots that have one.
    domain_of = evidence.facts.get_column("domain").to_list()
    sites: dict[int, set[str]] = {}
    # The accepted edges in order: (a, b, index in ``ordered``).
    edges: list[tuple[int, int, int]] = []
    facts: dict[int, _Facts] | None = None
    for index in range(ordered.height):
        if index == plain:
            rest = ordered.slice(plain)
            ends = pl.concat([rest.get_column("a"), rest.get_column("b")]).unique()
            needed = {find(x) for x in ends.to_list()}
            touched = {x for a, b, _ in edges for x in (a, b)}
            root_of = {x: r for x in touched | needed if (r := find(x)) in needed}
            facts = _cluster_facts(evidence.facts, root_of)
        a = ends_a[index]
        b = ends_b[index]
        ra = a if parent[a] == a else find(a)
        rb = b if parent[b] == b else find(b)
        if ra == rb:
            continue
        inn_a = inn_of[ra]
        if inn_a is not None:
            inn_b = inn_of[rb]
            if inn_b is not None and inn_a != inn_b:
                continue
        if forbidden and _forbidden_between(ra, rb, forbidden, find):
            continue
        site_a = sites.get(ra)
        if site_a is None and (domain := domain_of[ra]):
            site_a = sites[ra] = {domain}
        site_b = sites.get(rb)
        if site_b is None and (domain := domain_of[rb]):
            site_b = sites[rb] = {domain}
        if not identity[index] and site_a and site_b and site_a.isdisjoint(site_b):
            continue
        # The smaller rank stays root, so a cluster's root is its smallest lead_id: its seed.
        root, child = (ra, rb) if ra < rb else (rb, ra)
        # The sites are joined before the facts guard is asked, and kept even when it refuses.
        if site_a and site_b:
            sites[root] = site_a | site_b
            sites.pop(child, None)
        elif site_a or site_b:
            sites[root] = site_a or site_b or set()
            sites.pop(child, None)
        if facts is not None:
            fa, fb = facts[ra], facts[rb]
            # A pair that itself had numbers that all differ was weighed with that: only a
            # contradiction the pair could not see (a member without a phone) refuses it.
            if fa.contradicts(fb, phones=not phones_differ[index]):
                continue
            big, small = (fa, fb) if len(fa.phones) >= len(fb.phones) else (fb, fa)
            big.absorb(small)
            facts[root] = big
            del facts[child]
        parent[child] = root
        if inn_of[root] is None:
            inn_of[root] = inn_of[child]
        if child in forbidden:
            forbidden[root] |= forbidden.pop(child)
        edges.append((a, b, index))

    tree: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b, index in edges:
        tree[a].append((b, index))
        tree[b].append((a, index))
    reason_of = ordered.get_column("reason").to_list()
    weak_of = ordered.get_column("weak").to_list()
    # Only records some union touched can belong to another record's cluster.
    seed = list(range(size))
    for x in tree:
        seed[x] = find(x)
    reasons = [SINGLE] * size
    weak_join = [False] * size
    # Each member's reason is that of the edge that reached it from the seed, so the explanation
    # reads outward from the seed. Every kept edge joined two clusters: the edges form trees, each
    # member is reached once, by the edge towards its seed, in whatever order the tree is walked.
    reached = bytearray(size)
    for root in {seed[x] for x in tree}:
        reasons[root] = SEED
        reached[root] = 1
        todo = [root]
        while todo:
            node = todo.pop()
            for other, index in tree[node]:
                if not reached[other]:
                    reached[other] = 1
                    reasons[other] = reason_of[index]
                    weak_join[other] = weak_of[index]
                    todo.append(other)
    return Clustering(seed=seed, reason=reasons, weak=weak_join)


def _forbidden_between(
    ra: int, rb: int, forbidden: dict[int, set[int]], find: Callable[[int], int]
) -> bool:
    """True when a member of one cluster is marked as not a duplicate of a member of the other."""
    partners = forbidden.get(ra)
    if partners and any(find(p) == rb for p in partners):
        return True
    partners = forbidden.get(rb)
    return bool(partners and any(find(p) == ra for p in partners))
