"""The ``leadkit`` command line: parse options, call one library function, write the output.

Data goes to stdout, messages to stderr. Bad input or configuration exits 1 with one line naming the file
(and row and column where known); Typer's own usage errors exit 2. Ctrl-C, SIGTERM and SIGHUP stop a
run with exit 130, 143 or 129 and one line saying which outputs were written (all or none).

Conventions every command follows (new ones too):

- help: ``metavar=`` on every option that takes a value, a one-line summary and an ``Example:``
  paragraph in the docstring (:mod:`leadkit.cli_help` does the rest; a test walks every command);
- the body is wrapped in :func:`_command`, checks its paths with :func:`_check_paths` before any work,
  reads its input with :func:`_read_input` (the import options ``--map``, ``--skip-bad``,
  ``--encoding`` for raw exports) and writes every output with :func:`_write_outputs` (all files
  committed together);
- counts in messages go through :func:`leadkit.errors.counted` (``1 company``, ``2 companies``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from leadkit import __version__
from leadkit.cli_help import LeadkitApp, UsageProblem, whole_number
from leadkit.errors import LeadkitError, StoreLockedError, counted, listed
from leadkit.io.commit import tracked

if TYPE_CHECKING:
    import polars as pl

    from leadkit.io.commit import OutputSet

app = LeadkitApp(
    name="leadkit",
    help="Turn messy lead lists into a clean, deduplicated, callable client base.\n\n"
    "Example:\n"
    "  leadkit import exports/ | leadkit clean - | leadkit dedupe - -o companies.xlsx",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


def _check_region(value: str) -> str:
    import phonenumbers

    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageProblem(f"--region {value!r} is not a country code such as RU, KZ, BY, US")
    return region


def _check_encoding(value: str | None) -> str | None:
    import codecs

    if value is None:
        return None
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise UsageProblem(
            f"--encoding {value!r} is not an encoding Python knows (such as koi8-r, cp866, cp1251)"
        ) from None


# Options shared by several commands, declared once.
Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Output file; the format follows the extension (.csv .tsv .xlsx .parquet .jsonl). "
        "'-' or none: CSV on standard output.",
    ),
]
Excel = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for a double-click open in Excel or LibreOffice: UTF-8 with BOM, ';' as "
        "separator, and phones and identifiers kept as text (see the README).",
    ),
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse (exit 1) instead of cutting a cell longer than Excel's 32,767 characters "
        "in .xlsx output.",
    ),
]
Region = Annotated[
    str,
    typer.Option(
        "--region",
        metavar="CC",
        help="Country whose national format phones without a country code are in (ISO code).",
        callback=_check_region,
    ),
]
InputTable = Annotated[
    str,
    typer.Argument(
        metavar="IN",
        help="A table written by leadkit (any output format), a raw export, or '-' for CSV on "
        "standard input.",
    ),
]
Maps = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        "-m",
        metavar="FILE",
        help="YAML column map for exports the synonyms do not cover (repeatable).",
    ),
]
SkipBad = Annotated[
    bool,
    typer.Option(
        "--skip-bad", help="Import the other files when one cannot be read (it is reported)."
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of exports whose map names none (koi8-r, cp866, …); "
        "detected when not given.",
        callback=_check_encoding,
    ),
]
ConfigFile = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Settings file (YAML) that changes leadkit's reference data: dedupe rules, legal "
        "forms, city names, synonyms … (see the README).",
    ),
]


class Engine(enum.StrEnum):
    """Where ``clean`` and ``dedupe`` run: Polars on this machine, or Apache Spark."""

    polars = "polars"
    spark = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        metavar="polars|spark",
        help="polars: this machine (default). spark: Apache Spark, same result; needs "
        "pip install 'leadkit[spark]' and Java 17; reads and writes Parquet paths Spark "
        "understands (local, hdfs://, s3a://).",
    ),
]
SparkMaster = Annotated[
    str,
    typer.Option(
        "--spark-master",
        metavar="URL",
        help="With --engine spark: the Spark master (local[*], local[2], spark://host:7077, yarn).",
    ),
]


def _spark_checked() -> None:
    """Fail with one line, before any work, when PySpark or Java is missing."""
    from leadkit.spark.session import check_spark

    check_spark()


def _say(message: str) -> None:
    typer.echo(f"leadkit: {message}", err=True)


# --- one run: what it writes, and how it stops ----------------------------------------------------


class Interrupted(KeyboardInterrupt):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) received while a command ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class _Run:
    """What the command being run has written so far, for the message when it is stopped."""

    outputs: list[OutputSet] = field(default_factory=list)  # every OutputSet the command made
    stdout: str = "no"  # "no", "started", "done"

    def written(self) -> list[str]:
        return [name for outputs in self.outputs if outputs.committed for name in outputs.written]

    def not_written(self) -> list[str]:
        return [
            name for outputs in self.outputs if not outputs.committed for name in outputs.targets
        ]


_RUN = _Run()


def _stopped(signum: int) -> str:
    """The line for a run stopped by a signal: which outputs were written (all of a run's files
    are committed together, so it is all of them or none)."""
    if signum == signal.SIGINT:
        how = "interrupted (Ctrl-C)"
    else:
        how = f"stopped by {signal.Signals(signum).name}"
    written = _RUN.written()
    said = f"{how} after writing {listed(written)}" if written else how
    if _RUN.stdout == "started":
        return f"{said}; the output on standard output is incomplete"
    if written:
        return said
    kept = [name for name in _RUN.not_written() if Path(name).exists()]
    unchanged = f" ({listed(kept)} left as {'it was' if len(kept) == 1 else 'they were'})"
    return f"{how}: nothing was written" + (unchanged if kept else "")


def _raise_interrupted(signum: int, _frame: Any) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a run as Ctrl-C does (temporary files removed, one line said)."""
    from leadkit.io.commit import STOP_SIGNALS, signal_handlers

    # SIG_IGN stays ignored (nohup); Ctrl-C is Python's own KeyboardInterrupt.
    stops = [number for number in STOP_SIGNALS if number != signal.SIGINT]
    with signal_handlers(stops, _raise_interrupted, leave=(signal.SIG_IGN,)):
        yield


def _command(func: F) -> F:
    """Turn library errors into exit code 1 (75 for a locked store) and one line on stderr, and a
    stop signal into exit 128 + its number (Ctrl-C 130, SIGTERM 143, SIGHUP 129)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _RUN
        _RUN = _Run()
        try:
            with _stop_signals(), tracked() as _RUN.outputs:
                return func(*args, **kwargs)
        except StoreLockedError as exc:
            _say(str(exc))
            raise typer.Exit(75) from None
        except LeadkitError as exc:
            _say(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            _say(_stopped(signum))
            raise typer.Exit(128 + signum) from None
        except MemoryError:
            _say("out of memory; split the input or write .parquet")
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except Exception as exc:
            if os.environ.get("LEADKIT_DEBUG"):
                raise
            _say(f"internal error: {type(exc).__name__}: {exc} (set LEADKIT_DEBUG=1 for details)")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


# --- helpers every command uses --------------------------------------------------------------------


@contextlib.contextmanager
def _file_progress() -> Iterator[Callable[[Any, int, int], None]]:
    """A progress bar over files on a terminal's stderr; nothing when stderr is a pipe or a file."""
    if not sys.stderr.isatty():
        yield lambda _file, _index, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(file: Any, index: int, total: int) -> None:
            progress.update(task, completed=index, total=total, description=file.source)

        yield advance


def _settings(config: str | None) -> Any:
    from leadkit.settings import default_settings, load_settings

    return default_settings() if config is None else load_settings(config)


def _workers() -> int:
    """Processes the pure-Python steps may use: every core of this machine."""
    return min(os.cpu_count() or 1, 8)


def _warn(notices: Iterable[Any]) -> None:
    for notice in notices:
        _say(f"warning: {notice}")


def _identity(path: Path) -> tuple[Any, ...]:
    """What makes two paths one file: device and inode when it exists (hard links and symlinks
    included), else the resolved path."""
    try:
        info = path.stat()
        return ("inode", info.st_dev, info.st_ino)
    except OSError:
        return ("path", path.resolve())


def _check_paths(
    inputs: Iterable[str | None],
    outputs: dict[str, str | None],
    *,
    folders: Iterable[str] = (),
) -> None:
    """Refuse before any work an output that is an input or another output of the same run,
    compared as files (symlinks and hard links included), naming both. ``inputs`` are every file
    the run reads (tables, maps, settings); an output inside one of the ``folders`` an import
    searches is refused too when it is a file that import would read."""
    from leadkit.io.inputs import SUPPORTED_SUFFIXES
    from leadkit.io.write import check_output

    to_stdout = [o for o, p in outputs.items() if p == "-" or (p is None and o == "-o")]
    if len(to_stdout) > 1:
        raise LeadkitError(
            f"{listed(to_stdout)} would all write to standard output; give all but one a file name"
        )
    inputs_seen: dict[tuple[Any, ...], str] = {}
    for path in inputs:
        if path and path != "-" and Path(path).exists():
            inputs_seen[_identity(Path(path))] = path
    outputs_seen: dict[tuple[Any, ...], tuple[str, str]] = {}
    searched = [Path(f).resolve() for f in folders if f != "-" and Path(f).is_dir()]
    for option, path in outputs.items():
        if path is None or path == "-":
            continue
        check_output(path)
        key = _identity(Path(path))
        if key in inputs_seen:
            raise LeadkitError(
                f"{option} would overwrite {inputs_seen[key]}, which this run reads; "
                "choose another output file",
                file=path,
            )
        if key in outputs_seen:
            other, other_path = outputs_seen[key]
            raise LeadkitError(
                f"{option} and {other} ({other_path}) are the same file; "
                "give each output a file of its own",
                file=path,
            )
        target = Path(path).resolve()
        for folder in searched:
            if target.is_relative_to(folder) and target.suffix.lower() in SUPPORTED_SUFFIXES:
                if target.exists():
                    raise LeadkitError(
                        f"{option} would overwrite a file that this import reads from {folder}; "
                        "choose a file outside that folder",
                        file=path,
                    )
                _say(
                    f"warning: {path}: the output is in {folder}, which this import reads: "
                    "a later import of that folder would read it as an export"
                )
        outputs_seen[key] = (option, path)


def _read_input(
    table: str,
    maps: Sequence[str] | None,
    *,
    skip_bad: bool,
    encoding: str | None,
    settings: Any,
) -> pl.DataFrame:
    """A command's input table: a leadkit table as it is, or a raw export imported as ``leadkit
    import`` would (the same maps, ``--skip-bad``, ``--encoding`` and warnings)."""
    from leadkit.config import load_maps
    from leadkit.io.tables import read_leads

    result = read_leads(
        table, load_maps(maps or []), settings=settings, skip_bad=skip_bad, encoding=encoding
    )
    _warn(result.warnings)
    return result.leads


def _write_outputs(
    files: Sequence[tuple[pl.DataFrame, str | None, str]],
    *,
    excel: bool = False,
    strict: bool = False,
    formats: Mapping[str, str] | None = None,
) -> None:
    """Write a run's outputs, ``(table, path, sheet)`` each: every file together (all replaced, or
    none if anything fails or the run is stopped), then the one whose path is ``-`` or None as CSV
    to standard output. ``formats``: XLSX number formats by column."""
    from leadkit.io.write import OutputSet, write_table

    to_files = [(t, p, s) for t, p, s in files if p is not None and p != "-"]
    to_stdout = [t for t, p, _ in files if p is None or p == "-"]
    if to_files:
        planned = [str(p) for _, p, _ in to_files]
        with OutputSet(anchor=planned[0], planned=planned) as outputs:
            for table, path, sheet in to_files:
                _warn(
                    write_table(
                        table,
                        path,
                        excel=excel,
                        sheet=sheet,
                        outputs=outputs,
                        strict=strict,
                        formats=formats,
                    )
                )
    for table in to_stdout[:1]:
        _RUN.stdout = "started"
        write_table(table, None, excel=excel)
        _RUN.stdout = "done"


# --- commands ---------------------------------------------------------------------------------------


@app.command("import")
@_command
def import_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Export files and folders (searched recursively, in sorted order); '-' for "
            "standard input.",
        ),
    ],
    output: Output = None,
    maps: Maps = None,
    region: Region = "RU",
    excel: Excel = False,
    strict: Strict = False,
    skip_bad: SkipBad = False,
    encoding: Encoding = None,
    config: ConfigFile = None,
) -> None:
    """Read CSV/TSV/TXT/XLSX exports into one lead table.

    Example:
      leadkit import exports/ --map maps/crm.yaml -o leads.csv
    """
    from leadkit.config import load_maps
    from leadkit.io.importer import import_leads

    _check_paths([*paths, *(maps or []), config], {"-o": output}, folders=paths)
    settings = _settings(config)
    source_maps = load_maps(maps or [])
    with _file_progress() as advance:
        result = import_leads(
            paths,
            source_maps,
            settings=settings,
            skip_bad=skip_bad,
            on_file=advance,
            encoding=encoding,
        )
    _warn(result.warnings)
    _write_outputs([(result.leads, output, "Leads")], excel=excel, strict=strict)
    _say(
        f"imported {counted(result.counts['leads'], 'lead')} "
        f"from {counted(result.counts['files'], 'file')}"
    )


@app.command("clean")
@_command
def clean_command(
    table: InputTable,
    output: Output = None,
    region: Region = "RU",
    excel: Excel = False,
    strict: Strict = False,
    maps: Maps = None,
    skip_bad: SkipBad = False,
    encoding: Encoding = None,
    config: ConfigFile = None,
    engine: EngineOption = Engine.polars,
    spark_master: SparkMaster = "local[*]",
) -> None:
    """Normalize phones (E.164), company names, INN/OGRN, e-mails, websites and cities.

    Example:
      leadkit clean leads.csv -o leads_clean.csv --region RU
    """
    from leadkit.normalize import clean_leads

    if engine is Engine.spark:
        _spark_checked()
        from leadkit.spark.run import is_spark_path, local_paths, run_clean

        _check_paths([table, *(maps or []), config], local_paths({"-o": output}))
        settings = _settings(config)
        leads = None
        if not is_spark_path(table):
            leads = _read_input(
                table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings
            )
        run = run_clean(table, leads, output, region=region, settings=settings, master=spark_master)
        _warn(run.warnings)
        _write_outputs(run.files, excel=excel, strict=strict)
        _say(
            f"cleaned {counted(run.counts['leads'], 'lead')}, "
            f"{run.counts['with_phone']:,} with a valid phone"
        )
        return
    _check_paths([table, *(maps or []), config], {"-o": output})
    settings = _settings(config)
    leads = _read_input(table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings)
    result = clean_leads(leads, region, settings=settings, workers=_workers())
    _warn(result.warnings)
    _write_outputs([(result.leads, output, "Leads")], excel=excel, strict=strict)
    _say(
        f"cleaned {counted(result.counts['leads'], 'lead')}, "
        f"{result.counts['with_phone']:,} with a valid phone"
    )


@app.command("dedupe")
@_command
def dedupe_command(
    table: InputTable,
    output: Output = None,
    clusters: Annotated[
        str | None,
        typer.Option(
            "--clusters",
            metavar="FILE",
            help="Also write every record with its cluster_id and match_reason.",
        ),
    ] = None,
    threshold: Annotated[
        int,
        typer.Option(
            "--threshold",
            metavar="N",
            parser=whole_number("--threshold", 50, 100),
            help="Name similarity (50-100) that a fuzzy name match needs; higher merges less.",
        ),
    ] = 88,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            metavar="FILE",
            help="Write the clusters merged on weak evidence, for a person to check.",
        ),
    ] = None,
    not_duplicates: Annotated[
        str | None,
        typer.Option(
            "--not-duplicates",
            metavar="FILE",
            help="Table of lead_id pairs (lead_id_a, lead_id_b) a person marked as different companies.",
        ),
    ] = None,
    previous: Annotated[
        str | None,
        typer.Option(
            "--previous",
            metavar="FILE",
            help="Last run's companies (or clusters) file: companies keep their cluster_id, "
            "lead_ids are united, and the clusters file says what changed.",
        ),
    ] = None,
    region: Region = "RU",
    excel: Excel = False,
    strict: Strict = False,
    maps: Maps = None,
    skip_bad: SkipBad = False,
    encoding: Encoding = None,
    config: ConfigFile = None,
    engine: EngineOption = Engine.polars,
    spark_master: SparkMaster = "local[*]",
) -> None:
    """Group the records of one company and write one merged row per company.

    Example:
      leadkit dedupe leads_clean.csv -o companies.xlsx --clusters clusters.csv --review review.csv
    """
    from leadkit.dedupe import check_not_duplicates, dedupe_leads
    from leadkit.io.tables import read_plain, scan_lead_table

    outputs = {"-o": output, "--clusters": clusters, "--review": review}
    if engine is Engine.spark:
        _spark_checked()
        from leadkit.spark.run import local_paths

        outputs = local_paths(outputs)
    _check_paths([table, not_duplicates, previous, *(maps or []), config], outputs)
    settings = _settings(config)
    pairs = None
    if not_duplicates is not None:
        pairs = read_plain(not_duplicates)
        check_not_duplicates(pairs, not_duplicates)
    if engine is Engine.spark:
        from leadkit.spark.run import is_spark_path, run_dedupe

        whole = None
        if not is_spark_path(table):
            whole = _read_input(
                table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings
            )
        run = run_dedupe(
            table,
            whole,
            output=output,
            clusters=clusters,
            review=review,
            not_duplicates=pairs,
            threshold=threshold,
            region=region,
            settings=settings,
            master=spark_master,
            previous=previous,
        )
        _warn(run.warnings)
        _write_outputs(run.files, excel=excel, strict=strict)
        _say(
            f"{counted(run.counts['records'], 'record')} → "
            f"{counted(run.counts['companies'], 'company', 'companies')}"
        )
        return
    # A Parquet table leadkit wrote is read lazily: matching reads only the columns it compares.
    leads: pl.DataFrame | pl.LazyFrame | None = None if maps else scan_lead_table(table)
    if leads is None:
        leads = _read_input(table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings)
    try:
        result = dedupe_leads(
            leads,
            threshold,
            pairs,
            region=region,
            settings=settings,
            workers=_workers(),
            previous=None if previous is None else read_plain(previous),
        )
    except LeadkitError as exc:
        if exc.file is None and exc.message.startswith("unreadable table"):
            exc.file = table
        raise
    _warn(result.warnings)
    files = [(result.merged, output, "Companies")]
    files += [(result.clusters, clusters, "Clusters")] if clusters is not None else []
    files += [(result.review, review, "Review")] if review is not None else []
    _write_outputs(files, excel=excel, strict=strict)
    _say(
        f"{counted(result.counts['records'], 'record')} → "
        f"{counted(result.counts['companies'], 'company', 'companies')}"
    )


def _check_today(value: str | None) -> str | None:
    import datetime as dt

    if value is None:
        return None
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date such as 2026-11-30 (YYYY-MM-DD)"
        ) from None
    return value.strip()


def _parse_today(value: str | None) -> Any:
    import datetime as dt

    return None if value is None else dt.date.fromisoformat(value)


def _check_span(value: str) -> str:
    from leadkit.quarantine.schedule import parse_span

    try:
        return parse_span(value)
    except LeadkitError as exc:
        raise typer.BadParameter(exc.message) from None


StoreFile = Annotated[
    str,
    typer.Option(
        "--store",
        metavar="FILE",
        help="The quarantine store (CSV); created when missing.",
    ),
]
Today = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="DATE",
        callback=_check_today,
        help="Use this date (YYYY-MM-DD) instead of the system date. Default: today.",
    ),
]
RetryAfter = Annotated[
    str,
    typer.Option(
        "--retry-after",
        metavar="SPAN",
        callback=_check_span,
        help="How long a number waits before it is dialled again: 6mo, 180d, 2w, 1y "
        "(calendar months: 31 Aug + 6mo = 28 Feb).",
    ),
]
Calls = Annotated[
    list[str] | None,
    typer.Option(
        "--calls",
        metavar="FILE",
        help="Dial results: an Asterisk Master.csv, or a CSV/XLSX with a number and a status "
        "column; a folder is searched recursively. Repeatable. Default: none.",
    ),
]
Unknown = Annotated[
    str | None,
    typer.Option(
        "--unknown",
        metavar="FILE",
        help="Also write the dial rows that decided nothing (unknown statuses, unreadable "
        "numbers), with their file and row. Default: not written.",
    ),
]
Wait = Annotated[
    bool,
    typer.Option(
        "--wait",
        help="Wait for another run's lock on the store instead of exiting with code 75. "
        "Default: do not wait.",
    ),
]


def _counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@app.command("quarantine")
@_command
def quarantine_command(
    table: InputTable,
    calls: Calls = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The active leads: every lead with a reachable number, without its unreachable "
            "ones. Format by extension; '-' or none: CSV on stdout.",
        ),
    ] = None,
    store: StoreFile = "quarantine.csv",
    today: Today = None,
    retry_after: RetryAfter = "6mo",
    unknown: Unknown = None,
    region: Region = "RU",
    excel: Excel = False,
    config: ConfigFile = None,
    wait: Wait = False,
    maps: Maps = None,
    skip_bad: SkipBad = False,
    encoding: Encoding = None,
) -> None:
    """Move unreachable numbers, and leads left with none, into the quarantine store.

    Numbers that the dial results say are not in service or reach the wrong person wait in the
    store until their retry date; numbers already in the store stay out of the active list, so a
    dead number never comes back through a new export. Re-running with the same inputs changes
    nothing.

    Example: leadkit quarantine leads_clean.csv --calls calls/ -o active.csv --store quarantine.csv
    """
    from leadkit.io.write import write_table
    from leadkit.quarantine import quarantine_leads
    from leadkit.quarantine.calls import read_dial_results
    from leadkit.quarantine.store import open_store

    day = _parse_today(today)
    _check_paths(
        [table, *(calls or []), *(maps or []), config],
        {"-o": output, "--store": store, "--unknown": unknown},
    )
    settings = _settings(config)
    leads = _read_input(table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings)
    results = read_dial_results(calls or [], settings=settings, region=region)
    with open_store(store, wait=wait) as session:
        result = quarantine_leads(
            leads,
            results,
            session.store,
            today=day,
            retry_after=retry_after,
            settings=settings,
            region=region,
        )
        if output is not None and output != "-":
            _warn(write_table(result.active, output, excel=excel, outputs=session.outputs))
        if unknown is not None:
            write_table(
                result.unknown, unknown, excel=excel, sheet="Unknown", outputs=session.outputs
            )
        session.save(result.store, result.moves, changed=result.changed, create=True)
    if output is None or output == "-":
        write_table(result.active, output, excel=excel)
    _warn(result.warnings)
    counts = result.counts
    _say(
        f"{_counted(counts['leads'], 'lead')} → {counts['active']} active, "
        f"{counts['to_store']} moved to the store whole; "
        f"{_counted(counts['quarantined'], 'number')} quarantined, "
        f"{counts['kept_out']} kept out (already in the store); "
        f"{store} holds {_counted(counts['store'], 'number')}"
    )


@app.command("recheck")
@_command
def recheck_command(
    store: StoreFile = "quarantine.csv",
    today: Today = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The entries due for re-dialling (with --calls: those still due). "
            "'-' or none: CSV on stdout.",
        ),
    ] = None,
    calls: Calls = None,
    released: Annotated[
        str | None,
        typer.Option(
            "--released",
            metavar="FILE",
            help="Where the leads whose numbers answered go back, whole (needed with --calls "
            "or --checker; written only when something was released). '-': CSV on stdout.",
        ),
    ] = None,
    checker: Annotated[
        str | None,
        typer.Option(
            "--checker",
            metavar="CMD",
            help="A command that reads the due numbers on stdin (one a line) and prints "
            "'number,status' lines, e.g. './check.sh'. Default: none.",
        ),
    ] = None,
    max_attempts: Annotated[
        int,
        typer.Option(
            "--max-attempts",
            metavar="N",
            parser=whole_number("--max-attempts", 1, 100),
            help="After this many unanswered dials (the first one included) a number is "
            "exhausted and never due again.",
        ),
    ] = 4,
    retry_after: RetryAfter = "6mo",
    unknown: Unknown = None,
    status: Annotated[
        bool,
        typer.Option(
            "--status",
            help="Print what the store holds (by reason, due this month, exhausted) and change "
            "nothing.",
        ),
    ] = False,
    region: Region = "RU",
    excel: Excel = False,
    config: ConfigFile = None,
    wait: Wait = False,
) -> None:
    """Re-check the quarantine store: list what is due, release what answers, reschedule the rest.

    Without --calls or --checker it writes the entries whose retry date has come (for the dialer)
    and changes nothing. With them, a due number that answered goes back to --released with its
    whole lead; one that did not gets attempts + 1 and a new retry date, or is exhausted after
    --max-attempts. Safe under cron: a second run at once exits 75 (or waits with --wait).

    Example: leadkit recheck --store quarantine.csv --calls calls/ --released released.csv
    """
    from leadkit.io.write import write_table
    from leadkit.quarantine import recheck_store, store_summary
    from leadkit.quarantine.calls import DialResults, read_dial_results
    from leadkit.quarantine.recheck import due_numbers, run_checker
    from leadkit.quarantine.store import open_store

    day = _parse_today(today)
    checking = bool(calls) or checker is not None
    if status and (checking or output is not None):
        raise typer.BadParameter("--status only reports; give it without -o, --calls or --checker")
    if unknown is not None and not checking:
        raise typer.BadParameter(
            "--unknown lists dial rows: give it with --calls or --checker", param_hint="--unknown"
        )
    if checking and released is None:
        raise typer.BadParameter(
            "with --calls or --checker, --released FILE says where answered leads go back",
            param_hint="--released",
        )
    if released == "-" and (output is None or output == "-"):
        raise typer.BadParameter(
            "--released - and the due list cannot both go to stdout; give -o FILE",
            param_hint="--released",
        )
    _check_paths(
        calls or [],
        {"-o": output, "--released": released, "--store": store, "--unknown": unknown},
    )
    settings = _settings(config)
    results = read_dial_results(calls or [], settings=settings, region=region) if calls else None
    with open_store(store, wait=wait) as session:
        if status:
            for line in store_summary(session.store, day).lines():
                typer.echo(line)
            return
        if checker is not None:
            numbers = due_numbers(session.store, day or _system_today())
            answer = (
                run_checker(checker, numbers, settings=settings, region=region)
                if numbers
                else DialResults.empty()
            )
            results = answer if results is None else results + answer
        result = recheck_store(
            session.store,
            results,
            today=day,
            retry_after=retry_after,
            max_attempts=max_attempts,
            settings=settings,
            region=region,
        )
        if output is not None and output != "-":
            _warn(
                write_table(result.due, output, excel=excel, sheet="Due", outputs=session.outputs)
            )
        if released is not None and released != "-" and result.released.height:
            _warn(
                write_table(
                    result.released, released, excel=excel, sheet="Leads", outputs=session.outputs
                )
            )
        if unknown is not None and checking:
            write_table(
                result.unknown, unknown, excel=excel, sheet="Unknown", outputs=session.outputs
            )
        session.save(result.store, result.moves, changed=result.changed)
    if output is None or output == "-":
        write_table(result.due, output, excel=excel)
    if released == "-" and result.released.height:
        write_table(result.released, released, excel=excel)
    _warn(result.warnings)
    counts = result.counts
    if not checking:
        _say(
            f"{_counted(counts['due'], 'number')} due of {counts['store']} in {store}; "
            "nothing changed"
        )
        return
    _say(
        f"{counts['due']} due: {counts['released']} released "
        f"({_counted(counts['released_leads'], 'lead')}), {counts['rescheduled']} rescheduled, "
        f"{counts['exhausted']} exhausted, {counts['not_checked']} without a result; "
        f"{store} holds {_counted(counts['store'], 'number')}"
    )


def _system_today() -> Any:
    import datetime as dt

    return dt.date.today()


def _period_day(
    ctx: typer.Context, param: typer.CallbackParam, value: str | None
) -> dt.date | None:
    """``--from``/``--to``: a YYYY-MM-DD date, and the period's start not after its end (exit 2)."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None
    other = ctx.params.get("date_to" if param.name == "date_from" else "date_from")
    if isinstance(other, dt.date):
        start, end = (day, other) if param.name == "date_from" else (other, day)
        if start > end:
            raise typer.BadParameter(f"the period starts ({start}) after it ends ({end})")
    return day


@app.command("classify")
@_command
def classify_command(
    clients: Annotated[
        str,
        typer.Argument(
            metavar="CLIENTS",
            help="The clients: a table leadkit wrote (e.g. dedupe's companies) or a CRM export, with "
            "channel and potential; '-' for CSV on stdin.",
        ),
    ],
    sales: Annotated[
        list[str],
        typer.Option(
            "--sales",
            metavar="SALES",
            help="Sales export (1C report, CRM or spreadsheet: CSV/TSV/TXT/XLSX) or a folder of them; "
            "repeat for several.",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="The classified clients; the format follows the extension (.csv .tsv .xlsx .parquet "
            ".jsonl). Default: CSV on stdout.",
        ),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="Settings file with an 'abcde:' section, or an ABCDE rules file (tiers, matrix, loss, "
            "key_accounts, measure). Default: the shipped rules (leadkit/data/abcde.yaml).",
        ),
    ] = None,
    date_from: Annotated[
        dt.date | None,
        typer.Option(
            "--from",
            metavar="DATE",
            callback=_period_day,
            parser=str,
            help="First day of the period (YYYY-MM-DD); earlier sales count only for relationship. "
            "Default: no limit.",
        ),
    ] = None,
    date_to: Annotated[
        dt.date | None,
        typer.Option(
            "--to",
            metavar="DATE",
            callback=_period_day,
            parser=str,
            help="Last day of the period (YYYY-MM-DD); later sales are left out. Default: no limit.",
        ),
    ] = None,
    summary: Annotated[
        str | None,
        typer.Option(
            "--summary",
            metavar="FILE",
            help="Also write the channel × class table (clients, revenue, profit, share, potential). "
            "Default: none.",
        ),
    ] = None,
    unmatched: Annotated[
        str | None,
        typer.Option(
            "--unmatched",
            metavar="FILE",
            help="Also write the sales rows that matched no client, with their file, row and reason. "
            "Default: only counted on stderr.",
        ),
    ] = None,
    previous: Annotated[
        str | None,
        typer.Option(
            "--previous",
            metavar="FILE",
            help="An earlier classification: adds abcde_previous and moved (e.g. B→A). Default: none.",
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            "-m",
            metavar="MAP.yaml",
            help="YAML column map for sales exports (fields client, inn, client_id, date, document, "
            "revenue, cost, profit) or a clients export (repeatable). Default: header synonyms.",
        ),
    ] = None,
    excel: Excel = False,
) -> None:
    """Class clients A–E by profit and potential within each sales channel.

    Example: leadkit classify companies.csv --sales sales/ --from 2026-01-01 --to 2026-12-31
    -o abcde.xlsx --summary summary.csv
    """
    from leadkit.classify import SHARE_FORMATS, class_counts, classify_clients, read_sales
    from leadkit.config import CLASSIFY_MAP_ALIASES, load_maps
    from leadkit.io.tables import read_plain, read_table
    from leadkit.settings import default_settings, load_settings

    if clients == "-" and "-" in sales:
        raise LeadkitError("only one of CLIENTS and --sales can be '-' (standard input)")
    outputs = {"-o": output, "--summary": summary, "--unmatched": unmatched}
    _check_paths([clients, *sales, previous, *(maps or []), config], outputs, folders=sales)
    settings = default_settings() if config is None else load_settings(config, section="abcde")
    source_maps = load_maps(maps or [], aliases=CLASSIFY_MAP_ALIASES)
    sales_read = read_sales(sales, source_maps, settings=settings)
    _warn(sales_read.warnings)
    table = read_table(clients, settings=settings, maps=source_maps)
    earlier = read_plain(previous) if previous is not None else None
    result = classify_clients(
        table,
        sales_read.sales,
        period=(date_from, date_to),
        settings=settings,
        previous=earlier,
        name="standard input" if clients == "-" else clients,
    )
    _warn(result.warnings)
    files = [(result.clients, output, "ABCDE")]
    files += [(result.summary, summary, "Summary")] if summary is not None else []
    files += [(result.unmatched, unmatched, "Unmatched")] if unmatched is not None else []
    _write_outputs(files, excel=excel, formats=SHARE_FORMATS)
    counts = result.counts
    classes = class_counts(counts)
    line = (
        f"classified {counts['clients']} clients in {counts['channels']} channel(s): {classes}; "
        f"{counts['matched_rows']} of {counts['sales_rows']} sales rows matched"
    )
    if counts["unmatched_rows"]:
        line += f", {counts['unmatched_rows']} matched no client" + (
            "" if unmatched else " (--unmatched FILE lists them)"
        )
    if "moved" in counts:
        line += f"; {counts['moved']} moved class"
    _say(line)


@app.command("run")
@_command
def run_command(
    pipeline_file: Annotated[
        str,
        typer.Argument(metavar="PIPELINE.yaml", help="The pipeline file (see the README's keys)."),
    ],
    today: Today = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing but errors (for cron).")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check the file and print the plan; run nothing."),
    ] = False,
) -> None:
    """Run the whole batch from one YAML file: import, clean, dedupe, quarantine, classify.

    The file is checked whole before any work starts; every output, the quarantine store and its
    journal are committed together at the end, so a failure leaves the previous ones as they were.

    Example: leadkit run examples/pipeline.yaml --today 2026-11-30
    """
    from leadkit.pipeline import load_pipeline, plan_lines, run_pipeline, summary_lines

    pipeline = load_pipeline(pipeline_file, today=_parse_today(today))
    if dry_run:
        for line in plan_lines(pipeline):
            typer.echo(line)
        return
    with _step_display(quiet) as on_step:
        result = run_pipeline(pipeline, on_step=on_step)
    if quiet:
        return
    _warn(result.warnings)
    for line in summary_lines(result):
        _say(line)
    for name, target in pipeline.outputs.items():
        _say(f"wrote {name}: {target}")


@contextlib.contextmanager
def _step_display(quiet: bool) -> Iterator[Callable[[str, str], None]]:
    """Progress of ``leadkit run``: a spinner per step on a terminal, one log line per step when
    stderr is a file or a pipe, nothing with ``--quiet``."""
    import time

    if quiet:
        yield lambda step, message: None
        return
    started: dict[str, float] = {}
    if not sys.stderr.isatty():

        def log(step: str, message: str) -> None:
            if not message:
                started[step] = time.perf_counter()
            elif step in started:
                _say(f"{step}: {message} ({time.perf_counter() - started[step]:.1f} s)")

        yield log
        return
    from rich.console import Console
    from rich.status import Status

    console = Console(stderr=True)
    status = Status("", console=console, spinner="dots")
    status.start()

    def show(step: str, message: str) -> None:
        if not message:
            started[step] = time.perf_counter()
            status.update(f"{step}…" if step != "write" else "writing the outputs…")
        elif step in started:
            status.stop()
            console.print(
                f"[green]✓[/green] {step}: {message} ({time.perf_counter() - started[step]:.1f} s)"
            )
            status.start()

    try:
        yield show
    finally:
        status.stop()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"leadkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """The app's own options (its help text is the ``help=`` given to ``LeadkitApp`` above)."""


def main() -> None:
    """Entry point of the ``leadkit`` console script."""
    if hasattr(signal, "SIGPIPE"):
        # `leadkit … | head` ends quietly instead of with a BrokenPipeError.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app()
