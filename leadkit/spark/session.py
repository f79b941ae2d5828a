"""A Spark session for leadkit: the executors run this interpreter, local modes stay on loopback.

Spark's scratch files (shuffle spill, checkpoints, the warehouse and Derby files it may write) go to
one temporary folder that is removed when the process ends, never into the working directory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import warnings
from typing import TYPE_CHECKING

from leadkit.errors import LeadkitError, first_line

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: The default ``--spark-master``: every core of this machine.
DEFAULT_MASTER = "local[*]"
LOOPBACK = "127.0.0.1"

INSTALL_HINT = "pip install 'leadkit[spark]'"


def check_spark() -> None:
    """Raise a one-line ``LeadkitError`` when PySpark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise LeadkitError(f"--engine spark needs PySpark: {INSTALL_HINT}") from None
    for module, package in (("pandas", "pandas>=2.2"), ("pyarrow", "pyarrow>=15")):
        try:
            __import__(module)
        except ImportError:
            raise LeadkitError(f"--engine spark needs {package}: {INSTALL_HINT}") from None
    java = java_binary()
    if java is None:
        raise LeadkitError(
            "--engine spark needs Java 17: install a JDK (e.g. apt-get install openjdk-17-jre-headless) "
            "or set JAVA_HOME"
        )
    version = java_version(java)
    if version is not None and version < 17:
        raise LeadkitError(
            f"--engine spark needs Java 17 or newer, {java} is Java {version}: install a JDK 17 "
            "and set JAVA_HOME to it"
        )


def java_version(java: str) -> int | None:
    """The major version of ``java`` (8, 11, 17, 21 …), or None when it does not say."""
    import re
    import subprocess

    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def java_binary() -> str | None:
    """The ``java`` Spark would start: ``$JAVA_HOME/bin/java``, else the one on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = os.path.join(home, "bin", "java")
        return candidate if os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def is_loopback_master(master: str) -> bool:
    """Local modes, and a standalone master on this machine's loopback address."""
    return master.startswith("local") or any(
        host in master for host in (f"//{LOOPBACK}:", "//localhost:")
    )


_SCRATCH: list[str] = []


def scratch_dir() -> str:
    """This process's folder for Spark's files (removed at exit)."""
    if not _SCRATCH:
        base = os.environ.get("LEADKIT_SPARK_TMP") or None
        path = tempfile.mkdtemp(prefix="leadkit-spark-", dir=base)
        _SCRATCH.append(path)
        atexit.register(shutil.rmtree, path, True)
    return _SCRATCH[0]


def spark_session(
    master: str = DEFAULT_MASTER,
    *,
    app_name: str = "leadkit",
    config: dict[str, str] | None = None,
    ui: bool = False,
) -> SparkSession:
    """A Spark session on ``master`` (``local[*]``, ``local[2]``, ``spark://host:7077``, ``yarn``…)
    whose Python workers run this interpreter, so they import the same leadkit, Polars and rapidfuzz.

    In a local mode, or with a master on 127.0.0.1, every service binds to loopback only. ``config``
    adds or overrides Spark settings; ``ui`` keeps the web UI (on 127.0.0.1 locally), which the
    benchmarks read their shuffle sizes from.
    """
    check_spark()
    from pyspark.sql import SparkSession

    # PySpark 4.x warns about pandas 3 whenever an Arrow function is defined; leadkit's Arrow
    # functions hand Arrow batches to Polars and never go through pandas.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    scratch = scratch_dir()
    settings: dict[str, str] = {
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        "spark.local.dir": os.path.join(scratch, "local"),
        "spark.sql.warehouse.dir": os.path.join(scratch, "warehouse"),
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={os.path.join(scratch, 'derby')} "
            f"-Dlog4j2.configurationFile={_log_config(scratch)}"
        ),
        "spark.sql.execution.arrow.maxRecordsPerBatch": "50000",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.enabled": "true" if ui else "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    if is_loopback_master(master):
        os.environ["SPARK_LOCAL_IP"] = LOOPBACK
        settings.update(
            {
                "spark.driver.host": LOOPBACK,
                "spark.driver.bindAddress": LOOPBACK,
                "spark.ui.host": LOOPBACK,
            }
        )
    if master.startswith("local"):
        # Small shuffles on one machine: a few partitions per core, not Spark's 200.
        settings["spark.sql.shuffle.partitions"] = os.environ.get(
            "LEADKIT_SPARK_PARTITIONS", str(max(4, 2 * (os.cpu_count() or 1)))
        )
        settings["spark.driver.memory"] = os.environ.get("LEADKIT_SPARK_DRIVER_MEMORY", "4g")
    settings.update(config or {})
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise LeadkitError(f"could not start Spark on {master}: {first_line(exc)}") from None
    spark.sparkContext.setLogLevel(os.environ.get("LEADKIT_SPARK_LOG", "ERROR"))
    spark.sparkContext.setCheckpointDir(
        os.environ.get("LEADKIT_SPARK_CHECKPOINT_DIR") or os.path.join(scratch, "checkpoints")
    )
    return spark


def checkpoint(frame: DataFrame) -> DataFrame:
    """Materialize ``frame`` once (leadkit's Python steps are never recomputed) and cut its lineage.

    Local checkpoints (the executors' storage) by default; with ``LEADKIT_SPARK_CHECKPOINT_DIR`` (a
    folder every node reaches: ``hdfs://…``) reliable ones, which survive a lost executor.
    """
    if os.environ.get("LEADKIT_SPARK_CHECKPOINT_DIR"):
        return frame.checkpoint(eager=True)
    return frame.localCheckpoint(eager=True)


def _log_config(scratch: str) -> str:
    """A log4j2 file that lets only errors through (``LEADKIT_SPARK_LOG`` sets the level), so
    that stderr keeps leadkit's one-line messages rather than Spark's start-up chatter."""
    level = os.environ.get("LEADKIT_SPARK_LOG", "ERROR").lower()
    path = os.path.join(scratch, "log4j2.properties")
    # PySpark runs as a shell, and Spark announces (on stderr) any root level other than WARN: the
    # root stays at WARN and the console's threshold filter keeps out what is below ``level``.
    root = level if level in ("all", "trace", "debug", "info") else "warn"
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            f"rootLogger.level = {root}\n"
            "rootLogger.appenderRef.stderr.ref = console\n"
            "appender.console.type = Console\n"
            "appender.console.name = console\n"
            "appender.console.target = SYSTEM_ERR\n"
            "appender.console.layout.type = PatternLayout\n"
            "appender.console.layout.pattern = spark: %p %c{1}: %m%n%ex\n"
            "appender.console.filter.threshold.type = ThresholdFilter\n"
            f"appender.console.filter.threshold.level = {level}\n"
        )
    return path
