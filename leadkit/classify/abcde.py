"""``leadkit classify``: ABCDE classes of clients by profit and potential, within each sales channel.

Rules (the defaults of ``abcde.yaml``; every number and name is configurable):

1. Sales rows are joined to clients by INN, else client id, else the company key of the name. A key
   shared by several clients matches none of them, and a client id or name never joins a sale to a
   client whose INN differs from the sale's. Rows that join no client are returned, with the reason.
2. A client's revenue and profit are the sums of its sales dated within the period (rows without a
   date count in any period); its potential is read from ``potential`` (Russian formats; empty is 0).
3. Within each channel, clients are ranked by the measure (profit), largest first, ties by their key
   (INN, else client id, else company key). A client is ``top`` while the share of the channel's
   positive total held by the clients ranked above it is below 0.5, ``high`` while below 0.8, else
   ``low``; a value of 0 or less is ``low``. The same for potential, separately.
4. Class by (profit tier, potential tier) from the matrix; a profit below 0 is ``E`` whatever the tiers.
5. ``key_account``: share of the company's positive profit (all channels) above 0.70 ``mono``, 0.20
   ``critical``, 0.10 ``key``.
6. ``relationship`` from every sale up to the period's end: ``cold`` (never bought), ``one_off`` (one
   purchase day ever), ``regular`` (more), ``lost`` (bought before the period, not in it; or only
   returns). A purchase is a row with positive revenue.

Money is summed in whole kopecks (exact, in any row order) and written as Float64; every step is a
Polars expression, join or group-by; only the company keys of distinct names are computed in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import polars as pl

from leadkit import columns as C
from leadkit.errors import LeadkitError, Notice
from leadkit.io.headers import assign_columns
from leadkit.normalize.amounts import kopecks, read_amounts
from leadkit.normalize.companies import company_key
from leadkit.normalize.contacts import map_distinct
from leadkit.settings import AbcdeRules, CompanyNames, Settings, resolve

__all__ = [
    "SHARE_FORMATS",
    "SUMMARY_COLUMNS",
    "UNMATCHED_REASON",
    "ClassifyResult",
    "Period",
    "classify_clients",
]

#: XLSX number formats of the share columns (the money columns are Float64: numbers with a
#: thousands format by their dtype).
SHARE_FORMATS = {C.PROFIT_SHARE: "percent", C.PROFIT_CUM_SHARE: "percent"}
#: The columns of the summary table.
SUMMARY_COLUMNS = ("channel", "abcde", "clients", "revenue", "profit", "profit_share", "potential")
#: The column of the unmatched sales rows that says why a row joined no client.
UNMATCHED_REASON = "reason"

_IDENTITY = ("_inn", "_id", "_key")


class Period(NamedTuple):
    """The period whose sales count: ``start`` ≤ date ≤ ``end``; None leaves that side open."""

    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class ClassifyResult:
    """The classified clients, the channel × class summary, the sales rows that joined no client, the
    warnings met, and counts (``clients``, ``channels``, ``sales_rows``, ``matched_rows``,
    ``unmatched_rows``, ``moved``, and ``class_A`` … per class)."""

    clients: pl.DataFrame
    summary: pl.DataFrame
    unmatched: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def class_counts(counts: dict[str, int]) -> str:
    """The clients per class of a result's ``counts``, as people read them: ``A 3, B 1, C 2, D 4, E 2``."""
    return ", ".join(
        f"{key.removeprefix('class_')} {value}"
        for key, value in counts.items()
        if key.startswith("class_")
    )


def classify_clients(
    clients: pl.DataFrame,
    sales: pl.DataFrame,
    *,
    period: Period | tuple[dt.date | None, dt.date | None] | None = None,
    settings: Settings | None = None,
    previous: pl.DataFrame | None = None,
    name: str = "clients",
) -> ClassifyResult:
    """Class every client A–E by its profit in ``period`` and its potential, within its channel.

    ``clients`` is any lead table with ``channel`` and ``potential`` and an ``inn``, a client id
    column or ``company_key`` (computed from ``company`` where missing); ``sales`` is what
    :func:`leadkit.classify.read_sales` returns. ``previous``, an earlier classification, adds
    ``abcde_previous`` and ``moved``. ``name`` is how messages call the clients table (its file).
    The result keeps every client column, replaces ``potential`` by its number, and adds the
    classification columns, sorted by channel and rank.
    """
    settings = resolve(settings)
    rules = settings.abcde
    start, end = Period(*period) if period is not None else Period()
    warnings: list[Notice] = []
    table = _prepare_clients(clients, settings, name, warnings)
    matched, unmatched = _match_sales(sales, table, settings)
    if (start is not None or end is not None) and matched.height:
        undated = int(sales.get_column(C.DATE).null_count())
        if undated:
            warnings.append(
                Notice(f"{undated} sales row(s) have no date; they count in the period")
            )
    totals = _per_client(matched, start, end)
    ranked = _classify(table.join(totals, on="_client", how="left"), rules)
    if previous is not None:
        ranked = _with_previous(ranked, previous, settings)
    result_clients = _output(clients, ranked, previous is not None)
    summary = _summary(ranked, rules)
    counts = {
        "clients": ranked.height,
        "channels": ranked.get_column("_channel").n_unique(),
        "sales_rows": sales.height,
        "matched_rows": matched.height,
        "unmatched_rows": unmatched.height,
    }
    if previous is not None:
        counts["moved"] = int(ranked.get_column(C.MOVED).is_not_null().sum())
    by_class = dict(ranked.group_by(C.ABCDE).len().iter_rows())
    for label in rules.classes:
        counts[f"class_{label}"] = int(by_class.get(label, 0))
    return ClassifyResult(result_clients, summary, unmatched, warnings, counts)


# --- identities -------------------------------------------------------------------------------------


def _inn_key(text: pl.Expr) -> pl.Expr:
    """An INN for matching: digits only; 9 or 11 digits get back the leading zero a spreadsheet took."""
    digits = (
        text.cast(pl.String).str.strip_chars().str.replace(r"\.0+$", "").str.replace_all(r"\D", "")
    )
    length = digits.str.len_chars()
    return (
        pl.when(length.is_in([9, 11]))
        .then("0" + digits)
        .when(length.is_in([10, 12]))
        .then(digits)
        .otherwise(None)
    )


def _id_key(text: pl.Expr) -> pl.Expr:
    """A client id for matching: trimmed, case folded; an all-digit id without its leading zeros."""
    folded = text.cast(pl.String).str.strip_chars().str.replace(r"\.0+$", "").str.to_lowercase()
    unpadded = folded.str.strip_chars_start("0")
    number = pl.when(unpadded == "").then(pl.lit("0")).otherwise(unpadded)
    key = pl.when(folded.str.contains(r"^\d+$")).then(number).otherwise(folded)
    return pl.when(folded.str.len_chars() > 0).then(key)


def _name_keys(names: pl.Series, companies: CompanyNames) -> pl.Series:
    """The company key of each name, computed once per distinct name."""
    return map_distinct(names, lambda name: company_key(name, companies))


def _client_id_column(frame: pl.DataFrame, settings: Settings) -> str | None:
    """The clients' id column: one whose header is a client-id synonym (``client_id``, ``Код клиента``)."""
    rules = settings.sales.synonyms.only({C.CLIENT_ID: C.CLIENT_ID})
    found = assign_columns(frame.columns, [rules]).get(C.CLIENT_ID)
    return frame.columns[found[0]] if found else None


def _identity(
    frame: pl.DataFrame, settings: Settings, name: str, what: str
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """INN, client id and company key of each row, as matching keys."""
    id_column = _client_id_column(frame, settings)
    if (
        C.INN not in frame.columns
        and id_column is None
        and not ({C.COMPANY_KEY, C.COMPANY} & set(frame.columns))
    ):
        raise LeadkitError(
            f"the {what} have no inn, client id, company_key or company column to join on",
            file=name,
        )
    height = frame.height
    nothing = pl.Series([None] * height, dtype=pl.String)
    inn = frame.select(_inn_key(pl.col(C.INN))).to_series() if C.INN in frame.columns else nothing
    ids = frame.select(_id_key(pl.col(id_column))).to_series() if id_column else nothing
    if C.COMPANY_KEY in frame.columns:
        keys = frame.select(C.stripped_or_null(pl.col(C.COMPANY_KEY).cast(pl.String))).to_series()
    elif C.COMPANY in frame.columns:
        keys = _name_keys(frame.get_column(C.COMPANY).cast(pl.String), settings.companies)
    else:
        keys = nothing
    return inn, ids, keys


def _prepare_clients(
    clients: pl.DataFrame, settings: Settings, name: str, warnings: list[Notice]
) -> pl.DataFrame:
    """One row per client: ``_client`` (its position), matching keys, channel, potential in kopecks."""
    inn, ids, keys = _identity(clients, settings, name, "clients")
    if C.CHANNEL in clients.columns:
        channel = clients.select(C.stripped_or_null(pl.col(C.CHANNEL).cast(pl.String))).to_series()
        missing = channel.null_count()
        if missing:
            warnings.append(
                Notice(f"{missing} client(s) without a channel are ranked together", file=name)
            )
    else:
        channel = pl.Series([None] * clients.height, dtype=pl.String)
        warnings.append(
            Notice("no channel column: every client is ranked in one channel", file=name)
        )
    if C.POTENTIAL in clients.columns:
        potential = _potential(clients, settings, name)
    else:
        potential = pl.Series([0] * clients.height, dtype=pl.Int64)
        warnings.append(Notice("no potential column: every potential counts as 0", file=name))
    return pl.DataFrame(
        {
            "_client": pl.Series(range(clients.height), dtype=pl.Int64),
            "_inn": inn,
            "_id": ids,
            "_key": keys,
            "_channel": channel,
            "_potential_k": potential,
        }
    ).with_columns(pl.coalesce("_inn", "_id", "_key", pl.lit("")).alias("_tie"))


def _potential(clients: pl.DataFrame, settings: Settings, name: str) -> pl.Series:
    """``potential`` in kopecks (empty is 0); a cell that is not a number stops the run."""
    raw = clients.get_column(C.POTENTIAL).cast(pl.String)
    cells = read_amounts(raw, settings.sales).with_columns(raw.alias("raw"))
    bad = cells.with_row_index("_i").filter(pl.col("bad"))
    if bad.height:
        raise LeadkitError(
            f"potential is not a number: {bad.item(0, 'raw')!r} ({bad.height} such cell(s); "
            "write it like 1 200 000,50, or leave it empty for 0)",
            file=name,
            row=int(bad.item(0, "_i")) + 2,
            column=C.POTENTIAL,
        )
    return cells.select(kopecks(pl.col("value")).fill_null(0)).to_series()


# --- joining sales to clients -----------------------------------------------------------------------


def _match(rows: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Each row's one target: by INN, else id, else name key (columns ``_inn``, ``_id``, ``_key`` on
    both sides, ``_target`` on ``targets``). A key shared by several targets matches none; an id or
    name never matches a target whose INN differs from the row's. Adds ``_target`` and ``_why``."""
    out = rows
    for level in _IDENTITY:
        lookup = (
            targets.filter(pl.col(level).is_not_null())
            .group_by(level)
            .agg(pl.col("_target").first().alias(f"{level}_t"), pl.len().alias(f"{level}_n"))
        )
        out = out.join(lookup, on=level, how="left", maintain_order="left")
    target_inn = targets.select("_target", "_inn")
    for level in ("_id", "_key"):
        out = out.join(
            target_inn.rename({"_target": f"{level}_t", "_inn": f"{level}_inn"}),
            on=f"{level}_t",
            how="left",
            maintain_order="left",
        )

    def unique(level: str) -> pl.Expr:
        return (pl.col(f"{level}_n") == 1).fill_null(False)

    def same_inn(level: str) -> pl.Expr:
        theirs = pl.col(f"{level}_inn")
        return pl.col("_inn").is_null() | theirs.is_null() | (pl.col("_inn") == theirs)

    target = (
        pl.when(unique("_inn"))
        .then(pl.col("_inn_t"))
        .when(unique("_id") & same_inn("_id"))
        .then(pl.col("_id_t"))
        .when(unique("_key") & same_inn("_key"))
        .then(pl.col("_key_t"))
    )
    several = [(pl.col(f"{level}_n") > 1).fill_null(False) for level in _IDENTITY]
    why = (
        pl.when(target.is_not_null())
        .then(None)
        .when(pl.all_horizontal(pl.col(*_IDENTITY).is_null()))
        .then(pl.lit("no client name, INN or id in the row"))
        .when(several[0])
        .then(pl.lit("several clients have this INN"))
        .when(several[1])
        .then(pl.lit("several clients have this client id"))
        .when(several[2])
        .then(pl.lit("several clients have this name"))
        .when(unique("_id") | unique("_key"))
        .then(pl.lit("the client with this id or name has another INN"))
        .otherwise(pl.lit("no client with this INN, client id or name"))
    )
    helpers = [f"{level}{suffix}" for level in _IDENTITY for suffix in ("_t", "_n")]
    return out.with_columns(target.alias("_target"), why.alias("_why")).drop(
        *helpers, "_id_inn", "_key_inn"
    )


def _match_sales(
    sales: pl.DataFrame, clients: pl.DataFrame, settings: Settings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sales rows with the client each joined (``_client``), and those that joined none."""
    rows = sales.with_columns(
        _inn_key(pl.col(C.INN)).alias("_inn"), _id_key(pl.col(C.CLIENT_ID)).alias("_id")
    )
    # Names are keyed only where the INN does not already find one client (the costly part at
    # scale); an INN several clients share leaves the choice to the name.
    inns = clients.get_column("_inn").drop_nulls().value_counts()
    sole_inns = inns.filter(pl.col("count") == 1).get_column("_inn")
    names = rows.select(
        pl.when(pl.col("_inn").is_in(sole_inns.implode()).fill_null(False))
        .then(None)
        .otherwise(pl.col(C.CLIENT))
    ).to_series()
    rows = rows.with_columns(_name_keys(names, settings.companies).alias("_key"))
    targets = clients.select(pl.col("_client").alias("_target"), *_IDENTITY)
    joined = _match(rows, targets).rename({"_target": "_client"})
    matched = joined.filter(pl.col("_client").is_not_null())
    unmatched = joined.filter(pl.col("_client").is_null()).select(
        *sales.columns, pl.col("_why").alias(UNMATCHED_REASON)
    )
    return matched, unmatched


# --- per client -------------------------------------------------------------------------------------


def _per_client(sales: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    """Per client: revenue and profit in the period (kopecks), and what ``relationship`` needs."""
    day = pl.col(C.DATE)
    after_start = pl.lit(True) if start is None else day >= start
    before_end = pl.lit(True) if end is None else day <= end
    in_period = day.is_null() | (after_start & before_end)
    up_to_end = day.is_null() | before_end
    before = pl.lit(False) if start is None else (day < start).fill_null(False)
    sign = pl.coalesce(C.REVENUE, C.PROFIT)
    purchase = (sign > 0).fill_null(False)
    refund = (sign < 0).fill_null(False)

    def purchase_days(where: pl.Expr) -> pl.Expr:
        dated = day.filter(purchase & where & day.is_not_null()).n_unique()
        return dated + (purchase & where & day.is_null()).sum()

    return (
        sales.with_columns(
            kopecks(pl.col(C.REVENUE).fill_null(0.0)).alias("_rev"),
            kopecks(pl.col(C.PROFIT)).alias("_prof"),
        )
        .group_by("_client")
        .agg(
            pl.col("_rev").filter(in_period).sum().alias("_revenue_k"),
            pl.col("_prof").filter(in_period).sum().alias("_profit_sum"),
            pl.col("_prof").filter(in_period).count().alias("_profit_known"),
            in_period.sum().alias("_rows_in"),
            purchase_days(in_period).alias("_bought_in"),
            purchase_days(up_to_end).alias("_bought_ever"),
            (purchase & before).any().alias("_bought_before"),
            (refund & up_to_end).any().alias("_refunds"),
        )
    )


def _tiers(df: pl.DataFrame, value: str, rules: AbcdeRules, prefix: str) -> pl.DataFrame:
    """Rank within channel by ``value`` (largest first, ties by key) and add the tier and Pareto shares."""
    ranked = df.sort(
        ["_channel", value, "_tie", "_client"],
        descending=[False, True, False, False],
        nulls_last=True,
    )
    positive = pl.when(pl.col(value) > 0).then(pl.col(value)).otherwise(0)
    total = positive.sum().over("_channel")
    running = positive.cum_sum().over("_channel")
    share_before = (running - positive).cast(pl.Float64) / total
    last = rules.tiers[-1]
    tier: pl.Expr = pl.lit(last)
    for name, cutoff in reversed(list(zip(rules.tiers, rules.cutoffs, strict=False))):
        tier = pl.when(share_before < cutoff).then(pl.lit(name)).otherwise(tier)
    tier = pl.when((pl.col(value) <= 0) | (total <= 0)).then(pl.lit(last)).otherwise(tier)
    return ranked.with_columns(
        tier.alias(f"{prefix}_tier"),
        pl.when(total > 0).then(pl.col(value).cast(pl.Float64) / total).alias(f"_{prefix}_share"),
        pl.when(total > 0).then(running.cast(pl.Float64) / total).alias(f"_{prefix}_cum"),
    )


def _classify(table: pl.DataFrame, rules: AbcdeRules) -> pl.DataFrame:
    """Tiers, class, key account and relationship of every client."""
    profit = (
        pl.when((pl.col("_rows_in") > 0) & (pl.col("_profit_known") == 0))
        .then(None)
        .otherwise(pl.col("_profit_sum").fill_null(0))
    )
    table = table.with_columns(
        pl.col("_revenue_k").fill_null(0),
        profit.alias("_profit_k"),
        *[pl.col(c).fill_null(0) for c in ("_rows_in", "_bought_in", "_bought_ever")],
        *[pl.col(c).fill_null(False) for c in ("_bought_before", "_refunds")],
    )
    measure = "_profit_k" if rules.measure == "profit" else "_revenue_k"
    table = table.with_columns(pl.col(measure).fill_null(0).alias("_value"))
    table = _tiers(table, "_potential_k", rules, "potential")
    table = _tiers(table, "_value", rules, "profit").with_row_index("_rank")

    matrix = pl.DataFrame(
        [(p, q, label) for (p, q), label in rules.matrix.items()],
        schema={C.PROFIT_TIER: pl.String, C.POTENTIAL_TIER: pl.String, "_cell": pl.String},
        orient="row",
    )
    table = table.join(
        matrix, on=[C.PROFIT_TIER, C.POTENTIAL_TIER], how="left", maintain_order="left"
    )
    label = pl.col("_cell")
    if rules.loss_below is not None and rules.loss_class is not None:
        loss = round(rules.loss_below * 100)
        label = (
            pl.when((pl.col("_profit_k") < loss).fill_null(False))
            .then(pl.lit(rules.loss_class))
            .otherwise(label)
        )

    company_total = pl.when(pl.col("_value") > 0).then(pl.col("_value")).otherwise(0).sum()
    company_share = pl.col("_value").cast(pl.Float64) / company_total
    key_account: pl.Expr = pl.lit(None, dtype=pl.String)
    for name, share in reversed(rules.key_accounts):  # the highest threshold is tested first
        key_account = (
            pl.when((company_total > 0) & (company_share > share))
            .then(pl.lit(name))
            .otherwise(key_account)
        )

    relationship = (
        pl.when(pl.col("_bought_in") > 0)
        .then(
            pl.when(pl.col("_bought_ever") == 1)
            .then(pl.lit("one_off"))
            .otherwise(pl.lit("regular"))
        )
        .when(pl.col("_bought_before") | pl.col("_refunds"))
        .then(pl.lit("lost"))
        .otherwise(pl.lit("cold"))
    )
    return table.with_columns(
        label.alias(C.ABCDE),
        key_account.alias(C.KEY_ACCOUNT),
        relationship.alias(C.RELATIONSHIP),
    ).sort("_rank")


# --- previous classification, output, summary -------------------------------------------------------


def _with_previous(
    ranked: pl.DataFrame, previous: pl.DataFrame, settings: Settings
) -> pl.DataFrame:
    """``abcde_previous`` (the class an earlier run gave the same client) and ``moved`` (``B→A``)."""
    if C.ABCDE not in previous.columns:
        raise LeadkitError(
            "the previous classification has no abcde column (give a file classify wrote)",
            file="--previous",
        )
    inn, ids, keys = _identity(previous, settings, "--previous", "previous classification")
    targets = pl.DataFrame(
        {
            "_target": pl.Series(range(previous.height), dtype=pl.Int64),
            "_inn": inn,
            "_id": ids,
            "_key": keys,
            "_was": previous.select(
                C.stripped_or_null(pl.col(C.ABCDE).cast(pl.String))
            ).to_series(),
        }
    )
    found = _match(ranked.select("_client", *_IDENTITY), targets.drop("_was")).join(
        targets.select("_target", "_was"), on="_target", how="left", maintain_order="left"
    )
    was = found.select("_client", pl.col("_was").alias(C.ABCDE_PREVIOUS))
    return ranked.join(was, on="_client", how="left", maintain_order="left").with_columns(
        pl.when(
            pl.col(C.ABCDE_PREVIOUS).is_not_null() & (pl.col(C.ABCDE_PREVIOUS) != pl.col(C.ABCDE))
        )
        .then(pl.concat_str([pl.col(C.ABCDE_PREVIOUS), pl.lit("→"), pl.col(C.ABCDE)]))
        .alias(C.MOVED)
    )


def _money(kopecks: str) -> pl.Expr:
    return pl.col(kopecks).cast(pl.Float64) / 100


def _output(clients: pl.DataFrame, ranked: pl.DataFrame, with_previous: bool) -> pl.DataFrame:
    """The clients' own columns (those classify writes replaced), then the classification, by rank."""
    added = [*C.CLASSIFY_COLUMNS, C.ABCDE_PREVIOUS, C.MOVED]
    own = [c for c in clients.columns if c not in added]
    block = [
        _money("_revenue_k").alias(C.REVENUE),
        _money("_profit_k").alias(C.PROFIT),
        _money("_potential_k").alias(C.POTENTIAL),
        pl.col(C.PROFIT_TIER),
        pl.col(C.POTENTIAL_TIER),
        pl.col(C.ABCDE),
        pl.col("_profit_share").round(6).alias(C.PROFIT_SHARE),
        pl.col("_profit_cum").round(6).alias(C.PROFIT_CUM_SHARE),
        pl.col(C.KEY_ACCOUNT),
        pl.col(C.RELATIONSHIP),
    ]
    if with_previous:
        block += [pl.col(C.ABCDE_PREVIOUS), pl.col(C.MOVED)]
    columns = ranked.select("_client", *block)
    ordered = (
        clients.select(own).with_row_index("_client").with_columns(pl.col("_client").cast(pl.Int64))
    )
    return columns.join(ordered, on="_client", how="left", maintain_order="left").select(
        *own, *[c for c in columns.columns if c != "_client"]
    )


def _summary(ranked: pl.DataFrame, rules: AbcdeRules) -> pl.DataFrame:
    """Per channel × class (in class order): clients, revenue, profit, share of the channel's profit,
    potential."""
    channels = ranked.select(pl.col("_channel").unique().sort(nulls_last=True))
    grid = channels.join(pl.DataFrame({C.ABCDE: list(rules.classes)}), how="cross").with_columns(
        pl.int_range(pl.len()).alias("_order")
    )
    sums = ranked.group_by("_channel", C.ABCDE).agg(
        pl.len().alias("clients"),
        pl.col("_revenue_k").sum(),
        pl.col("_profit_k").sum(),
        pl.col("_potential_k").sum(),
    )
    table = grid.join(sums, on=["_channel", C.ABCDE], how="left", nulls_equal=True).sort("_order")
    table = table.with_columns(
        pl.col("clients").fill_null(0).cast(pl.Int64),
        *[pl.col(c).fill_null(0) for c in ("_revenue_k", "_profit_k", "_potential_k")],
    )
    channel_profit = pl.col("_profit_k").sum().over("_channel")
    return table.select(
        pl.col("_channel").alias("channel"),
        pl.col(C.ABCDE).alias("abcde"),
        pl.col("clients"),
        _money("_revenue_k").alias("revenue"),
        _money("_profit_k").alias("profit"),
        pl.when(channel_profit > 0)
        .then((pl.col("_profit_k").cast(pl.Float64) / channel_profit).round(6))
        .alias("profit_share"),
        _money("_potential_k").alias("potential"),
    )
