"""Workbook sheets (XLSX, XLSM, XLS, ODS) as rows of cells: the one workbook reader of leadkit.

Read with python-calamine, which keeps empty leading rows (so row numbers are the spreadsheet's own).
:func:`read_sheets` gives cell texts: a number cell comes back as the digits a person sees (7707083893,
never 7.7e9), dates in ISO form. :func:`read_sheet_values` gives the cells' own values (numbers as
floats, dates as dates), for tables of amounts such as sales reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from leadkit.errors import LeadkitError

Rows = list[list[str | None]]


def sheet_names(path: str, where: str) -> list[str]:
    """The names of the workbook's sheets, in workbook order."""
    return list(_open(path, where).sheet_names)


def chosen_sheets(path: str, where: str, sheet: str | None) -> list[str]:
    """The sheets to read: the one a map names (which must be there), else every sheet."""
    names = sheet_names(path, where)
    if sheet is None:
        return names
    if sheet not in names:
        raise LeadkitError(f"no sheet {sheet!r} (sheets: {', '.join(names)})", file=where)
    return [sheet]


def read_sheets(
    path: str, where: str, names: list[str] | None = None
) -> Iterator[tuple[str, Rows]]:
    """Each sheet (or each of ``names``) as ``(name, rows of cell texts)``; empty cells are None."""
    for name, values in read_sheet_values(path, where, names):
        yield name, [[cell_text(v) for v in row] for row in values]


def read_sheet_values(
    path: str, where: str, names: list[str] | None = None
) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each sheet (or each of ``names``) as ``(name, rows of cell values)``: text as ``str``, numbers as
    ``float``, dates as ``datetime.date``/``datetime.datetime``, booleans as ``bool``; empty cells ``""``."""
    workbook = _open(path, where)
    for name in names if names is not None else list(workbook.sheet_names):
        try:
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types
            raise LeadkitError(f"sheet {name!r} is unreadable: {exc}", file=where) from exc
        yield name, values


def _open(path: str, where: str) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(path)
    except (
        Exception
    ) as exc:  # calamine raises its own error types for every kind of broken workbook
        raise LeadkitError(f"not a readable workbook: {exc}", file=where) from exc


def cell_text(value: Any) -> str | None:
    """A workbook cell as the text a person sees: 7707083893.0 → '7707083893', dates in ISO form."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
