"""The header row of an export and which of its columns feed which lead field.

The header is the row among the first 30 that holds the most known headers (a ``--map`` entry's columns
count most), so title blocks above it are skipped. Columns are assigned by a ``--map`` entry, else a
built-in source profile, else the header synonyms; every other column is kept under its own name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from leadkit import columns as C
from leadkit.config import MULTI_VALUE_FIELDS, ColumnRules, SourceMap, fold_header
from leadkit.errors import LeadkitError, NoHeaderError
from leadkit.settings import Settings

#: How many rows from the top may hold titles before the header.
HEADER_SEARCH_ROWS = 30
#: How the error for a file without a recognisable header begins.
NO_HEADER = "no company or phone column found"


def rule_sets(
    headers: Sequence[str], spec: SourceMap | None, settings: Settings
) -> list[ColumnRules]:
    """The column rules that apply to a file with these headers, strongest first."""
    folded = [fold_header(h) for h in headers]
    rules: list[ColumnRules] = []
    if spec is not None:
        rules.append(spec.columns)
    profile = next((p for p in settings.profiles if p.recognises(folded)), None)
    if profile is not None:
        rules.append(profile.columns)
    rules.append(settings.synonyms)
    return rules


@dataclass(frozen=True)
class TableKind:
    """What kind of table a header is looked for: the rules that name its columns, and the fields it
    must have (at least one field of every group in ``needs``)."""

    rules: Callable[[Sequence[str], SourceMap | None, Settings], list[ColumnRules]]
    needs: tuple[tuple[str, ...], ...]
    missing: str
    """What the error says was not found: ``company or phone``."""

    def accepts(self, fields: dict[str, list[int]]) -> bool:
        """True when the assigned fields cover every group of ``needs``."""
        return all(any(f in fields for f in group) for group in self.needs)


#: A lead table: a company or a phone column.
LEADS = TableKind(rule_sets, ((C.COMPANY, C.PHONE_RAW),), "company or phone")


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


def find_header(
    head: list[list[str]],
    spec: SourceMap | None,
    source: str,
    sheet: str | None,
    settings: Settings,
    kind: TableKind = LEADS,
) -> int:
    """The index of the header among the first rows: a map's ``header_row``, else the best-scoring row
    among those that name the columns ``kind`` needs."""
    where = source if sheet is None else f"{source} [{sheet}]"
    if spec is not None and spec.header_row is not None:
        index = spec.header_row - 1
        if index >= len(head):
            raise LeadkitError(
                f"header_row {spec.header_row} is past the end of the data", file=where
            )
        check_map_columns(head[index], spec, where, index + 1)
        return index
    best, best_score = -1, 0
    for index, row in enumerate(head):
        fields = assign_columns(row, kind.rules(row, spec, settings))
        if not kind.accepts(fields):
            continue
        mapped = 0 if spec is None else len(assign_columns(row, [spec.columns]))
        score = mapped * 100 + len(fields)
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        hint = "" if spec else "; name its columns in a --map file"
        raise NoHeaderError(f"no {kind.missing} column found in the first rows{hint}", file=where)
    if spec is not None:
        check_map_columns(head[best], spec, where, best + 1)
    return best


def check_map_columns(header: list[str], spec: SourceMap, where: str, row: int) -> None:
    """Every plain column a map names must be in the header."""
    folded = {fold_header(h) for h in header}
    for name, patterns in spec.columns.fields.items():
        for pattern in patterns:
            if pattern.regex is None and pattern.text not in folded:
                raise LeadkitError(
                    f"the map ({spec.origin}) names column {pattern.written or pattern.text!r} "
                    f"for {name}, which the header does not have",
                    file=where,
                    row=row,
                )


def extra_names(headers: Sequence[str], used: set[int]) -> dict[int, str]:
    """Output names of the columns that feed no lead field: their own header, made unique.

    A header that is one of leadkit's own column names is kept as ``src_<name>``.
    """
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
