"""``leadkit recheck``: what in the quarantine store is due, and what the new dial results say about it.

An entry is due when it is ``waiting`` and its ``retry_on`` is today or earlier; ``exhausted`` entries
are never due. Without dial results nothing changes: the due entries are the list for the dialer.
With dial results (files, or a checker's answer), for each due entry:

- its latest result answered → the entry leaves the store and its lead is written back whole, with the
  numbers that answered as its ``phones`` (the lead's other held numbers stay in the store, now held as
  numbers of a lead that is active again);
- any other result (not in service, wrong person, busy, no answer, …) → ``attempts`` + 1 and a new
  ``retry_on`` (today + the span); at ``max_attempts`` the entry is ``exhausted`` instead;
- no result (not dialled, or a status leadkit does not know) → untouched, still due.

``invalid`` entries (fragments that were not valid numbers) are read again with the current numbering
metadata: one that holds a valid number now is released with it; one that does not counts an attempt.
"""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
from dataclasses import dataclass, field

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError, Notice, counted
from leadkit.io.text import decode
from leadkit.normalize.phones import normalize_phones
from leadkit.quarantine.calls import (
    DialResults,
    latest_results,
    match_numbers,
    read_checker_output,
)
from leadkit.quarantine.schedule import DEFAULT_SPAN, parse_span, retry_on
from leadkit.quarantine.store import lead_columns, lead_key, lead_name
from leadkit.settings import Settings, resolve

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "RecheckResult",
    "StoreSummary",
    "due",
    "due_numbers",
    "recheck_store",
    "run_checker",
    "store_summary",
]

DEFAULT_MAX_ATTEMPTS = 4
_LIST = pl.List(pl.String)
_STILL_INVALID = "still not a valid number"


@dataclass
class RecheckResult:
    """The store after the re-check, the entries still due, the leads released (whole lead rows),
    the journal's new lines, the dial rows that decided nothing, warnings and counts."""

    store: pl.DataFrame
    due: pl.DataFrame
    released: pl.DataFrame
    moves: pl.DataFrame
    unknown: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    changed: bool = False
    """Whether the store differs from the one given."""


def due(today: dt.date) -> pl.Expr:
    """True for the store rows due for a re-check on ``today``."""
    return (pl.col("state") == "waiting") & (pl.col("retry_on") <= pl.lit(today, dtype=pl.Date))


def due_numbers(store: pl.DataFrame, today: dt.date) -> list[str]:
    """The distinct numbers to dial for the due entries (invalid fragments are not numbers)."""
    return (
        store.filter(due(today) & (pl.col("reason") != "invalid"))
        .get_column("phone")
        .unique(maintain_order=True)
        .to_list()
    )


def run_checker(
    command: str,
    numbers: list[str],
    *,
    settings: Settings | None = None,
    region: str = "RU",
) -> DialResults:
    """Ask a checker about ``numbers``: the command (split like a shell would, not run by one) reads
    them on its stdin, one a line, and prints ``number,status`` lines. Its stderr passes through.
    A checker that cannot start or exits non-zero is a LeadkitError: nothing is changed then."""
    try:
        args = shlex.split(command)
    except ValueError as exc:
        raise LeadkitError(f"cannot read the checker command: {exc}", column="--checker") from exc
    if not args:
        raise LeadkitError("the checker command is empty", column="--checker")
    try:
        answer = subprocess.run(
            args,
            input="".join(f"{n}\n" for n in numbers).encode("utf-8"),
            stdout=subprocess.PIPE,
            check=False,
        )
    except OSError as exc:
        raise LeadkitError(
            f"the checker cannot be started: {exc.strerror or exc}", file=args[0]
        ) from exc
    if answer.returncode != 0:
        raise LeadkitError(
            f"the checker exited with code {answer.returncode}; the store was not changed",
            file=args[0],
        )
    text = decode(answer.stdout, "checker output") if answer.stdout.strip() else ""
    return read_checker_output(text, settings=settings, region=region, source="checker")


def _lead_rows(released: pl.DataFrame) -> pl.DataFrame:
    """One whole lead row per released lead: its columns from its latest entry, its released numbers
    as ``phones``."""
    own = lead_columns(released.select([c for c in released.columns if not c.startswith("_")]))
    numbers = (
        released.select("_lead", "key", pl.col("_new").alias("phone"))
        .explode("phone")
        .drop_nulls("phone")
        .group_by("key", "_lead", maintain_order=True)
        .agg(pl.col("phone").unique(maintain_order=True).alias("_phones"))
    )
    latest = released.sort("quarantined_on", maintain_order=True).unique(
        subset=["key", "_lead"], keep="last", maintain_order=True
    )
    rows = numbers.join(latest, on=["key", "_lead"], how="left", maintain_order="left")
    columns = [pl.col(c).alias(lead_name(c)) for c in own if c != C.PHONES]
    lead = rows.select(
        *columns,
        pl.col("_phones").cast(_LIST).alias(C.PHONES),
        pl.col("_phones").list.first().alias(C.PHONE),
    )
    # The lead's columns in their own order, as a lead table has them.
    order = [lead_name(c) for c in own]
    if C.PHONES not in order:
        order.append(C.PHONES)
    order.insert(order.index(C.PHONES) + 1, C.PHONE)
    return C.order_columns(lead.select(order))


def recheck_store(
    store: pl.DataFrame,
    calls: DialResults | None = None,
    *,
    today: dt.date | None = None,
    retry_after: str = DEFAULT_SPAN,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    settings: Settings | None = None,
    region: str = "RU",
) -> RecheckResult:
    """Re-check the due entries of ``store`` against ``calls`` (see the module's description).

    Without ``calls`` nothing changes and ``due`` lists the entries to dial. ``max_attempts`` counts
    every dial (or validation) that found the number unreachable, the one that quarantined it included.
    """
    settings = resolve(settings)
    today = today or dt.date.today()
    span = parse_span(retry_after)
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    indexed = store.with_row_index("_i").with_columns(lead_key(store).alias("_lead"))
    is_due = due(today)
    empty_lead = pl.DataFrame(schema={C.LEAD_ID: pl.String, C.PHONES: _LIST, C.PHONE: pl.String})
    if calls is None:
        due_rows = store.filter(is_due)
        return RecheckResult(
            store=store,
            due=due_rows,
            released=empty_lead,
            moves=_no_moves(),
            unknown=DialResults.empty().unknown,
            warnings=[],
            counts={"store": store.height, "due": due_rows.height},
        )

    latest = (
        latest_results(calls.results, settings)
        .filter(pl.col("action").is_not_null())
        .select("phone", "reason", "status_raw", "action")
    )
    checked_numbers = match_numbers(
        indexed.filter(is_due & (pl.col("reason") != "invalid")).select("_i", "phone"),
        latest,
        "r_",
    ).select(
        "_i",
        pl.col("r_action").alias("_action"),
        pl.col("r_reason").alias("_reason"),
        pl.col("r_status_raw").alias("_status"),
        pl.concat_list(pl.col("phone")).alias("_new"),  # released as the number it is
    )
    invalid = indexed.filter(is_due & (pl.col("reason") == "invalid")).select("_i", "phone")
    read_again = normalize_phones(invalid.get_column("phone"), region, rules=settings.phones)
    revalidated = invalid.with_columns(read_again.get_column(C.PHONES).alias("_found")).select(
        "_i",
        pl.when(pl.col("_found").list.len() > 0)
        .then(pl.lit("reachable"))
        .otherwise(pl.lit("retry"))
        .alias("_action"),
        pl.lit(None, dtype=pl.String).alias("_reason"),
        pl.when(pl.col("_found").list.len() > 0)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit(_STILL_INVALID))
        .alias("_status"),
        pl.col("_found").alias("_new"),
    )
    outcome = pl.concat([checked_numbers, revalidated])
    rows = indexed.join(outcome, on="_i", how="left", maintain_order="left")

    release = pl.col("_action") == "reachable"
    missed = pl.col("_action").is_in(["quarantine", "retry"])
    tries = pl.col("attempts") + 1
    exhausted = missed & (tries >= max_attempts)
    rows = rows.with_columns(
        release.fill_null(False).alias("_release"),
        missed.fill_null(False).alias("_missed"),
        exhausted.fill_null(False).alias("_exhausted"),
    )
    released = rows.filter("_release")
    updated = rows.filter(~pl.col("_release")).with_columns(
        pl.col("held").alias("_held_before"),
        pl.when("_missed").then(tries).otherwise("attempts").alias("attempts"),
        pl.when(pl.col("_missed") & (pl.col("_action") == "quarantine"))
        .then("_reason")
        .otherwise("reason")
        .alias("reason"),
        pl.when(pl.col("_missed") & (pl.col("_action") == "quarantine"))
        .then("_status")
        .otherwise("status_raw")
        .alias("status_raw"),
        pl.when("_exhausted").then(pl.lit("exhausted")).otherwise("state").alias("state"),
        pl.when("_exhausted")
        .then(pl.lit(None, dtype=pl.Date))
        .when("_missed")
        .then(retry_on(pl.lit(today, dtype=pl.Date), span))
        .otherwise("retry_on")
        .alias("retry_on"),
        pl.when("_missed")
        .then(pl.lit(today, dtype=pl.Date))
        .otherwise("checked_on")
        .alias("checked_on"),
        pl.when("_missed").then("_status").otherwise("last_status").alias("last_status"),
    )
    # A lead that got a number back is active again: its other rows hold numbers, not the lead.
    back = released.select("key", "_lead").unique()
    updated = updated.join(
        back.with_columns(pl.lit(True).alias("_back")),
        on=["key", "_lead"],
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.when(pl.col("_back").fill_null(False))
        .then(pl.lit("number"))
        .otherwise("held")
        .alias("held")
    )
    held_changes = int(
        updated.select(
            (pl.col("_back").fill_null(False) & (pl.col("_held_before") != "number")).sum()
        ).item()
    )
    moves = pl.concat(
        [
            _journal(released, "released", today),
            _journal(
                updated.filter(pl.col("_missed") & ~pl.col("_exhausted")), "rescheduled", today
            ),
            _journal(updated.filter("_exhausted"), "exhausted", today),
        ]
    )
    out_store = updated.select(store.columns)
    still_due = out_store.filter(is_due)
    released_leads = _lead_rows(released) if released.height else empty_lead
    counts = {
        "store": out_store.height,
        "due": int(indexed.select(is_due.sum()).item()),
        "released": released.height,
        "released_leads": released_leads.height,
        "rescheduled": int(
            updated.select((pl.col("_missed") & ~pl.col("_exhausted")).sum()).item()
        ),
        "exhausted": int(updated.select(pl.col("_exhausted").sum()).item()),
        "not_checked": still_due.height,
        "results": calls.counts.get("results", 0),
        "unknown_statuses": calls.counts.get("unknown_statuses", 0),
    }
    warnings = list(calls.warnings)
    if still_due.height and latest.height:
        warnings.append(
            Notice(
                f"{counted(still_due.height, 'due number')} had no result in the dial results; "
                "they stay due"
            )
        )
    return RecheckResult(
        store=out_store,
        due=still_due,
        released=released_leads,
        moves=moves,
        unknown=calls.unknown,
        warnings=warnings,
        counts=counts,
        changed=bool(
            released.height or counts["rescheduled"] or counts["exhausted"] or held_changes
        ),
    )


def _no_moves() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "date": pl.Date,
            "move": pl.String,
            "phone": pl.String,
            "key": pl.String,
            "lead": pl.String,
            "reason": pl.String,
            "status_raw": pl.String,
            "attempts": pl.Int64,
            "retry_on": pl.Date,
        }
    )


def _journal(rows: pl.DataFrame, move: str, today: dt.date) -> pl.DataFrame:
    return rows.select(
        pl.lit(today, dtype=pl.Date).alias("date"),
        pl.lit(move).alias("move"),
        "phone",
        "key",
        pl.col("_lead").alias("lead"),
        "reason",
        pl.col("_status").alias("status_raw"),
        "attempts",
        "retry_on",
    ).cast(_no_moves().schema)


@dataclass
class StoreSummary:
    """What a store holds: numbers by reason, due now and this month, exhausted."""

    today: dt.date
    numbers: int
    leads: int
    leads_whole: int
    by_reason: dict[str, int]
    due_now: int
    due_this_month: int
    exhausted: int
    next_retry: dt.date | None

    def lines(self) -> list[str]:
        """The summary as lines of text, as ``leadkit recheck --status`` prints it."""
        month_end = _month_end(self.today)
        out = [
            f"{counted(self.numbers, 'number')} of {counted(self.leads, 'lead')} in quarantine "
            f"({counted(self.leads_whole, 'lead')} held whole)",
        ]
        for reason, count in self.by_reason.items():
            out.append(f"  {reason:<16} {count}")
        out.append(f"due now ({self.today.isoformat()}): {self.due_now}")
        out.append(f"due this month (to {month_end.isoformat()}): {self.due_this_month}")
        out.append(f"exhausted (never due again): {self.exhausted}")
        if self.next_retry is not None:
            out.append(f"next retry date: {self.next_retry.isoformat()}")
        return out


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def store_summary(store: pl.DataFrame, today: dt.date | None = None) -> StoreSummary:
    """Count what ``store`` holds on ``today`` (default: the system date)."""
    today = today or dt.date.today()
    keyed = store.with_columns(lead_key(store).alias("_lead"))
    waiting = pl.col("state") == "waiting"
    by_reason = (
        store.group_by("reason").len().sort(["len", "reason"], descending=[True, False]).iter_rows()
    )
    later = store.filter(waiting & (pl.col("retry_on") > pl.lit(today, dtype=pl.Date)))
    next_retry = later.get_column("retry_on").min() if later.height else None
    return StoreSummary(
        today=today,
        numbers=store.height,
        leads=keyed.select(pl.struct("key", "_lead").n_unique()).item() if store.height else 0,
        leads_whole=keyed.filter(pl.col("held") == "lead")
        .select(pl.struct("key", "_lead").n_unique())
        .item()
        if store.height
        else 0,
        by_reason={str(r): int(n) for r, n in by_reason},
        due_now=store.filter(due(today)).height,
        due_this_month=store.filter(due(_month_end(today))).height,
        exhausted=store.filter(pl.col("state") == "exhausted").height,
        next_retry=next_retry if isinstance(next_retry, dt.date) else None,
    )
