"""Read lead exports (CSV/TSV/TXT, XLSX/XLS/ODS) into one lead table, and read leadkit's own tables back.

Per file, the reader sniffs the encoding (BOMs, UTF-16 without BOM, UTF-8, then cp1251), the separator
(, ; tab |), and the header row (the first rows are scored by how many header synonyms they hold, so title rows
above the header are skipped while ``source_row`` still counts them). Columns are then assigned to lead fields by
a ``--map`` entry, else a built-in source profile, else the header synonyms; every other column is kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import polars_hash as plh

from leadkit import columns as C
from leadkit.config import (
    MULTI_VALUE_FIELDS,
    ColumnRules,
    SourceMap,
    fold_header,
    profiles,
    synonyms,
)
from leadkit.errors import LeadkitError

DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
SUPPORTED_SUFFIXES = DELIMITED_SUFFIXES | WORKBOOK_SUFFIXES
#: How many rows from the top may hold titles before the header.
HEADER_SEARCH_ROWS = 30
_HEAD_LINES = 400
_DELIMITERS = (";", ",", "\t", "|")
STDIN = "-"

csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class InputFile:
    """A file to import: where it is and what ``source`` calls it."""

    path: Path | None  # None: standard input
    source: str

    @property
    def suffix(self) -> str:
        """The lower-case extension (``.csv`` for standard input)."""
        return ".csv" if self.path is None else self.path.suffix.lower()


@dataclass
class ImportResult:
    """The lead table of an import, with the warnings met on the way (for stderr)."""

    leads: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    files: int = 0


@dataclass
class _Grid:
    """One table found in a file: its header and its data rows as positional text columns c0..cN."""

    source: str
    sheet: str
    header_row: int  # 1-based, as a spreadsheet numbers it
    headers: list[str]
    rows: pl.DataFrame  # c0..cN (String) and _row (Int64, the spreadsheet row of each record)
    spec: SourceMap | None
    delimiter: str | None = None  # None for workbook sheets
    surplus: tuple[str, ...] = ()  # names given to cells that stood beyond the header (extra_N)


def find_inputs(paths: Sequence[str]) -> tuple[list[InputFile], list[str]]:
    """Expand files and directories (recursively, in sorted path order) into the files to import."""
    found: list[InputFile] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    for arg in paths:
        if arg == STDIN:
            found.append(InputFile(None, "stdin"))
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
                ),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not files:
                raise LeadkitError("no CSV, TSV, TXT or Excel files in this directory", file=arg)
            pairs = [(p, p.relative_to(path).as_posix()) for p in files]
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise LeadkitError(
                    f"unsupported file type {path.suffix or '(none)'}; "
                    f"leadkit reads {', '.join(sorted(SUPPORTED_SUFFIXES))}",
                    file=arg,
                )
            pairs = [(path, path.name)]
        else:
            raise LeadkitError("no such file or directory", file=arg)
        for file, source in pairs:
            key = file.resolve()
            if key in seen:
                warnings.append(f"{file}: named twice, imported once")
                continue
            seen.add(key)
            found.append(InputFile(file, source))
    return found, warnings


def import_leads(
    paths: Sequence[str],
    maps: Sequence[SourceMap] = (),
    *,
    skip_bad: bool = False,
    on_file: Callable[[InputFile, int, int], None] | None = None,
    stdin: io.BufferedIOBase | None = None,
) -> ImportResult:
    """Import every file under ``paths`` into one lead table (import columns first, then the sources' own).

    With ``skip_bad`` a file that cannot be read is reported as a warning and the others still import;
    without it the first bad file stops the import, so no lead list is ever silently incomplete.
    ``on_file(file, index, total)`` is called before each file is read (for a progress bar).
    """
    inputs, warnings = find_inputs(paths)
    frames: list[pl.DataFrame] = []
    imported = 0
    for index, item in enumerate(inputs):
        if on_file is not None:
            on_file(item, index, len(inputs))
        try:
            grids = _read_grids(item, maps, warnings, stdin)
            frames.extend(_to_leads(grid, warnings) for grid in grids)
            imported += 1
        except LeadkitError as exc:
            if not skip_bad:
                raise
            warnings.append(f"{exc}; file skipped")
    if not frames:
        raise LeadkitError("no leads found in " + ", ".join(paths))
    leads = pl.concat(frames, how="diagonal_relaxed")
    return ImportResult(_with_lead_ids(leads), warnings, imported)


# --- files to grids ---------------------------------------------------------------------------------


def _read_grids(
    item: InputFile,
    maps: Sequence[SourceMap],
    warnings: list[str],
    stdin: io.BufferedIOBase | None,
) -> list[_Grid]:
    spec = next((m for m in maps if m.applies_to(item.source)), None)
    if item.suffix in WORKBOOK_SUFFIXES:
        assert item.path is not None
        return _read_workbook(item, spec, warnings)
    if item.path is None:
        data = (stdin or sys.stdin.buffer).read()
    else:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            raise LeadkitError(f"cannot read: {exc.strerror}", file=item.source) from exc
    default = "\t" if item.suffix == ".tsv" else None
    grid = _read_delimited(data, item.source, spec, default)
    if grid.rows.height == 0:
        warnings.append(f"{item.source}: a header but no data rows")
    for row in _runaway_quotes(grid):
        warnings.append(
            f"{item.source}: row {row} has a quoted cell that runs over several lines that look like "
            "rows of their own; check that row for a stray quote"
        )
    if grid.surplus:
        warnings.append(
            f"{item.source}: some rows have more cells than the header; "
            f"the surplus is kept in {', '.join(grid.surplus)}"
        )
    return [grid]


def decode(data: bytes, where: str, encoding: str | None = None) -> str:
    """Decode a text export: a given encoding, else BOMs, UTF-16 by its zero bytes, UTF-8, then cp1251."""
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise LeadkitError(f"not valid {encoding} text (byte {exc.start})", file=where) from exc
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LeadkitError("this is an Excel workbook: give it an .xlsx or .xls name", file=where)
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return _decode_or_fail(data[len(bom) :], name, where)
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode_or_fail(data[2:], "utf-16-be", where)
    sample = data[:4096]
    if sample and sample.count(0) * 4 >= len(
        sample
    ):  # UTF-16 without a BOM: every other byte is zero
        even_zeros = sample[0::2].count(0)
        return _decode_or_fail(
            data, "utf-16-be" if even_zeros > sample[1::2].count(0) else "utf-16-le", where
        )
    if 0 in sample:
        raise LeadkitError("binary data, not a text table", file=where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        if sum(1 for ch in before if "\u0400" <= ch <= "\u04ff") >= 2:
            # Cyrillic read fine as UTF-8 up to here: not a cp1251 file but one of mixed encodings.
            raise LeadkitError(
                f"UTF-8 text with a byte that is not UTF-8 (0x{data[exc.start]:02x}): the file mixes "
                "encodings; save it again in one",
                file=where,
                row=before.count("\n") + 1,
            ) from exc
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise LeadkitError(
            "neither UTF-8, UTF-16 nor cp1251 text; name its encoding in a --map", file=where
        ) from exc


def _decode_or_fail(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LeadkitError(f"not valid {encoding} text (byte {exc.start})", file=where) from exc


def _lines(text: str) -> Iterator[str]:
    return iter(io.StringIO(text, newline=""))


def sniff_delimiter(text: str, default: str | None = None) -> str:
    """The separator that splits the first lines into the most rows of one width (more than one column)."""
    head = [line for _, line in zip(range(_HEAD_LINES), _lines(text), strict=False)]
    best: tuple[int, int] = (0, 0)
    choice = default or ","
    for delimiter in _DELIMITERS:
        widths = [len(r) for r in csv.reader(head, delimiter=delimiter) if len(r) > 1]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if (count, width) > best:
            best, choice = (count, width), delimiter
    return choice


def _read_delimited(data: bytes, source: str, spec: SourceMap | None, default: str | None) -> _Grid:
    text = decode(data, source, spec.encoding if spec else None)
    if not text.strip():
        raise LeadkitError("the file is empty", file=source)
    delimiter = (spec.delimiter if spec else None) or sniff_delimiter(text, default)
    head: list[list[str]] = []
    record_start_lines: list[int] = []
    lines = list(zip(range(_HEAD_LINES), _lines(text), strict=False))
    reader = csv.reader((line for _, line in lines), delimiter=delimiter)
    try:
        while len(head) < HEADER_SEARCH_ROWS:
            record_start_lines.append(reader.line_num)
            head.append(next(reader))
    except StopIteration:
        record_start_lines.pop()
    except csv.Error as exc:
        raise LeadkitError(f"unreadable CSV: {exc}", file=source, row=len(head) + 1) from exc
    header_index = _find_header(head, spec, source, None)
    headers = head[header_index]
    offset = sum(len(line) for _, line in lines[: record_start_lines[header_index]])
    body = text[offset:]
    rows = _body_fast(body, delimiter, len(headers))
    if rows is None:
        rows = _body_python(body, delimiter, len(headers), source, header_index + 1)
    else:
        rows = rows.with_columns((pl.col("_row") + header_index + 2).cast(pl.Int64))
    named = _extend_headers(headers, rows)
    return _Grid(
        source,
        "",
        header_index + 1,
        named,
        rows,
        spec,
        delimiter,
        tuple(named[len(headers) :]),
    )


def _body_fast(body: str, delimiter: str, width: int) -> pl.DataFrame | None:
    """Parse the records below the header with Polars; None when the rows are ragged (Python takes over)."""
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        frame = pl.read_csv(
            body.encode("utf-8"),
            separator=delimiter,
            has_header=False,
            skip_rows=1,
            schema=schema,
            infer_schema=False,
            row_index_name="_row",
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    return _drop_empty_rows(frame)


def _body_python(
    body: str, delimiter: str, width: int, source: str, header_row: int
) -> pl.DataFrame:
    """Parse ragged records one by one: cells beyond the header are kept in extra columns."""
    reader = csv.reader(_lines(body), delimiter=delimiter)
    records: list[list[str]] = []
    row_numbers: list[int] = []
    widest = width
    try:
        next(reader, None)  # the header itself
        for index, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            while len(record) > width and not record[-1].strip():
                record.pop()
            widest = max(widest, len(record))
            records.append(record)
            row_numbers.append(header_row + index)
    except csv.Error as exc:
        raise LeadkitError(
            f"unreadable CSV: {exc}", file=source, row=header_row + len(records) + 1
        ) from exc
    columns: dict[str, list[str | None]] = {f"c{i}": [] for i in range(widest)}
    for record in records:
        for i in range(widest):
            columns[f"c{i}"].append(record[i] if i < len(record) and record[i] != "" else None)
    frame = pl.DataFrame(
        {**columns, "_row": row_numbers},
        schema={**{name: pl.String for name in columns}, "_row": pl.Int64},
    )
    return frame


def _runaway_quotes(grid: _Grid) -> list[int]:
    """Rows whose quoted cell spans lines that hold as many separators as a whole row would.

    A stray opening quote makes a reader (leadkit's, or a spreadsheet's) take the next rows into one
    cell; a real multi-line cell (an address, a description) rarely holds a row's worth of separators.
    """
    if grid.delimiter is None or len(grid.headers) < 2:
        return []
    need = len(grid.headers) - 1
    cells = [c for c in grid.rows.columns if c != "_row"]
    multiline = grid.rows.filter(pl.any_horizontal(pl.col(cells).str.contains("\n")))
    found = []
    for record in multiline.iter_rows(named=True):
        lines = [line for v in record.values() if isinstance(v, str) for line in v.split("\n")[1:]]
        if any(line.count(grid.delimiter) >= need for line in lines):
            found.append(int(record["_row"]))
    return found


def _drop_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame
    return frame.filter(
        pl.any_horizontal(pl.col(cells).str.strip_chars().fill_null("").str.len_chars() > 0)
    )


def _extend_headers(headers: list[str], rows: pl.DataFrame) -> list[str]:
    """Name the cells that stand beyond the header (``extra_N``) so that nothing a row held is lost."""
    width = sum(1 for c in rows.columns if c != "_row")
    return headers + [f"extra_{i + 1}" for i in range(width - len(headers))]


def _read_workbook(item: InputFile, spec: SourceMap | None, warnings: list[str]) -> list[_Grid]:
    from python_calamine import CalamineWorkbook

    assert item.path is not None
    try:
        workbook = CalamineWorkbook.from_path(str(item.path))
        names = list(workbook.sheet_names)
    except (
        Exception
    ) as exc:  # calamine raises its own error types for every kind of broken workbook
        raise LeadkitError(f"not a readable workbook: {exc}", file=item.source) from exc
    if spec is not None and spec.sheet is not None:
        if spec.sheet not in names:
            raise LeadkitError(
                f"no sheet {spec.sheet!r} (sheets: {', '.join(names)})", file=item.source
            )
        names = [spec.sheet]
    grids: list[_Grid] = []
    for name in names:
        try:
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise LeadkitError(f"sheet {name!r} is unreadable: {exc}", file=item.source) from exc
        cells = [[_cell_text(v) for v in row] for row in values]
        if not any(any(c for c in row) for row in cells):
            warnings.append(f"{item.source} [{name}]: empty sheet skipped")
            continue
        head = [[c or "" for c in row] for row in cells[:HEADER_SEARCH_ROWS]]
        try:
            header_index = _find_header(head, spec, item.source, name)
        except LeadkitError:
            if spec is not None and spec.sheet is not None:
                raise
            warnings.append(
                f"{item.source} [{name}]: no company or phone header found, sheet skipped"
            )
            continue
        width = max(len(row) for row in cells)
        data = cells[header_index + 1 :]
        frame = pl.DataFrame(
            {
                **{
                    f"c{i}": [row[i] if i < len(row) else None for row in data]
                    for i in range(width)
                },
                "_row": list(range(header_index + 2, header_index + 2 + len(data))),
            },
            schema={**{f"c{i}": pl.String for i in range(width)}, "_row": pl.Int64},
        )
        headers = [c or "" for c in cells[header_index]] + [""] * (width - len(cells[header_index]))
        grids.append(
            _Grid(item.source, name, header_index + 1, headers, _drop_empty_rows(frame), spec)
        )
    if not grids:
        raise LeadkitError("no sheet has a recognisable company or phone column", file=item.source)
    return grids


def _cell_text(value: Any) -> str | None:
    """A workbook cell as the text a person sees: 7707083893.0 → '7707083893', dates in ISO form."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --- headers and columns ----------------------------------------------------------------------------


def _rule_sets(headers: Sequence[str], spec: SourceMap | None) -> list[ColumnRules]:
    folded = [fold_header(h) for h in headers]
    rules: list[ColumnRules] = []
    if spec is not None:
        rules.append(spec.columns)
    profile = next((p for p in profiles() if p.recognises(folded)), None)
    if profile is not None:
        rules.append(profile.columns)
    rules.append(synonyms())
    return rules


def assign_columns(
    headers: Sequence[str], rule_sets: Sequence[ColumnRules]
) -> dict[str, list[int]]:
    """Which header positions feed which lead field; earlier rule sets win, a column feeds one field."""
    folded = [fold_header(h) for h in headers]
    taken: set[int] = set()
    assigned: dict[str, list[int]] = {}
    for rules in rule_sets:
        for name, patterns in rules.fields.items():
            if name in assigned:
                continue
            if name in MULTI_VALUE_FIELDS:
                found = [
                    i
                    for i, h in enumerate(folded)
                    if i not in taken and h and any(p.matches(h) for p in patterns)
                ]
            else:
                found = next(
                    (
                        [i]
                        for p in patterns
                        for i, h in enumerate(folded)
                        if i not in taken and h and p.matches(h)
                    ),
                    [],
                )
            if found:
                assigned[name] = found
                taken.update(found)
    return assigned


def _find_header(
    head: list[list[str]], spec: SourceMap | None, source: str, sheet: str | None
) -> int:
    """The index of the header among the first rows: a map's ``header_row``, else the best-scoring row."""
    where = source if sheet is None else f"{source} [{sheet}]"
    if spec is not None and spec.header_row is not None:
        index = spec.header_row - 1
        if index >= len(head):
            raise LeadkitError(
                f"header_row {spec.header_row} is past the end of the data", file=where
            )
        _check_map_columns(head[index], spec, where, index + 1)
        return index
    best, best_score = -1, 0
    for index, row in enumerate(head):
        fields = assign_columns(row, _rule_sets(row, spec))
        if C.COMPANY not in fields and C.PHONE_RAW not in fields:
            continue
        mapped = 0 if spec is None else len(assign_columns(row, [spec.columns]))
        score = mapped * 100 + len(fields)
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        hint = "" if spec else "; name its columns in a --map file"
        raise LeadkitError(f"no company or phone column found in the first rows{hint}", file=where)
    if spec is not None:
        _check_map_columns(head[best], spec, where, best + 1)
    return best


def _check_map_columns(header: list[str], spec: SourceMap, where: str, row: int) -> None:
    folded = {fold_header(h) for h in header}
    for name, patterns in spec.columns.fields.items():
        for pattern in patterns:
            if pattern.regex is None and pattern.text not in folded:
                raise LeadkitError(
                    f"the map ({spec.origin}) names column {pattern.text!r} for {name}, "
                    "which the header does not have",
                    file=where,
                    row=row,
                )


def _extra_names(headers: Sequence[str], used: set[int]) -> dict[int, str]:
    """Output names of the columns that feed no lead field: their own header, made unique."""
    reserved = set(C.CANONICAL_ORDER)
    names: dict[int, str] = {}
    seen: set[str] = set()
    for i, header in enumerate(headers):
        if i in used:
            continue
        name = header.replace("\ufeff", "").strip() or f"column_{i + 1}"
        if name in reserved:
            name = f"src_{name}"
        base, n = name, 2
        while name in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name)
        names[i] = name
    return names


def _to_leads(grid: _Grid, warnings: list[str] | None = None) -> pl.DataFrame:
    """A grid as lead rows: the import columns, the source's other columns, and the content for the lead id."""
    assigned = assign_columns(grid.headers, _rule_sets(grid.headers, grid.spec))
    if C.COMPANY not in assigned and C.PHONE_RAW not in assigned:
        raise LeadkitError("no company or phone column found", file=grid.source)
    if warnings is not None and C.COMPANY not in assigned:
        where = grid.source + (f" [{grid.sheet}]" if grid.sheet else "")
        warnings.append(
            f"{where}: no company column found, leads carry phones only (name it in a --map)"
        )
    rows = grid.rows
    cells = [f"c{i}" for i in range(len(grid.headers))]

    def text(i: int) -> pl.Expr:
        stripped = pl.col(f"c{i}").str.strip_chars()
        return pl.when(stripped.str.len_chars() > 0).then(stripped)

    fields: list[pl.Expr] = []
    for name in C.SOURCE_FIELDS:
        positions = assigned.get(name)
        if not positions:
            fields.append(pl.lit(None, dtype=pl.String).alias(name))
        elif len(positions) == 1:
            fields.append(text(positions[0]).alias(name))
        else:
            joined = pl.concat_str([text(i) for i in positions], separator="; ", ignore_nulls=True)
            fields.append(pl.when(joined.str.len_chars() > 0).then(joined).alias(name))
    used = {i for positions in assigned.values() for i in positions}
    extras = [
        pl.col(f"c{i}").alias(name)
        for i, name in _extra_names(grid.headers, used).items()
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


def _with_lead_ids(leads: pl.DataFrame) -> pl.DataFrame:
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


# --- leadkit's own tables ---------------------------------------------------------------------------


def read_plain(path: str, *, stdin: io.BufferedIOBase | None = None) -> pl.DataFrame:
    """Read any table leadkit reads (header in the first row) as text columns, nothing interpreted."""
    return _read_plain(path, stdin)[0]


def read_table(path: str, *, stdin: io.BufferedIOBase | None = None) -> pl.DataFrame:
    """Read a table that a leadkit command wrote (any output format, or CSV on stdin for ``-``).

    A table without ``lead_id`` is taken for an export and imported first, so any command accepts raw exports.
    """
    frame, data = _read_plain(path, stdin)
    if C.LEAD_ID not in frame.columns:
        if data is None:
            return import_leads([path]).leads
        item = InputFile(None, "stdin") if path == STDIN else InputFile(Path(path), Path(path).name)
        grid = _read_delimited(data, item.source, None, "\t" if item.suffix == ".tsv" else None)
        return _with_lead_ids(_to_leads(grid, None))
    return to_lead_frame(frame)


def _read_plain(path: str, stdin: io.BufferedIOBase | None) -> tuple[pl.DataFrame, bytes | None]:
    """The table, and the raw bytes when it was delimited text (so it can be imported as an export)."""
    suffix = ".csv" if path == STDIN else Path(path).suffix.lower()
    where = "standard input" if path == STDIN else path
    if path != STDIN and not Path(path).is_file():
        raise LeadkitError("no such file", file=path)
    if suffix == ".parquet":
        return _safe(lambda: pl.read_parquet(path), path), None
    if suffix in {".jsonl", ".ndjson"}:
        return _safe(lambda: pl.read_ndjson(path, infer_schema_length=None), path), None
    if suffix in WORKBOOK_SUFFIXES:
        return _read_workbook_table(path), None
    if suffix not in DELIMITED_SUFFIXES:
        raise LeadkitError(
            f"cannot read {suffix or 'files without an extension'} tables", file=path
        )
    data = (stdin or sys.stdin.buffer).read() if path == STDIN else Path(path).read_bytes()
    text = decode(data, where)
    if not text.strip():
        raise LeadkitError("the input is empty", file=where)
    delimiter = sniff_delimiter(text, "\t" if suffix == ".tsv" else None)
    frame = _safe(
        lambda: pl.read_csv(
            text.encode("utf-8"), separator=delimiter, infer_schema=False, raise_if_empty=False
        ),
        where,
    )
    return unguard_formulas(frame), data


def _safe(read: Callable[[], pl.DataFrame], path: str) -> pl.DataFrame:
    try:
        return read()
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LeadkitError(f"unreadable table: {first_line}", file=path) from exc


def _read_workbook_table(path: str) -> pl.DataFrame:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
        sheet = "Leads" if "Leads" in names else names[0]
        values = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise LeadkitError(f"not a readable workbook: {exc}", file=path) from exc
    if not values:
        raise LeadkitError("the first sheet is empty", file=path)
    header = [_cell_text(v) or f"column_{i + 1}" for i, v in enumerate(values[0])]
    rows = [[_cell_text(v) for v in row] for row in values[1:]]
    return pl.DataFrame(
        {h: [r[i] if i < len(r) else None for r in rows] for i, h in enumerate(header)},
        schema=dict.fromkeys(header, pl.String),
    )


def to_lead_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Bring a table read from any format to the in-memory shape: text columns, ``phones`` a list."""
    exprs = []
    for name, dtype in frame.schema.items():
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


#: A cell a spreadsheet would run as a formula, or one that already carries leadkit's guard quote.
FORMULA_GUARDED = r"^'['=+\-@\t\r]"


def unguard_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Remove the quote that leadkit's CSV writer puts before formula-like cells."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_GUARDED))
        .then(pl.col(c).str.slice(1))
        .otherwise(pl.col(c))
        .alias(c)
        for c, t in frame.schema.items()
        if t == pl.String
    )
