"""A report table as a CSV file that a spreadsheet opens safely.

A spreadsheet runs a cell that begins with =, +, - or @ as a formula (and a leading tab or
carriage return can hide one), so such a cell gets a leading apostrophe, as OWASP advises.
Plain numbers ("-0.50", "+1.25", "75%") are left as they are: no spreadsheet runs them.
Names come from the directory and accounts, so any cell may begin with anything.
"""

import csv
import io
import re

from wellbeing.reports.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet should show it, never run it."""
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def table_csv(table: Table) -> str:
    """The table's heading and rows, every cell neutralised, with a byte order mark so that
    spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in table.head])
    writer.writerows([neutralise(cell) for cell in row] for row in table.rows)
    return "\ufeff" + out.getvalue()
