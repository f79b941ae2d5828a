"""``leadkit classify``: sales exports read into sales rows (:mod:`leadkit.classify.sales`), and clients
classed A–E by profit and potential within each channel (:mod:`leadkit.classify.abcde`)."""

from __future__ import annotations

from leadkit.classify.abcde import (
    SHARE_FORMATS,
    ClassifyResult,
    Period,
    class_counts,
    classify_clients,
)
from leadkit.classify.sales import SalesResult, read_sales

__all__ = [
    "SHARE_FORMATS",
    "ClassifyResult",
    "Period",
    "SalesResult",
    "class_counts",
    "classify_clients",
    "read_sales",
]
