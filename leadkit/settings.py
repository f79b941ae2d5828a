"""Every reference file leadkit reads, loaded in one place into frozen, typed settings, validated on load.

The shipped files live in ``leadkit/data/`` (and the source profiles in ``leadkit/io/profiles/``). A user
changes them without editing the package through a settings file (``--config`` on the command line,
``config:`` in a pipeline, ``load_settings(path)`` in Python)::

    # leadkit.yaml
    dedupe_rules:                  # a mapping: its keys replace the shipped file's keys
      hub_max_names: 5
      +weights: {prior: 1.0}       # "+key" on a mapping changes it key by key
    public_email_domains:
      +domains: [corp-mail.ru]     # a key written "+key" adds to the shipped list (or mapping)
    legal_forms: my_forms.yaml     # a path (relative to this file): replaces the whole shipped file
    profiles: [my_crm.yaml]        # extra source profiles, tried before the built-in ones
    dial_statuses:
      +actions: {busy: quarantine} # which dial results quarantine a number
    abcde:                         # the ABCDE rules of classify
      key_accounts: {key: 0.15}

Every value is checked when it is loaded; a wrong key or value is a :class:`ConfigError` naming the file
and the key. Library functions take these objects as arguments (``settings=``) and fall back to
:func:`default_settings`; nothing re-reads a file behind its caller's back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from leadkit.config import (
    SALES_FIELD_ALIASES,
    ColumnRules,
    HeaderPattern,
    SourceProfile,
    fold_header,
)
from leadkit.errors import ConfigError

__all__ = [
    "AbcdeRules",
    "CityNames",
    "CompanyNames",
    "ContactRules",
    "DedupeRules",
    "DialStatuses",
    "LegalForm",
    "MatchWeights",
    "PhoneRules",
    "SalesRules",
    "Settings",
    "default_settings",
    "load_settings",
]


# --- sections ---------------------------------------------------------------------------------------
# Sections compare by identity (eq=False): they are hashable at no cost, so the modules that use them
# can cache what they derive from one (compiled patterns, indexes) per settings object.


@dataclass(frozen=True, eq=False)
class LegalForm:
    """One legal form of ``legal_forms.yaml``: the abbreviation and every spelling that means it."""

    abbr: str
    spellings: tuple[str, ...]
    countries: tuple[str, ...]
    end_only: bool


@dataclass(frozen=True, eq=False)
class CompanyNames:
    """How company names are read (``legal_forms.yaml``, ``lookalikes.yaml``)."""

    legal_forms: tuple[LegalForm, ...]
    lookalikes: tuple[tuple[str, str], ...]
    """Latin letter → the Cyrillic letter it looks like."""


@dataclass(frozen=True, eq=False)
class PhoneRules:
    """How phone cells are read (``phone_extensions.yaml``)."""

    extension_markers: tuple[str, ...]
    """Words that introduce an extension, longest first."""


@dataclass(frozen=True, eq=False)
class ContactRules:
    """Which domains say nothing about a company (``public_email_domains.yaml``, ``non_company_sites.yaml``)."""

    public_email_domains: frozenset[str]
    non_company_sites: frozenset[str]


@dataclass(frozen=True, eq=False)
class CityNames:
    """The one city vocabulary of ``clean`` and ``dedupe`` (``city_names.yaml``).

    Words are kept as written; the modules fold them (case, ё/е, a trailing dot) where they compare.
    """

    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    address_prefixes: tuple[str, ...]
    countries: tuple[str, ...]
    region_words: tuple[str, ...]
    street_words: tuple[str, ...]
    bare_cities: tuple[str, ...]
    lowercase_words: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]
    """Short and old names → the city's name, written out by ``clean``."""
    likely: tuple[tuple[str, str], ...]
    """Ambiguous short names → the city they usually mean: ``clean`` keeps the cell as written,
    ``dedupe`` matches it as that city."""


M_LEVELS = (
    "city_same",
    "city_differ",
    "name_exact",
    "name_typo",
    "name_similar",
    "name_support",
    "name_other",
    "name_differ",
    "phone_share",
    "phone_tail",
    "phone_differ",
    "address_same",
    "address_differ",
    "domain_same",
    "domain_differ",
    "form_same",
    "form_differ",
)
U_LEVELS = ("name_other", "name_differ", "address_differ", "phone_differ", "domain_differ")
UNSEEN = ("name", "typo", "phone", "address", "domain")


@dataclass(frozen=True, eq=False)
class MatchWeights:
    """The match-weight model of dedupe (``weights:`` in ``dedupe_rules.yaml``)."""

    prior: float
    match: float
    review: float
    inn: float
    m: Mapping[str, float]
    u: Mapping[str, float]
    unseen: Mapping[str, float]


@dataclass(frozen=True, eq=False)
class DedupeRules:
    """The tunable numbers and vocabularies of deduplication (``dedupe_rules.yaml``)."""

    hub_max_names: int
    name_support: int
    sole_trader_name: int
    name_conflict: int
    address_match: int
    address_differ: int
    phone_tail_digits: int
    block_cap: int
    window: int
    name_word_cap: int
    address_stopwords: frozenset[str]
    sole_trader_forms: frozenset[str]
    weights: MatchWeights


#: The reasons a dial result or leadkit can give a number, and what each may do.
DIAL_REASONS: tuple[str, ...] = (
    "answered",
    "not_in_service",
    "wrong_contact",
    "busy",
    "no_answer",
    "rejected",
    "unknown",
    "invalid",
)
DIAL_ACTIONS: tuple[str, ...] = ("reachable", "quarantine", "retry")
#: The fields of a dial file that header synonyms find.
DIAL_FIELDS: tuple[str, ...] = ("number", "status", "date", "cause")


@dataclass(frozen=True, eq=False)
class DialStatuses:
    """What dial results mean (``dial_statuses.yaml``): status → reason → action.

    ``statuses`` and ``q850`` are keyed by the folded status (:func:`fold_status`) and the cause
    number; ``actions`` gives each reason's action (``reachable``, ``quarantine``, ``retry``).
    """

    statuses: Mapping[str, str]
    q850: Mapping[int, str]
    actions: Mapping[str, str]
    columns: Mapping[str, tuple[HeaderPattern, ...]]
    """Header patterns of the dial-file fields ``number``, ``status``, ``date``, ``cause``."""

    @property
    def quarantine_reasons(self) -> frozenset[str]:
        """The reasons that move a number into the quarantine store."""
        return frozenset(r for r, a in self.actions.items() if a == "quarantine")


@dataclass(frozen=True, eq=False)
class SalesRules:
    """How sales exports are read (``sales_synonyms.yaml``, ``sales_format.yaml``).

    Words are folded (lower case, ё → е) as written here.
    """

    synonyms: ColumnRules
    """Header synonyms of the sales fields (client, inn, client_id, date, document, revenue, cost, profit)."""
    total_words: tuple[str, ...]
    subgroup_words: tuple[str, ...]
    currency_words: tuple[str, ...]
    empty_words: tuple[str, ...]
    months: tuple[tuple[str, ...], ...]
    """Twelve lists of month names, January first."""


@dataclass(frozen=True, eq=False)
class AbcdeRules:
    """The ABCDE rules of ``classify`` (``abcde.yaml``)."""

    measure: str
    """``profit`` or ``revenue``: what ``profit_tier`` ranks."""
    tiers: tuple[str, ...]
    """Tier names, best first."""
    cutoffs: tuple[float, ...]
    """One cut-off per tier but the last, increasing within (0, 1)."""
    matrix: Mapping[tuple[str, str], str]
    """(profit tier, potential tier) → class."""
    loss_below: float | None
    """Profit below this is ``loss_class``; None: no such rule."""
    loss_class: str | None
    key_accounts: tuple[tuple[str, float], ...]
    """(label, share) pairs, highest share first."""

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class the rules can give, in report order (sorted: A to E)."""
        found = set(self.matrix.values())
        if self.loss_class is not None:
            found.add(self.loss_class)
        return tuple(sorted(found))


@dataclass(frozen=True, eq=False)
class Settings:
    """All of leadkit's reference data. ``origin`` says where each section came from."""

    synonyms: ColumnRules
    profiles: tuple[SourceProfile, ...]
    companies: CompanyNames
    phones: PhoneRules
    contacts: ContactRules
    cities: CityNames
    dedupe: DedupeRules
    dial: DialStatuses
    sales: SalesRules
    abcde: AbcdeRules
    origin: Mapping[str, str]


# --- reading and checking ---------------------------------------------------------------------------


class _Doc:
    """One YAML mapping being validated: typed getters that raise a ConfigError naming file and key."""

    def __init__(self, data: Any, file: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError("expected a mapping of settings", file=file)
        self.data = data
        self.file = file
        self.read: set[str] = set()

    def get(self, key: str, default: Any = ...) -> Any:
        self.read.add(key)
        if key not in self.data:
            if default is ...:
                raise ConfigError(f"missing key '{key}'", file=self.file)
            return default
        return self.data[key]

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(
                f"'{key}' must be a whole number from {low} to {high} (got {value!r})",
                file=self.file,
            )
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise ConfigError(f"'{key}' must be true or false (got {value!r})", file=self.file)
        return value

    def number(self, key: str, low: float, high: float, *, open_interval: bool = False) -> float:
        value = self.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            ok = low < value < high if open_interval else low <= value <= high
        if not ok:
            bounds = (
                f"between {low:g} and {high:g}" if open_interval else f"from {low:g} to {high:g}"
            )
            raise ConfigError(f"'{key}' must be a number {bounds} (got {value!r})", file=self.file)
        return float(value)

    def texts(self, key: str, *, default: Any = ..., allow_empty: bool = False) -> tuple[str, ...]:
        value = self.get(key, default)
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str | int) and str(v).strip() for v in value)
            or (not value and not allow_empty)
        ):
            raise ConfigError(f"'{key}' must be a list of words", file=self.file)
        return tuple(str(v).strip() for v in value)

    def pairs(self, key: str, *, default: Any = ...) -> tuple[tuple[str, str], ...]:
        value = self.get(key, default)
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in value.items()
        ):
            raise ConfigError(f"'{key}' must map texts to texts", file=self.file)
        return tuple((k.strip(), v.strip()) for k, v in value.items())

    def done(self) -> None:
        """Refuse keys nobody read: a misspelt key must not be silently ignored."""
        unknown = sorted(str(k) for k in self.data if k not in self.read)
        if unknown:
            raise ConfigError(
                f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(self.read))}",
                file=self.file,
            )


def _parse_company_names(forms_doc: _Doc, lookalikes_doc: _Doc) -> CompanyNames:
    entries = forms_doc.get("forms")
    if not isinstance(entries, list) or not entries:
        raise ConfigError("'forms' must be a non-empty list", file=forms_doc.file)
    forms = []
    for number, entry in enumerate(entries, start=1):
        where = f"{forms_doc.file}, forms[{number}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("abbr"), str):
            raise ConfigError("each form needs an 'abbr' text", file=where)
        unknown = set(entry) - {"abbr", "long", "countries", "position"}
        if unknown:
            raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown))}", file=where)
        long = entry.get("long", [])
        if not isinstance(long, list) or not all(isinstance(s, str) and s.strip() for s in long):
            raise ConfigError("'long' must be a list of texts", file=where)
        position = entry.get("position", "any")
        if position not in ("any", "end"):
            raise ConfigError("'position' must be 'any' or 'end'", file=where)
        abbr = entry["abbr"].strip()
        if not abbr:
            raise ConfigError("'abbr' is empty", file=where)
        forms.append(
            LegalForm(
                abbr=abbr,
                spellings=(abbr, *(s.strip() for s in long)),
                countries=tuple(str(c) for c in entry.get("countries", [])),
                end_only=position == "end",
            )
        )
    forms_doc.done()
    pairs = []
    for latin, cyrillic in lookalikes_doc.data.items():
        if not (isinstance(latin, str) and isinstance(cyrillic, str)) or not (
            len(latin) == 1 and len(cyrillic) == 1
        ):
            raise ConfigError(
                f"'{latin}': expected single letters mapped to single letters",
                file=lookalikes_doc.file,
            )
        pairs.append((latin, cyrillic))
    return CompanyNames(legal_forms=tuple(forms), lookalikes=tuple(pairs))


def _parse_phone_rules(doc: _Doc) -> PhoneRules:
    markers = doc.texts("markers")
    doc.done()
    # Longest first, so that "добавочный" wins over "доб".
    return PhoneRules(tuple(sorted(set(markers), key=lambda m: (-len(m), m))))


def _domains(doc: _Doc) -> frozenset[str]:
    domains = frozenset(d.lower() for d in doc.texts("domains", allow_empty=True))
    doc.done()
    return domains


def _parse_city_names(doc: _Doc) -> CityNames:
    names = CityNames(
        prefixes=doc.texts("prefixes"),
        suffixes=doc.texts("suffixes"),
        address_prefixes=doc.texts("address_prefixes"),
        countries=doc.texts("countries", allow_empty=True),
        region_words=doc.texts("region_words"),
        street_words=doc.texts("street_words"),
        bare_cities=doc.texts("bare_cities", default=[], allow_empty=True),
        lowercase_words=doc.texts("lowercase_words", default=[], allow_empty=True),
        aliases=doc.pairs("aliases", default={}),
        likely=doc.pairs("likely", default={}),
    )
    doc.done()
    return names


def _parse_dedupe_rules(doc: _Doc) -> DedupeRules:
    rules = DedupeRules(
        hub_max_names=doc.integer("hub_max_names", 1, 1000),
        name_support=doc.integer("name_support", 0, 100),
        sole_trader_name=doc.integer("sole_trader_name", 0, 100),
        name_conflict=doc.integer("name_conflict", 0, 100),
        address_match=doc.integer("address_match", 0, 100),
        address_differ=doc.integer("address_differ", 0, 100),
        phone_tail_digits=doc.integer("phone_tail_digits", 5, 15),
        block_cap=doc.integer("block_cap", 2, 10_000),
        window=doc.integer("window", 1, 1000),
        name_word_cap=doc.integer("name_word_cap", 2, 10_000_000),
        address_stopwords=frozenset(w.lower() for w in doc.texts("address_stopwords")),
        sole_trader_forms=frozenset(w.lower() for w in doc.texts("sole_trader_forms")),
        weights=_parse_weights(_Doc(doc.get("weights"), f"{doc.file}: weights")),
    )
    doc.done()
    return rules


def _parse_weights(doc: _Doc) -> MatchWeights:
    def table(key: str, names: tuple[str, ...], low: float, high: float) -> dict[str, float]:
        sub = _Doc(doc.get(key), f"{doc.file}.{key}")
        values = {name: sub.number(name, low, high, open_interval=True) for name in names}
        sub.done()
        return values

    weights = MatchWeights(
        prior=doc.number("prior", 0.0, 100.0, open_interval=True),
        match=doc.number("match", -50.0, 50.0),
        review=doc.number("review", -50.0, 100.0),
        inn=doc.number("inn", 1.0, 100.0),
        m=table("m", M_LEVELS, 0.0, 1.0),
        u=table("u", U_LEVELS, 0.0, 1.0),
        unseen=table("unseen", UNSEEN, 0.0, 1000.0),
    )
    doc.done()
    if weights.review < weights.match:
        raise ConfigError("'review' must not be below 'match'", file=doc.file)
    return weights


def fold_status(text: str) -> str:
    """A dial status for comparison: lower case, ё → е, ``_`` as a space, spaces collapsed, quotes
    and a trailing ``.``, ``!`` or ``:`` removed."""
    folded = " ".join(text.casefold().replace("ё", "е").replace("_", " ").split())
    return folded.strip("\"'«»“”").rstrip(".!:").strip()


def _parse_dial_statuses(doc: _Doc) -> DialStatuses:
    status_reasons = [r for r in DIAL_REASONS if r != "invalid"]
    actions_raw = doc.get("actions")
    if not isinstance(actions_raw, Mapping):
        raise ConfigError("'actions' must map reasons to actions", file=doc.file)
    actions: dict[str, str] = {}
    for reason, action in actions_raw.items():
        if reason not in DIAL_REASONS:
            raise ConfigError(
                f"actions: unknown reason {reason!r} (known: {', '.join(DIAL_REASONS)})",
                file=doc.file,
            )
        if action not in DIAL_ACTIONS:
            raise ConfigError(
                f"actions: {reason}: unknown action {action!r} (known: {', '.join(DIAL_ACTIONS)})",
                file=doc.file,
            )
        if (reason == "answered") != (action == "reachable"):
            raise ConfigError(
                f"actions: {reason}: only 'answered' is 'reachable', and it is always",
                file=doc.file,
            )
        actions[str(reason)] = str(action)
    missing = [r for r in DIAL_REASONS if r not in actions]
    if missing:
        raise ConfigError(f"actions: no action for {', '.join(missing)}", file=doc.file)

    statuses_raw = doc.get("statuses")
    if not isinstance(statuses_raw, Mapping) or not statuses_raw:
        raise ConfigError("'statuses' must map status texts to reasons", file=doc.file)
    statuses: dict[str, str] = {}
    for status, reason in statuses_raw.items():
        folded = fold_status(str(status)) if isinstance(status, str | int) else ""
        if not folded:
            raise ConfigError(f"statuses: {status!r} is not a status text", file=doc.file)
        if reason not in status_reasons:
            raise ConfigError(
                f"statuses: {status}: unknown reason {reason!r} "
                f"(known: {', '.join(status_reasons)})",
                file=doc.file,
            )
        statuses[folded] = str(reason)

    q850_raw = doc.get("q850", {})
    if not isinstance(q850_raw, Mapping):
        raise ConfigError("'q850' must map cause numbers to reasons", file=doc.file)
    q850: dict[int, str] = {}
    for cause, reason in q850_raw.items():
        if isinstance(cause, bool) or not (
            isinstance(cause, int) or (isinstance(cause, str) and cause.strip().isdigit())
        ):
            raise ConfigError(f"q850: {cause!r} is not a cause number", file=doc.file)
        number = int(cause)
        if not 1 <= number <= 127:
            raise ConfigError(f"q850: cause {number} is not from 1 to 127", file=doc.file)
        if reason not in status_reasons:
            raise ConfigError(
                f"q850: {number}: unknown reason {reason!r} (known: {', '.join(status_reasons)})",
                file=doc.file,
            )
        q850[number] = str(reason)

    columns_raw = doc.get("columns")
    if not isinstance(columns_raw, Mapping):
        raise ConfigError("'columns' must map dial-file fields to header names", file=doc.file)
    columns: dict[str, tuple[HeaderPattern, ...]] = {}
    for name, names in columns_raw.items():
        if name not in DIAL_FIELDS:
            raise ConfigError(
                f"columns: unknown field {name!r} (known: {', '.join(DIAL_FIELDS)})", file=doc.file
            )
        if not isinstance(names, list) or not all(
            isinstance(n, str | int) and str(n).strip() for n in names
        ):
            raise ConfigError(f"columns: {name}: must be a list of header names", file=doc.file)
        try:
            columns[str(name)] = tuple(HeaderPattern.parse(str(n)) for n in names)
        except re.error as exc:
            raise ConfigError(
                f"columns: {name}: bad regular expression: {exc}", file=doc.file
            ) from exc
    for name in ("number", "status"):
        if not columns.get(name):
            raise ConfigError(f"columns: no header names for '{name}'", file=doc.file)
    doc.done()
    return DialStatuses(
        statuses=MappingProxyType(statuses),
        q850=MappingProxyType(q850),
        actions=MappingProxyType(actions),
        columns=MappingProxyType(columns),
    )


def _fold_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.casefold().replace("ё", "е") for w in words)


def _parse_sales_rules(synonyms_doc: _Doc, format_doc: _Doc) -> SalesRules:
    synonyms = ColumnRules.parse(synonyms_doc.data, synonyms_doc.file, SALES_FIELD_ALIASES)
    months = format_doc.get("months")
    if (
        not isinstance(months, list)
        or len(months) != 12
        or not all(
            isinstance(m, list) and m and all(isinstance(w, str) and w.strip() for w in m)
            for m in months
        )
    ):
        raise ConfigError("'months' must be 12 lists of month names", file=format_doc.file)
    rules = SalesRules(
        synonyms=synonyms,
        total_words=_fold_words(format_doc.texts("total_words")),
        subgroup_words=_fold_words(format_doc.texts("subgroup_words", allow_empty=True)),
        currency_words=_fold_words(format_doc.texts("currency_words", allow_empty=True)),
        empty_words=_fold_words(format_doc.texts("empty_words", allow_empty=True)),
        months=tuple(_fold_words(tuple(w.strip() for w in m)) for m in months),
    )
    format_doc.done()
    return rules


def _share(value: Any, key: str, file: str, *, upto_one: bool = False) -> float:
    """A number strictly between 0 and 1 (or up to 1 inclusive)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and (0 < value < 1 or (upto_one and value == 1)):
        return float(value)
    limit = "above 0 and at most 1" if upto_one else "between 0 and 1 (not 0 or 1)"
    raise ConfigError(f"'{key}' must be a number {limit} (got {value!r})", file=file)


def _parse_abcde_rules(doc: _Doc) -> AbcdeRules:
    file = doc.file
    measure = doc.get("measure")
    if measure not in ("profit", "revenue"):
        raise ConfigError(f"'measure' must be profit or revenue (got {measure!r})", file=file)

    raw_tiers = doc.get("tiers")
    if not isinstance(raw_tiers, list) or len(raw_tiers) < 2:
        raise ConfigError("'tiers' must be a list of at least two tiers", file=file)
    tiers: list[str] = []
    cutoffs: list[float] = []
    for number, entry in enumerate(raw_tiers, start=1):
        key = f"tiers[{number}]"
        last = number == len(raw_tiers)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str | int):
            raise ConfigError(f"'{key}' must be a mapping with a 'name'", file=file)
        unknown = sorted(str(k) for k in entry if k not in ("name", "below"))
        if unknown:
            raise ConfigError(f"'{key}': unknown key(s) {', '.join(unknown)}", file=file)
        name = str(entry["name"]).strip()
        if not name or name in tiers:
            raise ConfigError(f"'{key}.name' must be a new, non-empty name", file=file)
        tiers.append(name)
        if last:
            if "below" in entry:
                raise ConfigError(
                    f"'{key}.below': the last tier takes the rest and has no cut-off", file=file
                )
            continue
        if "below" not in entry:
            raise ConfigError(
                f"'{key}.below' is missing (every tier but the last has one)", file=file
            )
        cutoff = _share(entry["below"], f"{key}.below", file)
        if cutoffs and cutoff <= cutoffs[-1]:
            raise ConfigError(
                f"'{key}.below' must be greater than the tier before's ({cutoffs[-1]:g}): "
                f"cut-offs increase (got {cutoff:g})",
                file=file,
            )
        cutoffs.append(cutoff)

    raw_matrix = doc.get("matrix")
    if not isinstance(raw_matrix, Mapping):
        raise ConfigError("'matrix' must map profit tiers to potential tiers to classes", file=file)
    extra = sorted(str(k) for k in raw_matrix if str(k) not in tiers)
    if extra:
        raise ConfigError(
            f"'matrix': unknown tier(s) {', '.join(extra)}; tiers: {', '.join(tiers)}", file=file
        )
    matrix: dict[tuple[str, str], str] = {}
    for profit_tier in tiers:
        row = raw_matrix.get(profit_tier)
        if row is None:
            raise ConfigError(
                f"'matrix.{profit_tier}' is missing (profit tier {profit_tier})", file=file
            )
        if not isinstance(row, Mapping):
            raise ConfigError(
                f"'matrix.{profit_tier}' must map potential tiers to classes", file=file
            )
        extra = sorted(str(k) for k in row if str(k) not in tiers)
        if extra:
            raise ConfigError(
                f"'matrix.{profit_tier}': unknown tier(s) {', '.join(extra)}; tiers: {', '.join(tiers)}",
                file=file,
            )
        for potential_tier in tiers:
            cell = row.get(potential_tier)
            key = f"matrix.{profit_tier}.{potential_tier}"
            if cell is None:
                raise ConfigError(
                    f"'{key}' is missing: no class for profit tier {profit_tier} and "
                    f"potential tier {potential_tier}",
                    file=file,
                )
            if not isinstance(cell, str | int) or not str(cell).strip():
                raise ConfigError(f"'{key}' must be a class name", file=file)
            matrix[(profit_tier, potential_tier)] = str(cell).strip()

    loss = doc.get("loss")
    loss_below: float | None = None
    loss_class: str | None = None
    if loss is not None:
        if not isinstance(loss, Mapping) or set(map(str, loss)) != {"below", "class"}:
            raise ConfigError(
                "'loss' must be null or a mapping with 'below' and 'class'", file=file
            )
        below = loss["below"]
        if not isinstance(below, int | float) or isinstance(below, bool):
            raise ConfigError(f"'loss.below' must be an amount (got {below!r})", file=file)
        if not isinstance(loss["class"], str | int) or not str(loss["class"]).strip():
            raise ConfigError("'loss.class' must be a class name", file=file)
        loss_below, loss_class = float(below), str(loss["class"]).strip()

    raw_keys = doc.get("key_accounts")
    if not isinstance(raw_keys, Mapping):
        raise ConfigError("'key_accounts' must map labels to shares (e.g. key: 0.10)", file=file)
    key_accounts = []
    for label, value in raw_keys.items():
        if not isinstance(label, str) or not label.strip():
            raise ConfigError("'key_accounts': labels must be texts", file=file)
        key_accounts.append(
            (label.strip(), _share(value, f"key_accounts.{label}", file, upto_one=True))
        )
    key_accounts.sort(key=lambda pair: -pair[1])
    doc.done()
    return AbcdeRules(
        measure=measure,
        tiers=tuple(tiers),
        cutoffs=tuple(cutoffs),
        matrix=matrix,
        loss_below=loss_below,
        loss_class=loss_class,
        key_accounts=tuple(key_accounts),
    )


def _parse_profile(data: Any, file: str) -> SourceProfile:
    doc = _Doc(data, file)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("'name' must be a text", file=file)
    detect = doc.texts("detect")
    columns = ColumnRules.parse(doc.get("columns"), file)
    doc.done()
    return SourceProfile(
        name=name.strip(), detect=frozenset(fold_header(h) for h in detect), columns=columns
    )


# --- loading ----------------------------------------------------------------------------------------

#: The reference files a settings file may name, each with its shipped file in ``leadkit/data``.
FILES: Mapping[str, str] = {
    "synonyms": "synonyms.yaml",
    "legal_forms": "legal_forms.yaml",
    "lookalikes": "lookalikes.yaml",
    "phone_extensions": "phone_extensions.yaml",
    "public_email_domains": "public_email_domains.yaml",
    "non_company_sites": "non_company_sites.yaml",
    "city_names": "city_names.yaml",
    "dedupe_rules": "dedupe_rules.yaml",
    "dial_statuses": "dial_statuses.yaml",
    "sales_synonyms": "sales_synonyms.yaml",
    "sales_format": "sales_format.yaml",
    "abcde": "abcde.yaml",
}
SETTINGS_KEYS = frozenset({*FILES, "profiles"})


def _yaml(text: str, file: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}", file=file, row=row
        ) from exc


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not UTF-8 text", file=str(path)) from exc
    return _yaml(text, str(path))


def _shipped(name: str) -> Any:
    file = f"leadkit/data/{name}"
    try:
        text = resources.files("leadkit").joinpath("data", name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read reference data: {exc}", file=file) from exc
    return _yaml(text, file)


def _overlay(base: Any, changes: Mapping[Any, Any], file: str) -> Any:
    """The shipped document with a settings file's changes: ``key`` replaces, ``+key`` adds."""
    if not isinstance(base, Mapping):
        raise ConfigError("this file cannot be changed key by key; give a path", file=file)
    result = dict(base)
    for key, value in changes.items():
        key = str(key)
        if key.startswith("+"):
            name = key[1:]
            old = result.get(name)
            if isinstance(old, list) and isinstance(value, list):
                result[name] = [*old, *value]
            elif isinstance(old, Mapping) and isinstance(value, Mapping):
                # A mapping is changed key by key, by the same rules (nested "+key" adds too).
                result[name] = _overlay(old, value, f"{file}.{name}")
            else:
                raise ConfigError(
                    f"'{key}' adds to a list or mapping, and '{name}' is not one", file=file
                )
        else:
            result[key] = value
    return result


def _builtin_profiles() -> list[SourceProfile]:
    folder = resources.files("leadkit.io.profiles")
    profiles = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            where = f"leadkit/io/profiles/{entry.name}"
            profiles.append(_parse_profile(_yaml(entry.read_text(encoding="utf-8"), where), where))
    return profiles


def load_settings(
    path: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    section: str | None = None,
) -> Settings:
    """The shipped reference data, changed by a settings file and/or a mapping of the same shape.

    ``overrides`` is what a pipeline file's ``settings:`` holds; its relative paths are relative to
    the current directory unless the mapping came from a file (then pass that file as ``path``).
    With ``section`` (e.g. ``"abcde"``), a file that holds none of the settings keys is taken for
    that one section written on its own (``classify --config abcde.yaml`` with ``tiers:``,
    ``matrix:`` … at the top).
    """
    changes: dict[str, tuple[Any, Path, str]] = {}
    if path is not None:
        doc = _read_yaml(Path(path))
        if doc is None:
            doc = {}
        if not isinstance(doc, Mapping):
            raise ConfigError("a settings file maps reference names to changes", file=str(path))
        keys = {str(k).removeprefix("+") for k in doc}
        if (
            section is not None
            and not keys & SETTINGS_KEYS
            and keys & set(_shipped(FILES[section]))
        ):
            changes[section] = (doc, Path(path).parent, str(path))
            doc = {}
        for key, value in doc.items():
            changes[str(key)] = (value, Path(path).parent, f"{path}: {key}")
    for key, value in (overrides or {}).items():
        changes[str(key)] = (value, Path("."), f"settings: {key}")
    unknown = sorted(set(changes) - SETTINGS_KEYS)
    if unknown:
        where = str(path) if path is not None else "settings"
        raise ConfigError(
            f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(SETTINGS_KEYS))}",
            file=where,
        )

    origin: dict[str, str] = {}

    def document(key: str) -> _Doc:
        shipped = FILES[key]
        if key not in changes:
            origin[key] = f"leadkit/data/{shipped}"
            return _Doc(_shipped(shipped), f"leadkit/data/{shipped}")
        value, base, where = changes[key]
        if isinstance(value, str):
            file = base / value
            origin[key] = str(file)
            return _Doc(_read_yaml(file), str(file))
        if isinstance(value, Mapping):
            origin[key] = where
            return _Doc(_overlay(_shipped(shipped), value, where), where)
        raise ConfigError("expected a file path or a mapping of changes", file=where)

    profiles: list[SourceProfile] = []
    if "profiles" in changes:
        value, base, where = changes["profiles"]
        files = [value] if isinstance(value, str) else value
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise ConfigError("'profiles' must be a list of profile files", file=where)
        for name in files:
            file = base / name
            profiles.append(_parse_profile(_read_yaml(file), str(file)))
    profiles.extend(_builtin_profiles())
    origin["profiles"] = "leadkit/io/profiles"

    synonyms_doc = document("synonyms")
    return Settings(
        synonyms=ColumnRules.parse(synonyms_doc.data, synonyms_doc.file),
        profiles=tuple(profiles),
        companies=_parse_company_names(document("legal_forms"), document("lookalikes")),
        phones=_parse_phone_rules(document("phone_extensions")),
        contacts=ContactRules(
            public_email_domains=_domains(document("public_email_domains")),
            non_company_sites=_domains(document("non_company_sites")),
        ),
        cities=_parse_city_names(document("city_names")),
        dedupe=_parse_dedupe_rules(document("dedupe_rules")),
        dial=_parse_dial_statuses(document("dial_statuses")),
        sales=_parse_sales_rules(document("sales_synonyms"), document("sales_format")),
        abcde=_parse_abcde_rules(document("abcde")),
        origin=origin,
    )


@functools.cache
def default_settings() -> Settings:
    """The shipped reference data (loaded once per process)."""
    return load_settings()


def resolve(settings: Settings | None) -> Settings:
    """``settings``, or the shipped defaults when None."""
    return default_settings() if settings is None else settings


def fold_word(word: str) -> str:
    """A vocabulary word for comparison: lower case, ё → е, without a trailing dot."""
    return word.casefold().replace("ё", "е").strip().rstrip(".")


def any_word_pattern(words: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    """A regex matching any of ``words`` as whole words, longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return r"\b(?:" + "|".join(re.escape(w) for w in ordered) + r")\b"
