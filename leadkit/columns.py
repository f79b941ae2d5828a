"""The canonical column names of a lead table, in the contract's order, in one place.

Header synonyms live in ``leadkit/data/synonyms.yaml``; this module only names columns and orders them.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

LEAD_ID = "lead_id"
SOURCE = "source"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"
COMPANY = "company"
PHONE_RAW = "phone_raw"
EMAIL = "email"
WEBSITE = "website"
CITY = "city"
ADDRESS = "address"
CATEGORY = "category"
INN = "inn"
OGRN = "ogrn"
CHANNEL = "channel"
POTENTIAL = "potential"
CONTACT = "contact"

PHONES = "phones"
PHONE = "phone"
PHONE_INVALID = "phone_invalid"
COMPANY_NAME = "company_name"
LEGAL_FORM = "legal_form"
COMPANY_KEY = "company_key"
INN_VALID = "inn_valid"
OGRN_VALID = "ogrn_valid"
DOMAIN = "domain"

CLUSTER_ID = "cluster_id"
LEAD_IDS = "lead_ids"
MATCH_REASON = "match_reason"
CLUSTER_SIZE = "cluster_size"

# Sales rows (``leadkit classify --sales``): the fields a sales export's columns feed.
CLIENT = "client"
CLIENT_ID = "client_id"
DATE = "date"
DOCUMENT = "document"
REVENUE = "revenue"
COST = "cost"
PROFIT = "profit"

#: Fields a sales export's column can be mapped to (``--map`` of classify, ``sales_synonyms.yaml``).
SALES_FIELDS: tuple[str, ...] = (CLIENT, INN, CLIENT_ID, DATE, DOCUMENT, REVENUE, COST, PROFIT)

# Columns ``classify`` adds to each client, in this order (``potential`` becomes a number among them).
PROFIT_TIER = "profit_tier"
POTENTIAL_TIER = "potential_tier"
ABCDE = "abcde"
PROFIT_SHARE = "profit_share"
PROFIT_CUM_SHARE = "profit_cum_share"
KEY_ACCOUNT = "key_account"
RELATIONSHIP = "relationship"
ABCDE_PREVIOUS = "abcde_previous"
MOVED = "moved"
CLASSIFY_COLUMNS: tuple[str, ...] = (
    REVENUE,
    PROFIT,
    POTENTIAL,
    PROFIT_TIER,
    POTENTIAL_TIER,
    ABCDE,
    PROFIT_SHARE,
    PROFIT_CUM_SHARE,
    KEY_ACCOUNT,
    RELATIONSHIP,
)

#: Fields a source column can be mapped to (``--map``, synonyms, profiles); ``phone`` feeds ``phone_raw``.
SOURCE_FIELDS: tuple[str, ...] = (
    COMPANY,
    PHONE_RAW,
    EMAIL,
    WEBSITE,
    CITY,
    ADDRESS,
    CATEGORY,
    INN,
    OGRN,
    CHANNEL,
    POTENTIAL,
    CONTACT,
)

#: Columns ``import`` writes first, in this order.
IMPORT_COLUMNS: tuple[str, ...] = (LEAD_ID, SOURCE, SOURCE_SHEET, SOURCE_ROW, *SOURCE_FIELDS)

#: Columns ``clean`` adds, in this order, after the import columns.
CLEAN_COLUMNS: tuple[str, ...] = (
    PHONES,
    PHONE,
    PHONE_INVALID,
    COMPANY_NAME,
    LEGAL_FORM,
    COMPANY_KEY,
    INN_VALID,
    OGRN_VALID,
    DOMAIN,
)

#: Columns ``dedupe`` adds.
DEDUPE_COLUMNS: tuple[str, ...] = (CLUSTER_ID, CLUSTER_SIZE, LEAD_IDS, MATCH_REASON)

CANONICAL_ORDER: tuple[str, ...] = (*IMPORT_COLUMNS, *CLEAN_COLUMNS, *DEDUPE_COLUMNS)

#: Columns that hold a list of values (a Polars List[String]; ``; ``-joined in CSV/TSV/XLSX).
LIST_COLUMNS: frozenset[str] = frozenset({PHONES})

LIST_SEPARATOR = "; "


def order_columns(df: pl.DataFrame, first: Iterable[str] = CANONICAL_ORDER) -> pl.DataFrame:
    """Put the canonical columns that ``df`` has first, in contract order; keep the rest after, as they were."""
    first = [c for c in first if c in df.columns]
    rest = [c for c in df.columns if c not in set(first)]
    return df.select(first + rest)


def null_if_empty(text: pl.Expr) -> pl.Expr:
    """The text, or null where it is empty."""
    return pl.when(text.str.len_chars() > 0).then(text)


def stripped_or_null(text: pl.Expr) -> pl.Expr:
    """The text without surrounding whitespace, or null where nothing is left."""
    return null_if_empty(text.str.strip_chars())
