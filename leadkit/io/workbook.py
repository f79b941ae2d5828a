"""XLSX workbooks: one or several sheets, each cell typed by its column.

Text columns are text cells (phones, INN, OGRN and ids keep their leading zeros, and nothing in the data
becomes a formula, a number or a link); number columns (Polars integer and float types) are number cells
with a thousands format; dates are date cells. Every sheet gets a frozen, filtered header row and column
widths that fit its content. Charts are added through :meth:`Workbook.add_chart` on the sheets written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError, Notice

#: Excel's last row, header included.
XLSX_MAX_ROWS = 1_048_576
#: Columns allowed wider than the usual 60 characters: the explanation is the point of them.
_WIDE = {C.MATCH_REASON: 110}
#: Excel's longest cell.
XLSX_MAX_CHARS = 32_767
#: Text columns that hold whole numbers and are written as numbers when every value is one.
COUNTER_COLUMNS = frozenset({C.SOURCE_ROW, C.CLUSTER_SIZE})
_NAME_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class SheetRange:
    """Where a written table sits: for charts and formulas that point at it."""

    name: str
    rows: int  # data rows (the header is row 0)
    columns: tuple[str, ...]

    def column(self, name: str) -> int:
        """The 0-based position of a column."""
        return self.columns.index(name)


def flatten(df: pl.DataFrame) -> pl.DataFrame:
    """Lists become ``; ``-joined text, so a table fits CSV, TSV and spreadsheet cells."""
    return df.with_columns(
        pl.when(pl.col(name).list.len() > 0)
        .then(pl.col(name).cast(pl.List(pl.String)).list.join(C.LIST_SEPARATOR))
        .alias(name)
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.List)
    )


def sheet_name(name: str) -> str:
    """A valid Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    return (name.translate(_NAME_CHARS).strip() or "Sheet")[:31]


def _counters_as_numbers(df: pl.DataFrame) -> pl.DataFrame:
    """Row counters stored as text become integers when every value is one (else they stay text)."""
    casts = []
    for name in COUNTER_COLUMNS & set(df.columns):
        if df.schema[name] == pl.String:
            as_int = df.get_column(name).cast(pl.Int64, strict=False)
            if as_int.null_count() == df.get_column(name).null_count():
                casts.append(pl.col(name).cast(pl.Int64))
    return df.with_columns(casts) if casts else df


class Workbook:
    """An XLSX file being written to ``handle``; call :meth:`close` (or use ``with``) to finish it."""

    def __init__(self, handle: IO[bytes], *, constant_memory: bool = False) -> None:
        import xlsxwriter

        self._book = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": constant_memory,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": True,
            },
        )
        self.header = self._book.add_format({"bold": True, "bg_color": "#EDEDED", "border": 1})
        self.integer = self._book.add_format({"num_format": "#,##0"})
        self.decimal = self._book.add_format({"num_format": "#,##0.00"})
        self.percent = self._book.add_format({"num_format": "0.0%"})
        self.date = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self.sheets: dict[str, Any] = {}
        self.notices: list[Notice] = []

    def add_table(
        self,
        name: str,
        df: pl.DataFrame,
        *,
        formats: Mapping[str, str] | None = None,
        where: str | None = None,
    ) -> SheetRange:
        """Write ``df`` as a sheet; ``formats`` names a number format per column (``"percent"``,
        ``"decimal"``, ``"integer"``) where the dtype's default is not wanted."""
        title = sheet_name(name)
        if df.height + 1 > XLSX_MAX_ROWS:
            raise LeadkitError(
                f"{df.height} rows do not fit in an Excel sheet; write .csv or .parquet instead",
                file=where,
            )
        flat = _counters_as_numbers(flatten(df))
        sheet = self._book.add_worksheet(title)
        self.sheets[title] = sheet
        kinds = [
            self._kind(name_, dtype, (formats or {}).get(name_))
            for name_, dtype in flat.schema.items()
        ]
        widths = [max(len(c), 6) for c in flat.columns]
        for col, column in enumerate(flat.columns):
            sheet.write_string(0, col, column, self.header)
        for row, values in enumerate(flat.iter_rows(), start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                kind, cell_format = kinds[col]
                if kind == "number":
                    if isinstance(value, float) and value != value:  # NaN: an empty cell
                        continue
                    sheet.write_number(row, col, value, cell_format)
                    width = len(f"{value:,.2f}") if isinstance(value, float) else len(f"{value:,}")
                elif kind == "date":
                    sheet.write_datetime(row, col, _as_datetime(value), cell_format)
                    width = 10
                elif kind == "bool":
                    sheet.write_boolean(row, col, bool(value))
                    width = 5
                else:
                    text = str(value)
                    if len(text) > XLSX_MAX_CHARS:
                        self.notices.append(
                            Notice(
                                f"a cell longer than Excel's {XLSX_MAX_CHARS:,} characters was cut "
                                "(write .csv or .parquet to keep it whole)",
                                file=where,
                                row=row + 1,
                                column=flat.columns[col],
                            )
                        )
                        text = text[:XLSX_MAX_CHARS]
                    sheet.write_string(row, col, text)
                    width = max(len(line) for line in text.split("\n"))
                if row <= 2000 and width > widths[col]:
                    widths[col] = width
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, _WIDE.get(flat.columns[col], 60)))
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)  # printed, every page shows the header
        sheet.set_landscape()
        if flat.width:
            sheet.autofilter(0, 0, max(flat.height, 1), flat.width - 1)
        return SheetRange(title, flat.height, tuple(flat.columns))

    def _kind(self, name: str, dtype: pl.DataType, wanted: str | None) -> tuple[str, Any]:
        if dtype.is_numeric():
            if wanted is not None:
                return "number", getattr(self, wanted)
            return "number", self.integer if dtype.is_integer() else self.decimal
        if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
            return "date", self.date
        if dtype == pl.Boolean:
            return "bool", None
        return "text", None

    def add_sheet(self, name: str) -> Any:
        """An empty worksheet (for a summary written cell by cell); the xlsxwriter sheet."""
        sheet = self._book.add_worksheet(sheet_name(name))
        self.sheets[sheet.name] = sheet
        return sheet

    def add_chart(self, options: Mapping[str, Any]) -> Any:
        """An xlsxwriter chart (``{"type": "column"}`` …) to fill with series and insert into a sheet."""
        return self._book.add_chart(dict(options))

    def add_format(self, options: Mapping[str, Any]) -> Any:
        """A cell format for :meth:`add_sheet` sheets."""
        return self._book.add_format(dict(options))

    def close(self) -> None:
        """Finish the file."""
        self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.close()


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def write_workbook(
    handle: IO[bytes],
    tables: Sequence[tuple[str, pl.DataFrame]],
    where: str | None = None,
    formats: Mapping[str, str] | None = None,
) -> list[Notice]:
    """Several tables as the sheets of one workbook, in order; returns the warnings met (long cells).
    ``formats`` names a number format per column (see :meth:`Workbook.add_table`)."""
    with Workbook(handle, constant_memory=True) as book:
        for name, df in tables:
            book.add_table(name, df, formats=formats, where=where)
    return book.notices
