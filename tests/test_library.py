"""The library behind the commands: its public API, and the seams an engine uses to split the work."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

import leadkit
from leadkit import columns as C
from leadkit import normalize
from leadkit.dedupe import cluster as cluster_module
from leadkit.dedupe import dedupe_leads, dedupe_statistics, prepare_rows
from leadkit.io.text import read_headerless
from leadkit.normalize import clean_leads, clean_statistics
from leadkit.settings import default_settings
from leadkit.testing.generate import generate_leads

ROOT = Path(__file__).resolve().parents[1]


def test_public_api_is_small_and_complete() -> None:
    for name in leadkit.__all__:
        assert getattr(leadkit, name) is not None, name
        if callable(getattr(leadkit, name)):
            assert getattr(leadkit, name).__doc__, f"{name} has no docstring"
    assert {"import_leads", "clean_leads", "dedupe_leads", "load_settings"} <= set(leadkit.__all__)
    with pytest.raises(AttributeError):
        _ = leadkit.no_such_thing  # type: ignore[attr-defined]


def test_readme_documents_the_public_api() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    for name in leadkit.__all__:
        assert name in section, f"README's Python API section does not mention {name}"


def test_a_script_read_on_stdin_runs_the_whole_job(tmp_path: Path) -> None:
    """A notebook or a script piped to python has no importable __main__: the library must not
    start processes of its own behind the caller's back."""
    script = textwrap.dedent(
        f"""
        import leadkit
        maps = leadkit.load_maps([{str(ROOT / "examples/maps/bought_base.yaml")!r}])
        imported = leadkit.import_leads([{str(ROOT / "examples/exports")!r}], maps)
        cleaned = leadkit.clean_leads(imported.leads)
        deduped = leadkit.dedupe_leads(cleaned.leads)
        leadkit.write_table(deduped.merged, {str(tmp_path / "companies.xlsx")!r}, sheet="Companies")
        print(imported.counts["leads"], cleaned.counts["with_phone"], deduped.counts["companies"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["30", "27", "17"]
    assert (tmp_path / "companies.xlsx").stat().st_size > 0


def test_clean_in_partitions_with_table_statistics_equals_clean_of_the_whole() -> None:
    leads, _ = generate_leads(4000, seed=5)
    whole = clean_leads(leads).leads
    statistics = clean_statistics(leads)
    # What an engine does: statistics over every partition (merged with |), then each part alone.
    parts = [leads.slice(0, 1000), leads.slice(1000, 1700), leads.slice(2700)]
    merged = clean_statistics(parts[0]) | clean_statistics(parts[1]) | clean_statistics(parts[2])
    assert merged == statistics
    pieces = [clean_leads(part, statistics=statistics).leads for part in parts]
    assert pl.concat(pieces).equals(whole)
    # Without the table's statistics a small part knows fewer cities: the seam matters.
    alone = pl.concat([clean_leads(part).leads for part in parts])
    assert alone.get_column(C.CITY).null_count() > whole.get_column(C.CITY).null_count()


def test_a_big_table_is_cleaned_a_part_at_a_time_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    leads, _ = generate_leads(4000, seed=5)
    whole = clean_leads(leads)
    monkeypatch.setattr(normalize, "CHUNK_ROWS", 900)
    in_parts = clean_leads(leads)
    assert in_parts.leads.equals(whole.leads)
    assert in_parts.counts == whole.counts


def test_dedupe_statistics_given_or_computed_give_the_same_result() -> None:
    leads, _ = generate_leads(3000, seed=6)
    cleaned = clean_leads(leads).leads
    statistics = dedupe_statistics(prepare_rows(cleaned, default_settings()), default_settings())
    assert statistics.hub_phones  # the generator plants reception numbers
    given = dedupe_leads(cleaned, statistics=statistics)
    computed = dedupe_leads(cleaned)
    assert given.clusters.equals(computed.clusters)


def test_components_resolved_in_small_batches_give_the_same_clusters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    leads, _ = generate_leads(3000, seed=7)
    cleaned = clean_leads(leads).leads
    once = dedupe_leads(cleaned)
    monkeypatch.setattr(cluster_module, "BATCH_PAIRS", 7)
    batched = dedupe_leads(cleaned)
    assert batched.clusters.equals(once.clusters)
    assert batched.merged.equals(once.merged)


def test_components_are_the_connected_parts_of_the_accepted_pairs() -> None:
    accepted = pl.DataFrame(
        {"a": [0, 1, 4, 6], "b": [1, 2, 5, 5]}, schema={"a": pl.UInt32, "b": pl.UInt32}
    )
    assert cluster_module.components(8, accepted).to_list() == [0, 0, 0, 3, 4, 4, 4, 7]


def test_a_file_without_a_header_row() -> None:
    master = (
        '"","89161234567","84951234567","from-internal","""Мен"" <100>","SIP/100-0001",'
        '"SIP/trunk-0002","Dial","SIP/trunk/84951234567","2026-05-04 10:00:01",'
        '"2026-05-04 10:00:09","2026-05-04 10:01:00",59,51,"ANSWERED","DOCUMENTATION",'
        '"1714816801.1",""\n'
        '"","89161234567","84957654321","from-internal","","SIP/100-0003","","Dial",'
        '"SIP/trunk/84957654321","2026-05-04 10:02:00","","2026-05-04 10:02:30",30,0,'
        '"NO ANSWER","DOCUMENTATION","1714816920.3",""\n'
    ).encode()
    rows = read_headerless(master, "Master.csv")
    assert rows.height == 2
    assert rows.get_column("_row").to_list() == [1, 2]
    assert rows.get_column("c2").to_list() == ["84951234567", "84957654321"]
    assert rows.get_column("c14").to_list() == ["ANSWERED", "NO ANSWER"]
    assert rows.item(0, "c4") == '"Мен" <100>'
