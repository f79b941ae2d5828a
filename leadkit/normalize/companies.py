"""Company names: split off the legal form, clean the name, build the matching key.

``ООО «Ромашка»``, ``Общество с ограниченной ответственностью "Ромашка"``, ``Ромашка, ООО`` and
``OOO "Pомашка"`` (Latin look-alikes) all become company name ``Ромашка``, legal form ``ООО`` and
company key ``ромашка``. The legal forms come from ``leadkit/data/legal_forms.yaml``, the look-alike
letters from ``leadkit/data/lookalikes.yaml``; users extend both.

Quotes are removed from the company name altogether, inner ones too:
``ООО "Торговый дом "Вектор"`` → ``Торговый дом Вектор``. Exports balance inner quotes so rarely
that keeping them would leave stray marks more often than right ones.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import polars as pl

from leadkit import columns as C
from leadkit.config import data_yaml
from leadkit.errors import ConfigError

__all__ = ["company_key", "legal_forms", "normalize_companies", "split_legal_form"]

# Straight, typographic, CSV-doubled, German and French quotes; apostrophes are handled apart
# because they also live inside names (McDonald's).
_QUOTES = re.compile(r"[\"«»„“”‟″〝〞＂‹›`´]+")
_APOSTROPHES = "'‘’‚"
_APOSTROPHE = re.compile(r"(?<![^\W\d_])['‘’‚]+|['‘’‚]+(?![^\W\d_])")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " ,;:-–—_/|\\"
_LETTERS = re.compile(r"[^\W\d_]+")
_HAS_LATIN = re.compile(r"[A-Za-z]")
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NON_ALNUM = re.compile(r"[\W_]+")
_DIAERESIS = "\u0308"
# ASCII, the basic Russian alphabet and common quotes and dashes need no Unicode
# decomposition, only ё → е (NBSP becomes a space like any punctuation).
_PLAIN = re.compile(r"[\x00-\x7f\u0410-\u044f\u0401\u0451«»„“”‘’–—\u00a0]*")


@dataclass(frozen=True)
class LegalForm:
    """One legal form of ``legal_forms.yaml``: the abbreviation and every spelling that means it."""

    abbr: str
    spellings: tuple[str, ...]
    countries: tuple[str, ...]
    end_only: bool


@dataclass(frozen=True)
class _FormIndex:
    """Legal-form spellings as word-id sequences (``'общество с ограниченной ответственностью'``),
    so that finding a form at either end of a name is a few dictionary look-ups."""

    leading: dict[str, str]
    trailing: dict[str, str]
    # First (last) word of a form → the word counts of the forms that start (end) with it.
    leading_starts: dict[str, tuple[int, ...]]
    trailing_ends: dict[str, tuple[int, ...]]
    key_leading: frozenset[str]
    key_trailing: frozenset[str]
    key_lengths: tuple[int, ...]


@cache
def lookalikes() -> dict[str, str]:
    """Latin letter → Cyrillic letter it looks like, from ``lookalikes.yaml``."""
    data = data_yaml("lookalikes.yaml")
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1
        for k, v in data.items()
    ):
        raise ConfigError(
            "expected single letters mapped to single letters", file="lookalikes.yaml"
        )
    return dict(data)


@cache
def legal_forms() -> tuple[LegalForm, ...]:
    """The legal forms of ``legal_forms.yaml``, validated."""
    data = data_yaml("legal_forms.yaml")
    entries = data.get("forms") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError("expected a 'forms:' list", file="legal_forms.yaml")
    forms = []
    for number, entry in enumerate(entries, start=1):
        where = f"legal_forms.yaml, form {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("abbr"), str):
            raise ConfigError("each form needs an 'abbr' text", file=where)
        long = entry.get("long", [])
        if not isinstance(long, list) or not all(isinstance(s, str) and s.strip() for s in long):
            raise ConfigError("'long' must be a list of texts", file=where)
        position = entry.get("position", "any")
        if position not in ("any", "end"):
            raise ConfigError("'position' must be 'any' or 'end'", file=where)
        abbr = entry["abbr"].strip()
        forms.append(
            LegalForm(
                abbr=abbr,
                spellings=(abbr, *(s.strip() for s in long)),
                countries=tuple(str(c) for c in entry.get("countries", [])),
                end_only=position == "end",
            )
        )
    return tuple(forms)


def _fold_key_text(text: str) -> str:
    """Case, ё/е, accents-with-diaeresis and punctuation folded; й, digits and letters kept."""
    if _PLAIN.fullmatch(text):
        text = text.replace("ё", "е").replace("Ё", "Е")
    else:
        text = unicodedata.normalize("NFKD", text).replace(_DIAERESIS, "")
        text = unicodedata.normalize("NFC", text)
    text = _fold_lookalikes(text).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


@cache
def _id_table() -> dict[int, str | None]:
    """``str.translate`` table: Latin look-alikes read as Cyrillic, ё as е, brackets gone."""
    table: dict[int, str | None] = {
        ord(k.casefold()): v.casefold() for k, v in lookalikes().items()
    }
    table[ord("ё")] = "е"
    table.update({ord(ch): None for ch in "(),;:[]"})
    return table


def _word_id(word: str) -> str:
    """A word as the form index knows it: ``OOO``, ``ооо``, ``(ООО)`` → ``ооо``; ``Ltd.`` → ``lтd``."""
    # Only a final dot goes: inner dots keep initials (`П.П.`) apart from forms (`ПП`).
    return word.casefold().translate(_id_table()).rstrip(".")


@cache
def _form_index() -> _FormIndex:
    leading: dict[str, str] = {}
    trailing: dict[str, str] = {}
    key_leading: set[str] = set()
    key_trailing: set[str] = set()
    for form in legal_forms():
        for spelling in form.spellings:
            name_id = " ".join(_word_id(w) for w in spelling.split())
            key_id = _fold_key_text(spelling).translate(_id_table())
            if not name_id.strip() or not key_id:
                continue
            trailing.setdefault(name_id, form.abbr)
            key_trailing.add(key_id)
            if not form.end_only:
                leading.setdefault(name_id, form.abbr)
                key_leading.add(key_id)

    def lengths(ids: set[str] | dict[str, str]) -> tuple[int, ...]:
        return tuple(sorted({i.count(" ") + 1 for i in ids}, reverse=True))

    def by_word(ids: dict[str, str], first: bool) -> dict[str, tuple[int, ...]]:
        groups: dict[str, set[str]] = {}
        for form_id in ids:
            words = form_id.split(" ")
            groups.setdefault(words[0] if first else words[-1], set()).add(form_id)
        return {word: lengths(group) for word, group in groups.items()}

    return _FormIndex(
        leading=leading,
        trailing=trailing,
        leading_starts=by_word(leading, first=True),
        trailing_ends=by_word(trailing, first=False),
        key_leading=frozenset(key_leading),
        key_trailing=frozenset(key_trailing),
        key_lengths=lengths(key_trailing) or (1,),
    )


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    table = lookalikes()
    latin = sum(1 for ch in word if ch.isascii())
    if latin == 0 or latin * 2 >= len(word) or not _HAS_CYRILLIC.search(word):
        return word
    return "".join(table.get(ch, ch) for ch in word)


def _fold_lookalikes(text: str) -> str:
    """Read Latin look-alike letters as Cyrillic inside words that are mostly Cyrillic."""
    if not _HAS_LATIN.search(text) or not _HAS_CYRILLIC.search(text):
        return text
    return _LETTERS.sub(_fold_word, text)


def _tidy(text: str) -> str:
    text = _QUOTES.sub(" ", text)
    if any(ch in text for ch in _APOSTROPHES):
        text = _APOSTROPHE.sub(" ", text)
    return _SPACES.sub(" ", text).strip(_EDGE_PUNCT)


def _leading_form(
    ids: list[str], forms: dict[str, str] | frozenset[str], lengths: tuple[int, ...]
) -> int:
    """How many words at the start of ``ids`` spell a legal form (longest spelling), or 0."""
    for n in lengths:
        if n <= len(ids) and " ".join(ids[:n]) in forms:
            return n
    return 0


def _trailing_form(
    ids: list[str], forms: dict[str, str] | frozenset[str], lengths: tuple[int, ...]
) -> int:
    """How many words at the end of ``ids`` spell a legal form (longest spelling), or 0."""
    for n in lengths:
        if n <= len(ids) and " ".join(ids[-n:]) in forms:
            return n
    return 0


def split_legal_form(name: str) -> tuple[str, str | None]:
    """Split a company name into the name as a person writes it and its legal form.

    ``'ООО «Ромашка»'`` → ``('Ромашка', 'ООО')``; ``'Ромашка, ООО'`` → the same;
    ``'ИП Иванов Иван Иванович'`` → ``('Иванов Иван Иванович', 'ИП')``; no form → ``(name, None)``.
    Several stacked forms (``ООО ЧОП «Щит»``) are all removed; the outermost one is reported.
    A form is a whole word: ``Ипподром`` holds no ``ИП``, ``Зао-Сервис`` no ``ЗАО``.
    """
    index = _form_index()
    text = _tidy(_fold_lookalikes(name))
    form: str | None = None
    while text:
        words = text.split(" ")
        lengths = index.leading_starts.get(_word_id(words[0]))
        if lengths is None:
            break
        ids = [_word_id(w) for w in words[: lengths[0]]]
        n = _leading_form(ids, index.leading, lengths)
        if not n:
            break
        form = form or index.leading[" ".join(ids[:n])]
        text = " ".join(words[n:]).strip(_EDGE_PUNCT)
    while text:
        words = text.split(" ")
        lengths = index.trailing_ends.get(_word_id(words[-1]))
        if lengths is None:
            break
        ids = [_word_id(w) for w in words[-lengths[0] :]]
        n = _trailing_form(ids, index.trailing, lengths)
        if not n:
            break
        form = form or index.trailing[" ".join(ids[-n:])]
        text = " ".join(words[:-n]).strip(_EDGE_PUNCT)
    return text, form


def company_key(name: str | None) -> str | None:
    """The matching key of a company name: equal for names differing only in legal form, quotes,
    case, ё/е, spacing, punctuation or Latin look-alike letters; None when nothing is left.

    Idempotent: ``company_key(company_key(x)) == company_key(x)``.
    """
    if name is None:
        return None
    index = _form_index()
    key = _fold_key_text(name)
    if not key:
        return None
    # Forms are stripped after folding so that the key of a key finds nothing more to strip.
    words = key.split(" ")
    ids = key.translate(_id_table()).split(" ")
    while ids:
        n = _leading_form(ids, index.key_leading, index.key_lengths)
        if n:
            words, ids = words[n:], ids[n:]
            continue
        n = _trailing_form(ids, index.key_trailing, index.key_lengths)
        if not n:
            break
        words, ids = words[:-n], ids[:-n]
    return " ".join(words) or None


#: Below this many distinct names one process is quicker than starting others.
PARALLEL_MIN_NAMES = 100_000


def _normalize_names(
    values: list[str],
) -> tuple[list[str | None], list[str | None], list[str | None]]:
    """Company name, legal form and key of each value, in order (runs in worker processes too)."""
    company_names: list[str | None] = []
    forms: list[str | None] = []
    keys: list[str | None] = []
    for value in values:
        company_name, form = split_legal_form(value)
        company_names.append(company_name or None)
        forms.append(form)
        keys.append(company_key(value))
    return company_names, forms, keys


_Normalized = tuple[list[str | None], list[str | None], list[str | None]]


def _start_distinct(values: list[str], min_parallel: int) -> Callable[[], _Normalized]:
    """Start ``_normalize_names`` on ``values``; the returned function waits for and returns the result.

    The work is pure Python (the GIL keeps it on one core) and at 1M leads the largest part of
    ``clean``: with many names it runs in worker processes, one per core, while the caller goes on
    with other columns. Workers are spawned, not forked: forking a process that runs Polars'
    thread pool can deadlock.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(values) < min_parallel or workers < 2:
        done = _normalize_names(values)
        return lambda: done
    size = -(-len(values) // workers)
    chunks = [values[i : i + size] for i in range(0, len(values), size)]
    pool = ProcessPoolExecutor(
        max_workers=len(chunks), mp_context=multiprocessing.get_context("spawn")
    )
    futures = [pool.submit(_normalize_names, chunk) for chunk in chunks]

    def finish() -> _Normalized:
        try:
            parts = [future.result() for future in futures]
        finally:
            pool.shutdown(cancel_futures=True)
        return (
            [v for part in parts for v in part[0]],
            [v for part in parts for v in part[1]],
            [v for part in parts for v in part[2]],
        )

    return finish


def start_normalize_companies(
    names: pl.Series, *, min_parallel: int = PARALLEL_MIN_NAMES
) -> Callable[[], pl.DataFrame]:
    """Start ``normalize_companies``; call the returned function for its frame (``clean`` overlaps
    the company names with the phones this way)."""
    raw = names.cast(pl.String)
    distinct = raw.drop_nulls().unique().to_list()
    pending = _start_distinct(distinct, min_parallel)

    def finish() -> pl.DataFrame:
        company_names, forms, keys = pending()
        lookup = pl.DataFrame(
            {
                "_raw": distinct,
                C.COMPANY_NAME: company_names,
                C.LEGAL_FORM: forms,
                C.COMPANY_KEY: keys,
            },
            schema={
                "_raw": pl.String,
                C.COMPANY_NAME: pl.String,
                C.LEGAL_FORM: pl.String,
                C.COMPANY_KEY: pl.String,
            },
        )
        return (
            raw.rename("_raw")
            .to_frame()
            .join(lookup, on="_raw", how="left", maintain_order="left", nulls_equal=False)
            .drop("_raw")
        )

    return finish


def normalize_companies(
    names: pl.Series, *, min_parallel: int = PARALLEL_MIN_NAMES
) -> pl.DataFrame:
    """Company name, legal form and company key for each name: one row per input, nulls kept.

    Works on the distinct names only, so a million rows with half as many names cost half; with
    ``min_parallel`` or more distinct names, on every core.
    """
    return start_normalize_companies(names, min_parallel=min_parallel)()
