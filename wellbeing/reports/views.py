"""Reports pages for commissioners and administrators: ``/reports`` and each table as CSV.

No page here shows a person: only counts and figures, suppressed where they are small. Every
view and download is audited with the filters used, and nothing else.
"""

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from wellbeing import audit
from wellbeing.accounts.access import role_required
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.models import ReferralSource
from wellbeing.reports import VIEWERS
from wellbeing.reports.charts import BarChart, LineChart, bar_chart, line_chart
from wellbeing.reports.csv_export import table_csv
from wellbeing.reports.figures import build_report
from wellbeing.reports.filters import (
    PARAMETERS,
    FilterErrors,
    ReportFilters,
    area_choices,
    practice_choices,
    quick_ranges,
    read_filters,
)
from wellbeing.reports.tables import TABLE_KEYS, Table, headline, report_tables
from wellbeing.working_days import uk_day

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
# The page's sections (id, heading), for its contents list.
SECTIONS = [
    ("referrals", "Referrals"),
    ("first-contact", "Time to first contact"),
    ("outcomes", "Outcomes"),
    ("connections", "Connections"),
    ("wellbeing", "Wellbeing change"),
    ("how-we-count", "How we count"),
]
# Tables drawn as bar charts too, and the column each chart draws.
BAR_CHARTS = {
    "by-source": 1,
    "by-status": 1,
    "by-need": 1,
    "by-area": 1,
    "outcomes": 2,
    "connections-by-category": 1,
}


def _charts(tables: dict[str, Table]) -> dict[str, BarChart | LineChart]:
    """Charts of the tables that have a figure to draw (a table of hidden counts has none)."""
    charts: dict[str, BarChart | LineChart] = {"by-month": line_chart(tables["by-month"])}
    for key, column in BAR_CHARTS.items():
        title = "Outcome rates: of the referrals decided, or closed" if key == "outcomes" else None
        charts[key] = bar_chart(tables[key], column, title)
    return {key: chart for key, chart in charts.items() if chart.drawn}


def _form_page(today: date, errors: dict[str, str], filters: ReportFilters | None) -> str:
    """The filter form (as typed when it has errors), with the figures when there are filters
    to show them for."""
    report = build_report(filters, utcnow()) if filters else None
    tables = report_tables(report) if report else {}
    values = (
        filters.as_args() if filters else {name: request.args.get(name, "") for name in PARAMETERS}
    )
    return render_template(
        "reports/index.html",
        report=report,
        tables=tables,
        charts=_charts(tables) if tables else {},
        headline_figures=headline(report) if report else [],
        sections=SECTIONS,
        errors=errors,
        values={name: values.get(name, "") for name in PARAMETERS},
        other_filters={
            name: value
            for name, value in values.items()
            if name not in ("from", "to") and value and name not in errors
        },
        areas=area_choices(),
        practices=practice_choices(),
        sources=list(ReferralSource),
        quick_ranges=quick_ranges(today),
    )


@bp.get("")
@role_required(*VIEWERS)
def index() -> str | tuple[str, int]:
    """The report for the filters asked for (the last 12 full months by default)."""
    today = uk_day(utcnow())
    try:
        filters = read_filters(request.args, today)
    except FilterErrors as error:
        return _form_page(today, error.errors, None), 422
    page = _form_page(today, {}, filters)
    audit.record(current_user, "report.view", "report", "summary", filters.as_args())
    db.session.commit()
    return page


@bp.get("/<key>.csv")
@role_required(*VIEWERS)
def download(key: str) -> Response | tuple[str, int]:
    """One table of the report as a CSV file, for the same filters as the page."""
    if key not in TABLE_KEYS:
        abort(404)
    today = uk_day(utcnow())
    try:
        filters = read_filters(request.args, today)
    except FilterErrors as error:
        return _form_page(today, error.errors, None), 422
    table = report_tables(build_report(filters, utcnow()))[key]
    audit.record(current_user, "report.download", "report", key, filters.as_args())
    db.session.commit()
    name = f"wellbeing-{key}-{filters.start.isoformat()}-to-{filters.end.isoformat()}.csv"
    return Response(
        table_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
