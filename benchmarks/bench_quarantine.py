"""The quarantine cycle at scale: ``leadkit quarantine`` on 1M cleaned leads with 300k dial results, then
``leadkit recheck`` six months later (the due list, then the re-dial's results).

Run: ``.venv/bin/python benchmarks/bench_quarantine.py --n 1000000 --calls 300000``. The script generates the
leads (``leadkit.testing.generate.generate_leads``) and cleans them (``clean_leads(..., workers=2)``) once,
into ``benchmarks/data/quarantine-<n>/`` (git-ignored, reused when present), writes the dial results there as a
cloud PBX's Russian CSV log (two thirds) and an Asterisk ``Master.csv`` with hangup causes (one third), and
runs each command as a separate process, timed with GNU time (wall seconds, peak RSS).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_quarantine.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import DATA, peak_rss_mb, timed_leadkit
from leadkit.normalize import clean_leads
from leadkit.testing.generate import generate_leads

#: Statuses of the first campaign, Russian as a PBX writes them, and their shares.
PBX_STATUSES = [
    ("Отвечен", 0.45),
    ("Номер не существует", 0.10),
    ("Не обслуживается", 0.04),
    ("Не тот абонент", 0.05),
    ("Занято", 0.10),
    ("Не отвечает", 0.17),
    ("Сброшен", 0.05),
    ("Абонент временно заблокирован", 0.04),  # unknown to leadkit: counted, not guessed
]
#: Asterisk: (disposition, hangup cause) and shares.
ASTERISK = [
    ("ANSWERED", "16", 0.45),
    ("FAILED", "1", 0.12),
    ("FAILED", "22", 0.03),
    ("FAILED", "", 0.05),
    ("BUSY", "17", 0.10),
    ("NO ANSWER", "19", 0.25),
]


def cleaned_leads(n: int, seed: int, folder: Path) -> Path:
    """The cleaned leads as Parquet (generated and cleaned once)."""
    path = folder / "leads_clean.parquet"
    if not path.exists():
        start = time.perf_counter()
        leads, _ = generate_leads(n, seed)
        cleaned = clean_leads(leads, workers=2).leads
        cleaned.write_parquet(path)
        print(
            f"generated and cleaned {n:,} leads in {time.perf_counter() - start:.1f} s "
            f"(peak {peak_rss_mb():,.0f} MiB)",
            flush=True,
        )
    return path


def _pick(frame: pl.DataFrame, choices: list[tuple[str, float]], seed: int) -> pl.Series:
    """A column of choices drawn with the given shares."""
    cuts = []
    total = 0.0
    for _, share in choices:
        total += share
        cuts.append(total)
    u = pl.Series(
        "u",
        pl.select(pl.int_range(frame.height).shuffle(seed) / frame.height).to_series(),
    )
    expr = pl.when(pl.col("u") < cuts[0]).then(pl.lit(choices[0][0]))
    for (value, _), cut in zip(choices[1:], cuts[1:], strict=True):
        expr = expr.when(pl.col("u") < cut).then(pl.lit(value))
    return pl.DataFrame({"u": u}).select(expr.otherwise(pl.lit(choices[-1][0]))).to_series()


def national(phone: pl.Expr) -> pl.Expr:
    """+74951234567 → '8 (495) 123-45-67' (other countries as they are)."""
    digits = phone.str.replace(r";ext=.*$", "")
    return (
        pl.when(digits.str.starts_with("+7"))
        .then(
            pl.concat_str(
                pl.lit("8 ("),
                digits.str.slice(2, 3),
                pl.lit(") "),
                digits.str.slice(5, 3),
                pl.lit("-"),
                digits.str.slice(8, 2),
                pl.lit("-"),
                digits.str.slice(10, 2),
            )
        )
        .otherwise(digits)
    )


def write_calls(leads: Path, count: int, seed: int, folder: Path) -> Path:
    """``count`` dial results on the leads' numbers: a PBX log and an Asterisk Master.csv."""
    calls = folder / "calls"
    if calls.exists():
        return calls
    calls.mkdir()
    numbers = (
        pl.scan_parquet(leads)
        .select(pl.col("phones").explode().alias("phone"))
        .drop_nulls()
        .unique(maintain_order=True)
        .collect()
        .sample(n=count, seed=seed, shuffle=True)
    )
    pbx_rows = count * 2 // 3
    pbx = numbers.head(pbx_rows)
    pbx = pbx.with_columns(
        _pick(pbx, PBX_STATUSES, seed).alias("Результат"),
        national(pl.col("phone")).alias("Номер клиента"),
        pl.lit("26.11.2026 12:00").alias("Дата и время"),
        pl.lit("Ольга").alias("Оператор"),
    ).select("Дата и время", "Номер клиента", "Результат", "Оператор")
    pbx.write_csv(calls / "pbx_calls.csv", separator=";")
    rest = numbers.tail(count - pbx_rows)
    kinds = [(f"{d}|{c}", share) for d, c, share in ASTERISK]
    picked = _pick(rest, kinds, seed + 1)
    dst = (
        pl.col("phone")
        .str.replace(r";ext=.*$", "")
        .str.replace(r"^\+7", "8")
        .str.replace(r"^\+", "")
    )
    kind = pl.col("_kind").str.split("|")
    cells = [
        pl.lit(""),
        pl.lit("1000"),
        dst,
        pl.lit("autodialer"),
        pl.lit('"Обзвон" <1000>'),
        pl.lit("Local/x"),
        pl.lit(""),
        pl.lit("Dial"),
        pl.lit("SIP/trunk/x,45"),
        pl.lit("2026-11-25 10:00:00"),
        pl.lit(""),
        pl.lit("2026-11-25 10:00:30"),
        pl.lit("30"),
        pl.lit("25"),
        kind.list.get(0),
        pl.lit("DOCUMENTATION"),
        pl.lit("1764000000.1"),
        kind.list.get(1),
    ]
    master = rest.with_columns(picked.alias("_kind")).select(
        cell.alias(f"c{i}") for i, cell in enumerate(cells)
    )
    master.write_csv(calls / "Master.csv", include_header=False)
    return calls


def write_recheck(store: Path, seed: int, folder: Path) -> Path:
    """The re-dial six months later: a third of the due numbers answer, the rest do not."""
    recheck = folder / "recheck"
    shutil.rmtree(recheck, ignore_errors=True)
    recheck.mkdir()
    due = (
        pl.read_csv(store, infer_schema=False, columns=["phone", "reason"])
        .filter(pl.col("reason") != "invalid")
        .select(pl.col("phone").unique(maintain_order=True))
    )
    due = due.with_columns(
        _pick(
            due, [("Отвечен", 0.33), ("Номер не существует", 0.5), ("Не отвечает", 0.17)], seed
        ).alias("status"),
    )
    due.select(pl.col("phone").alias("Номер"), pl.col("status").alias("Результат")).write_csv(
        recheck / "pbx_report.csv", separator=";"
    )
    return recheck


def run(n: int, calls: int, seed: int) -> None:
    """Generate (or reuse) the data, then time the cycle."""
    folder = DATA / f"quarantine-{n}-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    leads = cleaned_leads(n, seed, folder)
    dials = write_calls(leads, calls, seed, folder)
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    store = out / "quarantine.csv"
    quarantine = [
        "quarantine",
        str(leads),
        "--calls",
        str(dials),
        "-o",
        str(out / "active.parquet"),
        "--store",
        str(store),
        "--today",
        "2026-11-30",
    ]
    print(f"\nleads: {n:,}, dial results: {calls:,} (seed {seed}), {os.cpu_count()} cores")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| step | wall s | peak RSS MiB | what it did |")
    print("| --- | ---: | ---: | --- |")
    steps: list[tuple[str, list[str]]] = [
        ("quarantine (first campaign)", quarantine),
        ("quarantine again (same inputs: nothing changes)", quarantine),
        (
            "recheck: the due list",
            ["recheck", "--store", str(store), "--today", "2027-05-31", "-o", str(out / "due.csv")],
        ),
    ]
    for name, args in steps:
        wall, rss, err = timed_leadkit(args)
        print(
            f"| {name} | {wall:.1f} | {rss:,.0f} | {err.splitlines()[-1].removeprefix('leadkit: ')} |",
            flush=True,
        )
    recheck = write_recheck(store, seed, folder)
    wall, rss, err = timed_leadkit(
        [
            "recheck",
            "--store",
            str(store),
            "--today",
            "2027-05-31",
            "--calls",
            str(recheck),
            "--released",
            str(out / "released.parquet"),
            "-o",
            str(out / "due.csv"),
        ]
    )
    print(
        f"| recheck with the re-dial's results | {wall:.1f} | {rss:,.0f} | "
        f"{err.splitlines()[-1].removeprefix('leadkit: ')} |"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        f"store: {store.stat().st_size / 1e6:,.1f} MB, journal: "
        f"{(out / 'quarantine.journal.jsonl').stat().st_size / 1e6:,.1f} MB"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--n``, ``--calls``, ``--seed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    run(args.n, args.calls, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
