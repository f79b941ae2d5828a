"""Importing messy exports: encodings, separators, header rows, workbooks, maps and bad input."""

from __future__ import annotations

import codecs
import io
import shutil
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from leadkit import columns as C
from leadkit.config import load_maps
from leadkit.errors import ConfigError, LeadkitError
from leadkit.io import text as text_module
from leadkit.io.importer import import_leads
from leadkit.io.text import decode, lines, sniff_delimiter

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def write(path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


def leads_of(*paths: Path | str, maps: tuple[str, ...] = ()) -> pl.DataFrame:
    return import_leads([str(p) for p in paths], load_maps(maps)).leads


def test_utf8_bom_2gis_export_joins_numbered_phone_columns(tmp_path: Path) -> None:
    text = (
        "Наименование,Рубрики,Адрес,Город,Регион,Телефон 1,Телефон 2,E-mail 1,Веб-сайт 1,2GIS URL\n"
        'Ромашка,Цветы,"Тверская, 12",Москва,Москва,84951234567,89161234567 (Ольга),'
        "info@romashka.ru,romashka.ru,https://2gis.ru/1\n"
    )
    leads = leads_of(write(tmp_path / "2gis.csv", text, bom=codecs.BOM_UTF8))
    row = leads.row(0, named=True)
    assert list(leads.columns[: len(C.IMPORT_COLUMNS)]) == list(C.IMPORT_COLUMNS)
    assert row[C.COMPANY] == "Ромашка"
    assert row[C.PHONE_RAW] == "84951234567; 89161234567 (Ольга)"
    assert row[C.ADDRESS] == "Тверская, 12"
    assert row[C.CITY] == "Москва"
    assert row[C.EMAIL] == "info@romashka.ru"
    assert row[C.SOURCE_ROW] == "2"
    assert row[C.SOURCE_SHEET] is None
    # Регион lost to Город for `city`, but stays as the source's own column; so does the URL.
    assert row["Регион"] == "Москва"
    assert row["2GIS URL"] == "https://2gis.ru/1"


def test_cp1251_semicolon_with_title_rows_counts_them_in_source_row(tmp_path: Path) -> None:
    text = (
        "Выгрузка организаций;;;\r\n"
        "Казань, 2026;;;\r\n"
        ";;;\r\n"
        "Название организации;Рубрика;Телефоны;Email\r\n"
        "ООО «Татнефтесервис»;Нефтесервис;8 (843) 231-00-01, 8 (843) 231-00-02;office@tatns.ru\r\n"
        "Ёлочка;Детские сады;8 (843) 555-66-77;\r\n"
    )
    leads = leads_of(write(tmp_path / "kazan.csv", text, "cp1251"))
    assert leads.get_column(C.COMPANY).to_list() == ["ООО «Татнефтесервис»", "Ёлочка"]
    assert leads.get_column(C.SOURCE_ROW).to_list() == ["5", "6"]
    assert leads.get_column(C.PHONE_RAW)[0] == "8 (843) 231-00-01, 8 (843) 231-00-02"
    assert leads.get_column(C.CATEGORY).to_list() == ["Нефтесервис", "Детские сады"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b"")],
)
def test_utf16_tab_text_needs_and_uses_a_map(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "Org\tTel1\tTel2\tTown\r\nООО Ромашка\t8-495-123-45-67\t\tМосква\r\nВектор\t7 495 777 11 22\t8 495 777 11 00\tМосква\r\n"
    path = write(tmp_path / "bought_base.txt", text, encoding, bom)
    unmapped = import_leads([str(path)])
    assert unmapped.leads.get_column(C.COMPANY).null_count() == 2
    assert any("no company column" in w for w in map(str, unmapped.warnings))
    leads = leads_of(path, maps=(str(EXAMPLES / "maps" / "bought_base.yaml"),))
    assert leads.get_column(C.COMPANY).to_list() == ["ООО Ромашка", "Вектор"]
    assert leads.get_column(C.PHONE_RAW).to_list() == [
        "8-495-123-45-67",
        "7 495 777 11 22; 8 495 777 11 00",
    ]
    assert leads.get_column(C.CITY).to_list() == ["Москва", "Москва"]


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separator_is_sniffed(tmp_path: Path, separator: str) -> None:
    rows = [
        ["Компания", "Телефон", "Город"],
        ["Ромашка", "8 (495) 123-45-67", "Москва"],
        ["Флора", "", "Казань"],
    ]
    text = "\n".join(separator.join(r) for r in rows) + "\n"
    leads = leads_of(write(tmp_path / "leads.csv", text))
    assert leads.get_column(C.COMPANY).to_list() == ["Ромашка", "Флора"]
    assert leads.get_column(C.PHONE_RAW).to_list() == ["8 (495) 123-45-67", None]
    assert leads.get_column(C.CITY).to_list() == ["Москва", "Казань"]


def test_sniff_prefers_the_separator_that_gives_consistent_rows() -> None:
    text = "Название;Адрес;Телефон\nРомашка, цветы;Москва, Тверская, 1;8 495 123 45 67\n"
    assert sniff_delimiter(text) == ";"


def test_quoted_fields_with_separators_and_newlines(tmp_path: Path) -> None:
    text = (
        'title,phone,address\n"Ромашка, цветы","8 (495) 123-45-67\n8 (916) 123-45-67","Москва, Тверская, 1"\n'
        'Флора,8 (495) 765-43-21,"Москва, ""Арбат"", 7"\n'
    )
    leads = leads_of(write(tmp_path / "quoted.csv", text))
    assert leads.get_column(C.COMPANY).to_list() == ["Ромашка, цветы", "Флора"]
    assert leads.get_column(C.PHONE_RAW)[0] == "8 (495) 123-45-67\n8 (916) 123-45-67"
    assert leads.get_column(C.ADDRESS)[1] == 'Москва, "Арбат", 7'
    # the first record spans two lines, but a spreadsheet numbers records: Флора is row 3
    assert leads.get_column(C.SOURCE_ROW).to_list() == ["2", "3"]


def test_blank_rows_are_counted_not_imported(tmp_path: Path) -> None:
    text = "Компания;Телефон\nРомашка;84951234567\n\n;\nФлора;84957654321\n"
    leads = leads_of(write(tmp_path / "gaps.csv", text))
    assert leads.get_column(C.COMPANY).to_list() == ["Ромашка", "Флора"]
    assert leads.get_column(C.SOURCE_ROW).to_list() == ["2", "5"]


def test_ragged_rows_keep_their_surplus_cells(tmp_path: Path) -> None:
    text = (
        "Компания;Телефон\nРомашка;84951234567;доп. инфо\nФлора;84957654321\nВектор;84957771122;;\n"
    )
    result = import_leads([str(write(tmp_path / "ragged.csv", text))])
    leads = result.leads
    assert leads.height == 3
    assert leads.get_column("extra_1").to_list() == ["доп. инфо", None, None]
    assert any("more cells than the header" in w for w in map(str, result.warnings))


_CELL = st.sampled_from(
    ["", " ", "Ромашка", "8 (495) 123-45-67", '"a;b"', '"x ""y"""', "доп. инфо"]
)


@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=7), min_size=1, max_size=12),
)
def test_ragged_files_read_in_polars_as_record_by_record(width: int, rows: list[list[str]]) -> None:
    """Where the Polars path reads a file (ragged or not), it gives the rows, row numbers and
    surplus cells that reading record by record gives (an empty cell is empty either way)."""
    body = ";".join(f"h{i}" for i in range(width)) + "\n" + "\n".join(";".join(r) for r in rows)
    fast = text_module._records_fast(body, ";", width)
    slow = text_module._records_python(body, ";", width, "t.csv", 2)
    if fast is None:  # Polars could not: the record-by-record reading is what import uses
        return
    fast = fast.with_columns((pl.col("_row") + 2).cast(pl.Int64))
    empty_as_null = [pl.col(c).replace("", None) for c in slow.columns if c != "_row"]
    assert fast.select(slow.columns).with_columns(empty_as_null).equals(slow)


def test_a_ragged_file_is_read_by_polars() -> None:
    body = "Компания;Телефон\nРомашка;84951234567;доп. инфо\nФлора;84957654321\nВектор;8495;;\n"
    rows = text_module._records_fast(body, ";", 2)
    assert rows is not None
    assert rows.columns == ["_row", "c0", "c1", "c2"]
    assert rows.get_column("c2").to_list() == ["доп. инфо", None, None]
    assert rows.get_column("_row").to_list() == [0, 1, 2]


def test_header_cells_with_bom_spaces_and_case(tmp_path: Path) -> None:
    text = "\ufeff  НАЗВАНИЕ : ;Тел.;ИНН\nРомашка;84951234567;0278123453\n"
    leads = leads_of(write(tmp_path / "odd.csv", text))
    assert leads.get_column(C.COMPANY).to_list() == ["Ромашка"]
    assert leads.get_column(C.INN).to_list() == ["0278123453"]  # the leading zero stays


def make_workbook(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Организации")
    sheet.write(0, 0, "Выгрузка из Яндекс Карт")
    sheet.write(1, 0, "Запрос: цветы")
    sheet.write_row(3, 0, ["Название", "Телефон", "ИНН", "Рейтинг"])
    sheet.write_row(4, 0, ["Ромашка", "+7 (495) 123-45-67\n+7 (916) 123-45-67"])
    sheet.write_number(4, 2, 7707083893)
    sheet.write_number(4, 3, 4.8)
    sheet.write_string(6, 0, "Флора")
    sheet.write_number(6, 1, 84957654321)
    sheet.write_string(6, 2, "0278123453")
    notes = workbook.add_worksheet("Примечания")
    notes.write(0, 0, "Телефоны не проверялись")
    second = workbook.add_worksheet("Казань")
    second.write_row(0, 0, ["Компания", "Телефон"])
    second.write_row(1, 0, ["Ёлочка", "8 (843) 555-66-77"])
    workbook.close()
    return path


def test_workbook_sheets_title_rows_numbers_and_notes(tmp_path: Path) -> None:
    result = import_leads([str(make_workbook(tmp_path / "yandex.xlsx"))])
    leads = result.leads
    assert leads.select(C.SOURCE_SHEET, C.SOURCE_ROW, C.COMPANY).rows() == [
        ("Организации", "5", "Ромашка"),
        ("Организации", "7", "Флора"),
        ("Казань", "2", "Ёлочка"),
    ]
    assert leads.get_column(C.INN).to_list() == ["7707083893", "0278123453", None]
    assert leads.get_column(C.PHONE_RAW).to_list() == [
        "+7 (495) 123-45-67\n+7 (916) 123-45-67",
        "84957654321",
        "8 (843) 555-66-77",
    ]
    assert leads.get_column("Рейтинг").to_list() == ["4.8", None, None]
    assert any("Примечания" in w and "skipped" in w for w in map(str, result.warnings))


def test_directory_is_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    write(tmp_path / "b" / "z.csv", "Компания,Телефон\nБэ,84951111111\n")
    write(tmp_path / "a" / "deep" / "y.csv", "Компания,Телефон\nА глубоко,84952222222\n")
    write(tmp_path / "a.csv", "Компания,Телефон\nА,84953333333\n")
    write(tmp_path / "notes.md", "not a table")
    write(tmp_path / "~$open.xlsx", "excel lock file")
    leads = leads_of(tmp_path)
    assert leads.get_column(C.SOURCE).to_list() == ["a.csv", "a/deep/y.csv", "b/z.csv"]
    single = leads_of(tmp_path / "a" / "deep" / "y.csv")
    assert single.get_column(C.SOURCE).to_list() == ["y.csv"]


def test_examples_folder_locates_every_row(tmp_path: Path) -> None:
    result = import_leads(
        [str(EXAMPLES / "exports")], load_maps([EXAMPLES / "maps" / "bought_base.yaml"])
    )
    leads = result.leads
    counts = dict(leads.group_by(C.SOURCE).len().iter_rows())
    assert counts == {
        "2gis_desktop_kazan.csv": 5,
        "bought_base.txt": 5,
        "google_maps_spb.csv": 4,
        "kontur_directory.xlsx": 5,
        "moscow/2gis_moscow.csv": 7,
        "yandex_maps.xlsx": 4,
    }
    yandex = leads.filter(pl.col(C.SOURCE) == "yandex_maps.xlsx")
    assert yandex.get_column(C.SOURCE_ROW).to_list() == ["5", "6", "7", "9"]
    assert yandex.get_column(C.PHONE_RAW)[3] == "84957771122"
    assert leads.get_column(C.LEAD_ID).n_unique() == leads.height
    # every phone cell survives in phone_raw, nothing else is empty where the source had a value
    desktop = leads.filter(pl.col(C.SOURCE) == "2gis_desktop_kazan.csv")
    assert desktop.get_column(C.PHONE_RAW)[4] == "8 (701) 123-45-67, 8 (727) 250-00-00"
    assert desktop.get_column("Факсы")[0] == "8 (843) 231-00-09"
    assert "Рейтинг" in leads.columns and "Comment" in leads.columns


def test_lead_ids_are_unique_and_stable_across_runs(tmp_path: Path) -> None:
    text = "Компания;Телефон\nРомашка;84951234567\nРомашка;84951234567\nФлора;84957654321\n"
    path = write(tmp_path / "dups.csv", text)
    first = leads_of(path).get_column(C.LEAD_ID).to_list()
    assert len(set(first)) == 3
    assert leads_of(path).get_column(C.LEAD_ID).to_list() == first
    # inserting a row above keeps the ids of the rows that were there
    write(path, "Компания;Телефон\nВектор;84957771122\n" + text.split("\n", 1)[1])
    second = leads_of(path).get_column(C.LEAD_ID).to_list()
    assert second[1:] == first


def test_one_file_name_in_two_folders_still_gives_every_row_its_own_id(tmp_path: Path) -> None:
    """Two folders named on the command line each hold ``2gis.csv`` (their source is the same
    name): identical rows in them are still told apart, and rows keep their order."""
    text = "Компания;Телефон\nРомашка;84951234567\nРомашка;84951234567\n"
    (tmp_path / "march").mkdir()
    (tmp_path / "april").mkdir()
    march = write(tmp_path / "march" / "2gis.csv", text).parent
    april = write(tmp_path / "april" / "2gis.csv", text + "Вектор;84957771122\n").parent
    other = write(tmp_path / "other.csv", "Компания;Телефон\nФлора;84957654321\n")
    leads = leads_of(march, other, april)
    ids = leads.get_column(C.LEAD_ID).to_list()
    assert len(set(ids)) == len(ids) == 6
    assert leads.get_column(C.COMPANY).to_list() == [
        "Ромашка",
        "Ромашка",
        "Флора",
        "Ромашка",
        "Ромашка",
        "Вектор",
    ]
    # the file of its own gets the id it gets when imported alone
    assert ids[2] == leads_of(other).get_column(C.LEAD_ID).item()


def test_decode_falls_back_to_cp1251_and_keeps_cyrillic() -> None:
    assert decode("Ромашка".encode("cp1251"), "x.csv") == "Ромашка"
    assert decode(codecs.BOM_UTF8 + "Ёлка".encode(), "x.csv") == "Ёлка"


# --- bad input ---------------------------------------------------------------------------------------


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LeadkitError, match="no such file") as info:
        leads_of(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(LeadkitError, match="empty") as info:
        leads_of(write(tmp_path / "empty.csv", "\n\n"))
    assert str(info.value).startswith("empty.csv")


def test_file_without_company_or_phone_column(tmp_path: Path) -> None:
    with pytest.raises(LeadkitError, match="no company or phone column"):
        leads_of(write(tmp_path / "prices.csv", "Товар;Цена\nКирпич;12\n"))


def test_broken_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    with pytest.raises(LeadkitError, match="not a readable workbook") as info:
        leads_of(path)
    assert "broken.xlsx" in str(info.value)


def test_workbook_renamed_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "renamed.csv"
    shutil.copy(make_workbook(tmp_path / "real.xlsx"), path)
    with pytest.raises(LeadkitError, match="Excel workbook"):
        leads_of(path)


def test_one_bad_file_among_many_stops_unless_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "Компания;Телефон\nРомашка;84951234567\n")
    write(tmp_path / "b.csv", "Товар;Цена\nКирпич;12\n")
    write(tmp_path / "c.csv", "Компания;Телефон\nФлора;84957654321\n")
    with pytest.raises(LeadkitError, match="no company or phone column") as info:
        leads_of(tmp_path)
    assert str(info.value).startswith("b.csv")
    result = import_leads([str(tmp_path)], skip_bad=True)
    assert result.leads.get_column(C.COMPANY).to_list() == ["Ромашка", "Флора"]
    assert any(w.startswith("b.csv") and "skipped" in w for w in map(str, result.warnings))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("sources:\n  - match: '*.csv'\n    colums: {company: Org}\n", "unknown key"),
        ("sources:\n  - match: '*.csv'\n    columns: {firm: Org}\n", "unknown field 'firm'"),
        (
            "sources:\n  - match: '*.csv'\n    columns: {company: Org}\n    delimiter: ':'\n",
            "delimiter",
        ),
        (
            "sources:\n  - match: '*.csv'\n    columns: {company: Org}\n    header_row: 0\n",
            "header_row",
        ),
        (
            "sources:\n  - match: '*.csv'\n    columns: {company: Org}\n    encoding: klingon\n",
            "encoding",
        ),
        ("maps: []\n", "sources"),
    ],
)
def test_bad_map_is_rejected_on_load(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "map.yaml", text)
    with pytest.raises(ConfigError, match=message) as info:
        load_maps([path])
    assert "map.yaml" in str(info.value)


def test_map_naming_a_missing_column(tmp_path: Path) -> None:
    data = write(tmp_path / "crm_legacy.csv", "Org;Tel1\nРомашка;84951234567\n")
    mapping = write(
        tmp_path / "map.yaml",
        "sources:\n  - match: 'crm_legacy*.csv'\n    columns: {company: Org, phone: [Tel1, Tel2]}\n",
    )
    with pytest.raises(LeadkitError, match="'Tel2'") as info:
        leads_of(data, maps=(str(mapping),))
    assert "crm_legacy.csv" in str(info.value) and "row 1" in str(info.value)


def test_map_with_header_row_encoding_delimiter_and_sheet(tmp_path: Path) -> None:
    data = write(
        tmp_path / "crm_legacy_2019.csv",
        "Клиенты CRM\nOrg|Tel1|Tel2|Town\nРомашка|84951234567|89161234567|Москва\n",
        "cp1251",
    )
    mapping = write(
        tmp_path / "map.yaml",
        "sources:\n"
        "  - match: 'crm_legacy*.csv'\n"
        "    columns: {company: Org, phone: [Tel1, Tel2], city: Town}\n"
        "    encoding: cp1251\n    delimiter: '|'\n    header_row: 2\n",
    )
    leads = leads_of(data, maps=(str(mapping),))
    assert leads.row(0, named=True) | {C.LEAD_ID: None} == {
        **dict.fromkeys(leads.columns),
        C.SOURCE: "crm_legacy_2019.csv",
        C.SOURCE_ROW: "3",
        C.COMPANY: "Ромашка",
        C.PHONE_RAW: "84951234567; 89161234567",
        C.CITY: "Москва",
    }


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(LeadkitError, match="binary data, not a text table"):
        leads_of(path)


def test_header_without_data_rows_is_reported(tmp_path: Path) -> None:
    result = import_leads([str(write(tmp_path / "hdr.csv", "Компания;Телефон\n"))])
    assert result.leads.height == 0
    assert result.leads.columns[: len(C.IMPORT_COLUMNS)] == list(C.IMPORT_COLUMNS)
    assert any("no data rows" in w for w in map(str, result.warnings))


def test_a_stray_quote_that_swallows_rows_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "stray.csv", 'Компания,Телефон\nА,84951234567\n"Б,8495\nВ,84951112233\n'
    )
    result = import_leads([str(path)])
    assert result.leads.height == 2  # what a spreadsheet would read too
    assert any("row 3" in w and "stray quote" in w for w in map(str, result.warnings))
    # a real multi-line cell is not suspect
    fine = write(
        tmp_path / "fine.csv", 'Компания,Телефон,Адрес\nА,84951234567,"Москва,\nТверская 1"\n'
    )
    assert not any("stray" in w for w in import_leads([str(fine)]).warnings)


def test_mixed_encodings_are_named_with_the_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "Компания,Телефон,Город\nА,84951234567,Москва\n".encode()
        + "Вектор,84951112233\n".encode("cp1251")
    )
    with pytest.raises(LeadkitError, match="mixes encodings") as info:
        leads_of(path)
    assert "mixed.csv" in str(info.value) and "row 3" in str(info.value)


def test_skipped_files_are_not_counted_as_imported(tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", "Компания;Телефон\nРомашка;84951234567\n")
    empty = write(tmp_path / "empty.csv", "")
    result = import_leads([str(good), str(empty)], skip_bad=True)
    assert result.counts["files"] == 1


@given(st.text(alphabet='ab;"\r\n\u2028', max_size=40))
def test_lines_are_the_lines_the_csv_module_reads(text: str) -> None:
    assert list(lines(text)) == list(io.StringIO(text, newline=""))
