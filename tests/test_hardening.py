"""Issue 14: outputs that never lose data, spreadsheets that show what was written, messages in the
user's words. One section per item of the issue; each test failed before the item was done."""

from __future__ import annotations

import io
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.dedupe import dedupe_leads
from leadkit.io.tables import read_table
from leadkit.io.workbook import write_workbook
from leadkit.io.write import guard_formulas, write_table
from leadkit.normalize import clean_leads
from leadkit.normalize.companies import split_legal_form

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
MAP = ROOT / "examples" / "maps" / "bought_base.yaml"
runner = CliRunner()

EXPORT = (
    "Название;Телефон;Город;ИНН\n"
    "ООО «Ромашка»;8 (495) 123-45-67;Москва;0278123453\n"
    "ИП Иванов Иван Иванович;+7 916 123-45-67;Казань;\n"
    "Вектор;8 (843) 231-00-01;Казань;7707083893\n"
)


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def leadkit(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real ``leadkit`` command in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "leadkit", *args],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


@pytest.fixture
def cleaned(tmp_path: Path) -> Path:
    """A cleaned lead table of the example exports (what dedupe reads)."""
    code, out, err = run("import", str(EXPORTS), "--map", str(MAP))
    assert code == 0, err
    path = tmp_path / "leads_clean.csv"
    leads = read_table("-", stdin=io.BytesIO(out.encode("utf-8")))
    write_table(clean_leads(leads).leads, str(path))
    return path


# --- 1. an output never overwrites an input or another output ---------------------------------------


def test_an_output_that_is_an_input_under_another_name_is_refused(
    tmp_path: Path, export: Path
) -> None:
    (tmp_path / "link.csv").symlink_to(export)
    os.link(export, tmp_path / "hard.csv")
    for name in ("export.csv", "link.csv", "hard.csv"):
        code, _, err = run("import", str(export), "-o", str(tmp_path / name))
        assert code == 1, name
        assert f"{name}: -o would overwrite {export}, which this run reads" in err, err
    assert export.read_text(encoding="utf-8") == EXPORT


def test_two_outputs_that_are_one_file_are_refused_naming_both(
    tmp_path: Path, cleaned: Path
) -> None:
    out = tmp_path / "c.csv"
    (tmp_path / "latest.csv").symlink_to(out)
    code, _, err = run("dedupe", str(cleaned), "-o", str(out), "--clusters", str(out))
    assert code == 1
    assert f"--clusters and -o ({out}) are the same file" in err
    code, _, err = run(
        "dedupe", str(cleaned), "-o", str(out), "--review", str(tmp_path / "latest.csv")
    )
    assert code == 1
    assert f"latest.csv: --review and -o ({out}) are the same file" in err
    assert not out.exists()


def test_every_file_a_run_reads_is_an_input(tmp_path: Path, cleaned: Path) -> None:
    pairs = tmp_path / "not_duplicates.csv"
    pairs.write_text("lead_id_a,lead_id_b\n", encoding="utf-8")
    code, _, err = run(
        "dedupe", str(cleaned), "--not-duplicates", str(pairs), "--review", str(pairs)
    )
    assert code == 1 and f"--review would overwrite {pairs}, which this run reads" in err
    assert pairs.read_text(encoding="utf-8") == "lead_id_a,lead_id_b\n"


def test_an_output_that_the_import_would_read_from_its_folder_is_refused(
    tmp_path: Path, export: Path
) -> None:
    code, _, err = run("import", str(tmp_path), "-o", str(export))
    assert code == 1 and "would overwrite a file that this import reads" in err
    assert export.read_text(encoding="utf-8") == EXPORT
    code, _, err = run("import", str(tmp_path), "-o", str(tmp_path / "leads.csv"))
    assert code == 0 and "a later import of that folder would read it as an export" in err


def test_two_outputs_on_standard_output_are_refused(cleaned: Path) -> None:
    code, out, err = run("dedupe", str(cleaned), "--clusters", "-")
    assert code == 1 and out == ""
    assert "-o and --clusters would all write to standard output" in err


# --- 2. stopped runs: SIGTERM and SIGHUP like Ctrl-C, all outputs or none, said exactly ------------


def _default_stop_signals() -> None:
    """In the child: the stop signals as a terminal's command gets them. Under ``nohup`` or as a
    background job of a script, the tests' own process ignores SIGHUP or SIGINT, a child inherits
    that, and leadkit rightly leaves an ignored signal ignored."""
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def _stop_while(
    point: str, signum: int, folder: Path, table: Path, pause: float = 30
) -> tuple[int, str]:
    """Run dedupe with two outputs, send ``signum`` when the run reaches ``point``; exit code and
    stderr."""
    env = {
        **os.environ,
        "LEADKIT_PAUSE_AT": point,
        "LEADKIT_PAUSE_SECONDS": str(pause),
        "TMPDIR": str(folder / "tmp"),
    }
    (folder / "tmp").mkdir(exist_ok=True)
    command = [sys.executable, "-m", "leadkit", "dedupe", str(table), "-o", "c.xlsx"]
    command += ["--clusters", "cl.csv"]
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        preexec_fn=_default_stop_signals,
    )
    assert process.stderr is not None
    said = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            line = process.stderr.readline()
            said.append(line)
            if "paused at" in line or not line:
                break
    assert any("paused at" in line for line in said), said
    process.send_signal(signum)
    rest = process.stderr.read()
    return process.wait(timeout=60), "".join(said) + rest


@pytest.mark.parametrize(
    ("signum", "code", "words"),
    [
        (signal.SIGTERM, 143, "stopped by SIGTERM"),
        (signal.SIGHUP, 129, "stopped by SIGHUP"),
        (signal.SIGINT, 130, "interrupted (Ctrl-C)"),
    ],
)
def test_a_stop_signal_while_writing_leaves_every_output_as_it_was(
    tmp_path: Path, cleaned: Path, signum: int, code: int, words: str
) -> None:
    for name in ("c.xlsx", "cl.csv"):
        (tmp_path / name).write_text("yesterday", encoding="utf-8")
    exit_code, err = _stop_while("staged-1", signum, tmp_path, cleaned)
    assert exit_code == code, err
    assert err.splitlines()[-1] == (
        f"leadkit: {words}: nothing was written (c.xlsx and cl.csv left as they were)"
    )
    assert "Traceback" not in err
    for name in ("c.xlsx", "cl.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == "yesterday"
    assert hidden(tmp_path) == []  # no temporary file, no journal
    assert list((tmp_path / "tmp").iterdir()) == []  # nor the workbook's scratch files


def test_a_stop_signal_during_the_commit_lets_it_finish_and_says_so(
    tmp_path: Path, cleaned: Path
) -> None:
    for name in ("c.xlsx", "cl.csv"):
        (tmp_path / name).write_text("yesterday", encoding="utf-8")
    exit_code, err = _stop_while("committing", signal.SIGTERM, tmp_path, cleaned, pause=1)
    assert exit_code == 143, err
    assert err.splitlines()[-1] == "leadkit: stopped by SIGTERM after writing c.xlsx and cl.csv"
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == ["Companies"]
    assert (tmp_path / "cl.csv").read_text(encoding="utf-8").startswith("lead_id,")
    assert hidden(tmp_path) == []


# --- 3. modes, umask and symlinks, through the command ----------------------------------------------


def test_the_command_honours_the_umask_keeps_modes_and_writes_through_symlinks(
    tmp_path: Path, export: Path
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "leads.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o664)
    (tmp_path / "latest.csv").symlink_to(target)

    def umask() -> None:
        os.umask(0o027)

    for out in ("new.csv", "latest.csv"):
        result = subprocess.run(
            [sys.executable, "-m", "leadkit", "import", str(export), "-o", str(tmp_path / out)],
            capture_output=True,
            text=True,
            preexec_fn=umask,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640
    assert (tmp_path / "latest.csv").is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_text(encoding="utf-8").startswith("lead_id,")


# --- 4. a full disk while writing a workbook: one line, nothing left -------------------------------

_FULL_DISK = textwrap.dedent(
    """
    import errno, os, sys
    import leadkit.io.commit as commit

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0
        def write(self, data):
            self.written += len(data)
            if self.written > 4096:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)
        def __getattr__(self, name):
            return getattr(self.handle, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.handle.close()

    commit.os.fdopen = lambda fd, mode: FullDisk(real_fdopen(fd, mode))
    sys.argv = ["leadkit", *sys.argv[1:]]
    from leadkit.cli import main
    main()
    """
)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".jsonl", ".csv"])
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "tmp").mkdir()
    out = tmp_path / "out" / f"leads{suffix}"
    out.parent.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _FULL_DISK,
            "import",
            str(EXPORTS),
            "--map",
            str(MAP),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        check=False,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert errors == [f"leadkit: {out}: cannot write: no space left on the disk"], result.stderr
    assert list(out.parent.iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_standard_output_on_a_full_disk_is_one_line(export: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "leadkit", "import", str(export)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == "leadkit: standard output: cannot write: no space left on the disk\n"


# --- 5. a cell too long for Excel: a warning, or with --strict a refusal -----------------------------


def test_a_cell_too_long_for_excel_is_refused_with_strict(tmp_path: Path) -> None:
    export = tmp_path / "notes.csv"
    export.write_text(
        "Название;Телефон;Заметки\nРомашка;84951234567;" + "я" * 40_000 + "\n", encoding="utf-8"
    )
    out = tmp_path / "leads.xlsx"
    code, _, err = run("import", str(export), "-o", str(out), "--strict")
    assert code == 1
    assert f"{out}, row 2, column 'Заметки': a cell is longer than Excel's 32,767" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv"]
    code, _, err = run("import", str(export), "-o", str(out))
    assert code == 0 and "row 2, column 'Заметки': a cell longer than Excel's" in err


# --- 6. spreadsheet CSV: identifiers and phones stay text, no formula runs -------------------------

SPREADSHEET_CELLS = {
    C.LEAD_ID: "L0000000000000a1",
    C.COMPANY: "=SUM(1)",
    C.INN: "0278123453",
    C.OGRN: "304500116000180",
    C.PHONE_RAW: "84951234567",
    C.PHONE: "+74951234567",
    "Заметка": "12345678901234567890",
    "Почтовый индекс": "020000",
    "ИНН ИП": "500100732259",
    C.SOURCE_ROW: "2",
}


def test_spreadsheet_csv_marks_identifiers_as_text_and_reads_back_unchanged(
    tmp_path: Path,
) -> None:
    table = pl.DataFrame({k: [v] for k, v in SPREADSHEET_CELLS.items()})
    marked = guard_formulas(table, excel=True).row(0, named=True)
    assert marked[C.COMPANY] == "'=SUM(1)"
    for name in (C.INN, C.OGRN, C.PHONE_RAW, C.PHONE, "Заметка", "Почтовый индекс", "ИНН ИП"):
        assert marked[name] == "\t" + SPREADSHEET_CELLS[name], name
    assert marked[C.SOURCE_ROW] == "2" and marked[C.LEAD_ID] == "L0000000000000a1"
    path = tmp_path / "leads.csv"
    write_table(table, str(path), excel=True)
    assert read_table(str(path)).row(0, named=True) == SPREADSHEET_CELLS
    # Plain CSV, for programs, carries the cells bare.
    assert guard_formulas(table).row(0, named=True)[C.INN] == "0278123453"


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs it in CI")
    if found is None:
        pytest.skip(
            "LibreOffice is not installed (apt-get install libreoffice-calc-nogui): "
            "the real spreadsheet round trip is not checked here"
        )
    return found


def _open_in_calc(soffice: str, csv_path: Path, folder: Path) -> list[openpyxl.cell.Cell]:
    """Open the CSV as a double click on a Russian desktop does (UTF-8 found by its BOM, ';',
    formulas evaluated as Excel always does) and save it as XLSX; the data row's cells."""
    # CSV filter: separator ';' (59), quote '"' (34), UTF-8 (76), from line 1, standard cells,
    # Russian locale (1049), quoted fields not forced to text, no special numbers, evaluate formulas.
    options = "CSV:59,34,76,1,,1049,false,false,false,false,false,-1,true"
    profile = (folder / "lo-profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            f"--infilter={options}",
            *("--convert-to", "xlsx", "--outdir", str(folder), str(csv_path)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = folder / (csv_path.stem + ".xlsx")
    assert converted.exists(), result.stdout + result.stderr
    sheet = openpyxl.load_workbook(converted).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    return list(zip((c.value for c in rows[0]), rows[1], strict=True))  # type: ignore[arg-type]


def test_libreoffice_opens_spreadsheet_csv_with_identifiers_as_text(tmp_path: Path) -> None:
    soffice = _soffice()
    assert soffice is not None
    table = pl.DataFrame({k: [v] for k, v in SPREADSHEET_CELLS.items()})
    write_table(table, str(tmp_path / "excel.csv"), excel=True)
    cells = dict(_open_in_calc(soffice, tmp_path / "excel.csv", tmp_path))
    for name, value in SPREADSHEET_CELLS.items():
        cell = cells[name]
        assert cell.data_type != "f", name  # nothing runs
        if name == C.SOURCE_ROW:
            assert cell.value == 2 and cell.data_type == "n"
        elif name == C.COMPANY:
            assert cell.value == "'=SUM(1)" and cell.data_type == "s"  # the guard quote shows
        else:
            assert cell.data_type == "s", (name, cell.value)
            assert str(cell.value).strip() == value, name
    # Plain CSV is for programs: the same cells opened in a spreadsheet lose their zeros.
    write_table(table, str(tmp_path / "plain.csv"))
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b",", b";"))
    assert dict(_open_in_calc(soffice, plain, tmp_path))[C.INN].value == 278123453


# --- 7. spreadsheets: sheets named for what they hold, one type per column --------------------------


def test_a_sources_number_columns_are_numbers_and_identifiers_stay_text() -> None:
    table = pl.DataFrame(
        {
            C.LEAD_ID: ["L1", "L2"],
            "Рейтинг": ["4.8", "4.5"],
            "review_count": ["152", "7"],
            "Почтовый индекс": ["420111", "020000"],
            "Средний чек": ["1200", "нет"],
            "Широта": ["55.755814", "55.7"],
        }
    )
    handle = io.BytesIO()
    write_workbook(handle, [("Leads", table)])
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["Leads"]
    assert [c.value for c in sheet[2]] == ["L1", 4.8, 152, "420111", "1200", 55.755814]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "s", "s", "n"]
    assert [c.data_type for c in sheet[3]] == ["s", "n", "n", "s", "s", "n"]


def test_a_column_that_does_not_read_back_as_written_stays_text() -> None:
    # "55.70" would come back from a number cell as "55.7": the whole column stays text.
    table = pl.DataFrame({C.LEAD_ID: ["L1", "L2"], "Широта": ["55.755814", "55.70"]})
    handle = io.BytesIO()
    write_workbook(handle, [("Leads", table)])
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["Leads"]
    assert [sheet["B2"].data_type, sheet["B3"].data_type] == ["s", "s"]
    assert sheet["B3"].value == "55.70"


def test_merged_provenance_shows_a_dash_for_a_member_without_a_sheet() -> None:
    leads = pl.DataFrame(
        {
            C.LEAD_ID: ["La", "Lb"],
            C.SOURCE: ["2gis.csv", "kontur.xlsx"],
            C.SOURCE_SHEET: [None, "Организации"],
            C.SOURCE_ROW: ["3", "7"],
            C.COMPANY: ["ООО «Ромашка»", "Ромашка"],
            C.PHONE_RAW: ["8 (495) 123-45-67", "+7 495 123 45 67"],
            C.CITY: ["Москва", "Москва"],
        }
    )
    merged = dedupe_leads(clean_leads(leads).leads).merged.row(0, named=True)
    assert merged[C.SOURCE] == "2gis.csv; kontur.xlsx"
    assert merged[C.SOURCE_SHEET] == "—; Организации"
    assert merged[C.SOURCE_ROW] == "3; 7"


# --- 8. names without stray punctuation; the merged name is the one most records share -------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("ООО   «Экоресурс» .", "Экоресурс"),
        ("Промресурс.", "Промресурс"),
        (", Вектор;", "Вектор"),
        ("ООО «Ромашка» (", "Ромашка"),
        ("Ромашка...", "Ромашка"),
        # Marks that belong to the name stay.
        ("Ромашка+", "Ромашка+"),
        ("А.С.К.", "А.С.К."),
        ("ИП Иванов И.И.", "Иванов И.И."),
        ("Дом & Сад", "Дом & Сад"),
        ("Сервис (Казань)", "Сервис (Казань)"),
    ],
)
def test_stray_punctuation_at_the_edges_of_a_name_goes(raw: str, name: str) -> None:
    assert split_legal_form(raw)[0] == name


_STRAY = tuple(" ,;:-–—_/|\\*•·…")


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            ["ООО ", "«", "»", "Ромашка", "Вектор", " .", ".", ",", " ", "-", "(", "И."]
        ),
        max_size=7,
    ).map("".join)
)
def test_property_a_name_never_starts_or_ends_with_stray_punctuation(raw: str) -> None:
    name, _ = split_legal_form(raw)
    assert not name.startswith(_STRAY) and not name.endswith(_STRAY)
    assert not name.startswith((".", ")")) and not name.endswith("(")
    assert split_legal_form(name)[0] == name  # idempotent
    assert all(ch in raw or ch == " " for ch in name)  # nothing invented (quotes become spaces)


def test_the_merged_name_is_the_one_most_records_share_after_cleaning() -> None:
    leads = pl.DataFrame(
        {
            C.LEAD_ID: ["L1", "L2", "L3", "L4"],
            C.COMPANY: [
                "ООО   «Промресурс» .",
                "ООО «Промресурс»",
                "Промресурс, ООО",
                "Промресурс",
            ],
            C.PHONE_RAW: ["8 (495) 111-22-33"] * 4,
            C.CITY: ["Москва"] * 4,
        }
    )
    merged = dedupe_leads(clean_leads(leads).leads).merged.row(0, named=True)
    assert merged[C.CLUSTER_SIZE] == "4"
    assert (merged[C.COMPANY_NAME], merged[C.LEGAL_FORM]) == ("Промресурс", "ООО")


# --- 9. clean and dedupe take the import options ---------------------------------------------------

CRM = "Org;Tel1;Town\nООО Ромашка;8-495-123-45-67;Москва\nВектор ООО;7 495 777 11 22;Москва\n"


@pytest.mark.parametrize("command", ["clean", "dedupe"])
def test_a_raw_export_that_needs_a_map_is_warned_and_read_with_map(
    tmp_path: Path, command: str
) -> None:
    raw = tmp_path / "crm_legacy.csv"
    raw.write_text(CRM, encoding="utf-8")
    code, out, err = run(command, str(raw))
    assert code == 0, err
    assert "crm_legacy.csv: no company column found, leads carry phones only" in err
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "sources:\n  - match: 'crm_legacy*.csv'\n    columns: {company: Org, city: Town}\n",
        encoding="utf-8",
    )
    code, out, err = run(command, str(raw), "--map", str(mapping), "--skip-bad")
    assert code == 0, err
    assert "no company column" not in err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert sorted(table.get_column(C.COMPANY_NAME).to_list()) == ["Вектор", "Ромашка"]


def test_skip_bad_that_skips_every_file_says_why(tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text("Товар;Цена\nКирпич;12\n", encoding="utf-8")
    code, _, err = run("clean", str(prices), "--skip-bad")
    assert code == 1
    assert "every file was skipped; the first: prices.csv: no company or phone column" in err


# --- 10. encodings beyond the four ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["koi8_r", "cp866", "iso8859_5", "mac_cyrillic"])
def test_a_russian_export_in_an_older_encoding_is_read(tmp_path: Path, encoding: str) -> None:
    text = EXPORT.replace("«", '"').replace("»", '"')
    raw = tmp_path / "export.csv"
    raw.write_bytes(text.encode(encoding))
    code, out, err = run("clean", str(raw))
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert table.get_column(C.COMPANY_NAME).to_list() == [
        "Ромашка",
        "Иванов Иван Иванович",
        "Вектор",
    ]
    assert table.get_column(C.CITY).to_list() == ["Москва", "Казань", "Казань"]


def test_koi8r_in_capitals_is_not_taken_for_cp1251(tmp_path: Path) -> None:
    raw = tmp_path / "base.csv"
    raw.write_bytes("НАИМЕНОВАНИЕ;ТЕЛЕФОН\nООО РОМАШКА;84951234567\n".encode("koi8_r"))
    code, out, err = run("import", str(raw))
    assert code == 0, err
    assert pl.read_csv(io.StringIO(out)).get_column(C.COMPANY).to_list() == ["ООО РОМАШКА"]


def test_an_unknown_encoding_is_said_so_and_encoding_names_it(tmp_path: Path) -> None:
    raw = tmp_path / "odd.csv"
    raw.write_bytes(b"Name;Phone\n" + bytes(range(0x80, 0x100)) * 3 + b";84951234567\n")
    code, _, err = run("import", str(raw))
    assert code == 1
    assert "odd.csv: the text encoding was not recognised" in err and "--encoding" in err
    code, _, err = run("import", str(raw), "--encoding", "latin-1")
    assert code == 0, err
    code, _, err = run("import", str(raw), "--encoding", "klingon")
    assert code == 2 and "--encoding 'klingon' is not an encoding" in err


# --- 11. a map entry that matches no file is warned -----------------------------------------------


def test_a_map_entry_that_matches_no_file_is_warned(tmp_path: Path, export: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "sources:\n  - match: 'crm_legcy*.csv'\n    columns: {company: Org}\n", encoding="utf-8"
    )
    code, _, err = run("import", str(export), "--map", str(mapping))
    assert code == 0, err
    assert (
        f"warning: {mapping} (sources[1]): the map entry match 'crm_legcy*.csv' matches none of "
        "the files read, so it was not used"
    ) in err


def test_not_duplicate_pairs_naming_unknown_leads_are_warned(tmp_path: Path, cleaned: Path) -> None:
    pairs = tmp_path / "not_dups.csv"
    pairs.write_text("lead_id_a,lead_id_b\nL000000000000000,L000000000000001\n", encoding="utf-8")
    code, _, err = run("dedupe", str(cleaned), "--not-duplicates", str(pairs), "-o", "-")
    assert code == 0, err
    assert "1 not-duplicate pair names a lead_id that is not in this table and was not used" in err


# --- 13. messages in the user's words --------------------------------------------------------------


def test_counts_are_said_in_the_right_number(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("Название;Телефон\nРомашка;84951234567\n", encoding="utf-8")
    code, out, err = run("import", str(one))
    assert code == 0 and err.strip().splitlines()[-1] == "leadkit: imported 1 lead from 1 file"
    code, _, err = run("dedupe", "-", stdin=out)
    assert code == 0 and err.strip().splitlines()[-1] == "leadkit: 1 record → 1 company"


def test_range_errors_are_in_leadkits_words(export: Path) -> None:
    code, _, err = run("dedupe", str(export), "--threshold", "101")
    assert code == 2
    assert "--threshold must be from 50 to 100 (got 101)" in err
    assert "Input should" not in err
    code, _, err = run("dedupe", str(export), "--threshold", "abc")
    assert code == 2 and "--threshold must be a whole number from 50 to 100" in err


def test_standard_input_is_called_so_and_gets_no_file_name_advice() -> None:
    workbook = io.BytesIO()
    write_workbook(workbook, [("Leads", pl.DataFrame({"a": ["1"]}))])
    code, _, err = run("import", "-", stdin=workbook.getvalue())
    assert code == 1
    assert "standard input" in err and "give the workbook as a file" in err
    assert ".xlsx name" not in err and "stdin" not in err
    code, _, err = run("clean", "-", stdin=b"")
    assert code == 1 and err.startswith("leadkit: standard input: ")
