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
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        # SIG_IGN stays ignored (nohup); a handler installed outside Python is left alone.
        if number is not None and signal.getsignal(number) not in (None, signal.SIG_IGN):
            previous[number] = signal.signal(number, _raise_interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


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
        except (typer.Exit, typer.Abort):
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
) -> None:
    """Write a run's outputs, ``(table, path, sheet)`` each: every file together (all replaced, or
    none if anything fails or the run is stopped), then the one whose path is ``-`` or None as CSV
    to standard output."""
    from leadkit.io.write import OutputSet, write_table

    to_files = [(t, p, s) for t, p, s in files if p is not None and p != "-"]
    to_stdout = [t for t, p, _ in files if p is None or p == "-"]
    if to_files:
        planned = [str(p) for _, p, _ in to_files]
        with OutputSet(anchor=planned[0], planned=planned) as outputs:
            for table, path, sheet in to_files:
                _warn(
                    write_table(
                        table, path, excel=excel, sheet=sheet, outputs=outputs, strict=strict
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
) -> None:
    """Normalize phones (E.164), company names, INN/OGRN, e-mails, websites and cities.

    Example:
      leadkit clean leads.csv -o leads_clean.csv --region RU
    """
    from leadkit.normalize import clean_leads

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
    region: Region = "RU",
    excel: Excel = False,
    strict: Strict = False,
    maps: Maps = None,
    skip_bad: SkipBad = False,
    encoding: Encoding = None,
    config: ConfigFile = None,
) -> None:
    """Group the records of one company and write one merged row per company.

    Example:
      leadkit dedupe leads_clean.csv -o companies.xlsx --clusters clusters.csv --review review.csv
    """
    from leadkit.dedupe import check_not_duplicates, dedupe_leads
    from leadkit.io.tables import read_plain

    outputs = {"-o": output, "--clusters": clusters, "--review": review}
    _check_paths([table, not_duplicates, *(maps or []), config], outputs)
    settings = _settings(config)
    leads = _read_input(table, maps, skip_bad=skip_bad, encoding=encoding, settings=settings)
    pairs = None
    if not_duplicates is not None:
        pairs = read_plain(not_duplicates)
        check_not_duplicates(pairs, not_duplicates)
    result = dedupe_leads(
        leads, threshold, pairs, region=region, settings=settings, workers=_workers()
    )
    _warn(result.warnings)
    files = [(result.merged, output, "Companies")]
    files += [(result.clusters, clusters, "Clusters")] if clusters is not None else []
    files += [(result.review, review, "Review")] if review is not None else []
    _write_outputs(files, excel=excel, strict=strict)
    _say(
        f"{counted(result.counts['records'], 'record')} → "
        f"{counted(result.counts['companies'], 'company', 'companies')}"
    )


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
