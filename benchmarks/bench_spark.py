"""The Spark engine beside the Polars engine: time, where Spark's time goes, shuffle sizes, equality.

Run (local mode, 2 cores):
    .venv/bin/python benchmarks/bench_spark.py --n 100000 1000000 3000000 --polars-max 1000000
On a standalone cluster started on this machine (a master and two one-core workers, other processes):
    .venv/bin/python benchmarks/bench_spark.py --cluster --n 100000

For each size: generated leads (seeded) are written as Parquet; the Polars engine cleans and
deduplicates them in this process (up to ``--polars-max`` leads); the Spark engine reads the same
Parquet files, cleans and deduplicates them, writes its outputs as Parquet, and the outputs are
compared with the Polars engine's as sets (every column, ids included). Shuffle bytes come from
Spark's REST API on 127.0.0.1 (stage metrics), per phase. Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/bench_spark.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import peak_rss_mb

UI_PORT = 4050


def _stage_totals(app_id: str) -> dict[str, int]:
    """Shuffle and input bytes of every completed stage of the application so far."""
    url = f"http://127.0.0.1:{UI_PORT}/api/v1/applications/{app_id}/stages?status=complete"
    with urllib.request.urlopen(url, timeout=30) as response:
        stages = json.loads(response.read().decode("utf-8"))
    totals = {"shuffle_write": 0, "shuffle_read": 0, "input": 0, "spill_disk": 0, "stages": 0}
    seen = set()
    for stage in stages:
        key = (stage["stageId"], stage["attemptId"])
        if key in seen:
            continue
        seen.add(key)
        totals["shuffle_write"] += int(stage.get("shuffleWriteBytes", 0))
        totals["shuffle_read"] += int(stage.get("shuffleReadBytes", 0))
        totals["input"] += int(stage.get("inputBytes", 0))
        totals["spill_disk"] += int(stage.get("diskBytesSpilled", 0))
        totals["stages"] += 1
    return totals


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def _same_rows(left: Any, right: Any) -> bool:
    """Equal as sets of rows (every column, ids included), whatever the row order."""
    import polars as pl

    if left.columns != right.columns or left.height != right.height:
        return False
    key = [c for c in ("lead_id", "cluster_id") if c in left.columns][:1]
    cast = [
        pl.col(c).cast(pl.String) if left.schema[c] != pl.List else pl.col(c) for c in left.columns
    ]
    return bool(left.select(cast).sort(key).equals(right.select(cast).sort(key)))


def _executor_processes(spark: Any) -> dict[str, Any]:
    """Where the Python code of the tasks ran: process ids and their ancestors, and Spark's list of
    executors (the proof that leadkit reached executors that are other processes)."""
    from pyspark.sql import types as T

    from benchmarks.spark_cluster import started_pids

    def where(batches: Any) -> Any:
        # Runs in the executors' Python workers: no import from benchmarks/ (not shipped there).
        import os as os_

        import pyarrow as pa

        from leadkit.normalize.phones import normalize_phones  # leadkit is importable there

        def chain(pid: int) -> list[int]:
            found = []
            while pid > 1:
                try:
                    with open(f"/proc/{pid}/stat") as stat:
                        pid = int(stat.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    break
                found.append(pid)
            return found

        assert normalize_phones is not None
        for batch in batches:
            del batch
            yield pa.RecordBatch.from_pydict(
                {"pid": [os_.getpid()], "chain": [",".join(map(str, chain(os_.getpid())))]}
            )

    schema = T.StructType(
        [T.StructField("pid", T.LongType()), T.StructField("chain", T.StringType())]
    )
    rows = spark.range(0, 64, numPartitions=8).mapInArrow(where, schema).collect()
    workers = set(started_pids())
    jvm: Any = getattr(spark.sparkContext, "_jvm")  # noqa: B009
    driver_jvm = int(jvm.java.lang.ProcessHandle.current().pid())
    seen = [
        {"python_pid": r["pid"], "ancestors": [int(p) for p in r["chain"].split(",") if p]}
        for r in rows
    ]
    url = f"http://127.0.0.1:{UI_PORT}/api/v1/applications/{spark.sparkContext.applicationId}"
    with urllib.request.urlopen(f"{url}/executors", timeout=30) as response:
        executors = json.loads(response.read().decode("utf-8"))
    return {
        "driver_python_pid": os.getpid(),
        "driver_jvm_pid": driver_jvm,
        "cluster_pids": sorted(workers),
        "task_python_pids": sorted({s["python_pid"] for s in seen}),
        "tasks_under_a_started_worker": all(workers & set(s["ancestors"]) for s in seen),
        "tasks_under_the_driver_jvm": any(driver_jvm in s["ancestors"] for s in seen),
        "executors": [(e["id"], e["hostPort"], e["totalCores"]) for e in executors],
    }


def _clean_on_spark(
    spark: Any, app_id: str, raw: Path, folder: Path, cleaned: Any, row: dict[str, Any], before: Any
) -> dict[str, int]:
    """Spark's clean of ``raw`` into ``folder``, timed and compared with Polars' ``cleaned``."""
    import polars as pl

    from leadkit.spark.clean import clean_spark
    from leadkit.spark.tables import read_leads, write_parquet

    started = time.perf_counter()
    frame, layout = read_leads(spark, str(raw))
    result = clean_spark(frame, layout)
    write_parquet(result.leads, str(folder / "spark_clean.parquet"))
    row["spark_clean_s"] = round(time.perf_counter() - started, 1)
    middle = _stage_totals(app_id)
    row["spark_clean_shuffle"] = _delta(middle, before)
    spark_clean = pl.read_parquet(folder / "spark_clean.parquet" / "*.parquet")
    row["clean_equal"] = _same_rows(spark_clean, cleaned.select(spark_clean.columns))
    del spark_clean
    return middle


def run(
    sizes: list[int],
    master: str,
    polars_max: int,
    seed: int,
    executor_memory: str,
    steps: tuple[str, ...] = ("clean", "dedupe"),
) -> None:
    import polars as pl

    import leadkit
    from leadkit.spark.dedupe import dedupe_spark
    from leadkit.spark.session import spark_session
    from leadkit.spark.tables import read_leads, write_parquet
    from leadkit.testing.generate import generate_leads

    config = {"spark.ui.port": str(UI_PORT)}
    if not master.startswith("local"):
        # Spark's default of 200 shuffle partitions is for big clusters: a few per core here.
        config.update(
            {
                "spark.executor.memory": executor_memory,
                "spark.executor.cores": "1",
                "spark.sql.shuffle.partitions": "8",
            }
        )
    start = time.perf_counter()
    spark = spark_session(master, config=config, ui=True)
    session_s = time.perf_counter() - start
    app_id = spark.sparkContext.applicationId
    print(
        json.dumps({"master": master, "session_s": round(session_s, 1), "load": _load()}),
        flush=True,
    )
    if not master.startswith("local"):
        print(json.dumps({"executors": _executor_processes(spark)}), flush=True)
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"leadkit-bench-spark-{n}-"))
        leads, _ = generate_leads(n, seed)
        raw = folder / "raw.parquet"
        leads.write_parquet(raw)
        row: dict[str, Any] = {"n": n, "load_before": _load()}
        started = time.perf_counter()
        cleaned = leadkit.clean_leads(leads, workers=os.cpu_count() or 1).leads
        row["polars_clean_s"] = round(time.perf_counter() - started, 1)
        clean_file = folder / "clean.parquet"
        cleaned.write_parquet(clean_file)
        del leads
        want = None
        if n <= polars_max and "dedupe" in steps:
            started = time.perf_counter()
            want = leadkit.dedupe_leads(cleaned)
            row["polars_dedupe_s"] = round(time.perf_counter() - started, 1)
        before = _stage_totals(app_id)
        middle = before
        if "clean" in steps:
            middle = _clean_on_spark(spark, app_id, raw, folder, cleaned, row, before)
        if "dedupe" not in steps:
            print(json.dumps(row), flush=True)
            shutil.rmtree(folder, ignore_errors=True)
            continue
        started = time.perf_counter()
        frame, layout = read_leads(spark, str(clean_file))
        marks: list[tuple[str, dict[str, int]]] = [("start", _stage_totals(app_id))]

        def mark(step: str, marks: list[tuple[str, dict[str, int]]] = marks) -> None:
            marks.append((step, _stage_totals(app_id)))

        deduped = dedupe_spark(frame, layout, on_step=mark)
        row["spark_dedupe_shuffle_write_mb_per_step"] = {
            step: round((totals["shuffle_write"] - marks[i][1]["shuffle_write"]) / 2**20, 1)
            for i, (step, totals) in enumerate(marks[1:])
        }
        write_parquet(deduped.merged, str(folder / "merged.parquet"))
        write_parquet(deduped.clusters, str(folder / "clusters.parquet"))
        row["spark_dedupe_s"] = round(time.perf_counter() - started, 1)
        row["spark_dedupe_steps_s"] = deduped.timings
        row["spark_dedupe_shuffle"] = _delta(_stage_totals(app_id), middle)
        row["pairs"] = deduped.pairs
        row["largest_component"] = deduped.largest_component
        row["counts"] = deduped.counts
        if want is not None:
            merged = pl.read_parquet(folder / "merged.parquet" / "*.parquet")
            clusters = pl.read_parquet(folder / "clusters.parquet" / "*.parquet")
            row["dedupe_equal"] = _same_rows(
                merged, want.merged.select(merged.columns)
            ) and _same_rows(clusters, want.clusters.select(clusters.columns))
        row["load_after"] = _load()
        row["driver_peak_rss_mb"] = round(peak_rss_mb())
        print(json.dumps(row), flush=True)
        del cleaned, want
        shutil.rmtree(folder, ignore_errors=True)
    spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--cluster", action="store_true", help="start a standalone cluster here")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executor-memory", default="1500m")
    parser.add_argument("--polars-max", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--steps", nargs="+", choices=["clean", "dedupe"], default=["clean", "dedupe"]
    )
    args = parser.parse_args()
    steps = tuple(args.steps)
    if args.cluster:
        from benchmarks.spark_cluster import standalone_cluster

        with standalone_cluster(workers=args.workers, cores=1, memory="2g") as url:
            run(args.n, url, args.polars_max, args.seed, args.executor_memory, steps)
    else:
        run(args.n, args.master, args.polars_max, args.seed, args.executor_memory, steps)


if __name__ == "__main__":
    main()
