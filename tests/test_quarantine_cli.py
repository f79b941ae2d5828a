"""`leadkit quarantine` and `leadkit recheck` from the command line: exit codes, files, the lock, crashes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from leadkit.cli import app
from leadkit.io.commit import journal_path
from leadkit.quarantine.store import lock_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN_LEADS = ROOT / "tests" / "golden" / "leads_clean.csv"
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder but the lock (which stays, empty, between runs)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(GOLDEN_LEADS, tmp_path / "leads_clean.csv")
    shutil.copytree(EXAMPLES / "calls", tmp_path / "calls")
    return tmp_path


def quarantine(work: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "quarantine",
        str(work / "leads_clean.csv"),
        "--calls",
        str(work / "calls"),
        "-o",
        str(work / "active.csv"),
        "--store",
        str(work / "quarantine.csv"),
        "--today",
        "2026-11-30",
        *extra,
    )


def test_the_six_month_cycle_on_the_examples(work: Path) -> None:
    code, out, err = quarantine(work, "--unknown", str(work / "unknown.csv"))
    assert code == 0, err
    assert out == ""
    assert "30 leads → 23 active, 7 moved to the store whole; 12 numbers quarantined" in err
    assert "'Абонент временно заблокирован' ×1" in err
    active = pl.read_csv(work / "active.csv", infer_schema=False)
    store = pl.read_csv(work / "quarantine.csv", infer_schema=False)
    assert active.height == 23 and store.height == 12
    assert set(active["lead_id"]).isdisjoint(set(store.filter(pl.col("held") == "lead")["lead_id"]))
    tat = active.filter(pl.col("company") == "ООО «Татнефтесервис»").row(0, named=True)
    assert (tat["phones"], tat["phone"]) == ("+78432310001", "+78432310001")
    unknown = pl.read_csv(work / "unknown.csv", infer_schema=False)
    assert unknown.select("source", "source_row", "problem").rows() == [
        ("pbx_calls_2026-11.csv", "12", "unknown status")
    ]
    journal = (work / "quarantine.journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(journal) == 12 and all('"move":"quarantined"' in line for line in journal)

    # Cron, six months later: the due list for the dialer changes nothing.
    before = snapshot(work)
    code, out, err = run(
        "recheck", "--store", str(work / "quarantine.csv"), "--today", "2027-05-31"
    )
    assert code == 0, err
    due = pl.read_csv(out.encode("utf-8"), infer_schema=False)
    assert due.height == 12 and due.columns[:3] == ["phone", "lead_id", "company"]
    assert "12 numbers due of 12" in err and "nothing changed" in err
    assert snapshot(work) == before

    # The PBX report of the re-dial campaign, through the example checker.
    checker = f"{sys.executable} {EXAMPLES / 'check_pbx_report.py'} {EXAMPLES / 'recheck' / 'pbx_report_2027-05.csv'}"
    args = [
        "recheck",
        "--store",
        str(work / "quarantine.csv"),
        "--today",
        "2027-05-31",
        "--checker",
        checker,
        "--released",
        str(work / "released.csv"),
        "-o",
        str(work / "due.csv"),
    ]
    code, out, err = run(*args)
    assert code == 0, err
    assert "12 due: 6 released (6 leads), 5 rescheduled, 0 exhausted, 1 without a result" in err
    released = pl.read_csv(work / "released.csv", infer_schema=False)
    assert sorted(released["phones"]) == sorted(
        ["+74957771122"] * 4 + ["+78435556677", "+77011234567"]
    )
    assert "Ёлочка, детский сад" in released["company"].to_list()
    assert released.columns == active.columns  # whole lead rows, as the active list has them
    store = pl.read_csv(work / "quarantine.csv", infer_schema=False)
    assert store.height == 6
    almaty = store.filter(pl.col("phone") == "+77272500000").row(0, named=True)
    assert almaty["held"] == "number"  # its lead came back with the other number
    # The same run again changes nothing, and leaves released.csv as it was.
    before = snapshot(work)
    code, _, err = run(*args)
    assert code == 0, err
    assert "0 released" in err
    assert snapshot(work) == before

    code, out, err = run(
        "recheck", "--status", "--store", str(work / "quarantine.csv"), "--today", "2027-06-01"
    )
    assert code == 0, err
    assert "6 numbers of 5 leads in quarantine (3 leads held whole)" in out
    assert "exhausted (never due again): 0" in out


def test_a_second_identical_run_leaves_every_file_byte_identical(work: Path) -> None:
    assert quarantine(work)[0] == 0
    first = snapshot(work)
    code, _, err = quarantine(work)
    assert code == 0, err
    assert "0 numbers quarantined" in err
    assert snapshot(work) == first


def test_next_months_export_keeps_held_numbers_out(work: Path) -> None:
    assert quarantine(work)[0] == 0
    code, out, err = run(
        "quarantine",
        str(work / "leads_clean.csv"),
        "--store",
        str(work / "quarantine.csv"),
        "--today",
        "2026-12-31",
    )
    assert code == 0, err
    active = pl.read_csv(out.encode("utf-8"), infer_schema=False)
    assert active.height == 23
    assert not active["phones"].fill_null("").str.contains("+74957771122", literal=True).any()
    assert "0 numbers quarantined, 10 kept out (already in the store)" in err  # 2 are fragments


def test_raw_cp1251_export_with_russian_dial_results(tmp_path: Path) -> None:
    (tmp_path / "base.csv").write_bytes(
        (
            "Наименование;Телефон;Город\r\n"
            "ООО «Ромашка»;8 (495) 123-45-67, 8 (916) 123-45-67;Москва\r\n"
            "ИП Соколова А. П.;8-903-111-22-33;Москва\r\n"
        ).encode("cp1251")
    )
    (tmp_path / "calls.csv").write_bytes(
        "Номер;Результат\r\n+7 (916) 123-45-67;Не тот абонент\r\n89031112233;Номер не существует\r\n".encode(
            "cp1251"
        )
    )
    code, out, err = run(
        "quarantine",
        str(tmp_path / "base.csv"),
        "--calls",
        str(tmp_path / "calls.csv"),
        "--store",
        str(tmp_path / "q.csv"),
        "--today",
        "2026-11-30",
    )
    assert code == 0, err
    active = pl.read_csv(out.encode("utf-8"), infer_schema=False)
    assert active.select("company", "phones").rows() == [("ООО «Ромашка»", "+74951234567")]
    store = pl.read_csv(tmp_path / "q.csv", infer_schema=False)
    assert store.select("phone", "company", "reason", "held").rows() == [
        ("+79161234567", "ООО «Ромашка»", "wrong_contact", "number"),
        ("+79031112233", "ИП Соколова А. П.", "not_in_service", "lead"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["recheck", "--checker", "true"], 2, "--released"),
        (["recheck", "--status", "-o", "x.csv"], 2, "--status only reports"),
        (["recheck", "--unknown", "u.csv"], 2, "give it with --calls or --checker"),
        (["quarantine", "leads_clean.csv", "--today", "30.11.2026"], 2, "not a date"),
        (["quarantine", "leads_clean.csv", "--retry-after", "6m"], 2, "months are 'mo'"),
        (["recheck", "--max-attempts", "0"], 2, "max-attempts"),
        (["quarantine", "leads_clean.csv", "-o", "quarantine.csv"], 1, "are the same file"),
        (["quarantine", "leads_clean.csv", "--store", "q.xlsx"], 1, "a .csv file"),
    ],
)
def test_bad_command_lines(
    work: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(work)
    got, _, err = run(*args)
    assert got == code, err
    assert message in err
    assert not (work / "quarantine.csv").exists()


def test_a_dial_file_with_no_number_column_stops_the_run_before_the_store(work: Path) -> None:
    assert quarantine(work)[0] == 0
    before = snapshot(work)
    (work / "calls" / "operator.csv").write_text("Дата;Статус\n2026-11-30;Отвечен\n", "utf-8")
    code, _, err = quarantine(work)
    assert code == 1
    assert (
        err.startswith("leadkit: ")
        and "operator.csv: not a dial-result file: no number column" in err
    )
    assert snapshot(work) == before


def newer_version(text: str) -> str:
    """The store with one row written by a (pretended) newer leadkit."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    rows[3][rows[0].index("store_version")] = "9"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace(",1,waiting,", ",1,2027-01-01,", 1), "row 2, column 'state'"),
        (newer_version, "row 4: written by a newer leadkit (store version 9"),
    ],
)
def test_a_corrupt_or_newer_store_is_exit_1_and_left_untouched(
    work: Path, edit: object, message: str
) -> None:
    assert quarantine(work)[0] == 0
    path = work / "quarantine.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    before = snapshot(work)
    for args in (
        ["recheck", "--store", str(path), "--today", "2027-06-01"],
        ["recheck", "--status", "--store", str(path)],
        ["recheck", "--store", str(path), "--checker", "true", "--released", str(work / "r.csv")],
    ):
        code, _, err = run(*args)
        assert code == 1, err
        assert message in err and str(path) in err
    code, _, err = quarantine(work)
    assert code == 1 and message in err
    assert snapshot(work) == before


# --- the lock ---------------------------------------------------------------------------------------

_HOLDER = """
import sys, time
from leadkit.quarantine.store import lock_store
with lock_store(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    print("releasing", flush=True)
"""


def leadkit_process(*args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEADKIT_CRASH_AT"}
    if crash_at is not None:
        env["LEADKIT_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "leadkit", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_a_second_run_while_the_store_is_locked_exits_75_or_waits(work: Path) -> None:
    store = work / "quarantine.csv"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store), "2"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        busy = leadkit_process("recheck", "--store", str(store))
        assert busy.returncode == 75, busy.stderr
        assert "locked by another leadkit run" in busy.stderr
        assert lock_file(store).exists() and not store.exists()
        start = time.monotonic()
        waited = leadkit_process("recheck", "--store", str(store), "--wait", "--status")
        assert waited.returncode == 0, waited.stderr
        # it ran only once the holder was letting go (the holder says so before it releases)
        assert holder.stdout.readline() == "releasing\n"
        assert time.monotonic() - start > 0.5
        assert "0 numbers of 0 leads in quarantine" in waited.stdout
    finally:
        holder.wait(timeout=30)


# --- SIGKILL ----------------------------------------------------------------------------------------


def month_two_args(work: Path) -> list[str]:
    (work / "calls2").mkdir(exist_ok=True)
    (work / "calls2" / "pbx.csv").write_text(
        "Номер;Результат\n8 (843) 231-00-01;Номер не существует\n8 (495) 123-45-67;Не тот абонент\n",
        encoding="utf-8",
    )
    return [
        "quarantine",
        str(work / "leads_clean.csv"),
        "--calls",
        str(work / "calls2"),
        "-o",
        str(work / "active.csv"),
        "--store",
        str(work / "quarantine.csv"),
        "--unknown",
        str(work / "unknown.csv"),
        "--today",
        "2026-12-31",
    ]


@pytest.mark.parametrize(
    "point",
    ["before-commit", "before-journal", "after-journal", "after-rename-2", "after-rename-3"],
)
def test_a_run_killed_at_any_point_leaves_all_old_or_all_new(
    work: Path, tmp_path_factory: pytest.TempPathFactory, point: str
) -> None:
    assert quarantine(work)[0] == 0
    (work / "unknown.csv").write_text("old\n", encoding="utf-8")
    old = snapshot(work)
    # What the run gives when nobody kills it.
    clean = tmp_path_factory.mktemp("clean")
    for name in (
        "leads_clean.csv",
        "quarantine.csv",
        "quarantine.journal.jsonl",
        "active.csv",
        "unknown.csv",
    ):
        shutil.copy(work / name, clean / name)
    assert run(*month_two_args(clean))[0] == 0
    new = snapshot(clean)
    assert new["quarantine.csv"] != old["quarantine.csv"]

    killed = leadkit_process(*month_two_args(work), crash_at=point)
    assert killed.returncode == -9, killed.stderr
    journal = journal_path(work / "quarantine.csv")
    # The next run (here a read-only one) completes the commit or finds nothing to do.
    code, _, err = run("recheck", "--status", "--store", str(work / "quarantine.csv"))
    assert code == 0, err
    assert not journal.exists()
    after = snapshot(work)
    after.pop("calls2", None)
    expected = new if point.startswith("after-") else old
    assert {k: v for k, v in after.items() if k in expected} == expected
    assert not [p.name for p in work.iterdir() if p.name.endswith(".tmp")]
    # And running the month again gives the clean run's files.
    assert run(*month_two_args(work))[0] == 0
    assert {k: v for k, v in snapshot(work).items() if k in new} == new


def test_a_recheck_killed_mid_commit_is_completed_by_the_next_run(work: Path) -> None:
    assert quarantine(work)[0] == 0
    args = [
        "recheck",
        "--store",
        str(work / "quarantine.csv"),
        "--today",
        "2027-05-31",
        "--calls",
        str(EXAMPLES / "recheck"),
        "--released",
        str(work / "released.csv"),
        "-o",
        str(work / "due.csv"),
    ]
    killed = leadkit_process(*args, crash_at="after-rename-1")
    assert killed.returncode == -9, killed.stderr
    assert journal_path(work / "quarantine.csv").exists()
    code, _, err = run(*args)
    assert code == 0, err
    assert "0 released" in err  # the killed run's releases were completed, not done twice
    released = pl.read_csv(work / "released.csv", infer_schema=False)
    assert released.height == 6
    moves = (work / "quarantine.journal.jsonl").read_text(encoding="utf-8")
    assert moves.count('"move":"released"') == 6


def test_recheck_of_a_store_that_does_not_exist_yet_creates_nothing(tmp_path: Path) -> None:
    code, out, err = run("recheck", "--store", str(tmp_path / "quarantine.csv"))
    assert code == 0, err
    assert out.startswith("phone,lead_id,company,reason,")
    assert "0 numbers due of 0" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quarantine.csv.lock"]
