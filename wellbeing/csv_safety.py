"""CSV files that a spreadsheet opens safely: the reports' tables and the audit log's export.

A spreadsheet runs a cell that begins with =, +, - or @ as a formula (and a leading tab or
carriage return can hide one), so such a cell gets a leading apostrophe, as OWASP advises.
Plain numbers ("-0.50", "+1.25", "75%") are left as they are: no spreadsheet runs them.
Names come from the directory and accounts, so any cell may begin with anything.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet should show it, never run it."""
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A heading row and rows, every cell neutralised, with a byte order mark so that
    spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in head])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()
