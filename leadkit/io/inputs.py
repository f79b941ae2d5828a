"""Which files an import reads: files and folders (searched recursively, in sorted path order), or stdin."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from leadkit.errors import LeadkitError, Notice

STDIN = "-"
DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
SUPPORTED_SUFFIXES = DELIMITED_SUFFIXES | WORKBOOK_SUFFIXES


@dataclass(frozen=True)
class InputFile:
    """A file to import: where it is and what ``source`` calls it."""

    path: Path | None  # None: standard input
    source: str

    @property
    def where(self) -> str:
        """The file as messages name it: ``standard input`` for ``-``, else its source name."""
        return "standard input" if self.path is None else self.source

    @property
    def suffix(self) -> str:
        """The lower-case extension (``.csv`` for standard input)."""
        return ".csv" if self.path is None else self.path.suffix.lower()

    def read_bytes(self, stdin: io.BufferedIOBase | None = None) -> bytes:
        """The file's bytes (standard input's, or ``stdin``'s, for ``-``); an unreadable file is a
        :class:`LeadkitError` naming it."""
        if self.path is None:
            return (stdin or sys.stdin.buffer).read()
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise LeadkitError(f"cannot read: {exc.strerror}", file=self.source) from exc


def find_inputs(paths: Sequence[str]) -> tuple[list[InputFile], list[Notice]]:
    """Expand files and directories (recursively, in sorted path order) into the files to import.

    Hidden files and folders and Excel's ``~$`` lock files are left out; a file named twice is read once.
    """
    found: list[InputFile] = []
    notices: list[Notice] = []
    seen: set[Path] = set()
    for arg in paths:
        if arg == STDIN:
            found.append(InputFile(None, "stdin"))
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
                ),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not files:
                raise LeadkitError("no CSV, TSV, TXT or Excel files in this directory", file=arg)
            pairs = [(p, p.relative_to(path).as_posix()) for p in files]
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise LeadkitError(
                    f"unsupported file type {path.suffix or '(none)'}; "
                    f"leadkit reads {', '.join(sorted(SUPPORTED_SUFFIXES))}",
                    file=arg,
                )
            pairs = [(path, path.name)]
        else:
            raise LeadkitError("no such file or directory", file=arg)
        for file, source in pairs:
            key = file.resolve()
            if key in seen:
                notices.append(Notice("named twice, imported once", file=str(file)))
                continue
            seen.add(key)
            found.append(InputFile(file, source))
    return found, notices
