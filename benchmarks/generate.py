"""Write generated, labelled Russian exports: ``python benchmarks/generate.py --n 100000 --out DIR``.

The generator itself is :mod:`leadkit.testing.generate` (the tests use it too).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/generate.py`: make leadkit importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadkit.testing.generate import _main

if __name__ == "__main__":
    sys.exit(_main())
