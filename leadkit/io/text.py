"""Delimited text: the encoding, the separator, and the records as positional text columns.

Encodings: a given one, else BOMs, UTF-16 by its zero bytes, UTF-8, then cp1251 (what Russian Excel
saves) when the bytes read as Russian in it; other encodings (KOI8-R, cp866, …) are found by
charset-normalizer. Separators: , ; tab | — the one that splits the first lines into the most rows of one width.
Records come back as columns ``c0..cN`` (String) with ``_row``, the row number a spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from collections.abc import Iterator

import polars as pl

from leadkit.errors import LeadkitError

#: How many lines the separator is sniffed on.
_HEAD_LINES = 400
_DELIMITERS = (";", ",", "\t", "|")

csv.field_size_limit(2**31 - 1)


def decode(
    data: bytes, where: str, encoding: str | None = None, *, from_stdin: bool = False
) -> str:
    """Decode a text export (see :func:`decode_text`)."""
    return decode_text(data, where, encoding, from_stdin=from_stdin)[0]


def decode_text(
    data: bytes, where: str, encoding: str | None = None, *, from_stdin: bool = False
) -> tuple[str, str]:
    """Decode a text export; returns the text and the encoding it was read in.

    A given encoding, else BOMs, UTF-16 by its zero bytes, UTF-8, then cp1251 when the bytes read as
    Russian text in it (what Russian Excel saves). Anything else (KOI8-R, cp866, ISO-8859-5,
    MacCyrillic, …) is left to charset-normalizer; when it finds nothing that fits, the error says
    the encoding was not recognised and how to name it.
    """
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), codecs.lookup(encoding).name
        except UnicodeDecodeError as exc:
            raise LeadkitError(f"not valid {encoding} text (byte {exc.start})", file=where) from exc
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        if from_stdin:
            raise LeadkitError(
                "this is an Excel workbook; standard input takes CSV only: give the workbook "
                "as a file argument",
                file=where,
            )
        raise LeadkitError("this is an Excel workbook: give it an .xlsx or .xls name", file=where)
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return _decode_or_fail(data[len(bom) :], name, where), name
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode_or_fail(data[2:], "utf-16-be", where), "utf-16-be"
    sample = data[:4096]
    if sample and sample.count(0) * 4 >= len(sample):
        # UTF-16 without a BOM: every other byte is zero.
        even_zeros = sample[0::2].count(0)
        name = "utf-16-be" if even_zeros > sample[1::2].count(0) else "utf-16-le"
        return _decode_or_fail(data, name, where), name
    if 0 in sample:
        raise LeadkitError("binary data, not a text table", file=where)
    try:
        return data.decode("utf-8"), "utf-8"
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
    verdict = _cp1251_verdict(data[:_DETECT_BYTES])
    if verdict == "yes":
        return data.decode("cp1251"), "cp1251"
    return detect_other(data, where, exclude=("cp1251",) if verdict == "no" else ())


#: How much of a file the encoding is judged on.
_DETECT_BYTES = 1 << 16
#: What cp1251 exports hold besides letters in its range 0x80-0xBF: quotes, dashes, №, the no-break
#: space, ellipsis. Other bytes there read as rare symbols (Ђ, Ќ, ™): a sign of another code page.
_CP1251_MARKS = frozenset("«»–—№“”„‘’…•·°\u00a0")


def _cp1251_verdict(sample: bytes) -> str:
    """Whether bytes that are not UTF-8 are cp1251: "yes" (Russian letters, mostly lower case),
    "no" (bytes that cp1251 reads as rare symbols: another code page, such as cp866 or
    MacCyrillic), or "maybe" (letters, but mostly capitals: cp1251 in capitals, or KOI8-R, whose
    lower case is cp1251's upper case)."""
    high = [ch for ch in sample.decode("cp1251", errors="replace") if ord(ch) >= 0x80]
    if not high:
        return "yes"
    letters = [ch for ch in high if "\u0410" <= ch <= "\u044f" or ch in "Ёё"]
    symbols = len(high) - len(letters) - sum(1 for ch in high if ch in _CP1251_MARKS)
    if symbols > 0.01 * len(high):
        return "no"
    lower = sum(1 for ch in letters if ch.islower())
    return "yes" if letters and lower >= 0.5 * len(letters) else "maybe"


def encoding_candidates(data: bytes, exclude: tuple[str, ...] = ()) -> list[str]:
    """The encodings charset-normalizer finds the bytes readable in, likeliest first (``exclude``:
    encodings already ruled out)."""
    from charset_normalizer import from_bytes

    found = from_bytes(data[:_DETECT_BYTES], cp_exclusion=list(exclude) or None)
    return [match.encoding for match in found]


def detect_other(data: bytes, where: str, exclude: tuple[str, ...] = ()) -> tuple[str, str]:
    """The text and encoding of bytes in an encoding beyond the common four, by charset-normalizer."""
    for name in encoding_candidates(data, exclude)[:1]:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            pass
    raise not_recognised(where)


def not_recognised(where: str) -> LeadkitError:
    """The error for bytes in no encoding leadkit could tell."""
    return LeadkitError(
        "the text encoding was not recognised (it is not UTF-8, UTF-16 or cp1251); name it "
        "with --encoding, e.g. --encoding koi8-r or --encoding cp866",
        file=where,
    )


def _decode_or_fail(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LeadkitError(f"not valid {encoding} text (byte {exc.start})", file=where) from exc


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines(text: str) -> Iterator[str]:
    """The physical lines of ``text``, line ends kept (what the csv module reads: ``io.StringIO(text,
    newline="")`` gives the same), one at a time: a StringIO would copy the whole text at four bytes
    a character (a 250 MB export cost 1 GB here) when only the first lines are wanted."""
    return (match.group() for match in _LINE.finditer(text))


def sniff_delimiter(text: str, default: str | None = None) -> str:
    """The separator that splits the first lines into the most rows of one width (more than one column)."""
    head = [line for _, line in zip(range(_HEAD_LINES), lines(text), strict=False)]
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


def head_records(
    text: str, delimiter: str, count: int, where: str
) -> tuple[list[list[str]], list[int]]:
    """The first ``count`` records and, for each, the index of the physical line it starts on."""
    head: list[list[str]] = []
    starts: list[int] = []
    taken = [line for _, line in zip(range(_HEAD_LINES), lines(text), strict=False)]
    reader = csv.reader(taken, delimiter=delimiter)
    try:
        while len(head) < count:
            starts.append(reader.line_num)
            head.append(next(reader))
    except StopIteration:
        starts.pop()
    except csv.Error as exc:
        raise LeadkitError(f"unreadable CSV: {exc}", file=where, row=len(head) + 1) from exc
    return head, starts


def records(body: str, delimiter: str, width: int, where: str, first_row: int) -> pl.DataFrame:
    """The records of ``body`` as ``c0..cN`` (at least ``width`` columns) and ``_row``.

    ``body`` starts with one line that is skipped (the header), and its first record after that is
    spreadsheet row ``first_row``. Empty records are left out (they still count for ``_row``); cells
    beyond ``width`` are kept in further columns. Polars parses regular files; ragged ones go
    record by record.
    """
    rows = _records_fast(body, delimiter, width)
    if rows is None:
        return _records_python(body, delimiter, width, where, first_row)
    return rows.with_columns((pl.col("_row") + first_row).cast(pl.Int64))


def _records_fast(body: str, delimiter: str, width: int) -> pl.DataFrame | None:
    """Parse with Polars; None when Polars cannot (Python takes over).

    A ragged file (rows with more cells than the header: a CRM dump's trailing separators, a note in
    an extra cell) is read again as wide as its widest line could be, and its surplus cells are
    trimmed as :func:`_records_python` trims them: blank cells at the end of a row beyond ``width``
    go, and so do surplus columns no row fills.
    """
    data = body.encode("utf-8")
    frame = _read(data, delimiter, width)
    if frame is None:
        text_lines = pl.Series([body]).str.split("\n").explode()
        widest = text_lines.str.count_matches(delimiter, literal=True).cast(pl.Int64).max()
        widest = (widest if isinstance(widest, int) else 0) + 1
        newline = data.find(b"\n")
        if widest <= width or newline < 0:
            return None
        # A line of bare separators stands in for the header, so that Polars expects ``widest``
        # cells; it is row 0 here and is dropped.
        frame = _read(delimiter.encode() * (widest - 1) + data[newline:], delimiter, widest, 0)
        if frame is None:
            return None
        frame = frame.filter(pl.col("_row") > 0).with_columns(pl.col("_row") - 1)
        frame = _trim_surplus(frame, width)
    return drop_empty_rows(frame)


def _read(data: bytes, delimiter: str, width: int, skip: int = 1) -> pl.DataFrame | None:
    """``data`` (its first ``skip`` lines left out) as ``width`` text columns and ``_row``; None when
    a row has more cells or Polars cannot parse it."""
    try:
        return pl.read_csv(
            data,
            separator=delimiter,
            has_header=False,
            skip_rows=skip,
            schema={f"c{i}": pl.String for i in range(width)},
            infer_schema=False,
            row_index_name="_row",
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None


def _trim_surplus(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    """Cells beyond ``width`` kept only up to a row's last non-blank one; empty surplus columns gone."""
    surplus = [c for c in frame.columns if c != "_row"][width:]
    kept: dict[str, pl.Expr] = {}
    later: pl.Expr = pl.lit(False)
    for name in reversed(surplus):
        later = later | (pl.col(name).str.strip_chars().fill_null("") != "")
        kept[name] = pl.when(later).then(pl.col(name)).alias(name)
    frame = frame.with_columns(*kept.values())
    filled = [c for c in surplus if frame.get_column(c).null_count() < frame.height]
    last = surplus.index(filled[-1]) if filled else -1
    return frame.drop(surplus[last + 1 :])


def _records_python(
    body: str, delimiter: str, width: int, where: str, first_row: int
) -> pl.DataFrame:
    """Parse ragged records one by one: cells beyond ``width`` are kept in further columns."""
    reader = csv.reader(lines(body), delimiter=delimiter)
    found: list[list[str]] = []
    row_numbers: list[int] = []
    widest = width
    try:
        next(reader, None)  # the header itself
        for index, record in enumerate(reader):
            if not any(cell.strip() for cell in record):
                continue
            while len(record) > width and not record[-1].strip():
                record.pop()
            widest = max(widest, len(record))
            found.append(record)
            row_numbers.append(first_row + index)
    except csv.Error as exc:
        raise LeadkitError(
            f"unreadable CSV: {exc}", file=where, row=first_row + len(found)
        ) from exc
    columns: dict[str, list[str | None]] = {f"c{i}": [] for i in range(widest)}
    for record in found:
        for i in range(widest):
            columns[f"c{i}"].append(record[i] if i < len(record) and record[i] != "" else None)
    return pl.DataFrame(
        {**columns, "_row": row_numbers},
        schema={**{name: pl.String for name in columns}, "_row": pl.Int64},
    )


def read_headerless(
    data: bytes, where: str, *, encoding: str | None = None, delimiter: str | None = None
) -> pl.DataFrame:
    """A delimited file without a header row (Asterisk's ``Master.csv``): ``c0..cN`` and ``_row``
    (the first record is row 1)."""
    text = decode(data, where, encoding)
    if not text.strip():
        raise LeadkitError("the file is empty", file=where)
    separator = delimiter or sniff_delimiter(text)
    width = max((len(r) for r in head_records(text, separator, 30, where)[0]), default=1)
    # A line of bare separators stands in for the header that records() skips.
    return records(separator * (width - 1) + "\n" + text, separator, width, where, 1)


def drop_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows where every cell is empty or blank are left out."""
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame
    return frame.filter(
        pl.any_horizontal(pl.col(cells).str.strip_chars().fill_null("").str.len_chars() > 0)
    )


def runaway_quotes(rows: pl.DataFrame, width: int, delimiter: str) -> list[int]:
    """Rows whose quoted cell spans lines that hold as many separators as a whole row would.

    A stray opening quote makes a reader (leadkit's, or a spreadsheet's) take the next rows into one
    cell; a real multi-line cell (an address, a description) rarely holds a row's worth of separators.
    """
    if width < 2:
        return []
    need = width - 1
    cells = [c for c in rows.columns if c != "_row"]
    multiline = rows.filter(pl.any_horizontal(pl.col(cells).str.contains("\n")))
    found = []
    for record in multiline.iter_rows(named=True):
        parts = [line for v in record.values() if isinstance(v, str) for line in v.split("\n")[1:]]
        if any(line.count(delimiter) >= need for line in parts):
            found.append(int(record["_row"]))
    return found
