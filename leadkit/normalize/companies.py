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

import functools
import multiprocessing
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import polars as pl

from leadkit import columns as C
from leadkit.settings import CompanyNames, default_settings

__all__ = ["company_key", "normalize_companies", "split_legal_form"]

# Straight, typographic, CSV-doubled, German and French quotes; apostrophes are handled apart
# because they also live inside names (McDonald's).
_QUOTES = re.compile(r"[\"«»„“”‟″〝〞＂‹›`´]+")
_APOSTROPHES = "'‘’‚"
_APOSTROPHE = re.compile(r"(?<![^\W\d_])['‘’‚]+|['‘’‚]+(?![^\W\d_])")
_SPACES = re.compile(r"\s+")
#: Marks that are stray at either end of a name (``Экоресурс .``, ``, Вектор``); ``+``, ``&``, ``!``,
#: ``№`` and closing brackets are part of names (``Ромашка+``, ``Дом & Сад``, ``Сервис (Казань)``).
_EDGE_PUNCT = " ,;:-–—_/|\\*•·…"
#: A final dot that belongs to the name: after an initial or inside an abbreviation (``Иванов И.И.``,
#: ``А.С.К.``), not after a word (``Промресурс.``).
_KEPT_DOT = re.compile(r"(?:^|[\s.])[^\W\d_]\.$")
_LETTERS = re.compile(r"[^\W\d_]+")
_HAS_LATIN = re.compile(r"[A-Za-z]")
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NON_ALNUM = re.compile(r"[\W_]+")
_DIAERESIS = "\u0308"
# ASCII, the basic Russian alphabet and common quotes and dashes need no Unicode
# decomposition, only ё → е (NBSP becomes a space like any punctuation).
_PLAIN = re.compile(r"[\x00-\x7f\u0410-\u044f\u0401\u0451«»„“”‘’–—\u00a0]*")


@dataclass(frozen=True)
class _Tables:
    """What the name functions derive from one ``CompanyNames``: look-alike letters, the word-id
    translation, and legal-form spellings as word-id sequences (``'общество с ограниченной
    ответственностью'``), so that finding a form at either end of a name is a few dictionary look-ups."""

    lookalikes: dict[str, str]
    id_table: dict[int, str | None]
    leading: dict[str, str]
    trailing: dict[str, str]
    # First (last) word of a form → the word counts of the forms that start (end) with it.
    leading_starts: dict[str, tuple[int, ...]]
    trailing_ends: dict[str, tuple[int, ...]]
    key_leading: frozenset[str]
    key_trailing: frozenset[str]
    key_lengths: tuple[int, ...]


def _fold_key_text(text: str, lookalikes: dict[str, str]) -> str:
    """Case, ё/е, accents-with-diaeresis and punctuation folded; й, digits and letters kept."""
    if _PLAIN.fullmatch(text):
        text = text.replace("ё", "е").replace("Ё", "Е")
    else:
        text = unicodedata.normalize("NFKD", text).replace(_DIAERESIS, "")
        text = unicodedata.normalize("NFC", text)
    text = _fold_lookalikes(text, lookalikes).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


def _word_id(word: str, id_table: dict[int, str | None]) -> str:
    """A word as the form index knows it: ``OOO``, ``ооо``, ``(ООО)`` → ``ооо``; ``Ltd.`` → ``lтd``."""
    # Only a final dot goes: inner dots keep initials (`П.П.`) apart from forms (`ПП`).
    return word.casefold().translate(id_table).rstrip(".")


@functools.lru_cache(maxsize=8)
def _tables(names: CompanyNames) -> _Tables:
    """The tables of one settings object, built once (settings hash by identity)."""
    lookalikes = dict(names.lookalikes)
    # Latin look-alikes read as Cyrillic, ё as е, brackets gone.
    id_table: dict[int, str | None] = {
        ord(k.casefold()): v.casefold() for k, v in lookalikes.items()
    }
    id_table[ord("ё")] = "е"
    id_table.update({ord(ch): None for ch in "(),;:[]"})
    leading: dict[str, str] = {}
    trailing: dict[str, str] = {}
    key_leading: set[str] = set()
    key_trailing: set[str] = set()
    for form in names.legal_forms:
        for spelling in form.spellings:
            name_id = " ".join(_word_id(w, id_table) for w in spelling.split())
            key_id = _fold_key_text(spelling, lookalikes).translate(id_table)
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

    return _Tables(
        lookalikes=lookalikes,
        id_table=id_table,
        leading=leading,
        trailing=trailing,
        leading_starts=by_word(leading, first=True),
        trailing_ends=by_word(trailing, first=False),
        key_leading=frozenset(key_leading),
        key_trailing=frozenset(key_trailing),
        key_lengths=lengths(key_trailing) or (1,),
    )


def _fold_lookalikes(text: str, lookalikes: dict[str, str]) -> str:
    """Read Latin look-alike letters as Cyrillic inside words that are mostly Cyrillic."""
    if not _HAS_LATIN.search(text) or not _HAS_CYRILLIC.search(text):
        return text

    def fold_word(match: re.Match[str]) -> str:
        word = match.group(0)
        latin = sum(1 for ch in word if ch.isascii())
        if latin == 0 or latin * 2 >= len(word) or not _HAS_CYRILLIC.search(word):
            return word
        return "".join(lookalikes.get(ch, ch) for ch in word)

    return _LETTERS.sub(fold_word, text)


def _strip_edges(text: str) -> str:
    """Stray punctuation off both ends: separators, dots (except an initial's or an abbreviation's),
    a bracket left open at the end or closed at the start. ``ООО «Экоресурс» .`` → ``Экоресурс``."""
    while True:
        before = text
        text = text.strip(_EDGE_PUNCT)
        if text.startswith((".", ")", "]")):
            text = text[1:]
        if text.endswith(("(", "[")) or (text.endswith(".") and not _KEPT_DOT.search(text)):
            text = text[:-1]
        if text == before:
            return text


def _tidy(text: str) -> str:
    text = _QUOTES.sub(" ", text)
    if any(ch in text for ch in _APOSTROPHES):
        text = _APOSTROPHE.sub(" ", text)
    return _strip_edges(_SPACES.sub(" ", text))


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


def split_legal_form(name: str, names: CompanyNames | None = None) -> tuple[str, str | None]:
    """Split a company name into the name as a person writes it and its legal form.

    ``'ООО «Ромашка»'`` → ``('Ромашка', 'ООО')``; ``'Ромашка, ООО'`` → the same;
    ``'ИП Иванов Иван Иванович'`` → ``('Иванов Иван Иванович', 'ИП')``; no form → ``(name, None)``.
    Several stacked forms (``ООО ЧОП «Щит»``) are all removed; the outermost one is reported.
    A form is a whole word: ``Ипподром`` holds no ``ИП``, ``Зао-Сервис`` no ``ЗАО``.
    """
    index = _tables(names or default_settings().companies)
    table = index.id_table
    text = _tidy(_fold_lookalikes(name, index.lookalikes))
    form: str | None = None
    while text:
        words = text.split(" ")
        lengths = index.leading_starts.get(_word_id(words[0], table))
        if lengths is None:
            break
        ids = [_word_id(w, table) for w in words[: lengths[0]]]
        n = _leading_form(ids, index.leading, lengths)
        if not n:
            break
        form = form or index.leading[" ".join(ids[:n])]
        text = _strip_edges(" ".join(words[n:]))
    while text:
        words = text.split(" ")
        lengths = index.trailing_ends.get(_word_id(words[-1], table))
        if lengths is None:
            break
        ids = [_word_id(w, table) for w in words[-lengths[0] :]]
        n = _trailing_form(ids, index.trailing, lengths)
        if not n:
            break
        form = form or index.trailing[" ".join(ids[-n:])]
        text = _strip_edges(" ".join(words[:-n]))
    return text, form


def company_key(name: str | None, names: CompanyNames | None = None) -> str | None:
    """The matching key of a company name: equal for names differing only in legal form, quotes,
    case, ё/е, spacing, punctuation or Latin look-alike letters; None when nothing is left.

    Idempotent: ``company_key(company_key(x)) == company_key(x)``.
    """
    if name is None:
        return None
    index = _tables(names or default_settings().companies)
    key = _fold_key_text(name, index.lookalikes)
    if not key:
        return None
    # Forms are stripped after folding so that the key of a key finds nothing more to strip.
    words = key.split(" ")
    ids = key.translate(index.id_table).split(" ")
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
    values: list[str], names: CompanyNames
) -> tuple[list[str | None], list[str | None], list[str | None]]:
    """Company name, legal form and key of each value, in order (runs in worker processes too)."""
    company_names: list[str | None] = []
    forms: list[str | None] = []
    keys: list[str | None] = []
    for value in values:
        company_name, form = split_legal_form(value, names)
        company_names.append(company_name or None)
        forms.append(form)
        keys.append(company_key(value, names))
    return company_names, forms, keys


_Normalized = tuple[list[str | None], list[str | None], list[str | None]]


def _start_distinct(
    values: list[str], names: CompanyNames, workers: int, min_parallel: int
) -> Callable[[], _Normalized]:
    """Start ``_normalize_names`` on ``values``; the returned function waits for and returns the result.

    The work is pure Python (the GIL keeps it on one core) and at 1M leads the largest part of
    ``clean``: asked for ``workers`` > 1 and given many names, it runs in that many worker processes
    while the caller goes on with other columns. Workers are spawned, not forked: forking a process
    that runs Polars' thread pool can deadlock. Spawned workers import the caller's ``__main__``, so
    a program that asks for them must be a file or a module (the ``leadkit`` command is).
    """
    if len(values) < min_parallel or workers < 2:
        done = _normalize_names(values, names)
        return lambda: done
    size = -(-len(values) // workers)
    chunks = [values[i : i + size] for i in range(0, len(values), size)]
    pool = ProcessPoolExecutor(
        max_workers=len(chunks), mp_context=multiprocessing.get_context("spawn")
    )
    futures = [pool.submit(_normalize_names, chunk, names) for chunk in chunks]

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
    raw_names: pl.Series,
    *,
    names: CompanyNames | None = None,
    workers: int = 1,
    min_parallel: int = PARALLEL_MIN_NAMES,
) -> Callable[[], pl.DataFrame]:
    """Start ``normalize_companies``; call the returned function for its frame (``clean`` overlaps
    the company names with the phones this way)."""
    raw = raw_names.cast(pl.String)
    distinct = raw.drop_nulls().unique().to_list()
    pending = _start_distinct(
        distinct, names or default_settings().companies, workers, min_parallel
    )

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
    raw_names: pl.Series,
    *,
    names: CompanyNames | None = None,
    workers: int = 1,
    min_parallel: int = PARALLEL_MIN_NAMES,
) -> pl.DataFrame:
    """Company name, legal form and company key for each name: one row per input, nulls kept.

    Works on the distinct names only, so a million rows with half as many names cost half; with
    ``workers`` > 1 and ``min_parallel`` or more distinct names, in that many processes.
    """
    return start_normalize_companies(
        raw_names, names=names, workers=workers, min_parallel=min_parallel
    )()
