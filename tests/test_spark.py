"""The Spark engine (``--engine spark``) gives exactly what the default engine gives.

One local Spark session (``local[2]``) for the module. Without PySpark or Java these tests are
skipped with the reason, except under ``CI=true``, where they fail: CI installs the ``spark`` extra.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import leadkit
from leadkit import columns as C
from leadkit.cli import app
from leadkit.dedupe.blocking import dedupe_statistics, prepare, prepare_rows
from leadkit.dedupe.cluster import components
from leadkit.dedupe.compare import estimate_u
from leadkit.io.tables import read_table
from leadkit.settings import default_settings
from leadkit.testing.generate import generate_leads


def _missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install 'leadkit[spark]')"
    from leadkit.spark.session import java_binary

    if java_binary() is None:
        return "Java is not installed (Spark needs Java 17)"
    return None


MISSING = _missing()
if MISSING and os.environ.get("CI") != "true":
    pytest.skip(f"Spark engine tests skipped: {MISSING}", allow_module_level=True)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MAP = str(EXAMPLES / "maps" / "bought_base.yaml")
runner = CliRunner()


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    if MISSING:
        pytest.fail(f"CI must run the Spark tests: {MISSING}")
    from leadkit.spark.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _clean_on_spark(spark, leads: pl.DataFrame) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    from leadkit.spark.clean import clean_spark
    from leadkit.spark.tables import from_polars, to_polars

    frame, layout = from_polars(spark, leads)
    result = clean_spark(frame, layout)
    return to_polars(result.leads, result.layout)


def _dedupe_on_spark(spark, leads: pl.DataFrame, **options):  # type: ignore[no-untyped-def]
    from leadkit.spark.dedupe import dedupe_spark
    from leadkit.spark.tables import from_polars, to_polars

    frame, layout = from_polars(spark, leads)
    result = dedupe_spark(frame, layout, **options)
    tables = {
        "merged": to_polars(result.merged, result.merged_layout),
        "clusters": to_polars(result.clusters, result.clusters_layout),
        "review": to_polars(result.review, result.clusters_layout, [C.CLUSTER_ID, C.LEAD_ID]),
    }
    return result, tables


def _assert_same_tables(got: dict[str, pl.DataFrame], want: leadkit.DedupeResult) -> None:
    for name in ("merged", "clusters", "review"):
        expected: pl.DataFrame = getattr(want, name)
        table = got[name]
        assert table.columns == expected.columns, name
        assert table.schema == expected.schema, name
        # As sets (ids included), and in the same order as well.
        assert sorted(table.rows(), key=repr) == sorted(expected.rows(), key=repr), name
        assert table.equals(expected), name


@pytest.fixture(scope="module")
def example_leads() -> pl.DataFrame:
    maps = leadkit.load_maps([MAP])
    return leadkit.import_leads([str(EXAMPLES / "exports")], maps).leads


def test_clean_on_spark_equals_clean_on_the_examples(spark, example_leads) -> None:  # type: ignore[no-untyped-def]
    assert _clean_on_spark(spark, example_leads).equals(leadkit.clean_leads(example_leads).leads)


def test_dedupe_on_spark_equals_dedupe_on_the_examples(spark, example_leads) -> None:  # type: ignore[no-untyped-def]
    cleaned = leadkit.clean_leads(example_leads).leads
    want = leadkit.dedupe_leads(cleaned)
    result, got = _dedupe_on_spark(spark, cleaned)
    _assert_same_tables(got, want)
    assert result.counts == want.counts
    # The shop seen in five sources is one company on Spark too.
    assert got["merged"].height == 17


def test_not_duplicates_and_uncleaned_input_on_spark(spark, example_leads) -> None:  # type: ignore[no-untyped-def]
    cleaned = leadkit.clean_leads(example_leads).leads
    whole = leadkit.dedupe_leads(cleaned)
    # A person marks two records of the biggest company as different ones.
    biggest = (
        whole.clusters.group_by(C.CLUSTER_ID)
        .len()
        .sort("len", C.CLUSTER_ID, descending=[True, False])
    ).item(0, C.CLUSTER_ID)
    members = whole.clusters.filter(pl.col(C.CLUSTER_ID) == biggest).get_column(C.LEAD_ID).sort()
    marks = pl.DataFrame(
        {"lead_id_a": [members[0], "Lnot-in-table"], "lead_id_b": [members[-1], members[0]]}
    )
    want = leadkit.dedupe_leads(example_leads, not_duplicates=marks)
    result, got = _dedupe_on_spark(spark, example_leads, not_duplicates=marks)
    _assert_same_tables(got, want)
    assert [str(w) for w in result.warnings] == [str(w) for w in want.warnings]
    assert got["merged"].height == whole.merged.height + 1


def test_merged_rows_deduplicated_again_keep_their_lead_ids(spark, example_leads) -> None:  # type: ignore[no-untyped-def]
    cleaned = leadkit.clean_leads(example_leads).leads
    merged = leadkit.dedupe_leads(cleaned).merged
    # Last run's companies deduplicated again: lead_ids are united as on one machine.
    again = merged
    assert C.LEAD_IDS in again.columns
    want = leadkit.dedupe_leads(again)
    _, got = _dedupe_on_spark(spark, again)
    _assert_same_tables(got, want)


def test_a_generated_table_gives_the_same_clusters_and_merged_rows(spark) -> None:  # type: ignore[no-untyped-def]
    leads, _ = generate_leads(20_000, seed=11)
    cleaned = _clean_on_spark(spark, leads)
    assert cleaned.equals(leadkit.clean_leads(leads).leads)
    want = leadkit.dedupe_leads(cleaned)
    result, got = _dedupe_on_spark(spark, cleaned)
    _assert_same_tables(got, want)
    # The table-wide pieces, each equal to the one-machine value.
    settings = default_settings()
    assert result.statistics == dedupe_statistics(prepare_rows(cleaned, settings), settings)
    assert result.statistics.hub_phones  # reception numbers are planted: hubs are exercised
    assert result.u == estimate_u(prepare(cleaned, settings), settings.dedupe)
    assert result.largest_component >= 5


def test_connected_components_match_the_library(spark) -> None:  # type: ignore[no-untyped-def]
    from leadkit.spark.components import connected_components

    rng = np.random.default_rng(3)
    size = 2000
    a = rng.integers(0, size, 1500)
    b = rng.integers(0, size, 1500)
    chain = np.arange(500, 800)  # a long path, numbered against its order
    a = np.concatenate([a, chain[:-1]])
    b = np.concatenate([b, chain[1:][::-1]])
    edges = pl.DataFrame({"a": a, "b": b})
    want = components(size, edges.cast(pl.UInt32)).to_numpy()
    found = pl.from_arrow(connected_components(spark.createDataFrame(edges.to_arrow())).toArrow())
    assert isinstance(found, pl.DataFrame)
    label = np.arange(size)
    label[found.get_column("node").to_numpy()] = found.get_column("component").to_numpy()
    assert (label == want).all()


def test_cli_spark_engine_reads_and_writes_parquet_and_csv(
    spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    leads = tmp_path / "leads.csv"
    result = runner.invoke(
        app, ["import", str(EXAMPLES / "exports"), "--map", MAP, "-o", str(leads)]
    )
    assert result.exit_code == 0, result.stderr
    spark_args = ["--engine", "spark", "--spark-master", "local[2]"]
    result = runner.invoke(app, ["clean", str(leads), "-o", "clean.parquet", *spark_args])
    assert result.exit_code == 0, result.stderr
    assert "cleaned 30 leads, 27 with a valid phone" in result.stderr
    assert (tmp_path / "clean.parquet").is_dir()  # a Parquet dataset, written by Spark
    result = runner.invoke(app, ["clean", str(leads), "-o", "clean_polars.csv"])
    assert result.exit_code == 0, result.stderr
    cleaned = pl.read_parquet(tmp_path / "clean.parquet" / "*.parquet")
    assert cleaned.drop(C.PHONES).equals(
        read_table("clean_polars.csv").drop(C.PHONES).with_columns(pl.all().cast(pl.String))
    )
    # Merged rows as CSV on stdout, clusters as Parquet: the same as the default engine's.
    result = runner.invoke(
        app, ["dedupe", "clean.parquet", "--clusters", "clusters.parquet", *spark_args]
    )
    assert result.exit_code == 0, result.stderr
    assert "30 records → 17 companies" in result.stderr
    polars_run = runner.invoke(app, ["dedupe", "clean_polars.csv", "--clusters", "c.csv"])
    assert polars_run.exit_code == 0, polars_run.stderr
    assert result.stdout == polars_run.stdout
    clusters = pl.read_parquet(tmp_path / "clusters.parquet" / "*.parquet")
    assert clusters.select(C.LEAD_ID, C.CLUSTER_ID, C.MATCH_REASON).equals(
        read_table("c.csv").select(C.LEAD_ID, C.CLUSTER_ID, C.MATCH_REASON)
    )
    # Spark's own files (warehouse, Derby, checkpoints) stay out of the working directory.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["leads.csv", "clean.parquet", "clean_polars.csv", "clusters.parquet", "c.csv"]
    )


def test_cli_spark_engine_refuses_previous_in_one_line(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    leads = tmp_path / "leads.csv"
    runner.invoke(app, ["import", str(EXAMPLES / "exports"), "--map", MAP, "-o", str(leads)])
    result = runner.invoke(
        app, ["dedupe", str(leads), "--engine", "spark", "--previous", str(leads)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "--previous is not available with --engine spark" in result.stderr


def test_a_parquet_dataset_of_several_parts_is_read_in_its_row_order(
    spark, example_leads, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from leadkit.spark.tables import read_leads, to_polars, write_parquet

    folder = tmp_path / "leads.parquet"
    folder.mkdir()
    # Parts of different sizes: Spark packs its input splits by size, leadkit reads them by name.
    for number, (start, length) in enumerate([(0, 4), (4, 20), (24, 6)]):
        example_leads.slice(start, length).write_parquet(folder / f"part-{number:05d}.parquet")
    back, layout = read_leads(spark, str(folder))
    assert to_polars(back, layout).equals(example_leads)
    # Written back by Spark (staged beside the target, then renamed), and read again the same.
    target = tmp_path / "again.parquet"
    write_parquet(back, str(target))
    assert not list(tmp_path.glob("*.leadkit-tmp"))
    again, layout = read_leads(spark, str(target))
    assert to_polars(again, layout).equals(example_leads)


def test_the_example_pipeline_with_engine_spark_writes_the_same_files(
    spark, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    outputs = {}
    for engine in ("polars", "spark"):
        work = tmp_path / engine
        for name in ("exports", "maps", "calls", "crm", "sales"):
            shutil.copytree(EXAMPLES / name, work / "examples" / name)
        text = (EXAMPLES / "pipeline.yaml").read_text(encoding="utf-8")
        if engine == "spark":
            text = f"engine: spark\nspark_master: local[2]\n{text}"
        (work / "examples" / "pipeline.yaml").write_text(text, encoding="utf-8")
        (work / "out").mkdir()
        result = runner.invoke(
            app, ["run", str(work / "examples" / "pipeline.yaml"), "--today", "2026-11-30"]
        )
        assert result.exit_code == 0, result.stderr
        outputs[engine] = {
            p.name: p.read_bytes() for p in sorted((work / "out").iterdir()) if p.suffix == ".csv"
        }
    assert {"leads_clean.csv", "companies.csv", "clusters.csv"} <= set(outputs["spark"])
    assert outputs["spark"] == outputs["polars"]
