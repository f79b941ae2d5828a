#!/usr/bin/env python3
"""An example checker for ``leadkit recheck --checker``: answers from a cloud PBX's call report (CSV).

How it fits into the cycle: on the first of the month cron runs ``leadkit recheck`` without
``--calls`` to get the due numbers (``-o due.csv``), which are loaded into the PBX as a dialling
campaign (Mango Office, UIS/CoMagic, Zadarma and others take a CSV of numbers). When the campaign has
run, its call log is exported as CSV and this script tells leadkit what happened to each number:

    leadkit recheck --store quarantine.csv --released released.csv \\
        --checker "python3 examples/check_pbx_report.py examples/recheck/pbx_report_2027-05.csv"

The protocol (what every checker does): leadkit writes the due numbers on the checker's standard
input, one a line (E.164, e.g. ``+74957771122``), and reads ``number,status`` lines from its
standard output. A status is whatever the PBX wrote (``Отвечен``, ``Номер не существует``,
``numb_not_exists``, ``1133``, ``ANSWERED``…): leadkit reads it through its status vocabulary. A number
the report does not mention is left out (leadkit keeps it due). A non-zero exit makes leadkit change
nothing.

The report may be UTF-8 (with or without BOM) or cp1251, separated by ``;``, ``,`` or tabs, with a
number column and a status column under any of the usual headers; where a number was dialled several
times, the last row wins. Only the standard library is used, so any Python 3 runs it.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

NUMBER_HEADERS = ("номер клиента", "номер", "телефон", "куда", "phone", "number", "to", "dst")
STATUS_HEADERS = (
    "результат",
    "статус",
    "status",
    "disposition",
    "disconnect_reason",
    "finish_reason",
    "result",
)


def read_report(path: Path) -> list[dict[str, str]]:
    """The report's rows as dicts keyed by lower-case header."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader)]
    return [dict(zip(header, (c.strip() for c in row), strict=False)) for row in reader if row]


def pick(header: list[str], names: tuple[str, ...], path: Path) -> str:
    """The first of ``names`` the header has."""
    for name in names:
        if name in header:
            return name
    sys.exit(f"{path}: no column named any of {', '.join(names)}")


def digits(number: str) -> str:
    """The last ten digits: '8 (495) 777-11-22', '+74957771122' and '74957771122' agree."""
    return re.sub(r"\D", "", number)[-10:]


def main(argv: list[str]) -> int:
    """Answer leadkit: the due numbers on stdin, ``number,status`` lines on stdout."""
    if not argv:
        sys.exit("usage: check_pbx_report.py REPORT.csv [REPORT.csv ...]")
    latest: dict[str, str] = {}
    for name in argv:
        path = Path(name)
        rows = read_report(path)
        if not rows:
            continue
        number = pick(list(rows[0]), NUMBER_HEADERS, path)
        status = pick(list(rows[0]), STATUS_HEADERS, path)
        for row in rows:
            if row.get(number) and row.get(status):
                latest[digits(row[number])] = row[status]
    out = csv.writer(sys.stdout, lineterminator="\n")
    for line in sys.stdin:
        asked = line.strip()
        if asked and digits(asked) in latest:
            out.writerow([asked, latest[digits(asked)]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
