"""Merge the records of each cluster into one row, losing nothing a source said.

Rules, per field:

- one value (``company`` with its ``company_name``/``legal_form``/``company_key``; ``inn`` with
  ``inn_valid``; ``ogrn`` with ``ogrn_valid``; ``website``, ``domain``, ``city``, ``address``, ``channel``,
  ``potential``): a valid INN/OGRN (and a city that is not a region) first, then the value most members
  share, then the longest, then the earliest record. Input order is the trust order: put the source you trust most first.
- the name is judged by what cleaning made of it, not by the raw cell: the ``company_key`` most members
  share, then within it the ``company_name`` spelling most of them share (``ООО «Промресурс»``,
  ``Промресурс, ООО`` and ``Промресурс .`` all count for ``Промресурс``), then the cell as written most
  share, one not in capitals only, one with a legal form, a registry's (valid INN), the longest, the
  earliest.
- unions, ``; ``-joined in first-seen order: ``email``, ``phone_raw``, ``phone_invalid``, ``contact``,
  ``category``; ``phones`` is the union as a list and ``phone`` its first number.
- provenance (``source``, ``source_sheet``, ``source_row``): every member's value, aligned with
  ``lead_ids``; a member from a text file, which has no sheet, shows ``—`` in ``source_sheet``.
- every other column: its distinct non-empty values, ``; ``-joined.

``lead_id`` of a merged row is its ``cluster_id`` (the seed's lead_id), so merged rows stay addressable.
The cluster file keeps every record as it was, with ``cluster_id`` and ``match_reason``.
"""

from __future__ import annotations

import polars as pl

from leadkit import columns as C
from leadkit.dedupe.blocking import city_matching
from leadkit.settings import CityNames, default_settings

ORDER = "_dd_order"
#: A preference rather than a column: a city cell that names a place beats one that names a region
#: ("Казань" over "Республика Татарстан", as legal-entity directories write it).
CITY_IS_PLACE = "city names a place"

#: (field that decides, fields taken from the same record, prefer records where this flag is "true")
PICKS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    (C.COMPANY, (C.COMPANY, C.COMPANY_NAME, C.LEGAL_FORM, C.COMPANY_KEY), None),
    (C.INN, (C.INN, C.INN_VALID), C.INN_VALID),
    (C.OGRN, (C.OGRN, C.OGRN_VALID), C.OGRN_VALID),
    (C.WEBSITE, (C.WEBSITE,), None),
    (C.DOMAIN, (C.DOMAIN,), None),
    (C.CITY, (C.CITY,), CITY_IS_PLACE),
    (C.ADDRESS, (C.ADDRESS,), None),
    (C.CHANNEL, (C.CHANNEL,), None),
    (C.POTENTIAL, (C.POTENTIAL,), None),
)
UNIONS: tuple[str, ...] = (C.EMAIL, C.PHONE_RAW, C.PHONE_INVALID, C.CONTACT, C.CATEGORY)
ALIGNED: tuple[str, ...] = (C.SOURCE, C.SOURCE_SHEET, C.SOURCE_ROW)
DERIVED: frozenset[str] = frozenset(
    {C.LEAD_ID, C.LEAD_IDS, C.CLUSTER_ID, C.CLUSTER_SIZE, C.MATCH_REASON, C.PHONES, C.PHONE}
)


def _preference(flag: str, cities: CityNames) -> pl.Expr:
    """True for the records a pick prefers: its flag column says "true", or the city is a place."""
    if flag == CITY_IS_PLACE:
        regions = city_matching(cities).regions
        folded = (
            pl.col(C.CITY)
            .str.to_lowercase()
            .str.replace_all("ё", "е", literal=True)
            .str.replace_all(r"[^\w]+", " ")
        )
        return ~folded.str.contains(regions).fill_null(True)
    return (pl.col(flag) == "true").fill_null(False)


def _name_criteria() -> list[pl.Expr]:
    """How the merged name is chosen, most important first (larger wins): a record with a name key,
    with a name at all; the key most members share; the spelling of it most share; the cell as
    written most share; a spelling not in capitals only; one that came with a legal form; a
    registry's (valid INN); the longest cell."""
    name = pl.col(C.COMPANY_NAME)
    return [
        pl.col(C.COMPANY_KEY).is_not_null(),
        pl.col(C.COMPANY).is_not_null(),
        pl.len().over(C.CLUSTER_ID, C.COMPANY_KEY),
        pl.len().over(C.CLUSTER_ID, C.COMPANY_NAME),
        pl.len().over(C.CLUSTER_ID, C.COMPANY),
        (name != name.str.to_uppercase()).fill_null(False),
        pl.col(C.LEGAL_FORM).is_not_null(),
        (pl.col(C.INN_VALID) == "true").fill_null(False),
        pl.col(C.COMPANY).str.len_chars().fill_null(0),
    ]


def _best_records(members: pl.DataFrame, cities: CityNames) -> pl.DataFrame:
    """Per cluster (in the order of ``members``' group-by), the ``PICKS`` fields, each group from
    the record whose deciding value wins: non-empty, flag "true", most members share it, longest,
    earliest.

    One group-by finds every pick's winning row at once; the fields are then gathered by row, so
    the members are neither sorted nor copied once per pick.
    """
    row = "_dd_row"
    keys: list[pl.Expr] = []
    winners: list[pl.Expr] = []
    for pick, (lead, _, flag) in enumerate(PICKS):
        if lead == C.COMPANY:
            criteria = _name_criteria()
        else:
            criteria = [pl.col(lead).is_not_null()]
            if flag:
                criteria.append(_preference(flag, cities))
            criteria += [pl.len().over(C.CLUSTER_ID, lead), pl.col(lead).str.len_chars()]
        names = [f"_dd_k{pick}_{i}" for i in range(len(criteria))]
        keys += [expr.alias(name) for expr, name in zip(criteria, names, strict=True)]
        # Rows are in input order, so the smallest row number is the earliest record.
        winners.append(
            pl.col(row)
            .sort_by([*names, row], descending=[*([True] * len(names)), False])
            .first()
            .alias(f"_dd_w{pick}")
        )
    numbered = members.with_row_index(row)
    won = (
        numbered.select(C.CLUSTER_ID, row, *keys)
        .group_by(C.CLUSTER_ID, maintain_order=True)
        .agg(*winners)
    )
    parts = [won.select(C.CLUSTER_ID)]
    for pick, (lead, fields, _) in enumerate(PICKS):
        chosen = numbered.select(*fields, pl.col(lead).is_not_null().alias("_dd_ok")).gather(
            won.get_column(f"_dd_w{pick}")
        )
        # A cluster where no member has the deciding value takes none of its fields.
        parts.append(chosen.select(pl.when("_dd_ok").then(pl.col(f)).alias(f) for f in fields))
    return pl.concat(parts, how="horizontal")


# Members are gathered as lists in the group-by and the lists reduced afterwards: list operations
# run on whole columns, where string joins inside a group-by run group by group.


def _union(column: str) -> pl.Expr:
    parts = (
        pl.col(column)
        .list.drop_nulls()
        .list.join(C.LIST_SEPARATOR)
        .str.split(C.LIST_SEPARATOR)
        .list.eval(pl.element().str.strip_chars())
        .list.filter(pl.element() != "")
        .list.unique(maintain_order=True)
    )
    return parts.list.join(C.LIST_SEPARATOR).pipe(C.null_if_empty).alias(column)


#: What an aligned list shows for a member without a value: a text file's member has no sheet.
NO_VALUE = "—"


def _aligned(column: str) -> pl.Expr:
    """Every member's value in member order (aligned with ``lead_ids``), ``—`` for a member that has
    none (``—; Компании; —`` rather than ``; Компании; ``); empty when no member has one."""
    joined = pl.col(column).list.eval(pl.element().fill_null(NO_VALUE)).list.join(C.LIST_SEPARATOR)
    present = pl.col(column).list.drop_nulls().list.len() > 0
    return pl.when(present).then(joined).otherwise(None).alias(column)


def _blank_as_null(column: str) -> pl.Expr:
    return pl.when(pl.col(column).str.strip_chars() != "").then(pl.col(column)).alias(column)


def _distinct(column: str) -> pl.Expr:
    """A group's distinct values in first-seen order, ``; ``-joined (blanks made null beforehand).

    An aggregation, not list expressions on aggregated lists: those cost milliseconds per column,
    which a table of two thousand columns pays for seconds."""
    values = pl.col(column).drop_nulls().unique(maintain_order=True)
    return values.str.join(C.LIST_SEPARATOR).pipe(C.null_if_empty).alias(column)


def merge_clusters(clusters: pl.DataFrame, cities: CityNames | None = None) -> pl.DataFrame:
    """One row per cluster of ``clusters`` (records in input order with cluster_id, cluster_size).

    Clusters appear in the order of their first record in the input. Each cluster is merged from its
    own records only, so any set of whole clusters can be merged apart from the rest.
    """
    cities = cities or default_settings().cities
    frame = clusters.with_row_index(ORDER)
    if frame.height <= PART_ROWS:
        return _merge(frame, clusters.columns, cities).drop(ORDER)
    # A big table is merged a part of its clusters at a time: each part is copied and grouped on
    # its own. A merged row sits where its cluster's first record is, so parts cut by that first
    # record come out in order and are only put one after another (no sort of the whole result).
    parts = -(-frame.height // PART_ROWS)
    # 64-bit: the row index is 32-bit, and row × parts outgrows it from about 65 million rows.
    first = pl.col(ORDER).min().over(C.CLUSTER_ID).cast(pl.UInt64)
    part = frame.select((first * parts // frame.height).alias("part")).to_series()
    merged = [
        _merge(frame.filter(part == index), clusters.columns, cities) for index in range(parts)
    ]
    return pl.concat(merged).drop(ORDER)


#: Records merged at a time (whole clusters): a part's copies and groups stay within a few hundred MB.
PART_ROWS = 1_000_000


def _merge(frame: pl.DataFrame, columns: list[str], cities: CityNames) -> pl.DataFrame:
    """``merge_clusters`` of the whole clusters in ``frame`` (which carries ``ORDER``); the merged
    rows with ``ORDER``, in its order."""
    for column in (*(f for _, fs, _ in PICKS for f in fs), *UNIONS, *ALIGNED):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    if C.PHONES not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(C.PHONES))
    picked = [f for _, fs, _ in PICKS for f in fs]
    extras = [
        c
        for c in frame.columns
        if c not in DERIVED
        and c != ORDER
        and c not in picked
        and c not in UNIONS
        and c not in ALIGNED
    ]
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in extras)
    frame = frame.with_columns(_blank_as_null(c) for c in extras)

    single_mask = pl.col(C.CLUSTER_SIZE).cast(pl.Int64) == 1
    singles = frame.filter(single_mask).select(
        pl.col(ORDER),
        pl.col(C.CLUSTER_ID),
        pl.col(C.CLUSTER_SIZE),
        pl.col(C.LEAD_ID).alias(C.LEAD_IDS),
        pl.col(C.PHONES),
        pl.col(C.PHONES).list.first().alias(C.PHONE),
        *picked,
        *UNIONS,
        *ALIGNED,
        *extras,
    )
    members = frame.filter(~single_mask)
    groups = (
        members.group_by(C.CLUSTER_ID, maintain_order=True)
        .agg(
            pl.col(ORDER).min(),
            pl.col(C.CLUSTER_SIZE).first(),
            pl.col(C.LEAD_ID).alias(C.LEAD_IDS),
            pl.col(C.PHONES)
            .list.explode(keep_nulls=False, empty_as_null=False)
            .drop_nulls()
            .unique(maintain_order=True)
            .alias(C.PHONES),
            *(pl.col(c) for c in (*UNIONS, *ALIGNED)),
            *(_distinct(c) for c in extras),
        )
        .with_columns(
            pl.col(C.LEAD_IDS).list.join(C.LIST_SEPARATOR),
            *(_union(c) for c in UNIONS),
            *(_aligned(c) for c in ALIGNED),
        )
    )
    groups = groups.with_columns(
        pl.when(pl.col(C.PHONES).list.len() > 0)
        .then(pl.col(C.PHONES))
        .otherwise(None)
        .alias(C.PHONES)
    ).with_columns(pl.col(C.PHONES).list.first().alias(C.PHONE))
    # Both group-bys keep the clusters in the order of their first member: side by side, no join.
    groups = groups.hstack(_best_records(members, cities).drop(C.CLUSTER_ID).get_columns())
    merged = pl.concat([singles, groups.select(singles.columns)]).sort(ORDER)
    merged = merged.with_columns(pl.col(C.CLUSTER_ID).alias(C.LEAD_ID))
    # Columns the input did not have are not invented (phone comes with phones).
    keep = {*columns, C.LEAD_IDS, ORDER}
    if C.PHONES in columns:
        keep.add(C.PHONE)
    return C.order_columns(merged.select([c for c in merged.columns if c in keep]))
