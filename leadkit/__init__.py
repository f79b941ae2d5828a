"""leadkit: turn messy lead lists into a clean, deduplicated, callable, segmented client base.

The library behind the ``leadkit`` command; each command is one function here::

    import leadkit

    imported = leadkit.import_leads(["exports/"], leadkit.load_maps(["map.yaml"]))
    cleaned = leadkit.clean_leads(imported.leads, region="RU")
    deduped = leadkit.dedupe_leads(cleaned.leads)
    leadkit.write_table(deduped.merged, "companies.xlsx", sheet="Companies")
    calls = leadkit.read_dial_results(["calls/"])
    with leadkit.open_store("quarantine.csv") as session:     # locked; committed together
        moved = leadkit.quarantine_leads(deduped.merged, calls, session.store)
        session.save(moved.store, moved.moves, changed=moved.changed)
    clients = leadkit.read_table("clients.csv")          # with channel and potential
    sales = leadkit.read_sales(["sales/"])
    classes = leadkit.classify_clients(clients, sales.sales, period=(date(2026, 1, 1), None))

Each step returns its tables with ``warnings`` (what it met on the way) and ``counts``. Reference data
comes from ``load_settings()`` (the shipped files, changed by a settings file) and is passed as
``settings=``; the shipped defaults are used when it is left out.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ClassifyResult",
    "CleanResult",
    "ConfigError",
    "DedupeResult",
    "DialResults",
    "ImportResult",
    "LeadkitError",
    "Notice",
    "Period",
    "QuarantineResult",
    "RecheckResult",
    "SalesResult",
    "Settings",
    "classify_clients",
    "clean_leads",
    "dedupe_leads",
    "import_leads",
    "load_maps",
    "load_settings",
    "open_store",
    "quarantine_leads",
    "read_dial_results",
    "read_sales",
    "read_store",
    "read_table",
    "recheck_store",
    "write_table",
]

# Imported when first used, so that ``leadkit --help`` does not wait for Polars.
_WHERE = {
    "ClassifyResult": "leadkit.classify",
    "Period": "leadkit.classify",
    "classify_clients": "leadkit.classify",
    "SalesResult": "leadkit.classify",
    "read_sales": "leadkit.classify",
    "CleanResult": "leadkit.normalize",
    "clean_leads": "leadkit.normalize",
    "DedupeResult": "leadkit.dedupe",
    "dedupe_leads": "leadkit.dedupe",
    "QuarantineResult": "leadkit.quarantine",
    "quarantine_leads": "leadkit.quarantine",
    "RecheckResult": "leadkit.quarantine.recheck",
    "recheck_store": "leadkit.quarantine.recheck",
    "DialResults": "leadkit.quarantine.calls",
    "read_dial_results": "leadkit.quarantine.calls",
    "open_store": "leadkit.quarantine.store",
    "read_store": "leadkit.quarantine.store",
    "ImportResult": "leadkit.io.importer",
    "import_leads": "leadkit.io.importer",
    "ConfigError": "leadkit.errors",
    "LeadkitError": "leadkit.errors",
    "Notice": "leadkit.errors",
    "Settings": "leadkit.settings",
    "load_settings": "leadkit.settings",
    "load_maps": "leadkit.config",
    "read_table": "leadkit.io.tables",
    "write_table": "leadkit.io.write",
}

if TYPE_CHECKING:
    from leadkit.classify import ClassifyResult, Period, SalesResult, classify_clients, read_sales
    from leadkit.config import load_maps
    from leadkit.dedupe import DedupeResult, dedupe_leads
    from leadkit.errors import ConfigError, LeadkitError, Notice
    from leadkit.io.importer import ImportResult, import_leads
    from leadkit.io.tables import read_table
    from leadkit.io.write import write_table
    from leadkit.normalize import CleanResult, clean_leads
    from leadkit.quarantine import QuarantineResult, quarantine_leads
    from leadkit.quarantine.calls import DialResults, read_dial_results
    from leadkit.quarantine.recheck import RecheckResult, recheck_store
    from leadkit.quarantine.store import open_store, read_store
    from leadkit.settings import Settings, load_settings


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'leadkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
