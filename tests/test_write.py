"""Writing tables: every format reads back, spreadsheets get text cells and no formulas, writes are atomic."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from leadkit import columns as C
from leadkit.errors import LeadkitError
from leadkit.io.tables import read_table
from leadkit.io.write import atomic_file, guard_formulas, write_table


def sample() -> pl.DataFrame:
    return pl.DataFrame(
        {
            C.LEAD_ID: ["L0000000000000a1", "L0000000000000a2", "L0000000000000a3"],
            C.SOURCE: ["2gis.csv", "2gis.csv", "Яндекс.xlsx"],
            C.SOURCE_SHEET: [None, None, "Лист1"],
            C.SOURCE_ROW: ["2", "3", "5"],
            C.COMPANY: ["ООО «Ромашка»", '=HYPERLINK("http://x","жми")', "@SUM(1+1)"],
            C.PHONE_RAW: ["8 (495) 123-45-67", "+7 495 765 43 21", "-2+3+cmd|' /C calc'!A0"],
            C.INN: ["0278123453", None, "7707083893"],
            C.PHONES: [["+74951234567", "+79161234567"], [], ["+74957654321;ext=12"]],
            "Рейтинг": ["4.8", None, "'=1"],
        },
        schema_overrides={C.PHONES: pl.List(pl.String)},
    )


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".parquet", ".jsonl"])
def test_every_format_reads_back_unchanged(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"leads{suffix}"
    write_table(sample(), str(path))
    back = read_table(str(path))
    assert back.columns == sample().columns
    assert back.to_dicts() == sample().to_dicts()


def test_excel_csv_has_bom_semicolons_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    write_table(sample(), str(path), excel=True)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("lead_id;source;")
    assert read_table(str(path)).to_dicts() == sample().to_dicts()


def test_csv_guards_formulas_but_not_phones(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    write_table(sample(), str(path))
    text = path.read_text(encoding="utf-8")
    assert "\"'=HYPERLINK(" in text
    assert "'@SUM(1+1)" in text
    assert "'-2+3+cmd|" in text
    assert "''=1" in text  # a value that already starts with the guard quote is guarded again
    assert ",+7 495 765 43 21," in text  # a phone is not a formula
    assert "+74951234567; +79161234567" in text


def test_excel_guard_is_stricter_for_signs() -> None:
    cells = ["+7 (495) 123-45-67", "+74951234567", "-5", "+74955861234;ext=12", "+SUM(A1:A9)"]
    frame = pl.DataFrame({"phone_raw": cells})
    plain = guard_formulas(frame).get_column("phone_raw").to_list()
    excel = guard_formulas(frame, excel=True).get_column("phone_raw").to_list()
    assert plain == [*cells[:4], "'+SUM(A1:A9)"]
    arithmetic = pl.DataFrame(
        {"note": ["-2+3", "+A1", "-Скидка 5%", "-", "+74951234567; +79161234567"]}
    )
    assert guard_formulas(arithmetic).get_column("note").to_list() == [
        "'-2+3",
        "'+A1",
        "'-Скидка 5%",
        "-",
        "+74951234567; +79161234567",
    ]
    # Spreadsheet CSV: phones keep their + and stay text through a leading tab (no quote: they hold
    # no letters, so nothing a spreadsheet could run); a formula is still quoted.
    assert excel == [
        "\t+7 (495) 123-45-67",
        "\t+74951234567",
        "-5",
        "\t+74955861234;ext=12",
        "'+SUM(A1:A9)",
    ]


def test_xlsx_cells_are_text_and_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    write_table(sample(), str(path))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    inn = sheet.cell(row=2, column=header.index(C.INN) + 1)
    assert inn.value == "0278123453" and inn.data_type == "s"
    row_number = sheet.cell(row=2, column=header.index(C.SOURCE_ROW) + 1)
    assert row_number.value == 2 and row_number.data_type == "n"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type in {"s", "n"}, (cell.coordinate, cell.value)
    assert sheet.cell(row=3, column=header.index(C.COMPANY) + 1).value.startswith("=HYPERLINK")
    assert sheet.freeze_panes == "A2"


def test_unknown_format_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(LeadkitError, match="unknown output format"):
        write_table(sample(), str(tmp_path / "leads.docx"))
    with pytest.raises(LeadkitError, match="folder does not exist"):
        write_table(sample(), str(tmp_path / "nowhere" / "leads.csv"))


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("old content", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(path) as handle:
        handle.write(b"half of the new con")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["leads.csv"]
