"""Month after month: ``--previous`` keeps companies' ids, unites their lead ids, says what changed."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.dedupe import dedupe_leads
from leadkit.io.tables import read_table
from leadkit.normalize import clean_leads


def raw(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    """Import-shaped leads: lead_id, company, phone_raw, city."""
    return pl.DataFrame(
        [dict(zip((C.LEAD_ID, C.COMPANY, C.PHONE_RAW, C.CITY), r, strict=True)) for r in rows]
    )


MAY = raw(
    ("L3", "ООО «Ромашка»", "8 (495) 123-45-67", "Москва"),
    ("L5", "Ромашка", "+7 495 123 45 67", "Москва"),
    ("L7", "Вектор", "8 (812) 600-70-80", "Санкт-Петербург"),
)


def by_lead(result: object, column: str) -> dict[str, str]:
    frame = result.clusters  # type: ignore[attr-defined]
    return dict(zip(frame[C.LEAD_ID], frame[column], strict=True))


def test_ids_persist_new_records_join_and_the_clusters_file_says_which() -> None:
    may = dedupe_leads(clean_leads(MAY).leads)
    assert by_lead(may, C.CLUSTER_ID) == {"L3": "L3", "L5": "L3", "L7": "L7"}
    june = raw(
        # L3 is gone from the exports; L1 is new and sorts first, which would make it the id
        ("L1", "Ромашка цветы", "8 (495) 123-45-67", "Москва"),
        ("L5", "Ромашка", "+7 495 123 45 67", "Москва"),
        ("L7", "Вектор", "8 (812) 600-70-80", "Санкт-Петербург"),
        ("L9", "Флора", "8 (843) 200-30-40", "Казань"),
    )
    result = dedupe_leads(clean_leads(june).leads, previous=may.merged)
    assert by_lead(result, C.CLUSTER_ID) == {"L1": "L3", "L5": "L3", "L7": "L7", "L9": "L9"}
    assert by_lead(result, "cluster_change") == {
        "L1": "joined",
        "L5": "kept",
        "L7": "kept",
        "L9": "new",
    }
    rows = {r[C.CLUSTER_ID]: r for r in result.merged.iter_rows(named=True)}
    assert rows["L3"][C.LEAD_ID] == "L3"
    assert rows["L3"][C.LEAD_IDS].split("; ") == ["L1", "L5", "L3"]  # L3 stays listed
    assert result.counts["records_joined"] == 1 and result.counts["records_new"] == 1


def test_records_of_a_previous_company_stay_together_unless_a_person_says_otherwise() -> None:
    # Last month a person merged these two by hand-made evidence the rules would not see.
    previous = pl.DataFrame({C.CLUSTER_ID: ["A1"], C.LEAD_IDS: ["A1; B2"]})
    leads = clean_leads(
        raw(("A1", "Ромашка", "8 (495) 123-45-67", "Москва"), ("B2", "Цветы у дома", "", "Тверь"))
    ).leads
    assert dedupe_leads(leads).merged.height == 2
    kept = dedupe_leads(leads, previous=previous)
    assert by_lead(kept, C.CLUSTER_ID) == {"A1": "A1", "B2": "A1"}
    assert by_lead(kept, C.MATCH_REASON)["B2"] == "previous company"
    marks = pl.DataFrame({"lead_id_a": ["A1"], "lead_id_b": ["B2"]})
    split = dedupe_leads(leads, not_duplicates=marks, previous=previous)
    assert by_lead(split, C.CLUSTER_ID) == {"A1": "A1", "B2": "B2"}
    assert by_lead(split, "cluster_change") == {"A1": "kept", "B2": "moved"}


def test_deduplicating_a_merged_table_again_unites_its_lead_ids() -> None:
    may = dedupe_leads(clean_leads(MAY).leads)
    again = dedupe_leads(may.merged)
    assert again.merged.height == 2
    assert sorted(again.merged[C.LEAD_IDS].to_list()) == ["L3; L5", "L7"]


def test_cli_previous(tmp_path: Path) -> None:
    runner = CliRunner()
    MAY.write_csv(tmp_path / "may.csv")
    done = runner.invoke(app, ["dedupe", str(tmp_path / "may.csv"), "-o", str(tmp_path / "c.csv")])
    assert done.exit_code == 0, done.stderr
    done = runner.invoke(
        app,
        [
            "dedupe",
            str(tmp_path / "may.csv"),
            "--previous",
            str(tmp_path / "c.csv"),
            "-o",
            str(tmp_path / "c2.csv"),
            "--clusters",
            str(tmp_path / "cl.csv"),
        ],
    )
    assert done.exit_code == 0, done.stderr
    clusters = read_table(str(tmp_path / "cl.csv"))
    assert clusters.get_column("cluster_change").to_list() == ["kept"] * 3
    assert read_table(str(tmp_path / "c2.csv")).equals(read_table(str(tmp_path / "c.csv")))
    bad = runner.invoke(
        app, ["dedupe", str(tmp_path / "may.csv"), "--previous", str(tmp_path / "may.csv")]
    )
    assert bad.exit_code == 1 and "cluster_id" in bad.stderr


NAMES = ["Ромашка", "Вектор", "Альфа-Строй", "Флора", "Улыбка"]
CITIES = ["Москва", "Казань", "Самара"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.integers(0, 3), st.sampled_from(CITIES)),
        min_size=2,
        max_size=10,
    ),
    st.tuples(
        st.sampled_from(["Гамма Логистик", "Дельта"]),
        st.integers(4, 6),
        st.sampled_from([*CITIES, "Тула"]),
    ),
)
def test_property_an_unrelated_record_never_splits_a_cluster(
    rows: list[tuple[str, int, str]], extra: tuple[str, int, str]
) -> None:
    table = raw(
        *(
            (f"L{i:02d}", name, f"8 (495) 100-00-0{phone}", city)
            for i, (name, phone, city) in enumerate(rows)
        )
    )
    before = by_lead(dedupe_leads(clean_leads(table).leads), C.CLUSTER_ID)
    name, phone, city = extra
    more = pl.concat([table, raw(("L99", name, f"8 (843) 900-00-0{phone}", city))])
    after = by_lead(dedupe_leads(clean_leads(more).leads), C.CLUSTER_ID)
    together = {(a, b) for a in before for b in before if before[a] == before[b]}
    assert all(after[a] == after[b] for a, b in together)
