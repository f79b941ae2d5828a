"""The ``--engine spark`` side of ``leadkit clean`` and ``leadkit dedupe``: read, run, write.

Parquet paths and URLs are read and written by Spark. Any other input (CSV, XLSX, an export, ``-``)
is read by the command on the driver and handed over; any other output (CSV, XLSX, stdout) is
gathered on the driver and handed back, for the command to write as it writes every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from leadkit.errors import LeadkitError, Notice
from leadkit.settings import Settings
from leadkit.spark.arrow import Layout
from leadkit.spark.tables import (
    from_polars,
    is_spark_path,
    read_leads,
    to_polars,
    write_parquet,
)

if TYPE_CHECKING:
    from leadkit.dedupe import DedupeResult
    from leadkit.normalize import CleanResult

__all__ = [
    "SparkRun",
    "clean_table",
    "dedupe_table",
    "is_spark_path",
    "local_paths",
    "run_clean",
    "run_dedupe",
]


@dataclass
class SparkRun:
    """What a command still writes (``(table, path, sheet)`` gathered on the driver), the warnings
    met and the counts."""

    files: list[tuple[pl.DataFrame, str | None, str]] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def local_paths(paths: dict[str, str | None]) -> dict[str, str | None]:
    """The outputs the command checks before any work: every one but URLs (``hdfs://``, ``s3a://``)."""
    return {k: v for k, v in paths.items() if v is None or "://" not in v}


def _outputs(
    frames: list[tuple[object, Layout, str | None, str, list[str] | None]],
) -> list[tuple[pl.DataFrame, str | None, str]]:
    """Write each (Spark frame, layout, path, sheet, order) that is a Parquet path with Spark; the
    others gathered on the driver, in order, for the command to write."""
    files = []
    for sdf, layout, path, sheet, order in frames:
        if path is not None and is_spark_path(path):
            write_parquet(sdf, path, order)  # type: ignore[arg-type]
        else:
            files.append((to_polars(sdf, layout, order), path, sheet))  # type: ignore[arg-type]
    return files


def _input(
    spark: Any, table: str, leads: pl.DataFrame | None, settings: Settings
) -> tuple[Any, Layout]:
    """The input as a Spark frame: ``leads`` the command read, or ``table`` read by Spark."""
    if leads is not None:
        return from_polars(spark, leads)
    return read_leads(spark, table, settings)


def run_clean(
    table: str,
    leads: pl.DataFrame | None,
    output: str | None,
    *,
    region: str,
    settings: Settings,
    master: str,
) -> SparkRun:
    """``leadkit clean --engine spark``: ``table`` read by Spark, or ``leads`` read by the command."""
    from leadkit.spark.clean import clean_spark
    from leadkit.spark.session import spark_session

    spark = spark_session(master)
    frame, layout = _input(spark, table, leads, settings)
    result = clean_spark(frame, layout, region, settings=settings)
    files = _outputs([(result.leads, result.layout, output, "Leads", None)])
    return SparkRun(files, result.warnings, result.counts)


def run_dedupe(
    table: str,
    leads: pl.DataFrame | None,
    *,
    output: str | None,
    clusters: str | None,
    review: str | None,
    not_duplicates: pl.DataFrame | None,
    threshold: int,
    region: str,
    settings: Settings,
    master: str,
    previous: str | None = None,
) -> SparkRun:
    """``leadkit dedupe --engine spark``: ``table`` read by Spark, or ``leads`` read by the command."""
    from leadkit import columns as C
    from leadkit.spark.dedupe import dedupe_spark
    from leadkit.spark.session import spark_session

    if previous is not None:
        raise LeadkitError(
            "--previous is not available with --engine spark yet: use the default engine"
        )
    spark = spark_session(master)
    frame, layout = _input(spark, table, leads, settings)
    result = dedupe_spark(
        frame, layout, threshold, not_duplicates, region=region, settings=settings
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
    return SparkRun(_outputs(outputs), result.warnings, result.counts)


def clean_table(
    leads: pl.DataFrame,
    region: str = "RU",
    *,
    settings: Settings,
    master: str,
    workers: int = 1,
) -> CleanResult:
    """``clean_leads`` on Spark for a table held here (``leadkit run``'s ``engine: spark``): the
    same ``CleanResult``. ``workers`` is the Polars engine's and is not used."""
    from leadkit.normalize import CleanResult
    from leadkit.spark.clean import clean_spark
    from leadkit.spark.session import spark_session

    del workers
    spark = spark_session(master)
    frame, layout = from_polars(spark, leads)
    result = clean_spark(frame, layout, region, settings=settings)
    return CleanResult(to_polars(result.leads, result.layout), result.warnings, result.counts)


def dedupe_table(
    leads: pl.DataFrame,
    threshold: int,
    not_duplicates: pl.DataFrame | None = None,
    *,
    region: str = "RU",
    settings: Settings,
    master: str,
    workers: int = 1,
    previous: pl.DataFrame | None = None,
) -> DedupeResult:
    """``dedupe_leads`` on Spark for a table held here (``leadkit run``'s ``engine: spark``): the
    same ``DedupeResult``."""
    from leadkit import columns as C
    from leadkit.dedupe import DedupeResult
    from leadkit.spark.dedupe import dedupe_spark
    from leadkit.spark.session import spark_session

    del workers
    if previous is not None:
        raise LeadkitError("dedupe.previous is not available with engine: spark yet")
    spark = spark_session(master)
    frame, layout = from_polars(spark, leads)
    result = dedupe_spark(
        frame, layout, threshold, not_duplicates, region=region, settings=settings
    )
    return DedupeResult(
        to_polars(result.merged, result.merged_layout),
        to_polars(result.clusters, result.clusters_layout),
        to_polars(result.review, result.clusters_layout, [C.CLUSTER_ID, C.LEAD_ID]),
        result.warnings,
        result.counts,
    )
