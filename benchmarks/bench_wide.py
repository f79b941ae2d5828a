"""``leadkit dedupe`` on wide exports: few rows, thousands of columns dedupe never reads.

Run: ``.venv/bin/python benchmarks/bench_wide.py --rows 50 500 --columns 2000``. For each size a CSV of
Russian leads (name, phone, city) with ``--columns`` extra text columns is written to a temporary folder,
imported and cleaned, and ``leadkit dedupe`` is timed in a fresh process (wall seconds, peak RSS).
The cost should follow the rows, not the columns: unread columns ride along untouched and are merged
by one aggregation each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_wide.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import timed_leadkit


def write_wide(path: Path, rows: int, columns: int) -> None:
    """``rows`` leads, a fifth of them repeated under another spelling, and ``columns`` extra columns."""
    firms = max(rows * 4 // 5, 1)
    data: dict[str, list[str]] = {
        "Название": [
            ("ООО «Ромашка-{}»" if i % 2 else "Ромашка-{}").format(i % firms) for i in range(rows)
        ],
        "Телефон": [
            f"8 (495) 123-{(i % firms) // 100:02d}-{(i % firms) % 100:02d}" for i in range(rows)
        ],
        "Город": ["Москва"] * rows,
    }
    for j in range(columns):
        data[f"Поле {j}"] = [f"значение {j}.{i % 3}" for i in range(rows)]
    pl.DataFrame(data).write_csv(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--rows``, ``--columns``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--columns", type=int, nargs="+", default=[2000])
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores")
    print("| rows | extra columns | dedupe wall s | peak RSS MiB |")
    print("| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="leadkit-wide-") as tmp:
        for rows in args.rows:
            for columns in args.columns:
                folder = Path(tmp)
                wide, leads, clean = (
                    folder / n for n in ("wide.csv", "leads.parquet", "clean.parquet")
                )
                write_wide(wide, rows, columns)
                timed_leadkit(["import", str(wide), "-o", str(leads)])
                timed_leadkit(["clean", str(leads), "-o", str(clean)])
                wall, rss, _ = timed_leadkit(
                    ["dedupe", str(clean), "-o", str(folder / "companies.parquet")]
                )
                print(f"| {rows:,} | {columns:,} | {wall:.1f} | {rss:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
