"""Phone normalization speed: naive per-row phonenumbers vs unique values vs ``normalize_phones``.

Run: ``.venv/bin/python benchmarks/bench_phones.py --n 1000000``. The cells are generated (seeded) to look
like ``phone_raw`` of real exports: 2GIS, Yandex and Google Maps shapes, bought bases, several numbers per
cell, extensions, Kazakh numbers, invalid numbers and junk; about 60% of the cells are unique. The same
three ways are then timed on the ``phone_raw`` of ``benchmarks/generate.py``'s leads and of the second
corpus's (``leadkit.testing.second_corpus``, written independently) of the same size.
The cells come from :func:`leadkit.testing.phones.make_phone_cells`, the corpus of the equivalence test
in ``tests/test_phones.py`` too.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import phonenumbers
import polars as pl

if __package__ in (None, ""):  # run as `python benchmarks/bench_phones.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadkit.normalize import phones as phones_module
from leadkit.normalize.phones import normalize_phones
from leadkit.settings import default_settings
from leadkit.testing.generate import generate_leads
from leadkit.testing.phones import make_phone_cells
from leadkit.testing.second_corpus import generate_corpus


def _naive_cell(cell: str | None) -> list[str]:
    """What a plain per-row script does: PhoneNumberMatcher on the whole cell, every row."""
    if cell is None:
        return []
    return [
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(cell, "RU")
    ]


def measure(series: pl.Series, sample_size: int) -> dict[str, float]:
    """Seconds of the three ways on ``series`` (the naive one timed on a sample, extrapolated)."""
    figures: dict[str, float] = {}
    start = time.perf_counter()
    result = normalize_phones(series)
    figures["final_s"] = time.perf_counter() - start
    figures["numbers"] = float(result["phones"].list.len().sum())

    sample = series.head(sample_size).to_list()
    start = time.perf_counter()
    for cell in sample:
        _naive_cell(cell)
    figures["naive_s"] = (time.perf_counter() - start) * series.len() / max(1, len(sample))

    rules = default_settings().phones
    start = time.perf_counter()
    for cell in series.unique():
        phones_module._normalize_cell(cell, "RU", rules)
    figures["unique_s"] = time.perf_counter() - start
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the cells, time the three ways, print numbers per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="cells to generate")
    parser.add_argument("--sample", type=int, default=20_000, help="cells timed for the naive way")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args(argv)

    messy = pl.Series("phone_raw", make_phone_cells(args.n, seed=args.seed), dtype=pl.String)
    leads, _ = generate_leads(args.n, args.seed)
    exported = leads.get_column("phone_raw")
    second = generate_corpus(args.n, args.seed % 1000)[0].get_column("phone_raw")

    print(f"date: {date.today()}, N = {args.n:,} cells")
    for title, series in [
        ("messy phone cells", messy),
        ("generate_leads phone_raw", exported),
        ("second corpus phone_raw", second),
    ]:
        unique = series.n_unique()
        figures = measure(series, args.sample)
        numbers = figures["numbers"]
        print(f"\n{title}: {unique:,} unique cells ({unique / args.n:.0%}), {numbers:,.0f} numbers")
        print(f"{'way':<48} {'seconds':>9} {'numbers/s':>12}")
        for name, key in [
            (f"(a) naive per row (sample {args.sample:,}, extrapolated)", "naive_s"),
            ("(b) unique cells, no fast path", "unique_s"),
            ("(c) normalize_phones", "final_s"),
        ]:
            print(f"{name:<48} {figures[key]:>9.2f} {numbers / figures[key]:>12,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
