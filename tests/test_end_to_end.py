"""The main job on examples/: import → clean → dedupe, through files and through real pipes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.io.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MAP = str(EXAMPLES / "maps" / "bought_base.yaml")
runner = CliRunner()


def leadkit(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "leadkit", *args], input=stdin, capture_output=True, check=False
    )


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e")
    imported = leadkit("import", str(EXAMPLES / "exports"), "--map", MAP)
    assert imported.returncode == 0, imported.stderr.decode()
    out = folder / "clean.csv"
    clean = leadkit("clean", "-", "-o", str(out), stdin=imported.stdout)
    assert clean.returncode == 0, clean.stderr.decode()
    return out


def test_pipe_import_clean_keeps_every_lead_and_normalizes(cleaned: Path) -> None:
    leads = read_table(str(cleaned))
    assert leads.height == 30
    assert leads.columns[: len(C.IMPORT_COLUMNS)] == list(C.IMPORT_COLUMNS)
    assert set(C.CLEAN_COLUMNS) <= set(leads.columns)
    by_company = {row[C.COMPANY]: row for row in leads.iter_rows(named=True)}
    romashka = by_company["Ромашка, цветочный салон"]
    assert romashka[C.PHONES] == ["+74951234567", "+79161234567"]
    assert romashka[C.DOMAIN] == "romashka-flowers.ru"
    directory = by_company['Общество с ограниченной ответственностью "Ромашка"']
    assert (directory[C.COMPANY_NAME], directory[C.LEGAL_FORM]) == ("Ромашка", "ООО")
    assert directory[C.INN_VALID] == "true" and directory[C.OGRN_VALID] == "true"
    sokolova = by_company["Индивидуальный предприниматель Соколова Анна Петровна"]
    assert sokolova[C.LEGAL_FORM] == "ИП" and sokolova[C.OGRN_VALID] == "true"  # a 15-digit OGRNIP
    lookalike = by_company['OOO "Pомашка"']  # Latin O and P
    assert lookalike[C.LEGAL_FORM] == "ООО" and lookalike[C.COMPANY_KEY] == "ромашка"
    assert lookalike[C.PHONES] == ["+78432003040", "+79171234567"]
    kz = by_company["Алматы Трейд ТОО"]
    assert kz[C.PHONES] == ["+77011234567", "+77272500000"] and kz[C.LEGAL_FORM] == "ТОО"
    stroy = by_company["ЗАО «Стройинвест»"]
    assert stroy[C.PHONES] == [] and stroy[C.PHONE_INVALID] == "+7 (000) 000-00-00; 123-45-67"
    assert by_company["Шиномонтаж 24"][C.PHONE_INVALID] is None  # "уточнить" is not a number
    assert by_company["Автосервис на Ленина"][C.PHONE] == "+74955861234;ext=12"
    # the formula planted in a Google Maps e-mail cell came through as text, not lost
    assert leads.filter(pl.col(C.COMPANY) == "Невский Пекарь").get_column(C.EMAIL)[0] is None


def test_dedupe_merges_across_sources_and_explains(cleaned: Path, tmp_path: Path) -> None:
    merged_path, clusters_path = tmp_path / "companies.xlsx", tmp_path / "clusters.csv"
    result = leadkit(
        "dedupe", str(cleaned), "-o", str(merged_path), "--clusters", str(clusters_path)
    )
    assert result.returncode == 0, result.stderr.decode()
    clusters = read_table(str(clusters_path))
    assert clusters.height == 30
    assert clusters.get_column(C.LEAD_ID).sort().to_list() == (
        read_table(str(cleaned)).get_column(C.LEAD_ID).sort().to_list()
    )

    def cluster_of(company: str) -> str:
        return clusters.filter(pl.col(C.COMPANY) == company).get_column(C.CLUSTER_ID).item()

    # the Moscow flower shop from 2GIS, Yandex, Google, the directory and the bought base is one company
    flowers = {
        "Ромашка, цветочный салон",
        "Цветочный салон «Ромашка»",
        "Ромашка",
        'Общество с ограниченной ответственностью "Ромашка"',
        "ООО Ромашка",
    }
    assert len({cluster_of(name) for name in flowers}) == 1
    # the Kazan Ромашка is another firm; firms sharing the business-centre reception stay apart
    assert cluster_of('OOO "Pомашка"') != cluster_of("Ромашка")
    assert cluster_of("Бухгалтерия Плюс") != cluster_of("Вектор, ООО")
    # Вектор (cargo, vektor-gruz.ru) and Вектор-М (metal, vektor-m.ru) share only that reception number
    assert cluster_of("Вектор-М") != cluster_of("Вектор, ООО")
    # two "Вектор" with different valid INNs are two companies
    vektors = clusters.filter(
        pl.col(C.COMPANY) == 'Общество с ограниченной ответственностью "Вектор"'
    )
    assert vektors.get_column(C.CLUSTER_ID).n_unique() == 2
    assert clusters.get_column(C.MATCH_REASON).null_count() == 0

    merged = openpyxl.load_workbook(merged_path).active
    assert merged is not None
    header = [c.value for c in merged[1]]
    assert {C.CLUSTER_ID, C.LEAD_IDS, C.PHONES, "Рейтинг", "Факсы"} <= set(header)
    rows = list(merged.iter_rows(min_row=2, values_only=True))
    lead_ids = [row[header.index(C.LEAD_IDS)] for row in rows]
    assert sorted(i for ids in lead_ids for i in str(ids).split("; ")) == sorted(
        clusters.get_column(C.LEAD_ID).to_list()
    )
    inn_cells = [row[header.index(C.INN)] for row in rows if row[header.index(C.INN)]]
    assert "0278123453" in inn_cells and all(isinstance(v, str) for v in inn_cells)


def test_dedupe_accepts_an_uncleaned_table_and_stdin() -> None:
    imported = leadkit("import", str(EXAMPLES / "exports"), "--map", MAP)
    result = leadkit("dedupe", "-", stdin=imported.stdout)
    assert result.returncode == 0, result.stderr.decode()
    assert b"cleaning it first" in result.stderr
    merged = pl.read_csv(io.BytesIO(result.stdout), infer_schema=False)
    assert 10 < merged.height < 30


def test_not_duplicates_are_respected(cleaned: Path, tmp_path: Path) -> None:
    clusters_path = tmp_path / "clusters.csv"
    code = runner.invoke(
        app,
        ["dedupe", str(cleaned), "-o", str(tmp_path / "m.csv"), "--clusters", str(clusters_path)],
    )
    assert code.exit_code == 0
    clusters = read_table(str(clusters_path))
    flowers = clusters.filter(pl.col(C.COMPANY_KEY) == "ромашка", pl.col(C.CITY) == "Москва")
    a, b = flowers.get_column(C.LEAD_ID).to_list()[:2]
    marks = tmp_path / "marks.csv"
    marks.write_text(f"lead_id_a,lead_id_b\n{a},{b}\n", encoding="utf-8")
    again = runner.invoke(
        app,
        [
            "dedupe",
            str(cleaned),
            "-o",
            str(tmp_path / "m2.csv"),
            "--clusters",
            str(clusters_path),
            "--not-duplicates",
            str(marks),
        ],
    )
    assert again.exit_code == 0, again.stderr
    redone = read_table(str(clusters_path))
    ids = dict(redone.select(C.LEAD_ID, C.CLUSTER_ID).iter_rows())
    assert ids[a] != ids[b]


def test_bad_not_duplicates_file(cleaned: Path, tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("first,second\nx,y\n", encoding="utf-8")
    result = runner.invoke(app, ["dedupe", str(cleaned), "--not-duplicates", str(marks)])
    assert result.exit_code == 1
    assert "marks.csv" in result.stderr and "lead_id_a" in result.stderr


def test_threshold_out_of_range_is_a_usage_error(cleaned: Path) -> None:
    result = runner.invoke(app, ["dedupe", str(cleaned), "--threshold", "120"])
    assert result.exit_code == 2


def test_a_bad_second_output_fails_before_anything_is_written(
    cleaned: Path, tmp_path: Path
) -> None:
    merged = tmp_path / "companies.csv"
    result = runner.invoke(
        app,
        ["dedupe", str(cleaned), "-o", str(merged), "--clusters", str(tmp_path / "no" / "c.csv")],
    )
    assert result.exit_code == 1
    assert "output folder does not exist" in result.stderr
    assert not merged.exists()
