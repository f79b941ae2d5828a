"""Read the tables leadkit writes (CSV, TSV, XLSX, Parquet, JSONL, or CSV on standard input) back
into memory.

A table without ``lead_id`` is taken for a raw export and imported, with the import's options (maps,
``skip_bad``, encoding) and its warnings, so every command accepts exports as ``import`` does.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from leadkit import columns as C
from leadkit.config import SourceMap
from leadkit.errors import LeadkitError, Notice, first_line
from leadkit.io.formulas import unguard_formulas
from leadkit.io.inputs import DELIMITED_SUFFIXES, STDIN, WORKBOOK_SUFFIXES
from leadkit.io.sheets import read_sheets, sheet_names
from leadkit.io.text import decode, lines, sniff_delimiter
from leadkit.settings import Settings

if TYPE_CHECKING:
    from leadkit.io.importer import ImportResult

__all__ = ["read_leads", "read_plain", "read_table", "to_lead_frame"]

#: The sheet of a workbook that leadkit reads a lead table from, where there is one.
LEAD_SHEETS = ("Leads", "Companies")


def read_plain(path: str, *, stdin: io.BufferedIOBase | None = None) -> pl.DataFrame:
    """Read any table leadkit reads (header in the first row) as text columns, nothing interpreted."""
    return _read_plain(path, stdin)[0]


def read_table(
    path: str,
    *,
    stdin: io.BufferedIOBase | None = None,
    settings: Settings | None = None,
    maps: Sequence[SourceMap] = (),
) -> pl.DataFrame:
    """Read a table that a leadkit command wrote (any output format, or CSV on stdin for ``-``).

    A table without ``lead_id`` is taken for an export and imported first (with the lead fields of
    the ``--map`` entries ``maps``), so any command accepts raw exports.
    """
    lead_fields = {f: f for f in C.SOURCE_FIELDS}
    return read_leads(
        path, [m.only(lead_fields) for m in maps], stdin=stdin, settings=settings
    ).leads


def read_leads(
    path: str,
    maps: Sequence[SourceMap] = (),
    *,
    stdin: io.BufferedIOBase | None = None,
    settings: Settings | None = None,
    skip_bad: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """The lead table of a command's input: a table leadkit wrote, as it is, or a raw export,
    imported as ``leadkit import`` would (``maps``, ``skip_bad``, ``encoding``), with its warnings.
    """
    from leadkit.io.importer import ImportResult, import_leads

    frame, data = _read_plain(path, stdin, encoding, exports_raw=True)
    if C.LEAD_ID in frame.columns:
        warnings = []
        if maps:
            warnings.append(
                Notice(
                    "a table leadkit wrote, not a raw export: the --map was not needed and not used",
                    file="standard input" if path == STDIN else path,
                )
            )
        table = to_lead_frame(frame)
        return ImportResult(
            table, warnings, {"files": 1, "files_skipped": 0, "leads": table.height}
        )
    source = io.BytesIO(data) if path == STDIN and data is not None else None
    return import_leads(
        [path], maps, settings=settings, skip_bad=skip_bad, stdin=source, encoding=encoding
    )


def _read_plain(
    path: str,
    stdin: io.BufferedIOBase | None,
    encoding: str | None = None,
    *,
    exports_raw: bool = False,
) -> tuple[pl.DataFrame, bytes | None]:
    """The table, and the raw bytes when it was delimited text (so it can be imported as an export).

    With ``exports_raw`` delimited text whose first row has no ``lead_id`` is not parsed here (an
    export may have title rows or ragged rows): the frame is empty and the import reads the bytes.
    """
    suffix = ".csv" if path == STDIN else Path(path).suffix.lower()
    where = "standard input" if path == STDIN else path
    if path != STDIN and not Path(path).is_file():
        raise LeadkitError("no such file", file=path)
    if suffix == ".parquet":
        return _safe(lambda: pl.read_parquet(path), path), None
    if suffix in {".jsonl", ".ndjson"}:
        return _read_jsonl(path), None
    if suffix in WORKBOOK_SUFFIXES:
        return _read_workbook_table(path), None
    if suffix not in DELIMITED_SUFFIXES:
        raise LeadkitError(
            f"cannot read {suffix or 'files without an extension'} tables", file=path
        )
    data = (stdin or sys.stdin.buffer).read() if path == STDIN else Path(path).read_bytes()
    text = decode(data, where, encoding, from_stdin=path == STDIN)
    if not text.strip():
        raise LeadkitError("the input is empty", file=where)
    delimiter = sniff_delimiter(text, "\t" if suffix == ".tsv" else None)
    if exports_raw:
        first = next(csv.reader(lines(text), delimiter=delimiter), [])
        if C.LEAD_ID not in first:
            return pl.DataFrame(), data
    frame = _safe(
        lambda: pl.read_csv(
            text.encode("utf-8"), separator=delimiter, infer_schema=False, raise_if_empty=False
        ),
        where,
    )
    return unguard_formulas(frame), data


def _read_jsonl(path: str) -> pl.DataFrame:
    """JSON lines, columns in the order of the first record's keys (leadkit writes every key on
    every line) and any others after them."""
    frame = _safe(lambda: pl.read_ndjson(path, infer_schema_length=None), path)
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    try:
        keys = list(json.loads(first)) if first.strip() else []
    except ValueError as exc:
        raise LeadkitError("unreadable table: not JSON lines", file=path, row=1) from exc
    order = [k for k in keys if k in frame.columns]
    return frame.select(order + [c for c in frame.columns if c not in set(order)])


#: What a guarded read returns.
Read = TypeVar("Read")


def _safe(read: Callable[[], Read], path: str) -> Read:
    try:
        return read()
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise LeadkitError(f"unreadable table: {first_line(exc)}", file=path) from exc


def _read_workbook_table(path: str) -> pl.DataFrame:
    """A leadkit workbook's lead sheet (or the first sheet), header in its first row."""
    names = sheet_names(path, path)
    if not names:
        raise LeadkitError("the workbook has no sheets", file=path)
    sheet = next((n for n in LEAD_SHEETS if n in names), names[0])
    _, values = next(read_sheets(path, path, [sheet]))
    if not values:
        raise LeadkitError(f"the sheet {sheet!r} is empty", file=path)
    header = [v or f"column_{i + 1}" for i, v in enumerate(values[0])]
    rows = values[1:]
    return pl.DataFrame(
        {h: [r[i] if i < len(r) else None for r in rows] for i, h in enumerate(header)},
        schema=dict.fromkeys(header, pl.String),
    )


def scan_lead_table(path: str) -> pl.LazyFrame | None:
    """A Parquet table leadkit wrote, to be read a part at a time (a LazyFrame in the in-memory
    shape); None for any other input, which is read whole."""
    if path == STDIN or Path(path).suffix.lower() != ".parquet":
        return None
    schema = _safe(lambda: pl.read_parquet_schema(path), path)
    if C.LEAD_ID not in schema:
        return None
    return to_lead_frame(pl.scan_parquet(path))


FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def to_lead_frame(frame: FrameT) -> FrameT:
    """Bring a table read from any format to the in-memory shape: text columns, ``phones`` a list."""
    exprs = []
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    for name, dtype in schema.items():
        if name in C.LIST_COLUMNS:
            if dtype == pl.String:
                exprs.append(
                    pl.col(name)
                    .str.split(C.LIST_SEPARATOR)
                    .fill_null(pl.lit([], pl.List(pl.String)))
                )
            else:
                exprs.append(pl.col(name).cast(pl.List(pl.String)))
        elif isinstance(dtype, pl.List):
            exprs.append(pl.col(name).cast(pl.List(pl.String)).list.join(C.LIST_SEPARATOR))
        elif dtype == pl.Boolean:
            exprs.append(pl.col(name).cast(pl.String).str.to_lowercase())
        else:
            exprs.append(pl.col(name).cast(pl.String))
    return frame.select(exprs)
