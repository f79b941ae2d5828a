"""Write tables by the extension of ``-o``: CSV, TSV, XLSX, Parquet, JSONL; CSV on stdout for ``-`` or none.

Files are written to a temporary file beside the target and renamed over it (:mod:`leadkit.io.commit`),
so a reader never sees a half-written output and a failed run leaves the old file as it was. The outputs
of one command are committed together (:class:`leadkit.io.commit.OutputSet`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, cast

import polars as pl

from leadkit.errors import LeadkitError, Notice
from leadkit.io.commit import OutputSet, atomic_file, cannot_write, real_target, write_file
from leadkit.io.formulas import guard_formulas
from leadkit.io.workbook import XLSX_MAX_ROWS, flatten, write_workbook

__all__ = [
    "FORMATS",
    "OutputSet",
    "atomic_file",
    "check_output",
    "guard_formulas",
    "output_format",
    "render",
    "write_table",
]

STDOUT = "-"
FORMATS = (".csv", ".tsv", ".xlsx", ".parquet", ".jsonl")


def output_format(output: str | Path) -> str:
    """The format an output path asks for, by its extension (``.csv`` …); a LeadkitError if none."""
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        raise LeadkitError(
            f"unknown output format {suffix or '(none)'}; use one of {', '.join(FORMATS)}",
            file=str(output),
        )
    return suffix


def check_output(output: str | Path | None) -> None:
    """Fail early, before any work, on an output whose format or folder is wrong."""
    if output is None or str(output) == STDOUT:
        return
    output_format(output)
    if not real_target(output).parent.is_dir():
        raise LeadkitError("the output folder does not exist", file=str(output))


def render(
    df: pl.DataFrame,
    handle: IO[bytes],
    fmt: str = ".csv",
    *,
    excel: bool = False,
    sheet: str = "Leads",
    where: str | None = None,
    formats: Mapping[str, str] | None = None,
    strict: bool = False,
) -> list[Notice]:
    """Write ``df`` in format ``fmt`` (``.csv``, ``.tsv``, ``.xlsx``, ``.parquet``, ``.jsonl``) to a
    binary stream; returns the warnings met (cells cut to fit a spreadsheet, which ``strict``
    refuses instead). ``formats`` names an XLSX number format per column (``"percent"``,
    ``"decimal"``, ``"integer"``)."""
    if fmt == ".csv":
        handle.write(_csv_bytes(df, separator=";" if excel else ",", excel=excel))
    elif fmt == ".tsv":
        handle.write(_csv_bytes(df, separator="\t", excel=excel))
    elif fmt in (".parquet", ".jsonl"):
        # Polars wraps an error of the stream in its own: the stream's OSError (a full disk) is
        # raised as itself, so that it is reported as one line naming the file.
        recorded = _Recorded(handle)
        stream = cast(IO[bytes], recorded)
        try:
            if fmt == ".parquet":
                df.write_parquet(stream)
            else:
                df.write_ndjson(stream)
        except Exception:
            if recorded.error is not None:
                raise recorded.error from None
            raise
    elif fmt == ".xlsx":
        if df.height + 1 > XLSX_MAX_ROWS:
            raise LeadkitError(
                f"{df.height} rows do not fit in an Excel sheet; write .csv or .parquet instead",
                file=where,
            )
        return write_workbook(handle, [(sheet, df)], where=where, formats=formats, strict=strict)
    else:
        raise LeadkitError(f"unknown output format {fmt}", file=where)
    return []


class _Recorded:
    """A binary stream that remembers the first OSError its writes raised."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except OSError as exc:
            self.error = self.error or exc
            raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._handle, name)


def write_table(
    df: pl.DataFrame,
    output: str | Path | IO[bytes] | None,
    *,
    excel: bool = False,
    fmt: str | None = None,
    sheet: str = "Leads",
    outputs: OutputSet | None = None,
    formats: Mapping[str, str] | None = None,
    strict: bool = False,
) -> list[Notice]:
    """Write ``df`` to a path (format by extension), a binary stream (``fmt``, CSV by default), or as
    CSV to stdout when ``output`` is ``-`` or None. With ``outputs`` the file is staged there and
    replaced only when that set is committed. ``formats``: XLSX number formats by column (see
    :func:`render`). Returns the warnings met; with ``strict`` a cell too long for a spreadsheet is
    an error instead of a warning."""
    if output is None or (isinstance(output, str | Path) and str(output) == STDOUT):
        data = _csv_bytes(df, separator=";" if excel else ",", excel=excel)
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # standard output redirected to a full disk
            raise cannot_write("standard output", exc) from exc
        return []
    if not isinstance(output, str | Path):
        return render(
            df, output, fmt or ".csv", excel=excel, sheet=sheet, formats=formats, strict=strict
        )
    fmt = fmt or output_format(output)
    check_output(output)
    notices: list[Notice] = []

    def write(handle: IO[bytes]) -> None:
        notices.extend(
            render(
                df,
                handle,
                fmt,
                excel=excel,
                sheet=sheet,
                where=str(output),
                formats=formats,
                strict=strict,
            )
        )

    if outputs is not None:
        outputs.add(output, write)
    else:
        write_file(output, write)
    return notices


def _csv_bytes(df: pl.DataFrame, *, separator: str, excel: bool) -> bytes:
    text = guard_formulas(flatten(df), excel=excel).write_csv(separator=separator)
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data
