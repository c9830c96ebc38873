"""A report laid out as tables: the same rows on the page and in each table's CSV file.

Every cell is text as shown: counts ("12", "<5", "not shown"), shares ("75%"), days, changes.
The first cell of each row names it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wellbeing.referrals.models import STATUS_LABELS, ReferralSource, ReferralStatus
from wellbeing.reports.areas import NOT_KNOWN
from wellbeing.reports.contact import CONTACT_LABELS, WAITING_LABELS
from wellbeing.reports.figures import Report
from wellbeing.reports.measure_change import InstrumentChange
from wellbeing.reports.outcomes import WHOLES
from wellbeing.reports.suppression import FEWER_THAN_5, HIDDEN, THRESHOLD, Count, Partition

HIDDEN_NOTE = (
    f'"{HIDDEN}": hidden so that a count under 5 in this table cannot be worked out from the total.'
)
OVERLAP_NOTE = (
    "A referral can count in more than one row, so the rows add up to more than the total."
)
# Every table, by the key in its CSV file's address, in the order the page shows them.
TABLE_KEYS = (
    "by-month",
    "by-source",
    "by-practice",
    "by-need",
    "by-area",
    "by-status",
    "first-contact",
    "waiting-now",
    "outcomes",
    "connections-by-service",
    "connections-by-category",
    "ons4",
    "swemwbs",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Table:
    key: str  # in the CSV file's address: /reports/<key>.csv
    title: str
    head: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    lead: str = ""  # said above the table on the page
    # The columns the page shows (all when None): the CSV file may carry one the page says once.
    page_columns: tuple[int, ...] | None = None
    withheld: str = ""  # said on the page instead of a table with nothing to show


def count_text(value: Count) -> str:
    return HIDDEN if value is None else str(value)


def share_text(value: float | None) -> str:
    return FEWER_THAN_5 if value is None else f"{round(value * 100)}%"


def days_text(value: float | None) -> str:
    return FEWER_THAN_5 if value is None else f"{value:g}"


def change_text(value: float | None) -> str:
    return FEWER_THAN_5 if value is None else f"{value:+.2f}"


def month_label(month: str) -> str:
    """'2026-04' -> 'Apr 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def source_label(value: str) -> str:
    return ReferralSource(value).label


def status_label(value: str) -> str:
    return STATUS_LABELS[ReferralStatus(value)]


def counts_table(
    key: str,
    title: str,
    heading: str,
    values: Partition[str] | Mapping[str, Count],
    label: Callable[[str], str] = str,
    unit: str = "Referrals",
) -> Table:
    """One row per category; a partition adds its total (rows that overlap have none)."""
    if isinstance(values, Partition):
        rows = [[label(name), count_text(value)] for name, value in values.shown.items()]
        rows.append(["Total", count_text(values.shown_total)])
        hidden = any(value is None for value in values.shown.values())
        return Table(key, title, [heading, unit], rows, [HIDDEN_NOTE] if hidden else [])
    rows = [[label(name), count_text(value)] for name, value in values.items()]
    return Table(key, title, [heading, unit], rows, [OVERLAP_NOTE])


def first_contact_table(report: Report) -> Table:
    figures = report.first_contact
    target = f"{figures.target} working day{'s' if figures.target != 1 else ''}"
    rows = [
        ["Median time to first contact (working days)", days_text(figures.median_days)],
        ["90th percentile (working days)", days_text(figures.p90_days)],
        [f"Share reached within the target ({target})", share_text(figures.within_target)],
        *[[CONTACT_LABELS[key], count_text(value)] for key, value in figures.parts.shown.items()],
    ]
    return Table("first-contact", "Time to first contact", ["Figure", "Value"], rows)


def waiting_table(report: Report) -> Table:
    figures = report.waiting_now
    rows = [
        ["Waiting for first contact now", count_text(figures.count)],
        *[[WAITING_LABELS[key], count_text(value)] for key, value in figures.parts.shown.items()],
        ["Longest wait so far (working days)", days_text(figures.longest_days)],
    ]
    return Table("waiting-now", "Waiting now", ["Figure", "Value"], rows)


def outcomes_table(report: Report) -> Table:
    """Each whole (decided, closed), then the rates that are shares of it."""
    figures = report.outcomes
    wholes = {"decided": figures.decided, "closed": figures.closed}
    rows = []
    for key, value in wholes.items():
        label = WHOLES[key][0]
        rows.append([label, count_text(value), ""])
        for rate in (rate for rate in figures.rates if rate.of == key):
            share = share_text(rate.rate)
            rate_text = share if rate.rate is None else f"{share} of {label.lower()}"
            rows.append([rate.label, count_text(rate.count), rate_text])
    return Table("outcomes", "Outcomes", ["Outcome", "Referrals", "Rate"], rows)


def measure_table(change: InstrumentChange) -> Table:
    improved = "1 metric point" if change.instrument.value == "swemwbs" else "1 point"
    rows = [
        [
            item.label,
            count_text(change.people),
            change_text(item.mean_change),
            share_text(item.improved_share),
        ]
        for item in change.items
    ]
    head = ["Item", "People measured", "Mean change", f"Improved by {improved} or more"]
    lead = f"People measured (a baseline and a later measure): {count_text(change.people)}."
    too_few = not isinstance(change.people, int) or change.people < THRESHOLD
    withheld = "No figures are shown: fewer than 5 people were measured." if too_few else ""
    return Table(change.instrument.value, change.title, head, rows, [], lead, (0, 2, 3), withheld)


def headline(report: Report) -> list[tuple[str | None, str]]:
    """The figures asked for first, as (number or None when not shown, what it counts)."""
    contact, target = report.first_contact, report.first_contact.target
    median, within = contact.median_days, contact.within_target
    return [
        (count_text(report.total), "referrals"),
        (None if median is None else days_text(median), "working days to first contact (median)"),
        (None if within is None else share_text(within), f"reached within {target} working days"),
        (count_text(report.waiting_now.count), "waiting for first contact now"),
    ]


def report_tables(report: Report) -> dict[str, Table]:
    """Every table of the report, by key, in the order the page shows them."""
    areas = {**report.area_names, NOT_KNOWN: "Area not known"}
    connections = report.connections
    tables = [
        counts_table("by-month", "Referrals by month", "Month", report.by_month, month_label),
        counts_table("by-source", "Referrals by source", "Source", report.by_source, source_label),
        counts_table(
            "by-practice",
            "Referrals by referring organisation",
            "Organisation",
            report.by_organisation,
        ),
        counts_table("by-need", "Referrals by need", "Need", report.by_need),
        counts_table("by-area", "Referrals by area", "Area", report.by_area, areas.__getitem__),
        counts_table(
            "by-status", "Referrals by status now", "Status", report.by_status, status_label
        ),
        first_contact_table(report),
        waiting_table(report),
        outcomes_table(report),
        counts_table(
            "connections-by-service",
            "Connections by service",
            "Service",
            connections.by_service,
            unit="Connections",
        ),
        counts_table(
            "connections-by-category",
            "Connections by service category",
            "Category",
            connections.by_category,
            unit="Connections",
        ),
        *[measure_table(change) for change in report.measures],
    ]
    return {table.key: table for table in tables}
