"""What the benchmark scripts share: where they keep generated data, and what they measure besides wall
time (this process's peak memory and CPU time)."""

from __future__ import annotations

import os
import resource
from pathlib import Path

#: Generated data the benchmarks write and reuse (git-ignored); ``LEADKIT_BENCH_DATA`` moves it.
DATA = Path(os.environ.get("LEADKIT_BENCH_DATA") or Path(__file__).resolve().parent / "data")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
