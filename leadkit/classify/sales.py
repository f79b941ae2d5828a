"""Sales exports (1C reports, CRM and spreadsheet exports) read into one table of sales rows.

Per file, as ``import`` reads leads: the encoding and separator (:mod:`leadkit.io.text`), the header
(:mod:`leadkit.io.headers`: the row among the first 30 that names a client and an amount, so the title
block of a 1C report is skipped), or a workbook's cells with their own numbers and dates
(:mod:`leadkit.io.sheets`). Columns come from a ``--map`` entry, else ``sales_synonyms.yaml``.

What is not a sale is left out, so that nothing counts twice:

- totals: a row whose first cell, client, document or date starts with ``Итого``, ``Всего``, ``Total``
  (``total_words`` in ``sales_format.yaml``), ``Итого по …`` included;
- headers repeated on every page of a printed report: rows whose amount cells hold their headers;
- grouping rows: in a table with dates, a row without a date that names a client starts a group; the
  dated rows below it that name no client of their own are its documents and take its client, INN and
  id. A grouping row with dated rows below it is their subtotal and does not count (its amounts are
  checked against their sum, with a warning where they differ); one without is a sale without a date;
- grouping rows under a client that are not clients (contracts, orders: ``subgroup_words``) neither
  count nor start a group, so their documents stay with the client above;
- a 1C report that writes the client and its documents in one column (``ООО «Ромашка»`` above
  ``Реализация товаров и услуг 00000012 от 15.01.2026``): a client cell that holds ``от <date>`` is a
  document, and the date is read from it where there is no date column.

Returns are negative rows and count as such. An amount or date cell that cannot be read stops the
reading with the file, row and column (money is never dropped quietly).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from leadkit import columns as C
from leadkit.config import SALES_FIELD_ALIASES, ColumnRules, SourceMap, fold_header
from leadkit.errors import LeadkitError, Notice
from leadkit.io.headers import TableKind, assign_columns
from leadkit.io.inputs import WORKBOOK_SUFFIXES, InputFile, find_inputs
from leadkit.io.sheets import cell_text, chosen_sheets, read_sheet_values
from leadkit.normalize.amounts import document_dates, kopecks, read_amounts, read_dates
from leadkit.settings import SalesRules, Settings, resolve

__all__ = ["SALES", "SALES_COLUMNS", "SalesResult", "empty_sales", "read_sales"]

#: The columns of a sales table, in this order.
SALES_COLUMNS: tuple[str, ...] = (
    C.SOURCE,
    C.SOURCE_SHEET,
    C.SOURCE_ROW,
    C.CLIENT,
    C.INN,
    C.CLIENT_ID,
    C.DATE,
    C.DOCUMENT,
    C.REVENUE,
    C.COST,
    C.PROFIT,
)
_SCHEMA = pl.Schema(
    {
        C.SOURCE: pl.String,
        C.SOURCE_SHEET: pl.String,
        C.SOURCE_ROW: pl.Int64,
        C.CLIENT: pl.String,
        C.INN: pl.String,
        C.CLIENT_ID: pl.String,
        C.DATE: pl.Date,
        C.DOCUMENT: pl.String,
        C.REVENUE: pl.Float64,
        C.COST: pl.Float64,
        C.PROFIT: pl.Float64,
    }
)
_AMOUNTS = (C.REVENUE, C.COST, C.PROFIT)
#: A 1C document's name: "… от 15.01.2026".
_DOCUMENT = r"(?i)\bот\s+\d{1,2}\.\d{1,2}\.\d{2,4}\b"


def _sales_rules(
    headers: Sequence[str], spec: SourceMap | None, settings: Settings
) -> list[ColumnRules]:
    rules = [] if spec is None else [spec.columns.only(SALES_FIELD_ALIASES)]
    return [*rules, settings.sales.synonyms]


#: A sales table: a client (name, INN or id) and an amount (revenue or profit).
SALES = TableKind(
    _sales_rules,
    ((C.CLIENT, C.INN, C.CLIENT_ID), (C.REVENUE, C.PROFIT)),
    "client (or INN) and amount (revenue or profit)",
)


@dataclass
class SalesResult:
    """The sales rows of every file (columns :data:`SALES_COLUMNS`), the warnings met, and counts:
    ``files``, ``rows`` (sales rows kept), ``total_rows``, ``subtotal_rows``, ``undated_rows``."""

    sales: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Grid:
    """One table of a sales file: cells as text ``c0..cN`` and ``_row``; for workbooks also the cells'
    own numbers ``n<i>`` and dates ``d<i>`` of the amount and date columns."""

    source: str
    sheet: str
    headers: list[str]
    rows: pl.DataFrame
    fields: dict[str, int]

    @property
    def where(self) -> str:
        return self.source + (f" [{self.sheet}]" if self.sheet else "")


def empty_sales() -> pl.DataFrame:
    """A sales table without rows."""
    return pl.DataFrame(schema=_SCHEMA)


def read_sales(
    paths: Sequence[str],
    maps: Sequence[SourceMap] = (),
    *,
    settings: Settings | None = None,
    stdin: io.BufferedIOBase | None = None,
) -> SalesResult:
    """Read sales exports (files, or folders searched recursively; ``-`` for CSV on stdin) into one
    table of sales rows: the source file, sheet and row of each, the client's name, INN and id, the
    date, the document, and revenue, cost and profit (revenue − cost where there is a cost column,
    else the profit/margin column).

    ``maps`` are ``--map`` entries (``load_maps(paths, aliases=CLASSIFY_MAP_ALIASES)`` reads maps that
    name sales fields); a map's ``company`` feeds ``client``. Raises
    :class:`~leadkit.errors.LeadkitError` for a file with no sales header, an amount or date that
    cannot be read, or (with ``measure: profit``) a file with neither cost nor profit.
    """
    settings = resolve(settings)
    inputs, warnings = find_inputs(paths)
    counts: Counter[str] = Counter()
    frames: list[pl.DataFrame] = []
    for item in inputs:
        spec = next((m for m in maps if m.applies_to(item.source)), None)
        if item.suffix in WORKBOOK_SUFFIXES:
            grids = _workbook_grids(item, spec, settings, warnings)
        else:
            grids = [_text_grid(item, spec, settings, stdin)]
        for grid in grids:
            frames.append(_sales_rows(grid, settings, warnings, counts))
        counts["files"] += 1
    sales = pl.concat(frames, how="vertical") if frames else empty_sales()
    counts["rows"] = sales.height
    return SalesResult(sales, warnings, dict(counts))


# --- files to grids ---------------------------------------------------------------------------------


def _fields(headers: Sequence[str], spec: SourceMap | None, settings: Settings) -> dict[str, int]:
    assigned = assign_columns(headers, _sales_rules(headers, spec, settings))
    return {name: positions[0] for name, positions in assigned.items()}


def _text_grid(
    item: InputFile, spec: SourceMap | None, settings: Settings, stdin: io.BufferedIOBase | None
) -> _Grid:
    from leadkit.io.importer import read_delimited

    data = item.read_bytes(stdin)
    default = "\t" if item.suffix == ".tsv" else None
    grid = read_delimited(data, item.source, spec, default, settings, SALES)
    return _Grid(item.source, "", grid.headers, grid.rows, _fields(grid.headers, spec, settings))


def _workbook_grids(
    item: InputFile, spec: SourceMap | None, settings: Settings, warnings: list[Notice]
) -> list[_Grid]:
    from leadkit.io.importer import sheet_table

    assert item.path is not None
    names = chosen_sheets(str(item.path), item.source, spec.sheet if spec is not None else None)
    grids: list[_Grid] = []
    for name, values in read_sheet_values(str(item.path), item.source, names):
        texts = [[cell_text(v) for v in row] for row in values]
        if not any(any(c for c in row) for row in texts):
            continue
        table = sheet_table(
            texts, spec, item.source, name, settings, SALES, warnings, "no client and amount"
        )
        if table is None:
            continue
        _, headers, frame = table
        fields = _fields(headers, spec, settings)
        # The cells' own values (numbers, dates) of the rows kept, by their place in the sheet.
        kept = [values[row - 1] for row in frame.get_column("_row").to_list()]

        def cells(i: int, kept: list[list[Any]] = kept) -> list[Any]:
            return [row[i] if i < len(row) else None for row in kept]

        typed: list[pl.Series] = []
        for name_ in _AMOUNTS:
            if name_ in fields:
                i = fields[name_]
                numbers = [
                    float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                    for v in cells(i)
                ]
                typed.append(pl.Series(f"n{i}", numbers, dtype=pl.Float64))
        if C.DATE in fields:
            i = fields[C.DATE]
            dates = [v if hasattr(v, "year") else None for v in cells(i)]
            typed.append(pl.Series(f"d{i}", dates, dtype=pl.Datetime).dt.date())
        if typed:
            frame = frame.select(pl.exclude("_row"), *typed, pl.col("_row"))
        grids.append(_Grid(item.source, name, headers, frame, fields))
    if not grids:
        raise LeadkitError(
            "no sheet has a client and an amount (revenue or profit) column", file=item.source
        )
    return grids


# --- grids to sales rows ----------------------------------------------------------------------------


def _words(words: Sequence[str]) -> str:
    """A regex alternative of folded ``words`` (spaces match any spacing, е matches ё), longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(
        r"\s+".join(re.escape(part).replace("е", "[её]") for part in w.split()) for w in ordered
    )


#: What may follow a total word: nothing, punctuation, or "по …"/"за …" ("Итого по ООО Ромашка"), so
#: that a client called «Всего понемногу» or «Итог-Сервис» is not taken for a total.
_AFTER_TOTAL = r"(?:\s*[:.(]|\s+(?:по|за|for|by|of)\b|\s*$)"
#: What may follow a contract or order word: a space, a number sign or nothing ("Договор № 5",
#: "Основной договор"), not a hyphen («Договор-Сервис» is a client).
_AFTER_SUBGROUP = r"(?:\s|№|$)"


def _starts_with(expr: pl.Expr, words: Sequence[str], after: str) -> pl.Expr:
    """True where the text starts with one of the folded ``words`` (in any case), then ``after``."""
    if not words:
        return pl.lit(False)
    return expr.str.contains(rf"(?i)^\s*(?:{_words(words)}){after}").fill_null(False)


def _folded(expr: pl.Expr) -> pl.Expr:
    """A cell folded as headers are (:func:`leadkit.config.fold_header`)."""
    return (
        expr.str.replace_all("\ufeff", "", literal=True)
        .str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.strip_chars_end(":*")
        .str.strip_chars()
    )


def _text(position: int | None) -> pl.Expr:
    if position is None:
        return pl.lit(None, dtype=pl.String)
    return C.stripped_or_null(pl.col(f"c{position}"))


def _sales_rows(
    grid: _Grid, settings: Settings, warnings: list[Notice], counts: Counter[str]
) -> pl.DataFrame:
    rules: SalesRules = settings.sales
    fields = grid.fields
    measure = settings.abcde.measure
    if measure == "profit" and C.COST not in fields and C.PROFIT not in fields:
        raise LeadkitError(
            "no cost or profit column, so profit cannot be computed: name one in a --map, or set "
            "'measure: revenue' in the abcde settings",
            file=grid.where,
        )
    if measure == "revenue" and C.REVENUE not in fields:
        raise LeadkitError(
            "no revenue column, which 'measure: revenue' ranks by: name one in a --map",
            file=grid.where,
        )
    rows = grid.rows
    height = rows.height
    parsed: list[pl.Series] = []
    for name in _AMOUNTS:
        if name in fields:
            i = fields[name]
            read = read_amounts(rows.get_column(f"c{i}"), rules)
            value, bad = read.get_column("value"), read.get_column("bad")
            if f"n{i}" in rows.columns:  # a workbook's own number comes first
                typed = rows.get_column(f"n{i}")
                value, bad = typed.fill_null(value), bad & typed.is_null()
        else:
            value = pl.Series([None] * height, dtype=pl.Float64)
            bad = pl.Series([False] * height, dtype=pl.Boolean)
        parsed += [value.alias(name), bad.alias(f"_bad_{name}")]
    date_position = fields.get(C.DATE)
    if date_position is None:
        day = pl.Series([None] * height, dtype=pl.Date)
        day_bad = pl.Series([False] * height, dtype=pl.Boolean)
    else:
        read = read_dates(rows.get_column(f"c{date_position}"), rules)
        day, day_bad = read.get_column("value"), read.get_column("bad")
        if f"d{date_position}" in rows.columns:
            typed = rows.get_column(f"d{date_position}")
            day, day_bad = typed.fill_null(day), day_bad & typed.is_null()
    parsed += [day.alias(C.DATE), day_bad.alias("_bad_date")]

    cells = rows.select(
        pl.col("_row"),
        _text(0).alias("_first"),
        _text(fields.get(C.CLIENT)).alias(C.CLIENT),
        _text(fields.get(C.INN)).alias(C.INN),
        _text(fields.get(C.CLIENT_ID)).alias(C.CLIENT_ID),
        _text(fields.get(C.DOCUMENT)).alias(C.DOCUMENT),
        _text(date_position).alias("_date_text"),
    ).with_columns(parsed)
    cells = cells.with_columns(
        pl.col("_row").is_in(_repeated_headers(cells, grid).implode()).alias("_repeated")
    )
    total = pl.any_horizontal(
        [
            _starts_with(pl.col(c), rules.total_words, _AFTER_TOTAL)
            for c in ("_first", C.CLIENT, C.DOCUMENT, "_date_text")
        ]
    )
    cells = cells.with_columns(total.alias("_total"))
    counts["total_rows"] += int(cells.get_column("_total").sum())
    counts["repeated_headers"] += int(cells.get_column("_repeated").sum())
    cells = cells.filter(~pl.col("_total") & ~pl.col("_repeated"))
    _refuse_unreadable(cells, grid)

    # A client cell that holds a 1C document ("… от 15.01.2026") is the document, not a client; a
    # contract's name may hold a date too ("Договор № 5 от 01.01.2025"), and stays a subgroup.
    subgroup = _starts_with(pl.col(C.CLIENT), rules.subgroup_words, _AFTER_SUBGROUP)
    in_client = pl.col(C.CLIENT).str.contains(_DOCUMENT).fill_null(False) & ~subgroup
    cells = cells.with_columns(
        pl.when(in_client)
        .then(pl.coalesce(C.DOCUMENT, C.CLIENT))
        .otherwise(pl.col(C.DOCUMENT))
        .alias(C.DOCUMENT),
        pl.when(in_client | subgroup).then(None).otherwise(pl.col(C.CLIENT)).alias(C.CLIENT),
        subgroup.alias("_subgroup"),
    )
    undated_documents = (
        cells.get_column(C.DATE).is_null() & cells.get_column(C.DOCUMENT).is_not_null()
    )
    if undated_documents.any():  # the date of a document without one in the date column
        cells = cells.with_columns(
            pl.coalesce(pl.col(C.DATE), document_dates(cells.get_column(C.DOCUMENT))).alias(C.DATE)
        )

    identity = pl.any_horizontal(pl.col(C.CLIENT, C.INN, C.CLIENT_ID).is_not_null())
    has_number = pl.any_horizontal(pl.col(*_AMOUNTS).is_not_null())
    dated = pl.col(C.DATE).is_not_null()
    cells = cells.with_columns(
        identity.alias("_named"), dated.alias("_dated"), has_number.alias("_has_number")
    )
    has_dates = bool(cells.get_column("_dated").any())
    if has_dates:
        cells = _resolve_groups(cells, grid, warnings, counts)
    else:
        cells = cells.with_columns(pl.lit(False).alias("_subtotal"))

    kept = cells.filter(
        pl.col("_has_number")
        & ~pl.col("_subtotal")
        & ~(pl.col("_subgroup") & ~pl.col("_dated") & ~pl.col("_named"))
    )
    undated = kept.filter(~pl.col("_dated"))
    counts["undated_rows"] += undated.height
    if has_dates and undated.height:
        warnings.append(
            Notice(
                f"{undated.height} row(s) with amounts but no date (first: row "
                f"{undated.item(0, '_row')}); they count in any period",
                file=grid.where,
            )
        )
    zero = pl.lit(0.0)
    revenue = pl.col(C.REVENUE).fill_null(zero) if C.REVENUE in fields else pl.col(C.REVENUE)
    cost = pl.col(C.COST).fill_null(zero) if C.COST in fields else pl.col(C.COST)
    if C.COST in fields:
        profit = pl.col(C.REVENUE).fill_null(zero) - pl.col(C.COST).fill_null(zero)
    elif C.PROFIT in fields:
        profit = pl.col(C.PROFIT).fill_null(zero)
    else:
        profit = pl.lit(None, dtype=pl.Float64)
    return kept.select(
        pl.lit(grid.source).alias(C.SOURCE),
        pl.lit(grid.sheet or None, dtype=pl.String).alias(C.SOURCE_SHEET),
        pl.col("_row").alias(C.SOURCE_ROW),
        pl.col(C.CLIENT),
        pl.col(C.INN),
        pl.col(C.CLIENT_ID),
        pl.col(C.DATE),
        pl.col(C.DOCUMENT),
        revenue.alias(C.REVENUE),
        cost.alias(C.COST),
        profit.alias(C.PROFIT),
    ).cast(_SCHEMA)


def _repeated_headers(cells: pl.DataFrame, grid: _Grid) -> pl.Series:
    """The rows whose amount cells hold their own headers (a report printed in pages repeats them).
    Only rows with an amount that is not a number can be such rows."""
    flags = [f"_bad_{name}" for name in _AMOUNTS]
    suspects = cells.filter(pl.any_horizontal(pl.col(flags))).get_column("_row")
    if suspects.is_empty():
        return pl.Series("_row", [], dtype=pl.Int64)
    amounts = [name for name in _AMOUNTS if name in grid.fields]
    return (
        grid.rows.filter(pl.col("_row").is_in(suspects.implode()))
        .filter(
            pl.any_horizontal(
                [
                    _folded(pl.col(f"c{grid.fields[name]}"))
                    == fold_header(grid.headers[grid.fields[name]])
                    for name in amounts
                ]
            ).fill_null(False)
        )
        .get_column("_row")
    )


def _refuse_unreadable(cells: pl.DataFrame, grid: _Grid) -> None:
    """An amount or date that cannot be read stops the run, naming the file, row and column."""
    checks = [(f"_bad_{name}", name, "an amount") for name in _AMOUNTS]
    checks.append(("_bad_date", C.DATE, "a date (dd.mm.yyyy or yyyy-mm-dd)"))
    flagged = cells.filter(pl.any_horizontal(pl.col(flag for flag, _, _ in checks)))
    if flagged.height == 0:
        return
    for flag, name, what in checks:
        if flagged.item(0, flag):
            position = grid.fields[name]
            raw = grid.rows.filter(pl.col("_row") == flagged.item(0, "_row")).item(
                0, f"c{position}"
            )
            raise LeadkitError(
                f"not {what}: {raw!r}",
                file=grid.where,
                row=int(flagged.item(0, "_row")),
                column=grid.headers[position],
            )


def _resolve_groups(
    cells: pl.DataFrame, grid: _Grid, warnings: list[Notice], counts: Counter[str]
) -> pl.DataFrame:
    """Grouping rows: their documents take their client; those with documents below are subtotals."""
    start = ~pl.col("_dated") & pl.col("_named")
    grouped = cells.with_columns(start.cum_sum().alias("_group"), start.alias("_start"))
    inherit = pl.col("_dated") & ~pl.col("_named") & (pl.col("_group") > 0)
    grouped = grouped.with_columns(
        *[
            pl.when(inherit)
            .then(pl.col(name).first().over("_group"))
            .otherwise(pl.col(name))
            .alias(name)
            for name in (C.CLIENT, C.INN, C.CLIENT_ID)
        ],
        (pl.col("_start") & (pl.col("_dated").sum().over("_group") > 0)).alias("_subtotal"),
    )
    counts["subtotal_rows"] += int(grouped.get_column("_subtotal").sum())
    _check_subtotals(grouped, grid, warnings)
    return grouped


def _check_subtotals(grouped: pl.DataFrame, grid: _Grid, warnings: list[Notice]) -> None:
    """Warn where a subtotal row's amounts are not the sum of its documents (in kopecks)."""
    # The amounts that count: revenue and cost, or revenue and the profit column where there is no cost.
    used = (C.REVENUE, C.COST) if C.COST in grid.fields else (C.REVENUE, C.PROFIT)
    present = [name for name in used if name in grid.fields]

    def in_kopecks(name: str) -> pl.Expr:
        return kopecks(pl.col(name).fill_null(0.0))

    sums = (
        grouped.filter(pl.col("_dated") & (pl.col("_group") > 0))
        .group_by("_group")
        .agg(*[in_kopecks(name).sum().alias(f"_sum_{name}") for name in present])
    )
    subtotals = grouped.filter(pl.col("_subtotal") & pl.col("_has_number")).join(
        sums, on="_group", how="left"
    )
    differs = subtotals.filter(
        pl.any_horizontal(
            [
                pl.col(name).is_not_null()
                & (in_kopecks(name) != pl.col(f"_sum_{name}").fill_null(0))
                for name in present
            ]
        )
    ).sort("_row")
    if differs.height:
        first = differs.row(0, named=True)
        name = next(
            n
            for n in present
            if first[n] is not None and round(first[n] * 100) != (first[f"_sum_{n}"] or 0)
        )
        warnings.append(
            Notice(
                f"{differs.height} grouping row(s) whose amounts are not the sum of the rows below "
                f"them (first: row {first['_row']}, {grid.headers[grid.fields[name]]} "
                f"{first[name]:,.2f} against {first[f'_sum_{name}'] / 100:,.2f}); the rows below "
                "were counted, not the grouping row",
                file=grid.where,
            )
        )
