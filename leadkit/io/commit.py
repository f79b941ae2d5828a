"""Files written so that a reader never sees half of them: one file, or the outputs of one run together.

Each file is written to a temporary file beside its target (``.NAME.PID.RANDOM.tmp``, created with the
user's umask, or with the mode of the file it replaces) and flushed to disk. One file is then renamed over
its target. Several files are committed together through a journal:

1. every temporary file is written and flushed;
2. the journal (``.leadkit-commit-NAME.json`` beside the anchor, the run's main output or store), listing
   each (temporary, target) pair, is written and flushed: from here on the run counts as done;
3. the temporary files are renamed over their targets, in the journal's order;
4. the journal is removed.

A run killed before step 2 leaves every target as it was (the next run removes its temporary files); one
killed after it leaves the journal, and the next run with the same anchor completes the renames first
(:func:`recover`). Either way the targets are all old or all new. A target that is a symlink is written
through: the file it points to is replaced, the link stays.

Steps 2 to 4 run with SIGINT, SIGTERM and SIGHUP held back: a Ctrl-C or a ``kill`` that arrives
meanwhile takes effect when the commit is complete, so an interrupted run has written all of its
outputs or none of them, and :attr:`OutputSet.committed` says which.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from leadkit.errors import LeadkitError

JOURNAL_VERSION = 1


def _crash_point(name: str) -> None:
    """A test seam: ``LEADKIT_CRASH_AT=name`` kills the process here, as a power cut would."""
    if os.environ.get("LEADKIT_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


#: The seam for other modules' own crash points (the store's commit, for one).
crash_point = _crash_point


def _pause_point(name: str) -> None:
    """A test seam: ``LEADKIT_PAUSE_AT=name`` says so on stderr and waits here (``LEADKIT_PAUSE_SECONDS``,
    30 by default), so that a test can send a signal at a known point."""
    if os.environ.get("LEADKIT_PAUSE_AT") == name:
        sys.stderr.write(f"leadkit: test seam: paused at {name}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get("LEADKIT_PAUSE_SECONDS", "30")))


#: The signals that stop a run: Ctrl-C, ``kill``/``timeout``/systemd, a closed terminal.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def signal_handlers(
    numbers: Iterable[int], handler: Callable[[int, Any], None], *, leave: tuple[Any, ...] = ()
) -> Iterator[None]:
    """Handle the signals ``numbers`` with ``handler`` for the block, then put back what handled
    them before. A signal handled outside Python (``getsignal`` gives None), which could not be put
    back, or handled as one of ``leave`` is left as it is. Python runs signal handlers in the main
    thread only, so this is done there; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        number: signal.signal(number, handler)
        for number in numbers
        if signal.getsignal(number) not in (None, *leave)
    }
    try:
        yield
    finally:
        for number, earlier in previous.items():
            signal.signal(number, earlier)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP for the block: one that arrives meanwhile is noted, and
    delivered again (to whatever handled it before) when the block ends."""
    arrived: list[int] = []

    def note(signum: int, _frame: object) -> None:
        arrived.append(signum)

    try:
        with signal_handlers(STOP_SIGNALS, note):
            yield
    finally:
        if arrived:
            signal.raise_signal(arrived[0])


def real_target(target: str | Path) -> Path:
    """The file a write to ``target`` replaces: a symlink's destination, else the path itself."""
    path = Path(target)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def cannot_write(target: str | Path, exc: OSError) -> LeadkitError:
    """A write failure in the user's words: ``cannot write out/a.csv: read-only file system``."""
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the disk"
    return LeadkitError(f"cannot write: {reason[:1].lower() + reason[1:]}", file=str(target))


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _temp_file(target: str | Path, shown: str | None = None) -> Iterator[tuple[Path, IO[bytes]]]:
    """A new temporary file beside ``target``'s destination, open for writing; flushed to disk when
    the block ends, removed when it fails. OSErrors become one-line LeadkitErrors naming ``shown``."""
    destination = real_target(target)
    name = shown or str(target)
    if not destination.parent.is_dir():
        raise LeadkitError("the output folder does not exist", file=name)
    temp = _temp_path(destination)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise cannot_write(name, exc) from exc
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(destination).st_mode))
        with os.fdopen(fd, "wb") as handle:
            yield temp, handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise cannot_write(name, exc) from exc
        raise


def stage(
    target: str | Path, write: Callable[[IO[bytes]], object], shown: str | None = None
) -> Path:
    """Write a temporary file beside ``target`` with ``write(handle)`` and flush it; return its path.

    The temporary file gets the mode of the file it will replace, or 0666 less the umask for a new one.
    Any failure removes it and is raised as a one-line LeadkitError naming ``shown`` (the user's path).
    """
    with _temp_file(target, shown) as (temp, handle):
        write(handle)
    return temp


def _replace(temp: Path, target: str | Path) -> None:
    try:
        os.replace(temp, real_target(target))
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise cannot_write(target, exc) from exc
    _fsync_dir(real_target(target).parent)


def write_file(target: str | Path, write: Callable[[IO[bytes]], object]) -> None:
    """Replace one file atomically with what ``write(handle)`` writes."""
    _replace(stage(target, write), target)


def journal_path(anchor: str | Path) -> Path:
    """Where the journal of a run whose main output (or store) is ``anchor`` lives."""
    target = real_target(anchor)
    return target.with_name(f".leadkit-commit-{target.name}.json")


def recover(anchor: str | Path) -> list[str]:
    """Finish what a killed run with this anchor left: complete its renames if its journal is there,
    and remove the temporary files of runs that are no longer alive. Returns the targets completed."""
    journal = journal_path(anchor)
    done: list[str] = []
    if journal.exists():
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            moves = [(Path(t), Path(d)) for t, d in entry["moves"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LeadkitError(
                "an earlier run left a commit journal that cannot be read; "
                "check the outputs it lists and remove it",
                file=str(journal),
            ) from exc
        for temp, target in moves:
            if temp.exists():
                os.replace(temp, target)
                done.append(str(target))
        for folder in {target.parent for _, target in moves}:
            _fsync_dir(folder)
        journal.unlink()
    _remove_stale_temps(real_target(anchor).parent)
    return done


def _remove_stale_temps(folder: Path) -> None:
    """Remove temporary files of leadkit runs whose process has ended."""
    with contextlib.suppress(OSError):
        for temp in folder.glob(".*.tmp"):
            parts = temp.name.rsplit(".", 3)
            if len(parts) != 4 or not parts[1].isdigit():
                continue
            pid = int(parts[1])
            if pid != os.getpid() and not _alive(pid):
                with contextlib.suppress(OSError):
                    temp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_TRACKERS: list[list[OutputSet]] = []


@contextlib.contextmanager
def tracked() -> Iterator[list[OutputSet]]:
    """Every :class:`OutputSet` created while the block runs, in order: after a stop signal the
    command line says from them what was written and what was not, whichever command made them."""
    found: list[OutputSet] = []
    _TRACKERS.append(found)
    try:
        yield found
    finally:
        _TRACKERS.remove(found)


class OutputSet:
    """The files of one run, committed together (see the module's description)::

    with OutputSet(anchor=store) as outputs:
        outputs.add("active.csv", lambda h: h.write(...))
        outputs.add(store, ...)
    # committed here; an exception inside the block leaves every target as it was
    """

    def __init__(self, anchor: str | Path, planned: list[str] | None = None) -> None:
        """``anchor``: the run's main output (its journal lives beside it); ``planned``: every output
        the run means to add, so that a run stopped half-way can name them all."""
        self.anchor = Path(anchor)
        self.staged: list[tuple[Path, Path, str]] = []  # (temp, destination, name shown)
        self.committed = False
        self.written: list[str] = []  # the names replaced, once committed
        self.targets: list[str] = list(planned or [])  # every output, as the user named it
        for found in _TRACKERS:
            found.append(self)
        recover(self.anchor)

    @property
    def names(self) -> list[str]:
        """The outputs staged so far, as the user named them."""
        return [name for _, _, name in self.staged]

    def add(self, target: str | Path, write: Callable[[IO[bytes]], object]) -> None:
        """Stage one output; nothing is replaced before :meth:`commit`."""
        destination = real_target(target)
        if any(d == destination for _, d, _ in self.staged):
            raise LeadkitError("one run cannot write the same file twice", file=str(target))
        if str(target) not in self.targets:
            self.targets.append(str(target))
        self.staged.append((stage(target, write), destination, str(target)))
        _pause_point(f"staged-{len(self.staged)}")

    def commit(self) -> list[str]:
        """Replace every target; returns the names written, in order. Stop signals are held back
        until it is done (see the module's description)."""
        with signals_held():
            try:
                self._commit()
            except BaseException:
                if not journal_path(self.anchor).exists():
                    self.abort()  # nothing was replaced: the temporary files go
                raise
            self.written = self.names
            self.committed = True
        return self.written

    def _commit(self) -> None:
        if not self.staged:
            return
        if len(self.staged) == 1:
            temp, destination, name = self.staged[0]
            _crash_point("before-rename")
            _pause_point("committing")
            try:
                os.replace(temp, destination)
            except OSError as exc:
                raise cannot_write(name, exc) from exc
            _fsync_dir(destination.parent)
            return
        journal = journal_path(self.anchor)
        entry = {
            "version": JOURNAL_VERSION,
            "pid": os.getpid(),
            "moves": [[str(t), str(d)] for t, d, _ in self.staged],
        }
        data = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        _crash_point("before-journal")
        journal_temp = stage(journal, lambda handle: handle.write(data))
        os.replace(journal_temp, journal)
        _fsync_dir(journal.parent)
        _crash_point("after-journal")
        _pause_point("committing")
        for index, (temp, destination, _) in enumerate(self.staged):
            os.replace(temp, destination)
            _crash_point(f"after-rename-{index + 1}")
        for folder in {d.parent for _, d, _ in self.staged}:
            _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(journal.parent)

    def abort(self) -> None:
        """Remove every staged temporary file; the targets stay as they were. (A second Ctrl-C
        meanwhile waits until they are gone.)"""
        with signals_held():
            for temp, _, _ in self.staged:
                with contextlib.suppress(OSError):
                    temp.unlink()
            self.staged = []

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


@contextlib.contextmanager
def atomic_file(output: str | Path) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``output`` only when the block finishes without an error."""
    with _temp_file(output) as (temp, handle):
        yield handle
    _replace(temp, output)
