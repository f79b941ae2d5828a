"""``leadkit quarantine``: move unreachable numbers, and leads left with none, into the quarantine store.

For every number of every lead (``phones``), in this order:

1. the latest dial result for it (or for its line, when the lead's number has an extension) says
   ``not_in_service`` or ``wrong_contact`` (whatever ``dial_statuses.yaml`` says quarantines): the number
   is quarantined with ``retry_on`` = today + the span;
2. the number is in the store already (not released, for any lead): it stays out of the active list and
   gets a row of its own for this lead, with the reason, dates and attempts of the row that holds it;
3. otherwise it stays: answered, transient (busy, no answer, rejected, unknown) or not dialled.

A lead keeps its reachable numbers. A lead left with none moves to the store whole; its invalid
fragments (``phone_invalid``) go with it as numbers of reason ``invalid``, and so does a lead whose only
numbers are invalid fragments. A lead with no number at all stays active: there is nothing to re-check.
After a run every input lead is in exactly one place, the active list or the store (held whole), and
every number of it too. A row that is in the store already (same lead, same number) is never added
again, so a second run with the same inputs adds nothing.

Dial files: :mod:`leadkit.quarantine.calls`; the store, its lock and journal:
:mod:`leadkit.quarantine.store`; the cron re-check: :mod:`leadkit.quarantine.recheck`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError, Notice, counted
from leadkit.quarantine.calls import DialResults, latest_results, match_numbers
from leadkit.quarantine.recheck import RecheckResult, StoreSummary, recheck_store, store_summary
from leadkit.quarantine.schedule import DEFAULT_SPAN, parse_span, retry_on
from leadkit.quarantine.store import (
    STORE_SCHEMA,
    empty_store,
    lead_key,
    stored_name,
)
from leadkit.settings import Settings, resolve

__all__ = [
    "QuarantineResult",
    "RecheckResult",
    "StoreSummary",
    "lead_key_column",
    "quarantine_leads",
    "recheck_store",
    "store_summary",
]

_LIST = pl.List(pl.String)


@dataclass
class QuarantineResult:
    """The active leads, the store as it is after the run, the journal's new lines (``moves``), the
    dial rows that decided nothing (``unknown``), warnings and counts."""

    active: pl.DataFrame
    store: pl.DataFrame
    moves: pl.DataFrame
    unknown: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    changed: bool = False
    """Whether the store differs from the one given."""


def lead_key_column(leads: pl.DataFrame) -> str:
    """``cluster_id`` for deduplicated companies (they have ``lead_ids``), else ``lead_id``."""
    if C.CLUSTER_ID in leads.columns and C.LEAD_IDS in leads.columns:
        return C.CLUSTER_ID
    if C.LEAD_ID in leads.columns:
        return C.LEAD_ID
    raise LeadkitError("not a lead table: it has no lead_id column")


def _check_keys(leads: pl.DataFrame, key: str) -> None:
    values = leads.get_column(key)
    missing = values.is_null().arg_true()
    if missing.len():
        raise LeadkitError(f"a lead without {key}", row=int(missing[0]) + 2, column=key)
    twice = values.is_duplicated().arg_true()
    if twice.len():
        value = values[int(twice[0])]
        rows = (values == value).arg_true()
        raise LeadkitError(
            f"{key} {value} is on two rows ({int(rows[0]) + 2} and {int(rows[1]) + 2}): "
            "each lead must be once in the input",
            row=int(rows[1]) + 2,
            column=key,
        )


def _moves(entries: pl.DataFrame, move: str, today: dt.date) -> pl.DataFrame:
    """Journal lines for store rows."""
    return entries.select(
        pl.lit(today, dtype=pl.Date).alias("date"),
        pl.lit(move).alias("move"),
        "phone",
        "key",
        pl.col("_lead").alias("lead"),
        "reason",
        "status_raw",
        "attempts",
        "retry_on",
    )


def quarantine_leads(
    leads: pl.DataFrame,
    calls: DialResults | None = None,
    store: pl.DataFrame | None = None,
    *,
    today: dt.date | None = None,
    retry_after: str = DEFAULT_SPAN,
    settings: Settings | None = None,
    region: str = "RU",
) -> QuarantineResult:
    """Move the numbers that dial results (``calls``) or the store (``store``) say are unreachable out of
    ``leads``, and a lead left with no reachable number whole into the store.

    ``leads`` is any lead table (cleaned leads, key ``lead_id``; deduplicated companies, key
    ``cluster_id``); an uncleaned one is cleaned first (numbers read in ``region``). ``calls`` comes
    from :func:`leadkit.quarantine.calls.read_dial_results`; ``store`` from
    :func:`leadkit.quarantine.store.read_store` (empty when None). ``today`` (default: the system
    date) + ``retry_after`` (``6mo``, ``180d``, ``1y``) is the retry date of new rows.
    """
    settings = resolve(settings)
    today = today or dt.date.today()
    span = parse_span(retry_after)
    if C.PHONES not in leads.columns:
        from leadkit.normalize import clean_leads

        leads = clean_leads(leads, region, settings=settings).leads
    key = lead_key_column(leads)
    _check_keys(leads, key)
    store = empty_store() if store is None else store
    calls = DialResults.empty() if calls is None else calls
    actions = settings.dial.actions
    quarantines_invalid = actions["invalid"] == "quarantine"

    rows = leads.with_row_index("_row").with_columns(pl.col(key).alias("_lead"))
    numbers = (
        rows.select("_row", pl.col(C.PHONES).cast(_LIST).alias("phone"))
        .explode("phone")
        .drop_nulls("phone")
        .unique(subset=["_row", "phone"], keep="first", maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over("_row").alias("_n"))
    )

    latest = (
        latest_results(calls.results, settings)
        .filter(pl.col("action").is_not_null())
        .select("phone", "reason", "status_raw", "action")
    )
    held = (
        store.filter(pl.col("reason") != "invalid")
        .sort("quarantined_on", maintain_order=True)
        .unique(subset="phone", keep="last", maintain_order=True)
        .select("phone", "reason", "status_raw", "retry_on", "attempts", "state")
    )
    numbers = match_numbers(numbers, latest, "r_")
    numbers = match_numbers(numbers, held, "h_")
    fresh = pl.col("r_action") == "quarantine"
    numbers = numbers.with_columns(
        (fresh.fill_null(False) | pl.col("h_found")).alias("_out"),
        fresh.fill_null(False).alias("_fresh"),
    )

    per_lead = numbers.group_by("_row").agg(
        pl.len().alias("_numbers"), (~pl.col("_out")).sum().alias("_reachable")
    )
    fragments = (
        rows.select(
            "_row",
            pl.col(C.PHONE_INVALID).str.split(C.LIST_SEPARATOR).alias("phone")
            if C.PHONE_INVALID in rows.columns
            else pl.lit(None, dtype=_LIST).alias("phone"),
        )
        .explode("phone")
        .with_columns(pl.col("phone").str.strip_chars())
        .filter(pl.col("phone").str.len_chars() > 0)
        .unique(subset=["_row", "phone"], keep="first", maintain_order=True)
    )
    with_fragments = fragments.select(pl.col("_row").unique())
    status = (
        rows.select("_row")
        .join(per_lead, on="_row", how="left")
        .with_columns(pl.col("_numbers").fill_null(0), pl.col("_reachable").fill_null(0))
        .with_columns(
            pl.col("_row").is_in(with_fragments.get_column("_row").implode()).alias("_frag")
        )
        .with_columns(
            (
                ((pl.col("_numbers") > 0) & (pl.col("_reachable") == 0))
                | ((pl.col("_numbers") == 0) & pl.col("_frag") & quarantines_invalid)
            ).alias("_whole")
        )
        .select("_row", "_whole")
    )
    whole_rows = status.filter("_whole").get_column("_row")

    span_date = retry_on(pl.lit(today, dtype=pl.Date), span)
    valid_entries = numbers.filter("_out").select(
        "_row",
        "phone",
        pl.when("_fresh").then("r_reason").otherwise("h_reason").alias("reason"),
        pl.when("_fresh").then("r_status_raw").otherwise("h_status_raw").alias("status_raw"),
        pl.when("_fresh").then(span_date).otherwise("h_retry_on").alias("retry_on"),
        pl.when("_fresh").then(pl.lit(1, dtype=pl.Int64)).otherwise("h_attempts").alias("attempts"),
        pl.when("_fresh").then(pl.lit("waiting")).otherwise("h_state").alias("state"),
        pl.lit(0).alias("_kind"),
        "_n",
    )
    invalid_entries = (
        fragments.filter(pl.col("_row").is_in(whole_rows.implode()))
        .with_columns(pl.int_range(pl.len()).over("_row").alias("_n"))
        .select(
            "_row",
            "phone",
            pl.lit("invalid").alias("reason"),
            pl.lit(None, dtype=pl.String).alias("status_raw"),
            span_date.alias("retry_on"),
            pl.lit(1, dtype=pl.Int64).alias("attempts"),
            pl.lit("waiting").alias("state"),
            pl.lit(1).alias("_kind"),
            "_n",
        )
        if quarantines_invalid
        else None
    )
    candidates = pl.concat([e for e in (valid_entries, invalid_entries) if e is not None])
    candidates = candidates.join(rows.select("_row", "_lead"), on="_row", how="left")

    existing = store.with_columns(lead_key(store).alias("_lead"))
    existing_ids = existing.filter(pl.col("key") == key).select("_lead", "phone")
    new = candidates.join(existing_ids, on=["_lead", "phone"], how="anti").sort(
        ["_row", "_kind", "_n"]
    )

    # The new rows: bookkeeping, then the lead's own columns under their store names.
    names = {c: stored_name(c) for c in leads.columns}
    lead_part = rows.select(
        "_row", *[pl.col(c).alias(n) for c, n in names.items() if n is not None]
    )
    whole_expr = pl.col("_row").is_in(whole_rows.implode())
    new_rows = new.join(lead_part, on="_row", how="left", maintain_order="left").with_columns(
        pl.lit(today, dtype=pl.Date).alias("quarantined_on"),
        pl.when(whole_expr).then(pl.lit("lead")).otherwise(pl.lit("number")).alias("held"),
        pl.lit(key).alias("key"),
        pl.lit(None, dtype=pl.Date).alias("checked_on"),
        pl.lit(None, dtype=pl.String).alias("last_status"),
    )
    moves = _moves(new_rows, "quarantined", today)

    # Rows already held for the input's leads follow where the lead is now.
    input_keys = rows.select("_lead", whole_expr.alias("_whole_now"))
    updated = existing.join(input_keys, on="_lead", how="left", maintain_order="left").with_columns(
        pl.when((pl.col("key") == key) & pl.col("_whole_now").is_not_null())
        .then(pl.when("_whole_now").then(pl.lit("lead")).otherwise(pl.lit("number")))
        .otherwise(pl.col("held"))
        .alias("_held_now")
    )
    held_changes = int((updated.get_column("_held_now") != updated.get_column("held")).sum())
    updated = updated.with_columns(pl.col("_held_now").alias("held")).drop(
        "_held_now", "_whole_now", "_lead"
    )
    own = list(STORE_SCHEMA)
    new_store_rows = new_rows.select(
        *own, *[c for c in new_rows.columns if c not in STORE_SCHEMA and not c.startswith("_")]
    )
    if new_store_rows.height:
        out_store = pl.concat([updated, new_store_rows], how="diagonal_relaxed")
    else:
        out_store = updated

    # The active list: the leads that stay, each with its reachable numbers.
    reachable = (
        numbers.filter(~pl.col("_out"))
        .group_by("_row", maintain_order=True)
        .agg(pl.col("phone").alias("_phones"))
    )
    active = (
        rows.filter(~whole_expr)
        .join(reachable, on="_row", how="left", maintain_order="left")
        .with_columns(pl.col("_phones").fill_null(pl.lit([], _LIST)).alias(C.PHONES))
    )
    if C.PHONE in active.columns:
        active = active.with_columns(pl.col(C.PHONES).list.first().alias(C.PHONE))
    active = active.select(leads.columns)

    counts = {
        "leads": leads.height,
        "active": active.height,
        "to_store": whole_rows.len(),
        "quarantined": new_rows.height,
        "kept_out": int(numbers.select((pl.col("h_found") & ~pl.col("_fresh")).sum()).item()),
        "answered": int(numbers.select((pl.col("r_action") == "reachable").sum()).item()),
        "transient": int(numbers.select((pl.col("r_action") == "retry").sum()).item()),
        "results": calls.counts.get("results", 0),
        "unknown_statuses": calls.counts.get("unknown_statuses", 0),
        "bad_numbers": calls.counts.get("bad_numbers", 0),
        "store": out_store.height,
    }
    warnings = list(calls.warnings)
    held_answered = numbers.filter(pl.col("h_found") & (pl.col("r_action") == "reachable"))
    if held_answered.height:
        warnings.append(
            Notice(
                f"{counted(held_answered.height, 'number')} held in the store answered in these "
                "dial results "
                f"(e.g. {held_answered.get_column('phone')[0]}); they stay held until "
                "`leadkit recheck` releases them"
            )
        )
    return QuarantineResult(
        active=active,
        store=out_store,
        moves=moves,
        unknown=calls.unknown,
        warnings=warnings,
        counts=counts,
        changed=new_store_rows.height > 0 or held_changes > 0,
    )
