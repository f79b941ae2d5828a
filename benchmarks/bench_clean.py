"""Speed of ``leadkit clean`` on generated Russian leads: wall clock, rows/s, peak memory.

Run: ``.venv/bin/python benchmarks/bench_clean.py --n 1000000``. The leads come from
``benchmarks/generate.py`` (seeded), so every run cleans the same table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/bench_clean.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import cpu_seconds, peak_rss_mb
from leadkit.normalize import clean_leads
from leadkit.testing.generate import generate_leads


def run(n: int, seed: int, region: str, out: Callable[[str], Any] = print) -> dict[str, float]:
    """Generate ``n`` leads, clean them, print a table; return the figures."""
    figures: dict[str, float] = {}
    wall, cpu = time.perf_counter(), cpu_seconds()
    leads, _ = generate_leads(n, seed)
    figures["generate_s"] = time.perf_counter() - wall
    figures["generate_cpu_s"] = cpu_seconds() - cpu
    figures["generate_rss_mb"] = peak_rss_mb()

    wall, cpu = time.perf_counter(), cpu_seconds()
    cleaned = clean_leads(leads, region=region, workers=os.cpu_count() or 1).leads
    figures["clean_s"] = time.perf_counter() - wall
    figures["clean_cpu_s"] = cpu_seconds() - cpu
    figures["clean_rss_mb"] = peak_rss_mb()
    figures["valid_phone_share"] = cleaned.get_column("phone").count() / n

    out(f"leads: {n:,} (seed {seed}, region {region})")
    out("| step | wall s | CPU s | rows/s | peak RSS MiB |")
    out("| --- | ---: | ---: | ---: | ---: |")
    for step in ("generate", "clean"):
        seconds = figures[f"{step}_s"]
        out(
            f"| {step} | {seconds:.1f} | {figures[f'{step}_cpu_s']:.1f} | {n / seconds:,.0f} "
            f"| {figures[f'{step}_rss_mb']:,.0f} |"
        )
    out(f"leads with a valid phone after clean: {figures['valid_phone_share']:.1%}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--n``, ``--seed``, ``--region``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000, help="leads (default 1000000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--region", default="RU", help="default phone region (default RU)")
    args = parser.parse_args(argv)
    run(args.n, args.seed, args.region)
    return 0


if __name__ == "__main__":
    sys.exit(main())
