"""Column maps (``--map``), header patterns and source profiles → frozen dataclasses, validated on load.

The reference files (synonyms, profiles, legal forms, …) are loaded by :mod:`leadkit.settings`.
"""

from __future__ import annotations

import codecs
import dataclasses
import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from leadkit import columns as C
from leadkit.errors import ConfigError

#: Field names a map may use; ``phone`` is the contract's spelling for ``phone_raw``.
FIELD_ALIASES: Mapping[str, str] = {"phone": C.PHONE_RAW, **{f: f for f in C.SOURCE_FIELDS}}
#: Field names a sales export's map may use (``leadkit classify --sales``); ``company`` means ``client``.
SALES_FIELD_ALIASES: Mapping[str, str] = {"company": C.CLIENT, **{f: f for f in C.SALES_FIELDS}}
#: Field names a ``--map`` of ``classify`` may use: its entries apply to the clients table (lead
#: fields) and to the sales exports (sales fields), each taking the fields it knows.
CLASSIFY_MAP_ALIASES: Mapping[str, str] = {**FIELD_ALIASES, **{f: f for f in C.SALES_FIELDS}}
#: Fields fed by every matching column (joined with ``; ``) rather than by the first one found.
MULTI_VALUE_FIELDS: frozenset[str] = frozenset({C.PHONE_RAW, C.EMAIL, C.WEBSITE})

_MAP_KEYS = {"match", "columns", "encoding", "delimiter", "header_row", "sheet"}
_DELIMITERS = {",": ",", ";": ";", "\\t": "\t", "\t": "\t", "tab": "\t", "|": "|"}


def fold_header(header: str) -> str:
    """Fold a header for comparison: lower case, ё → е, spaces collapsed, trailing ':' or '*' removed."""
    folded = " ".join(header.replace("\ufeff", "").split()).lower().replace("ё", "е")
    return folded.rstrip(":*").strip()


@dataclass(frozen=True)
class HeaderPattern:
    """One header name or ``re:`` regular expression, matched against folded headers."""

    text: str
    regex: re.Pattern[str] | None = None
    written: str = ""  # as the map or vocabulary wrote it, for messages

    @classmethod
    def parse(cls, entry: str) -> HeaderPattern:
        """Build from a YAML entry; ``re:…`` entries are full-match regular expressions."""
        if entry.startswith("re:"):
            return cls(entry, re.compile(entry[3:], re.IGNORECASE), entry)
        return cls(fold_header(entry), None, entry)

    def matches(self, folded: str) -> bool:
        """True when the folded header is this name or matches this expression."""
        if self.regex is not None:
            return self.regex.fullmatch(folded) is not None
        return folded == self.text


@dataclass(frozen=True)
class ColumnRules:
    """For each lead field, the header patterns that feed it, in priority order."""

    fields: Mapping[str, tuple[HeaderPattern, ...]]

    @classmethod
    def parse(cls, raw: Any, where: str, aliases: Mapping[str, str] = FIELD_ALIASES) -> ColumnRules:
        """Validate a ``columns:`` mapping (field → name or list of names); ``aliases`` are the
        field names allowed and the field each one feeds (lead fields by default)."""
        if not isinstance(raw, Mapping) or not raw:
            raise ConfigError("'columns' must map fields to source column names", file=where)
        fields: dict[str, tuple[HeaderPattern, ...]] = {}
        for key, value in raw.items():
            target = aliases.get(str(key))
            if target is None:
                known = ", ".join(sorted(aliases))
                raise ConfigError(
                    f"unknown field {key!r} in 'columns' (known: {known})", file=where
                )
            names = [value] if isinstance(value, str | int) else value
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str | int) for n in names)
            ):
                raise ConfigError(
                    f"'columns.{key}' must be a column name or a list of names", file=where
                )
            try:
                patterns = tuple(HeaderPattern.parse(str(n)) for n in names)
            except re.error as exc:
                raise ConfigError(
                    f"'columns.{key}': bad regular expression: {exc}", file=where
                ) from exc
            fields[target] = fields.get(target, ()) + patterns
        return cls(fields)

    def only(self, aliases: Mapping[str, str]) -> ColumnRules:
        """The rules for the fields ``aliases`` names, renamed to the field each feeds; others dropped."""
        fields: dict[str, tuple[HeaderPattern, ...]] = {}
        for name, patterns in self.fields.items():
            target = aliases.get(name)
            if target is not None:
                fields[target] = fields.get(target, ()) + patterns
        return ColumnRules(fields)


@dataclass(frozen=True)
class SourceMap:
    """One entry of a ``--map`` file: how to read the files whose name matches ``match``."""

    match: str
    columns: ColumnRules
    origin: str
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    sheet: str | None = None

    def only(self, aliases: Mapping[str, str]) -> SourceMap:
        """This entry with only the columns of the fields ``aliases`` names (see :meth:`ColumnRules.only`)."""
        return dataclasses.replace(self, columns=self.columns.only(aliases))

    def applies_to(self, relative_path: str) -> bool:
        """True when the glob matches the file's name (or its relative path, for globs with '/')."""
        target = relative_path if "/" in self.match else Path(relative_path).name
        return fnmatch.fnmatch(target.lower(), self.match.lower())


@dataclass(frozen=True)
class SourceProfile:
    """A built-in source profile: recognised by a set of headers, it names the columns of a known export."""

    name: str
    detect: frozenset[str]
    columns: ColumnRules

    def recognises(self, folded_headers: Iterable[str]) -> bool:
        """True when every detecting header is present."""
        return self.detect <= set(folded_headers)


def load_maps(
    paths: Sequence[str | Path], *, aliases: Mapping[str, str] = FIELD_ALIASES
) -> tuple[SourceMap, ...]:
    """Read and validate every ``--map`` file, keeping their entries in the order given.

    ``aliases`` are the field names the maps may use: lead fields by default,
    :data:`CLASSIFY_MAP_ALIASES` for ``classify`` (lead and sales fields).
    """
    maps: list[SourceMap] = []
    for path in paths:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigError(f"cannot read map: {exc.strerror}", file=where) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("map is not UTF-8 text", file=where) from exc
        maps.extend(parse_map(text, where, aliases))
    return tuple(maps)


def parse_map(text: str, where: str, aliases: Mapping[str, str] = FIELD_ALIASES) -> list[SourceMap]:
    """Parse the text of a ``--map`` file (format in the README)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}", file=where, row=row
        ) from exc
    if not isinstance(doc, Mapping) or set(doc) != {"sources"}:
        raise ConfigError("a map must have exactly one top-level key, 'sources'", file=where)
    sources = doc["sources"]
    if not isinstance(sources, list) or not sources:
        raise ConfigError("'sources' must be a non-empty list", file=where)
    result = []
    for i, entry in enumerate(sources, start=1):
        at = f"{where} (sources[{i}])"
        if not isinstance(entry, Mapping):
            raise ConfigError("each source must be a mapping with 'match' and 'columns'", file=at)
        unknown = set(entry) - _MAP_KEYS
        if unknown:
            keys = ", ".join(sorted(map(str, unknown)))
            raise ConfigError(f"unknown key(s) {keys}; allowed: {sorted(_MAP_KEYS)}", file=at)
        match = entry.get("match")
        if not isinstance(match, str) or not match:
            raise ConfigError("'match' must be a file-name glob such as 'crm*.csv'", file=at)
        if "columns" not in entry:
            raise ConfigError("'columns' is required", file=at)
        result.append(
            SourceMap(
                match=match,
                columns=ColumnRules.parse(entry["columns"], at, aliases),
                origin=at,
                encoding=_encoding(entry.get("encoding"), at),
                delimiter=_delimiter(entry.get("delimiter"), at),
                header_row=_positive_int(entry.get("header_row"), "header_row", at),
                sheet=None if entry.get("sheet") is None else str(entry["sheet"]),
            )
        )
    return result


def _encoding(value: Any, where: str) -> str | None:
    if value is None:
        return None
    try:
        return codecs.lookup(str(value)).name
    except LookupError as exc:
        raise ConfigError(f"unknown encoding {value!r}", file=where) from exc


def _delimiter(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if str(value) not in _DELIMITERS:
        raise ConfigError(f"delimiter must be one of , ; | tab (got {value!r})", file=where)
    return _DELIMITERS[str(value)]


def _positive_int(value: Any, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"'{key}' must be a row number from 1", file=where)
    return value
