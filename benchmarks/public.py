"""Deduplication quality and time on the public labelled sets: ``python -m benchmarks.public``."""

from __future__ import annotations

import time

from leadkit.testing.public import load_chicago_childhood, load_fodors_zagat, pairwise_scores


def main() -> None:
    """Print P/R/F1 and time of clean + dedupe on every public set found."""
    from leadkit.dedupe import dedupe_leads
    from leadkit.normalize import clean_leads

    for name, loader, region in (
        ("Fodor's-Zagat", load_fodors_zagat, "US"),
        ("Chicago early childhood", load_chicago_childhood, "US"),
    ):
        leads, truth = loader()
        start = time.perf_counter()
        result = dedupe_leads(clean_leads(leads, region=region).leads)
        seconds = time.perf_counter() - start
        p, r, f1 = pairwise_scores(result.clusters, truth)
        print(f"{name}: P {p:.3f} R {r:.3f} F1 {f1:.3f} ({leads.height} records, {seconds:.1f} s)")


if __name__ == "__main__":
    main()
