"""``leadkit clean`` on Spark: the table-wide statistics once, then every part cleaned by leadkit.

1. Each partition computes ``clean_statistics`` of its rows; the driver merges them with ``|`` (the
   city names a table teaches are the union of what its parts teach) and broadcasts the result.
2. Each Arrow batch of each partition goes through ``clean_leads`` with those statistics, inside
   ``mapInArrow``: the same Polars code as on one machine, so a row is cleaned the same way.
"""

from __future__ import annotations

import functools
import operator
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from leadkit import columns as C
from leadkit.errors import Notice
from leadkit.normalize import CleanStatistics, clean_leads, clean_statistics
from leadkit.settings import Settings, resolve
from leadkit.spark.arrow import Layout
from leadkit.spark.tables import ROW

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass
class SparkCleanResult:
    """The cleaned table as a Spark frame (with ``ROW``), its layout, warnings and counts."""

    leads: DataFrame
    layout: Layout
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def spark_clean_statistics(leads: DataFrame, layout: Layout, settings: Settings) -> CleanStatistics:
    """``clean_statistics`` of the whole table: per partition on the executors, merged here."""
    from pyspark.sql import types as T

    def part(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        found = CleanStatistics()
        for batch in batches:
            found = found | clean_statistics(layout.to_polars(batch).drop(ROW), settings)
        yield pa.RecordBatch.from_pydict({"statistics": [pickle.dumps(found)]})

    schema = T.StructType([T.StructField("statistics", T.BinaryType())])
    parts = [pickle.loads(row[0]) for row in leads.mapInArrow(part, schema).collect()]
    return functools.reduce(operator.or_, parts, CleanStatistics())


def clean_spark(
    leads: DataFrame,
    layout: Layout,
    region: str = "RU",
    *,
    settings: Settings | None = None,
    statistics: CleanStatistics | None = None,
    count: bool = True,
) -> SparkCleanResult:
    """``clean_leads`` of a Spark lead table (with ``ROW``): the same rows, in the same order.

    ``statistics`` are computed over the whole table when not given; ``count`` cleans the table
    at once (a checkpoint) for the counts ``clean`` reports (leads, with a valid phone, …); without
    it the result is a lazy frame, cleaned when it is used.
    """
    settings = resolve(settings)
    spark = leads.sparkSession
    if statistics is None:
        statistics = spark_clean_statistics(leads, layout, settings)
    shared = spark.sparkContext.broadcast(statistics)
    source = layout.without([ROW])
    cleaned = clean_leads(source.empty(), region, settings=settings, statistics=statistics).leads
    out = Layout.of(cleaned).with_columns({ROW: pl.Int64()})

    def clean(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        known = shared.value
        for batch in batches:
            frame = layout.to_polars(batch)
            result = clean_leads(
                frame.drop(ROW), region, settings=settings, statistics=known, workers=1
            ).leads
            yield out.to_arrow(result.with_columns(frame.get_column(ROW)))

    result = leads.mapInArrow(clean, out.spark)
    counts: dict[str, int] = {}
    if count:
        from pyspark.sql import functions as F

        from leadkit.spark.session import checkpoint

        # Cleaned once: the counts and the writer read the same checkpointed rows.
        result = checkpoint(result)

        row = result.agg(
            F.count(F.lit(1)).alias("leads"),
            F.count(C.PHONE).alias("with_phone"),
            F.count(C.PHONE_INVALID).alias("with_invalid_phone"),
            F.count(F.when(F.col(C.COMPANY_KEY).isNull(), 1)).alias("without_company"),
        ).first()
        assert row is not None
        counts = {k: int(v) for k, v in row.asDict().items()}
    return SparkCleanResult(result, out, [], counts)
