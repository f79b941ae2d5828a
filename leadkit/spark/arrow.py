"""Polars frames ↔ Spark's Arrow batches, each batch cast to one declared schema.

Spark accepts only some of the Arrow types Polars writes: no unsigned integers, and no
``string_view``/``large_string`` in its Arrow readers. A :class:`Layout` is the Polars schema a Spark
frame stands for; it declares the Spark schema (unsigned integers as signed ones of the same width or
wider: ``UInt64`` value ids keep their 64 bits, reinterpreted) and converts batches both ways, so that
the Polars code on either side sees exactly the dtypes it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql.types import DataType, StructType

#: Rows per Arrow batch that leadkit's code handles at once inside a Spark task.
BATCH_ROWS = 50_000


def _inner(dtype: pl.List) -> pl.DataType:
    inner = dtype.inner
    return inner() if isinstance(inner, type) else inner


def _arrow_type(dtype: pl.DataType) -> pa.DataType:
    """The Arrow type Spark is given for a Polars dtype."""
    if dtype == pl.String or dtype == pl.Null or dtype == pl.Categorical:
        return pa.string()
    if dtype == pl.Boolean:
        return pa.bool_()
    if dtype in (pl.UInt64, pl.Int64, pl.UInt32):
        return pa.int64()
    if dtype in (pl.Int32, pl.UInt16):
        return pa.int32()
    if dtype in (pl.Int16, pl.UInt8):
        return pa.int16()
    if dtype == pl.Int8:
        return pa.int8()
    if dtype == pl.Float64:
        return pa.float64()
    if dtype == pl.Float32:
        return pa.float32()
    if dtype == pl.Date:
        return pa.date32()
    if isinstance(dtype, pl.Datetime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(_inner(dtype)))
    raise TypeError(f"no Spark type for the Polars dtype {dtype}")


def _spark_type(dtype: pl.DataType) -> DataType:
    from pyspark.sql import types as T

    arrow = _arrow_type(dtype)
    simple: dict[pa.DataType, Any] = {
        pa.string(): T.StringType(),
        pa.bool_(): T.BooleanType(),
        pa.int64(): T.LongType(),
        pa.int32(): T.IntegerType(),
        pa.int16(): T.ShortType(),
        pa.int8(): T.ByteType(),
        pa.float64(): T.DoubleType(),
        pa.float32(): T.FloatType(),
        pa.date32(): T.DateType(),
    }
    if arrow in simple:
        return simple[arrow]
    if pa.types.is_timestamp(arrow):
        return T.TimestampType()
    assert isinstance(dtype, pl.List)
    return T.ArrayType(_spark_type(_inner(dtype)), containsNull=True)


def _polars_type(spark: DataType) -> pl.DataType:
    from pyspark.sql import types as T

    if isinstance(spark, T.ArrayType):
        return pl.List(_polars_type(spark.elementType))
    table: list[tuple[type, pl.DataType]] = [
        (T.StringType, pl.String()),
        (T.BooleanType, pl.Boolean()),
        (T.LongType, pl.Int64()),
        (T.IntegerType, pl.Int32()),
        (T.ShortType, pl.Int16()),
        (T.ByteType, pl.Int8()),
        (T.DoubleType, pl.Float64()),
        (T.FloatType, pl.Float32()),
        (T.DateType, pl.Date()),
        (T.TimestampType, pl.Datetime("us", "UTC")),
    ]
    for kind, dtype in table:
        if isinstance(spark, kind):
            return dtype
    # Anything else (decimals, binary, maps) is read as text, as leadkit reads every format.
    return pl.String()


def _unsigned_wide(dtype: pl.DataType) -> bool:
    return dtype == pl.UInt64


class Layout:
    """The Polars schema of a Spark frame: its Spark schema, and batch conversions both ways."""

    def __init__(self, schema: Mapping[str, pl.DataType]) -> None:
        self.schema = pl.Schema(
            {name: (pl.String() if dtype == pl.Null else dtype) for name, dtype in schema.items()}
        )
        self.arrow = pa.schema(
            [pa.field(name, _arrow_type(dtype)) for name, dtype in self.schema.items()]
        )

    @classmethod
    def of(cls, frame: pl.DataFrame) -> Layout:
        return cls(frame.schema)

    @classmethod
    def of_spark(cls, schema: StructType) -> Layout:
        """The layout of a frame Spark read itself (Parquet), by Spark's types."""
        return cls({field.name: _polars_type(field.dataType) for field in schema.fields})

    @property
    def names(self) -> list[str]:
        return list(self.schema.names())

    @property
    def spark(self) -> StructType:
        from pyspark.sql import types as T

        return T.StructType(
            [T.StructField(n, _spark_type(d), nullable=True) for n, d in self.schema.items()]
        )

    def with_columns(self, columns: Mapping[str, pl.DataType]) -> Layout:
        return Layout({**dict(self.schema), **columns})

    def without(self, names: Iterable[str]) -> Layout:
        drop = set(names)
        return Layout({n: d for n, d in self.schema.items() if n not in drop})

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def to_arrow(self, frame: pl.DataFrame) -> pa.RecordBatch:
        """``frame`` (which has the layout's columns, in any order and dtype that casts) as one
        batch of the declared Spark schema."""
        exprs = []
        for name, dtype in self.schema.items():
            column = pl.col(name)
            current = frame.schema[name]
            if _unsigned_wide(dtype):
                # 64-bit hashes keep their bits: Spark compares them as signed numbers.
                column = column.cast(pl.UInt64).reinterpret(signed=True)
            elif current != dtype:
                column = column.cast(dtype)
            exprs.append(column.alias(name))
        table = frame.select(exprs).to_arrow(compat_level=pl.CompatLevel.oldest())
        table = table.cast(self.arrow)
        batches = table.combine_chunks().to_batches()
        if not batches:
            return pa.RecordBatch.from_pylist([], schema=self.arrow)
        return batches[0]

    def to_polars(self, data: pa.RecordBatch | pa.Table | Iterable[pa.RecordBatch]) -> pl.DataFrame:
        """Spark's Arrow data (one batch, a table, or the batches of one task) as a Polars frame of
        this layout (columns the data lacks are left out)."""
        if isinstance(data, pa.RecordBatch):
            table = pa.Table.from_batches([data])
        elif isinstance(data, pa.Table):
            table = data
        else:
            batches = list(data)
            table = (
                pa.Table.from_batches(batches)
                if batches
                else pa.Table.from_batches([], schema=self.arrow)
            )
        frame = pl.from_arrow(table, rechunk=False)
        assert isinstance(frame, pl.DataFrame)
        exprs = []
        for name in frame.columns:
            dtype = self.schema.get(name)
            column = pl.col(name)
            if dtype is None:
                exprs.append(column)
            elif _unsigned_wide(dtype):
                exprs.append(column.cast(pl.Int64).reinterpret(signed=False).alias(name))
            elif frame.schema[name] != dtype:
                exprs.append(column.cast(dtype).alias(name))
            else:
                exprs.append(column)
        return frame.select(exprs)


def batches_of(
    frame: pl.DataFrame, layout: Layout, rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """``frame`` in batches of at most ``rows`` rows, each cast to ``layout``."""
    if frame.is_empty():
        return
    for start in range(0, frame.height, rows):
        yield layout.to_arrow(frame.slice(start, rows))
