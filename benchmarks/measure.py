"""What the benchmark scripts share: where they keep generated data, and what they measure besides wall
time (this process's peak memory and CPU time)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
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


def timed_leadkit(args: list[str]) -> tuple[float, float, str]:
    """Run ``python -m leadkit ARGS`` in a fresh process, timed from outside with GNU time: its wall
    seconds, peak RSS in MiB, and what it said on stderr. A failed command ends the benchmark."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "leadkit", *args]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"leadkit {args[0]} failed:\n{result.stderr}")
    lines = result.stderr.strip().splitlines()
    return wall, int(lines[-1]) / 1024, "\n".join(lines[:-1])
