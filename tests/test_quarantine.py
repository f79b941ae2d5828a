"""The quarantine and re-check steps: where every lead and every number ends up, and the store's format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadkit
from leadkit.errors import LeadkitError
from leadkit.quarantine import quarantine_leads, recheck_store
from leadkit.quarantine.calls import DialResults, read_checker_output
from leadkit.quarantine.recheck import store_summary
from leadkit.quarantine.schedule import add_span, parse_span
from leadkit.quarantine.store import STORE_COLUMNS, read_store, render_store

DAY = dt.date(2026, 8, 31)
_LIST = pl.List(pl.String)


def leads_table(rows: list[tuple[str, list[str], str | None]], **extra: list[str]) -> pl.DataFrame:
    """Cleaned leads: (lead_id, phones, phone_invalid), Cyrillic names, the usual columns."""
    return pl.DataFrame(
        {
            "lead_id": [r[0] for r in rows],
            "company": [f"ООО «Фирма {r[0][-2:]}»" for r in rows],
            "phone_raw": ["; ".join(r[1]) for r in rows],
            "phones": [r[1] for r in rows],
            "phone": [r[1][0] if r[1] else None for r in rows],
            "phone_invalid": [r[2] for r in rows],
            **extra,
        },
        schema_overrides={"phones": _LIST, "phone_invalid": pl.String},
    )


def calls(text: str) -> DialResults:
    """Dial results from ``number,status`` lines, in order."""
    return read_checker_output(text)


def roundtrip(store: pl.DataFrame, tmp_path: Path) -> pl.DataFrame:
    path = tmp_path / "store.csv"
    path.write_bytes(render_store(store))
    return read_store(path)


# --- retry dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "span", "expected"),
    [
        (dt.date(2026, 8, 31), "6mo", dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), "6mo", dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), "6mo", dt.date(2026, 9, 30)),
        (dt.date(2024, 2, 29), "1y", dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), "4y", dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 30), "180d", dt.date(2027, 5, 29)),
        (dt.date(2026, 12, 31), "2w", dt.date(2027, 1, 14)),
    ],
)
def test_retry_dates_are_calendar_months(day: dt.date, span: str, expected: dt.date) -> None:
    assert add_span(day, span) == expected


@pytest.mark.parametrize("span", ["6m", "0d", "six months", "", "-1y", "101y"])
def test_bad_spans_are_refused(span: str) -> None:
    with pytest.raises(LeadkitError):
        parse_span(span)


# --- quarantine -------------------------------------------------------------------------------------


def test_a_lead_keeps_its_reachable_numbers_and_one_left_with_none_moves_whole(
    tmp_path: Path,
) -> None:
    leads = leads_table(
        [
            ("L01", ["+74951234567", "+74957771122", "+79161234567"], None),
            ("L02", ["+74954445566"], None),
            ("L03", [], "+7 (000) 000-00-00; 123-45-67"),
            ("L04", [], None),  # no number at all: nothing to re-check, stays
            ("L05", ["+74955861234;ext=12"], None),
        ]
    )
    result = quarantine_leads(
        leads,
        calls(
            "+74957771122,Номер не существует\n"
            "+79161234567,Не тот абонент\n"
            "+74951234567,Занято\n"  # transient: stays
            "+74954445566,unallocated number\n"
            "8 (495) 586-12-34,Номер не обслуживается\n"  # the line of L05's extension
        ),
        today=DAY,
    )
    active = {r["lead_id"]: r["phones"] for r in result.active.iter_rows(named=True)}
    assert active == {"L01": ["+74951234567"], "L04": []}
    assert result.active.filter(pl.col("lead_id") == "L01")["phone"].to_list() == ["+74951234567"]
    store = result.store
    assert store.select("lead_id", "phone", "reason", "held").rows() == [
        ("L01", "+74957771122", "not_in_service", "number"),
        ("L01", "+79161234567", "wrong_contact", "number"),
        ("L02", "+74954445566", "not_in_service", "lead"),
        ("L03", "+7 (000) 000-00-00", "invalid", "lead"),
        ("L03", "123-45-67", "invalid", "lead"),
        ("L05", "+74955861234;ext=12", "not_in_service", "lead"),
    ]
    assert set(store["retry_on"]) == {dt.date(2027, 2, 28)}
    assert set(store["attempts"]) == {1}
    assert result.moves["move"].to_list() == ["quarantined"] * 6
    assert result.counts["to_store"] == 3
    # A store row carries the whole lead: every column, phones as the lead had them.
    l01 = store.filter(pl.col("phone") == "+74957771122").row(0, named=True)
    assert l01["company"] == "ООО «Фирма 01»"
    assert l01["phones"] == ["+74951234567", "+74957771122", "+79161234567"]
    assert roundtrip(store, tmp_path).equals(store)


def test_the_store_round_trips_every_column_of_a_lead_losslessly(tmp_path: Path) -> None:
    leads = leads_table(
        [("L01", ["+74957771122", "+74951234567", "+79161234567"], "123-45-67")],
        reason=["клиент конкурента"],  # a source column named like the store's own
        state=["Татарстан"],
        **{"lead:x": ["odd"], "Описание": ['Доставка, "букеты"\nи композиции'], "note": ["=1+2"]},
    )
    dead = "+74957771122,Номер не существует\n+74951234567,1133\n+79161234567,wrong person\n"
    result = quarantine_leads(leads, calls(dead), today=DAY)
    assert result.active.height == 0
    assert {"lead:reason", "lead:state", "lead:lead:x"} <= set(result.store.columns)
    assert list(result.store.columns[: len(STORE_COLUMNS) - 1]) == list(STORE_COLUMNS[:-1])
    path = tmp_path / "store.csv"
    path.write_bytes(render_store(result.store))
    assert "store_version" in path.read_text(encoding="utf-8").splitlines()[0]
    back = read_store(path)
    assert back.equals(result.store)
    assert render_store(back) == path.read_bytes()
    # Released, the lead comes back whole, under its own column names.
    answered = recheck_store(
        back,
        calls("+74957771122,Отвечен\n+74951234567,Отвечен\n+79161234567,Отвечен\n"),
        today=dt.date(2027, 3, 1),
    )
    lead = answered.released.row(0, named=True)
    original = leads.row(0, named=True)
    for column in ("lead_id", "company", "phone_raw", "phone_invalid", "reason", "state", "lead:x"):
        assert lead[column] == original[column], column
    assert lead["Описание"] == 'Доставка, "букеты"\nи композиции'
    assert lead["note"] == "=1+2"
    assert lead["phones"] == ["+74957771122", "+74951234567", "+79161234567"]
    assert lead["phone"] == "+74957771122"
    # The invalid fragment went with the lead and is still held (it is not a number to release).
    assert answered.store.select("phone", "held").rows() == [("123-45-67", "number")]


def test_a_second_identical_run_changes_nothing(tmp_path: Path) -> None:
    leads = leads_table(
        [("L01", ["+74957771122", "+74951234567"], None), ("L02", ["+74957771122"], None)]
    )
    dials = calls("+74957771122,Номер не существует\n")
    first = quarantine_leads(leads, dials, today=DAY)
    stored = roundtrip(first.store, tmp_path)
    second = quarantine_leads(leads, dials, stored, today=dt.date(2026, 9, 30))
    assert not second.changed
    assert second.moves.height == 0
    assert render_store(second.store) == render_store(first.store)
    assert second.active.equals(first.active)


def test_numbers_in_the_store_stay_out_of_next_months_export() -> None:
    month1 = leads_table([("L01", ["+74957771122", "+74951234567"], None)])
    first = quarantine_leads(month1, calls("+74957771122,Номер не существует\n"), today=DAY)
    # Next month: the same firm from another source (a new lead id), the line with an extension,
    # and the deduplicated companies table (key cluster_id); no new dial results.
    month2 = leads_table(
        [
            ("L01", ["+74957771122", "+74951234567"], None),
            ("L77", ["+7 495 777-11-22"[:0] + "+74957771122"], None),
            ("L78", ["+74957771122;ext=5", "+79031112233"], None),
        ]
    )
    second = quarantine_leads(month2, None, first.store, today=dt.date(2026, 9, 30))
    active = {r["lead_id"]: r["phones"] for r in second.active.iter_rows(named=True)}
    assert active == {"L01": ["+74951234567"], "L78": ["+79031112233"]}
    assert second.counts["kept_out"] == 3
    new = second.store.filter(pl.col("quarantined_on") == dt.date(2026, 9, 30))
    # The copies keep the holding row's reason and retry date, so the number is re-checked once.
    assert new.select("lead_id", "phone", "reason", "retry_on", "held").rows() == [
        ("L77", "+74957771122", "not_in_service", dt.date(2027, 2, 28), "lead"),
        ("L78", "+74957771122;ext=5", "not_in_service", dt.date(2027, 2, 28), "number"),
    ]
    companies = pl.DataFrame(
        {
            "lead_id": ["L01"],
            "cluster_id": ["L01"],
            "lead_ids": ["L01; L77"],
            "company": ["ООО «Вектор»"],
            "phones": [["+74957771122"]],
            "phone": ["+74957771122"],
        }
    )
    third = quarantine_leads(companies, None, second.store, today=dt.date(2026, 10, 31))
    assert third.active.height == 0
    row = third.store.filter(pl.col("key") == "cluster_id").row(0, named=True)
    assert (row["cluster_id"], row["lead_ids"], row["held"]) == ("L01", "L01; L77", "lead")
    # The same id as a lead and as a company is two different leads.
    assert third.store.filter(pl.col("lead_id") == "L01").height == 2


def test_duplicate_lead_keys_are_refused() -> None:
    leads = leads_table([("L01", ["+74951234567"], None), ("L01", ["+74957771122"], None)])
    with pytest.raises(LeadkitError, match=r"lead_id L01 is on two rows \(2 and 3\)"):
        quarantine_leads(leads, None, today=DAY)


# --- the conservation invariant ---------------------------------------------------------------------

POOL = [f"+7495{n:07d}" for n in range(1000000, 1000012)] + ["+74950000001;ext=7"]
FRAGMENTS = ["123-45-67", "+7 (000) 000-00-00", "8 (495) 12"]
STATUSES = ["Отвечен", "Номер не существует", "Не тот абонент", "Занято", "Не отвечает", "Ой"]


@st.composite
def scenario(draw: st.DrawFn) -> tuple[pl.DataFrame, str, str, str]:
    count = draw(st.integers(1, 12))
    rows = []
    for i in range(count):
        phones = draw(st.lists(st.sampled_from(POOL), max_size=4, unique=True))
        invalid = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=2, unique=True))
        rows.append((f"L{i:02d}", phones, "; ".join(invalid) or None))
    dials = draw(st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(STATUSES)), max_size=20))
    rechecks = draw(
        st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(STATUSES)), max_size=20)
    )
    earlier = draw(st.lists(st.sampled_from(POOL), max_size=4, unique=True))
    return (
        leads_table(rows),
        "".join(f"{p},{s}\n" for p, s in dials),
        "".join(f"{p},{s}\n" for p, s in rechecks),
        "".join(f"{p},Номер не существует\n" for p in earlier),
    )


def places(leads: pl.DataFrame, active: pl.DataFrame, store: pl.DataFrame) -> None:
    """Every lead in exactly one place, every number of it too."""
    ours = store.filter(pl.col("lead_id").is_in(leads["lead_id"].implode()))
    whole = set(ours.filter(pl.col("held") == "lead")["lead_id"])
    in_active = active["lead_id"].to_list()
    assert len(in_active) == len(set(in_active))
    assert set(in_active).isdisjoint(whole)
    assert set(in_active) | whole == set(leads["lead_id"])
    assert ours.select("lead_id", "phone").is_duplicated().sum() == 0
    held = {(r[0], r[1]) for r in ours.select("lead_id", "phone").iter_rows()}
    active_rows = {r["lead_id"]: r for r in active.iter_rows(named=True)}
    for lead in leads.iter_rows(named=True):
        numbers = lead["phones"]
        fragments = (lead["phone_invalid"] or "").split("; ") if lead["phone_invalid"] else []
        if lead["lead_id"] in active_rows:
            kept = active_rows[lead["lead_id"]]["phones"]
            assert set(kept) <= set(numbers)
            assert all((lead["lead_id"], n) not in held for n in kept)
            assert all((lead["lead_id"], n) in held for n in numbers if n not in kept)
            assert kept or not numbers  # a lead with numbers keeps a reachable one
        else:
            assert all((lead["lead_id"], n) in held for n in [*numbers, *fragments])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_every_lead_and_every_number_is_in_exactly_one_place(
    case: tuple[pl.DataFrame, str, str, str],
) -> None:
    leads, dials, rechecks, earlier = case
    # A store from an earlier month, from another table with the same numbers.
    previous = quarantine_leads(
        leads_table([("Lold", [p.split(",")[0] for p in earlier.splitlines()], None)]),
        calls(earlier),
        today=dt.date(2026, 7, 1),
    ).store
    result = quarantine_leads(leads, calls(dials), previous, today=DAY)
    places(leads, result.active, result.store)
    assert result.store.height == previous.height + result.moves.height
    # The re-check moves numbers between the store and --released, and loses none.
    checked = recheck_store(result.store, calls(rechecks), today=dt.date(2027, 3, 1))
    before = {(r[0], r[1]) for r in result.store.select("lead_id", "phone").iter_rows()}
    after = {(r[0], r[1]) for r in checked.store.select("lead_id", "phone").iter_rows()}
    released = {
        (r["lead_id"], n) for r in checked.released.iter_rows(named=True) for n in r["phones"]
    }
    assert after <= before
    assert after.isdisjoint(released)
    gone = before - after
    assert {
        (lead, phone) for lead, phone in gone
    } == released  # valid numbers come back as they are
    moved = checked.moves.group_by("move").len()
    assert dict(moved.iter_rows()).get("released", 0) == len(gone)
    # A released lead is active again: it is in --released, and none of its rows holds it whole.
    again = set(checked.released["lead_id"])
    assert checked.store.filter(
        pl.col("lead_id").is_in(list(again)) & (pl.col("held") == "lead")
    ).is_empty()


# --- recheck ----------------------------------------------------------------------------------------


@pytest.fixture
def held() -> pl.DataFrame:
    leads = leads_table(
        [
            ("L01", ["+74957771122", "+74954445566"], None),
            ("L02", ["+74957654321"], None),
            ("L03", ["+74951234567", "+79161234567"], None),
        ]
    )
    dials = (
        "+74957771122,Номер не существует\n+74954445566,Номер не существует\n"
        "+74957654321,Не тот абонент\n+79161234567,Номер не существует\n"
    )
    store = quarantine_leads(leads, calls(dials), today=DAY).store
    # One row quarantined later, not due yet.
    return store.with_columns(
        pl.when(pl.col("phone") == "+79161234567")
        .then(pl.lit(dt.date(2027, 6, 1)))
        .otherwise("retry_on")
        .alias("retry_on")
    )


def test_recheck_without_calls_lists_the_due_and_changes_nothing(held: pl.DataFrame) -> None:
    result = recheck_store(held, None, today=dt.date(2027, 2, 28))
    assert result.due["phone"].to_list() == ["+74957771122", "+74954445566", "+74957654321"]
    assert result.store.equals(held)
    assert not result.changed and result.moves.height == 0
    assert recheck_store(held, None, today=dt.date(2027, 2, 27)).due.height == 0


def test_recheck_releases_reschedules_and_leaves_the_rest(held: pl.DataFrame) -> None:
    today = dt.date(2027, 3, 1)
    result = recheck_store(
        held,
        calls(
            "+74957771122,Отвечен\n+74954445566,Занято\n"
            "+79161234567,Отвечен\n"  # not due: untouched even though it answered
        ),
        today=today,
    )
    assert result.released.select("lead_id", "phones").rows() == [("L01", ["+74957771122"])]
    rows = {r["phone"]: r for r in result.store.iter_rows(named=True)}
    assert set(rows) == {"+74954445566", "+74957654321", "+79161234567"}
    busy = rows["+74954445566"]
    assert (busy["attempts"], busy["retry_on"], busy["reason"], busy["last_status"]) == (
        2,
        dt.date(2027, 9, 1),
        "not_in_service",
        "Занято",
    )
    assert busy["held"] == "number"  # its lead is back in circulation
    assert rows["+74957654321"]["attempts"] == 1  # no result: still due, untouched
    assert result.due["phone"].to_list() == ["+74957654321"]
    assert rows["+79161234567"]["retry_on"] == dt.date(2027, 6, 1)
    assert result.moves.select("move", "phone").rows() == [
        ("released", "+74957771122"),
        ("rescheduled", "+74954445566"),
    ]
    # The same run again: nothing left to do.
    again = recheck_store(
        result.store, calls("+74957771122,Отвечен\n+74954445566,Занято\n"), today=today
    )
    assert not again.changed and again.released.height == 0
    assert render_store(again.store) == render_store(result.store)


def test_after_max_attempts_a_number_is_exhausted_and_never_due_again(held: pl.DataFrame) -> None:
    store, day = held, dt.date(2027, 3, 1)
    dead = calls("+74957654321,Не тот абонент\n")
    for attempt in (2, 3, 4):
        result = recheck_store(store, dead, today=day, max_attempts=4)
        store = result.store
        row = store.filter(pl.col("phone") == "+74957654321").row(0, named=True)
        assert row["attempts"] == attempt
        day = row["retry_on"] or day
    assert row["state"] == "exhausted" and row["retry_on"] is None
    assert result.moves.filter(pl.col("phone") == "+74957654321")["move"].to_list() == ["exhausted"]
    later = recheck_store(store, calls("+74957654321,Отвечен\n"), today=dt.date(2035, 1, 1))
    assert "+74957654321" in later.store["phone"].to_list()
    assert "+74957654321" not in later.due["phone"].to_list()
    assert store_summary(store, dt.date(2035, 1, 1)).exhausted == 1


def test_invalid_fragments_are_read_again_and_released_once_valid(tmp_path: Path) -> None:
    leads = leads_table([("L01", [], "8 (495) 12; 123-45-67")])
    store = quarantine_leads(leads, None, today=DAY).store
    # Numbering metadata changes: pretend the first fragment was written in full back then.
    store = store.with_columns(
        pl.when(pl.col("phone") == "8 (495) 12")
        .then(pl.lit("8 (495) 123-45-67"))
        .otherwise("phone")
        .alias("phone")
    )
    store = roundtrip(store, tmp_path)
    result = recheck_store(store, calls(""), today=dt.date(2027, 3, 1))
    assert result.released.select("lead_id", "phones").rows() == [("L01", ["+74951234567"])]
    left = result.store.row(0, named=True)
    assert (left["phone"], left["attempts"], left["last_status"]) == (
        "123-45-67",
        2,
        "still not a valid number",
    )


def test_store_summary_counts_reasons_due_and_exhausted(held: pl.DataFrame) -> None:
    summary = store_summary(held, dt.date(2027, 2, 10))
    assert summary.by_reason == {"not_in_service": 3, "wrong_contact": 1}
    assert (summary.numbers, summary.leads, summary.leads_whole) == (4, 3, 2)
    assert (summary.due_now, summary.due_this_month, summary.exhausted) == (0, 3, 0)
    assert summary.next_retry == dt.date(2027, 2, 28)
    assert "due this month (to 2027-02-28): 3" in summary.lines()


# --- the store file ---------------------------------------------------------------------------------


def store_file(tmp_path: Path, held: pl.DataFrame) -> Path:
    path = tmp_path / "quarantine.csv"
    path.write_bytes(render_store(held))
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("not_in_service", "dead", 1), r"row 2, column 'reason': not a reason"),
        (
            lambda t: t.replace("2027-02-28", "28.02.2027", 1),
            r"row 2, column 'retry_on': not a date",
        ),
        (lambda t: t.replace(",waiting,", ",paused,", 1), r"column 'state': not a state"),
        (
            lambda t: t.replace("+74957771122", "8 (495) 777-11-22", 1),
            r"column 'phone': not a number in E\.164",
        ),
        (lambda t: t.replace(",1,waiting", ",один,waiting", 1), r"column 'attempts'"),
        (lambda t: t.replace(",lead_id,,", ",key_id,,", 1), r"row 2, column 'key'"),
        (lambda t: t.replace("store_version", "version", 1), "no 'store_version' column"),
        (lambda t: t.replace(",status_raw", ",status", 1), "lost its column"),
        (lambda t: t + t.splitlines()[1] + "\n", r"in the store twice \(rows 2 and 6\)"),
        (lambda t: t + '"unclosed,quote\n', "not a readable CSV|not a number|no number|row"),
    ],
)
def test_a_hand_edited_or_corrupt_store_is_refused_naming_row_and_column(
    tmp_path: Path, held: pl.DataFrame, edit: object, message: str
) -> None:
    path = store_file(tmp_path, held)
    text = edit(path.read_text(encoding="utf-8"))  # type: ignore[operator]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LeadkitError, match=message) as caught:
        read_store(path)
    assert str(caught.value).startswith(str(path))


def test_a_store_from_a_newer_leadkit_is_refused(tmp_path: Path, held: pl.DataFrame) -> None:
    path = store_file(tmp_path, held)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    at = header.index("store_version")
    cells = lines[2].split(",")
    cells[at] = "2"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LeadkitError, match=r"row 3: written by a newer leadkit \(store version 2"):
        read_store(path)


def test_a_store_resaved_by_russian_excel_still_reads(tmp_path: Path, held: pl.DataFrame) -> None:
    path = store_file(tmp_path, held)
    text = path.read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("cp1251"))
    assert read_store(path).equals(held)


def test_the_public_api_runs_the_cycle(tmp_path: Path) -> None:
    leads = leads_table([("L01", ["+74957771122"], None)])
    (tmp_path / "calls.csv").write_text(
        "Номер;Статус\n8 495 777 11 22;Номер не существует\n", "utf-8"
    )
    dials = leadkit.read_dial_results([str(tmp_path / "calls.csv")])
    with leadkit.open_store(tmp_path / "quarantine.csv") as session:
        moved = leadkit.quarantine_leads(leads, dials, session.store, today=DAY)
        session.save(moved.store, moved.moves, changed=moved.changed)
    assert isinstance(moved, leadkit.QuarantineResult)
    stored = leadkit.read_store(tmp_path / "quarantine.csv")
    assert stored["phone"].to_list() == ["+74957771122"]
    checked = leadkit.recheck_store(stored, None, today=dt.date(2027, 3, 1))
    assert isinstance(checked, leadkit.RecheckResult) and checked.due.height == 1
    journal = (tmp_path / "quarantine.journal.jsonl").read_text(encoding="utf-8")
    assert '"move":"quarantined","phone":"+74957771122"' in journal
