"""The command line: exit codes, one-line errors, stdout for data and stderr for messages, pipes."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from leadkit import columns as C
from leadkit.cli import app
from leadkit.io.tables import read_table
from leadkit.io.write import write_table
from leadkit.normalize import clean_leads

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MAP = str(EXAMPLES / "maps" / "bought_base.yaml")
runner = CliRunner()


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help_and_is_in_the_readme() -> None:
    """Every registered command (the ones still to come too): -h and --help, real placeholders
    instead of Python types, every default shown, a usage example, its whole summary in the list,
    and a section in the README."""
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    commands = group.commands
    assert {"import", "clean", "dedupe"} <= set(commands)
    code, listing, _ = run("-h")
    assert code == 0 and "Usage: leadkit" in listing and "Example:" in listing
    listing = " ".join(listing.split())
    for name, command in commands.items():
        code, out, _ = run(name, "--help")
        assert code == 0 and "Usage" in out, name
        code, short, _ = run(name, "-h")
        assert code == 0 and short == out, f"leadkit {name} -h"
        assert not re.search(r"<[a-z][^>]*>|\{\w+\}", out), f"leadkit {name}: {out}"
        assert "Example:" in out and f"leadkit {name} " in out.split("Example:")[1], name
        flat = " ".join(out.split())
        for param in command.params:
            if isinstance(param, TyperOption) and not param.is_flag and param.name != "sales":
                # A placeholder says what to give (FILE, DATE, N), not the option's own name again.
                assert param.metavar != (param.name or "").upper(), f"{name} {param.opts[0]}"
            if isinstance(param, TyperOption) and not param.is_flag and param.default is not None:
                default = (
                    param.default[0] if isinstance(param.default, list | tuple) else param.default
                )
                assert f"[default: {default}]" in flat, f"leadkit {name} {param.opts[0]}"
        summary = (command.help or "").strip().split("\n\n")[0]
        assert " ".join(summary.split()) in listing, f"summary of {name} is cut in leadkit -h"
        assert f"leadkit {name}" in readme, f"README does not show leadkit {name}"


def test_import_writes_csv_to_stdout_and_messages_to_stderr() -> None:
    code, out, err = run("import", str(EXAMPLES / "exports"), "--map", MAP)
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert table.height == 30
    assert table.columns[: len(C.IMPORT_COLUMNS)] == list(C.IMPORT_COLUMNS)
    assert "imported 30 leads from 6 files" in err
    assert "Примечания" in err  # the skipped notes sheet is reported


def test_import_to_each_output_format_reads_back_the_same(tmp_path: Path) -> None:
    code, stdout, err = run("import", str(EXAMPLES / "exports"), "--map", MAP)
    assert code == 0, err
    expected = read_table("-", stdin=io.BytesIO(stdout.encode("utf-8")))
    for suffix in (".csv", ".xlsx", ".parquet", ".jsonl", ".tsv"):
        out = tmp_path / f"leads{suffix}"
        code, stdout, err = run("import", str(EXAMPLES / "exports"), "--map", MAP, "-o", str(out))
        assert code == 0, err
        assert stdout == ""
        back = read_table(str(out))
        assert back.columns == expected.columns, suffix
        assert back.equals(expected), suffix


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["import", "nope/missing.csv"], "nope/missing.csv: no such file or directory"),
        (
            ["import", str(EXAMPLES / "exports"), "--map", str(EXAMPLES / "build_examples.py")],
            "build_examples.py",
        ),
    ],
)
def test_bad_input_exits_1_with_one_line(args: list[str], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], err
    assert "Traceback" not in err


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "prices.csv").write_text("Товар;Цена\nКирпич;12\n", encoding="utf-8")
    out = tmp_path / "leads.csv"
    out.write_text("yesterday's leads", encoding="utf-8")
    code, _, err = run("import", str(tmp_path / "prices.csv"), "-o", str(out))
    assert code == 1 and "prices.csv" in err
    assert out.read_text(encoding="utf-8") == "yesterday's leads"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv", "prices.csv"]


def test_bad_region_is_a_usage_error() -> None:
    code, _, err = run("import", str(EXAMPLES / "exports"), "--region", "XX")
    assert code == 2
    assert "region" in err.lower()


def test_import_reads_stdin(tmp_path: Path) -> None:
    data = "Компания;Телефон\nРомашка;8 (495) 123-45-67\n".encode("cp1251")
    code, out, err = run("import", "-", stdin=data)
    assert code == 0, err
    table = pl.read_csv(io.StringIO(out), infer_schema=False)
    assert table.get_column(C.COMPANY).to_list() == ["Ромашка"]
    assert table.get_column(C.SOURCE).to_list() == ["stdin"]


def test_real_pipe_import_to_head_ends_quietly() -> None:
    """`leadkit import … | head -3` closes the pipe early: the rows that came through are whole,
    the pipeline succeeds, and leadkit prints no traceback."""
    command = f"{sys.executable} -m leadkit import {EXAMPLES / 'exports'} --map {MAP} | head -n 3"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr
    rows = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)
    assert rows.height == 2
    assert rows.columns[: len(C.IMPORT_COLUMNS)] == list(C.IMPORT_COLUMNS)
    assert rows.get_column(C.LEAD_ID).str.contains(r"^L[0-9a-f]{15}$").all()
    assert rows.get_column(C.SOURCE).to_list() == ["2gis_desktop_kazan.csv"] * 2


def test_the_threshold_default_shown_is_the_librarys() -> None:
    from leadkit.dedupe import DEFAULT_THRESHOLD

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    (threshold,) = [p for p in group.commands["dedupe"].params if p.name == "threshold"]
    assert threshold.default == DEFAULT_THRESHOLD


def test_dedupe_of_a_parquet_table_reads_it_in_two_passes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet table leadkit wrote is matched on its matching columns alone, then read whole for
    the outputs: the companies and clusters are those of the same table given as CSV."""
    leads = tmp_path / "leads.csv"
    assert run("import", str(EXAMPLES / "exports"), "--map", MAP, "-o", str(leads))[0] == 0
    # a column no step reads, with text that must come through untouched
    table = read_table(str(leads)).with_columns(
        pl.format("заметка {}", pl.int_range(pl.len())).alias("Примечание")
    )
    for suffix in (".csv", ".parquet"):
        path = tmp_path / f"clean{suffix}"
        write_table(clean_leads(table).leads, str(path))
    collected: list[list[str]] = []
    original = pl.LazyFrame.collect

    def spy(self: pl.LazyFrame, *args: object, **kwargs: object) -> pl.DataFrame:
        frame = original(self, *args, **kwargs)  # type: ignore[arg-type]
        collected.append(frame.columns)
        return frame

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    outputs = {}
    for suffix in (".csv", ".parquet"):
        companies, clusters = tmp_path / f"companies{suffix}", tmp_path / f"clusters{suffix}"
        code, _, err = run(
            "dedupe",
            str(tmp_path / f"clean{suffix}"),
            "-o",
            str(companies),
            "--clusters",
            str(clusters),
        )
        assert code == 0, err
        outputs[suffix] = (read_table(str(companies)), read_table(str(clusters)))
    assert outputs[".parquet"][0].equals(outputs[".csv"][0])
    assert outputs[".parquet"][1].equals(outputs[".csv"][1])
    assert "Примечание" in outputs[".parquet"][0].columns
    # the first pass read only what matching compares
    assert any("Примечание" not in columns and C.COMPANY_KEY in columns for columns in collected)


def test_dedupe_of_a_broken_parquet_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "clean.parquet"
    broken.write_bytes(b"PAR1 this is not a table")
    code, out, err = run("dedupe", str(broken))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "clean.parquet" in err, err
    assert "Traceback" not in err
