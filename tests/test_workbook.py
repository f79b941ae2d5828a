"""Workbooks: several sheets, each cell typed by its column; and every format written to a stream."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from leadkit import columns as C
from leadkit.io.tables import read_table
from leadkit.io.workbook import Workbook, sheet_name, write_workbook
from leadkit.io.write import render, write_table


def leads() -> pl.DataFrame:
    return pl.DataFrame(
        {
            C.LEAD_ID: ["L000000000000001", "L000000000000002"],
            C.SOURCE_ROW: ["2", "3"],
            C.COMPANY: ["ООО «Ромашка»", '=HYPERLINK("http://x")'],
            C.INN: ["0278123453", None],
            C.PHONES: [["+74951234567", "+79161234567"], []],
        },
        schema_overrides={C.PHONES: pl.List(pl.String)},
    )


def test_several_sheets_with_text_and_number_cells() -> None:
    clients = pl.DataFrame(
        {
            "inn": ["0278123453", "7707083893"],
            "revenue": [1_200_000.5, 35_000.0],
            "clients": [3, 1],
            "since": [dt.date(2025, 1, 31), None],
        }
    )
    handle = io.BytesIO()
    notices = write_workbook(handle, [("Leads", leads()), ("ABCDE", clients)])
    assert notices == []
    book = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))
    assert book.sheetnames == ["Leads", "ABCDE"]
    sheet = book["Leads"]
    assert [c.value for c in sheet[1]] == [C.LEAD_ID, C.SOURCE_ROW, C.COMPANY, C.INN, C.PHONES]
    assert sheet["D2"].value == "0278123453" and sheet["D2"].data_type == "s"
    assert sheet["B2"].value == 2 and sheet["B2"].data_type == "n"  # a row counter is a number
    assert sheet["C3"].data_type == "s"  # a formula-like name stays text
    assert sheet["E2"].value == "+74951234567; +79161234567"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
    money = book["ABCDE"]
    assert money["B2"].value == pytest.approx(1_200_000.5) and money["B2"].data_type == "n"
    assert money["B2"].number_format == "#,##0.00"
    assert money["C2"].value == 3 and money["C2"].number_format == "#,##0"
    assert money["D2"].is_date and money["D3"].value is None
    assert money["A2"].value == "0278123453" and money["A2"].data_type == "s"


def test_a_counter_column_with_text_stays_text_in_every_row() -> None:
    merged = pl.DataFrame({C.LEAD_ID: ["L1", "L2"], C.SOURCE_ROW: ["3", "2; 6"]})
    handle = io.BytesIO()
    write_workbook(handle, [("Companies", merged)])
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["Companies"]
    assert [sheet["B2"].value, sheet["B3"].value] == ["3", "2; 6"]
    assert {sheet["B2"].data_type, sheet["B3"].data_type} == {"s"}


def test_a_cell_longer_than_excel_allows_is_cut_with_a_warning() -> None:
    handle = io.BytesIO()
    long = pl.DataFrame({C.LEAD_ID: ["L1"], "note": ["я" * 40_000]})
    notices = write_workbook(handle, [("Leads", long)], where="out/leads.xlsx")
    assert [str(n) for n in notices] == [
        "out/leads.xlsx, row 2, column 'note': a cell longer than Excel's 32,767 characters "
        "was cut (write .csv or .parquet to keep it whole)"
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["Leads"]
    assert len(sheet["B2"].value) == 32_767


def test_sheet_names_are_made_valid() -> None:
    assert sheet_name("Due / 2026: [June]?") == "Due   2026   June"
    assert len(sheet_name("x" * 40)) == 31


def test_charts_hook_into_written_ranges() -> None:
    handle = io.BytesIO()
    table = pl.DataFrame({"class": ["A", "B"], "clients": [3, 5]})
    with Workbook(handle) as book:
        where = book.add_table("ABCDE", table)
        chart = book.add_chart({"type": "column"})
        column = where.column("clients")
        chart.add_series(
            {
                "categories": [where.name, 1, 0, where.rows, 0],
                "values": [where.name, 1, column, where.rows, column],
            }
        )
        book.sheets[where.name].insert_chart("E2", chart)
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["ABCDE"]
    assert len(sheet._charts) == 1


@pytest.mark.parametrize("fmt", [".csv", ".tsv", ".parquet", ".jsonl", ".xlsx"])
def test_every_format_writes_to_a_stream_and_reads_back(tmp_path: object, fmt: str) -> None:
    handle = io.BytesIO()
    write_table(leads(), handle, fmt=fmt)
    path = f"{tmp_path}/leads{fmt}"
    with open(path, "wb") as file:
        file.write(handle.getvalue())
    back = read_table(path)
    expected = leads().with_columns(pl.col(C.PHONES).fill_null([]))
    assert back.equals(expected), fmt


def test_render_to_stream_matches_the_file_writer(tmp_path: object) -> None:
    handle = io.BytesIO()
    render(leads(), handle, ".csv", excel=True)
    write_table(leads(), f"{tmp_path}/a.csv", excel=True)
    with open(f"{tmp_path}/a.csv", "rb") as file:
        assert file.read() == handle.getvalue()
