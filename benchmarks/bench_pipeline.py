"""The main job end to end, as a user runs it: ``leadkit import`` → ``clean`` → ``dedupe`` on export files.

Run: ``.venv/bin/python benchmarks/bench_pipeline.py 100000 1000000`` (sizes; ``--seed``, default 1). For each size
the script writes the generated exports (``benchmarks/data/pipeline-<n>-<seed>/``, git-ignored; reused when
present; ``LEADKIT_BENCH_DATA`` moves it), runs the three commands as separate
processes with Parquet between them, and prints wall time and peak memory per step, then pairwise precision,
recall and F1 of the clusters against the generator's truth.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_pipeline.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import DATA, timed_leadkit
from leadkit.testing.generate import write_exports
from leadkit.testing.public import pairwise_scores


def run(n: int, seed: int) -> None:
    """Write (or reuse) n generated leads as exports and time the three steps on them."""
    folder = DATA / f"pipeline-{n}-{seed}"
    if not (folder / "truth.csv").exists():
        start = time.perf_counter()
        write_exports(folder, n, seed)
        print(f"wrote {n:,} leads as exports in {time.perf_counter() - start:.1f} s", flush=True)
    exports, out = folder / "exports", folder / "out"
    out.mkdir(exist_ok=True)
    steps = {
        "import": [
            "import",
            str(exports),
            "--map",
            str(folder / "map.yaml"),
            "-o",
            str(out / "leads.parquet"),
        ],
        "clean": ["clean", str(out / "leads.parquet"), "-o", str(out / "clean.parquet")],
        "dedupe": [
            "dedupe",
            str(out / "clean.parquet"),
            "-o",
            str(out / "companies.parquet"),
            "--clusters",
            str(out / "clusters.parquet"),
        ],
    }
    print(f"\nleads: {n:,} (seed {seed}), {os.cpu_count()} cores")
    print("| step | wall s | peak RSS MiB |")
    print("| --- | ---: | ---: |")
    total = 0.0
    for name, args in steps.items():
        wall, rss, _ = timed_leadkit(args)
        total += wall
        print(f"| {name} | {wall:.1f} | {rss:,.0f} |", flush=True)
    print(f"| **import + clean + dedupe** | **{total:.1f}** | |")
    clusters = pl.read_parquet(out / "clusters.parquet")
    truth = pl.read_csv(folder / "truth.csv", infer_schema=False)
    keyed = clusters.join(
        truth.rename({"source_sheet": "_sheet"}), on=["source", "source_row"], how="inner"
    )
    if keyed.height != clusters.height:
        raise SystemExit(f"only {keyed.height} of {clusters.height} rows found in truth.csv")
    scored = keyed.select(pl.col("lead_id"), pl.col("cluster_id"), pl.col("entity_id"))
    precision, recall, f1 = pairwise_scores(
        scored.select("lead_id", "cluster_id"), scored.select("lead_id", "entity_id")
    )
    companies = pl.read_parquet(out / "companies.parquet").height
    print(
        f"{n:,} leads → {companies:,} companies; pairwise P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: sizes, ``--seed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for n in args.sizes:
        run(n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
