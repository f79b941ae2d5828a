"""``--engine`` and ``--spark-master`` on the command line; the one-line errors when Spark is missing.

These need neither PySpark nor Java: they check what happens without them.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leadkit.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("command", ["clean", "dedupe"])
def test_engine_is_a_closed_choice_listed_in_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--engine" in result.stdout and "--spark-master" in result.stdout
    assert "polars" in result.stdout and "spark" in result.stdout
    result = runner.invoke(app, [command, "x.csv", "--engine", "flink"])
    assert result.exit_code == 2
    assert "flink" in result.stderr


def test_missing_java_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip(
        "pyspark", reason="this checks the Java message, which comes after PySpark's"
    )
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    result = runner.invoke(app, ["clean", str(EXAMPLES / "exports"), "--engine", "spark"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "leadkit: --engine spark needs Java 17: install a JDK "
        "(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def test_missing_pyspark_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def without_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pyspark)
    result = runner.invoke(app, ["dedupe", str(EXAMPLES / "exports"), "--engine", "spark"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "leadkit: --engine spark needs PySpark: pip install 'leadkit[spark]'"
    )


def test_an_old_java_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip(
        "pyspark", reason="this checks the Java message, which comes after PySpark's"
    )
    java = tmp_path / "jdk8" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\necho 'java version \"1.8.0_292\"' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk8"))
    result = runner.invoke(app, ["dedupe", str(EXAMPLES / "exports"), "--engine", "spark"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"leadkit: --engine spark needs Java 17 or newer, {java} is Java 8: install a JDK 17 "
        "and set JAVA_HOME to it"
    )
