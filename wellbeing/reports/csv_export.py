"""A report table as a CSV file that a spreadsheet opens safely (``wellbeing.csv_safety``)."""

from wellbeing.csv_safety import csv_text
from wellbeing.reports.tables import Table


def table_csv(table: Table) -> str:
    """The table's heading and rows, every cell neutralised, with a byte order mark."""
    return csv_text(table.head, table.rows)
