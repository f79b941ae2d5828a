"""Deduplication on small hand-built cleaned lead tables."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest

from leadkit import columns as C
from leadkit.dedupe import DEFAULT_THRESHOLD, dedupe_leads
from leadkit.errors import LeadkitError

TEXT_COLUMNS = [
    C.LEAD_ID,
    C.SOURCE,
    C.COMPANY,
    C.PHONE_RAW,
    C.EMAIL,
    C.CITY,
    C.ADDRESS,
    C.INN,
    C.CONTACT,
    C.COMPANY_KEY,
    C.INN_VALID,
    C.DOMAIN,
    C.PHONE_INVALID,
]


def leads(*rows: dict[str, Any], extra: tuple[str, ...] = ()) -> pl.DataFrame:
    """A cleaned lead table: every column a string, phones a list, missing values null."""
    schema: dict[str, pl.DataType] = {c: pl.String() for c in (*TEXT_COLUMNS, *extra)}
    schema[C.PHONES] = pl.List(pl.String())
    data = [{c: row.get(c) for c in schema} for row in rows]
    return pl.DataFrame(data, schema=schema)


def lead(lead_id: str, company: str, key: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {C.LEAD_ID: lead_id, C.COMPANY: company, C.COMPANY_KEY: key}
    phones = fields.pop("phones", None)
    row[C.PHONES] = phones
    row.update(fields)
    return row


def cluster_of(result: Any) -> dict[str, str]:
    frame = result.clusters
    return dict(zip(frame[C.LEAD_ID], frame[C.CLUSTER_ID], strict=True))


def reason_of(result: Any) -> dict[str, str]:
    frame = result.clusters
    return dict(zip(frame[C.LEAD_ID], frame[C.MATCH_REASON], strict=True))


def test_same_valid_inn_merges_across_names_and_cities() -> None:
    df = leads(
        lead("a1", "ООО «Ромашка»", "ромашка", city="Москва", inn="7707083893", inn_valid="true"),
        lead(
            "a2",
            "Ромашка Трейд",
            "ромашка трейд",
            city="Казань",
            inn="7707083893",
            inn_valid="true",
        ),
    )
    result = dedupe_leads(df)
    assert cluster_of(result) == {"a1": "a1", "a2": "a1"}
    assert reason_of(result) == {"a1": "seed", "a2": "inn"}


def test_invalid_inn_is_not_evidence() -> None:
    df = leads(
        lead("a1", "Альфа", "альфа", city="Москва", inn="1234567890", inn_valid="false"),
        lead("a2", "Бета", "бета", city="Тула", inn="1234567890", inn_valid="false"),
    )
    assert cluster_of(dedupe_leads(df)) == {"a1": "a1", "a2": "a2"}


def test_two_valid_inns_never_merge_even_with_same_name_and_phone() -> None:
    phone = ["+74951234567"]
    df = leads(
        lead(
            "b1",
            'ООО "Вектор"',
            "вектор",
            city="Москва",
            phones=phone,
            inn="7707083893",
            inn_valid="true",
        ),
        lead(
            "b2",
            'ООО "Вектор"',
            "вектор",
            city="Москва",
            phones=phone,
            inn="7736050003",
            inn_valid="true",
        ),
    )
    result = dedupe_leads(df)
    assert cluster_of(result) == {"b1": "b1", "b2": "b2"}
    assert result.merged.height == 2


def test_hub_phone_of_a_business_centre_does_not_merge_five_firms() -> None:
    reception = ["+74959876543"]
    names = ["Альфа", "Бета Строй", "Гамма Логистик", "Дельта Консалт", "Омега Принт"]
    df = leads(
        *(
            lead(f"h{i}", f"ООО {name}", name.lower(), city="Москва", phones=reception)
            for i, name in enumerate(names)
        )
    )
    result = dedupe_leads(df)
    assert set(cluster_of(result).values()) == {f"h{i}" for i in range(5)}
    assert set(result.clusters[C.MATCH_REASON]) == {"single"}


def test_same_key_same_city_merges() -> None:
    df = leads(
        lead("k1", "ООО «Ромашка»", "ромашка", city="Москва"),
        lead("k2", "Ромашка", "ромашка", city="Москва", email="info@romashka.ru"),
    )
    result = dedupe_leads(df)
    assert cluster_of(result) == {"k1": "k1", "k2": "k1"}
    assert reason_of(result)["k2"] == 'name "ромашка" (no other firm in Москва) +3.7 = 3.7'


def test_same_key_in_different_cities_stays_apart() -> None:
    df = leads(
        lead("k1", "ООО «Ромашка»", "ромашка", city="Москва"),
        lead("k2", "ИП «Ромашка»", "ромашка", city="Новосибирск"),
    )
    assert cluster_of(dedupe_leads(df)) == {"k1": "k1", "k2": "k2"}


def test_same_name_same_city_but_different_phones_and_addresses_are_two_firms() -> None:
    df = leads(
        lead(
            "s1",
            "Аптека",
            "аптека",
            city="Москва",
            address="ул. Ленина, д. 5",
            phones=["+74951111111"],
        ),
        lead(
            "s2",
            "Аптека",
            "аптека",
            city="Москва",
            address="Тверская ул., 12",
            phones=["+74952222222"],
        ),
    )
    assert cluster_of(dedupe_leads(df)) == {"s1": "s1", "s2": "s2"}


def test_fuzzy_name_and_same_phone_merge_with_reason() -> None:
    df = leads(
        lead(
            "f1",
            "ООО «Стройматериалы Плюс»",
            "стройматериалы плюс",
            city="Москва",
            phones=["+74951234567"],
        ),
        lead(
            "f2",
            "Строй-материалы плюс",
            "строй материалы плюс",
            city="Москва",
            phones=["+74951234567"],
        ),
    )
    result = dedupe_leads(df)
    assert cluster_of(result)["f2"] == "f1"
    reason = reason_of(result)["f2"]
    assert reason.startswith("phone +74951234567 + name ")
    assert int(reason.rsplit(" ", 1)[1]) >= 60


def test_phone_alone_with_unrelated_names_does_not_merge() -> None:
    # A number a bought base still carries, now used by another firm.
    df = leads(
        lead(
            "p1", "Автосервис Колесо", "автосервис колесо", city="Москва", phones=["+74951234567"]
        ),
        lead(
            "p2", "Кондитерская Вишня", "кондитерская вишня", city="Москва", phones=["+74951234567"]
        ),
    )
    assert cluster_of(dedupe_leads(df)) == {"p1": "p1", "p2": "p2"}


def test_chain_guard_keeps_conflicting_inns_apart() -> None:
    # c2 matches c1 by phone and c3 by name + city, but c1 and c3 have different valid INNs.
    df = leads(
        lead(
            "c1",
            'ООО "Север"',
            "север",
            city="Москва",
            phones=["+74951234567"],
            inn="7707083893",
            inn_valid="true",
        ),
        lead("c2", "Север", "север", city="Москва", phones=["+74951234567"]),
        lead("c3", 'АО "Север"', "север", city="Москва", inn="7736050003", inn_valid="true"),
    )
    result = dedupe_leads(df)
    clusters = cluster_of(result)
    assert clusters["c1"] != clusters["c3"]
    assert clusters["c2"] in {clusters["c1"], clusters["c3"]}
    assert result.merged.height == 2


def test_not_duplicates_are_respected() -> None:
    df = leads(
        lead("n1", "ООО «Ромашка»", "ромашка", city="Москва"),
        lead("n2", "Ромашка", "ромашка", city="Москва"),
        lead("n3", "Ромашка", "ромашка", city="Москва"),
    )
    marks = pl.DataFrame({"lead_id_a": ["n3"], "lead_id_b": ["n1"]})
    clusters = cluster_of(dedupe_leads(df, not_duplicates=marks))
    assert clusters["n1"] != clusters["n3"]
    assert cluster_of(dedupe_leads(df))["n3"] == "n1"


def test_not_duplicates_needs_its_columns() -> None:
    df = leads(lead("n1", "Ромашка", "ромашка"))
    with pytest.raises(LeadkitError, match="lead_id_a"):
        dedupe_leads(df, not_duplicates=pl.DataFrame({"a": ["n1"], "b": ["n2"]}))


def test_duplicate_lead_ids_are_an_input_error() -> None:
    df = leads(lead("x", "Ромашка", "ромашка"), lead("x", "Вектор", "вектор"))
    with pytest.raises(LeadkitError, match="more than once"):
        dedupe_leads(df)


MIXED = [
    lead("m07", "ООО «Ромашка»", "ромашка", city="Москва", phones=["+74951234567"]),
    lead(
        "m03", "Ромашка", "ромашка", city="Москва", email="info@romashka.ru", domain="romashka.ru"
    ),
    lead("m11", "Ромашка Москва", "ромашка москва", city="Москва", domain="romashka.ru"),
    lead("m01", "Вектор", "вектор", city="Тула", phones=["+74872123456"]),
    lead("m05", 'ЗАО "Вектор"', "вектор", city="Тула", phones=["+74872123456", "+79101234567"]),
    lead("m09", "Сфера", "сфера", city="Казань", inn="7707083893", inn_valid="true"),
    lead("m02", "Сфера Групп", "сфера групп", city="Казань", inn="7707083893", inn_valid="true"),
    lead("m04", "Одиночка", "одиночка", city="Пермь"),
]


def test_cluster_ids_do_not_depend_on_row_order() -> None:
    base = leads(*MIXED)
    expected = cluster_of(dedupe_leads(base))
    assert expected["m07"] == expected["m03"] == expected["m11"] == "m03"
    assert expected["m01"] == expected["m05"] == "m01"
    assert expected["m09"] == expected["m02"] == "m02"
    rng = random.Random(7)
    for _ in range(5):
        order = list(range(base.height))
        rng.shuffle(order)
        shuffled = base[order]
        result = dedupe_leads(shuffled)
        assert cluster_of(result) == expected
        # Input order is kept in the cluster file.
        assert result.clusters[C.LEAD_ID].to_list() == shuffled[C.LEAD_ID].to_list()


def test_every_record_appears_once_and_reasons_are_set() -> None:
    base = leads(*MIXED)
    result = dedupe_leads(base)
    assert sorted(result.clusters[C.LEAD_ID]) == sorted(base[C.LEAD_ID])
    assert result.clusters.height == base.height
    sizes = result.clusters.group_by(C.CLUSTER_ID).agg(pl.len(), pl.col(C.CLUSTER_SIZE).first())
    assert all(str(n) == s for n, s in sizes.select("len", C.CLUSTER_SIZE).iter_rows())
    reasons = reason_of(result)
    assert reasons["m04"] == "single"
    assert reasons["m03"] == "seed"
    assert reasons["m11"] == "domain romashka.ru"
    assert result.merged.height == result.clusters[C.CLUSTER_ID].n_unique() == 4


def test_merged_row_is_lossless() -> None:
    df = leads(
        lead(
            "L2",
            "ООО «Ромашка»",
            "ромашка",
            legal_form="ООО",
            source="2gis.csv",
            city="Москва",
            address="ул. Ленина, д. 5",
            phones=["+74951234567"],
            phone_raw="8 (495) 123-45-67",
            email="info@romashka.ru",
            contact="Иванова А.",
            rubric="Цветы",
        ),
        lead(
            "L1",
            "Ромашка",
            "ромашка",
            source="crm_legacy.csv",
            city="Москва",
            phones=["+79161234567", "+74951234567"],
            phone_raw="8-916-123-45-67; +7 495 123 45 67",
            phone_invalid="123-45",
            email="sale@romashka.ru; info@romashka.ru",
            inn="7707083893",
            inn_valid="true",
            contact="Петров Б.",
            rubric="Флористика",
        ),
        extra=("rubric", C.LEGAL_FORM),
    )
    result = dedupe_leads(df)
    assert result.merged.height == 1
    row = result.merged.row(0, named=True)
    assert row[C.CLUSTER_ID] == row[C.LEAD_ID] == "L1"
    assert row[C.LEAD_IDS] == "L2; L1"
    assert row[C.CLUSTER_SIZE] == "2"
    assert row[C.PHONES] == ["+74951234567", "+79161234567"]
    assert row[C.PHONE] == "+74951234567"
    assert row[C.EMAIL] == "info@romashka.ru; sale@romashka.ru"
    assert row[C.PHONE_INVALID] == "123-45"
    assert row[C.CONTACT] == "Иванова А.; Петров Б."
    assert row["rubric"] == "Цветы; Флористика"
    assert row[C.SOURCE] == "2gis.csv; crm_legacy.csv"
    assert row[C.INN] == "7707083893"
    assert row[C.INN_VALID] == "true"
    # One name (key) for both: the record that carries a legal form wins, key and form kept together.
    assert (row[C.COMPANY], row[C.LEGAL_FORM]) == ("ООО «Ромашка»", "ООО")
    assert row[C.ADDRESS] == "ул. Ленина, д. 5"
    canonical = [c for c in C.CANONICAL_ORDER if c in result.merged.columns]
    assert result.merged.columns[: len(canonical)] == canonical
    assert result.merged.columns[-1] == "rubric"


def test_a_wide_table_merges_every_unread_column() -> None:
    """Exports with hundreds of columns dedupe never reads: each merged row carries every column's
    distinct non-blank values in record order; a blank cell is nothing, a number becomes its text."""
    width = 300
    rows = [
        lead("A1", "ООО «Вектор»", "вектор", city="Казань", phones=["+78432001122"]),
        lead("A2", "Вектор", "вектор", city="Казань", phones=["+78432001122"]),
        lead("B1", "ИП Смирнов", "смирнов", city="Омск", phones=["+73812334455"]),
    ]
    df = leads(*rows).with_columns(
        *(pl.Series(f"col{j}", [f"a{j}", " ", f"b{j}"]) for j in range(width)),
        pl.Series("visits", [3, 3, 7]),
    )
    merged = dedupe_leads(df).merged
    assert merged.height == 2
    vector = merged.filter(pl.col(C.CLUSTER_ID) == "A1").row(0, named=True)
    single = merged.filter(pl.col(C.CLUSTER_ID) == "B1").row(0, named=True)
    for j in range(width):
        assert vector[f"col{j}"] == f"a{j}"
        assert single[f"col{j}"] == f"b{j}"
    assert (vector["visits"], single["visits"]) == ("3", "7")
    assert merged.columns[-1] == "visits"


def test_most_frequent_value_wins_then_earliest() -> None:
    df = leads(
        lead("r1", "Ромашка", "ромашка", city="Москва", address="Ленина 5"),
        lead("r2", "Ромашка", "ромашка", city="Москва", address="ул. Ленина, 5"),
        lead("r3", "Ромашка", "ромашка", city="Москва", address="ул. Ленина, 5"),
    )
    row = dedupe_leads(df).merged.row(0, named=True)
    assert row[C.ADDRESS] == "ул. Ленина, 5"


def test_weak_clusters_go_to_review() -> None:
    # Similar names in one city with nothing else: merged, but a person should look.
    df = leads(
        lead("w1", "Стоматология Улыбка", "стоматология улыбка", city="Самара"),
        lead("w2", "Стоматология Улыбка+", "стоматология улыбка плюс", city="Самара"),
        lead("w3", "Вектор", "вектор", city="Самара", inn="7707083893", inn_valid="true"),
        lead("w4", "Вектор", "вектор", city="Самара", inn="7707083893", inn_valid="true"),
    )
    result = dedupe_leads(df, threshold=80)
    assert cluster_of(result)["w2"] == "w1"
    assert reason_of(result)["w2"] == "name 88 (no other firm in Самара) +0.9 = 0.9"
    assert sorted(result.review[C.LEAD_ID]) == ["w1", "w2"]
    # A stricter threshold keeps them apart.
    assert cluster_of(dedupe_leads(df, threshold=99))["w2"] == "w2"


def test_missing_columns_are_treated_as_empty() -> None:
    df = pl.DataFrame(
        {C.LEAD_ID: ["1", "2", "3"], C.COMPANY_KEY: ["ромашка", "ромашка", "вектор"]},
        schema={C.LEAD_ID: pl.String, C.COMPANY_KEY: pl.String},
    )
    result = dedupe_leads(df)
    assert cluster_of(result) == {"1": "1", "2": "1", "3": "3"}
    assert reason_of(result)["2"] == 'name "ромашка" (no other firm) +3.8 = 3.8'
    assert set(result.merged.columns) == {
        C.LEAD_ID,
        C.COMPANY_KEY,
        C.CLUSTER_ID,
        C.CLUSTER_SIZE,
        C.LEAD_IDS,
    }


def test_default_threshold_is_a_similarity() -> None:
    assert 0 < DEFAULT_THRESHOLD <= 100
    with pytest.raises(LeadkitError, match="threshold must be from 0 to 100, not 101"):
        dedupe_leads(leads(lead("1", "А", "а")), threshold=101)


def test_city_is_read_from_the_address_when_the_cell_is_empty() -> None:
    # A map export writes the city only inside the address.
    df = leads(
        lead("g1", "Ромашка", "ромашка", city="Екатеринбург", address="ул. Толстого, 18"),
        lead("g2", "Ромашка", "ромашка", address="Толстого ул., 18, Екатеринбург, 620848"),
        lead("g3", "Ромашка", "ромашка", city="Казань", address="ул. Баумана, 3"),
        lead("g4", "Ромашка", "ромашка", address="Баумана ул., 3, Казань, 420111"),
    )
    result = dedupe_leads(df)
    assert cluster_of(result) == {"g1": "g1", "g2": "g1", "g3": "g3", "g4": "g3"}
    assert reason_of(result)["g2"] == (
        'name "ромашка" (no other firm in Екатеринбург) +2.7, address +1.7 = 4.4'
    )


def test_city_aliases_and_region_cells() -> None:
    df = leads(
        lead("a1", "ООО «Вектор»", "вектор", city="Санкт-Петербург"),
        lead("a2", "Вектор", "вектор", city="Питер"),
        lead("a3", "Альфа", "альфа", city="Мск"),
        lead("a4", "Альфа", "альфа", city="г. Москва"),
        # A directory's region cell is no city; the address names it.
        lead(
            "a5",
            'ООО "Бета"',
            "бета",
            city="Свердловская область",
            address="620064, г. Екатеринбург, ул. Промышленная, д. 12",
        ),
        lead("a6", "Бета", "бета", city="Екатеринбург", address="Промышленная улица, 12"),
    )
    clusters = cluster_of(dedupe_leads(df))
    assert clusters["a2"] == "a1"
    assert clusters["a4"] == "a3"
    assert clusters["a6"] == "a5"


#: "Амур" shops, each firm with its own number: a name many firms carry, in Moscow and elsewhere.
AMUR = [
    *(
        lead(f"u{i}", name, "амур", city="Москва", phones=[f"+749511111{i}{i}"])
        for i, name in enumerate(["Амур", "ООО Амур", "Амур", "Амур"], start=1)
    ),
    *(
        lead(f"x{i}", "Амур", "амур", city=city, phones=[f"+7843111111{i}"])
        for i, city in enumerate(["Казань", "Самара", "Тула", "Омск", "Уфа", "Пермь"])
    ),
]


def test_a_name_many_firms_carry_with_different_phones_stays_apart() -> None:
    result = dedupe_leads(leads(*AMUR))
    assert result.merged.height == len(AMUR)


def test_a_name_only_one_city_knows_merges_its_components() -> None:
    # Three components of one firm: a map's number, a bought base's old line, a CRM manager's mobile.
    df = leads(
        lead("m1", "Монблан-Терминал", "монблан терминал", city="Воронеж", phones=["+74735211098"]),
        lead("m2", "Монблан-Терминал", "монблан терминал", city="Воронеж", phones=["+74735211098"]),
        lead("m3", "МОНБЛАН-ТЕРМИНАЛ", "монблан терминал", city="Воронеж", phones=["+79605263310"]),
        lead("m4", "Монблан-Терминал", "монблан терминал", city="Воронеж", phones=["+79191478114"]),
        *AMUR,
    )
    assert len({c for k, c in cluster_of(dedupe_leads(df)).items() if k.startswith("m")}) == 1


def test_a_name_no_other_firm_in_the_city_carries_merges_despite_different_phones() -> None:
    # A bought base carries the firm's old office line: the number differs, the name is its own.
    df = leads(
        lead("v1", "ООО «Альфа-Строй Поволжье»", "альфа строй поволжье", city="Самара",
             phones=["+78462123456"]),
        lead("v2", "Альфа-Строй Поволжье", "альфа строй поволжье", city="Самара",
             phones=["+79277001122"]),
        lead("v3", "Альфа-Стой Поволжье", "альфа стой поволжье", city="Самара",
             phones=["+78007001234"]),
        lead("v4", "Вектор", "вектор", city="Самара", phones=["+78462000001"]),
    )  # fmt: skip
    result = dedupe_leads(df)
    assert cluster_of(result) == {"v1": "v1", "v2": "v1", "v3": "v1", "v4": "v4"}
    # the typo: one letter dropped from a long name that no other firm in the city carries
    assert (
        reason_of(result)["v3"]
        == "name 97 (no other firm in Самара) +4.5, phones differ −1.7 = 2.8"
    )
    assert set(result.review.get_column(C.LEAD_ID)) == {"v1", "v2", "v3"}  # near the threshold
    exact = dedupe_leads(df.filter(pl.col(C.LEAD_ID) != "v3"))
    assert reason_of(exact)["v2"] == (
        'name "альфа строй поволжье" (no other firm in Самара) +3.7, phones differ −1.7 = 2.0'
    )


def test_namesakes_do_not_chain_through_a_record_without_phone() -> None:
    # u0 has no phone, so it may be any "Амур"; it must not join two of them into one.
    df = leads(lead("u0", "амур", "амур", city="Москва"), *AMUR)
    clusters = cluster_of(dedupe_leads(df))
    assert len({clusters[f"u{i}"] for i in range(1, 5)}) == 4


def test_same_name_without_city_at_two_addresses_stays_apart() -> None:
    df = leads(
        lead("h1", "Кофе Хаус", "кофе хаус", address="ул. Ленина, 5", phones=["+74951234567"]),
        lead("h2", "Кофе Хаус", "кофе хаус", address="ул. Мира, 17", phones=["+74951234567"]),
        lead("h3", "Кофе Хаус", "кофе хаус", address="пр. Мира, 17"),
        lead("h4", "Кофе Хаус", "кофе хаус", address="ул. Гагарина, 40"),
    )
    clusters = cluster_of(dedupe_leads(df))
    # A shared number with the same name is one firm (a chain's switchboard) ...
    assert clusters["h2"] == "h1"
    # ... the same name at the same house too ...
    assert clusters["h3"] == "h1"
    # ... but the same name alone, at another house, is not.
    assert clusters["h4"] == "h4"


def test_similar_sole_trader_names_are_two_people() -> None:
    df = leads(
        lead("i1", "ИП Иванов Иван Иванович", "иванов иван иванович", city="Тула", legal_form="ИП"),
        lead("i2", "ИП Иванов Иван Ильич", "иванов иван ильич", city="Тула", legal_form="ИП"),
        lead(
            "i3", "Иванов Иван Иванович, ИП", "иванов иван иванович", city="Тула", legal_form="ИП"
        ),
        extra=(C.LEGAL_FORM,),
    )
    clusters = cluster_of(dedupe_leads(df, threshold=80))
    assert clusters["i2"] == "i2"
    assert clusters["i3"] == "i1"


def test_registered_name_and_shop_sign_at_one_number_and_address_merge_for_review() -> None:
    df = leads(
        lead(
            "r1",
            'Общество с ограниченной ответственностью "Исток-Строй"',
            "исток строй",
            city="Новосибирская область",
            address="г Новосибирск, ул Солнечная, д 123",
            phones=["+79996628136"],
            inn="5432400365",
            inn_valid="true",
        ),
        lead(
            "r2",
            "ВолгаМаш-62",
            "волгамаш 62",
            city="Новосибирск",
            address="Солнечная улица, 123",
            phones=["+79996628136"],
        ),
    )
    result = dedupe_leads(df)
    assert cluster_of(result)["r2"] == "r1"
    assert reason_of(result)["r2"] == "phone +79996628136 + address + registered name"
    assert sorted(result.review[C.LEAD_ID]) == ["r1", "r2"]


def test_two_names_at_one_number_and_address_without_registry_stay_apart() -> None:
    # Two restaurants of one hotel: the hotel's number, the hotel's address.
    df = leads(
        lead(
            "t1",
            "Белуга",
            "белуга",
            city="Москва",
            address="ул. Моховая, 15",
            phones=["+74955555555"],
        ),
        lead(
            "t2",
            "Кафе Пушкинъ",
            "кафе пушкинъ",
            city="Москва",
            address="Моховая ул., 15",
            phones=["+74955555555"],
        ),
    )
    assert cluster_of(dedupe_leads(df)) == {"t1": "t1", "t2": "t2"}


def test_a_shared_reception_number_is_no_difference() -> None:
    # All five firms list the business centre's number; two of them are one firm listed twice.
    reception = "+74959876543"
    names = ["Альфа", "Бета Строй", "Гамма Логистик", "Дельта Консалт"]
    df = leads(
        *(
            lead(f"b{i}", name, name.lower(), city="Москва", phones=[reception, f"+7495111111{i}"])
            for i, name in enumerate(names)
        ),
        lead("b9", "ООО «Альфа»", "альфа", city="Москва", phones=[reception]),
    )
    result = dedupe_leads(df)
    assert cluster_of(result)["b9"] == "b0"
    # the reception's number is neither evidence nor a difference: the name decides
    assert reason_of(result)["b9"] == 'name "альфа" (no other firm in Москва) +3.7 = 3.7'
    assert result.merged.height == 4


def test_input_read_in_pieces_gives_the_same_result() -> None:
    # A Parquet file reads in pieces: the cluster file keeps them, and nothing else changes.
    base = leads(*MIXED)
    pieces = pl.concat([base.slice(0, 4), base.slice(4, 3), base.slice(7)], rechunk=False)
    assert pieces.n_chunks() == 3
    whole = dedupe_leads(base)
    split = dedupe_leads(pieces)
    assert split.clusters.equals(whole.clusters)
    assert split.merged.equals(whole.merged)
    assert split.review.equals(whole.review)
    assert split.clusters.get_column(C.LEAD_ID).n_chunks() == 3


def test_garbage_collector_is_left_as_found() -> None:
    import gc

    base = leads(*MIXED)
    assert gc.isenabled()
    dedupe_leads(base)
    assert gc.isenabled()
    gc.disable()
    try:
        dedupe_leads(base)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_merged_row_takes_each_field_from_its_own_winner() -> None:
    df = leads(
        lead(
            "w1",
            "ООО «Ромашка»",
            "ромашка",
            city="Москва",
            inn="7707083894",
            inn_valid="false",
            address="ул. Ленина, 5",
            phones=["+74951234567"],
        ),
        lead(
            "w2",
            "Ромашка",
            "ромашка",
            city="москва",
            inn="7736207543",
            inn_valid="true",
            address=None,
            phones=["+74951234567"],
        ),
        lead(
            "w3",
            "Ромашка",
            "ромашка",
            city="Москва",
            inn=None,
            address="Ленина 5",
            phones=["+74951234567"],
        ),
    )
    result = dedupe_leads(df)
    assert result.merged.height == 1
    row = result.merged.row(0, named=True)
    # A valid INN wins over a more frequent or earlier one, and brings its own flag.
    assert (row[C.INN], row[C.INN_VALID]) == ("7736207543", "true")
    # Frequency, then length: "Ромашка" twice beats "ООО «Ромашка»" once; "Москва" twice.
    assert row[C.COMPANY] == "Ромашка"
    assert row[C.CITY] == "Москва"
    # Tied once each: the longer address wins.
    assert row[C.ADDRESS] == "ул. Ленина, 5"
    assert row[C.LEAD_IDS] == "w1; w2; w3"


def test_merged_city_is_a_place_rather_than_a_region() -> None:
    df = leads(
        lead(
            "t1",
            "ООО «Татнефтесервис»",
            "татнефтесервис",
            city="Казань",
            domain="tatns.ru",
            phones=["+78432310001"],
        ),
        lead(
            "t2",
            'Акционерное общество "Татнефтесервис"',
            "татнефтесервис",
            city="Республика Татарстан",
            domain="tatns.ru",
        ),
    )
    result = dedupe_leads(df)
    assert result.merged.height == 1
    # equally frequent, and the region is longer: still the city wins
    assert result.merged.row(0, named=True)[C.CITY] == "Казань"


def test_sole_traders_at_one_family_phone_are_two_people_unless_a_typo_apart() -> None:
    df = leads(
        lead("s1", "ИП Иванов Иван Иванович", "иванов иван иванович", legal_form="ИП",
             city="Москва", phones=["+79160000001"]),
        lead("s2", "ИП Иванов Иван Ильич", "иванов иван ильич", legal_form="ИП",
             city="Москва", phones=["+79160000001"]),
        lead("s3", "ИП Иванов Иван Иванович", "иванов иван иванвич", legal_form="ИП",
             city="Москва", phones=["+79160000001"]),
        extra=(C.LEGAL_FORM,),
    )  # fmt: skip
    clusters = cluster_of(dedupe_leads(df))
    assert clusters["s1"] != clusters["s2"]
    assert clusters["s1"] == clusters["s3"]  # a typo in the patronymic: the same person


def test_names_that_differ_in_a_number_are_two_places() -> None:
    df = leads(
        lead("n1", "Аптека № 5", "аптека 5", city="Тула", phones=["+74872111111"]),
        lead("n2", "Аптека № 12", "аптека 12", city="Тула"),
        lead("n3", "Аптека №5", "аптека 5", city="Тула"),
    )
    clusters = cluster_of(dedupe_leads(df))
    assert clusters == {"n1": "n1", "n2": "n2", "n3": "n1"}


def test_a_typo_in_a_short_name_is_another_name() -> None:
    # "Вектор" and "Вектра" are one letter apart, and two different names.
    df = leads(
        lead("t1", "Вектор", "вектор", city="Тула", phones=["+74872111111"]),
        lead("t2", "Вектра", "вектра", city="Тула", phones=["+74872222222"]),
    )
    assert cluster_of(dedupe_leads(df)) == {"t1": "t1", "t2": "t2"}


def test_a_big_table_is_merged_a_part_of_its_clusters_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from leadkit.dedupe import merge
    from leadkit.normalize import clean_leads
    from leadkit.testing.generate import generate_leads

    leads, _ = generate_leads(3000, seed=3)
    clusters = dedupe_leads(clean_leads(leads).leads).clusters
    whole = merge.merge_clusters(clusters)
    monkeypatch.setattr(merge, "PART_ROWS", 700)
    in_parts = merge.merge_clusters(clusters)
    assert in_parts.equals(whole)
    assert whole.height < clusters.height  # there were clusters to merge
