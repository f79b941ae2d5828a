"""The ``--engine spark`` side of ``leadkit clean`` and ``leadkit dedupe``: read, run, write.

Parquet paths and URLs are read and written by Spark; any other input or output (CSV, XLSX, ``-``)
goes through the driver with leadkit's own reader and writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from leadkit.errors import LeadkitError, Notice
from leadkit.settings import Settings
from leadkit.spark.arrow import Layout
from leadkit.spark.tables import is_spark_path, read_leads, to_polars, write_parquet


@dataclass
class SparkRun:
    """What the command reports: the warnings met (including the writers') and the counts."""

    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def local_paths(paths: dict[str, str | None]) -> dict[str, str | None]:
    """The outputs the CLI checks before any work: every one but URLs (``hdfs://``, ``s3a://``)."""
    return {k: v for k, v in paths.items() if v is None or "://" not in v}


def _write(
    frames: list[tuple[object, Layout, str | None, str, list[str] | None]], excel: bool
) -> list[Notice]:
    """Write each (Spark frame, layout, path, sheet, order): Parquet paths by Spark, the rest
    gathered on the driver and written together by leadkit (``-``/None: CSV on stdout)."""
    from leadkit.io.write import OutputSet, write_table

    notices: list[Notice] = []
    local: list[tuple[pl.DataFrame, str | None, str]] = []
    for sdf, layout, path, sheet, order in frames:
        if path is not None and is_spark_path(path):
            write_parquet(sdf, path, order)  # type: ignore[arg-type]
        else:
            local.append((to_polars(sdf, layout, order), path, sheet))  # type: ignore[arg-type]
    files = [(f, p, s) for f, p, s in local if p is not None and p != "-"]
    if files:
        with OutputSet(anchor=str(files[0][1])) as written:
            for frame, path, sheet in files:
                notices += write_table(frame, path, excel=excel, sheet=sheet, outputs=written)
    for frame, path, _ in local:
        if path is None or path == "-":
            notices += write_table(frame, path, excel=excel)
    return notices


def run_clean(
    table: str,
    output: str | None,
    *,
    region: str,
    excel: bool,
    settings: Settings,
    master: str,
) -> SparkRun:
    """``leadkit clean --engine spark``."""
    from leadkit.spark.clean import clean_spark
    from leadkit.spark.session import spark_session

    spark = spark_session(master)
    leads, layout = read_leads(spark, table, settings)
    result = clean_spark(leads, layout, region, settings=settings)
    notices = _write([(result.leads, result.layout, output, "Leads", None)], excel)
    return SparkRun([*result.warnings, *notices], result.counts)


def run_dedupe(
    table: str,
    *,
    output: str | None,
    clusters: str | None,
    review: str | None,
    not_duplicates: pl.DataFrame | None,
    threshold: int,
    region: str,
    excel: bool,
    settings: Settings,
    master: str,
    previous: str | None = None,
) -> SparkRun:
    """``leadkit dedupe --engine spark``."""
    from leadkit import columns as C
    from leadkit.spark.dedupe import dedupe_spark
    from leadkit.spark.session import spark_session

    if previous is not None:
        raise LeadkitError(
            "--previous is not available with --engine spark yet: use the default engine"
        )
    spark = spark_session(master)
    leads, layout = read_leads(spark, table, settings)
    result = dedupe_spark(
        leads, layout, threshold, not_duplicates, region=region, settings=settings
    )
    outputs: list[tuple[object, Layout, str | None, str, list[str] | None]] = [
        (result.merged, result.merged_layout, output, "Companies", None)
    ]
    if clusters is not None:
        outputs.append((result.clusters, result.clusters_layout, clusters, "Clusters", None))
    if review is not None:
        outputs.append(
            (result.review, result.clusters_layout, review, "Review", [C.CLUSTER_ID, C.LEAD_ID])
        )
    notices = _write(outputs, excel)
    return SparkRun([*result.warnings, *notices], result.counts)
