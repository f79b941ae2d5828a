"""Find the records of one company in a cleaned lead table and merge them losslessly.

Stages: ``blocking`` (normalized matching fields, candidate pairs without comparing all pairs),
``compare`` (explicit evidence rules and vetoes), ``cluster`` (union-find, strongest evidence first,
with the conflict guard), ``merge`` (one row per cluster, Polars group-by).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from leadkit import columns as C
from leadkit.dedupe.blocking import (
    CITY,
    DOMAIN_EV,
    INN,
    ROW,
    TAILS_EV,
    DedupeStatistics,
    R,
    candidate_pairs,
    dedupe_statistics,
    prepare,
    prepare_rows,
)
from leadkit.dedupe.cluster import Evidence, cluster_pairs
from leadkit.dedupe.compare import compare_pairs
from leadkit.dedupe.merge import merge_clusters
from leadkit.errors import LeadkitError, Notice, counted
from leadkit.normalize import clean_leads, is_cleaned
from leadkit.settings import Settings, resolve

__all__ = [
    "DEFAULT_THRESHOLD",
    "DedupeResult",
    "DedupeStatistics",
    "dedupe_leads",
    "dedupe_statistics",
    "prepare_rows",
]

#: Name similarity (rapidfuzz token_sort_ratio, 0–100) a fuzzy name match needs (``--threshold``).
DEFAULT_THRESHOLD = 88

NOT_A = "lead_id_a"
NOT_B = "lead_id_b"


@dataclass
class DedupeResult:
    """What ``dedupe_leads`` found, the warnings met, and what was counted."""

    merged: pl.DataFrame
    """One row per cluster."""
    clusters: pl.DataFrame
    """Every input record, in input order, with cluster_id, cluster_size and match_reason."""
    review: pl.DataFrame
    """Records of clusters that some member joined on weak evidence only, for a person to check."""
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def check_not_duplicates(not_duplicates: pl.DataFrame, where: str | None = None) -> None:
    """A not-duplicates table needs the columns lead_id_a and lead_id_b."""
    missing = [c for c in (NOT_A, NOT_B) if c not in not_duplicates.columns]
    if missing:
        raise LeadkitError(
            f"the not-duplicates table needs columns {NOT_A} and {NOT_B}",
            file=where,
            column=missing[0],
        )


def _not_duplicate_ranks(
    not_duplicates: pl.DataFrame | None, prep: pl.DataFrame, warnings: list[Notice]
) -> list[tuple[int, int]]:
    """The rank pairs of ``not_duplicates``; pairs naming a lead id this table lacks are reported."""
    if not_duplicates is None or not_duplicates.is_empty():
        return []
    check_not_duplicates(not_duplicates)
    ranks = prep.select(C.LEAD_ID, R)
    known = prep.get_column(C.LEAD_ID)
    unknown = not_duplicates.filter(
        ~pl.col(NOT_A).cast(pl.String).is_in(known.implode())
        | ~pl.col(NOT_B).cast(pl.String).is_in(known.implode())
    ).height
    if unknown:
        warnings.append(
            Notice(
                f"{counted(unknown, 'not-duplicate pair')} "
                f"{'names' if unknown == 1 else 'name'} a lead_id that is not in this table "
                f"and {'was' if unknown == 1 else 'were'} not used"
            )
        )
    pairs = (
        not_duplicates.select(pl.col(NOT_A).cast(pl.String), pl.col(NOT_B).cast(pl.String))
        .join(ranks.rename({C.LEAD_ID: NOT_A, R: "a"}), on=NOT_A, how="inner")
        .join(ranks.rename({C.LEAD_ID: NOT_B, R: "b"}), on=NOT_B, how="inner")
        .filter(pl.col("a") != pl.col("b"))
    )
    return list(zip(pairs.get_column("a").to_list(), pairs.get_column("b").to_list(), strict=True))


def _chunked_like(base: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """``new`` split at the row boundaries where all of ``base``'s columns are split in memory.

    Side by side with columns split elsewhere, Polars would copy the whole table (gigabytes at a
    million leads) into one piece at the next select; a Parquet file reads in pieces.
    """
    layouts = {tuple(column.chunk_lengths()) for column in base.iter_columns()}
    if len(layouts) != 1:
        return new
    lengths = layouts.pop()
    if len(lengths) < 2 or sum(lengths) != new.height:
        return new
    pieces = []
    offset = 0
    for length in lengths:
        pieces.append(new.slice(offset, length))
        offset += length
    return pl.concat(pieces, rechunk=False)


def dedupe_leads(
    leads: pl.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    not_duplicates: pl.DataFrame | None = None,
    *,
    region: str = "RU",
    settings: Settings | None = None,
    statistics: DedupeStatistics | None = None,
    workers: int = 1,
) -> DedupeResult:
    """Group the records of one company and merge each group into one row.

    ``threshold`` is the name similarity (0–100) fuzzy name matches need; ``not_duplicates`` (columns
    lead_id_a, lead_id_b) lists pairs a person marked as different companies: they never share a
    cluster, nor do two records with different valid INNs. A table that is not cleaned yet is
    cleaned first (numbers without a country code read in ``region``; ``workers`` processes for
    company names). ``statistics`` are the table-wide facts (hubs, cities), computed from ``leads``
    when not given.
    """
    if not 0 <= threshold <= 100:
        raise LeadkitError(f"threshold must be from 0 to 100, not {threshold}")
    settings = resolve(settings)
    warnings: list[Notice] = []
    if not is_cleaned(leads):
        warnings.append(Notice("the input is not cleaned yet: cleaning it first"))
        leads = clean_leads(leads, region, settings=settings, workers=workers).leads
    df = leads
    rules = settings.dedupe
    prep = prepare(df, settings, statistics)
    pairs = candidate_pairs(prep, rules, threshold)
    accepted = compare_pairs(prep, pairs, threshold, rules)
    del pairs  # millions of rows: free them before clustering
    evidence = Evidence(
        inn=prep.get_column(INN).to_list(),
        facts=prep.select(
            pl.col(TAILS_EV).alias("phones"),
            pl.col(CITY).alias("city"),
            pl.col(DOMAIN_EV).alias("domain"),
        ),
    )
    found = cluster_pairs(
        prep.height, accepted, evidence, _not_duplicate_ranks(not_duplicates, prep, warnings)
    )
    lead_by_rank = prep.get_column(C.LEAD_ID)
    by_rank = pl.DataFrame(
        {
            ROW: prep.get_column(ROW),
            C.CLUSTER_ID: lead_by_rank.gather(pl.Series(found.seed, dtype=pl.UInt32)),
            C.MATCH_REASON: pl.Series(found.reason, dtype=pl.String),
            "_dd_weak": pl.Series(found.weak, dtype=pl.Boolean),
        }
    ).with_columns(
        pl.len().over(C.CLUSTER_ID).cast(pl.String).alias(C.CLUSTER_SIZE),
        pl.col("_dd_weak").any().over(C.CLUSTER_ID).alias("_dd_review"),
    )
    # Merging is the peak of memory: what only clustering needed goes before it.
    del prep, accepted, evidence, found, lead_by_rank
    # Back in input order, the new columns sit beside the input's own, which are not copied.
    by_row = by_rank.sort(ROW).drop(ROW)
    del by_rank
    base = df.drop([c for c in C.DEDUPE_COLUMNS if c in df.columns])
    joined = base.hstack(_chunked_like(base, by_row))
    del base, by_row
    clusters = C.order_columns(joined.drop("_dd_weak", "_dd_review"))
    review = C.order_columns(
        joined.filter(pl.col("_dd_review"))
        .drop("_dd_weak", "_dd_review")
        .sort(C.CLUSTER_ID, C.LEAD_ID)
    )
    merged = merge_clusters(clusters, settings.cities)
    counts = {
        "records": clusters.height,
        "companies": merged.height,
        "merged_records": clusters.height - merged.height,
        "review_records": review.height,
    }
    return DedupeResult(merged, clusters, review, warnings, counts)
