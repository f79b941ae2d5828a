"""``leadkit dedupe`` on Spark: Spark moves and counts the data, leadkit's own code decides.

What runs where (``dedupe_leads`` is the one-machine original; each step names its seam):

1. matching fields per record: ``blocking.prepare_rows`` on Arrow batches (``mapInArrow``);
2. table-wide statistics: hub numbers, tails and domains by Spark aggregates (distinct names per
   value); the city vocabulary by ``blocking.dedupe_statistics`` on the distinct cities, on the driver;
3. ranks: a global sort by ``lead_id`` (partition offsets make them consecutive, as on one machine),
   then ``blocking.apply_statistics`` per batch;
4. candidate pairs: ``blocking.block_keys`` per batch, then the blocks in Spark SQL: the rare name
   words by counts and a window per record, all-pairs joins in blocks up to ``block_cap``, and in
   bigger blocks the ``window`` next neighbours of a global sort (same order, same ties);
5. frequencies: the identity firms are connected components (``components.py``) of the identifier
   links, the firm counts per name, city and address and the names per number and domain are Spark
   aggregates; the u-estimates' random pairs are drawn on the driver by
   ``compare.random_pair_positions`` from the records per city, the ≤ 40,000 records drawn are
   fetched, and ``compare.u_estimates`` measures them; the names per word (the words' weights) by
   ``compare.name_words`` on the distinct names and a Spark count, attached to each record;
6. comparison: each candidate pair travels with both records' fields and the counts of their values;
   ``compare.compare_pairs`` scores a part of the pairs at a time (``mapInArrow``);
7. clusters: connected components of the accepted pairs in Spark; whole components are resolved by
   ``cluster.cluster_pairs`` in groups (``applyInArrow``), so the INN, site and not-duplicate guards
   see exactly the component they see on one machine;
8. merge: ``merge.merge_clusters`` on whole clusters per partition, records in input order.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa

from leadkit import columns as C
from leadkit.dedupe import DEFAULT_THRESHOLD, NOT_A, NOT_B, check_not_duplicates
from leadkit.dedupe.blocking import (
    ADDR,
    ADDR_NUM,
    BLOCK_CITY,
    CITY,
    CITY_TEXT,
    DOMAIN,
    DOMAIN_EV,
    EXACT_BLOCKS,
    FORM,
    HUB_TAILS,
    INN,
    KEY,
    KEY_LEN,
    PERSON,
    PHONES,
    PHONES_EV,
    SOLE,
    TAILS,
    TAILS_EV,
    WORDS,
    DedupeStatistics,
    R,
    apply_statistics,
    block_keys,
    dedupe_statistics,
    prepare_rows,
)
from leadkit.dedupe.blocking import ROW as RECORD_ROW
from leadkit.dedupe.cluster import Evidence, cluster_pairs
from leadkit.dedupe.compare import (
    MEASURE_MIN,
    U_SEED,
    Frequencies,
    WordCounts,
    city_pairs_at,
    compare_pairs,
    has_identifier,
    name_words,
    random_pair_positions,
    u_estimates,
)
from leadkit.dedupe.merge import merge_clusters
from leadkit.errors import LeadkitError, Notice, counted
from leadkit.settings import Settings, resolve
from leadkit.spark.arrow import Layout
from leadkit.spark.components import connected_components
from leadkit.spark.session import checkpoint
from leadkit.spark.tables import ROW

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

#: Candidate pairs that one call of ``compare_pairs`` scores inside a task.
COMPARE_PAIRS = 200_000
#: Records of the components that one call of ``cluster_pairs`` resolves (about).
RESOLVE_RECORDS = 20_000
#: Records per partition when the clusters are merged.
MERGE_RECORDS = 200_000

IDENTIFIED = "_lk_identified"
FIRM = "_lk_firm"
KNOWN = "_lk_known"
#: Per record, the counts of its own values (firms per city, per name in the city, …).
CITY_FIRMS = "_lk_city_firms"
NAME_CITY = "_lk_name_city"
NAME_ALL = "_lk_name_all"
ADDR_CITY = "_lk_addr_city"
DOMAIN_NAMES = "_lk_domain_names"
LEAD_IDS_IN = "_lk_lead_ids"


def _id(column: str) -> str:
    return f"{column}_id"


#: The prepared columns ``compare_pairs`` reads of each side of a pair.
SIDE = (
    *(_id(c) for c in (KEY, CITY, INN, DOMAIN, DOMAIN_EV, ADDR, ADDR_NUM)),
    TAILS,
    SOLE,
    PERSON,
    FORM,
    KEY,
    ADDR,
    CITY,
    CITY_TEXT,
    DOMAIN_EV,
)
#: Per record, the words of its name and how many of the table's distinct names carry each.
NAME_WORDS = "_lk_name_words"
WORD_NAMES = "_lk_word_names"
SIDE_COUNTS = (
    FIRM,
    KNOWN,
    CITY_FIRMS,
    NAME_CITY,
    NAME_ALL,
    ADDR_CITY,
    DOMAIN_NAMES,
    NAME_WORDS,
    WORD_NAMES,
)


@dataclass
class SparkDedupeResult:
    """``dedupe_leads``' three tables as Spark frames (with ``ROW`` for the input order), their
    layouts, the warnings met and the counts."""

    merged: DataFrame
    merged_layout: Layout
    clusters: DataFrame
    review: DataFrame
    clusters_layout: Layout
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    largest_component: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step (the benchmarks report where the time goes)."""
    statistics: DedupeStatistics | None = None
    """The table-wide facts used (hubs, cities), and the u-probabilities measured on the table."""
    u: dict[str, float] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)
    """Candidate and accepted pairs (the benchmarks' measure of the work)."""


class _Clock:
    """Wall-clock seconds per step; ``on_step`` is told each step's name as it ends."""

    def __init__(self, on_step: Callable[[str], None] | None = None) -> None:
        self.steps: dict[str, float] = {}
        self.last = time.perf_counter()
        self.on_step = on_step

    def mark(self, step: str) -> None:
        now = time.perf_counter()
        self.steps[step] = round(now - self.last, 2)
        self.last = now
        if self.on_step is not None:
            self.on_step(step)


def with_index(frame: DataFrame, order: list[Column], name: str) -> DataFrame:
    """``frame`` with ``name``: each row's position (0, 1, …) in ``order``, computed without
    gathering the table in one partition: a range-partitioned sort, then each partition's offset."""
    from pyspark.sql import functions as F

    part, mono = "_lk_part", "_lk_mono"
    tagged = checkpoint(
        frame.orderBy(*order)
        .withColumn(part, F.spark_partition_id())
        .withColumn(mono, F.monotonically_increasing_id())
    )
    sizes = sorted((r[0], r[1]) for r in tagged.groupBy(part).count().collect())
    offsets, start = [], 0
    for number, size in sizes:
        offsets.append((number, start))
        start += size
    spark = frame.sparkSession
    table = spark.createDataFrame(offsets or [(0, 0)], f"{part} int, _lk_offset long")
    return (
        tagged.join(F.broadcast(table), part)
        .withColumn(
            name,
            F.col("_lk_offset") + F.col(mono) - F.shiftleft(F.col(part).cast("long"), 33),
        )
        .drop(part, mono, "_lk_offset")
    )


def _map(
    frame: DataFrame,
    source: Layout,
    target: Layout,
    func: Callable[[pl.DataFrame], pl.DataFrame],
    *,
    whole: bool = False,
) -> DataFrame:
    """``mapInArrow`` with leadkit's Polars ``func`` (frame → frame) per batch, or (``whole``) on
    all batches of a partition at once."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        if whole:
            frame_ = source.to_polars(batches)
            if frame_.height:
                yield target.to_arrow(func(frame_))
            return
        for batch in batches:
            yield target.to_arrow(func(source.to_polars(batch)))

    return frame.mapInArrow(run, target.spark)


# --- steps ----------------------------------------------------------------------------------------


def _check_lead_ids(leads: DataFrame) -> None:
    from pyspark.sql import functions as F

    if C.LEAD_ID not in leads.columns:
        raise LeadkitError(
            "the table has no lead_id column: run `leadkit import` first", column=C.LEAD_ID
        )
    row = leads.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count(C.LEAD_ID).alias("ids"),
        F.countDistinct(C.LEAD_ID).alias("distinct"),
        F.min(F.when(F.col(C.LEAD_ID).isNull(), F.col(ROW))).alias("first_null"),
    ).first()
    assert row is not None
    if row["ids"] < row["rows"]:
        before = leads.where(F.col(ROW) < row["first_null"]).count()
        raise LeadkitError("empty lead_id", row=before + 2, column=C.LEAD_ID)
    if row["distinct"] < row["ids"]:
        duplicate = (
            leads.groupBy(C.LEAD_ID).count().where(F.col("count") > 1).agg(F.min(C.LEAD_ID)).first()
        )
        assert duplicate is not None
        raise LeadkitError(f"lead_id {duplicate[0]!r} occurs more than once", column=C.LEAD_ID)


def spark_dedupe_statistics(
    rows: DataFrame, rows_layout: Layout, settings: Settings
) -> DedupeStatistics:
    """``dedupe_statistics`` of the whole table: hubs by Spark aggregates (values used by more than
    ``hub_max_names`` distinct names), the city vocabulary by leadkit from the distinct cities."""
    from pyspark.sql import functions as F

    cities = [r[0] for r in rows.select(CITY).where(F.col(CITY).isNotNull()).distinct().collect()]
    schema = rows_layout.without([ROW]).schema
    only_cities = pl.DataFrame({CITY: cities}, schema={CITY: pl.String()}).select(
        (pl.col(CITY) if name == CITY else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in schema.items()
    )
    base = dedupe_statistics(only_cities, settings)
    cap = settings.dedupe.hub_max_names

    def hubs(column: str, many: bool) -> frozenset[str]:
        value = F.explode(column) if many else F.col(column)
        frame = (
            rows.select(KEY, value.alias("value"))
            .where(F.col(KEY).isNotNull() & F.col("value").isNotNull())
            .distinct()
            .groupBy("value")
            .count()
            .where(F.col("count") > cap)
        )
        return frozenset(r[0] for r in frame.collect())

    return dataclasses.replace(
        base,
        hub_phones=hubs(PHONES, True),
        hub_tails=hubs(TAILS, True),
        hub_domains=hubs(DOMAIN, False),
    )


def _candidate_pairs(
    keys: DataFrame, threshold: int, settings: Settings, partitions: int
) -> DataFrame:
    """``blocking.candidate_pairs`` in Spark SQL: ``a, b, phone, tail, any_tail``."""
    from pyspark.sql import functions as F

    rules = settings.dedupe
    kinds: list[DataFrame] = []
    no_order = F.lit(None).cast("string")
    for number, (block, order) in enumerate(EXACT_BLOCKS):
        kinds.append(
            keys.select(
                F.lit(number).alias("kind"),
                F.col(block).alias("block"),
                (no_order if order == R else F.col(order)).alias("order"),
                R,
            )
        )
    exact_kinds = list(range(len(EXACT_BLOCKS)))
    rare, city, phone, tail = (len(EXACT_BLOCKS) + i for i in range(4))
    # The two least common name words of each record (ties by the word), with its city.
    words = (
        keys.select(R, CITY, F.explode(WORDS).alias("word"))
        .where(F.col("word").isNotNull())
        .dropDuplicates([R, "word"])
    )
    frequency = words.groupBy("word").agg(F.count(F.lit(1)).alias("freq"))
    from pyspark.sql import Window

    rank = F.row_number().over(Window.partitionBy(R).orderBy("freq", "word"))
    tokens = (
        words.join(frequency, "word")
        .where(F.col("freq") <= rules.name_word_cap)
        .withColumn("_lk_n", rank)
        .where(F.col("_lk_n") <= 2)
        .select(R, F.concat(F.coalesce(F.col(CITY), F.lit("")), F.lit("|"), "word").alias("block"))
    )
    kinds.append(
        tokens.join(keys.select(R, KEY), R).select(
            F.lit(rare).alias("kind"), "block", F.col(KEY).alias("order"), R
        )
    )
    kinds.append(
        keys.select(F.lit(city).alias("kind"), F.col(BLOCK_CITY).alias("block"), KEY, R).select(
            "kind", "block", F.col(KEY).alias("order"), R
        )
    )
    for kind, column in ((phone, PHONES_EV), (tail, TAILS_EV)):
        kinds.append(
            keys.select(F.lit(kind).alias("kind"), F.explode(column).alias("block"), R).select(
                "kind", "block", no_order.alias("order"), R
            )
        )
    blocks = kinds[0]
    for more in kinds[1:]:
        blocks = blocks.unionByName(more)
    blocks = blocks.where(F.col("block").isNotNull()).dropDuplicates(["kind", "block", R])
    sizes = blocks.groupBy("kind", "block").agg(F.count(F.lit(1)).alias("n")).where("n > 1")
    blocks = checkpoint(blocks.join(sizes, ["kind", "block"]))
    small = blocks.where(F.col("n") <= rules.block_cap).select("kind", "block", R)
    found = [
        small.alias("x")
        .join(small.alias("y"), ["kind", "block"])
        .where(F.col(f"x.{R}") < F.col(f"y.{R}"))
        .select("kind", "block", F.col(f"x.{R}").alias("a"), F.col(f"y.{R}").alias("b"))
    ]
    big = blocks.where(F.col("n") > rules.block_cap)
    # Big blocks: sorted by (block, order, rank), each record paired with its next neighbours.
    placed = with_index(
        big.select("kind", "block", "order", R),
        [F.col("kind"), F.col("block"), F.col("order").asc_nulls_last(), F.col(R)],
        "_lk_pos",
    )
    steps = F.array(*[F.col("_lk_pos") - step for step in range(1, rules.window + 1)])
    later = placed.select("kind", "block", F.col(R).alias("b"), F.explode(steps).alias("_lk_pos"))
    found.append(
        placed.select("kind", "block", F.col(R).alias("a"), "_lk_pos")
        .join(later, ["kind", "block", "_lk_pos"])
        .select("kind", "block", F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"))
    )
    pairs = checkpoint(found[0].unionByName(found[1]))

    def shared(kind: int, name: str) -> DataFrame:
        return pairs.where(F.col("kind") == kind).groupBy("a", "b").agg(F.min("block").alias(name))

    phones = shared(phone, "phone")
    tails = shared(tail, "tail")
    lengths = keys.select(R, KEY_LEN)
    named = (
        pairs.where(F.col("kind").isin(rare, city))
        .select("a", "b")
        .join(lengths.select(F.col(R).alias("a"), F.col(KEY_LEN).alias("len_a")), "a")
        .join(lengths.select(F.col(R).alias("b"), F.col(KEY_LEN).alias("len_b")), "b")
        .where(
            F.coalesce(
                F.abs(F.col("len_a") - F.col("len_b")) * 100
                <= (100 - threshold) * (F.col("len_a") + F.col("len_b")),
                F.lit(False),
            )
        )
        .select("a", "b")
    )
    every = (
        pairs.where(F.col("kind").isin(*exact_kinds))
        .select("a", "b")
        .unionByName(named)
        .unionByName(phones.select("a", "b"))
        .unionByName(tails.select("a", "b"))
        .distinct()
        .join(phones, ["a", "b"], "left")
        .join(tails, ["a", "b"], "left")
    )
    hubs = keys.select(R, F.explode(HUB_TAILS).alias("hub"))
    share_hub = (
        every.select("a", "b")
        .join(hubs.select(F.col(R).alias("a"), "hub"), "a")
        .join(hubs.select(F.col(R).alias("b"), "hub"), ["b", "hub"])
        .select("a", "b")
        .distinct()
        .withColumn("_lk_hub", F.lit(True))
    )
    return (
        every.join(share_hub, ["a", "b"], "left")
        .select(
            "a",
            "b",
            "phone",
            "tail",
            (F.col("tail").isNotNull() | F.coalesce(F.col("_lk_hub"), F.lit(False))).alias(
                "any_tail"
            ),
        )
        .repartition(partitions, "a", "b")
    )


@dataclass(frozen=True)
class _Counts:
    """The table-wide numbers of ``Frequencies`` that are not per value."""

    firms: int
    u: dict[str, float]
    names: int
    """Distinct names in the table (for the words' weights)."""


def _frequencies(
    prep: DataFrame,
    pairs: DataFrame,
    prep_layout: Layout,
    settings: Settings,
) -> tuple[DataFrame, DataFrame, DataFrame, _Counts]:
    """``compare.match_frequencies`` by Spark aggregates: per record (rank) its firm and the counts
    of its own values; per number and per tail the names that use it; firms and u."""
    from pyspark.sql import functions as F

    inn, site = _id(INN), _id(DOMAIN_EV)
    ends = prep.select(R, inn, site)
    links = (
        pairs.join(
            ends.select(
                F.col(R).alias("a"), F.col(inn).alias("inn_a"), F.col(site).alias("site_a")
            ),
            "a",
        )
        .join(
            ends.select(
                F.col(R).alias("b"), F.col(inn).alias("inn_b"), F.col(site).alias("site_b")
            ),
            "b",
        )
        .where(
            (
                F.col("phone").isNotNull()
                | F.coalesce(F.col("inn_a") == F.col("inn_b"), F.lit(False))
                | F.coalesce(F.col("site_a") == F.col("site_b"), F.lit(False))
            )
            & ~F.coalesce(F.col("inn_a") != F.col("inn_b"), F.lit(False))
        )
        .select("a", "b")
    )
    firms = connected_components(links)
    records = (
        prep.select(R, _id(KEY), _id(CITY), _id(ADDR), DOMAIN_EV, IDENTIFIED)
        .join(firms.select(F.col("node").alias(R), F.col("component").alias("_lk_c")), R, "left")
        .withColumn(FIRM, F.coalesce(F.col("_lk_c"), F.col(R)))
        .drop("_lk_c")
    )
    known = records.groupBy(FIRM).agg(
        F.max(F.coalesce(F.col(IDENTIFIED), F.lit(False)).cast("int")).alias("_lk_k")
    )
    records = checkpoint(
        records.join(known, FIRM).withColumn(KNOWN, F.col("_lk_k") == 1).drop("_lk_k")
    )
    carriers = records.where(F.col(KNOWN))

    def firms_by(table: DataFrame, keys: list[str], name: str) -> DataFrame:
        condition = F.lit(True)
        for key in keys:
            condition = condition & F.col(key).isNotNull()
        return table.where(condition).groupBy(*keys).agg(F.countDistinct(FIRM).alias(name))

    def names_per(column: str, many: bool, name: str) -> DataFrame:
        value = F.explode(column) if many else F.col(column)
        return (
            prep.select(KEY, value.alias("value"))
            .where(F.col(KEY).isNotNull() & F.col("value").isNotNull())
            .distinct()
            .groupBy("value")
            .agg(F.count(F.lit(1)).alias(name))
        )

    key, city, addr = _id(KEY), _id(CITY), _id(ADDR)
    per_record = (
        records.select(R, key, city, addr, DOMAIN_EV, FIRM, KNOWN)
        .join(prep.select(R, KEY), R)
        .join(firms_by(records, [city], CITY_FIRMS), [city], "left")
        .join(firms_by(carriers, [key, city], NAME_CITY), [key, city], "left")
        .join(firms_by(carriers, [key], NAME_ALL), [key], "left")
        .join(firms_by(carriers, [addr, city], ADDR_CITY), [addr, city], "left")
        .join(
            names_per(DOMAIN, False, DOMAIN_NAMES).withColumnRenamed("value", DOMAIN_EV),
            [DOMAIN_EV],
            "left",
        )
    )
    names, word_counts = _name_word_counts(prep)
    per_record = per_record.join(word_counts, KEY, "left").select(R, *SIDE_COUNTS)
    phone_names = names_per(PHONES, True, "phone_names").withColumnRenamed("value", "phone")
    tail_names = names_per(TAILS, True, "tail_names").withColumnRenamed("value", "tail")
    firm_count = records.agg(F.countDistinct(FIRM)).first()
    assert firm_count is not None
    counts = _Counts(max(int(firm_count[0]), 1), _estimate_u(prep, prep_layout, settings), names)
    return per_record, phone_names, tail_names, counts


def _name_word_counts(prep: DataFrame) -> tuple[int, DataFrame]:
    """``compare.word_weights``' counts over the whole table: how many distinct names there are,
    and per name its words (``compare.name_words``) with the names that carry each."""
    from pyspark.sql import functions as F

    names = checkpoint(prep.select(KEY).where(F.col(KEY).isNotNull()).distinct())
    total = names.count()
    source = Layout({KEY: pl.String()})
    target = Layout({KEY: pl.String(), "word": pl.String()})

    def words_of(frame: pl.DataFrame) -> pl.DataFrame:
        keys = frame.get_column(KEY)
        words = name_words(keys)
        return words.select(keys.gather(words.get_column("pos")).alias(KEY), "word")

    words = _map(names, source, target, words_of)
    counts = words.groupBy("word").agg(F.count(F.lit(1)).alias("names"))
    listed = (
        words.join(counts, "word")
        .groupBy(KEY)
        .agg(F.collect_list(F.struct("word", "names")).alias("_lk_w"))
        .select(
            KEY,
            F.transform("_lk_w", lambda w: w["word"]).alias(NAME_WORDS),
            F.transform("_lk_w", lambda w: w["names"]).alias(WORD_NAMES),
        )
    )
    return total, listed


def _estimate_u(prep: DataFrame, prep_layout: Layout, settings: Settings) -> dict[str, float]:
    """``compare.estimate_u``: the records per city and per legal form are Spark counts; the
    random pairs are drawn here from those counts and their records fetched (at most 40,000)."""
    from pyspark.sql import functions as F

    city = _id(CITY)
    by_city = pl.from_arrow(prep.where(F.col(city).isNotNull()).groupBy(city).count().toArrow())
    assert isinstance(by_city, pl.DataFrame)
    sizes = by_city.select(
        pl.col(city).cast(pl.Int64).reinterpret(signed=False), pl.col("count").cast(pl.UInt32)
    ).sort(city)
    forms = pl.from_arrow(prep.where(F.col(FORM).isNotNull()).groupBy(FORM).count().toArrow())
    assert isinstance(forms, pl.DataFrame)
    form_counts = forms.get_column("count").cast(pl.UInt32)
    total = int(sizes.get_column("count").sum())
    sample = pl.DataFrame()
    if total >= MEASURE_MIN:
        first, second = random_pair_positions(sizes.get_column("count").to_list(), U_SEED)
        wanted = np.unique(np.concatenate([first, second]))
        spark = prep.sparkSession
        positions = spark.createDataFrame(pa.table({"_pos": pa.array(wanted, pa.int64())}))
        # Sorted by city id as an unsigned number (as Polars sorts the ids), then by rank.
        unsigned = F.col(city).bitwiseXOR(F.lit(-(2**63)))
        located = with_index(
            prep.where(F.col(city).isNotNull()).select(city, R, KEY, ADDR),
            [unsigned, F.col(R)],
            "_pos",
        )
        fetched = pl.from_arrow(
            located.join(F.broadcast(positions), "_pos").select("_pos", KEY, ADDR).toArrow()
        )
        assert isinstance(fetched, pl.DataFrame)
        sample = city_pairs_at(fetched, first, second)
    return u_estimates(settings.dedupe, sizes.get_column("count"), form_counts, sample)


def _compare(
    pairs: DataFrame,
    per_record: DataFrame,
    phone_names: DataFrame,
    tail_names: DataFrame,
    prep: DataFrame,
    prep_layout: Layout,
    counts: _Counts,
    threshold: int,
    settings: Settings,
) -> DataFrame:
    """``compare.compare_pairs`` on the executors: each pair with both records' fields and counts;
    each part scored as a small table of its own (records numbered within it)."""
    from pyspark.sql import functions as F

    rules = settings.dedupe
    # Each record's side once (its counts come from several aggregates), then the narrow pairs
    # take their numbers' counts before they take the two wide sides.
    sides = checkpoint(prep.select(R, *SIDE).join(per_record, R))

    def side(prefix: str, end: str) -> DataFrame:
        return sides.select(
            F.col(R).alias(end), *(F.col(c).alias(prefix + c) for c in (*SIDE, *SIDE_COUNTS))
        )

    joined = (
        pairs.join(phone_names, "phone", "left")
        .join(tail_names, "tail", "left")
        .join(side("a__", "a"), "a")
        .join(side("b__", "b"), "b")
    )
    side_layout = Layout(
        {
            **{c: prep_layout.schema[c] for c in SIDE},
            FIRM: pl.UInt32(),
            KNOWN: pl.Boolean(),
            CITY_FIRMS: pl.Int64(),
            NAME_CITY: pl.Int64(),
            NAME_ALL: pl.Int64(),
            ADDR_CITY: pl.Int64(),
            DOMAIN_NAMES: pl.Int64(),
            NAME_WORDS: pl.List(pl.String()),
            WORD_NAMES: pl.List(pl.Int64()),
        }
    )
    source = Layout(
        {
            "a": pl.UInt32(),
            "b": pl.UInt32(),
            "phone": pl.String(),
            "tail": pl.String(),
            "any_tail": pl.Boolean(),
            "phone_names": pl.Int64(),
            "tail_names": pl.Int64(),
            **{f"a__{c}": d for c, d in side_layout.schema.items()},
            **{f"b__{c}": d for c, d in side_layout.schema.items()},
        }
    )
    target = Layout(
        {
            "a": pl.UInt32(),
            "b": pl.UInt32(),
            "weight": pl.Float64(),
            "reason": pl.String(),
            "weak": pl.Boolean(),
            "guarded": pl.Boolean(),
            "identity": pl.Boolean(),
            "phones_differ": pl.Boolean(),
        }
    )
    u, firms, names = counts.u, counts.firms, counts.names

    def score(frame: pl.DataFrame) -> pl.DataFrame:
        k = frame.height
        local = pl.concat(
            [
                frame.select(pl.col(f"a__{c}").alias(c) for c in side_layout.names),
                frame.select(pl.col(f"b__{c}").alias(c) for c in side_layout.names),
            ]
        )
        city, key, addr = _id(CITY), _id(KEY), _id(ADDR)

        def table(columns: dict[str, str]) -> pl.DataFrame:
            return (
                local.select(pl.col(s).alias(t) for s, t in columns.items()).drop_nulls().unique()
            )

        freq = Frequencies(
            firm=local.get_column(FIRM),
            known=local.get_column(KNOWN),
            firms=firms,
            city_firms=table({city: city, CITY_FIRMS: "n"}),
            name_city=table({key: key, city: city, NAME_CITY: "n"}),
            name_all=table({key: key, NAME_ALL: "n"}),
            address_city=table({addr: addr, city: city, ADDR_CITY: "n"}),
            phone_names=frame.select(
                pl.col("phone").alias("value"), pl.col("phone_names").alias("names")
            )
            .drop_nulls()
            .unique(),
            tail_names=frame.select(
                pl.col("tail").alias("value"), pl.col("tail_names").alias("names")
            )
            .drop_nulls()
            .unique(),
            domain_names=table({DOMAIN_EV: "value", DOMAIN_NAMES: "names"}),
            u=u,
            words=WordCounts(
                local.select(pl.col(NAME_WORDS).alias("word"), pl.col(WORD_NAMES).alias("names"))
                .explode("word", "names")
                .drop_nulls()
                .unique(),
                names,
            ),
        )
        local_pairs = pl.DataFrame(
            {
                "a": pl.int_range(k, dtype=pl.UInt32, eager=True),
                "b": pl.int_range(k, 2 * k, dtype=pl.UInt32, eager=True),
            }
        ).with_columns(frame.select("phone", "tail", "any_tail"))
        accepted = compare_pairs(local.select(SIDE), local_pairs, threshold, rules, freq)
        return accepted.with_columns(
            frame.get_column("a").gather(accepted.get_column("a")),
            frame.get_column("b").gather(accepted.get_column("b") - k),
        )

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        held: list[pa.RecordBatch] = []
        rows = 0
        for batch in batches:
            held.append(batch)
            rows += batch.num_rows
            if rows >= COMPARE_PAIRS:
                yield target.to_arrow(score(source.to_polars(held)))
                held, rows = [], 0
        if rows:
            yield target.to_arrow(score(source.to_polars(held)))

    return joined.select(*source.names).mapInArrow(run, target.spark)


def _not_duplicate_ranks(
    spark: SparkSession,
    not_duplicates: pl.DataFrame | None,
    prep: DataFrame,
    warnings: list[Notice],
) -> DataFrame | None:
    """The rank pairs of the not-duplicates table (as ``dedupe._not_duplicate_ranks``)."""
    from pyspark.sql import functions as F

    if not_duplicates is None or not_duplicates.is_empty():
        return None
    check_not_duplicates(not_duplicates)
    marks = not_duplicates.select(pl.col(NOT_A).cast(pl.String), pl.col(NOT_B).cast(pl.String))
    given = spark.createDataFrame(
        marks.to_arrow().cast(pa.schema([(NOT_A, pa.string()), (NOT_B, pa.string())]))
    )
    ids = prep.select(C.LEAD_ID, R)
    ranked = given.join(
        ids.select(F.col(C.LEAD_ID).alias(NOT_A), F.col(R).alias("a")), NOT_A, "left"
    ).join(ids.select(F.col(C.LEAD_ID).alias(NOT_B), F.col(R).alias("b")), NOT_B, "left")
    ranked = checkpoint(ranked)
    unknown = ranked.where(F.col("a").isNull() | F.col("b").isNull()).count()
    if unknown:
        warnings.append(
            Notice(
                f"{counted(unknown, 'not-duplicate pair')} "
                f"{'names' if unknown == 1 else 'name'} a lead_id that is not in this table "
                f"and {'was' if unknown == 1 else 'were'} not used"
            )
        )
    return ranked.where(
        F.col("a").isNotNull() & F.col("b").isNotNull() & (F.col("a") != F.col("b"))
    ).select("a", "b")


def _cluster(
    accepted: DataFrame,
    prep: DataFrame,
    prep_layout: Layout,
    forbidden: DataFrame | None,
) -> tuple[DataFrame, int]:
    """``cluster.cluster_pairs`` per group of whole connected components: ``R, seed, reason, weak``
    for every record some accepted pair touches; and the size of the largest component."""
    from pyspark.sql import functions as F

    components = checkpoint(connected_components(accepted))
    stats = (
        components.groupBy("component")
        .count()
        .agg(F.count(F.lit(1)), F.max("count"), F.sum("count"))
        .first()
    )
    assert stats is not None
    members_count = int(stats[2] or 0)
    largest = int(stats[1] or 0)
    groups = max(1, members_count // RESOLVE_RECORDS + 1)
    bucket = F.pmod(F.xxhash64("component"), F.lit(groups)).alias("bucket")
    members = (
        components.select(F.col("node").alias(R), "component", bucket)
        .join(prep.select(R, INN, TAILS_EV, CITY, DOMAIN_EV), R)
        .drop("component")
    )
    ends = components.select(F.col("node").alias("a"), "component", bucket)
    pairs = accepted.join(ends, "a").drop("component").withColumn("forbidden", F.lit(False))
    if forbidden is not None:
        marks = (
            forbidden.join(ends, "a")
            .join(
                components.select(F.col("node").alias("b"), F.col("component").alias("_lk_cb")), "b"
            )
            .where(F.col("component") == F.col("_lk_cb"))
            .select("a", "b", "bucket")
        )
        pairs = pairs.unionByName(
            marks.select(
                "a",
                "b",
                F.lit(None).cast("double").alias("weight"),
                F.lit(None).cast("string").alias("reason"),
                F.lit(None).cast("boolean").alias("weak"),
                F.lit(None).cast("boolean").alias("guarded"),
                F.lit(None).cast("boolean").alias("identity"),
                F.lit(None).cast("boolean").alias("phones_differ"),
                "bucket",
                F.lit(True).alias("forbidden"),
            )
        )
    member_layout = Layout(
        {
            R: pl.UInt32(),
            "bucket": pl.Int64(),
            INN: pl.String(),
            TAILS_EV: pl.List(pl.String()),
            CITY: pl.String(),
            DOMAIN_EV: pl.String(),
        }
    )
    pair_layout = Layout(
        {
            "a": pl.UInt32(),
            "b": pl.UInt32(),
            "weight": pl.Float64(),
            "reason": pl.String(),
            "weak": pl.Boolean(),
            "guarded": pl.Boolean(),
            "identity": pl.Boolean(),
            "phones_differ": pl.Boolean(),
            "bucket": pl.Int64(),
            "forbidden": pl.Boolean(),
        }
    )
    target = Layout(
        {R: pl.UInt32(), "seed": pl.UInt32(), "reason": pl.String(), "weak": pl.Boolean()}
    )

    def resolve(left: pa.Table, right: pa.Table) -> pa.Table:
        records = member_layout.to_polars(left).sort(R)
        marked = pair_layout.to_polars(right)
        index = records.get_column(R).to_numpy()

        def local(column: pl.Series) -> pl.Series:
            return pl.Series(np.searchsorted(index, column.to_numpy()), dtype=pl.UInt32)

        plain = marked.filter(~pl.col("forbidden"))
        accepted_local = plain.select(
            local(plain.get_column("a")).alias("a"),
            local(plain.get_column("b")).alias("b"),
            "weight",
            "reason",
            "weak",
            "guarded",
            "identity",
            "phones_differ",
        )
        marks = marked.filter(pl.col("forbidden"))
        not_duplicates = list(
            zip(
                local(marks.get_column("a")).to_list(),
                local(marks.get_column("b")).to_list(),
                strict=True,
            )
        )
        evidence = Evidence(
            inn=records.get_column(INN).to_list(),
            facts=records.select(
                pl.col(TAILS_EV).alias("phones"),
                pl.col(CITY).alias("city"),
                pl.col(DOMAIN_EV).alias("domain"),
            ),
        )
        found = cluster_pairs(records.height, accepted_local, evidence, not_duplicates)
        result = pl.DataFrame(
            {
                R: records.get_column(R),
                "seed": records.get_column(R).gather(pl.Series(found.seed, dtype=pl.UInt32)),
                "reason": pl.Series(found.reason, dtype=pl.String),
                "weak": pl.Series(found.weak, dtype=pl.Boolean),
            }
        )
        return pa.Table.from_batches([target.to_arrow(result)])

    resolved = (
        members.select(*member_layout.names)
        .groupBy("bucket")
        .cogroup(pairs.select(*pair_layout.names).groupBy("bucket"))
        .applyInArrow(resolve, target.spark)
    )
    return resolved, largest


def _merge(
    clusters: DataFrame,
    clusters_layout: Layout,
    settings: Settings,
    partitions: int,
    carried_ids: bool,
) -> tuple[DataFrame, Layout]:
    """``merge.merge_clusters`` per partition of whole clusters, records in input order; each merged
    row keeps the ``ROW`` of its cluster's first record."""
    from leadkit.dedupe import _unite_lead_ids

    cities = settings.cities
    plain = clusters_layout.without([ROW, LEAD_IDS_IN])
    sample = merge_clusters(plain.empty(), cities)
    merged_layout = Layout.of(sample).with_columns({ROW: pl.Int64()})

    def merge(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.sort(ROW)
        records = frame.drop(ROW, LEAD_IDS_IN, strict=False)
        merged = merge_clusters(records, cities)
        if carried_ids:
            given = frame.select(C.LEAD_ID, pl.col(LEAD_IDS_IN).alias(C.LEAD_IDS))
            merged = _unite_lead_ids(merged, records, given, None)
        first = frame.group_by(C.CLUSTER_ID).agg(pl.col(ROW).min())
        return merged.join(first, on=C.CLUSTER_ID, how="left")

    spread = clusters.repartition(partitions, C.CLUSTER_ID)
    return _map(spread, clusters_layout, merged_layout, merge, whole=True), merged_layout


# --- the whole step -----------------------------------------------------------------------------


def dedupe_spark(
    leads: DataFrame,
    layout: Layout,
    threshold: int = DEFAULT_THRESHOLD,
    not_duplicates: pl.DataFrame | None = None,
    *,
    region: str = "RU",
    settings: Settings | None = None,
    statistics: DedupeStatistics | None = None,
    on_step: Callable[[str], None] | None = None,
) -> SparkDedupeResult:
    """``dedupe_leads`` of a Spark lead table (with ``ROW``): the same clusters, reasons and merged
    rows. A table that is not cleaned yet is cleaned first (on Spark). ``on_step`` is called with
    each step's name as it ends (the benchmarks measure the shuffles per step)."""
    from pyspark.sql import functions as F

    from leadkit.spark.clean import clean_spark

    if not 0 <= threshold <= 100:
        raise LeadkitError(f"threshold must be from 0 to 100, not {threshold}")
    settings = resolve(settings)
    spark = leads.sparkSession
    warnings: list[Notice] = []
    if C.COMPANY_KEY not in layout.names:
        warnings.append(Notice("the input is not cleaned yet: cleaning it first"))
        cleaned = clean_spark(leads, layout, region, settings=settings, count=False)
        leads, layout = cleaned.leads, cleaned.layout
    clock = _Clock(on_step)
    leads = checkpoint(leads)
    _check_lead_ids(leads)
    records = leads.count()
    partitions = max(
        int(spark.conf.get("spark.sql.shuffle.partitions") or 8), records // MERGE_RECORDS + 1
    )
    source = layout.without([ROW])

    # 1. matching fields, row by row
    rows_sample = prepare_rows(source.empty(), settings).drop(RECORD_ROW)
    rows_layout = Layout.of(rows_sample).with_columns({ROW: pl.Int64()})

    def rows_of(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            prepare_rows(frame.drop(ROW), settings)
            .drop(RECORD_ROW)
            .with_columns(frame.get_column(ROW))
        )

    rows = checkpoint(_map(leads, layout, rows_layout, rows_of))
    clock.mark("input and matching fields")
    # 2. table-wide facts
    if statistics is None:
        statistics = spark_dedupe_statistics(rows, rows_layout, settings)
    clock.mark("statistics")
    # 3. ranks by lead_id, then the facts applied
    ranked = with_index(rows, [F.col(C.LEAD_ID)], R)
    ranked_layout = rows_layout.with_columns({R: pl.UInt32()})
    facts = statistics
    prep_sample = apply_statistics(ranked_layout.empty(), settings, facts)
    prep_layout = Layout.of(prep_sample).with_columns({IDENTIFIED: pl.Boolean()})

    def prepared(frame: pl.DataFrame) -> pl.DataFrame:
        return apply_statistics(frame, settings, facts).with_columns(
            has_identifier().alias(IDENTIFIED)
        )

    prep = checkpoint(
        _map(ranked.select(*ranked_layout.names), ranked_layout, prep_layout, prepared)
    )
    clock.mark("ranks")
    # 4. candidate pairs
    keys_layout = Layout.of(block_keys(prep_layout.empty()))
    keys = checkpoint(_map(prep, prep_layout, keys_layout, block_keys))
    pairs = checkpoint(_candidate_pairs(keys, threshold, settings, partitions))
    candidates = pairs.count()
    clock.mark("candidate pairs")
    # 5. frequencies
    per_record, phone_names, tail_names, counts = _frequencies(prep, pairs, prep_layout, settings)
    clock.mark("frequencies")
    # 6. comparison
    accepted = checkpoint(
        _compare(
            pairs,
            per_record,
            phone_names,
            tail_names,
            prep,
            prep_layout,
            counts,
            threshold,
            settings,
        )
    )
    accepted_count = accepted.count()
    clock.mark("comparison")
    # 7. clusters
    forbidden = _not_duplicate_ranks(spark, not_duplicates, prep, warnings)
    resolved, largest = _cluster(accepted, prep, prep_layout, forbidden)
    by_rank = (
        prep.select(R, C.LEAD_ID, ROW)
        .join(resolved, R, "left")
        .select(
            ROW,
            F.coalesce(F.col("seed"), F.col(R)).alias("_lk_seed"),
            F.coalesce(F.col("reason"), F.lit("single")).alias(C.MATCH_REASON),
            F.coalesce(F.col("weak"), F.lit(False)).alias("_lk_weak"),
        )
        .join(
            prep.select(F.col(R).alias("_lk_seed"), F.col(C.LEAD_ID).alias(C.CLUSTER_ID)),
            "_lk_seed",
        )
        .drop("_lk_seed")
    )
    clock.mark("clusters")
    base_names = [c for c in layout.names if c not in C.DEDUPE_COLUMNS]
    carried_ids = C.LEAD_IDS in layout.names
    joined = leads.select(
        *base_names, *([F.col(C.LEAD_IDS).alias(LEAD_IDS_IN)] if carried_ids else [])
    ).join(by_rank, ROW)
    sizes = joined.groupBy(C.CLUSTER_ID).agg(
        F.count(F.lit(1)).cast("string").alias(C.CLUSTER_SIZE),
        F.max(F.col("_lk_weak").cast("int")).alias("_lk_review"),
    )
    with_sizes = checkpoint(joined.join(sizes, C.CLUSTER_ID))
    order_sample = pl.DataFrame(
        schema={
            **{n: source.schema[n] for n in base_names if n != ROW},
            C.CLUSTER_ID: pl.String(),
            C.MATCH_REASON: pl.String(),
            C.CLUSTER_SIZE: pl.String(),
        }
    )
    ordered = C.order_columns(order_sample)
    clusters_layout = Layout.of(ordered).with_columns({ROW: pl.Int64()})
    clusters = with_sizes.select(*ordered.columns, ROW)
    review = with_sizes.where(F.col("_lk_review") == 1).select(*ordered.columns, ROW)
    merge_input_layout = clusters_layout
    merge_input = clusters
    if carried_ids:
        merge_input_layout = clusters_layout.with_columns({LEAD_IDS_IN: pl.String()})
        merge_input = with_sizes.select(*ordered.columns, ROW, LEAD_IDS_IN)
    merged, merged_layout = _merge(
        merge_input, merge_input_layout, settings, partitions, carried_ids
    )
    merged = checkpoint(merged)
    companies = merged.count()
    review_records = review.count()
    clock.mark("merge")
    result_counts = {
        "records": records,
        "companies": companies,
        "merged_records": records - companies,
        "review_records": review_records,
    }
    return SparkDedupeResult(
        merged,
        merged_layout,
        clusters,
        review,
        clusters_layout,
        warnings,
        result_counts,
        largest,
        clock.steps,
        statistics,
        counts.u,
        {"candidate": candidates, "accepted": accepted_count},
    )
