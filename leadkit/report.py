"""The workbook of ``leadkit run``: what the batch did, on sheets a sales head can read at a glance.

Sheets, in order: **Summary** (the run in numbers, the channel × class table, and the charts: clients
and profit per class and channel, the Pareto curve of profit, quarantined numbers by reason), **Leads**,
**Duplicates** (every record with its company and why, the ones to check marked), **Quarantine** (the
store), **Due** (numbers due for re-dialling), **ABCDE** (the classified clients). Every table has a frozen,
filtered header, widths that fit, phones and INN as text and money as numbers with a thousands format
(:mod:`leadkit.io.workbook`). Charts are native Excel charts that point at the cells of the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl

from leadkit import columns as C
from leadkit.errors import Notice
from leadkit.io.commit import OutputSet
from leadkit.io.workbook import Workbook

if TYPE_CHECKING:
    from leadkit.pipeline import PipelineResult

__all__ = ["write_report"]

#: Points of the Pareto curve drawn (the clients are sampled evenly beyond this).
PARETO_POINTS = 200
_COLUMN_CHART = {"type": "column"}


def write_report(result: PipelineResult, target: Path, outputs: OutputSet) -> list[Notice]:
    """Stage the workbook of a pipeline run at ``target`` in ``outputs``; the warnings met."""
    notices: list[Notice] = []

    def write(handle: IO[bytes]) -> None:
        notices.extend(build_report(result, handle, where=str(target)))

    outputs.add(target, write)
    return notices


def _duplicates(result: PipelineResult) -> pl.DataFrame | None:
    clusters = result.tables.get("clusters")
    if clusters is None:
        return None
    review = result.tables.get("review")
    flagged = set(review.get_column(C.LEAD_ID).to_list()) if review is not None else set()
    first = [C.CLUSTER_ID, C.CLUSTER_SIZE, C.MATCH_REASON]
    marked = clusters.with_columns(
        pl.col(C.LEAD_ID).is_in(sorted(flagged)).alias("to_review"),
        pl.col(C.CLUSTER_SIZE).cast(pl.Int64, strict=False),
    )
    rest = [c for c in marked.columns if c not in {*first, "to_review"}]
    return marked.select(*first, "to_review", *rest).sort(
        [C.CLUSTER_SIZE, C.CLUSTER_ID, C.LEAD_ID], descending=[True, False, False]
    )


def _money(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Money columns as numbers (classify writes them as numbers; a table read back has text)."""
    return frame.with_columns(
        pl.col(c).cast(pl.Float64, strict=False) for c in columns if c in frame.columns
    )


def build_report(
    result: PipelineResult, handle: IO[bytes], *, where: str | None = None
) -> list[Notice]:
    """Write the workbook of a pipeline run to a binary stream; the warnings met (long cells)."""
    from leadkit.classify import SHARE_FORMATS
    from leadkit.pipeline import summary_lines

    book = Workbook(handle, constant_memory=True)
    title = book.add_format({"bold": True, "font_size": 16})
    bold = book.add_format({"bold": True})
    note = book.add_format({"italic": True, "font_color": "#555555"})
    header = book.header
    summary = book.add_sheet("Summary")
    summary.set_column(0, 0, 30)
    summary.set_column(1, 6, 15)
    row = 0
    summary.write_string(row, 0, "leadkit: the batch in numbers", title)
    row += 1
    pipeline = result.pipeline
    if pipeline is not None:
        summary.write_string(row, 0, f"{pipeline.file.name}, {pipeline.today.isoformat()}", note)
        row += 1
    row += 1
    for line in summary_lines(result):
        summary.write_string(row, 0, line)
        row += 1
    if result.warnings:
        summary.write_string(row, 0, f"{len(result.warnings)} warning(s): the first ones", bold)
        row += 1
        for notice in result.warnings[:5]:
            summary.write_string(row, 0, str(notice), note)
            row += 1
    row += 1

    charts: list[Any] = []
    abcde = result.tables.get("abcde")
    class_table = _class_table(abcde) if abcde is not None else None
    if class_table is not None and class_table.classes:
        channels = class_table.channels
        half = len(channels)
        summary.write_string(row, 0, "Clients and profit by class and channel", bold)
        row += 1
        top = row
        summary.write_string(row, 0, "class", header)
        for i, channel in enumerate(channels):
            summary.write_string(row, 1 + i, f"{channel}: clients", header)
            summary.write_string(row, 1 + half + i, f"{channel}: profit", header)
        row += 1
        for klass in class_table.classes:
            summary.write_string(row, 0, klass)
            for i, channel in enumerate(channels):
                clients, profit = class_table.cells.get((klass, channel), (0, 0.0))
                summary.write_number(row, 1 + i, clients, book.integer)
                summary.write_number(row, 1 + half + i, profit, book.decimal)
            row += 1
        last = row - 1
        for offset, label in ((1, "Clients"), (1 + half, "Profit")):
            chart = book.add_chart(_COLUMN_CHART)
            for i, channel in enumerate(channels):
                chart.add_series(
                    {
                        "name": channel,
                        "categories": ["Summary", top + 1, 0, last, 0],
                        "values": ["Summary", top + 1, offset + i, last, offset + i],
                    }
                )
            chart.set_title({"name": f"{label} by class and channel"})
            # Class labels under the chart, not on the zero line that negative profit crosses.
            chart.set_x_axis({"name": "class", "label_position": "low"})
            chart.set_y_axis(
                {"name": label.lower(), "num_format": "#,##0", "major_gridlines": {"visible": True}}
            )
            chart.set_legend({"position": "bottom"})
            charts.append(chart)
        row += 1
    pareto = _pareto(abcde) if abcde is not None else None
    if pareto is not None and pareto.height > 1:
        summary.write_string(
            row, 0, "Pareto curve of profit (clients by profit, largest first)", bold
        )
        row += 1
        top = row
        summary.write_string(row, 0, "share of clients", header)
        summary.write_string(row, 1, "share of profit", header)
        row += 1
        for share_clients, share_profit in pareto.iter_rows():
            summary.write_number(row, 0, share_clients, book.percent)
            summary.write_number(row, 1, share_profit, book.percent)
            row += 1
        chart = book.add_chart({"type": "scatter", "subtype": "straight"})
        chart.add_series(
            {
                "name": "profit",
                "categories": ["Summary", top + 1, 0, row - 1, 0],
                "values": ["Summary", top + 1, 1, row - 1, 1],
                "line": {"color": "#1565C0", "width": 2.25},
            }
        )
        chart.set_title({"name": "Pareto: share of profit by share of clients"})
        chart.set_x_axis({"name": "clients", "num_format": "0%", "min": 0, "max": 1})
        chart.set_y_axis(
            {
                "name": "profit",
                "num_format": "0%",
                "min": 0,
                "max": 1,
                "major_gridlines": {"visible": True},
            }
        )
        chart.set_legend({"none": True})
        charts.append(chart)
        row += 1
    reasons = _reasons(result.tables.get("store"))
    if reasons is not None and reasons.height:
        summary.write_string(row, 0, "Quarantined numbers by reason", bold)
        row += 1
        top = row
        summary.write_string(row, 0, "reason", header)
        summary.write_string(row, 1, "numbers", header)
        row += 1
        for reason, count in reasons.iter_rows():
            summary.write_string(row, 0, str(reason))
            summary.write_number(row, 1, count, book.integer)
            row += 1
        chart = book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "numbers",
                "categories": ["Summary", top + 1, 0, row - 1, 0],
                "values": ["Summary", top + 1, 1, row - 1, 1],
                "data_labels": {"value": True},
                "fill": {"color": "#6D4C41"},
            }
        )
        chart.set_title({"name": "Quarantined numbers by reason"})
        chart.set_legend({"none": True})
        charts.append(chart)
        row += 1
    # Charts sit to the right of the tables, two a row, so nothing hides a number; the sheet prints
    # on one landscape page.
    for index, chart in enumerate(charts):
        chart.set_size({"width": 560, "height": 300})
        summary.insert_chart(1 + (index // 2) * 16, 7 + (index % 2) * 9, chart)
    summary.set_landscape()
    summary.set_paper(9)  # A4
    summary.fit_to_pages(1, 1)
    summary.hide_gridlines(2)

    notices: list[Notice] = []
    tables: list[tuple[str, pl.DataFrame | None, dict[str, str] | None]] = [
        ("Leads", result.tables.get("leads", result.tables.get("imported")), None),
        ("Duplicates", _duplicates(result), None),
        ("Quarantine", result.tables.get("store"), None),
        ("Due", result.tables.get("due"), None),
        (
            "ABCDE",
            _money(abcde, ("revenue", "profit", "potential")) if abcde is not None else None,
            dict(SHARE_FORMATS),
        ),
    ]
    for name, table, formats in tables:
        if table is None:
            continue
        book.add_table(name, table, formats=formats, where=where)
    notices.extend(book.notices)
    book.close()
    return notices


@dataclass(frozen=True)
class ClassTable:
    """Clients and profit per class (A–E) and channel."""

    classes: list[str]
    channels: list[str]
    cells: dict[tuple[str, str], tuple[int, float]]


def _class_table(abcde: pl.DataFrame) -> ClassTable | None:
    """Per class and channel: (clients, profit)."""
    if not {"abcde", "profit"} <= set(abcde.columns):
        return None
    channel = pl.col(C.CHANNEL).fill_null("—") if C.CHANNEL in abcde.columns else pl.lit("—")
    grouped = (
        abcde.select(
            channel.alias("channel"),
            pl.col("abcde"),
            pl.col("profit").cast(pl.Float64, strict=False).fill_null(0.0),
        )
        .drop_nulls("abcde")
        .group_by("abcde", "channel")
        .agg(pl.len().alias("clients"), pl.col("profit").sum())
    )
    return ClassTable(
        classes=sorted(grouped.get_column("abcde").unique().to_list()),
        channels=sorted(grouped.get_column("channel").unique().to_list()),
        cells={
            (r["abcde"], r["channel"]): (int(r["clients"]), float(r["profit"]))
            for r in grouped.iter_rows(named=True)
        },
    )


def _pareto(abcde: pl.DataFrame) -> pl.DataFrame | None:
    """The share of all positive profit held by the best 0…100 % of clients (at most
    ``PARETO_POINTS`` points, starting at (0, 0))."""
    if "profit" not in abcde.columns or abcde.is_empty():
        return None
    profit = abcde.get_column("profit").cast(pl.Float64, strict=False).fill_null(0.0)
    positive = profit.filter(profit > 0).sort(descending=True)
    total = float(positive.sum()) if positive.len() else 0.0
    if total <= 0:
        return None
    clients = profit.len()
    curve = pl.DataFrame({"profit": positive}).with_columns(
        ((pl.int_range(1, pl.len() + 1)) / clients).alias("clients"),
        (pl.col("profit").cum_sum() / total).alias("share"),
    )
    step = max(1, curve.height // PARETO_POINTS)
    sampled = curve.gather_every(step)
    if sampled.height and sampled.row(-1) != curve.row(-1):
        sampled = pl.concat([sampled, curve.tail(1)])
    points = sampled.select("clients", "share")
    start = pl.DataFrame({"clients": [0.0], "share": [0.0]})
    end = pl.DataFrame({"clients": [1.0], "share": [1.0]})
    return pl.concat([start, points.cast(pl.Float64), end]).unique(maintain_order=True)


def _reasons(store: pl.DataFrame | None) -> pl.DataFrame | None:
    if store is None or "reason" not in store.columns or store.is_empty():
        return None
    return store.group_by("reason").len().sort(["len", "reason"], descending=[True, False])
