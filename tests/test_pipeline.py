"""``leadkit run``: the whole batch from one YAML file, and the workbook a sales head opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from leadkit.cli import app
from leadkit.errors import ConfigError
from leadkit.io.tables import read_plain
from leadkit.pipeline import load_pipeline, plan_lines

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A copy of the examples with the pipeline writing into ``out/`` beside it."""
    for name in ("exports", "maps", "calls", "crm", "sales"):
        shutil.copytree(EXAMPLES / name, tmp_path / "examples" / name)
    text = (EXAMPLES / "pipeline.yaml").read_text(encoding="utf-8")
    (tmp_path / "examples" / "pipeline.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "out").mkdir()
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["run", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_example_pipeline_writes_every_output_and_the_workbook(work: Path) -> None:
    code, out, err = run(str(work / "examples" / "pipeline.yaml"), "--today", "2026-11-30")
    assert code == 0, err
    assert out == ""
    assert "30 records → 17 companies (13 duplicates merged, 2 to review)" in err
    assert "7 numbers quarantined" in err and "12 clients classed: A 3, B 1, C 2, D 4, E 2" in err
    for name in ("leads_clean", "companies", "clusters", "review", "active", "due", "abcde"):
        assert (work / "out" / f"{name}.csv").exists(), name
    assert read_plain(str(work / "out" / "companies.csv")).height == 17
    assert read_plain(str(work / "out" / "quarantine.csv")).height == 7

    book = openpyxl.load_workbook(work / "out" / "leadkit.xlsx")
    assert book.sheetnames == ["Summary", "Leads", "Duplicates", "Quarantine", "Due", "ABCDE"]
    summary = book["Summary"]
    assert summary["A1"].value == "leadkit: the batch in numbers"
    texts = [c.value for c in summary["A"] if isinstance(c.value, str)]
    assert "30 records → 17 companies (13 duplicates merged, 2 to review)" in texts
    # Charts: clients and profit per class and channel, the Pareto curve, quarantine by reason;
    # each points at the cells of its table on the Summary sheet.
    charts = summary._charts
    assert len(charts) == 4
    refs = [(s.val or s.yVal).numRef.f for chart in charts for s in chart.series]
    assert all(ref.startswith("Summary!$") for ref in refs)
    class_rows = [c.row for c in summary["A"] if c.value in ("A", "B", "C", "D", "E")]
    first, last = min(class_rows), max(class_rows)
    assert refs[0] == f"Summary!$B${first}:$B${last}"  # clients of the first channel
    assert summary.cell(first, 2).value == 1 and summary.cell(first, 2).data_type == "n"
    pareto = charts[2].series[0]
    assert pareto.xVal.numRef.f.startswith("Summary!$A$") and pareto.yVal.numRef.f.startswith(
        "Summary!$B$"
    )

    leads = book["Leads"]
    header = [c.value for c in leads[1]]
    assert leads.freeze_panes == "A2" and leads.auto_filter.ref.startswith("A1:")
    inn = header.index("inn") + 1
    phones = header.index("phones") + 1
    inns = [leads.cell(r, inn) for r in range(2, leads.max_row + 1) if leads.cell(r, inn).value]
    assert inns and all(c.data_type == "s" for c in inns)  # INN text, leading zeros kept
    assert any(c.value == "0278123453" for c in inns)
    assert all(
        leads.cell(r, phones).data_type == "s"
        for r in range(2, leads.max_row + 1)
        if leads.cell(r, phones).value
    )
    duplicates = book["Duplicates"]
    head = [c.value for c in duplicates[1]]
    assert head[:4] == ["cluster_id", "cluster_size", "match_reason", "to_review"]
    flagged = [r for r in duplicates.iter_rows(min_row=2, values_only=True) if r[3]]
    assert len(flagged) == 2 and all("стройинвест" in str(r).lower() for r in flagged)
    abcde = book["ABCDE"]
    cols = [c.value for c in abcde[1]]
    profit = abcde.cell(2, cols.index("profit") + 1)
    assert profit.data_type == "n" and profit.number_format == "#,##0.00"
    share = abcde.cell(2, cols.index("profit_share") + 1)
    assert share.data_type == "n" and share.number_format == "0.0%"
    store = book["Quarantine"]
    assert store.max_row == 8 and [c.value for c in store[1]][:3] == ["phone", "lead_id", "company"]


def test_output_folders_that_are_not_there_yet_are_made(work: Path) -> None:
    (work / "out").rmdir()
    code, _, err = run(str(work / "examples" / "pipeline.yaml"), "--today", "2026-11-30")
    assert code == 0, err
    assert read_plain(str(work / "out" / "companies.csv")).height == 17
    assert read_plain(str(work / "out" / "quarantine.csv")).height == 7
    assert (work / "out" / "leadkit.xlsx").exists()


def test_a_failure_in_classify_leaves_every_earlier_output_and_the_store_as_they_were(
    work: Path,
) -> None:
    pipeline = work / "examples" / "pipeline.yaml"
    code, _, err = run(str(pipeline), "--today", "2026-11-30")
    assert code == 0, err
    before = {p.name: p.read_bytes() for p in (work / "out").iterdir()}
    # Next month a sales export arrives broken: classify stops the run with exit 1.
    broken = work / "examples" / "sales" / "broken.csv"
    broken.write_text(
        "Контрагент;ИНН;Дата;Выручка;Себестоимость\nРомашка;7707083893;15.01.2026;двенадцать;100\n",
        encoding="utf-8",
    )
    (work / "examples" / "calls" / "more.csv").write_text(
        "Номер;Результат\n8 (495) 586-12-34;Номер не существует\n", encoding="utf-8"
    )
    code, _, err = run(str(pipeline), "--today", "2026-12-30")
    assert code == 1
    assert "broken.csv" in err and "row 2" in err
    after = {p.name: p.read_bytes() for p in (work / "out").iterdir()}
    assert after == before  # the quarantine store too: nothing of the failed run was committed


def test_the_whole_file_is_checked_before_any_work(work: Path) -> None:
    pipeline = work / "examples" / "pipeline.yaml"
    text = pipeline.read_text(encoding="utf-8")
    cases = {
        "dedupe:\n  threshold: 88": ("dedupe:\n  treshold: 88", "dedupe: unknown key(s) treshold"),
        "inputs: [exports/]": ("inputs: [exprts/]", "import.inputs: 'exprts/' does not exist"),
        "workbook: ../out/leadkit.xlsx": (
            "workbook: ../nowhere/x/leadkit.pdf",
            "outputs.workbook: the workbook is an .xlsx file",
        ),
        "from: 2026-01-01": ("from: 2026-13-01", "classify.from: '2026-13-01' is not a date"),
        "retry_after: 6mo": ("retry_after: soon", "quarantine.retry_after"),
    }
    for good, (bad, message) in cases.items():
        pipeline.write_text(text.replace(good, bad), encoding="utf-8")
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_pipeline(pipeline)
        code, _, err = run(str(pipeline))
        assert code == 1 and message.split(":")[0] in err, err
        assert len(err.strip().splitlines()) == 1
        assert list((work / "out").iterdir()) == []  # nothing written


def test_dry_run_prints_the_plan_and_runs_nothing(work: Path) -> None:
    pipeline = work / "examples" / "pipeline.yaml"
    code, out, err = run(str(pipeline), "--dry-run")
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"pipeline {pipeline}")
    assert "  classify  " in out and "  write     workbook: " in out
    assert out.splitlines() == plan_lines(load_pipeline(pipeline))
    assert list((work / "out").iterdir()) == []


def test_quiet_prints_nothing_and_steps_may_be_left_out(work: Path, tmp_path: Path) -> None:
    pipeline = work / "examples" / "pipeline.yaml"
    short = tmp_path / "short.yaml"
    short.write_text(
        f"import:\n  inputs: [{work / 'examples' / 'exports'}]\n"
        f"  maps: [{work / 'examples' / 'maps' / 'bought_base.yaml'}]\n"
        f"dedupe: {{}}\noutputs:\n  companies: {work / 'out' / 'c.parquet'}\n",
        encoding="utf-8",
    )
    code, out, err = run(str(short), "--quiet")
    assert code == 0 and out == "" and err == ""
    assert read_plain(str(work / "out" / "c.parquet")).height == 17
    assert pipeline.exists()


def test_run_is_documented_key_by_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `leadkit run`", 1)[1].split("\n## ", 1)[0]
    from leadkit.pipeline import _STEP_KEYS, _TOP_KEYS, OUTPUTS

    for key in [*_TOP_KEYS, *(k for keys in _STEP_KEYS.values() for k in keys), *OUTPUTS]:
        assert f"`{key}`" in section, f"README's leadkit run section does not explain `{key}`"
