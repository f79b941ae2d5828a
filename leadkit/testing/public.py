"""Public labelled duplicate sets as lead tables, and pairwise scoring of a clustering against them.

The data is not part of leadkit: it is read from ``$LEADKIT_SHARED/benchmarks`` (by default the
``shared/`` directory beside the repository). Each loader returns ``(leads, truth)``: an import-shaped
lead table (all strings) and ``lead_id, entity_id``.

``python -m benchmarks.public`` prints precision, recall and F1 of ``dedupe_leads`` on each set.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from leadkit import columns as C


def shared_benchmarks_dir() -> Path:
    """Where the public sets live: ``$LEADKIT_SHARED/benchmarks``, else a ``shared/benchmarks`` folder
    beside the checkout leadkit runs from or beside one of its parent folders (or the current
    directory's)."""
    root = os.environ.get("LEADKIT_SHARED")
    if root:
        return Path(root) / "benchmarks"
    checkout = Path(__file__).resolve().parents[2]
    for start in (checkout, Path.cwd()):
        for folder in (start, *start.parents):
            if (folder.parent / "shared" / "benchmarks").is_dir():
                return folder.parent / "shared" / "benchmarks"
    return checkout.parent / "shared" / "benchmarks"


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8")


def _blank_to_null(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in df.columns
    )


def load_fodors_zagat(root: Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fodor's and Zagat restaurant guides as one lead list (864 records, 112 true duplicate pairs)."""
    folder = (root or shared_benchmarks_dir()) / "fodors-zagats"
    parts = []
    for name, prefix in (("fodors.csv", "fodors"), ("zagats.csv", "zagats")):
        raw = _read(folder / name)
        parts.append(
            raw.select(
                pl.concat_str(pl.lit(f"{prefix}-"), pl.col("id")).alias(C.LEAD_ID),
                pl.lit(name).alias(C.SOURCE),
                (pl.int_range(pl.len()) + 2).cast(pl.String).alias(C.SOURCE_ROW),
                pl.col("name").alias(C.COMPANY),
                pl.col("phone").alias(C.PHONE_RAW),
                pl.col("city").alias(C.CITY),
                pl.col("addr").alias(C.ADDRESS),
                pl.col("type").alias(C.CATEGORY),
            )
        )
    leads = _blank_to_null(pl.concat(parts))
    matches = _read(folder / "matches_fodors_zagats.csv").select(
        pl.concat_str(pl.lit("fodors-"), pl.col("fodors_id")).alias("f"),
        pl.concat_str(pl.lit("zagats-"), pl.col("zagats_id")).alias("z"),
    )
    entity_of = dict(zip(matches["z"], matches["f"], strict=True))
    truth = leads.select(
        C.LEAD_ID,
        pl.col(C.LEAD_ID).replace(entity_of).alias("entity_id"),
    )
    return leads, truth


def load_chicago_childhood(root: Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Chicago early-childhood sites from 9 lists (3,337 records, 6,608 true duplicate pairs)."""
    path = (root or shared_benchmarks_dir()) / "chicago-early-childhood"
    raw = _read(path / "csv_example_input_with_true_ids.csv").sort(pl.col("Id").cast(pl.Int64))
    leads = raw.select(
        pl.col("Id").alias(C.LEAD_ID),
        pl.col("Source").alias(C.SOURCE),
        pl.col("Site name").str.replace_all(r"\s+", " ").str.strip_chars().alias(C.COMPANY),
        pl.col("Phone").alias(C.PHONE_RAW),
        pl.col("Email Address").alias(C.EMAIL),
        pl.col("Website").alias(C.WEBSITE),
        pl.col("Address").alias(C.ADDRESS),
        pl.col("Program Name").alias(C.CATEGORY),
        pl.col("Director").alias(C.CONTACT),
        pl.col("Zip").alias("zip"),
        pl.col("Fax").alias("fax"),
        pl.col("Agency").alias("agency"),
    )
    truth = raw.select(pl.col("Id").alias(C.LEAD_ID), pl.col("True Id").alias("entity_id"))
    return _blank_to_null(leads), truth


def pairwise_scores(cluster_ids: pl.DataFrame, truth: pl.DataFrame) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``lead_id, cluster_id`` against ``lead_id, entity_id``."""
    both = cluster_ids.select(C.LEAD_ID, C.CLUSTER_ID).join(truth, on=C.LEAD_ID, how="inner")

    def pairs(*keys: str) -> int:
        sizes = both.group_by(*keys).len().get_column("len")
        return int((sizes * (sizes - 1) // 2).sum())

    found, true, hit = pairs(C.CLUSTER_ID), pairs("entity_id"), pairs(C.CLUSTER_ID, "entity_id")
    precision = hit / found if found else 1.0
    recall = hit / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
