"""``leadkit classify`` on the command line, the ABCDE settings and their errors, and the examples."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.errors import ConfigError
from leadkit.settings import default_settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
CRM = str(ROOT / "examples" / "crm" / "clients.csv")
SALES = str(ROOT / "examples" / "sales")
YEAR = ["--from", "2026-01-01", "--to", "2026-12-31"]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_classify_the_examples_to_stdout_with_one_summary_line() -> None:
    code, out, err = run("classify", CRM, "--sales", SALES, *YEAR)
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert table.columns[-len(C.CLASSIFY_COLUMNS) :] == list(C.CLASSIFY_COLUMNS)
    classes = dict(table.select(C.COMPANY, C.ABCDE).iter_rows())
    assert classes['АО "Татнефтесервис"'] == "A"
    assert classes["ЗАО «Стройинвест»"] == "E"  # sold below cost
    assert classes["ТОО «Алматы Трейд»"] == "C"  # little profit, large potential
    relationship = dict(table.select(C.COMPANY, C.RELATIONSHIP).iter_rows())
    assert relationship["Флора"] == "cold" and relationship["Бухгалтерия Плюс"] == "lost"
    assert err.splitlines() == [
        "leadkit: classified 12 clients in 2 channel(s): A 3, B 1, C 2, D 4, E 2; "
        "24 of 28 sales rows matched, 4 matched no client (--unmatched FILE lists them)"
    ]


def test_xlsx_money_cells_are_numbers_and_identifiers_text(tmp_path: Path) -> None:
    out, summary, unmatched = tmp_path / "abcde.xlsx", tmp_path / "summary.xlsx", tmp_path / "u.csv"
    code, stdout, err = run(
        "classify",
        CRM,
        "--sales",
        SALES,
        *YEAR,
        "-o",
        str(out),
        "--summary",
        str(summary),
        "--unmatched",
        str(unmatched),
    )
    assert code == 0, err
    assert stdout == ""
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert first["company"].value == 'АО "Татнефтесервис"'
    assert first["inn"].value == "0278123453"  # text, leading zero kept
    assert first["revenue"].value == 4_800_000 and first["revenue"].data_type == "n"
    assert first["profit"].value == 1_200_000 and first["profit"].number_format == "#,##0.00"
    assert first["potential"].value == 12_000_000
    assert first["profit_share"].value == 0.64 and first["profit_share"].number_format == "0.0%"
    rows = list(openpyxl.load_workbook(summary).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == (
        "channel",
        "abcde",
        "clients",
        "revenue",
        "profit",
        "profit_share",
        "potential",
    )
    assert rows[1][:5] == ("Опт", "A", 1, 4_800_000, 1_200_000)
    reasons = pl.read_csv(unmatched).get_column("reason").to_list()
    assert reasons.count("no client with this INN, client id or name") == 3


def test_previous_classification_on_the_command_line(tmp_path: Path) -> None:
    earlier = tmp_path / "abcde_2025.parquet"
    code, _, err = run(
        "classify",
        CRM,
        "--sales",
        SALES,
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "-o",
        str(earlier),
    )
    assert code == 0, err
    assert pl.read_parquet(earlier).schema[C.PROFIT] == pl.Float64  # money is a number in Parquet
    code, out, err = run("classify", CRM, "--sales", SALES, *YEAR, "--previous", str(earlier))
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    moved = dict(table.select(C.COMPANY, C.MOVED).drop_nulls().iter_rows())
    assert moved["Невский пекарь"] == "C→A"
    assert moved["ЗАО «Стройинвест»"] == "D→E"
    assert "; 6 moved class" in err


def test_command_line_errors() -> None:
    code, _, err = run("classify", CRM, "--sales", SALES, "--from", "2026-13-01")
    assert code == 2 and "'2026-13-01' is not a date written YYYY-MM-DD" in err
    code, _, err = run(
        "classify", CRM, "--sales", SALES, "--from", "2026-12-31", "--to", "2026-01-01"
    )
    assert code == 2 and "the period starts (2026-12-31) after it ends (2026-01-01)" in err
    code, _, err = run("classify", CRM)
    assert code == 2 and "--sales" in err
    code, _, err = run("classify", CRM, "--sales", SALES, "-o", CRM)
    assert code == 1 and "would overwrite" in err


def test_a_bad_sales_file_is_one_line_naming_the_row_and_column(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_bytes(
        "Контрагент;Дата;Выручка;Прибыль\nРомашка;01.02.2026;сто;1\n".encode("cp1251")
    )
    code, out, err = run("classify", CRM, "--sales", str(sales), "-o", str(tmp_path / "o.csv"))
    assert code == 1 and out == ""
    assert err.strip() == "leadkit: sales.csv, row 2, column 'Выручка': not an amount: 'сто'"
    assert not (tmp_path / "o.csv").exists()


def test_a_sales_map_names_the_columns(tmp_path: Path) -> None:
    sales = tmp_path / "deals_2026.csv"
    sales.write_text("Org;Day;Sum;GP\nФлора;2026-05-01;1000;400\n", encoding="utf-8")
    mapping = write(
        tmp_path / "map.yaml",
        "sources:\n  - match: 'deals_*.csv'\n"
        "    columns: {company: Org, date: Day, revenue: Sum, profit: GP}\n",
    )
    code, out, err = run("classify", CRM, "--sales", str(sales), "--map", str(mapping), *YEAR)
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert dict(table.select(C.COMPANY, C.PROFIT).iter_rows())["Флора"] == "400.0"
    earlier = write(tmp_path / "abcde.csv", "company;abcde\nФлора;A\n")
    code, _, err = run(
        "classify", CRM, "--sales", str(tmp_path), "--map", str(mapping), "-o", str(earlier)
    )
    assert code == 1 and "would overwrite" in err, err  # a file the sales folder holds is read
    assert earlier.read_text(encoding="utf-8") == "company;abcde\nФлора;A\n"
    bad = write(tmp_path / "bad.yaml", "sources:\n  - match: '*.csv'\n    columns: {margin: GP}\n")
    code, _, err = run("classify", CRM, "--sales", str(sales), "--map", str(bad))
    assert code == 1 and "unknown field 'margin'" in err


# --- settings ---------------------------------------------------------------------------------------


def test_the_shipped_abcde_rules_are_the_contract_defaults() -> None:
    rules = default_settings().abcde
    assert rules.measure == "profit"
    assert rules.tiers == ("top", "high", "low") and rules.cutoffs == (0.5, 0.8)
    assert rules.matrix[("top", "top")] == "A"
    assert {rules.matrix[("top", t)] for t in ("high", "low")} == {"B"}
    assert {rules.matrix[("high", t)] for t in rules.tiers} == {"B"}
    assert rules.matrix[("low", "top")] == rules.matrix[("low", "high")] == "C"
    assert rules.matrix[("low", "low")] == "D"
    assert (rules.loss_below, rules.loss_class) == (0.0, "E")
    assert rules.key_accounts == (("mono", 0.7), ("critical", 0.2), ("key", 0.1))
    assert rules.classes == ("A", "B", "C", "D", "E")


def test_a_bare_abcde_file_and_an_abcde_section_change_the_rules(tmp_path: Path) -> None:
    bare = write(
        tmp_path / "abcde.yaml",
        "tiers:\n  - {name: top, below: 0.7}\n  - {name: high, below: 0.9}\n  - {name: low}\n",
    )
    rules = load_settings(bare, section="abcde").abcde
    assert rules.cutoffs == (0.7, 0.9) and rules.matrix[("low", "low")] == "D"
    section = write(tmp_path / "leadkit.yaml", "abcde:\n  loss: null\n  key_accounts: {vip: 0.5}\n")
    rules = load_settings(section, section="abcde").abcde
    assert rules.loss_class is None and rules.key_accounts == (("vip", 0.5),)
    assert load_settings(section).abcde.key_accounts == (("vip", 0.5),)


def test_a_config_changes_the_classes_on_the_command_line(tmp_path: Path) -> None:
    # Two tiers (top: the first 80%), classes named by the sales head.
    config = write(
        tmp_path / "two_tiers.yaml",
        "tiers:\n  - {name: top, below: 0.8}\n  - {name: rest}\n"
        "matrix:\n  top: {top: Растить, rest: Держать}\n  rest: {top: Развивать, rest: Обслуживать}\n"
        "loss: {below: 10000, class: Убыточный}\n",
    )
    code, out, err = run("classify", CRM, "--sales", SALES, *YEAR, "--config", str(config))
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    classes = dict(table.select(C.COMPANY, C.ABCDE).iter_rows())
    assert classes["ООО «Ромашка»"] == "Растить"  # 0.64 before it: top under 0.8
    assert classes["Флора"] == "Убыточный"  # profit 0 is below 10 000
    assert classes["ТОО «Алматы Трейд»"] == "Развивать"
    assert "Держать 0, Обслуживать 1, Развивать 2, Растить 4, Убыточный 5" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "matrix:\n  top: {top: A, high: B, low: B}\n  high: {top: B, high: B}\n  low: {top: C, high: C, low: D}\n",
            "'matrix.high.low' is missing: no class for profit tier high and potential tier low",
        ),
        (
            "matrix:\n  top: {top: A, high: B, low: B}\n  low: {top: C, high: C, low: D}\n",
            "'matrix.high' is missing",
        ),
        (
            "tiers:\n  - {name: top, below: 0.8}\n  - {name: high, below: 0.5}\n  - {name: low}\n",
            "'tiers[2].below' must be greater than the tier before's (0.8)",
        ),
        (
            "tiers:\n  - {name: top, below: 0.5}\n  - {name: high, below: 0.5}\n  - {name: low}\n",
            "'tiers[2].below' must be greater",
        ),
        (
            "tiers:\n  - {name: top, below: 1}\n  - {name: low}\n",
            "'tiers[1].below' must be a number between 0 and 1",
        ),
        (
            "tiers:\n  - {name: top, below: 0}\n  - {name: low}\n",
            "'tiers[1].below' must be a number between 0 and 1",
        ),
        (
            "tiers:\n  - {name: top, below: 0.5}\n  - {name: low, below: 0.9}\n",
            "'tiers[2].below': the last tier",
        ),
        ("tiers:\n  - {name: top}\n  - {name: low}\n", "'tiers[1].below' is missing"),
        ("tiers: [{name: top, below: 0.5}, {name: top}]\n", "'tiers[2].name' must be a new"),
        ("measure: margin\n", "'measure' must be profit or revenue"),
        ("key_accounts: {key: 10}\n", "'key_accounts.key' must be a number above 0 and at most 1"),
        ("loss: {below: zero, class: E}\n", "'loss.below' must be an amount"),
        (
            "matrix:\n  top: {top: A, high: B, low: B, mid: B}\n",
            "'matrix.top': unknown tier(s) mid",
        ),
        ("tier: []\n", "unknown key(s) tier"),
    ],
)
def test_bad_abcde_rules_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    bare = write(tmp_path / "abcde.yaml", text)
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_settings(bare, section="abcde")
    assert str(info.value).startswith(f"{bare}: ")
    nested = write(
        tmp_path / "leadkit.yaml", "abcde:\n" + "".join(f"  {line}\n" for line in text.splitlines())
    )
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_settings(nested)
    assert str(info.value).startswith(f"{nested}: abcde: ")


def test_a_bad_config_is_exit_1_with_one_line(tmp_path: Path) -> None:
    config = write(
        tmp_path / "abcde.yaml",
        "tiers:\n  - {name: top, below: 0.9}\n  - {name: high, below: 0.8}\n  - {name: low}\n",
    )
    code, out, err = run("classify", CRM, "--sales", SALES, "--config", str(config))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "abcde.yaml" in lines[0] and "tiers[2].below" in lines[0]


def test_sales_synonyms_are_settings_too(tmp_path: Path) -> None:
    sales = tmp_path / "s.csv"
    sales.write_text("Плательщик;Оборот;Маржа\nФлора;100;40\n", encoding="utf-8")
    config = write(
        tmp_path / "leadkit.yaml",
        "sales_synonyms:\n  +client: [плательщик]\n  +revenue: [оборот]\n",
    )
    code, _, err = run("classify", CRM, "--sales", str(sales))
    assert code == 1 and "no client (or INN) and amount" in err
    code, _, err = run("classify", CRM, "--sales", str(sales), "--config", str(config))
    assert code == 0, err
    assert "1 of 1 sales rows matched" in err
