"""The Splink benchmark's own helpers: what Splink is given, how it is configured, how it is scored.

Splink is an optional benchmark dependency (the ``bench`` extra): the settings test is skipped
without it; the other tests need only Polars.
"""

from __future__ import annotations

import polars as pl
import pytest

from benchmarks.bench_splink import splink_records, splink_settings, truth_by_lead


def _clean() -> pl.DataFrame:
    """Four cleaned leads as ``leadkit clean`` writes them (only the columns the benchmark reads)."""
    return pl.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "source": ["2gis.csv", "directory.xlsx", "google_maps.csv", "bought_base.txt"],
            "source_sheet": [None, "Лист1", None, None],
            "source_row": ["2", "5", "2", "3"],
            "company_key": ["ромашка", "ромашка", "вектор м", " "],
            "city": ["Москва", "Москва", "", "Казань"],
            "phones": [
                ["+74951234567;ext=12", "+74951234567", "+79161234567"],
                ["+74951234567"],
                [],
                ["+78432003040"],
            ],
            "inn": ["7707083893", "7707083893.0", "1234567890", None],
            "inn_valid": ["true", "true", "false", None],
            "domain": ["romashka.ru", None, "", None],
        }
    )


def test_splink_records_give_splink_nulls_for_missing_values_and_bare_numbers() -> None:
    records = splink_records(_clean())
    assert records.columns == ["unique_id", "name", "city", "phones", "inn", "domain"]
    assert records["unique_id"].to_list() == ["L1", "L2", "L3", "L4"]
    # The extension goes and the number is kept once; no number is null, not an empty list.
    assert records["phones"].to_list() == [
        ["+74951234567", "+79161234567"],
        ["+74951234567"],
        None,
        ["+78432003040"],
    ]
    # Only a valid INN counts, and a spreadsheet's ".0" is not part of it.
    assert records["inn"].to_list() == ["7707083893", "7707083893", None, None]
    assert records["name"].to_list() == ["ромашка", "ромашка", "вектор м", None]
    assert records["city"].to_list() == ["Москва", "Москва", None, "Казань"]
    assert records["domain"].to_list() == ["romashka.ru", None, None, None]


def test_truth_is_joined_by_source_sheet_and_row_with_empty_sheets_matching() -> None:
    truth = pl.DataFrame(
        {
            "source": ["bought_base.txt", "2gis.csv", "directory.xlsx", "google_maps.csv"],
            "source_sheet": [None, None, "Лист1", None],
            "source_row": ["3", "2", "5", "2"],
            "entity_id": ["e3", "e1", "e1", "e2"],
        }
    )
    by_lead = truth_by_lead(_clean(), truth).sort("lead_id")
    assert by_lead.rows() == [("L1", "e1"), ("L2", "e1"), ("L3", "e2"), ("L4", "e3")]
    with pytest.raises(SystemExit, match="only 3 of 4 leads"):
        truth_by_lead(_clean(), truth.head(3))


def test_splink_settings_block_on_a_shared_phone_and_on_city_with_name_prefix() -> None:
    pytest.importorskip("splink")
    from splink import DuckDBAPI, Linker

    records = pl.DataFrame(
        {
            "unique_id": ["a", "b", "c", "d", "e"],
            "name": ["ромашка", "цветы ромашка", "ромашкин дом", "ромашка", "вектор"],
            "city": ["Москва", "Москва", "Москва", "Казань", "Казань"],
            "phones": [["+74951234567"], ["+79161234567", "+74951234567"], None, None, None],
            "inn": [None, None, None, None, None],
            "domain": [None, None, None, None, None],
        },
        schema_overrides={"inn": pl.String, "domain": pl.String},
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(records.to_arrow()), splink_settings(), log_level="ERROR")
    pairs = linker.inference.predict(warning_mode="never").as_duckdbpyrelation()
    found = {tuple(sorted(row)) for row in pairs.select("unique_id_l, unique_id_r").fetchall()}
    # a–b share a phone, a–c are "ромашка…" in Москва; d (Казань) and e share nothing with them.
    assert found == {("a", "b"), ("a", "c")}
    model = linker.misc.save_model_to_json()
    comparisons = {c["output_column_name"]: c["comparison_levels"] for c in model["comparisons"]}
    assert list(comparisons) == ["name", "phones", "city", "inn", "domain"]
    # Term frequencies adjust the exact name and city levels: a common name or a big city is
    # weaker evidence than a rare one.
    assert [lvl.get("tf_adjustment_column") for lvl in comparisons["name"]][:2] == [None, "name"]
    assert comparisons["city"][1]["tf_adjustment_column"] == "city"
    assert "list_intersect" in comparisons["phones"][1]["sql_condition"]
