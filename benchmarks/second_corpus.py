"""Write the second corpus of labelled Russian exports: ``python benchmarks/second_corpus.py --n 1000000 --out DIR``.

``--seed`` (default 0) picks the corpus, ``--stats`` prints what was planted, ``--xlsx`` writes the Yandex export
as a workbook with a title block. The generator itself is :mod:`leadkit.testing.second_corpus`, written
independently of :mod:`leadkit.testing.generate`; score a leadkit run on it with
``benchmarks/score_second_corpus.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (
    None,
    "",
):  # run as `python benchmarks/second_corpus.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadkit.testing.second_corpus import _main

if __name__ == "__main__":
    sys.exit(_main())
