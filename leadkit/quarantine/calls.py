"""Dial results: what the dialers said about each number, read from the files they export.

Formats:

- Asterisk ``Master.csv``: no header; recognised by its shape (at least 16 columns, the disposition
  ``ANSWERED``/``NO ANSWER``/``BUSY``/``FAILED``/``CONGESTION`` in column 15). The number is ``dst``
  (or, for call files whose ``dst`` is ``s``, the number in ``lastdata``), the date ``start``, and a
  Q.850 hangup cause is looked for in the columns after ``amaflags`` (a ``userfield`` such as ``1``,
  ``cause=1`` or ``Q850:1``).
- Any CSV/TSV/TXT or workbook with a header row holding a number and a status column (header synonyms in
  ``dial_statuses.yaml``: ``Номер``/``Телефон``/``phone``/``number``, ``Статус``/``Результат``/
  ``status``/``disposition``/``disconnect_reason``/``finish_reason``), and optionally a date and a
  cause column.

Each status is read through the vocabulary of ``dial_statuses.yaml`` (:class:`~leadkit.settings.DialStatuses`):
``answered`` always wins; otherwise a known Q.850 cause decides (Asterisk's ``FAILED`` says nothing
alone); otherwise the status. A status the vocabulary does not know is never guessed: the row is kept
with no reason, counted, and listed. Numbers are normalized like any phone (work on unique values).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from leadkit.config import ColumnRules
from leadkit.errors import LeadkitError, Notice
from leadkit.io.headers import HEADER_SEARCH_ROWS, assign_columns
from leadkit.io.inputs import WORKBOOK_SUFFIXES, InputFile, find_inputs
from leadkit.io.sheets import read_sheets, sheet_names
from leadkit.io.text import decode, drop_empty_rows, head_records, lines, records, sniff_delimiter
from leadkit.normalize.phones import normalize_phones
from leadkit.settings import DialStatuses, Settings, fold_status, resolve

__all__ = [
    "RESULT_SCHEMA",
    "UNKNOWN_SCHEMA",
    "DialResults",
    "latest_results",
    "match_numbers",
    "read_checker_output",
    "read_dial_results",
    "without_extension",
]

#: Asterisk's dispositions, which recognise a Master.csv by its shape.
ASTERISK_DISPOSITIONS = frozenset({"answered", "no answer", "busy", "failed", "congestion"})
_ASTERISK_WIDTH = 16
_ASTERISK_DISPOSITION = 14
_ASTERISK_DST = 2
_ASTERISK_LASTDATA = 8
_ASTERISK_START = 9

#: A Q.850 cause in a status or userfield cell: "17", "cause=17", "Q.850: 17", "HANGUPCAUSE=17".
_CAUSE = r"(?i)^\s*(?:(?:q\.?\s*850|hangup\s*cause|hangupcause|cause)\s*[:=#]?\s*)?(\d{1,3})\s*$"
_CAUSE_IN_TEXT = r"(?i)(?:q\.?\s*850|hangup\s*cause|hangupcause|cause)\s*[:=#]?\s*(\d{1,3})\b"
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
)

#: One row per dial result read: the number, what it means, and where it came from.
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "phone": pl.String(),
    "reason": pl.String(),  # null: a status the vocabulary does not know
    "status_raw": pl.String(),
    "called_at": pl.Datetime("us"),
    "source": pl.String(),
    "source_row": pl.Int64(),
    "_file": pl.Int64(),
}
#: Rows of dial files that decide nothing: unknown statuses and unreadable numbers.
UNKNOWN_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "source_row": pl.Int64(),
    "number": pl.String(),
    "phone": pl.String(),
    "status": pl.String(),
    "problem": pl.String(),
}
_RAW_SCHEMA: dict[str, pl.DataType] = {
    "number": pl.String(),
    "status": pl.String(),
    "date": pl.String(),
    "cause": pl.String(),
    "source": pl.String(),
    "source_row": pl.Int64(),
    "_file": pl.Int64(),
}


@dataclass
class DialResults:
    """Dial results read from files (or a checker): every row with a number, and the rows that decide
    nothing (unknown statuses, numbers that are not phone numbers), with warnings and counts."""

    results: pl.DataFrame
    unknown: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def __add__(self, later: DialResults) -> DialResults:
        """Both sets of results; ``later``'s count as read after this one's (for equal dates)."""
        shift = max(self.results.get_column("_file").to_list(), default=-1) + 1
        counts = {
            k: self.counts.get(k, 0) + later.counts.get(k, 0) for k in {*self.counts, *later.counts}
        }
        return DialResults(
            pl.concat([self.results, later.results.with_columns(pl.col("_file") + shift)]),
            pl.concat([self.unknown, later.unknown]),
            [*self.warnings, *later.warnings],
            counts,
        )

    @classmethod
    def empty(cls) -> DialResults:
        """No dial results at all."""
        return cls(
            pl.DataFrame(schema=RESULT_SCHEMA),
            pl.DataFrame(schema=UNKNOWN_SCHEMA),
            [],
            {"results": 0, "unknown_statuses": 0, "bad_numbers": 0},
        )


# --- reading files ----------------------------------------------------------------------------------


def read_dial_results(
    paths: Sequence[str], *, settings: Settings | None = None, region: str = "RU"
) -> DialResults:
    """Read dial-result files and folders (searched recursively, in sorted order) into one table.

    A file in none of the known shapes (no number or no status column, not an Asterisk Master.csv)
    is a LeadkitError naming it: dial results that silently miss a file would leave dead numbers in.
    """
    settings = resolve(settings)
    if not paths:
        return DialResults.empty()
    inputs, warnings = find_inputs(paths)
    frames = [_read_file(item, index, settings.dial) for index, item in enumerate(inputs)]
    raw = pl.concat(frames) if frames else pl.DataFrame(schema=_RAW_SCHEMA)
    result = interpret(raw, settings, region)
    result.warnings[:0] = warnings
    result.counts["files"] = len(inputs)
    return result


def read_checker_output(
    text: str, *, settings: Settings | None = None, region: str = "RU", source: str = "checker"
) -> DialResults:
    """A checker's answer: ``number,status`` lines (a first line ``number,status`` is a header)."""
    settings = resolve(settings)
    numbers: list[str | None] = []
    statuses: list[str | None] = []
    rows: list[int] = []
    for index, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in record):
            continue
        number = record[0]
        status = ",".join(record[1:])
        if index == 1 and fold_status(number) in {"number", "phone", "номер"}:
            continue
        numbers.append(number.strip() or None)
        statuses.append(status.strip() or None)
        rows.append(index)
    raw = pl.DataFrame(
        {
            "number": numbers,
            "status": statuses,
            "date": [None] * len(rows),
            "cause": [None] * len(rows),
            "source": [source] * len(rows),
            "source_row": rows,
            "_file": [0] * len(rows),
        },
        schema=_RAW_SCHEMA,
    )
    return interpret(raw, settings, region)


def _dial_rules(dial: DialStatuses) -> ColumnRules:
    return ColumnRules(dict(dial.columns))


def _find_dial_header(head: list[list[str]], dial: DialStatuses) -> tuple[int, dict[str, int]]:
    """The index of the header row and the position of each field; (-1, best partial) if none."""
    rules = [_dial_rules(dial)]
    partial: dict[str, int] = {}
    for index, row in enumerate(head):
        assigned = {k: v[0] for k, v in assign_columns(row, rules).items()}
        if "number" in assigned and "status" in assigned:
            return index, assigned
        if len(assigned) > len(partial):
            partial = assigned
    return -1, partial


def _missing_columns(partial: dict[str, int], where: str) -> LeadkitError:
    if "status" in partial:
        what = "no number column (Номер, Телефон, phone, number, …)"
    elif "number" in partial:
        what = "no status column (Статус, Результат, status, disposition, …)"
    else:
        what = "neither a number and status header nor the shape of an Asterisk Master.csv"
    return LeadkitError(f"not a dial-result file: {what}", file=where)


def _is_asterisk(head: list[list[str]]) -> bool:
    """Rows of at least 16 cells whose 15th is an Asterisk disposition and whose 10th a date."""
    rows = [r for r in head if any(c.strip() for c in r)]
    if not rows:
        return False
    shaped = sum(
        1
        for r in rows
        if len(r) >= _ASTERISK_WIDTH
        and r[_ASTERISK_DISPOSITION].strip().casefold() in ASTERISK_DISPOSITIONS
        and re.match(r"\d{4}-\d\d-\d\d", r[_ASTERISK_START].strip())
    )
    return shaped == len(rows)


def _read_file(item: InputFile, index: int, dial: DialStatuses) -> pl.DataFrame:
    if item.suffix in WORKBOOK_SUFFIXES:
        assert item.path is not None
        return _read_workbook(item, index, dial)
    if item.path is None:
        raise LeadkitError("dial results cannot be read from standard input", file="-")
    text = decode(item.read_bytes(), item.source)
    if not text.strip():
        raise LeadkitError("the file is empty", file=item.source)
    delimiter = sniff_delimiter(text, "\t" if item.suffix == ".tsv" else None)
    head, starts = head_records(text, delimiter, HEADER_SEARCH_ROWS, item.source)
    header, assigned = _find_dial_header(head, dial)
    if header < 0:
        if _is_asterisk(head):
            return _asterisk(text, delimiter, item.source, index)
        raise _missing_columns(assigned, item.source)
    skipped = [line for _, line in zip(range(starts[header]), lines(text), strict=False)]
    body = text[sum(len(line) for line in skipped) :]
    rows = records(body, delimiter, len(head[header]), item.source, header + 2)
    return _raw(rows, assigned, item.source, index)


def _read_workbook(item: InputFile, index: int, dial: DialStatuses) -> pl.DataFrame:
    assert item.path is not None
    partial: dict[str, int] = {}
    names = sheet_names(str(item.path), item.source)
    for _name, cells in read_sheets(str(item.path), item.source, names):
        head = [[c or "" for c in row] for row in cells[:HEADER_SEARCH_ROWS]]
        header, assigned = _find_dial_header(head, dial)
        if header < 0:
            partial = assigned if len(assigned) > len(partial) else partial
            continue
        width = max(len(row) for row in cells)
        data = cells[header + 1 :]
        frame = pl.DataFrame(
            {
                **{f"c{i}": [r[i] if i < len(r) else None for r in data] for i in range(width)},
                "_row": list(range(header + 2, header + 2 + len(data))),
            },
            schema={**{f"c{i}": pl.String for i in range(width)}, "_row": pl.Int64},
        )
        return _raw(drop_empty_rows(frame), assigned, item.source, index)
    raise _missing_columns(partial, item.source)


def _raw(rows: pl.DataFrame, assigned: dict[str, int], source: str, index: int) -> pl.DataFrame:
    def cell(name: str) -> pl.Expr:
        if name not in assigned:
            return pl.lit(None, dtype=pl.String).alias(name)
        return pl.col(f"c{assigned[name]}").str.strip_chars().alias(name)

    return rows.select(
        cell("number"),
        cell("status"),
        cell("date"),
        cell("cause"),
        pl.lit(source).alias("source"),
        pl.col("_row").cast(pl.Int64).alias("source_row"),
        pl.lit(index, dtype=pl.Int64).alias("_file"),
    )


def _asterisk(text: str, delimiter: str, source: str, index: int) -> pl.DataFrame:
    """Asterisk's Master.csv: dst (or the number in lastdata), disposition, start, a cause if any."""
    width = max(len(r) for r in head_records(text, delimiter, 30, source)[0])
    rows = records(delimiter * (width - 1) + "\n" + text, delimiter, width, source, 1)
    dst = pl.col(f"c{_ASTERISK_DST}").str.strip_chars()
    from_lastdata = pl.col(f"c{_ASTERISK_LASTDATA}").str.extract(r"/(\+?\d{5,})(?:[,@/]|$)", 1)
    number = (
        pl.when(dst.str.count_matches(r"\d") >= 5)
        .then(dst)
        .otherwise(from_lastdata)
        .alias("number")
    )
    extra = [f"c{i}" for i in range(_ASTERISK_WIDTH, width) if f"c{i}" in rows.columns]
    cause = (
        pl.coalesce([pl.col(c).str.extract(_CAUSE, 1) for c in extra])
        if extra
        else pl.lit(None, dtype=pl.String)
    )
    return rows.select(
        number,
        pl.col(f"c{_ASTERISK_DISPOSITION}").str.strip_chars().alias("status"),
        pl.col(f"c{_ASTERISK_START}").str.strip_chars().alias("date"),
        cause.alias("cause"),
        pl.lit(source).alias("source"),
        pl.col("_row").cast(pl.Int64).alias("source_row"),
        pl.lit(index, dtype=pl.Int64).alias("_file"),
    )


# --- meaning ----------------------------------------------------------------------------------------


def _parse_dates(text: pl.Expr) -> pl.Expr:
    cleaned = text.str.strip_chars().str.replace("T", " ").str.slice(0, 19)
    return pl.coalesce(
        [cleaned.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in _DATE_FORMATS]
    )


def interpret(raw: pl.DataFrame, settings: Settings, region: str) -> DialResults:
    """Give every raw dial row its number (E.164) and reason; set aside the rows that decide nothing."""
    dial = settings.dial
    statuses = raw.select(pl.col("status").drop_nulls().unique()).get_column("status")
    folded = [fold_status(s) for s in statuses.to_list()]
    vocabulary = pl.DataFrame(
        {
            "status": statuses,
            "_status_reason": [dial.statuses.get(f) for f in folded],
        },
        schema={"status": pl.String, "_status_reason": pl.String},
    )
    causes = pl.DataFrame(
        {"_cause": list(dial.q850), "_cause_reason": list(dial.q850.values())},
        schema={"_cause": pl.Int64, "_cause_reason": pl.String},
    )
    numbers = raw.select(pl.col("number").drop_nulls().unique()).get_column("number")
    normalized = normalize_phones(numbers, region, rules=settings.phones)
    phone_of = pl.DataFrame(
        {"number": numbers, "phone": normalized.get_column("phone")},
        schema={"number": pl.String, "phone": pl.String},
    )
    cause_number = pl.coalesce(
        pl.col("cause").str.extract(_CAUSE, 1), pl.col("status").str.extract(_CAUSE_IN_TEXT, 1)
    ).cast(pl.Int64, strict=False)
    rows = (
        raw.with_columns(cause_number.alias("_cause"))
        .join(vocabulary, on="status", how="left", maintain_order="left")
        .join(causes, on="_cause", how="left", maintain_order="left")
        .join(phone_of, on="number", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_status_reason") == "answered")
            .then(pl.lit("answered"))
            .otherwise(pl.coalesce("_cause_reason", "_status_reason"))
            .alias("reason"),
            _parse_dates(pl.col("date")).alias("called_at"),
        )
    )
    no_number = pl.col("number").is_null()
    bad_number = pl.col("number").is_not_null() & pl.col("phone").is_null()
    no_status = pl.col("status").is_null() & pl.col("_cause").is_null()
    unknown_status = pl.col("reason").is_null() & ~no_status
    problem = (
        pl.when(no_number & no_status)
        .then(None)
        .when(no_number)
        .then(pl.lit("no number"))
        .when(bad_number)
        .then(pl.lit("not a phone number"))
        .when(no_status)
        .then(pl.lit("no status"))
        .when(unknown_status)
        .then(pl.lit("unknown status"))
    )
    rows = rows.with_columns(problem.alias("problem"))
    unknown = rows.filter(pl.col("problem").is_not_null()).select(
        "source", "source_row", "number", "phone", "status", "problem"
    )
    results = rows.filter(
        pl.col("phone").is_not_null()
        & (pl.col("status").is_not_null() | pl.col("_cause").is_not_null())
    ).select(
        "phone",
        "reason",
        pl.when(pl.col("status").is_null())
        .then(pl.lit("Q.850 ") + pl.col("_cause").cast(pl.String))
        .when(pl.col("_cause").is_not_null() & pl.col("cause").is_not_null())
        .then(pl.col("status") + pl.lit(" (Q.850 ") + pl.col("_cause").cast(pl.String) + ")")
        .otherwise(pl.col("status"))
        .alias("status_raw"),
        "called_at",
        "source",
        "source_row",
        "_file",
    )
    counts = {
        "results": results.height,
        "unknown_statuses": int(unknown.get_column("problem").eq("unknown status").sum()),
        "bad_numbers": unknown.height
        - int(unknown.get_column("problem").eq("unknown status").sum()),
    }
    warnings: list[Notice] = []
    if counts["unknown_statuses"]:
        top = (
            unknown.filter(pl.col("problem") == "unknown status")
            .group_by("status")
            .agg(pl.len().alias("n"), pl.col("source").first())
            .sort(["n", "status"], descending=[True, False])
        )
        listed = ", ".join(f"{s!r} ×{n}" for s, n in top.select("status", "n").head(5).iter_rows())
        more = f" and {top.height - 5} more" if top.height > 5 else ""
        warnings.append(
            Notice(
                f"{counts['unknown_statuses']} dial result(s) with a status leadkit does not know "
                f"({listed}{more}): those numbers are left as they were; list them with --unknown "
                "and add the statuses to dial_statuses in a --config file"
            )
        )
    if counts["bad_numbers"]:
        warnings.append(
            Notice(
                f"{counts['bad_numbers']} dial result(s) without a readable phone number or status "
                "were skipped (list them with --unknown)"
            )
        )
    undated = results.filter(pl.col("called_at").is_null())
    dated_files = rows.filter(pl.col("date").is_not_null()).get_column("source").unique()
    bad_dates = undated.filter(pl.col("source").is_in(dated_files.implode())).height
    if bad_dates:
        warnings.append(
            Notice(
                f"{bad_dates} dial result(s) with a date leadkit cannot read; they count as older "
                "than the dated ones"
            )
        )
    return DialResults(results, unknown, warnings, counts)


def latest_results(results: pl.DataFrame, settings: Settings | None = None) -> pl.DataFrame:
    """One row per number: its latest result (by date where known, else by file and row order; a
    result without a date counts as older than dated ones), with the reason's ``action``.

    A number whose latest result is an unknown status has a null ``reason`` and ``action``: it
    decides nothing.
    """
    actions = resolve(settings).dial.actions
    action_of = pl.DataFrame(
        {"reason": list(actions), "action": list(actions.values())},
        schema={"reason": pl.String, "action": pl.String},
    )
    return (
        results.sort(["called_at", "_file", "source_row"], nulls_last=False, maintain_order=True)
        .unique(subset="phone", keep="last", maintain_order=True)
        .join(action_of, on="reason", how="left", maintain_order="left")
    )


def without_extension(phone: pl.Expr) -> pl.Expr:
    """The line of a number: ``+74951234567;ext=12`` → ``+74951234567``."""
    return phone.str.replace(r";ext=.*$", "")


def match_numbers(numbers: pl.DataFrame, facts: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """``numbers`` (a ``phone`` column) with the columns of ``facts`` (keyed by unique ``phone``) that
    apply to each, prefixed, and ``{prefix}found``: the fact for the exact number, else the fact for its
    line without extension (a line that does not answer does not answer at any extension)."""
    cols = [c for c in facts.columns if c != "phone"]
    facts = facts.with_columns(pl.lit(True).alias("found"))
    cols.append("found")
    exact = facts.rename({c: f"{prefix}{c}" for c in cols})
    lines_only = facts.filter(~pl.col("phone").str.contains(";ext=", literal=True)).rename(
        {"phone": "_line", **{c: f"_{prefix}line_{c}" for c in cols}}
    )
    joined = (
        numbers.with_columns(without_extension(pl.col("phone")).alias("_line"))
        .join(exact, on="phone", how="left", maintain_order="left")
        .join(lines_only, on="_line", how="left", maintain_order="left")
    )
    hit = pl.col(f"{prefix}found").is_not_null()
    return (
        joined.with_columns(
            pl.when(hit)
            .then(pl.col(f"{prefix}{c}"))
            .otherwise(pl.col(f"_{prefix}line_{c}"))
            .alias(f"{prefix}{c}")
            for c in cols
        )
        .with_columns(pl.col(f"{prefix}found").fill_null(False))
        .drop([f"_{prefix}line_{c}" for c in cols] + ["_line"])
    )
