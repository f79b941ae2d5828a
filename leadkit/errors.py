"""Errors that the CLI turns into exit code 1 (or 75) and one line on stderr."""

from __future__ import annotations


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
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ConfigError(LeadkitError):
    """A YAML map, vocabulary or pipeline file that does not validate."""


class StoreLockedError(LeadkitError):
    """The quarantine store is locked by another run (exit code 75)."""
