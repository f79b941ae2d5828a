"""Settings: every reference file loaded and validated in one place, changed from a settings file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.dedupe import dedupe_leads
from leadkit.errors import ConfigError
from leadkit.normalize import clean_leads
from leadkit.settings import default_settings, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def leads(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    """Import-shaped leads: lead_id, company, phone_raw, city."""
    return pl.DataFrame(
        [dict(zip((C.LEAD_ID, C.COMPANY, C.PHONE_RAW, C.CITY), row, strict=True)) for row in rows]
    )


def test_defaults_hold_every_reference_file() -> None:
    settings = default_settings()
    assert "ООО" in {form.abbr for form in settings.companies.legal_forms}
    assert "доб" in settings.phones.extension_markers
    assert settings.phones.extension_markers[0] == "дополнительный"  # longest first
    assert "mail.ru" in settings.contacts.public_email_domains
    assert "vk.com" in settings.contacts.non_company_sites
    assert ("Питер", "Санкт-Петербург") in settings.cities.aliases
    assert ("Ростов", "Ростов-на-Дону") in settings.cities.likely
    assert settings.dedupe.hub_max_names == 3
    assert {p.name for p in settings.profiles} >= {"2gis", "yandex-maps", "legal-directory"}
    assert settings.origin["dedupe_rules"] == "leadkit/data/dedupe_rules.yaml"


def test_a_settings_file_changes_one_key_and_dedupe_follows(tmp_path: Path) -> None:
    # One number shared by three different names: with the shipped hub_max_names (3) it is evidence
    # (with a similar name), with 2 it is a reception's and joins nothing.
    table = clean_leads(
        leads(
            ("1", "Ромашка", "8 (495) 123-45-67", "Москва"),
            ("2", "ООО Ромашка", "8 (495) 123-45-67", "Москва"),
            ("3", "Вектор", "8 (495) 123-45-67", "Москва"),
        )
    ).leads
    shipped = dedupe_leads(table)
    assert shipped.merged.height == 2
    config = write(tmp_path / "leadkit.yaml", "dedupe_rules:\n  hub_max_names: 1\n")
    settings = load_settings(config)
    assert settings.dedupe.hub_max_names == 1
    assert settings.dedupe.block_cap == default_settings().dedupe.block_cap  # the rest as shipped
    assert settings.origin["dedupe_rules"] == f"{config}: dedupe_rules"
    changed = dedupe_leads(table, settings=settings)
    # The two Ромашка records still share their name, in one city: joined on key + city.
    reason = changed.clusters.filter(pl.col(C.LEAD_ID) == "2").item(0, C.MATCH_REASON)
    assert reason == 'name "ромашка" (no other firm in Москва) +3.7 = 3.7'


def test_plus_key_adds_to_a_shipped_list(tmp_path: Path) -> None:
    table = pl.DataFrame({C.LEAD_ID: ["1"], C.COMPANY: ["Ромашка"], C.EMAIL: ["info@corp-mail.ru"]})
    assert clean_leads(table).leads.item(0, C.DOMAIN) == "corp-mail.ru"
    config = write(tmp_path / "s.yaml", "public_email_domains:\n  +domains: [corp-mail.ru]\n")
    settings = load_settings(config)
    assert "mail.ru" in settings.contacts.public_email_domains  # the shipped ones stay
    assert clean_leads(table, settings=settings).leads.item(0, C.DOMAIN) is None


def test_a_path_replaces_a_whole_file_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    write(tmp_path / "conf" / "forms.yaml", "forms:\n  - {abbr: ТД, long: [Торговый дом]}\n")
    config = write(tmp_path / "conf" / "leadkit.yaml", "legal_forms: forms.yaml\n")
    settings = load_settings(config)
    assert [f.abbr for f in settings.companies.legal_forms] == ["ТД"]
    out = clean_leads(
        pl.DataFrame({C.LEAD_ID: ["1", "2"], C.COMPANY: ["Торговый дом Вектор", "ООО Вектор"]}),
        settings=settings,
    ).leads
    assert out.get_column(C.COMPANY_NAME).to_list() == ["Вектор", "ООО Вектор"]
    assert out.get_column(C.LEGAL_FORM).to_list() == ["ТД", None]


def test_one_city_vocabulary_for_clean_and_dedupe(tmp_path: Path) -> None:
    config = write(tmp_path / "s.yaml", "city_names:\n  +aliases: {Сбп: Санкт-Петербург}\n")
    settings = load_settings(config)
    table = leads(
        ("1", "Ромашка", "", "Сбп"),
        ("2", "Ромашка", "", "Санкт-Петербург"),
    )
    cleaned = clean_leads(table, settings=settings).leads
    assert cleaned.get_column(C.CITY).to_list() == ["Санкт-Петербург"] * 2
    # dedupe reads a city cell with the same vocabulary, also on a table cleaned elsewhere
    raw_cities = cleaned.with_columns(pl.Series(C.CITY, ["Сбп", "Санкт-Петербург"]))
    result = dedupe_leads(raw_cities, settings=settings)
    assert result.merged.height == 1
    assert dedupe_leads(raw_cities).merged.height == 2  # the shipped vocabulary does not know Сбп


def test_likely_names_match_in_dedupe_but_clean_writes_them_as_they_are() -> None:
    table = leads(("1", "Ромашка", "", "Ростов"), ("2", "Ромашка", "", "Ростов-на-Дону"))
    cleaned = clean_leads(table).leads
    assert cleaned.get_column(C.CITY).to_list() == ["Ростов", "Ростов-на-Дону"]
    result = dedupe_leads(cleaned)
    reason = result.clusters.item(1, C.MATCH_REASON)
    assert reason == 'name "ромашка" (no other firm in Ростов-на-Дону) +3.7 = 3.7'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dedupe_rules:\n  hub_max_name: 5\n", "unknown key(s) hub_max_name"),
        ("dedupe_rules:\n  hub_max_names: many\n", "'hub_max_names' must be a whole number"),
        ("dedupe_rules:\n  window: 0\n", "'window' must be a whole number from 1"),
        ("phone_extensions:\n  markers: []\n", "'markers' must be a list of words"),
        ("legal_forms:\n  forms: [{abbr: ООО, position: middle}]\n", "'position' must be"),
        ("city_names:\n  aliases: [Мск]\n", "'aliases' must map texts to texts"),
        ("lookalikes:\n  AB: В\n", "single letters"),
        ("dedupe_rule: {}\n", "unknown key(s) dedupe_rule"),
        ("public_email_domains:\n  +domain: [x.ru]\n", "'+domain' adds to a list"),
        ("synonyms: 5\n", "expected a file path or a mapping"),
        ("dedupe_rules: [\n", "not valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / "leadkit.yaml", text)
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_settings(config)
    assert str(config) in str(info.value)


def test_a_broken_profile_names_its_file(tmp_path: Path) -> None:
    profile = write(tmp_path / "crm.yaml", "name: crm\ndetect: [org]\ncolumns: {companyy: Org}\n")
    config = write(tmp_path / "leadkit.yaml", "profiles: [crm.yaml]\n")
    with pytest.raises(ConfigError, match="unknown field 'companyy'") as info:
        load_settings(config)
    assert str(profile) in str(info.value)


def test_an_extra_profile_is_tried_first(tmp_path: Path) -> None:
    write(
        tmp_path / "crm.yaml",
        "name: crm\ndetect: [org, tel1]\ncolumns: {company: Org, phone: Tel1}\n",
    )
    config = write(tmp_path / "leadkit.yaml", "profiles: [crm.yaml]\n")
    export = write(tmp_path / "crm_dump.csv", "Org;Tel1\nРомашка;84951234567\n")
    from leadkit.io.importer import import_leads

    result = import_leads([str(export)], settings=load_settings(config))
    assert result.leads.item(0, C.COMPANY) == "Ромашка"
    assert result.leads.item(0, C.PHONE_RAW) == "84951234567"


def test_cli_config_option_and_its_errors(tmp_path: Path) -> None:
    export = write(
        tmp_path / "leads.csv", "Компания;Телефон;E-mail\nРомашка;84951234567;a@corp-mail.ru\n"
    )
    good = write(tmp_path / "good.yaml", "public_email_domains:\n  +domains: [corp-mail.ru]\n")
    runner = CliRunner()
    result = runner.invoke(app, ["clean", str(export), "--config", str(good)])
    assert result.exit_code == 0, result.stderr
    cleaned = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)
    assert cleaned.item(0, C.EMAIL) == "a@corp-mail.ru"
    assert cleaned.item(0, C.DOMAIN) is None
    bad = write(tmp_path / "bad.yaml", "dedupe_rules:\n  hub_max_names: -1\n")
    result = runner.invoke(app, ["dedupe", str(export), "--config", str(bad)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml" in lines[0] and "hub_max_names" in lines[0]


def test_plus_key_changes_a_nested_mapping_key_by_key(tmp_path: Path) -> None:
    config = write(
        tmp_path / "s.yaml",
        "dedupe_rules:\n  +weights:\n    prior: 1.0\n    +m: {name_typo: 0.15}\n",
    )
    weights = load_settings(config).dedupe.weights
    shipped = default_settings().dedupe.weights
    assert weights.prior == 1.0 and weights.m["name_typo"] == 0.15
    assert weights.m["name_exact"] == shipped.m["name_exact"]  # the rest as shipped
    assert weights.unseen == shipped.unseen
