"""Write tables by the extension of ``-o``: CSV, TSV, XLSX, Parquet, JSONL; CSV on stdout for ``-`` or none.

Every file is written to a temporary file beside the target and renamed over it, so a reader never sees a
half-written output and a failed run leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError

STDOUT = "-"
FORMATS = (".csv", ".tsv", ".xlsx", ".parquet", ".jsonl")
#: Excel's last row, header included.
XLSX_MAX_ROWS = 1_048_576
#: Columns written as numbers in XLSX (everything else is a text cell).
XLSX_NUMBER_COLUMNS = frozenset({C.SOURCE_ROW, C.CLUSTER_SIZE})

# Cells a spreadsheet would run as a formula get a leading quote. Plain CSV guards every cell that
# starts with =, @, a tab or CR, and every +/- cell except a number or a list of phone numbers
# (`+7 (495) 123-45-67`, `+74951234567; +79161234567`, `+74955861234;ext=12`), which pipes to other
# tools need as they are. Spreadsheet CSV (--excel) guards every +/- cell that is not a plain number.
_PHONE = r"\+?[\d().\- ]*\d[\d().\- ]*(?:;ext=\d+)?"
_PHONE_LIST = rf"^{_PHONE}(?:\s*[,;/\n]\s*{_PHONE})*$"
_ALWAYS_GUARD = r"^(?:[=@\t\r]|'['=+\-@\t\r])"
_EXCEL_PLAIN_NUMBER = r"^[+\-]?[0-9.,]*$"


def check_output(output: str | None) -> None:
    """Fail early, before any work, on an output whose format or folder is wrong."""
    if output is None or output == STDOUT:
        return
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        raise LeadkitError(
            f"unknown output format {suffix or '(none)'}; use one of {', '.join(FORMATS)}",
            file=output,
        )
    if not Path(output).parent.is_dir():
        raise LeadkitError("the output folder does not exist", file=output)


def write_table(df: pl.DataFrame, output: str | None, *, excel: bool = False) -> None:
    """Write ``df`` to ``output`` (format by extension) or as CSV to stdout when it is ``-`` or None."""
    check_output(output)
    if output is None or output == STDOUT:
        data = _csv_bytes(df, separator=";" if excel else ",", excel=excel)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    suffix = Path(output).suffix.lower()
    if suffix == ".xlsx" and df.height + 1 > XLSX_MAX_ROWS:
        raise LeadkitError(
            f"{df.height} rows do not fit in an Excel sheet; write .csv or .parquet instead",
            file=output,
        )
    with atomic_file(output) as handle:
        if suffix == ".csv":
            handle.write(_csv_bytes(df, separator=";" if excel else ",", excel=excel))
        elif suffix == ".tsv":
            handle.write(_csv_bytes(df, separator="\t", excel=excel))
        elif suffix == ".parquet":
            df.write_parquet(handle)
        elif suffix == ".jsonl":
            df.write_ndjson(handle)
        else:
            write_xlsx(df, handle, sheet="Leads")


@contextlib.contextmanager
def atomic_file(output: str | Path) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``output`` only when the block finishes without an error."""
    target = Path(output)
    folder = target.parent
    if not folder.is_dir():
        raise LeadkitError("the output folder does not exist", file=str(output))
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def flatten(df: pl.DataFrame) -> pl.DataFrame:
    """Lists become ``; ``-joined text, so a table fits CSV, TSV and spreadsheet cells."""
    return df.with_columns(
        pl.when(pl.col(name).list.len() > 0)
        .then(pl.col(name).cast(pl.List(pl.String)).list.join(C.LIST_SEPARATOR))
        .alias(name)
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.List)
    )


def guard_formulas(df: pl.DataFrame, *, excel: bool = False) -> pl.DataFrame:
    """Put a quote before cells that a spreadsheet would run as formulas (read_table removes it again)."""
    safe_sign = _EXCEL_PLAIN_NUMBER if excel else _PHONE_LIST

    def needs_guard(c: str) -> pl.Expr:
        col = pl.col(c)
        signed = (
            col.str.contains(r"^[+\-]")
            & ~col.str.contains(safe_sign)
            & ~col.str.contains(r"^[+\-\s]*$")  # "-" or "--": an empty-cell marker
        )
        return col.str.contains(_ALWAYS_GUARD) | signed

    return df.with_columns(
        pl.when(needs_guard(c)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items()
        if t == pl.String
    )


def _csv_bytes(df: pl.DataFrame, *, separator: str, excel: bool) -> bytes:
    text = guard_formulas(flatten(df), excel=excel).write_csv(separator=separator)
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


def write_xlsx(df: pl.DataFrame, handle: IO[bytes], *, sheet: str) -> None:
    """One sheet, every cell text (numbers only for row counters), frozen header, filter, sane widths.

    Strings are written as strings: nothing in the data can become a formula, a number or a link.
    """
    import xlsxwriter

    flat = flatten(df)
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(handle, options)
    bold = workbook.add_format({"bold": True})
    worksheet = workbook.add_worksheet(sheet)
    numbers = [name in XLSX_NUMBER_COLUMNS for name in flat.columns]
    for col, name in enumerate(flat.columns):
        worksheet.write_string(0, col, name, bold)
        sample = flat.get_column(name).head(1000).drop_nulls()
        longest = (
            max([len(name), *(len(v) for v in sample.to_list())]) if sample.len() else len(name)
        )
        worksheet.set_column(col, col, min(max(longest + 2, 8), 60))
    for row, values in enumerate(flat.iter_rows(), start=1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if numbers[col] and str(value).isdigit():
                worksheet.write_number(row, col, int(value))
            else:
                worksheet.write_string(row, col, str(value))
    worksheet.freeze_panes(1, 0)
    if flat.width:
        worksheet.autofilter(0, 0, max(flat.height, 1), flat.width - 1)
    workbook.close()
