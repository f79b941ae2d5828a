"""``leadkit run``: the whole batch — import, clean, dedupe, quarantine, classify — from one YAML file.

The file is validated whole before any work starts: an unknown key, an input that is not there, an
output that cannot be written is a :class:`ConfigError` naming the key, and nothing is written. Relative
paths are relative to the file. The steps then run in order (a step left out is skipped); every output,
the quarantine store and its journal are committed together at the end, so a failure in any step leaves
the previous outputs and the store as they were. See the README's "The whole batch" for every key.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from leadkit.config import SourceMap, load_maps
from leadkit.errors import ConfigError, LeadkitError, Notice, counted
from leadkit.io.write import FORMATS, OutputSet
from leadkit.settings import Settings, default_settings, load_settings

__all__ = ["Pipeline", "PipelineResult", "load_pipeline", "plan_lines", "run_pipeline"]

#: Every output a pipeline may name, the step that makes it, and what it holds.
OUTPUTS: Mapping[str, tuple[str, str]] = {
    "leads": ("clean", "every lead, normalized"),
    "companies": ("dedupe", "one row per company"),
    "clusters": ("dedupe", "every record with its company and why"),
    "review": ("dedupe", "companies joined near the threshold, to check by hand"),
    "active": ("quarantine", "the leads with a reachable number"),
    "unknown": ("quarantine", "dial rows that decided nothing"),
    "due": ("quarantine", "quarantined numbers due for re-dialling"),
    "abcde": ("classify", "clients with their ABCDE class"),
    "summary": ("classify", "channel × class"),
    "unmatched": ("classify", "sales rows that matched no client"),
    "workbook": ("", "one XLSX with every table and charts"),
}
STEPS = ("import", "clean", "dedupe", "quarantine", "classify")
_TOP_KEYS = {
    "region",
    "config",
    "settings",
    "today",
    "workers",
    "engine",
    "spark_master",
    *STEPS,
    "outputs",
}
_STEP_KEYS: Mapping[str, set[str]] = {
    "import": {"inputs", "maps", "skip_bad"},
    "clean": set(),
    "dedupe": {"threshold", "not_duplicates", "previous"},
    "quarantine": {"calls", "store", "retry_after", "wait"},
    "classify": {"clients", "sales", "maps", "from", "to", "previous"},
}


@dataclass(frozen=True)
class Pipeline:
    """A validated pipeline file: where every input and output is, and each step's options."""

    file: Path
    region: str
    settings: Settings
    today: dt.date
    workers: int
    inputs: tuple[str, ...]
    maps: tuple[SourceMap, ...]
    skip_bad: bool
    clean: bool
    dedupe: Mapping[str, Any] | None
    quarantine: Mapping[str, Any] | None
    classify: Mapping[str, Any] | None
    outputs: Mapping[str, Path]
    engine: str = "polars"
    """Where clean and dedupe run: ``polars`` (this machine) or ``spark`` (``spark_master``)."""
    spark_master: str = "local[*]"

    @property
    def steps(self) -> list[str]:
        """The steps that run, in order."""
        return _steps(self.clean, self.dedupe, self.quarantine, self.classify)


def _steps(clean: bool, dedupe: Any, quarantine: Any, classify: Any) -> list[str]:
    """The steps that run, in order: import always, clean when on, the others when configured."""
    wanted = {
        "import": True,
        "clean": clean,
        "dedupe": dedupe is not None,
        "quarantine": quarantine is not None,
        "classify": classify is not None,
    }
    return [step for step in STEPS if wanted[step]]


@dataclass
class PipelineResult:
    """Every table the run made (by output name), what each step counted, and the warnings."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[Notice] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    pipeline: Pipeline | None = None


# --- reading and checking the file ------------------------------------------------------------------


def _where(file: Path, key: str) -> str:
    return f"{file}: {key}"


def _mapping(value: Any, file: Path, key: str, allowed: set[str]) -> dict[str, Any]:
    if value is None or value is True:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError("expected a mapping of options (or nothing)", file=_where(file, key))
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise ConfigError(
            f"unknown key(s) {', '.join(unknown)}; known: {known}", file=_where(file, key)
        )
    return {str(k): v for k, v in value.items()}


def _paths(value: Any, base: Path, file: Path, key: str, *, must_exist: bool = True) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise ConfigError("expected a path or a list of paths", file=_where(file, key))
    found = []
    for item in items:
        path = Path(os.path.normpath(base / item))
        if path.is_relative_to(Path.cwd()):  # shown as the user would type it
            path = path.relative_to(Path.cwd())
        if must_exist and not path.exists():
            raise ConfigError(f"{item!r} does not exist ({path})", file=_where(file, key))
        found.append(str(path))
    return found


def _path(value: Any, base: Path, file: Path, key: str, *, must_exist: bool = True) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("expected a path", file=_where(file, key))
    return _paths(value, base, file, key, must_exist=must_exist)[0]


def _date(value: Any, file: Path, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(
            f"{value!r} is not a date written YYYY-MM-DD", file=_where(file, key)
        ) from None


def _writable(path: Path, file: Path, key: str) -> None:
    """An output must have a known format and a folder that exists (or can be made: ``run_pipeline``
    makes it) and is writable."""
    if path.suffix.lower() not in FORMATS:
        raise ConfigError(
            f"unknown output format {path.suffix or '(none)'}; use one of {', '.join(FORMATS)}",
            file=_where(file, key),
        )
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ConfigError(f"cannot write {path}: {folder} is not writable", file=_where(file, key))


class _Loader(yaml.SafeLoader):
    """YAML without dates: ``from: 2026-13-01`` stays text, so the error can name its key."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_pipeline(path: str | Path, *, today: dt.date | None = None) -> Pipeline:
    """Read and check a pipeline file whole (see the module's description); nothing runs yet."""
    from leadkit.config import CLASSIFY_MAP_ALIASES
    from leadkit.normalize.phones import _check_region
    from leadkit.quarantine.schedule import parse_span

    file = Path(path)
    try:
        doc = yaml.load(file.read_text(encoding="utf-8-sig"), Loader=_Loader)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=str(file)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            file=str(file),
            row=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(doc, Mapping):
        raise ConfigError("a pipeline file is a mapping of steps and outputs", file=str(file))
    top = _mapping(doc, file, "(top level)", _TOP_KEYS)
    base = file.resolve().parent
    if "import" not in top:
        raise ConfigError("the pipeline needs an 'import' step with its inputs", file=str(file))

    try:
        region = _check_region(str(top.get("region", "RU")))
    except LeadkitError as exc:
        raise ConfigError(exc.message, file=_where(file, "region")) from None
    if "config" in top and "settings" in top:
        raise ConfigError(
            "give either 'config' (a file) or 'settings' (inline), not both", file=str(file)
        )
    if "config" in top:
        settings = load_settings(_path(top["config"], base, file, "config"))
    elif "settings" in top:
        inline = top["settings"]
        if not isinstance(inline, Mapping):
            raise ConfigError("expected a mapping of settings", file=_where(file, "settings"))
        # Paths inside are relative to the pipeline file, as every other path here.
        settings = load_settings(overrides=_rebase(inline, base))
    else:
        settings = default_settings()
    day = today or (_date(top["today"], file, "today") if "today" in top else dt.date.today())
    workers = top.get("workers", min(os.cpu_count() or 1, 8))
    if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 64:
        raise ConfigError("expected a whole number from 1 to 64", file=_where(file, "workers"))

    imports = _mapping(top["import"], file, "import", _STEP_KEYS["import"])
    if "inputs" not in imports:
        raise ConfigError("missing key 'inputs'", file=_where(file, "import"))
    inputs = _paths(imports["inputs"], base, file, "import.inputs")
    maps = (
        load_maps(_paths(imports["maps"], base, file, "import.maps")) if "maps" in imports else ()
    )
    skip_bad = imports.get("skip_bad", False)
    if not isinstance(skip_bad, bool):
        raise ConfigError("expected true or false", file=_where(file, "import.skip_bad"))

    clean_value = top.get("clean", "dedupe" in top)
    clean = clean_value is not False
    if clean_value not in (True, False, None) and not isinstance(clean_value, Mapping):
        raise ConfigError("expected true, false or a mapping", file=_where(file, "clean"))

    dedupe: dict[str, Any] | None = None
    if top.get("dedupe", False) is not False and "dedupe" in top:
        dedupe = _mapping(top["dedupe"], file, "dedupe", _STEP_KEYS["dedupe"])
        threshold = dedupe.get("threshold", 88)
        if (
            not isinstance(threshold, int)
            or isinstance(threshold, bool)
            or not 50 <= threshold <= 100
        ):
            raise ConfigError(
                "expected a whole number from 50 to 100", file=_where(file, "dedupe.threshold")
            )
        dedupe["threshold"] = threshold
        for key in ("not_duplicates", "previous"):
            if key in dedupe:
                dedupe[key] = _path(dedupe[key], base, file, f"dedupe.{key}")
        if not clean:
            raise ConfigError("dedupe needs the clean step", file=_where(file, "clean"))

    quarantine: dict[str, Any] | None = None
    if top.get("quarantine", False) is not False and "quarantine" in top:
        quarantine = _mapping(top["quarantine"], file, "quarantine", _STEP_KEYS["quarantine"])
        quarantine["calls"] = (
            _paths(quarantine["calls"], base, file, "quarantine.calls")
            if "calls" in quarantine
            else []
        )
        store = _path(
            quarantine.get("store", "quarantine.csv"),
            base,
            file,
            "quarantine.store",
            must_exist=False,
        )
        if Path(store).suffix.lower() != ".csv":
            raise ConfigError(
                "the quarantine store is a .csv file", file=_where(file, "quarantine.store")
            )
        _writable(Path(store), file, "quarantine.store")
        quarantine["store"] = store
        try:
            quarantine["retry_after"] = parse_span(str(quarantine.get("retry_after", "6mo")))
        except LeadkitError as exc:
            raise ConfigError(exc.message, file=_where(file, "quarantine.retry_after")) from None
        if not isinstance(quarantine.get("wait", False), bool):
            raise ConfigError("expected true or false", file=_where(file, "quarantine.wait"))

    classify: dict[str, Any] | None = None
    if top.get("classify", False) is not False and "classify" in top:
        classify = _mapping(top["classify"], file, "classify", _STEP_KEYS["classify"])
        if "sales" not in classify:
            raise ConfigError("missing key 'sales'", file=_where(file, "classify"))
        classify["sales"] = _paths(classify["sales"], base, file, "classify.sales")
        clients = classify.get("clients", "companies")
        if clients not in ("companies", "active", "leads"):
            clients = _path(clients, base, file, "classify.clients")
        elif clients == "companies" and dedupe is None:
            raise ConfigError(
                "'companies' needs the dedupe step; name a clients file or 'leads'",
                file=_where(file, "classify.clients"),
            )
        elif clients == "active" and quarantine is None:
            raise ConfigError(
                "'active' needs the quarantine step", file=_where(file, "classify.clients")
            )
        classify["clients"] = clients
        classify["maps"] = (
            load_maps(
                _paths(classify["maps"], base, file, "classify.maps"), aliases=CLASSIFY_MAP_ALIASES
            )
            if "maps" in classify
            else ()
        )
        for key in ("from", "to"):
            classify[key] = (
                _date(classify[key], file, f"classify.{key}") if key in classify else None
            )
        if classify["from"] and classify["to"] and classify["from"] > classify["to"]:
            raise ConfigError("the period starts after it ends", file=_where(file, "classify.from"))
        if "previous" in classify:
            classify["previous"] = _path(classify["previous"], base, file, "classify.previous")

    outputs_raw = _mapping(top.get("outputs"), file, "outputs", set(OUTPUTS))
    outputs: dict[str, Path] = {}
    steps = set(_steps(clean, dedupe, quarantine, classify))
    inputs_read = {Path(p).resolve() for p in inputs}
    for name, value in outputs_raw.items():
        target = Path(_path(value, base, file, f"outputs.{name}", must_exist=False))
        step = OUTPUTS[name][0]
        if step and step not in steps:
            raise ConfigError(
                f"no {step} step makes this output", file=_where(file, f"outputs.{name}")
            )
        if name == "workbook" and target.suffix.lower() != ".xlsx":
            raise ConfigError(
                "the workbook is an .xlsx file", file=_where(file, "outputs.workbook")
            )
        _writable(target, file, f"outputs.{name}")
        if target.resolve() in inputs_read or any(
            target.resolve() == o.resolve() for o in outputs.values()
        ):
            raise ConfigError(
                "this output would overwrite an input or another output",
                file=_where(file, f"outputs.{name}"),
            )
        if quarantine is not None and target.resolve() == Path(quarantine["store"]).resolve():
            raise ConfigError(
                "this output is the quarantine store", file=_where(file, f"outputs.{name}")
            )
        outputs[name] = target
    if not outputs and quarantine is None:
        raise ConfigError(
            "the pipeline writes nothing: name an output", file=_where(file, "outputs")
        )
    engine, spark_master = _engine(top, file, dedupe)
    return Pipeline(
        file=file,
        region=region,
        settings=settings,
        today=day,
        workers=workers,
        inputs=tuple(inputs),
        maps=tuple(maps),
        skip_bad=skip_bad,
        clean=clean,
        dedupe=dedupe,
        quarantine=quarantine,
        classify=classify,
        outputs=outputs,
        engine=engine,
        spark_master=spark_master,
    )


def _engine(
    top: Mapping[str, Any], file: Path, dedupe: Mapping[str, Any] | None
) -> tuple[str, str]:
    """``engine`` (polars or spark) and ``spark_master``, checked."""
    engine = top.get("engine", "polars")
    if engine not in ("polars", "spark"):
        raise ConfigError("expected polars or spark", file=_where(file, "engine"))
    master = top.get("spark_master", "local[*]")
    if not isinstance(master, str) or not master.strip():
        raise ConfigError(
            "expected a Spark master URL such as local[*] or spark://host:7077",
            file=_where(file, "spark_master"),
        )
    if engine == "spark":
        from leadkit.spark.session import check_spark

        check_spark()  # PySpark and Java, before any work
    if engine == "spark" and dedupe is not None and "previous" in dedupe:
        raise ConfigError(
            "dedupe.previous is not available with engine: spark yet",
            file=_where(file, "dedupe.previous"),
        )
    return engine, master.strip()


def _rebase(settings: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Inline settings whose file paths are made relative to the pipeline's folder."""
    rebased: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, str):
            rebased[key] = str(base / value)
        elif key == "profiles" and isinstance(value, list):
            rebased[key] = [str(base / v) if isinstance(v, str) else v for v in value]
        else:
            rebased[key] = value
    return rebased


def plan_lines(pipeline: Pipeline) -> list[str]:
    """What a run would do, a line a step and an output (``--dry-run``)."""
    lines = [f"pipeline {pipeline.file} (today {pipeline.today}, region {pipeline.region})"]
    lines.append(f"  import    {', '.join(pipeline.inputs)}")
    if pipeline.engine == "spark":
        lines.append(f"  engine    spark on {pipeline.spark_master} (clean and dedupe)")
    if pipeline.clean:
        lines.append("  clean")
    if pipeline.dedupe is not None:
        extra = [f"{k} {v}" for k, v in pipeline.dedupe.items() if k != "threshold"]
        lines.append(
            f"  dedupe    threshold {pipeline.dedupe['threshold']}"
            + "".join(f", {e}" for e in extra)
        )
    if pipeline.quarantine is not None:
        q = pipeline.quarantine
        calls = ", ".join(q["calls"]) or "no dial results"
        lines.append(
            f"  quarantine store {q['store']}, calls {calls}, retry after {q['retry_after']}"
        )
    if pipeline.classify is not None:
        c = pipeline.classify
        period = f"{c['from'] or '…'} – {c['to'] or '…'}"
        lines.append(f"  classify  {c['clients']} by sales {', '.join(c['sales'])}, {period}")
    for name, target in pipeline.outputs.items():
        lines.append(f"  write     {name}: {target}")
    return lines


# --- running ----------------------------------------------------------------------------------------


Progress = Callable[[str, str], None]


def run_pipeline(pipeline: Pipeline, *, on_step: Progress | None = None) -> PipelineResult:
    """Run the steps in order; commit every output (and the store) together at the end.

    ``on_step(step, message)`` is told when a step starts (message empty) and when it ends (a short
    summary): for a progress display or a log line.
    """
    from leadkit.io.importer import import_leads
    from leadkit.io.tables import read_plain, read_table

    tell = on_step or (lambda step, message: None)
    result = PipelineResult(pipeline=pipeline)
    settings = pipeline.settings
    # Output folders that are not there yet were checked to be makeable: made now, before any work.
    targets = [*pipeline.outputs.values()]
    if pipeline.quarantine is not None:
        targets.append(Path(pipeline.quarantine["store"]))
    for target in targets:
        Path(target).parent.mkdir(parents=True, exist_ok=True)

    def timed(step: str, work: Callable[[], str]) -> None:
        tell(step, "")
        start = time.perf_counter()
        message = work()
        result.seconds[step] = time.perf_counter() - start
        tell(step, message)

    def do_import() -> str:
        imported = import_leads(
            list(pipeline.inputs), pipeline.maps, settings=settings, skip_bad=pipeline.skip_bad
        )
        result.tables["imported"] = imported.leads
        result.counts["import"] = imported.counts
        result.warnings.extend(imported.warnings)
        return (
            f"{counted(imported.counts['leads'], 'lead')} "
            f"from {counted(imported.counts['files'], 'file')}"
        )

    timed("import", do_import)
    leads = result.tables["imported"]

    clean_leads: Callable[..., Any]
    dedupe_leads: Callable[..., Any]
    if pipeline.engine == "spark":
        from leadkit.spark import run as spark_run

        clean_leads = functools.partial(spark_run.clean_table, master=pipeline.spark_master)
        dedupe_leads = functools.partial(spark_run.dedupe_table, master=pipeline.spark_master)
    else:
        from leadkit.dedupe import dedupe_leads as dedupe_here
        from leadkit.normalize import clean_leads as clean_here

        clean_leads, dedupe_leads = clean_here, dedupe_here

    if pipeline.clean:

        def do_clean() -> str:
            cleaned = clean_leads(
                leads, pipeline.region, settings=settings, workers=pipeline.workers
            )
            result.tables["leads"] = cleaned.leads
            result.counts["clean"] = cleaned.counts
            result.warnings.extend(cleaned.warnings)
            return f"{cleaned.counts['with_phone']:,} of {cleaned.counts['leads']:,} with a valid phone"

        timed("clean", do_clean)
        leads = result.tables["leads"]

    base = leads
    if pipeline.dedupe is not None:
        from leadkit.dedupe import check_not_duplicates

        options = pipeline.dedupe

        def do_dedupe() -> str:
            pairs = None
            if "not_duplicates" in options:
                pairs = read_plain(options["not_duplicates"])
                check_not_duplicates(pairs, options["not_duplicates"])
            previous = read_plain(options["previous"]) if "previous" in options else None
            deduped = dedupe_leads(
                leads,
                options["threshold"],
                pairs,
                region=pipeline.region,
                settings=settings,
                workers=pipeline.workers,
                previous=previous,
            )
            result.tables.update(
                companies=deduped.merged, clusters=deduped.clusters, review=deduped.review
            )
            result.counts["dedupe"] = deduped.counts
            result.warnings.extend(deduped.warnings)
            return (
                f"{deduped.counts['records']:,} records → {deduped.counts['companies']:,} companies"
            )

        timed("dedupe", do_dedupe)
        base = result.tables["companies"]

    def commit(outputs: OutputSet) -> None:
        if pipeline.classify is not None:
            timed("classify", lambda: _classify(pipeline, result, read_table, read_plain))
        tell("write", "")
        _stage(pipeline, result, outputs)

    if pipeline.quarantine is not None:
        from leadkit.quarantine.store import open_store

        q = pipeline.quarantine
        with open_store(q["store"], wait=q.get("wait", False)) as session:
            timed("quarantine", lambda: _quarantine(pipeline, result, base, session))
            commit(session.outputs)
            result.written = [str(p) for p in (*pipeline.outputs.values(), q["store"])]
    else:
        first = next(iter(pipeline.outputs.values()))
        with OutputSet(anchor=first) as outputs:
            commit(outputs)
        result.written = [str(p) for p in pipeline.outputs.values()]
    return result


def _quarantine(
    pipeline: Pipeline, result: PipelineResult, base: pl.DataFrame, session: Any
) -> str:
    from leadkit.quarantine import quarantine_leads
    from leadkit.quarantine.calls import read_dial_results
    from leadkit.quarantine.recheck import recheck_store

    q = pipeline.quarantine
    assert q is not None
    calls = read_dial_results(q["calls"], settings=pipeline.settings, region=pipeline.region)
    moved = quarantine_leads(
        base,
        calls,
        session.store,
        today=pipeline.today,
        retry_after=q["retry_after"],
        settings=pipeline.settings,
        region=pipeline.region,
    )
    due = recheck_store(moved.store, today=pipeline.today, settings=pipeline.settings)
    session.save(moved.store, moved.moves, changed=moved.changed, create=True)
    result.tables.update(active=moved.active, unknown=moved.unknown, due=due.due, store=moved.store)
    result.counts["quarantine"] = {**moved.counts, "due": due.due.height}
    result.warnings.extend(moved.warnings)
    c = moved.counts
    return (
        f"{counted(c['quarantined'], 'number')} quarantined, {c['kept_out']:,} kept out; "
        f"{c['active']:,} active, {due.due.height:,} due"
    )


def _classify(
    pipeline: Pipeline,
    result: PipelineResult,
    read_table: Callable[..., pl.DataFrame],
    read_plain: Callable[..., pl.DataFrame],
) -> str:
    from leadkit.classify import class_counts, classify_clients, read_sales

    c = pipeline.classify
    assert c is not None
    sales = read_sales(c["sales"], c["maps"], settings=pipeline.settings)
    result.warnings.extend(sales.warnings)
    source = c["clients"]
    if source in ("companies", "active", "leads"):
        clients, name = result.tables[source], source
    else:
        clients, name = read_table(source, settings=pipeline.settings, maps=c["maps"]), source
    classified = classify_clients(
        clients,
        sales.sales,
        period=(c["from"], c["to"]),
        settings=pipeline.settings,
        previous=read_plain(c["previous"]) if c.get("previous") else None,
        name=name,
    )
    result.tables.update(
        abcde=classified.clients, summary=classified.summary, unmatched=classified.unmatched
    )
    result.counts["classify"] = classified.counts
    result.warnings.extend(classified.warnings)
    classes = class_counts(classified.counts)
    return f"{classified.counts['clients']:,} clients: {classes}"


_SHEETS = {
    "leads": "Leads",
    "companies": "Companies",
    "clusters": "Clusters",
    "review": "Review",
    "active": "Active",
    "unknown": "Unknown",
    "due": "Due",
    "abcde": "ABCDE",
    "summary": "Summary",
    "unmatched": "Unmatched",
}


def _stage(pipeline: Pipeline, result: PipelineResult, outputs: OutputSet) -> None:
    """Stage every output named in the pipeline into ``outputs`` (committed by the caller)."""
    from leadkit.classify import SHARE_FORMATS
    from leadkit.io.write import write_table
    from leadkit.report import write_report

    for name, target in pipeline.outputs.items():
        if name == "workbook":
            notices = write_report(result, target, outputs)
        else:
            notices = write_table(
                result.tables[name],
                target,
                sheet=_SHEETS[name],
                outputs=outputs,
                formats=SHARE_FORMATS if name in ("abcde", "summary") else None,
            )
        result.warnings.extend(notices)


def summary_lines(result: PipelineResult) -> list[str]:
    """What the run did, in numbers, for the terminal (and the workbook's Summary sheet)."""
    counts = result.counts
    lines = []
    if "import" in counts:
        lines.append(
            f"{counted(counts['import']['leads'], 'lead')} read "
            f"from {counted(counts['import']['files'], 'file')}"
        )
    if "clean" in counts:
        c = counts["clean"]
        lines.append(
            f"{c['with_phone']:,} with a valid phone, {c['with_invalid_phone']:,} with an invalid one"
        )
    if "dedupe" in counts:
        d = counts["dedupe"]
        lines.append(
            f"{d['records']:,} records → {d['companies']:,} companies "
            f"({d['merged_records']:,} duplicates merged, {d['review_records']:,} to review)"
        )
    if "quarantine" in counts:
        q = counts["quarantine"]
        lines.append(
            f"{counted(q['quarantined'], 'number')} quarantined, "
            f"{counted(q['to_store'], 'lead')} moved to the store, "
            f"{q['kept_out']:,} kept out; the store holds {q['store']:,}, {q['due']:,} due"
        )
    if "classify" in counts:
        c = counts["classify"]
        from leadkit.classify import class_counts

        lines.append(f"{c['clients']:,} clients classed: {class_counts(c)}")
    return lines
