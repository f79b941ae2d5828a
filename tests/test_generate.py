"""The generated benchmark: deterministic, labelled, valid identifiers, traps present, real files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import phonenumbers
import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from leadkit import columns as C
from leadkit.io.importer import import_leads
from leadkit.testing import generate as gen

N = 2000


@pytest.fixture(scope="module")
def sample() -> gen.GeneratedLeads:
    return gen.generate(N, seed=0)


@pytest.fixture(scope="module")
def labelled(sample: gen.GeneratedLeads) -> pl.DataFrame:
    return sample.leads.join(sample.truth, on=C.LEAD_ID, how="left")


def ogrnip_valid(value: str) -> bool:
    # written out here, not imported, so the test does not trust the generator's own check
    return len(value) == 15 and value.isdigit() and int(value[:14]) % 13 % 10 == int(value[-1])


def national_numbers(cell: str) -> list[str]:
    """Ten-digit numbers in a phone cell, the way a person reads them; fragments are skipped."""
    numbers = []
    for part in re.split(r"[,;\n]", cell):
        part = re.sub(r"\(.*?\)|доб\.?\s*\d+|[а-яё]+", "", part, flags=re.IGNORECASE)
        digits = re.sub(r"\D", "", part)
        if len(digits) == 11 and digits[0] in "78":
            numbers.append(digits[1:])
        elif len(digits) == 10:
            numbers.append(digits)
    return numbers


_FORM_WORDS = re.compile(
    r"общество с ограниченной ответственностью|акционерное общество|закрытое|открытое|публичное"
    r"|индивидуальный предприниматель|\b(ооо|ао|зао|оао|пао|ип|муп|гуп|ано|тоо)\b"
)


def name_key(company: str) -> str:
    """A rough matching key: no legal form, quotes, descriptor after a comma, case or ё."""
    text = company.lower().replace("ё", "е").split(",")[0]
    text = _FORM_WORDS.sub(" ", text)
    return " ".join(re.sub(r"[\"'«»“”„]", " ", text).split())


# -- the in-memory table ----------------------------------------------------------------------


def test_same_seed_gives_identical_data_and_another_seed_does_not() -> None:
    leads_a, truth_a = gen.generate_leads(1500, seed=11)
    leads_b, truth_b = gen.generate_leads(1500, seed=11)
    leads_c, _ = gen.generate_leads(1500, seed=12)
    assert leads_a.equals(leads_b)
    assert truth_a.equals(truth_b)
    assert not leads_a.equals(leads_c)


def test_lead_table_has_the_import_shape(sample: gen.GeneratedLeads) -> None:
    leads = sample.leads
    assert leads.height == N
    assert tuple(leads.columns) == C.IMPORT_COLUMNS
    assert all(dtype == pl.String for dtype in leads.dtypes)
    assert leads[C.LEAD_ID].is_unique().all()
    assert leads[C.LEAD_ID].str.contains(r"^g\d{9}$").all()
    assert set(leads[C.SOURCE].unique()) == set(gen.SOURCE_NAMES)
    assert leads[C.SOURCE_SHEET].is_null().all()
    # missing is null, never an empty or blank string
    for column in leads.columns:
        assert not (leads[column].str.strip_chars() == "").any(), column


def test_source_rows_number_each_export_from_two(sample: gen.GeneratedLeads) -> None:
    rows = sample.leads.group_by(C.SOURCE).agg(
        pl.col(C.SOURCE_ROW).cast(pl.Int64).min().alias("first"),
        pl.col(C.SOURCE_ROW).cast(pl.Int64).max().alias("last"),
        pl.len(),
    )
    for source, first, last, count in rows.iter_rows():
        assert (first, last) == (2, count + 1), source
        assert count == sample.exports[source].height


def test_truth_covers_every_lead_exactly_once(sample: gen.GeneratedLeads) -> None:
    truth = sample.truth
    assert truth.columns == [C.LEAD_ID, "entity_id"]
    assert truth[C.LEAD_ID].is_unique().all()
    assert set(truth[C.LEAD_ID]) == set(sample.leads[C.LEAD_ID])
    assert truth["entity_id"].null_count() == 0
    assert truth["entity_id"].str.contains(r"^e\d{7}$").all()


def test_maps_carry_no_inn_and_directory_always_does(labelled: pl.DataFrame) -> None:
    maps = labelled.filter(
        pl.col(C.SOURCE).is_in(["2gis.csv", "2gis_desktop.csv", "google_maps.csv"])
    )
    directory = labelled.filter(pl.col(C.SOURCE) == "directory.csv")
    assert maps[C.INN].is_null().all()
    assert directory[C.INN].is_not_null().all()
    long_form = directory[C.COMPANY].str.contains("(?i)общество|предприниматель|акционерное")
    assert long_form.sum() > 0.8 * directory.height


def test_inn_and_ogrn_have_valid_check_digits(labelled: pl.DataFrame) -> None:
    directory = labelled.filter(pl.col(C.SOURCE) == "directory.csv")
    assert directory.height > 100
    for inn in directory[C.INN]:
        assert stdnum_inn.is_valid(inn), inn
    ogrns = directory[C.OGRN].drop_nulls().to_list()
    assert {len(o) for o in ogrns} == {13, 15}
    for ogrn in ogrns:
        assert stdnum_ogrn.is_valid(ogrn) if len(ogrn) == 13 else ogrnip_valid(ogrn), ogrn
    # an IP has a 12-digit INN and a 15-digit OGRNIP; a legal entity 10 and 13
    pairs = directory.drop_nulls(C.OGRN).select(
        pl.col(C.INN).str.len_chars(), pl.col(C.OGRN).str.len_chars()
    )
    assert set(pairs.iter_rows()) == {(10, 13), (12, 15)}


def test_an_entity_has_one_inn_and_no_two_entities_share_it(labelled: pl.DataFrame) -> None:
    with_inn = labelled.drop_nulls(C.INN).with_columns(
        # the bought base lost leading zeros the way Excel does; put them back to compare
        pl.when(pl.col(C.INN).str.len_chars().is_in([9, 11]))
        .then("0" + pl.col(C.INN))
        .otherwise(pl.col(C.INN))
        .alias(C.INN)
    )
    assert with_inn.group_by("entity_id").agg(pl.col(C.INN).n_unique())[C.INN].max() == 1
    assert with_inn.group_by(C.INN).agg(pl.col("entity_id").n_unique())["entity_id"].max() == 1
    for inn in with_inn[C.INN]:
        assert stdnum_inn.is_valid(inn), inn


def test_phones_come_in_many_forms_and_parse_as_russian_or_kazakh(labelled: pl.DataFrame) -> None:
    google = labelled.filter(pl.col(C.SOURCE) == "google_maps.csv").drop_nulls(C.PHONE_RAW)
    for cell in google[C.PHONE_RAW]:
        number = phonenumbers.parse(cell, "RU")
        assert phonenumbers.is_valid_number(number), cell
        assert phonenumbers.region_code_for_number(number) in ("RU", "KZ"), cell
    cells = labelled[C.PHONE_RAW].drop_nulls()
    assert cells.str.contains(r"^8\d{10}").any()  # 2GIS: 84951234567
    assert cells.str.contains(r"^8 \(\d{3}\) \d{3}-\d{2}-\d{2}$").any()
    assert cells.str.contains(r"\+7 \d{3} \d{3} \d{2} \d{2}").any()
    assert cells.str.contains(r"доб\.").any()
    assert cells.str.contains("\n").any()
    assert cells.str.contains(r"(?:^|; )\d{3}-\d{2}-\d{2}(?:$|;)").any()  # a fragment
    assert cells.is_in(["нет", "-", "не указан", "нет телефона"]).any()


def test_names_are_messy_in_the_ways_users_see(labelled: pl.DataFrame) -> None:
    names = labelled[C.COMPANY]
    assert names.str.contains("«").any() and names.str.contains('"').any()
    assert names.str.contains(r", ООО$").any()
    assert names.str.contains("^Общество с ограниченной ответственностью").any()
    assert names.str.contains("филиал").any()
    assert names.str.contains("[A-Za-z][а-яё]|[а-яё][A-Za-z]").any()  # Latin look-alikes
    assert (names == names.str.to_lowercase()).any()
    assert names.n_unique() > 0.8 * names.len()


# -- the traps ---------------------------------------------------------------------------------


def test_a_phone_is_shared_by_three_or_more_companies(labelled: pl.DataFrame) -> None:
    owners: dict[str, set[str]] = {}
    for cell, entity in labelled.select(C.PHONE_RAW, "entity_id").drop_nulls().iter_rows():
        for number in national_numbers(cell):
            owners.setdefault(number, set()).add(entity)
    assert max(len(e) for e in owners.values()) >= 3


def test_two_companies_share_a_name_in_one_city(labelled: pl.DataFrame) -> None:
    maps = labelled.filter(pl.col(C.SOURCE).is_in(["2gis.csv", "2gis_desktop.csv"])).drop_nulls(
        C.CITY
    )
    keys = maps.select(
        C.CITY, pl.col(C.COMPANY).map_elements(name_key, return_dtype=pl.String), "entity_id"
    )
    namesakes = keys.group_by(C.CITY, C.COMPANY).agg(pl.col("entity_id").n_unique())
    assert namesakes.filter(pl.col("entity_id") >= 2).height >= 1


def test_companies_appear_in_several_exports(labelled: pl.DataFrame) -> None:
    per_entity = labelled.group_by("entity_id").agg(pl.col(C.SOURCE).n_unique())[C.SOURCE]
    assert (per_entity >= 2).sum() > 0.3 * per_entity.len()
    assert (per_entity >= 4).any()
    assert (per_entity == 1).sum() > 0.3 * per_entity.len()  # most are in one or two exports


def test_the_summary_counts_every_trap(sample: gen.GeneratedLeads) -> None:
    stats = sample.stats
    assert stats["leads"] == N
    assert stats["entities"] == sample.truth["entity_id"].n_unique()
    assert sum(v for k, v in stats.items() if k.startswith("leads from ")) == N
    for trap in (
        "phones shared by 3+ entities",
        "same name in one city: groups",
        "names found in 2+ cities",
        "records with a stale number (now another firm's)",
        "branch records",
        "records without a phone",
        "records with a typo in the name",
        "records with Latin look-alike letters",
        "records whose city is only in the address",
    ):
        assert stats[trap] > 0, trap
    assert stats["records without an INN"] > stats["records with an INN"]


# -- the files ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    gen.write_exports(out, 1500, seed=5)
    return out


def read_export(path: Path, encoding: str, separator: str) -> pl.DataFrame:
    text = path.read_bytes().decode(encoding)
    return pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)


def test_exports_are_written_in_their_real_encodings(exports_dir: Path) -> None:
    raw = {p.name: p.read_bytes() for p in (exports_dir / "exports").iterdir()}
    assert raw["2gis.csv"].startswith(b"\xef\xbb\xbf")
    assert raw["2gis.csv"][3:].decode("utf-8").startswith("Наименование,Описание,Рубрики")
    assert raw["directory.csv"].startswith(b"\xef\xbb\xbf")
    assert raw["directory.csv"][3:].decode("utf-8").startswith("Полное наименование;ИНН;ОГРН")
    assert not raw["google_maps.csv"].startswith(b"\xef\xbb\xbf")
    assert raw["google_maps.csv"].decode("utf-8").startswith("title,category,address")
    with pytest.raises(UnicodeDecodeError):
        raw["2gis_desktop.csv"].decode("utf-8")
    assert raw["2gis_desktop.csv"].decode("cp1251").startswith("Название организации;Раздел")
    assert raw["bought_base.txt"].startswith(b"\xff\xfe")
    assert raw["bought_base.txt"].decode("utf-16").startswith("Org\tTel1\tTel2\tTown")


def test_exports_read_back_to_the_lead_table(exports_dir: Path) -> None:
    leads, _ = gen.generate_leads(1500, seed=5)
    shapes = {
        "2gis.csv": ("utf-8-sig", ",", "Наименование"),
        "2gis_desktop.csv": ("cp1251", ";", "Название организации"),
        "google_maps.csv": ("utf-8", ",", "title"),
        "directory.csv": ("utf-8-sig", ";", "Полное наименование"),
        "bought_base.txt": ("utf-16", "\t", "Org"),
    }
    for name, (encoding, separator, company) in shapes.items():
        frame = read_export(exports_dir / "exports" / name, encoding, separator)
        expected = leads.filter(pl.col(C.SOURCE) == name)
        assert frame.height == expected.height, name
        assert frame[company].to_list() == expected[C.COMPANY].to_list(), name
    bought = read_export(exports_dir / "exports" / "bought_base.txt", "utf-16", "\t")
    expected = leads.filter(pl.col(C.SOURCE) == "bought_base.txt")
    assert bought["INN"].to_list() == expected[C.INN].to_list()  # text, zeros as written


def test_truth_csv_lines_up_with_the_file_rows(exports_dir: Path) -> None:
    leads, truth = gen.generate_leads(1500, seed=5)
    on_disk = pl.read_csv(exports_dir / "truth.csv", infer_schema=False)
    assert on_disk.columns == ["source", "source_sheet", "source_row", "entity_id"]
    assert on_disk["source_sheet"].is_null().all()
    expected = leads.join(truth, on=C.LEAD_ID).select(
        pl.col(C.SOURCE).alias("source"), pl.col(C.SOURCE_ROW).alias("source_row"), "entity_id"
    )
    joined = on_disk.join(expected, on=["source", "source_row"], how="full", suffix="_mem")
    assert joined.height == leads.height
    assert (joined["entity_id"] == joined["entity_id_mem"]).all()
    # and the row number is the spreadsheet's: row 2 of 2gis.csv is the first data line
    first = read_export(exports_dir / "exports" / "2gis.csv", "utf-8-sig", ",")["Наименование"][0]
    row2 = on_disk.filter((pl.col("source") == "2gis.csv") & (pl.col("source_row") == "2"))
    company = leads.join(truth, on=C.LEAD_ID).filter(
        (pl.col(C.SOURCE) == "2gis.csv") & (pl.col(C.SOURCE_ROW) == "2")
    )
    assert company[C.COMPANY][0] == first
    assert company["entity_id"][0] == row2["entity_id"][0]


def test_the_bought_base_comes_with_its_column_map(exports_dir: Path) -> None:
    doc = yaml.safe_load((exports_dir / "map.yaml").read_text(encoding="utf-8"))
    (source,) = doc["sources"]
    assert source["match"] == "bought_base*.txt"
    assert source["columns"]["phone"] == ["Tel1", "Tel2"]
    assert source["columns"]["company"] == "Org"
    assert source["columns"]["city"] == "Town"
    assert set(source["columns"]) <= {"phone", *C.SOURCE_FIELDS}


def test_xlsx_directory_has_a_title_block_and_text_identifiers(tmp_path: Path) -> None:
    gen.write_exports(tmp_path, 800, seed=2, xlsx=True)
    assert not (tmp_path / "exports" / "directory.csv").exists()
    generated = gen.generate(800, seed=2)
    truth = pl.read_csv(tmp_path / "truth.csv", infer_schema=False).filter(
        pl.col("source") == "directory.xlsx"
    )
    assert truth["source_sheet"].unique().to_list() == ["Организации"]
    assert truth["source_row"].cast(pl.Int64).min() == 4
    # leadkit's own importer finds the header below the title block and numbers rows as truth.csv does
    imported = import_leads([str(tmp_path / "exports" / "directory.xlsx")]).leads
    directory = generated.exports["directory.csv"]
    assert imported.get_column(C.SOURCE_SHEET).unique().to_list() == ["Организации"]
    assert imported.get_column(C.SOURCE_ROW).to_list() == truth["source_row"].to_list()
    assert imported.get_column(C.COMPANY).to_list() == directory["Полное наименование"].to_list()
    # text cells, so an INN that starts with 0 keeps it and no one reads them as numbers
    assert imported.get_column(C.INN).to_list() == directory["ИНН"].to_list()
    entity_of_row4 = truth.filter(pl.col("source_row") == "4")["entity_id"][0]
    assert entity_of_row4 == generated.export_entities["directory.csv"][0]


def test_cli_writes_files_and_prints_the_summary(tmp_path: Path) -> None:
    lines: list[str] = []
    code = gen._main(["--n", "400", "--seed", "3", "--out", str(tmp_path), "--stats"], lines.append)
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} >= {"exports", "truth.csv", "map.yaml"}
    assert {p.name for p in (tmp_path / "exports").iterdir()} == set(gen.SOURCE_NAMES)
    assert any(line.startswith("phones shared by 3+ entities") for line in lines)
    assert pl.read_csv(tmp_path / "truth.csv", infer_schema=False).height == 400


def test_every_word_the_generator_writes_fits_cp1251() -> None:
    vocabulary = [
        *gen._BRAND_WORDS, *gen._COMPOUND_HEADS, *gen._COMPOUND_TAILS, *gen._NAME_ENDINGS,
        *gen._SURNAMES, *gen._FEMALE_NAMES, *gen._STREETS, *gen._KZ_STREETS, *gen._PHONE_NOTES,
        *gen._NO_PHONE, *gen._OPEN_HOURS, *gen._CHANNELS, *gen._GROUP_PREFIXES, *gen._LATIN_TAILS,
        *(part for names in gen._MALE_NAMES for part in names),
        *(q for pair in gen._QUOTES for q in pair),
        *(w for c in gen._CATEGORIES for w in (c.rubric, c.descriptor, c.section, *c.activities)),
        *(w for c in gen._CITIES for w in (c.name, c.region, *c.spellings)),
        *gen._LONG_FORMS.values(),
    ]  # fmt: skip
    for word in vocabulary:
        word.encode("cp1251")


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_identifiers_are_valid_for_any_seed(seed: int) -> None:
    rng = gen._Random(seed)
    for region in ("77", "02", "16"):
        assert stdnum_inn.is_valid(gen.inn_legal(rng, region))
        assert stdnum_inn.is_valid(gen.inn_person(rng, region))
        assert stdnum_ogrn.is_valid(gen.ogrn_legal(rng, region))
        assert ogrnip_valid(gen.ogrnip(rng, region))


def test_ogrnip_check_matches_the_known_example() -> None:
    # python-stdnum rejects this valid OGRNIP; leadkit's check and the generator must not
    assert ogrnip_valid("304500116000180")
    assert gen.ogrnip_is_valid("304500116000180")
    assert not gen.ogrnip_is_valid("304500116000181")


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    city=st.sampled_from(gen._CITIES),
    mobile=st.booleans(),
    style=st.integers(min_value=0, max_value=9),
)
def test_every_phone_form_is_the_same_valid_number(
    seed: int, city: gen._City, mobile: bool, style: int
) -> None:
    national = gen._new_phone(gen._Random(seed), city, mobile, set())
    written = gen._format_phone(national, style)
    number = phonenumbers.parse(written, "RU")
    assert phonenumbers.is_valid_number(number), written
    assert (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == "+7" + national
    )
    assert not phonenumbers.is_valid_number(phonenumbers.parse(gen._fragment(national), "RU"))
