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
from leadkit.dedupe.compare import compare_pairs, match_frequencies
from leadkit.dedupe.merge import merge_clusters
from leadkit.errors import LeadkitError, Notice, counted, first_line
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


#: The columns matching reads. The others only ride along to the outputs, so a table read lazily
#: (a Parquet file) is read twice: these columns to match, then all of it to write the results.
MATCH_COLUMNS: tuple[str, ...] = (
    C.LEAD_ID,
    C.LEAD_IDS,
    C.COMPANY_KEY,
    C.CITY,
    C.INN,
    C.INN_VALID,
    C.DOMAIN,
    C.PHONES,
    C.PHONE_INVALID,
    C.ADDRESS,
    C.LEGAL_FORM,
)


def dedupe_leads(
    leads: pl.DataFrame | pl.LazyFrame,
    threshold: int = DEFAULT_THRESHOLD,
    not_duplicates: pl.DataFrame | None = None,
    *,
    region: str = "RU",
    settings: Settings | None = None,
    statistics: DedupeStatistics | None = None,
    workers: int = 1,
    previous: pl.DataFrame | None = None,
) -> DedupeResult:
    """Group the records of one company and merge each group into one row.

    ``previous`` is last run's merged companies (``cluster_id``, ``lead_ids``) or clusters
    (``lead_id``, ``cluster_id``): records that were one company stay one (unless an INN or a
    person's mark now tells them apart), a company keeps its ``cluster_id`` while any of its records
    is still there, its ``lead_ids`` are united with last run's, and ``cluster_change`` says for
    each record whether it was ``kept`` in its company, ``joined`` an existing one, ``moved`` from
    another, or is in a ``new`` one.

    ``threshold`` is the name similarity (0–100) fuzzy name matches need; ``not_duplicates`` (columns
    lead_id_a, lead_id_b) lists pairs a person marked as different companies: they never share a
    cluster, nor do two records with different valid INNs. A table that is not cleaned yet is
    cleaned first (numbers without a country code read in ``region``; ``workers`` processes for
    company names). ``statistics`` are the table-wide facts (hubs, cities), computed from ``leads``
    when not given. A ``LazyFrame`` (``pl.scan_parquet``) is read in two passes — the matching
    columns (``MATCH_COLUMNS``), then the whole table for the outputs — so that matching never holds
    the columns it does not read.
    """
    if not 0 <= threshold <= 100:
        raise LeadkitError(f"threshold must be from 0 to 100, not {threshold}")
    settings = resolve(settings)
    warnings: list[Notice] = []
    if isinstance(leads, pl.LazyFrame) and C.COMPANY_KEY not in _collect_schema(leads):
        leads = _collect(leads)
    if isinstance(leads, pl.DataFrame) and not is_cleaned(leads):
        warnings.append(Notice("the input is not cleaned yet: cleaning it first"))
        leads = clean_leads(leads, region, settings=settings, workers=workers).leads
    if isinstance(leads, pl.LazyFrame):
        present = [c for c in MATCH_COLUMNS if c in _collect_schema(leads)]
        narrow = _collect(leads.select(present))
    else:
        narrow = leads.select([c for c in MATCH_COLUMNS if c in leads.columns])
    by_row, history = _match(
        narrow, threshold, not_duplicates, settings, statistics, previous, warnings
    )
    del narrow
    df = _collect(leads) if isinstance(leads, pl.LazyFrame) else leads
    if df.height != by_row.height:
        raise LeadkitError("the table changed while it was read")
    # Back in input order, the new columns sit beside the input's own, which are not copied.
    base = df.drop([c for c in C.DEDUPE_COLUMNS if c in df.columns])
    joined = base.hstack(_chunked_like(base, by_row))
    del base, by_row
    clusters = C.order_columns(joined.drop("_dd_weak", "_dd_review"))
    review = C.order_columns(
        joined.filter(pl.col("_dd_review"))
        .drop("_dd_weak", "_dd_review")
        .sort(C.CLUSTER_ID, C.LEAD_ID)
    )
    del joined
    merged = merge_clusters(clusters.drop(CLUSTER_CHANGE, strict=False), settings.cities)
    if history is not None or C.LEAD_IDS in df.columns:
        merged = _unite_lead_ids(merged, clusters, df, history)
    counts = {
        "records": clusters.height,
        "companies": merged.height,
        "merged_records": clusters.height - merged.height,
        "review_records": review.height,
    }
    if history is not None:
        changes = clusters.get_column(CLUSTER_CHANGE).value_counts()
        for change, count in zip(changes[CLUSTER_CHANGE], changes["count"], strict=True):
            counts[f"records_{change}"] = int(count)
    return DedupeResult(merged, clusters, review, warnings, counts)


def _collect_schema(lazy: pl.LazyFrame) -> pl.Schema:
    try:
        return lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _unreadable(exc) from exc


def _collect(lazy: pl.LazyFrame) -> pl.DataFrame:
    try:
        return lazy.collect()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: Exception) -> LeadkitError:
    return LeadkitError(f"unreadable table: {first_line(exc)}")


def _match(
    df: pl.DataFrame,
    threshold: int,
    not_duplicates: pl.DataFrame | None,
    settings: Settings,
    statistics: DedupeStatistics | None,
    previous: pl.DataFrame | None,
    warnings: list[Notice],
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Each record's cluster (in input order: ``cluster_id``, ``cluster_size``, ``match_reason``,
    the review flags, ``cluster_change``), from the matching columns alone; and the history of
    ``previous`` by rank."""
    rules = settings.dedupe
    prep = prepare(df, settings, statistics)
    history = _history(previous, df, prep) if previous is not None else None
    pairs = candidate_pairs(prep, rules, threshold)
    frequencies = match_frequencies(prep, pairs, rules)
    accepted = compare_pairs(prep, pairs, threshold, rules, frequencies)
    del pairs, frequencies  # millions of rows: free them before clustering
    if history is not None:
        accepted = pl.concat([accepted, _previous_pairs(history)], how="vertical_relaxed")
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
    del accepted, evidence
    lead_by_rank = prep.get_column(C.LEAD_ID)
    by_rank = pl.DataFrame(
        {
            ROW: prep.get_column(ROW),
            C.CLUSTER_ID: lead_by_rank.gather(pl.Series(found.seed, dtype=pl.UInt32)),
            C.MATCH_REASON: pl.Series(found.reason, dtype=pl.String),
            "_dd_weak": pl.Series(found.weak, dtype=pl.Boolean),
        }
    )
    del prep, found, lead_by_rank
    if history is not None:
        by_rank = _keep_cluster_ids(by_rank, history)
    by_rank = by_rank.with_columns(
        pl.len().over(C.CLUSTER_ID).cast(pl.String).alias(C.CLUSTER_SIZE),
        pl.col("_dd_weak").any().over(C.CLUSTER_ID).alias("_dd_review"),
    )
    return by_rank.sort(ROW).drop(ROW), history


#: The clusters file's column that says what happened to each record since the previous run.
CLUSTER_CHANGE = "cluster_change"
#: Internal: per record (by rank), the previous run's company it was in.
PREVIOUS = "_dd_previous"


def _ids_of(table: pl.DataFrame) -> pl.Expr:
    """Every lead id a record stands for: its ``lead_ids`` (a merged row) or else its ``lead_id``."""
    own_id = C.LEAD_ID if C.LEAD_ID in table.columns else C.CLUSTER_ID
    own = pl.concat_list(pl.col(own_id).cast(pl.String))
    if C.LEAD_IDS not in table.columns:
        return own
    listed = pl.col(C.LEAD_IDS).cast(pl.String).str.split(C.LIST_SEPARATOR)
    return (
        pl.when(pl.col(C.LEAD_IDS).is_not_null()).then(pl.concat_list(own, listed)).otherwise(own)
    )


def _history(previous: pl.DataFrame, df: pl.DataFrame, prep: pl.DataFrame) -> pl.DataFrame:
    """Per rank: the previous company of the record (``PREVIOUS``; null for a record not seen
    before), from last run's companies (``cluster_id``, ``lead_ids``) or clusters (``lead_id``,
    ``cluster_id``)."""
    if C.CLUSTER_ID not in previous.columns or not (
        C.LEAD_IDS in previous.columns or C.LEAD_ID in previous.columns
    ):
        raise LeadkitError(
            "the previous table needs cluster_id and lead_ids (companies) or lead_id (clusters)",
            column=C.CLUSTER_ID,
        )
    members = (
        previous.select(pl.col(C.CLUSTER_ID).cast(pl.String), _ids_of(previous).alias("_id"))
        .explode("_id")
        .drop_nulls()
        .unique("_id", keep="first")
    )
    # Input rows in rank order, with the ids each stands for.
    ranked = (
        df.select(pl.col(C.LEAD_ID).cast(pl.String), _ids_of(df).alias("_ids"))
        .join(prep.select(C.LEAD_ID, R), on=C.LEAD_ID, how="left")
        .sort(R)
    )
    found = (
        ranked.select(R, pl.col("_ids").alias("_id"))
        .explode("_id")
        .join(members.rename({"_id": "_id"}), on="_id", how="inner")
        .group_by(R)
        .agg(pl.col(C.CLUSTER_ID).min().alias(PREVIOUS))
    )
    return (
        ranked.select(R)
        .join(found, on=R, how="left", maintain_order="left")
        .join(
            previous.select(
                pl.col(C.CLUSTER_ID).cast(pl.String).alias(PREVIOUS),
                _ids_of(previous).alias("_previous_ids"),
            ).unique(PREVIOUS, keep="first"),
            on=PREVIOUS,
            how="left",
            maintain_order="left",
        )
    )


def _previous_pairs(history: pl.DataFrame) -> pl.DataFrame:
    """Records of one previous company, linked in a chain: they stay one company."""
    chained = (
        history.drop_nulls(PREVIOUS)
        .sort(PREVIOUS, R)
        .select(pl.col(R).alias("a"), pl.col(R).shift(-1).over(PREVIOUS).alias("b"))
        .drop_nulls()
    )
    return chained.select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        pl.lit(50.0).alias("weight"),
        pl.lit("previous company").alias("reason"),
        pl.lit(False).alias("weak"),
        pl.lit(False).alias("guarded"),
        pl.lit(True).alias("identity"),
        pl.lit(False).alias("phones_differ"),
    )


def _keep_cluster_ids(by_rank: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """A cluster takes the id of the previous company most of its records were in (ties: the
    smallest id); ``CLUSTER_CHANGE`` says what happened to each record."""
    frame = by_rank.with_columns(history.get_column(PREVIOUS))
    counted = frame.drop_nulls(PREVIOUS).group_by(C.CLUSTER_ID, PREVIOUS).len()
    # Each cluster proposes the previous company most of its records were in; a previous id goes
    # to one cluster only (the one with most of its records), so a company split by a person's
    # mark keeps its id in one part and the other part gets an id of its own.
    proposed = (
        counted.sort([C.CLUSTER_ID, "len", PREVIOUS], descending=[False, True, False])
        .group_by(C.CLUSTER_ID, maintain_order=True)
        .first()
    )
    chosen = (
        proposed.sort([PREVIOUS, "len", C.CLUSTER_ID], descending=[False, True, False])
        .group_by(PREVIOUS, maintain_order=True)
        .first()
        .select(C.CLUSTER_ID, pl.col(PREVIOUS).alias("_dd_kept"))
    )
    frame = frame.join(chosen, on=C.CLUSTER_ID, how="left", maintain_order="left")
    change = (
        pl.when(pl.col(PREVIOUS).is_null() & pl.col("_dd_kept").is_null())
        .then(pl.lit("new"))
        .when(pl.col(PREVIOUS).is_null())
        .then(pl.lit("joined"))
        .when(pl.col(PREVIOUS) == pl.col("_dd_kept"))
        .then(pl.lit("kept"))
        .otherwise(pl.lit("moved"))
    )
    return frame.with_columns(
        pl.coalesce("_dd_kept", C.CLUSTER_ID).alias(C.CLUSTER_ID), change.alias(CLUSTER_CHANGE)
    ).drop(PREVIOUS, "_dd_kept")


def _unite_lead_ids(
    merged: pl.DataFrame,
    clusters: pl.DataFrame,
    df: pl.DataFrame,
    history: pl.DataFrame | None,
) -> pl.DataFrame:
    """A company's ``lead_ids``: its records' own ids, the ids of merged rows among them, and the
    ids its previous run listed (records no longer in the input stay listed: nothing is lost)."""
    ids = pl.DataFrame({C.CLUSTER_ID: clusters.get_column(C.CLUSTER_ID)}).with_columns(
        df.select(_ids_of(df).alias("_ids")).to_series()
    )
    parts = [ids]
    if history is not None:
        earlier = (
            history.drop_nulls(PREVIOUS)
            .select(pl.col(PREVIOUS).alias(C.CLUSTER_ID), pl.col("_previous_ids").alias("_ids"))
            .unique(C.CLUSTER_ID)
        )
        parts.append(earlier)
    united = (
        pl.concat(parts)
        .explode("_ids")
        .drop_nulls()
        .group_by(C.CLUSTER_ID)
        .agg(pl.col("_ids").unique(maintain_order=True).alias("_united"))
    )
    return (
        merged.join(united, on=C.CLUSTER_ID, how="left", maintain_order="left")
        .with_columns(
            pl.coalesce(pl.col("_united").list.join(C.LIST_SEPARATOR), pl.col(C.LEAD_IDS)).alias(
                C.LEAD_IDS
            )
        )
        .drop("_united")
    )
