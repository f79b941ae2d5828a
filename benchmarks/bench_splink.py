"""Splink 5 (DuckDB) side by side with ``leadkit dedupe`` on the same cleaned leads.

Run: ``.venv/bin/python benchmarks/bench_splink.py --n 100000 1000000`` (needs the ``bench`` extra:
``pip install -e '.[bench]'``). For each size the generated exports (``benchmarks/data/pipeline-<n>-<seed>/``,
git-ignored, shared with ``bench_pipeline.py``; reused when present) go through the real ``leadkit import``
and ``leadkit clean``. Then two fresh processes read the same ``clean.parquet``: ``leadkit dedupe`` and this
script in ``--splink-child`` mode (Splink configured as its docs advise; see :func:`splink_settings`). Each
is timed from outside with GNU time (wall, peak RSS), both cluster tables are scored against ``truth.csv``
(pairwise precision, recall, F1) and a table with the ratios is printed.
``--corpus DIR`` runs on an already-written corpus instead (``exports/``, ``map.yaml``, ``truth.csv``).
At a million leads on a 24 GB machine Splink's ``predict()`` needs ``--predict-chunks 2`` (it runs
out of memory in one piece); ``--name-prefix 0`` blocks on city + the whole name instead of its
first letters. Figures and findings: ``benchmarks/RESULTS.md``, "Splink side by side".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_splink.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import DATA
from leadkit.testing.generate import write_exports
from leadkit.testing.public import pairwise_scores

if TYPE_CHECKING:
    from splink import SettingsCreator

# Match probabilities to cluster at: the first is the one timed (the docs' examples use 0.95);
# the others are scored too, to show how much the choice matters.
THRESHOLDS = (0.95, 0.9, 0.99)
# The name prefix blocked on together with the city (the issue asks for 3-4 letters; 0 = the whole key).
NAME_PREFIX = 4


def splink_records(clean: pl.DataFrame) -> pl.DataFrame:
    """The columns Splink sees, from ``leadkit clean``'s table: one row per lead.

    ``unique_id`` (the lead id), ``name`` (``company_key``), ``city``, ``phones`` (E.164 without
    extensions, each once; null when there is none), ``inn`` (only a valid one, digits only),
    ``domain``. Empty text is null, which Splink's comparisons treat as "no information".
    """

    def text(column: str) -> pl.Expr:
        value = pl.col(column).str.strip_chars()
        return pl.when(value != "").then(value)

    phones = (
        pl.col("phones")
        .list.eval(pl.element().str.replace(r";ext=.*$", ""))
        .list.unique(maintain_order=True)
    )
    return clean.select(
        pl.col("lead_id").alias("unique_id"),
        text("company_key").alias("name"),
        text("city").alias("city"),
        pl.when(phones.list.len() > 0).then(phones).alias("phones"),
        pl.when(pl.col("inn_valid") == "true")
        .then(pl.col("inn").str.replace(r"\.0$", "").str.replace_all(r"\D", ""))
        .alias("inn"),
        text("domain").alias("domain"),
    )


def splink_settings(name_prefix: int = NAME_PREFIX) -> SettingsCreator:
    """The Splink model: blocking rules for prediction and the comparisons, as the issue asks.

    Blocking: a shared phone (the array exploded, Splink's way of blocking on array overlap), the
    same city and the first ``name_prefix`` letters of the name (0: the whole name), the same
    INN, the same domain.
    Comparisons: the name by Jaro-Winkler (exact match with term-frequency adjustment, then
    0.95 / 0.88 / 0.7), phones by intersection size (2+, 1), city exact with term frequencies,
    INN exact, domain exact.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = f"substr(name, 1, {name_prefix})" if name_prefix else "name"
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("city", name),
            block_on("inn"),
            block_on("domain"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.ArrayIntersectAtSizes("phones", [2, 1]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("inn"),
            cl.ExactMatch("domain"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def deterministic_rules() -> list[Any]:
    """Rules that admit almost no false pairs, for Splink's estimate of the prior match rate."""
    from splink import block_on

    return [
        block_on("inn"),
        block_on("domain"),
        "l.name = r.name and l.city = r.city and list_has_any(l.phones, r.phones)",
    ]


def em_training_rules() -> list[Any]:
    """Blocking rules for the EM passes: each leaves the other comparisons free to be estimated.

    ``name`` + ``city`` estimates phones, INN and domain; the first phone estimates name, city,
    INN and domain (EM does not take exploding rules, so the array's first element stands in).
    """
    from splink import block_on

    return [block_on("name", "city"), block_on("phones[1]")]


def truth_by_lead(clean: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """``lead_id, entity_id``: ``truth.csv`` joined to the cleaned leads on where each row came from.

    ``truth.csv`` is keyed by ``source, source_sheet, source_row`` (an empty sheet for text files);
    every cleaned lead must find its row, or the scores would silently cover fewer leads.
    """
    keys = ["source", "source_sheet", "source_row"]
    # A text file has no sheet: null in the table, "" or nothing in truth.csv, however it was quoted.
    key_columns = [pl.col(k).cast(pl.String).fill_null("") for k in keys]
    leads = clean.select("lead_id", *key_columns)
    labelled = truth.select(*key_columns, pl.col("entity_id").cast(pl.String))
    both = leads.join(labelled, on=keys, how="inner")
    if both.height != clean.height:
        raise SystemExit(f"only {both.height:,} of {clean.height:,} leads found in truth.csv")
    return both.select("lead_id", "entity_id")


def _measured(command: list[str], log: Path) -> tuple[float, float, str]:
    """Run a command under GNU time: wall seconds, peak RSS in MiB, and its stdout.

    Its stderr goes to ``log``; a failure stops the benchmark with the log's tail.
    """
    rusage = log.with_suffix(".time")
    start = time.perf_counter()
    with log.open("w") as err:
        done = subprocess.run(
            ["/usr/bin/time", "-o", str(rusage), "-f", "%M", *command],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-20:])
        raise SystemExit(f"{' '.join(command[:3])} … failed ({done.returncode}):\n{tail}")
    peak_kib = int(rusage.read_text().split()[-1])
    return wall, peak_kib / 1024, done.stdout


def _leadkit() -> list[str]:
    """The installed ``leadkit`` command beside this interpreter, or ``python -m leadkit``."""
    script = Path(sys.executable).parent / "leadkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "leadkit"]


def prepare(folder: Path, n: int | None, seed: int) -> Path:
    """Exports (generated when ``n`` is given and missing) → ``leadkit import`` → ``clean``.

    Returns ``out/clean.parquet``; reused when already newer than the exports.
    """
    if n is not None and not (folder / "truth.csv").exists():
        start = time.perf_counter()
        write_exports(folder, n, seed)
        print(f"wrote {n:,} generated leads as exports in {time.perf_counter() - start:.1f} s")
    out = folder / "out"
    out.mkdir(exist_ok=True)
    clean = out / "clean.parquet"
    if clean.exists() and clean.stat().st_mtime > (folder / "truth.csv").stat().st_mtime:
        return clean
    command = [*_leadkit(), "import", str(folder / "exports"), "-o", str(out / "leads.parquet")]
    if (folder / "map.yaml").exists():
        command[-2:-2] = ["--map", str(folder / "map.yaml")]
    subprocess.run(command, check=True)
    subprocess.run([*_leadkit(), "clean", str(out / "leads.parquet"), "-o", str(clean)], check=True)
    return clean


def _splink_child(
    clean_path: Path, out: Path, thresholds: Sequence[float], chunks: int, name_prefix: int
) -> dict[str, Any]:
    """Child process: Splink on the cleaned leads, from reading them to writing the clusters.

    ``chunks`` > 1 splits ``predict()`` into ``chunks`` × ``chunks`` pieces (Splink's documented
    remedy when predict runs out of memory; the predictions are the same).

    Writes ``splink-prefix<N>-clusters-<threshold>.parquet`` (``lead_id, cluster_id``) for every
    threshold and the trained model as ``splink-prefix<N>-model.json``; returns the time of each
    phase.
    """
    import duckdb
    from splink import DuckDBAPI, Linker

    figures: dict[str, Any] = {}
    start = time.perf_counter()
    records = splink_records(pl.read_parquet(clean_path))
    connection = duckdb.connect()
    spill = out / "duckdb-tmp"
    connection.execute(f"SET temp_directory = '{spill}'")
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(db_api.register(records.to_arrow()), splink_settings(name_prefix))
    del records
    figures["prepare_s"] = time.perf_counter() - start

    phase = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(deterministic_rules(), recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in em_training_rules():
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    figures["training_s"] = time.perf_counter() - phase

    phase = time.perf_counter()
    predictions = linker.inference.predict(
        threshold_match_probability=min(thresholds),
        num_chunks_left=chunks,
        num_chunks_right=chunks,
    )
    figures["predict_s"] = time.perf_counter() - phase
    figures["pairs_kept"] = predictions.as_duckdbpyrelation().count("*").fetchall()[0][0]

    for number, threshold in enumerate(thresholds):
        phase = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        table = clusters.as_duckdbpyrelation().select("unique_id AS lead_id, cluster_id").pl()
        table.write_parquet(out / f"{_stem(name_prefix)}-clusters-{threshold}.parquet")
        seconds = time.perf_counter() - phase
        figures["cluster_s" if number == 0 else f"extra_cluster_s_{threshold}"] = seconds
        if number == 0:
            figures["until_clusters_s"] = time.perf_counter() - start
    phase = time.perf_counter()
    model = linker.misc.save_model_to_json()
    (out / f"{_stem(name_prefix)}-model.json").write_text(
        json.dumps(model, indent=1, ensure_ascii=False)
    )
    figures["after_s"] = time.perf_counter() - phase
    shutil.rmtree(spill, ignore_errors=True)
    return figures


def _stem(name_prefix: int) -> str:
    """The Splink outputs' file name stem for one blocking variant."""
    return f"splink-prefix{name_prefix}"


def _row(n: int, tool: str, wall: float, rss_mib: float, scores: tuple[float, float, float]) -> str:
    precision, recall, f1 = scores
    return (
        f"| {n:,} | {tool} | {wall:.1f} | {rss_mib / 1024:.2f} "
        f"| {precision:.3f} | {recall:.3f} | {f1:.3f} |"
    )


def run(
    folder: Path,
    n: int | None,
    seed: int,
    thresholds: Sequence[float],
    chunks: int,
    name_prefix: int,
) -> list[str]:
    """Both tools on one corpus; returns the result table's rows (and prints the details)."""
    clean_path = prepare(folder, n, seed)
    out = clean_path.parent
    clean = pl.read_parquet(clean_path, columns=["lead_id", "source", "source_sheet", "source_row"])
    truth = truth_by_lead(clean, pl.read_csv(folder / "truth.csv", infer_schema=False))
    leads = clean.height
    print(f"\n{folder.name}: {leads:,} cleaned leads; {os.cpu_count()} cores", flush=True)

    load_before = os.getloadavg()[0]
    leadkit_wall, leadkit_rss, _ = _measured(
        [
            *_leadkit(),
            "dedupe",
            str(clean_path),
            "-o",
            str(out / "companies.parquet"),
            "--clusters",
            str(out / "clusters.parquet"),
        ],
        out / "leadkit-dedupe.log",
    )
    leadkit_scores = pairwise_scores(pl.read_parquet(out / "clusters.parquet"), truth)
    print(f"leadkit dedupe: {leadkit_wall:.1f} s, {leadkit_rss:,.0f} MiB", flush=True)

    load_between = os.getloadavg()[0]
    splink_wall, splink_rss, stdout = _measured(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--splink-child",
            str(clean_path),
            "--thresholds",
            *map(str, thresholds),
            "--predict-chunks",
            str(chunks),
            "--name-prefix",
            str(name_prefix),
        ],
        out / f"{_stem(name_prefix)}.log",
    )
    load_after = os.getloadavg()[0]
    phases: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    extra = sum(v for k, v in phases.items() if k.startswith("extra_cluster_s_"))
    extra += phases["after_s"]
    # The time a user with one threshold waits: the child's wall less the other thresholds'
    # clusterings and saving the model, which only this benchmark does.
    splink_one = splink_wall - extra
    print(
        f"splink child: {splink_wall:.1f} s in all ({splink_one:.1f} s with one threshold), "
        f"{splink_rss:,.0f} MiB; phases: "
        + ", ".join(
            f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in phases.items()
        ),
        flush=True,
    )
    print(
        f"load average: {load_before:.2f} before, {load_between:.2f} between, {load_after:.2f} after"
    )

    rows = [_row(leads, "leadkit dedupe", leadkit_wall, leadkit_rss, leadkit_scores)]
    variant = "" if name_prefix == NAME_PREFIX else f" (city + {name_prefix or 'whole'} name block)"
    splink_scores = {}
    for threshold in thresholds:
        scores = pairwise_scores(
            pl.read_parquet(out / f"{_stem(name_prefix)}-clusters-{threshold}.parquet"), truth
        )
        splink_scores[threshold] = scores
        rows.append(
            _row(leads, f"Splink{variant}, p ≥ {threshold}", splink_one, splink_rss, scores)
        )
    best = max(splink_scores, key=lambda t: splink_scores[t][2])
    timed = thresholds[0]
    rows.append(
        f"| {leads:,} | **Splink / leadkit** | **{splink_one / leadkit_wall:.1f}×** "
        f"| **{splink_rss / leadkit_rss:.1f}×** | | "
        f"| **F1 {leadkit_scores[2] - splink_scores[timed][2]:+.3f}** (leadkit − Splink at {timed}; "
        f"{leadkit_scores[2] - splink_scores[best][2]:+.3f} against Splink's best, {best}) |"
    )
    for line in rows:
        print(line)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--n`` sizes or ``--corpus`` folders, ``--seed``, ``--thresholds``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, nargs="*", default=[], help="generated lead counts")
    parser.add_argument("--corpus", type=Path, nargs="*", default=[], help="written corpus folders")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--thresholds", type=float, nargs="+", default=list(THRESHOLDS), help="match probabilities"
    )
    parser.add_argument(
        "--predict-chunks",
        type=int,
        default=1,
        help="split Splink's predict() into N×N chunks (for memory; same predictions)",
    )
    parser.add_argument(
        "--name-prefix",
        type=int,
        default=NAME_PREFIX,
        help=f"letters of the name blocked on with the city (default {NAME_PREFIX}; 0: whole name)",
    )
    parser.add_argument("--splink-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.splink_child is not None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        figures = _splink_child(
            args.splink_child,
            args.splink_child.parent,
            args.thresholds,
            args.predict_chunks,
            args.name_prefix,
        )
        print(json.dumps(figures))
        return 0
    if not args.n and not args.corpus:
        args.n = [100_000]
    header = [
        "| leads | tool | wall s | peak RSS GiB | P | R | F1 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = []
    for n in args.n:
        rows += run(
            DATA / f"pipeline-{n}-{args.seed}",
            n,
            args.seed,
            args.thresholds,
            args.predict_chunks,
            args.name_prefix,
        )
    for folder in args.corpus:
        rows += run(folder, None, args.seed, args.thresholds, args.predict_chunks, args.name_prefix)
    print("\n" + "\n".join(header + rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
