"""Speed, memory and quality of ``leadkit dedupe`` on generated Russian leads.

Run: ``.venv/bin/python benchmarks/bench_dedupe.py --n 100000 1000000``. For each size the leads come
from ``benchmarks/generate.py`` (seeded) and are cleaned in one child process, which saves them; a
second, fresh child process reads them and times ``dedupe_leads`` alone, so its peak memory is that
of deduplication (plus the table it reads), not of generating the data. Prints wall and CPU seconds,
peak RSS and pairwise precision/recall/F1 against the generator's truth.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/bench_dedupe.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import cpu_seconds, peak_rss_mb


def _prepare(n: int, seed: int, folder: Path) -> dict[str, float]:
    """Child process: generate and clean ``n`` leads, save them and the truth as Parquet."""
    from leadkit.normalize import clean_leads
    from leadkit.testing.generate import generate_leads

    leads, truth = generate_leads(n, seed)
    start = time.perf_counter()
    cleaned = clean_leads(leads, region="RU", workers=os.cpu_count() or 1).leads
    clean_s = time.perf_counter() - start
    cleaned.write_parquet(folder / "cleaned.parquet")
    truth.write_parquet(folder / "truth.parquet")
    return {"clean_s": clean_s}


def _dedupe(folder: Path) -> dict[str, float]:
    """Child process: read the cleaned leads, time ``dedupe_leads``, score it against the truth."""
    import polars as pl

    from leadkit.dedupe import dedupe_leads
    from leadkit.testing.public import pairwise_scores

    cleaned = pl.read_parquet(folder / "cleaned.parquet")
    truth = pl.read_parquet(folder / "truth.parquet")
    rss_before = peak_rss_mb()
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = dedupe_leads(cleaned)
    figures = {
        "dedupe_s": time.perf_counter() - wall,
        "dedupe_cpu_s": cpu_seconds() - cpu,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
        "merged_rows": float(result.merged.height),
        "review_rows": float(result.review.height),
    }
    precision, recall, f1 = pairwise_scores(result.clusters, truth)
    figures.update(precision=precision, recall=recall, f1=f1)
    return figures


def _child(mode: str, *args: str) -> dict[str, float]:
    """Run one step in a fresh Python process; its last stdout line is a JSON object."""
    command = [sys.executable, str(Path(__file__).resolve()), f"--step={mode}", *args]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(
    sizes: Sequence[int], seed: int, out: Callable[[str], Any] = print
) -> list[dict[str, float]]:
    """Benchmark every size; print a Markdown table; return the figures."""
    rows = []
    out(f"seed {seed}; load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    out("| leads | clean s | dedupe wall s | dedupe CPU s | peak RSS MiB | P | R | F1 | load |")
    out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="leadkit-bench-") as tmp:
            figures = {"leads": float(n), **_child("prepare", str(n), str(seed), tmp)}
            figures.update(_child("dedupe", tmp))
        figures["load"] = os.getloadavg()[0]
        rows.append(figures)
        out(
            f"| {n:,} | {figures['clean_s']:.1f} | {figures['dedupe_s']:.1f} "
            f"| {figures['dedupe_cpu_s']:.1f} | {figures['peak_rss_mb']:,.0f} "
            f"| {figures['precision']:.3f} | {figures['recall']:.3f} | {figures['f1']:.3f} "
            f"| {figures['load']:.2f} |"
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--n`` (one or more sizes), ``--seed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, nargs="+", default=[100_000], help="lead counts")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step == "prepare":
        n, seed, folder = args.args
        print(json.dumps(_prepare(int(n), int(seed), Path(folder))))
    elif args.step == "dedupe":
        print(json.dumps(_dedupe(Path(args.args[0]))))
    else:
        run(args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
