"""`make demo`'s outputs on examples/, compared whole with the files in tests/golden/.

A change that alters any output cell fails here. When the change is intended, refresh the files with
``make golden`` (``LEADKIT_UPDATE_GOLDEN=1 pytest tests/test_golden.py``) and review the diff in git.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EXPORTS = ROOT / "examples" / "exports"
MAP = ROOT / "examples" / "maps" / "bought_base.yaml"
CRM = ROOT / "examples" / "crm" / "clients.csv"
SALES = ROOT / "examples" / "sales"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    runner = CliRunner()
    steps = [
        ["import", str(EXPORTS), "--map", str(MAP), "-o", str(out / "leads.csv")],
        ["clean", str(out / "leads.csv"), "-o", str(out / "leads_clean.csv")],
        [
            "dedupe",
            str(out / "leads_clean.csv"),
            "-o",
            str(out / "companies.csv"),
            "--clusters",
            str(out / "clusters.csv"),
            "--review",
            str(out / "review.csv"),
        ],
        # The yearly review: 2025, then 2026 against it.
        [
            "classify",
            str(CRM),
            "--sales",
            str(SALES),
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "-o",
            str(out / "abcde_2025.csv"),
        ],
        [
            "classify",
            str(CRM),
            "--sales",
            str(SALES),
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--previous",
            str(out / "abcde_2025.csv"),
            "-o",
            str(out / "abcde.csv"),
            "--summary",
            str(out / "abcde_summary.csv"),
            "--unmatched",
            str(out / "unmatched_sales.csv"),
        ],
    ]
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize(
    "name",
    [
        "leads_clean.csv",
        "companies.csv",
        "clusters.csv",
        "review.csv",
        "abcde.csv",
        "abcde_summary.csv",
        "unmatched_sales.csv",
    ],
)
def test_demo_output_is_the_golden_file(demo: Path, name: str) -> None:
    produced = (demo / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("LEADKIT_UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run `make golden`"
    expected = golden.read_text(encoding="utf-8")
    if produced != expected:
        diff = [
            f"line {i}: golden {a!r}\n         now    {b!r}"
            for i, (a, b) in enumerate(
                zip(expected.splitlines(), produced.splitlines(), strict=False), 1
            )
            if a != b
        ]
        pytest.fail(
            f"{name} differs from tests/golden/{name} (`make golden` if intended):\n"
            + "\n".join(diff[:5])
        )
