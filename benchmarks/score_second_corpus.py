"""Score leadkit's clusters on a second-corpus folder: pairwise precision, recall and F1 against ``truth.csv``.

    python benchmarks/second_corpus.py --n 100000 --seed 7 --out benchmarks/data/c2-100k
    python benchmarks/score_second_corpus.py benchmarks/data/c2-100k --run

``--run`` first runs ``leadkit import`` → ``clean`` → ``dedupe`` as separate processes (Parquet between
them, into ``DIR/out`` or ``--out``) and prints each step's wall time and peak memory. Several corpus folders
(written with different seeds) are one run: their exports are imported together, each under its folder's name
(``s0/2gis.csv``), which is how the ten-million-lead run is made:

    for k in 0 1 2 3 4 5 6 7 8 9; do python benchmarks/second_corpus.py --n 1000000 --seed $((100+k)) --out data/c10m/s$k; done
    python benchmarks/score_second_corpus.py data/c10m/s* --run --out data/c10m-out

Without ``--run``, give the clusters of a run of your own with ``--clusters`` (any table
``leadkit dedupe --clusters`` wrote). The truth joins the clusters on ``source, source_sheet,
source_row``; recall is also shown per pair of sources.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/score_second_corpus.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import timed_leadkit
from leadkit import columns as C
from leadkit.io.tables import read_table
from leadkit.testing.public import pairwise_scores

KEYS = [C.SOURCE, C.SOURCE_SHEET, C.SOURCE_ROW]


def stage(corpora: list[Path], out: Path) -> Path:
    """The exports to import: one corpus's ``exports/``, or for several a folder of links, one
    subfolder per corpus (named as its folder), so that every record's source is distinct."""
    if len(corpora) == 1:
        return corpora[0] / "exports"
    staged = out / "exports"
    shutil.rmtree(staged, ignore_errors=True)
    for corpus in corpora:
        (staged / corpus.name).mkdir(parents=True)
        for file in sorted((corpus / "exports").iterdir()):
            (staged / corpus.name / file.name).symlink_to(file.resolve())
    return staged


def load_truth(corpora: list[Path]) -> pl.DataFrame:
    """``truth.csv`` of each corpus; for several, sources and entities prefixed with the folder name."""
    if len(corpora) == 1:
        return pl.read_csv(corpora[0] / "truth.csv", infer_schema=False)
    return pl.concat(
        pl.read_csv(corpus / "truth.csv", infer_schema=False).with_columns(
            (pl.lit(f"{corpus.name}/") + pl.col(C.SOURCE)).alias(C.SOURCE),
            (pl.lit(f"{corpus.name}:") + pl.col("entity_id")).alias("entity_id"),
        )
        for corpus in corpora
    )


def run_pipeline(corpora: list[Path], out: Path) -> Path:
    """Run the three commands on the corpora's exports; print wall seconds and peak RSS; the clusters' path."""
    out.mkdir(parents=True, exist_ok=True)
    leads, clean = out / "leads.parquet", out / "clean.parquet"
    clusters = out / "clusters.parquet"
    exports, mapping = stage(corpora, out), corpora[0] / "map.yaml"
    steps = {
        "import": ["import", str(exports), "--map", str(mapping), "-o", str(leads)],
        "clean": ["clean", str(leads), "-o", str(clean)],
        "dedupe": [
            "dedupe",
            str(clean),
            "-o",
            str(out / "companies.parquet"),
            "--clusters",
            str(clusters),
        ],
    }
    print("| step | wall s | peak RSS MiB |\n| --- | ---: | ---: |")
    total = 0.0
    for name, args in steps.items():
        wall, rss, _ = timed_leadkit(args)
        total += wall
        print(f"| {name} | {wall:.1f} | {rss:,.0f} |", flush=True)
    print(f"| import + clean + dedupe | {total:.1f} | |")
    return clusters


def with_truth(clusters: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """The clusters with each record's entity, joined on (source, source_sheet, source_row)."""

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col(C.SOURCE_SHEET).fill_null(""))

    joined = keyed(clusters.select(C.LEAD_ID, C.CLUSTER_ID, *KEYS)).join(
        keyed(truth), on=KEYS, how="left", validate="1:1"
    )
    missing = joined.get_column("entity_id").null_count()
    if missing:
        raise SystemExit(f"{missing} clustered records are not in truth.csv: wrong folder?")
    return joined


def recall_by_source_pair(joined: pl.DataFrame) -> pl.DataFrame:
    """True pairs per pair of sources, and the share of them leadkit put in one cluster."""
    records = joined.select(C.LEAD_ID, "entity_id", C.CLUSTER_ID, C.SOURCE)
    pairs = records.join(records, on="entity_id", suffix="_b").filter(
        pl.col(C.LEAD_ID) < pl.col(f"{C.LEAD_ID}_b")
    )
    first, second = pl.col(C.SOURCE), pl.col(f"{C.SOURCE}_b")
    return (
        pairs.group_by(
            pl.min_horizontal(first, second).alias("source_a"),
            pl.max_horizontal(first, second).alias("source_b"),
        )
        .agg(
            pl.len().alias("true_pairs"),
            (pl.col(C.CLUSTER_ID) == pl.col(f"{C.CLUSTER_ID}_b")).mean().round(3).alias("recall"),
        )
        .sort("true_pairs", descending=True)
    )


def across_corpora(joined: pl.DataFrame) -> str:
    """Of the pairs leadkit put in one cluster, those whose records come from two corpora: always
    false, since each corpus is its own draw from the same pools of names and numbers (a namesake
    or a number that two corpora happen to share). Precision within a corpus leaves them out."""

    def pairs(*by: str | pl.Expr) -> int:
        sizes = joined.group_by(*by).len().get_column("len").cast(pl.Int64)
        return int((sizes * (sizes - 1) // 2).sum())

    corpus = pl.col(C.SOURCE).str.split("/").list.first().alias("corpus")
    found, within = pairs(C.CLUSTER_ID), pairs(C.CLUSTER_ID, corpus)
    right = pairs(C.CLUSTER_ID, "entity_id")
    return (
        f"found pairs across two corpora: {found - within:,} of {found:,}; "
        f"precision within a corpus {right / max(within, 1):.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "corpus", type=Path, nargs="+", help="folder(s) written by benchmarks/second_corpus.py"
    )
    parser.add_argument("--clusters", type=Path, help="clusters of a leadkit dedupe run")
    parser.add_argument("--run", action="store_true", help="run import, clean and dedupe first")
    parser.add_argument("--out", type=Path, help="where --run writes (default CORPUS/out)")
    args = parser.parse_args(argv)
    clusters_path = args.clusters
    if args.run:
        clusters_path = run_pipeline(args.corpus, args.out or args.corpus[0] / "out")
    if clusters_path is None:
        parser.error("give --clusters FILE or --run")
    truth = load_truth(args.corpus)
    joined = with_truth(read_table(str(clusters_path)), truth)
    precision, recall, f1 = pairwise_scores(joined, joined.select(C.LEAD_ID, "entity_id"))
    print(
        f"\n{joined.height:,} records, {joined['entity_id'].n_unique():,} companies in the truth, "
        f"{joined[C.CLUSTER_ID].n_unique():,} clusters"
    )
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}\n")
    if len(args.corpus) > 1:
        print(across_corpora(joined) + "\n")
    with pl.Config(tbl_rows=30, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(recall_by_source_pair(joined))
    return 0


if __name__ == "__main__":
    sys.exit(main())
