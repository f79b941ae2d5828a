"""The benchmark scripts still run, end to end, at a tiny size: a benchmark that broke when the library
changed is found here, not on the day someone needs its figures. Nothing is timed: the figures are
``make bench``'s, and these runs only check that each script finishes and reports what it measures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_script(script: str, *args: str, data: Path) -> str:
    """``python benchmarks/<script> args`` as a user runs it, its generated data kept in ``data``."""
    env = {**os.environ, "LEADKIT_BENCH_DATA": str(data)}
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def scores(output: str) -> tuple[float, float, float]:
    """The last ``P x R y F1 z`` (or ``precision … recall … F1 …``) a script printed."""
    found = re.findall(r"(?:P|precision) (\d\.\d+)\s+(?:R|recall) (\d\.\d+)\s+F1 (\d\.\d+)", output)
    assert found, output
    precision, recall, f1 = (float(value) for value in found[-1])
    return precision, recall, f1


def test_the_pipeline_benchmark_runs_the_three_commands_and_scores_them(tmp_path: Path) -> None:
    output = run_script("bench_pipeline.py", "3000", data=tmp_path)
    assert re.search(r"\| import \| \d", output) and re.search(r"\| dedupe \| \d", output)
    precision, recall, f1 = scores(output)
    assert precision > 0.9 and recall > 0.7 and f1 > 0.8
    assert (tmp_path / "pipeline-3000-1" / "exports").is_dir()  # kept where it was told


def write_corpus(out: Path, n: int, seed: int) -> None:
    """``python benchmarks/second_corpus.py`` into ``out``."""
    command = ["benchmarks/second_corpus.py", "--n", str(n), "--seed", str(seed), "--out", str(out)]
    subprocess.run([sys.executable, *command], cwd=ROOT, check=True, capture_output=True)


def test_the_second_corpus_is_written_and_scored(tmp_path: Path) -> None:
    corpus = tmp_path / "c2"
    write_corpus(corpus, 3000, seed=7)
    output = run_script("score_second_corpus.py", str(corpus), "--run", data=tmp_path)
    assert "import + clean + dedupe" in output
    precision, recall, f1 = scores(output)
    assert precision > 0.9 and recall > 0.6 and f1 > 0.75


def test_two_corpora_run_as_one_and_their_cross_pairs_are_counted(tmp_path: Path) -> None:
    for k in (0, 1):
        write_corpus(tmp_path / f"s{k}", 1500, seed=100 + k)
    output = run_script(
        "score_second_corpus.py",
        str(tmp_path / "s0"),
        str(tmp_path / "s1"),
        "--run",
        "--out",
        str(tmp_path / "out"),
        data=tmp_path,
    )
    assert "3,000 records" in output
    assert re.search(r"found pairs across two corpora: [\d,]+ of [\d,]+; precision within", output)


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_phones.py", ["--n", "600", "--sample", "60"], r"\(c\) normalize_phones\s+\d"),
        ("bench_wide.py", ["--rows", "20", "--columns", "40"], r"\| 20 \| 40 \| \d"),
        ("bench_dedupe.py", ["--n", "2000"], r"\| 2,000 \| \d"),
        ("bench_clean.py", ["--n", "2000"], r"\| clean \| \d"),
        (
            "bench_quarantine.py",
            ["--n", "2000", "--calls", "600"],
            r"\| recheck with the re-dial's results \| \d",
        ),
        ("bench_classify.py", ["--clients", "300", "--rows", "3000"], r"classify counts: \{"),
    ],
)
def test_each_benchmark_script_runs(
    tmp_path: Path, script: str, args: list[str], expected: str
) -> None:
    output = run_script(script, *args, data=tmp_path)
    assert re.search(expected, output), output
