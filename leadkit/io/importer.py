"""``leadkit import``: read lead exports (CSV/TSV/TXT, XLSX/XLS/ODS) into one lead table.

Per file: the encoding and separator (:mod:`leadkit.io.text`) or the sheets (:mod:`leadkit.io.sheets`),
then the header row and the columns (:mod:`leadkit.io.headers`). Every source column is kept; each row
gets a ``lead_id`` that is the same on every run of the same files.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl
import polars_hash as plh

from leadkit import columns as C
from leadkit.config import SourceMap
from leadkit.errors import LeadkitError, NoHeaderError, Notice
from leadkit.io.headers import (
    HEADER_SEARCH_ROWS,
    LEADS,
    NO_HEADER,
    TableKind,
    assign_columns,
    extra_names,
    find_header,
    rule_sets,
)
from leadkit.io.inputs import WORKBOOK_SUFFIXES, InputFile, find_inputs
from leadkit.io.sheets import chosen_sheets, read_sheets
from leadkit.io.text import (
    decode_text,
    drop_empty_rows,
    encoding_candidates,
    head_records,
    lines,
    records,
    runaway_quotes,
    sniff_delimiter,
)
from leadkit.settings import Settings, resolve

__all__ = ["ImportResult", "import_leads"]


@dataclass
class ImportResult:
    """The lead table of an import, the warnings met on the way, and what was counted."""

    leads: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Grid:
    """One table found in a file: its header and its data rows as positional text columns c0..cN."""

    source: str
    sheet: str
    header_row: int  # 1-based, as a spreadsheet numbers it
    headers: list[str]
    rows: pl.DataFrame  # c0..cN (String) and _row (Int64, the spreadsheet row of each record)
    spec: SourceMap | None
    delimiter: str | None = None  # None for workbook sheets
    surplus: tuple[str, ...] = ()  # names given to cells that stood beyond the header (extra_N)
    where: str = ""  # the file as messages name it ("standard input" for -)


def import_leads(
    paths: Sequence[str],
    maps: Sequence[SourceMap] = (),
    *,
    settings: Settings | None = None,
    skip_bad: bool = False,
    on_file: Callable[[InputFile, int, int], None] | None = None,
    stdin: io.BufferedIOBase | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import every file under ``paths`` into one lead table (import columns first, then the sources' own).

    With ``skip_bad`` a file that cannot be read is reported as a warning and the others still import;
    without it the first bad file stops the import, so no lead list is ever silently incomplete.
    ``on_file(file, index, total)`` is called before each file is read (for a progress bar).
    ``encoding`` is the text encoding of files whose map entry names none (else it is detected).
    A map entry whose glob matches none of the files is reported.
    """
    settings = resolve(settings)
    inputs, warnings = find_inputs(paths)
    # Lead ids are made file by file, so that no file's row content outlives its reading, except
    # for files that share a source name (``x.csv`` of two folders named on the command line):
    # their identical rows are numbered across both, so those wait for the end.
    shared = {s for s, n in Counter(item.source for item in inputs).items() if n > 1}
    frames: list[pl.DataFrame] = []
    waiting: list[int] = []
    imported = skipped = 0
    first_skip: LeadkitError | None = None
    for index, item in enumerate(inputs):
        if on_file is not None:
            on_file(item, index, len(inputs))
        try:
            grids = read_grids(item, maps, warnings, settings, stdin, encoding)
            for grid in grids:
                leads = to_leads(grid, settings, warnings)
                if item.source in shared:
                    waiting.append(len(frames))
                    frames.append(leads)
                else:
                    frames.append(with_lead_ids(leads))
            imported += 1
        except LeadkitError as exc:
            if not skip_bad:
                raise
            skipped += 1
            first_skip = first_skip or exc
            warnings.append(Notice(f"{exc.message}; file skipped", exc.file, exc.row, exc.column))
    warnings.extend(unused_maps(maps, inputs))
    if not frames:
        why = f" (every file was skipped; the first: {first_skip})" if first_skip else ""
        raise LeadkitError(
            "no leads found in "
            + ", ".join("standard input" if p == "-" else p for p in paths)
            + why
        )
    if waiting:
        together = with_lead_ids(pl.concat([frames[i] for i in waiting], how="diagonal_relaxed"))
        offset = 0
        for i in waiting:
            height = frames[i].height
            frames[i] = together.slice(offset, height)
            offset += height
    leads = C.order_columns(pl.concat(frames, how="diagonal_relaxed"), C.IMPORT_COLUMNS)
    counts = {"files": imported, "files_skipped": skipped, "leads": leads.height}
    return ImportResult(leads, warnings, counts)


def unused_maps(maps: Sequence[SourceMap], inputs: Sequence[InputFile]) -> list[Notice]:
    """A warning for each map entry whose glob matches none of the files read (a typo in ``match``
    would otherwise leave its files to the synonyms without a word)."""
    return [
        Notice(
            f"the map entry match {spec.match!r} matches none of the files read, so it was not used",
            file=spec.origin,
        )
        for spec in maps
        if not any(spec.applies_to(item.source) for item in inputs)
    ]


# --- files to grids ---------------------------------------------------------------------------------


def read_grids(
    item: InputFile,
    maps: Sequence[SourceMap],
    warnings: list[Notice],
    settings: Settings,
    stdin: io.BufferedIOBase | None = None,
    encoding: str | None = None,
) -> list[Grid]:
    """The tables in one file: one for a text file, one per recognisable sheet of a workbook."""
    spec = next((m for m in maps if m.applies_to(item.source)), None)
    if item.suffix in WORKBOOK_SUFFIXES:
        return _read_workbook(item, spec, warnings, settings)
    data = item.read_bytes(stdin)
    default = "\t" if item.suffix == ".tsv" else None
    grid = read_delimited(
        data, item.source, spec, default, settings, where=item.where, encoding=encoding
    )
    if grid.rows.height == 0:
        warnings.append(Notice("a header but no data rows", file=item.where))
    assert grid.delimiter is not None
    for row in runaway_quotes(grid.rows, len(grid.headers), grid.delimiter):
        warnings.append(
            Notice(
                "a quoted cell runs over several lines that look like rows of their own; "
                "check that row for a stray quote",
                file=item.where,
                row=row,
            )
        )
    if grid.surplus:
        warnings.append(
            Notice(
                "some rows have more cells than the header; "
                f"the surplus is kept in {', '.join(grid.surplus)}",
                file=item.where,
            )
        )
    return [grid]


def read_delimited(
    data: bytes,
    source: str,
    spec: SourceMap | None,
    default: str | None,
    settings: Settings,
    kind: TableKind = LEADS,
    *,
    where: str | None = None,
    encoding: str | None = None,
) -> Grid:
    """One delimited export as a grid: decoded, separator sniffed, the header ``kind`` needs found.

    ``where`` names the file in messages (``source`` when not given); ``encoding`` is used when the
    map entry names none. Text that was taken for cp1251 but shows no header is tried again in the
    other encodings charset-normalizer finds it readable in, likeliest first, and read in the first
    that shows a header (KOI8-R in capitals reads as cp1251 letters, and a detector alone may take
    it for Greek).
    """
    where = where or source
    given = (spec.encoding if spec else None) or encoding
    from_stdin = where == "standard input"
    text, used = decode_text(data, where, given, from_stdin=from_stdin)
    if not text.strip():
        raise LeadkitError("the file is empty", file=where)
    try:
        return _grid(text, used, source, where, spec, default, settings, kind)
    except LeadkitError as exc:
        if given is not None or used != "cp1251" or not _leads_header_missing(exc, kind):
            raise
        for name in encoding_candidates(data, exclude=("cp1251",))[:_RETRIES]:
            try:
                return _grid(data.decode(name), name, source, where, spec, default, settings, kind)
            except (LeadkitError, UnicodeDecodeError, LookupError):
                continue
        raise


def _leads_header_missing(exc: LeadkitError, kind: TableKind) -> bool:
    """A lead file showed no header: the encoding may be wrong (sales files are not retried)."""
    return isinstance(exc, NoHeaderError) and kind is LEADS


def _grid(
    text: str,
    encoding: str,
    source: str,
    where: str,
    spec: SourceMap | None,
    default: str | None,
    settings: Settings,
    kind: TableKind,
) -> Grid:
    delimiter = (spec.delimiter if spec else None) or sniff_delimiter(text, default)
    head, starts = head_records(text, delimiter, HEADER_SEARCH_ROWS, where)
    try:
        header_index = find_header(head, spec, where, None, settings, kind)
    except LeadkitError as exc:
        if _leads_header_missing(exc, kind) and encoding not in _SURE_ENCODINGS:
            exc.message += (
                f" (the text was read as {encoding}; if it looks wrong, name the encoding with "
                "--encoding)"
            )
        raise
    headers = head[header_index]
    line_list = [line for _, line in zip(range(starts[header_index]), lines(text), strict=False)]
    body = text[sum(len(line) for line in line_list) :]
    rows = records(body, delimiter, len(headers), where, header_index + 2)
    named = _extend_headers(headers, rows)
    return Grid(
        source,
        "",
        header_index + 1,
        named,
        rows,
        spec,
        delimiter,
        tuple(named[len(headers) :]),
        where=where,
    )


#: How many other encodings a cp1251 guess without a header is tried in.
_RETRIES = 8
#: Encodings that are known rather than guessed (a BOM, UTF-8 that decodes, UTF-16's zero bytes).
_SURE_ENCODINGS = frozenset({"utf-8", "utf-16-le", "utf-16-be"})


def _extend_headers(headers: list[str], rows: pl.DataFrame) -> list[str]:
    """Name the cells that stand beyond the header (``extra_N``) so that nothing a row held is lost."""
    width = sum(1 for c in rows.columns if c != "_row")
    return headers + [f"extra_{i + 1}" for i in range(width - len(headers))]


def _read_workbook(
    item: InputFile, spec: SourceMap | None, warnings: list[Notice], settings: Settings
) -> list[Grid]:
    assert item.path is not None
    names = chosen_sheets(str(item.path), item.source, spec.sheet if spec is not None else None)
    grids: list[Grid] = []
    for name, cells in read_sheets(str(item.path), item.source, names):
        where = f"{item.source} [{name}]"
        if not any(any(c for c in row) for row in cells):
            warnings.append(Notice("empty sheet skipped", file=where))
            continue
        table = sheet_table(
            cells, spec, item.source, name, settings, LEADS, warnings, "no company or phone"
        )
        if table is None:
            continue
        header_index, headers, frame = table
        grids.append(
            Grid(
                item.source,
                name,
                header_index + 1,
                headers,
                frame,
                spec,
                where=item.where,
            )
        )
    if not grids:
        raise LeadkitError("no sheet has a recognisable company or phone column", file=item.source)
    return grids


def sheet_table(
    cells: list[list[str | None]],
    spec: SourceMap | None,
    source: str,
    sheet: str,
    settings: Settings,
    kind: TableKind,
    warnings: list[Notice],
    needs: str,
) -> tuple[int, list[str], pl.DataFrame] | None:
    """A sheet's header row (0-based), its headers (as wide as its widest row) and its data rows as
    ``c0..cN`` and ``_row`` (the spreadsheet's row), empty rows left out. A sheet where no row
    names the columns ``kind`` needs is skipped with a warning (``needs``: what it lacks), unless
    a map names that sheet: then it is an error."""
    head = [[c or "" for c in row] for row in cells[:HEADER_SEARCH_ROWS]]
    try:
        header_index = find_header(head, spec, source, sheet, settings, kind)
    except LeadkitError:
        if spec is not None and spec.sheet is not None:
            raise
        warnings.append(Notice(f"{needs} header found, sheet skipped", file=f"{source} [{sheet}]"))
        return None
    width = max(len(row) for row in cells)
    data = cells[header_index + 1 :]
    frame = pl.DataFrame(
        {
            **{f"c{i}": [row[i] if i < len(row) else None for row in data] for i in range(width)},
            "_row": list(range(header_index + 2, header_index + 2 + len(data))),
        },
        schema={**{f"c{i}": pl.String for i in range(width)}, "_row": pl.Int64},
    )
    headers = [c or "" for c in cells[header_index]] + [""] * (width - len(cells[header_index]))
    return header_index, headers, drop_empty_rows(frame)


# --- grids to leads ---------------------------------------------------------------------------------


def to_leads(grid: Grid, settings: Settings, warnings: list[Notice] | None = None) -> pl.DataFrame:
    """A grid as lead rows: the import columns, the source's other columns, and the content for the lead id."""
    assigned = assign_columns(grid.headers, rule_sets(grid.headers, grid.spec, settings))
    if not LEADS.accepts(assigned):
        raise LeadkitError(NO_HEADER, file=grid.where)
    if warnings is not None and C.COMPANY not in assigned:
        where = grid.where + (f" [{grid.sheet}]" if grid.sheet else "")
        warnings.append(
            Notice("no company column found, leads carry phones only (name it in a --map)", where)
        )
    rows = grid.rows
    cells = [f"c{i}" for i in range(len(grid.headers))]

    def text(i: int) -> pl.Expr:
        return C.stripped_or_null(pl.col(f"c{i}"))

    fields: list[pl.Expr] = []
    for name in C.SOURCE_FIELDS:
        positions = assigned.get(name)
        if not positions:
            fields.append(pl.lit(None, dtype=pl.String).alias(name))
        elif len(positions) == 1:
            fields.append(text(positions[0]).alias(name))
        else:
            joined = pl.concat_str([text(i) for i in positions], separator="; ", ignore_nulls=True)
            fields.append(C.null_if_empty(joined).alias(name))
    used = {i for positions in assigned.values() for i in positions}
    extras = [
        pl.col(f"c{i}").alias(name)
        for i, name in extra_names(grid.headers, used).items()
        if grid.headers[i].strip() or rows.get_column(f"c{i}").null_count() < rows.height
    ]
    return rows.select(
        pl.lit(grid.source).alias(C.SOURCE),
        pl.lit(grid.sheet or None, dtype=pl.String).alias(C.SOURCE_SHEET),
        pl.col("_row").cast(pl.String).alias(C.SOURCE_ROW),
        *fields,
        *extras,
        pl.concat_str([pl.col(c).fill_null("") for c in cells], separator="\x1f").alias("_content"),
    )


def with_lead_ids(leads: pl.DataFrame) -> pl.DataFrame:
    """Add ``lead_id``: a hash of the source, sheet and row content, so re-runs of the same files agree.

    Identical rows of one source are told apart by their order of occurrence. SHA-256 (polars-hash) is the
    same in every version and on every machine, unlike Polars' own ``hash``.
    """
    key = pl.concat_str(
        [pl.col(C.SOURCE), pl.col(C.SOURCE_SHEET).fill_null(""), pl.col("_content")],
        separator="\x1e",
    )
    # Grouping by a 64-bit hash is much faster than by the long key; a collision only shifts an
    # occurrence number, and the SHA-256 below still sees the whole key.
    occurrence = pl.int_range(pl.len()).over(plh.col("_key").nchash.xxh3_64())
    lead_id = "L" + plh.col("_key").chash.sha2_256().str.slice(0, 15)
    with_ids = (
        leads.with_columns(key.alias("_key"))
        .with_columns(
            pl.concat_str([pl.col("_key"), occurrence.cast(pl.String)], separator="\x1e").alias(
                "_key"
            )
        )
        .with_columns(lead_id.alias(C.LEAD_ID))
        .drop("_key", "_content")
    )
    return C.order_columns(with_ids, C.IMPORT_COLUMNS)
