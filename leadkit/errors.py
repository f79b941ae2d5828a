"""Errors that the CLI turns into exit code 1 (or 75) and one line on stderr, and the notices (warnings)
that steps return beside their tables."""

from __future__ import annotations

from dataclasses import dataclass


def _where(file: str | None, row: int | None, column: str | None) -> str:
    parts = []
    if file is not None:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts)


class LeadkitError(Exception):
    """Bad input or configuration: the message names the file, and the row and column where known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

    def __str__(self) -> str:
        where = _where(self.file, self.row, self.column)
        return f"{where}: {self.message}" if where else self.message


class ConfigError(LeadkitError):
    """A YAML map, settings, vocabulary or pipeline file that does not validate."""


class NoHeaderError(LeadkitError):
    """No row among a file's first ones names the columns its kind of table needs: a wrong encoding
    or a missing map, which the reader may still try to mend."""


class StoreLockedError(LeadkitError):
    """The quarantine store is locked by another run (exit code 75)."""


@dataclass(frozen=True)
class Notice:
    """A warning a step met on its way (a skipped sheet, surplus cells, unknown ids): the step still
    finished. The CLI prints each on stderr; ``leadkit run`` lists them in its summary."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = _where(self.file, self.row, self.column)
        return f"{where}: {self.message}" if where else self.message


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (a library's can run to a stack trace), or its type."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def counted(number: int, one: str, many: str | None = None) -> str:
    """A count with its noun in the right number: ``1 company``, ``2 companies``, ``1 file``."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def listed(names: list[str]) -> str:
    """Names joined as a person writes them: ``a.csv``, ``a.csv and b.csv``, ``a, b and c``."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
