"""Deduplication quality on public labelled sets and on the generated Russian set (default settings)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from leadkit.dedupe import dedupe_leads
from leadkit.normalize import clean_leads
from leadkit.testing.generate import generate_leads
from leadkit.testing.public import (
    load_chicago_childhood,
    load_fodors_zagat,
    pairwise_scores,
    shared_benchmarks_dir,
)
from leadkit.testing.second_corpus import generate_corpus

pytestmark = pytest.mark.slow


def _need(folder: str) -> Path:
    """The public sets' folder; a skip when they are missing, except under CI, where it is a failure."""
    path = shared_benchmarks_dir() / folder
    if not path.is_dir():
        message = f"public benchmark {path} not found (set LEADKIT_SHARED to the shared/ directory)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return shared_benchmarks_dir()


def _score(name: str, leads: pl.DataFrame, truth: pl.DataFrame, region: str) -> tuple[float, ...]:
    result = dedupe_leads(clean_leads(leads, region=region).leads)
    assert result.clusters.height == leads.height
    scores = pairwise_scores(result.clusters, truth)
    print(f"\n{name}: P {scores[0]:.3f} R {scores[1]:.3f} F1 {scores[2]:.3f}")
    return scores


def test_fodors_zagat_restaurants() -> None:
    leads, truth = load_fodors_zagat(_need("fodors-zagats"))
    p, r, f1 = _score("Fodor's-Zagat", leads, truth, "US")
    assert f1 >= 0.95, f"Fodor's-Zagat P {p:.3f} R {r:.3f} F1 {f1:.3f} (bar 0.95)"


def test_chicago_early_childhood_sites() -> None:
    leads, truth = load_chicago_childhood(_need("chicago-early-childhood"))
    p, r, f1 = _score("Chicago early childhood", leads, truth, "US")
    assert f1 >= 0.90, f"Chicago P {p:.3f} R {r:.3f} F1 {f1:.3f} (bar 0.90)"


def test_generated_russian_leads() -> None:
    leads, truth = generate_leads(5000, seed=1)
    p, r, f1 = _score("generated 5k", leads, truth, "RU")
    assert f1 >= GENERATED_BAR, f"generated P {p:.3f} R {r:.3f} F1 {f1:.3f} (bar {GENERATED_BAR})"


GENERATED_BAR = 0.95  # measured 0.957 on 5k (seed 1), 0.944 at 100k


def test_second_corpus() -> None:
    """The corpus leadkit was not tuned on: other sources and proportions, a third of its true pairs
    resting on a differing name and a city alone."""
    leads, truth = generate_corpus(5000, seed=1)
    p, r, f1 = _score("second corpus 5k", leads, truth, "RU")
    assert p >= 0.95, f"second corpus P {p:.3f} R {r:.3f} F1 {f1:.3f} (precision bar 0.95)"
    assert f1 >= SECOND_BAR, f"second corpus P {p:.3f} R {r:.3f} F1 {f1:.3f} (bar {SECOND_BAR})"


SECOND_BAR = 0.86  # measured 0.889 on 5k (seed 1; seeds 2 and 3: 0.882, 0.890), 0.857 at 100k
