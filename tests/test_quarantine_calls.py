"""Dial-result files: every format and vocabulary leadkit reads, and what it refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from leadkit.errors import ConfigError, LeadkitError
from leadkit.quarantine.calls import latest_results, read_checker_output, read_dial_results
from leadkit.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def decided(paths: list[Path], **kwargs: object) -> dict[str, str | None]:
    """Number → reason of its latest result."""
    results = read_dial_results([str(p) for p in paths], **kwargs)  # type: ignore[arg-type]
    latest = latest_results(results.results)
    return dict(zip(latest["phone"].to_list(), latest["reason"].to_list(), strict=True))


def master_row(dst: str, start: str, disposition: str, cause: str | None = None) -> str:
    cells = [
        "",
        "1000",
        dst,
        "outbound",
        '"""Обзвон"" <1000>"',
        "SIP/1000-1",
        "SIP/trunk-2",
        "Dial",
        f'"SIP/trunk/{dst},60"',
        start,
        "",
        start,
        "3",
        "0",
        disposition,
        "DOCUMENTATION",
    ]
    if cause is not None:
        cells += ["1764000000.7", cause]
    return ",".join(cells)


def test_asterisk_master_csv_with_q850_causes_in_the_userfield(tmp_path: Path) -> None:
    rows = [
        master_row("84951234567", "2026-11-25 10:00:00", "ANSWERED", "16"),
        master_row("84957771122", "2026-11-25 10:01:00", "FAILED", "1"),  # unallocated
        master_row("84954445566", "2026-11-25 10:02:00", "FAILED", "cause=22"),  # number changed
        master_row("84955861234", "2026-11-25 10:03:00", "FAILED", "Q850:34"),  # congestion
        master_row("89161234567", "2026-11-25 10:04:00", "BUSY", "17"),
        master_row("89031112233", "2026-11-25 10:05:00", "NO ANSWER", "19"),
    ]
    (tmp_path / "Master.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert decided([tmp_path / "Master.csv"]) == {
        "+74951234567": "answered",
        "+74957771122": "not_in_service",
        "+74954445566": "not_in_service",
        "+74955861234": "unknown",
        "+79161234567": "busy",
        "+79031112233": "no_answer",
    }


def test_asterisk_without_causes_does_not_take_failed_for_a_dead_number(tmp_path: Path) -> None:
    rows = [
        master_row("84957771122", "2026-11-25 10:01:00", "FAILED"),
        master_row("84951234567", "2026-11-25 10:02:00", "CONGESTION"),
        master_row("s", "2026-11-25 10:03:00", "ANSWERED").replace(
            '"SIP/trunk/s,60"', '"SIP/trunk/89161234567,60"'
        ),  # a call file: dst 's', the number in lastdata
    ]
    (tmp_path / "Master.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = read_dial_results([str(tmp_path / "Master.csv")])
    assert result.results["status_raw"].to_list() == ["FAILED", "CONGESTION", "ANSWERED"]
    assert decided([tmp_path / "Master.csv"]) == {
        "+74957771122": "unknown",
        "+74951234567": "unknown",
        "+79161234567": "answered",
    }


def test_the_example_dial_files_read_as_their_builder_meant() -> None:
    reasons = decided([ROOT / "examples" / "calls"])
    assert reasons["+74957771122"] == "not_in_service"  # Asterisk FAILED, cause 1
    assert reasons["+74957654321"] == "not_in_service"  # cause 22
    assert reasons["+78435556677"] == "wrong_contact"  # "Не тот абонент"
    assert reasons["+78432003040"] == "busy"
    # PBX: no answer on 20 Nov; Asterisk: answered on 25 Nov. The later date wins.
    assert reasons["+74951234567"] == "answered"
    # Asterisk: no answer, then answered the next day.
    assert reasons["+79031112233"] == "answered"
    assert reasons["+78126007080"] is None  # "Абонент временно заблокирован": not guessed


def test_cloud_pbx_csv_in_cp1251_with_russian_statuses_and_every_way_of_writing_a_number(
    tmp_path: Path,
) -> None:
    text = (
        "Дата звонка;Номер;Статус звонка\n"
        "12.11.2026 10:00;8 (495) 123-45-67;Номер не существует\n"
        "12.11.2026 10:01;74957771122;Не тот абонент\n"
        "12.11.2026 10:02;+7 (916) 123-45-67;Занято\n"
        "12.11.2026 10:03;8495 586-12-34 доб. 12;Не отвечает\n"
        "12.11.2026 10:04;4959990011;Отвечен\n"
        "12.11.2026 10:05;8-903-111-22-33;Сброшен\n"
        "12.11.2026 10:06;+7 (843) 555-66-77;НЕ ОБСЛУЖИВАЕТСЯ.\n"
    )
    (tmp_path / "calls.csv").write_bytes(text.encode("cp1251"))
    assert decided([tmp_path / "calls.csv"]) == {
        "+74951234567": "not_in_service",
        "+74957771122": "wrong_contact",
        "+79161234567": "busy",
        "+74955861234;ext=12": "no_answer",
        "+74959990011": "answered",
        "+79031112233": "rejected",
        "+78435556677": "not_in_service",
    }


def test_mango_disconnect_reason_codes(tmp_path: Path) -> None:
    (tmp_path / "mango.csv").write_text(
        "start,to_number,disconnect_reason\n"
        "2026-11-12 10:00:00,74951234567,1133\n"
        "2026-11-12 10:01:00,74957771122,1132\n"
        "2026-11-12 10:02:00,79161234567,1121\n"
        "2026-11-12 10:03:00,74959990011,1111\n"
        "2026-11-12 10:04:00,79031112233,1122\n"
        "2026-11-12 10:05:00,78435556677,1131\n",
        encoding="utf-8",
    )
    with pytest.raises(LeadkitError, match="no number column"):
        decided([tmp_path / "mango.csv"])  # 'to_number' is no synonym…
    settings = load_settings(overrides={"dial_statuses": {"+columns": {"number": ["to_number"]}}})
    assert decided([tmp_path / "mango.csv"], settings=settings) == {  # …until a config names it
        "+74951234567": "not_in_service",
        "+74957771122": "not_in_service",
        "+79161234567": "busy",
        "+74959990011": "no_answer",
        "+79031112233": "rejected",
        "+78435556677": "no_answer",
    }


def test_zadarma_xlsx_with_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "zadarma.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Звонки")
    sheet.write(0, 0, "Статистика звонков за ноябрь")
    sheet.write_row(2, 0, ["Дата", "Откуда", "Куда", "disposition", "Длительность"])
    sheet.write_row(3, 0, ["2026-11-12 10:00:00", "100", "74951234567", "answered", 30])
    sheet.write_row(4, 0, ["2026-11-12 10:01:00", "100", "74957771122", "unallocated number", 0])
    sheet.write_row(5, 0, ["2026-11-12 10:02:00", "100", "79161234567", "cancel", 0])
    sheet.write_number(6, 2, 79031112233)  # a number cell, as Excel keeps phones
    sheet.write_row(6, 3, ["busy", 0])
    sheet.write(6, 0, "2026-11-12 10:03:00")
    book.close()
    assert decided([path]) == {
        "+74951234567": "answered",
        "+74957771122": "not_in_service",
        "+79161234567": "no_answer",
        "+79031112233": "busy",
    }


def test_uis_finish_reason_and_hlr_words(tmp_path: Path) -> None:
    (tmp_path / "uis.csv").write_text(
        "phone,finish_reason\n"
        "+74951234567,numb_not_exists\n"
        "+74957771122,numb_is_inactive\n"
        "+79161234567,subscriber_busy\n"
        "+79031112233,INVALID_MSISDN\n"
        "+79261112233,ABSENT\n"
        "+79271112233,UNDETERMINED\n",
        encoding="utf-8",
    )
    assert decided([tmp_path / "uis.csv"]) == {
        "+74951234567": "not_in_service",
        "+74957771122": "not_in_service",
        "+79161234567": "busy",
        "+79031112233": "not_in_service",
        "+79261112233": "no_answer",
        "+79271112233": "unknown",
    }


def test_latest_result_by_date_else_file_order(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "date,phone,status\n"
        "2026-11-20 10:00,+74951234567,answered\n"
        "2026-11-10 10:00,+74951234567,not in service\n",
        encoding="utf-8",
    )
    (tmp_path / "b.csv").write_text(
        "phone,status\n+74957771122,busy\n+74957771122,Номер не существует\n", encoding="utf-8"
    )
    assert decided([tmp_path / "a.csv", tmp_path / "b.csv"]) == {
        "+74951234567": "answered",  # the later date, although an earlier row
        "+74957771122": "not_in_service",  # no dates: the last row
    }


def test_unknown_statuses_are_counted_reported_listed_and_never_guessed(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        "Номер,Результат\n"
        "+74951234567,Номер не существует\n"
        "+74951234567,Автоответчик\n"  # the latest result: unknown
        "+74957771122,Автоответчик\n"
        "+74959990011,Занято по-другому\n"
        "12-34,Отвечен\n",
        encoding="utf-8",
    )
    result = read_dial_results([str(tmp_path / "calls.csv")])
    assert result.counts["unknown_statuses"] == 3
    assert result.counts["bad_numbers"] == 1
    assert "3 dial result(s) with a status leadkit does not know" in str(result.warnings[0])
    assert "'Автоответчик' ×2" in str(result.warnings[0])
    assert result.unknown.select("source_row", "problem").rows() == [
        (3, "unknown status"),
        (4, "unknown status"),
        (5, "unknown status"),
        (6, "not a phone number"),
    ]
    latest = latest_results(result.results)
    # The last word on +74951234567 is a status leadkit cannot read: no decision, not the older one.
    assert latest.filter(pl.col("phone") == "+74951234567")["action"].to_list() == [None]


def test_a_dial_file_with_no_number_column_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("Дата;Статус\n2026-11-12;Отвечен\n", encoding="utf-8")
    with pytest.raises(LeadkitError, match=r"calls\.csv: not a dial-result file: no number column"):
        read_dial_results([str(tmp_path / "calls.csv")])
    (tmp_path / "calls.csv").write_text("Номер;Комментарий\n+74951234567;x\n", encoding="utf-8")
    with pytest.raises(LeadkitError, match="no status column"):
        read_dial_results([str(tmp_path / "calls.csv")])


def test_checker_output_is_read_like_a_dial_file() -> None:
    result = read_checker_output(
        'number,status\n+74951234567,Отвечен\n84957771122,"Номер, которого нет"\n'
        "+74959990011,numb_not_exists\n"
    )
    latest = latest_results(result.results)
    assert dict(zip(latest["phone"], latest["reason"], strict=True)) == {
        "+74951234567": "answered",
        "+74957771122": None,
        "+74959990011": "not_in_service",
    }
    assert result.counts["unknown_statuses"] == 1


def test_the_vocabulary_is_changed_by_a_settings_file(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("phone,status\n+74951234567,Автоответчик\n", "utf-8")
    (tmp_path / "leadkit.yaml").write_text(
        "dial_statuses:\n  +statuses: {автоответчик: no_answer}\n  +actions: {busy: quarantine}\n",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "leadkit.yaml")
    assert decided([tmp_path / "calls.csv"], settings=settings) == {"+74951234567": "no_answer"}
    assert settings.dial.quarantine_reasons == {
        "not_in_service",
        "wrong_contact",
        "invalid",
        "busy",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "dial_statuses: {+statuses: {занято: engaged}}",
            r"statuses: занято: unknown reason 'engaged'",
        ),
        ("dial_statuses: {+actions: {busy: park}}", r"actions: busy: unknown action 'park'"),
        ("dial_statuses: {+actions: {busy: reachable}}", "only 'answered' is 'reachable'"),
        ("dial_statuses: {+q850: {500: busy}}", "cause 500 is not from 1 to 127"),
        ("dial_statuses: {+columns: {operator: [x]}}", "unknown field 'operator'"),
        ("dial_statuses: {statusez: {}}", "unknown key"),
    ],
)
def test_a_bad_vocabulary_names_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "leadkit.yaml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(tmp_path / "leadkit.yaml")
    assert "leadkit.yaml: dial_statuses" in str(caught.value)


def test_dates_in_russian_and_iso_forms_order_the_results(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        "Дата и время;Телефон;Результат\n"
        "01.12.2026 09:00;+74951234567;Отвечен\n"
        "2026-11-30T18:00:00+03:00;+74951234567;Номер не существует\n",
        encoding="utf-8",
    )
    results = read_dial_results([str(tmp_path / "calls.csv")]).results
    assert results["called_at"].to_list() == [
        dt.datetime(2026, 12, 1, 9, 0),
        dt.datetime(2026, 11, 30, 18, 0),
    ]
    assert decided([tmp_path / "calls.csv"]) == {"+74951234567": "answered"}
