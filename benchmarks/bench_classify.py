"""Speed and memory of ``leadkit classify``: millions of 1C sales rows for hundreds of thousands of clients.

Run: ``.venv/bin/python benchmarks/bench_classify.py --clients 200000 --rows 5000000``.

The data is generated, seeded and vectorized (numpy draws, Polars columns), into
``benchmarks/data/classify-<clients>-<rows>-<seed>/`` (git-ignored; reused when present):

- ``clients.csv``: the clients as a CRM export gives them (UTF-8 with BOM, ``;``): company (``ООО «Клиент 123»``), INN for
  70% of them (the other 30% join by name), one of 5 channels, potential written in Russian formats
  (``1 200 000,50``, no-break spaces, ``руб.``, empty);
- ``sales.csv``: a 1C "Валовая прибыль" report: cp1251, ``;``, a title block, one grouping row per
  client (name, INN, subtotals) above its dated rows, amounts ``12 345,67`` with no-break spaces,
  3% returns as negative rows, a final ``Итого``; two years, skewed so that a few clients buy most.

Then ``leadkit classify clients.csv --sales sales.csv --from 2026-01-01 --to 2026-12-31
-o abcde.parquet --summary summary.csv`` runs as a separate process (wall, peak RSS by GNU time), and
in this process ``read_sales`` and ``classify_clients`` are timed apart (wall, CPU, peak RSS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_classify.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import DATA, cpu_seconds, peak_rss_mb, timed_leadkit
from leadkit.classify import classify_clients, read_sales
from leadkit.io.tables import read_table

NBSP = "\u00a0"
CHANNELS = ["Опт", "Розница", "Маркетплейс", "Дилеры", "Госзакупки"]


def _inn(index: pl.Expr) -> pl.Expr:
    """A 10-digit INN-like number per client (check digits do not matter for joining)."""
    return (pl.lit(7_700_000_000, dtype=pl.Int64) + index * 37).cast(pl.String)


def _russian(kopecks: pl.Expr) -> pl.Expr:
    """An amount in kopecks written as 1C writes it: ``-1 234 567,89`` with no-break spaces."""
    whole = kopecks.abs() // 100
    cents = (kopecks.abs() % 100).cast(pl.String).str.zfill(2)

    def group(power: int) -> pl.Expr:
        return ((whole // 10**power) % 1000).cast(pl.String)

    def padded(power: int) -> pl.Expr:
        return group(power).str.zfill(3)

    body = (
        pl.when(whole >= 10**9)
        .then(pl.concat_str([group(9), padded(6), padded(3), padded(0)], separator=NBSP))
        .when(whole >= 10**6)
        .then(pl.concat_str([group(6), padded(3), padded(0)], separator=NBSP))
        .when(whole >= 1000)
        .then(pl.concat_str([group(3), padded(0)], separator=NBSP))
        .otherwise(group(0))
    )
    sign = pl.when(kopecks < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, body, pl.lit(","), cents])


def generate(folder: Path, clients: int, rows: int, seed: int) -> None:
    """Write clients.parquet and the 1C-style sales.csv into ``folder``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    index = pl.int_range(clients, dtype=pl.Int64, eager=True)
    has_inn = rng.random(clients) < 0.7
    potential = np.round(rng.lognormal(13.0, 1.5, clients), 2)
    form = rng.integers(0, 4, clients)
    table = pl.DataFrame(
        {
            "_i": index,
            "_has_inn": has_inn,
            "_potential": (potential * 100).round().astype(np.int64),
            "_form": form,
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), clients)],
        }
    ).with_columns(
        pl.concat_str([pl.lit("ООО «Клиент "), pl.col("_i").cast(pl.String), pl.lit("»")]).alias(
            "company"
        ),
        pl.when(pl.col("_has_inn")).then(_inn(pl.col("_i"))).alias("inn"),
        pl.when(pl.col("_form") == 0)
        .then(None)
        .when(pl.col("_form") == 1)
        .then(_russian(pl.col("_potential")))
        .when(pl.col("_form") == 2)
        .then(pl.concat_str([_russian(pl.col("_potential")), pl.lit(" руб.")]))
        .otherwise((pl.col("_potential") / 100).cast(pl.String))
        .alias("potential"),
    )
    crm = table.select(
        pl.col("company").alias("Компания"),
        pl.col("inn").alias("ИНН"),
        pl.col("channel").alias("Канал продаж"),
        pl.col("potential").alias("Потенциал, руб."),
    )
    (folder / "clients.csv").write_bytes(
        b"\xef\xbb\xbf" + crm.write_csv(separator=";").encode("utf-8")
    )

    # Sales: a few clients buy most (u³ skew), two years, 3% returns, cost 60–105% of revenue.
    client = np.minimum((rng.random(rows) ** 3 * clients).astype(np.int64), clients - 1)
    start = dt.date(2025, 1, 1)
    day = rng.integers(0, 730, rows)
    revenue = np.round(rng.lognormal(10.0, 1.2, rows), 2)
    returns = rng.random(rows) < 0.03
    revenue = np.where(returns, -revenue, revenue)
    cost = np.round(revenue * rng.uniform(0.6, 1.05, rows), 2)
    details = (
        pl.DataFrame(
            {
                "_i": client,
                "_day": day,
                "_rev": (revenue * 100).round().astype(np.int64),
                "_cost": (cost * 100).round().astype(np.int64),
            }
        )
        .with_columns((pl.lit(start) + pl.duration(days=pl.col("_day"))).alias("_date"))
        .sort("_i", "_date")
    )
    groups = details.group_by("_i").agg(pl.col("_rev").sum(), pl.col("_cost").sum())
    names = table.select("_i", "company", "inn")
    group_rows = groups.join(names, on="_i").select(
        pl.col("_i"),
        pl.lit(0).alias("_order"),
        pl.col("company").alias("Контрагент"),
        pl.col("inn").fill_null("").alias("ИНН"),
        pl.lit("").alias("Дата"),
        pl.col("_rev"),
        pl.col("_cost"),
    )
    detail_rows = details.select(
        pl.col("_i"),
        pl.lit(1).alias("_order"),
        pl.lit("").alias("Контрагент"),
        pl.lit("").alias("ИНН"),
        pl.col("_date").dt.strftime("%d.%m.%Y").alias("Дата"),
        pl.col("_rev"),
        pl.col("_cost"),
    )
    total = details.select(
        pl.lit(clients).cast(pl.Int64).alias("_i"),
        pl.lit(2).alias("_order"),
        pl.lit("Итого").alias("Контрагент"),
        pl.lit("").alias("ИНН"),
        pl.lit("").alias("Дата"),
        pl.col("_rev").sum(),
        pl.col("_cost").sum(),
    )
    report = (
        pl.concat([group_rows, detail_rows, total], how="vertical_relaxed")
        .sort("_i", "_order", maintain_order=True)
        .select(
            "Контрагент",
            "ИНН",
            "Дата",
            _russian(pl.col("_rev")).alias("Выручка"),
            _russian(pl.col("_cost")).alias("Себестоимость"),
            _russian(pl.col("_rev") - pl.col("_cost")).alias("Валовая прибыль"),
        )
    )
    title = (
        "Валовая прибыль предприятия;;;;;\r\n;;;;;\r\n"
        "Параметры:;Период: 01.01.2025 - 31.12.2026;;;;\r\n;;;;;\r\n"
    )
    text = title + report.write_csv(separator=";", line_terminator="\r\n")
    (folder / "sales.csv").write_bytes(text.encode("cp1251"))


def run(clients: int, rows: int, seed: int) -> None:
    """Generate (or reuse) the data, then time the command and the two library steps."""
    folder = DATA / f"classify-{clients}-{rows}-{seed}"
    if not (folder / "sales.csv").exists():
        start = time.perf_counter()
        generate(folder, clients, rows, seed)
        print(f"generated {rows:,} sales rows in {time.perf_counter() - start:.1f} s", flush=True)
    size = (folder / "sales.csv").stat().st_size / 2**20
    print(
        f"\n{clients:,} clients, {rows:,} sales rows ({size:,.0f} MiB of cp1251), {os.cpu_count()} cores,"
    )
    print(f"load average before: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    out = folder / "out"
    out.mkdir(exist_ok=True)
    wall, rss, said = timed_leadkit(
        [
            "classify",
            str(folder / "clients.csv"),
            "--sales",
            str(folder / "sales.csv"),
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "-o",
            str(out / "abcde.parquet"),
            "--summary",
            str(out / "summary.csv"),
        ]
    )
    print("   ", said.splitlines()[-1] if said else "")
    print("| step | wall s | CPU s | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| `leadkit classify` (separate process, all included) | {wall:.1f} | | {rss:,.0f} |")
    wall, cpu = time.perf_counter(), cpu_seconds()
    sales = read_sales([str(folder / "sales.csv")])
    print(
        f"| `read_sales` | {time.perf_counter() - wall:.1f} | {cpu_seconds() - cpu:.1f} "
        f"| {peak_rss_mb():,.0f} |",
        flush=True,
    )
    table = read_table(str(folder / "clients.csv"))
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = classify_clients(
        table, sales.sales, period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    )
    print(
        f"| `classify_clients` | {time.perf_counter() - wall:.1f} | {cpu_seconds() - cpu:.1f} "
        f"| {peak_rss_mb():,.0f} |"
    )
    print(f"load average after: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"sales counts: {sales.counts}")
    print(f"classify counts: {result.counts}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--clients``, ``--rows``, ``--seed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    run(args.clients, args.rows, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
