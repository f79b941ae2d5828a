"""Reading lead tables into Spark and writing Spark's results, in the input's row order.

Parquet paths (a file or a folder of part files, local, ``hdfs://``, ``s3a://``, …) are read and
written by Spark itself, so the data never passes through the driver. Any other input (CSV, XLSX, an
export, ``-``) is read by leadkit on the driver and handed to Spark, and any other output is gathered
on the driver and written by leadkit: convenient for small tables, not for big ones.

Every row carries ``ROW``, its place in the input (file, then row in the file), which stands for the
input order wherever leadkit's code reads it (merging prefers the earliest record; outputs keep the
input order).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from leadkit import columns as C
from leadkit.errors import LeadkitError, first_line
from leadkit.spark.arrow import Layout, batches_of

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from leadkit.settings import Settings

#: The input position of each row (a 64-bit number: file ordinal · 2⁴⁰ + row in the file).
ROW = "_lk_row"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


def is_spark_path(path: str) -> bool:
    """Whether Spark reads or writes ``path`` itself: a Parquet path or a URL (``hdfs://``…)."""
    if path in ("-", ""):
        return False
    return bool(_SCHEME.match(path)) or path.lower().rstrip("/").endswith(".parquet")


def spark_uri(path: str) -> str:
    """``path`` as Spark should see it: URLs as given, local paths absolute (the JVM's working
    directory need not be this process's)."""
    if _SCHEME.match(path):
        return path
    return Path(path).resolve().as_uri()


def read_leads(
    spark: SparkSession, path: str, settings: Settings | None = None
) -> tuple[DataFrame, Layout]:
    """A lead table as a Spark frame with ``ROW``, and its layout (text columns, ``phones`` a list:
    the shape leadkit's own reader gives)."""
    if is_spark_path(path):
        return _read_parquet(spark, path)
    from leadkit.io.tables import read_table

    return from_polars(spark, read_table(path, settings=settings))


def from_polars(spark: SparkSession, frame: pl.DataFrame) -> tuple[DataFrame, Layout]:
    """A Polars lead table as a Spark frame with ``ROW`` (the driver's copy goes to the executors)."""
    numbered = frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))
    layout = Layout.of(numbered)
    table = pa.Table.from_batches(list(batches_of(numbered, layout)), schema=layout.arrow)
    return spark.createDataFrame(table, schema=layout.spark), layout


def _read_parquet(spark: SparkSession, path: str) -> tuple[DataFrame, Layout]:
    from pyspark.sql import functions as F

    from leadkit.io.tables import to_lead_frame

    try:
        raw = spark.read.parquet(spark_uri(path))
    except Exception as exc:
        raise LeadkitError(f"cannot read Parquet: {first_line(exc)}", file=path) from None
    if C.LEAD_ID not in raw.columns:
        raise LeadkitError(
            "the Spark engine reads lead tables: run `leadkit import` first", file=path
        )
    files = sorted(r[0] for r in raw.select(F.col("_metadata.file_path")).distinct().collect())
    ordinal = F.array_position(F.array(*[F.lit(f) for f in files]), F.col("_metadata.file_path"))
    numbered = raw.withColumn(
        ROW, ordinal.cast("long") * F.lit(2**40) + F.col("_metadata.row_index")
    )
    # One Parquet file up to 128 MB is one input split: spread it over every core (the order
    # travels in ROW), or each Python step would run in one task.
    cores = spark.sparkContext.defaultParallelism
    if numbered.rdd.getNumPartitions() < cores:
        numbered = numbered.repartition(cores)
    source = Layout.of_spark(numbered.schema)
    layout = Layout.of(to_lead_frame(source.without([ROW]).empty())).with_columns({ROW: pl.Int64()})

    def shape(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = source.to_polars(batch)
            row = frame.get_column(ROW)
            yield layout.to_arrow(to_lead_frame(frame.drop(ROW)).with_columns(row))

    return numbered.mapInArrow(shape, layout.spark), layout


def to_polars(sdf: DataFrame, layout: Layout, order: list[str] | None = None) -> pl.DataFrame:
    """A (small) Spark frame gathered on the driver as a Polars frame of ``layout``, sorted by
    ``order`` (``ROW`` by default, then dropped)."""
    order = order or [ROW]
    frame = layout.to_polars(sdf.toArrow())
    frame = frame.sort(order, nulls_last=True) if frame.height else frame
    return frame.drop(ROW, strict=False)


def write_parquet(sdf: DataFrame, path: str, order: list[str] | None = None) -> None:
    """Write ``sdf`` as a Parquet dataset (a folder of part files) at ``path``, in ``order``
    (``ROW`` by default): part files in order, rows in order within each.

    Spark writes beside the target first and the folder is renamed over it at the end, so a failed
    run leaves the previous output as it was.
    """
    order = order or [ROW]
    ordered = sdf.orderBy(*order).drop(ROW)
    uri = spark_uri(path)
    staging = uri.rstrip("/") + ".leadkit-tmp"
    spark = sdf.sparkSession
    jvm: Any = getattr(spark.sparkContext, "_jvm")  # noqa: B009 (py4j's gateway is private)
    hadoop = getattr(spark.sparkContext, "_jsc").hadoopConfiguration()  # noqa: B009
    target = jvm.org.apache.hadoop.fs.Path(uri)
    staged = jvm.org.apache.hadoop.fs.Path(staging)
    fs = target.getFileSystem(hadoop)
    try:
        ordered.write.mode("overwrite").parquet(staging)
        if fs.exists(target):
            fs.delete(target, True)
        if not fs.rename(staged, target):
            raise OSError(f"could not rename {staging} to {uri}")
    except Exception as exc:
        if fs.exists(staged):
            fs.delete(staged, True)
        raise LeadkitError(f"cannot write Parquet: {first_line(exc)}", file=path) from None
