"""The quarantine store: one CSV row per quarantined number of a lead, its lock, and its journal.

A row holds the number and why and until when it is held, then the whole lead it belongs to, so that a
released lead comes back whole::

    phone, lead_id, company, reason, status_raw, quarantined_on, retry_on, attempts,
    state, held, key, checked_on, last_status, store_version, <every other column of the lead>

- ``phone``: the number in E.164 (``+74955861234;ext=12`` with an extension), or, for ``reason`` =
  ``invalid``, the fragment as the lead wrote it.
- ``state``: ``waiting`` (due again on ``retry_on``) or ``exhausted`` (``--max-attempts`` reached; never
  due again, still kept out of the active list).
- ``held``: ``lead`` when the whole lead left the active list (it had no other reachable number), or
  ``number`` when the lead stayed active and only this number is held.
- ``key``: which column identifies the lead, ``lead_id`` (cleaned leads) or ``cluster_id``
  (deduplicated companies). One lead with three quarantined numbers has three rows with the same key.
- ``checked_on``, ``last_status``: the last re-check and what it said.
- ``store_version``: the format of the row; a store from a newer leadkit is refused, never rewritten.
- The lead's own columns follow unchanged, ``phones`` (the lead's numbers when it was quarantined)
  included; the lead's ``phone`` is not kept (it is the first of ``phones``), and a lead column whose
  name is one of the store's own is kept as ``lead:<name>``.

The store is read completely and checked on every run: a hand-edited or corrupt store is a LeadkitError
naming the file, row and column, and the run stops before anything is written.

The journal (``NAME.journal.jsonl`` beside ``NAME.csv``) gets one JSON line per move: ``quarantined``,
``rescheduled``, ``released``, ``exhausted``. It is committed with the store (the new journal is the old
one plus this run's lines), so the two never disagree. A lock file (``NAME.csv.lock``) keeps two runs
from working on one store at once.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import polars as pl
from filelock import FileLock, Timeout

from leadkit.errors import LeadkitError, StoreLockedError, first_line
from leadkit.io.commit import OutputSet, crash_point, real_target
from leadkit.io.formulas import unguard_formulas
from leadkit.io.text import decode, sniff_delimiter
from leadkit.io.write import render
from leadkit.settings import DIAL_REASONS

__all__ = [
    "STORE_COLUMNS",
    "STORE_VERSION",
    "empty_store",
    "journal_file",
    "lead_columns",
    "lock_store",
    "open_store",
    "read_store",
    "render_store",
    "stage_journal",
    "stored_name",
]

#: The format of the rows this leadkit writes; a row with a higher version is refused.
STORE_VERSION = 1

#: The store's own columns, first in every store, in this order.
STORE_COLUMNS: tuple[str, ...] = (
    "phone",
    "lead_id",
    "company",
    "reason",
    "status_raw",
    "quarantined_on",
    "retry_on",
    "attempts",
    "state",
    "held",
    "key",
    "checked_on",
    "last_status",
    "store_version",
)
STORE_SCHEMA: dict[str, pl.DataType] = {
    "phone": pl.String(),
    "lead_id": pl.String(),
    "company": pl.String(),
    "reason": pl.String(),
    "status_raw": pl.String(),
    "quarantined_on": pl.Date(),
    "retry_on": pl.Date(),
    "attempts": pl.Int64(),
    "state": pl.String(),
    "held": pl.String(),
    "key": pl.String(),
    "checked_on": pl.Date(),
    "last_status": pl.String(),
}
REASONS = tuple(r for r in DIAL_REASONS if r != "answered")
STATES = ("waiting", "exhausted")
HELD = ("lead", "number")
KEYS = ("lead_id", "cluster_id")
#: Lead columns that share the store's meaning and are kept once.
SHARED = frozenset({"lead_id", "company"})
LEAD_PREFIX = "lead:"
_E164 = r"^\+[1-9]\d{5,14}(?:;ext=\d{1,7})?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_JOURNAL_COLUMNS = (
    "date",
    "move",
    "phone",
    "key",
    "lead",
    "reason",
    "status_raw",
    "attempts",
    "retry_on",
)


def empty_store() -> pl.DataFrame:
    """A store with no rows, in the in-memory shape (dates as dates, ``attempts`` a number)."""
    return pl.DataFrame(schema=STORE_SCHEMA)


def stored_name(lead_column: str) -> str | None:
    """The store's name for a lead column (None for ``phone``, which is not kept)."""
    if lead_column == "phone":
        return None
    if lead_column in SHARED:
        return lead_column
    if lead_column in STORE_COLUMNS or lead_column.startswith(LEAD_PREFIX):
        return LEAD_PREFIX + lead_column
    return lead_column


def lead_name(store_column: str) -> str:
    """The lead's name for a store column (the inverse of :func:`stored_name`)."""
    return store_column.removeprefix(LEAD_PREFIX)


def lead_columns(store: pl.DataFrame) -> list[str]:
    """The store columns that hold the lead's own columns, in the store's order."""
    return [c for c in store.columns if c not in STORE_SCHEMA or c in SHARED]


def lead_key(store: pl.DataFrame) -> pl.Expr:
    """The value of each row's key column (``lead_id`` or ``cluster_id``)."""
    if "cluster_id" not in store.columns:
        return pl.col("lead_id")
    return pl.when(pl.col("key") == "cluster_id").then(pl.col("cluster_id")).otherwise("lead_id")


# --- reading and checking ---------------------------------------------------------------------------


def read_store(path: str | Path) -> pl.DataFrame:
    """The store at ``path`` (an empty one when there is no file yet), checked completely."""
    where = str(path)
    if not Path(path).exists():
        return empty_store()
    if Path(path).suffix.lower() != ".csv":
        raise LeadkitError("the quarantine store is a .csv file", file=where)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LeadkitError(f"cannot read: {exc.strerror}", file=where) from exc
    text = decode(data, where)
    if not text.strip():
        raise LeadkitError(
            "the store is empty (not even a header); remove it to start a new one", file=where
        )
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            separator=sniff_delimiter(text),
            infer_schema=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise LeadkitError(
            f"the store is not a readable CSV file: {first_line(exc)}", file=where
        ) from exc
    return _check(unguard_formulas(frame), where)


def _check(frame: pl.DataFrame, where: str) -> pl.DataFrame:
    """Refuse a store this leadkit did not write or cannot read; return it in the in-memory shape."""
    if "store_version" not in frame.columns:
        raise LeadkitError("not a leadkit quarantine store (no 'store_version' column)", file=where)
    version = frame.get_column("store_version").str.strip_chars()
    as_number = version.cast(pl.Int64, strict=False)
    bad = (as_number.is_null() | (as_number < 1)).arg_true()
    if bad.len():
        raise LeadkitError(
            "not a store version number", file=where, row=int(bad[0]) + 2, column="store_version"
        )
    newest = max(as_number.to_list(), default=0) or 0
    if newest > STORE_VERSION:
        row = int((as_number > STORE_VERSION).arg_true()[0]) + 2
        raise LeadkitError(
            f"written by a newer leadkit (store version {newest}; this one reads version "
            f"{STORE_VERSION}): upgrade leadkit; the store was not changed",
            file=where,
            row=row,
        )
    missing = [c for c in STORE_COLUMNS if c not in frame.columns]
    if missing:
        raise LeadkitError(f"the store has lost its column(s) {', '.join(missing)}", file=where)
    if "cluster_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("cluster_id"))
        drop_cluster = True
    else:
        drop_cluster = False

    def date(c: str) -> pl.Expr:
        return pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False)

    def bad_date(c: str) -> pl.Expr:
        return pl.col(c).is_not_null() & (~pl.col(c).str.contains(_DATE) | date(c).is_null())

    checks: list[tuple[str, str, pl.Expr]] = [
        ("phone", "no number", pl.col("phone").is_null()),
        (
            "reason",
            f"not a reason ({', '.join(REASONS)})",
            ~pl.col("reason").is_in(REASONS).fill_null(False),
        ),
        (
            "phone",
            "not a number in E.164 (+74951234567)",
            (pl.col("reason") != "invalid") & ~pl.col("phone").str.contains(_E164),
        ),
        ("quarantined_on", "not a date (YYYY-MM-DD)", bad_date("quarantined_on")),
        ("quarantined_on", "no date", pl.col("quarantined_on").is_null()),
        (
            "state",
            f"not a state ({', '.join(STATES)})",
            ~pl.col("state").is_in(STATES).fill_null(False),
        ),
        ("retry_on", "not a date (YYYY-MM-DD)", bad_date("retry_on")),
        (
            "retry_on",
            "a waiting number needs a retry date",
            (pl.col("state") == "waiting") & pl.col("retry_on").is_null(),
        ),
        (
            "attempts",
            "not a whole number from 1",
            pl.col("attempts").cast(pl.Int64, strict=False).fill_null(0) < 1,
        ),
        ("held", f"not one of {', '.join(HELD)}", ~pl.col("held").is_in(HELD).fill_null(False)),
        ("key", f"not one of {', '.join(KEYS)}", ~pl.col("key").is_in(KEYS).fill_null(False)),
        (
            "lead_id",
            "no lead id",
            (pl.col("key") == "lead_id") & pl.col("lead_id").is_null(),
        ),
        (
            "cluster_id",
            "no cluster id",
            (pl.col("key") == "cluster_id") & pl.col("cluster_id").is_null(),
        ),
        ("checked_on", "not a date (YYYY-MM-DD)", bad_date("checked_on")),
    ]
    flags = frame.select(
        [expr.fill_null(False).alias(f"_{i}") for i, (_, _, expr) in enumerate(checks)]
    )
    first: tuple[int, int] | None = None
    for i in range(len(checks)):
        hits = flags.get_column(f"_{i}").arg_true()
        if hits.len() and (first is None or int(hits[0]) < first[0]):
            first = (int(hits[0]), i)
    if first is not None:
        column, message, _ = checks[first[1]]
        value = frame.get_column(column)[first[0]]
        shown = "" if value is None else f" (got {value!r})"
        raise LeadkitError(
            f"{message}{shown}; fix or restore the store",
            file=where,
            row=first[0] + 2,
            column=column,
        )
    typed = frame.with_columns(
        date("quarantined_on"),
        date("retry_on"),
        date("checked_on"),
        pl.col("attempts").cast(pl.Int64),
    )
    key = lead_key(typed)
    twice = typed.select(pl.struct(pl.col("key"), key, pl.col("phone")).is_duplicated()).to_series()
    if twice.any():
        rows = twice.arg_true()
        raise LeadkitError(
            f"the same number of the same lead is in the store twice (rows {int(rows[0]) + 2} "
            f"and {int(rows[1]) + 2}); remove one",
            file=where,
            row=int(rows[1]) + 2,
            column="phone",
        )
    if drop_cluster:
        typed = typed.drop("cluster_id")
    typed = typed.drop("store_version")
    if "phones" in typed.columns:
        typed = typed.with_columns(
            pl.col("phones").str.split("; ").fill_null(pl.lit([], pl.List(pl.String)))
        )
    return typed


# --- writing ----------------------------------------------------------------------------------------


def _ordered(store: pl.DataFrame) -> pl.DataFrame:
    own = [c for c in STORE_COLUMNS if c != "store_version"]
    rest = [c for c in store.columns if c not in STORE_SCHEMA]
    return store.select(
        *own[: own.index("last_status") + 1],
        pl.lit(STORE_VERSION, dtype=pl.Int64).alias("store_version"),
        *rest,
    )


def render_store(store: pl.DataFrame) -> bytes:
    """The store as the bytes of its CSV file."""
    buffer = io.BytesIO()
    render(_ordered(store), buffer, ".csv")
    return buffer.getvalue()


def journal_file(store: str | Path) -> Path:
    """The journal beside a store: ``quarantine.csv`` → ``quarantine.journal.jsonl``."""
    path = Path(store)
    return path.with_name(path.stem + ".journal.jsonl")


def journal_lines(moves: pl.DataFrame) -> bytes:
    """One JSON line per move, keys in the journal's order."""
    buffer = io.BytesIO()
    moves.select(
        pl.col("date").cast(pl.String),
        *[c for c in _JOURNAL_COLUMNS[1:-1]],
        pl.col("retry_on").cast(pl.String),
    ).write_ndjson(buffer)
    return buffer.getvalue()


def stage_journal(outputs: OutputSet, store: str | Path, moves: pl.DataFrame) -> None:
    """Stage the journal as it was plus one line per move; committed with the store."""
    if moves.height == 0:
        return
    target = journal_file(store)
    added = journal_lines(moves)
    old = real_target(target)

    def write(handle: IO[bytes]) -> None:
        if old.exists():
            with old.open("rb") as previous:
                shutil.copyfileobj(previous, handle, 1 << 20)
                if previous.tell() > 0:
                    previous.seek(-1, 2)
                    if previous.read(1) != b"\n":
                        handle.write(b"\n")
        handle.write(added)

    outputs.add(target, write)


def read_journal(store: str | Path) -> pl.DataFrame:
    """The journal of a store as a table (empty if there is none)."""
    path = journal_file(store)
    if not path.exists() or path.stat().st_size == 0:
        return pl.DataFrame(schema=dict.fromkeys(_JOURNAL_COLUMNS, pl.String))
    return pl.read_ndjson(path, infer_schema_length=None)


# --- the lock ---------------------------------------------------------------------------------------


def lock_file(store: str | Path) -> Path:
    """The lock beside a store: ``quarantine.csv`` → ``quarantine.csv.lock``."""
    path = real_target(store)
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def lock_store(store: str | Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the store's lock for the block; StoreLockedError (exit 75) if another run holds it,
    unless ``wait``, which waits for it."""
    target = lock_file(store)
    if not target.parent.is_dir():
        raise LeadkitError("the store's folder does not exist", file=str(store))
    lock = FileLock(target, timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreLockedError(
            "the quarantine store is locked by another leadkit run; try again later "
            "(or give --wait to wait for it)",
            file=str(store),
        ) from None
    try:
        yield
    finally:
        lock.release()


class StoreSession:
    """One run's hold on a store: the store as read (after completing or rolling back a killed run),
    and the outputs that are committed with it (``outputs``: stage other files there too)."""

    def __init__(self, path: str | Path, outputs: OutputSet, store: pl.DataFrame) -> None:
        self.path = Path(path)
        self.outputs = outputs
        self.store = store
        self.existed = self.path.exists()

    def save(
        self, store: pl.DataFrame, moves: pl.DataFrame, *, changed: bool, create: bool = False
    ) -> None:
        """Stage the new store (when it changed, or, with ``create``, when there is none yet) and the
        journal's new lines."""
        if changed or (create and not self.existed):
            data = render_store(store)
            self.outputs.add(self.path, lambda handle: handle.write(data))
        stage_journal(self.outputs, self.path, moves)


@contextlib.contextmanager
def open_store(path: str | Path, *, wait: bool = False) -> Iterator[StoreSession]:
    """Lock the store, finish what a killed run left (:func:`leadkit.io.commit.recover`), read and
    check it; on leaving the block commit everything staged together, or, on an error, nothing."""
    if Path(path).suffix.lower() != ".csv":
        raise LeadkitError("the quarantine store is a .csv file", file=str(path))
    with lock_store(path, wait=wait):
        outputs = OutputSet(anchor=path)
        try:
            session = StoreSession(path, outputs, read_store(path))
            yield session
            crash_point("before-commit")
            outputs.commit()
        except BaseException:
            outputs.abort()
            raise
