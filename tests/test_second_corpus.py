"""The second corpus (leadkit.testing.second_corpus): deterministic, labelled, importable, and holding the
phenomena it promises — in the proportions its --stats reports."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import phonenumbers
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from leadkit import columns as C
from leadkit.config import load_maps
from leadkit.io.importer import import_leads
from leadkit.testing.second_corpus import Corpus, build_corpus, generate_corpus, write_corpus

KEYS = [C.SOURCE, C.SOURCE_SHEET, C.SOURCE_ROW]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(20_000, seed=11)


@pytest.fixture(scope="module", params=[False, True], ids=["yandex-csv", "yandex-xlsx"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("second-corpus")
    write_corpus(out, 3000, seed=4, yandex_xlsx=request.param)
    return out


def share(mask: pl.Series) -> float:
    return int(mask.sum()) / len(mask)


def largest(values: pl.Series) -> int:
    return int(values.to_numpy().max())


def _phone_cells(corpus: Corpus) -> pl.Series:
    return corpus.leads.get_column(C.PHONE_RAW).drop_nulls()


# --- determinism and the truth ----------------------------------------------------------------------


def test_same_seed_same_frames_other_seed_other_frames() -> None:
    leads, truth = generate_corpus(2000, seed=5)
    again_leads, again_truth = generate_corpus(2000, seed=5)
    assert_frame_equal(leads, again_leads)
    assert_frame_equal(truth, again_truth)
    other, _ = generate_corpus(2000, seed=6)
    assert other.height == leads.height
    assert not other.select(C.COMPANY, C.PHONE_RAW).equals(leads.select(C.COMPANY, C.PHONE_RAW))


def test_lead_table_is_import_shaped(corpus: Corpus) -> None:
    leads = corpus.leads
    assert leads.height == 20_000
    assert leads.columns == list(C.IMPORT_COLUMNS)
    assert all(dtype == pl.String for dtype in leads.dtypes)
    assert leads.get_column(C.LEAD_ID).n_unique() == leads.height
    assert leads.select(pl.struct(KEYS).n_unique()).item() == leads.height
    # Fields a source does not have stay null: only the CRM has a channel, only the directory an INN.
    assert set(leads.filter(pl.col(C.CHANNEL).is_not_null())[C.SOURCE].unique()) == {"crm_old.csv"}
    assert set(leads.filter(pl.col(C.INN).is_not_null())[C.SOURCE].unique()) == {
        "legal_directory.csv"
    }


def test_yandex_and_the_directory_are_the_big_sources(corpus: Corpus) -> None:
    share = corpus.leads.get_column(C.SOURCE).value_counts(normalize=True)
    of = dict(zip(share[C.SOURCE], share["proportion"], strict=True))
    assert of["yandex_maps.csv"] == pytest.approx(0.30, abs=0.01)
    assert of["legal_directory.csv"] == pytest.approx(0.26, abs=0.01)
    assert max(of, key=lambda s: of[s]) == "yandex_maps.csv"
    big_four = ["yandex_maps.csv", "legal_directory.csv", "2gis.csv", "google_maps.csv"]
    assert sorted(of) == sorted([*big_four, "bought_base.txt", "crm_old.csv"])


def test_truth_covers_every_lead_once_with_plausible_entities(corpus: Corpus) -> None:
    truth = corpus.truth
    assert truth.height == corpus.leads.height
    assert truth.get_column(C.LEAD_ID).equals(corpus.leads.get_column(C.LEAD_ID))
    assert truth.get_column("entity_id").null_count() == 0
    sizes = truth.group_by("entity_id").len().get_column("len")
    # About two leads per company: many singletons, many seen in several sources, few huge ones.
    assert 0.35 * truth.height < sizes.len() < 0.75 * truth.height
    assert 0.3 < share(sizes == 1) < 0.6
    assert (sizes >= 3).sum() > 0.1 * sizes.len()
    assert largest(sizes) <= 15


def test_identifiers_carry_valid_check_digits(corpus: Corpus) -> None:
    directory = corpus.leads.join(corpus.planted, on=C.LEAD_ID).filter(
        pl.col(C.SOURCE) == "legal_directory.csv", pl.col(C.INN).is_not_null()
    )
    intact = directory.filter(~pl.col("inn_lost_zero"))
    assert intact.height > 4000
    assert all(stdnum_inn.is_valid(v) for v in intact[C.INN])
    assert set(intact[C.INN].str.len_chars()) == {10, 12}
    # An INN that lost its leading zero in Excel is invalid as written and valid with the zero back.
    lost = directory.filter(pl.col("inn_lost_zero"))
    assert lost.height > 50
    assert not any(stdnum_inn.is_valid(v) for v in lost[C.INN])
    assert all(stdnum_inn.is_valid("0" + v) for v in lost[C.INN])
    ogrn = directory.get_column(C.OGRN)
    assert all(stdnum_ogrn.is_valid(v) for v in ogrn.filter(ogrn.str.len_chars() == 13))
    ogrnip = ogrn.filter(ogrn.str.len_chars() == 15)
    assert ogrnip.len() > 500
    # OGRNIP: (first 14 digits mod 13) mod 10 — python-stdnum leaves out the last `mod 10`.
    assert all(int(v[:14]) % 13 % 10 == int(v[14]) for v in ogrnip)
    entities = corpus.entities.filter(pl.col("inn").is_not_null())
    assert entities.get_column("inn").n_unique() == entities.height


# --- the files --------------------------------------------------------------------------------------


def test_written_exports_import_row_for_row_and_join_the_truth(written: Path) -> None:
    imported = import_leads([str(written / "exports")], load_maps([written / "map.yaml"])).leads
    truth = pl.read_csv(written / "truth.csv", infer_schema=False)
    assert truth.columns == [C.SOURCE, C.SOURCE_SHEET, C.SOURCE_ROW, "entity_id"]
    assert imported.height == truth.height == 3000

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col(C.SOURCE_SHEET).fill_null(""))

    joined = keyed(imported).join(keyed(truth), on=KEYS, how="left", validate="1:1")
    assert joined.get_column("entity_id").null_count() == 0
    # What the import reads is exactly the lead table the generator returns.
    generated = build_corpus(
        3000, seed=4, yandex_xlsx=written.joinpath("exports", "yandex_maps.xlsx").exists()
    ).leads
    fields = [*KEYS, *C.SOURCE_FIELDS]
    assert_frame_equal(
        keyed(imported.select(fields)).sort(KEYS), keyed(generated.select(fields)).sort(KEYS)
    )


def test_exports_are_written_in_their_real_encodings_and_shapes(written: Path) -> None:
    exports = written / "exports"
    two_gis = (exports / "2gis.csv").read_bytes()
    assert two_gis.startswith(codecs.BOM_UTF8)
    bought = (exports / "bought_base.txt").read_bytes()
    assert bought.startswith(codecs.BOM_UTF16_LE)
    assert (
        bought.decode("utf-16").splitlines()[0]
        == "Org\tPhone_main\tPhone_add\tTown\tContact_person"
    )
    for name, header in (
        (
            "legal_directory.csv",
            "Полное наименование;ИНН;ОГРН;Регион;Адрес;Телефон;E-mail;Руководитель",
        ),
        ("crm_old.csv", "Клиент;Тел.;Моб.;Нас. пункт;Менеджер;Канал;Потенциал"),
    ):
        data = (exports / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("cp1251")
        assert text.split("\r\n", 1)[0] == header
        assert re.search(r"\r\n;+\r\n", text), "a blank row of separators only"
    crm = (exports / "crm_old.csv").read_text("cp1251")
    assert any(line.count(";") == 7 for line in crm.splitlines()), "a row with a stray cell"
    if (exports / "yandex_maps.csv").exists():
        yandex = (exports / "yandex_maps.csv").read_text("utf-8")
        assert yandex.startswith('"Название","Адрес","Телефоны","Сайт","Категория","Рейтинг"\n')
        assert re.search(r'"[^"]*\d\n[+0-9][^"]*"', yandex), "numbers on two lines inside one cell"
    map_text = (written / "map.yaml").read_text("utf-8")
    assert "Phone_main" in map_text and "Нас. пункт" in map_text


# --- the phenomena ----------------------------------------------------------------------------------


def test_every_planted_number_is_valid_and_kazakh_toll_free_and_mobile_ones_occur(
    corpus: Corpus,
) -> None:
    numbers = corpus.planted.get_column("numbers").explode().drop_nulls().unique()
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    regions = {phonenumbers.region_code_for_number(phonenumbers.parse(n)) for n in numbers}
    assert {"RU", "KZ"} <= regions
    assert numbers.str.starts_with("+7800").any()
    assert numbers.str.starts_with("+79").any() and numbers.str.starts_with("+7727").any()


def test_phone_cells_come_in_every_shape_with_extensions_junk_and_broken_pieces(
    corpus: Corpus,
) -> None:
    cells = _phone_cells(corpus)
    shapes = {
        k: v for k, v in corpus.stats.items() if k.startswith("phone shape ") and "share" not in k
    }
    assert len(shapes) == 16 and min(shapes.values()) > 50
    for pattern in (
        r"^\d{3} \d{3} \d{2} \d{2}$",  # 495 123 45 67
        r"^\(\d{3}\)\d{3}-\d{2}-\d{2}$",  # (495)123-45-67
        r"^\+7 \d{3} \d{3}-\d{4}$",  # +7 495 123-4567
        r"^8-\d{3}-\d{3}-\d{2}-\d{2}$",  # 8-495-123-45-67
        r"^\+7\(\d{3}\)\d{7}$",  # +7(495)1234567
        r"^84\d{9}$",  # 84951234567
        r"^8 \(\d{4}\) \d{2}-\d{2}-\d{2}$",  # 8 (3812) 12-34-56: four-digit area codes
        r"\d \(доб\. \d+\)",
        r"\d доб\. \d+",
        r"\d вн\. \d+",
        r"\d ext\. \d+",
        r"^8\d{10} \((секретарь|бухгалтерия|отдел продаж)\)",  # 2GIS comments
        r"\d\n[+8(0-9]",  # line break between numbers
        r"(^|, )\d{3}-\d{2}-\d{2}$",  # a number without its area code
    ):
        assert cells.str.contains(pattern).any(), pattern
    for junk in ("нет", "-", "уточняйте"):
        assert (cells == junk).any(), junk
    assert corpus.stats["phone junk cell"] > 100
    assert corpus.stats["phone broken piece"] > 100


def test_hub_numbers_are_shared_by_many_companies(corpus: Corpus) -> None:
    by_number = (
        corpus.planted.select("entity_id", "numbers")
        .explode("numbers")
        .drop_nulls()
        .group_by("numbers")
        .agg(pl.col("entity_id").n_unique().alias("companies"))
    )
    hubs = by_number.filter(pl.col("companies") >= 5)
    assert hubs.height >= 10
    assert largest(hubs.get_column("companies")) <= 40
    # Everything else is one company's number (stale bought-base numbers aside: two companies).
    assert share(by_number.get_column("companies") <= 2) > 0.99


def test_stale_numbers_now_belong_to_another_company(corpus: Corpus) -> None:
    numbers = corpus.planted.select("entity_id", "numbers", "stale").explode("numbers").drop_nulls()
    owners = (
        numbers.filter(~pl.col("stale"))
        .group_by("numbers")
        .agg(pl.col("entity_id").alias("owners"))
    )
    stale = numbers.filter(pl.col("stale")).join(owners, on="numbers")
    assert stale.height > 50
    assert (
        share(stale.select(~pl.col("owners").list.contains(pl.col("entity_id"))).to_series()) > 0.9
    )


def test_many_companies_have_records_that_share_no_number(corpus: Corpus) -> None:
    stats = corpus.stats
    apart = stats["multi-record companies whose records share no number"]
    assert 0.1 * stats["multi-record companies"] < apart < 0.6 * stats["multi-record companies"]
    # Bought-base and CRM rows carry numbers nobody else has.
    own = (
        corpus.planted.filter(pl.col("source_key").is_in(["bought", "crm"]))
        .select("lead_id", "numbers")
        .explode("numbers")
        .drop_nulls()
    )
    seen_elsewhere = (
        corpus.planted.filter(~pl.col("source_key").is_in(["bought", "crm"]))["numbers"]
        .explode()
        .drop_nulls()
    )
    assert share(~own.get_column("numbers").is_in(seen_elsewhere.implode())) > 0.3


def test_namesakes_recur_in_one_city_and_rare_names_do_not(corpus: Corpus) -> None:
    shown = corpus.entities.join(corpus.truth.select("entity_id").unique(), on="entity_id")
    per_city = shown.group_by("name_class", "core", "city").len()
    common = per_city.filter(pl.col("name_class") == "common")
    assert common.filter(pl.col("len") >= 5).height >= 3
    moscow_vector = common.filter((pl.col("core") == "Вектор") & (pl.col("city") == 0))
    assert moscow_vector.get_column("len").item() >= 5
    assert largest(per_city.filter(pl.col("name_class") == "rare").get_column("len")) == 1


def test_names_are_written_every_way(corpus: Corpus) -> None:
    company = corpus.leads.get_column(C.COMPANY).drop_nulls()
    for pattern in (
        r"^Общество с ограниченной ответственностью [«\"„“']",
        r"^ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ ",
        r"^Индивидуальный предприниматель [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+$",
        r"^ИП [А-ЯЁ][а-яё]+ [А-ЯЁ]\. ?[А-ЯЁ]\.$",
        r"^ООО «[^»]+»$",
        r"^ООО „[^“]+“$",
        r", ООО$",
        r"^ТОО ",
        r"^OOO ",  # Latin letters
        r"[А-Яа-яЁё][AaBCEeHKMOoPpTXxy]|[AaBCEeHKMOoPpTXxy][а-яё]",  # a Latin look-alike inside a word
        r"^ООО \"Торговый дом \"[^\"]+\"\"$",  # inner quotes
        r"ё",
        r", [а-я]+$",  # 2GIS: `Колосок, пекарня`
    ):
        assert company.str.contains(pattern).any(), pattern
    stats = corpus.stats
    assert stats["name typo"] > 300 and stats["name caps"] > 1000 and stats["name latin"] > 100


def test_shop_signs_and_legal_names_are_one_company_and_chain_branches_are_not(
    corpus: Corpus,
) -> None:
    leads = corpus.leads.join(corpus.truth, on=C.LEAD_ID)
    signs = corpus.entities.filter(
        pl.col("sign").is_not_null() & (pl.col("sign") != pl.col("core"))
    )
    shown = leads.join(signs.select("entity_id", "sign", "core"), on="entity_id")
    on_maps = shown.filter(pl.col(C.COMPANY) == pl.col("sign")).get_column("entity_id")
    in_directory = shown.filter(pl.col(C.SOURCE) == "legal_directory.csv").get_column("entity_id")
    assert on_maps.is_in(in_directory.implode()).sum() > 100
    branches = corpus.entities.filter(pl.col("chain") >= 0, pl.col("inn").is_not_null())
    per_chain = branches.group_by("chain").agg(
        pl.col("domain").n_unique().alias("domains"),
        pl.col("inn").n_unique().alias("inns"),
        pl.len(),
    )
    assert per_chain.filter(pl.col("len") >= 2).height > 10
    assert (per_chain.get_column("domains") == 1).all()
    assert (per_chain.get_column("inns") == per_chain.get_column("len")).all()
    others = corpus.entities.filter(pl.col("chain") < 0).get_column("domain").drop_nulls()
    assert others.n_unique() == others.len(), "outside chains no two companies share a site"


def test_cities_and_money_are_written_like_people_write_them(corpus: Corpus) -> None:
    leads = corpus.leads
    city = leads.get_column(C.CITY).drop_nulls()
    for written_city in (
        "Мск",
        "СПб",
        "Питер",
        "г. Москва",
        "МОСКВА",
        "Самарская область",
        "Алматы",
    ):
        assert (city == written_city).any(), written_city
    yandex = leads.filter(pl.col(C.SOURCE) == "yandex_maps.csv")
    assert yandex.get_column(C.CITY).null_count() == yandex.height  # only inside the address
    assert yandex.get_column(C.ADDRESS).str.contains(r"^Москва, ").any()
    assert yandex.get_column(C.ADDRESS).str.contains(r", Москва$").any()
    potential = leads.get_column(C.POTENTIAL).drop_nulls()
    assert potential.str.contains("\u00a0").any()
    assert potential.str.contains(r"^\d{1,3}( \d{3})+ руб\.$").any()
    assert potential.str.contains(r",\d\d$").any()
    assert set(leads.get_column(C.CHANNEL).drop_nulls()) >= {"опт", "розница", "b2b"}
