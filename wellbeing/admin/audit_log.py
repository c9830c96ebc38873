"""The audit log's page and its CSV export, for administrators. Reading or exporting the log is
itself audited, with the filters used (an account by id, never its email)."""

from collections.abc import Iterator

from flask import Response, render_template, request
from flask_login import current_user
from sqlalchemy import func

from wellbeing import audit
from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role
from wellbeing.admin.audit_query import CSV_HEAD, AuditFilters, describe, events_query, read_filters
from wellbeing.admin.blueprint import PER_PAGE, bp
from wellbeing.admin.forms import AuditFilterForm
from wellbeing.csv_safety import csv_text
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.query_args import page_number_or_first
from wellbeing.working_days import uk_day

# More rows than this in one file is a sign the filters were forgotten; the page says so.
MAX_EXPORT = 100_000
DESCRIBE_BATCH = 1_000


def _filter_args(form: AuditFilterForm) -> dict[str, str]:
    """The filters as typed, for the pages' links and the CSV link."""
    return {field.name: field.data.strip() for field in form if (field.data or "").strip()}


def _page(form: AuditFilterForm, status: int = 200, **context: object) -> tuple[str, int]:
    html = render_template("admin/audit.html", form=form, filter_args=_filter_args(form), **context)
    return html, status


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> tuple[str, int]:
    """The audit log, newest first, filtered by date, who, action and referral."""
    form = AuditFilterForm(formdata=request.args)
    filters = read_filters(form)
    if filters is None:
        return _page(form, 422)
    page = db.paginate(
        events_query(filters),
        page=page_number_or_first(request.args),
        per_page=PER_PAGE,
        error_out=False,
    )
    html = _page(form, events=describe(list(page.items)), page=page)
    audit.record(current_user, "audit.view", "audit", None, {**filters.detail(), "page": page.page})
    db.session.commit()
    return html


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv() -> Response | tuple[str, int]:
    """The events the filters select, every one of them, as a CSV file."""
    form = AuditFilterForm(formdata=request.args)
    filters = read_filters(form)
    if filters is None:
        return _page(form, 422)
    total = db.session.execute(
        db.select(func.count()).select_from(events_query(filters).subquery())
    ).scalar_one()
    if total > MAX_EXPORT:
        form.start.errors.append(
            f"The filters select {total:,} events: choose dates that select at most "
            f"{MAX_EXPORT:,} to download them"
        )
        return _page(form, 422)
    text = csv_text(CSV_HEAD, _csv_rows(filters))
    audit.record(current_user, "audit.export", "audit", None, {**filters.detail(), "rows": total})
    db.session.commit()
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(filters)}"'},
    )


def _csv_rows(filters: AuditFilters) -> Iterator[list[str]]:
    """Each event's row, described a batch at a time (a query's parameters are limited)."""
    events = list(db.session.execute(events_query(filters)).scalars())
    for start in range(0, len(events), DESCRIBE_BATCH):
        for view in describe(events[start : start + DESCRIBE_BATCH]):
            yield view.csv_row()


def _file_name(filters: AuditFilters) -> str:
    start = filters.start.isoformat() if filters.start else "start"
    end = (filters.end or uk_day(utcnow())).isoformat()
    return f"wellbeing-audit-{start}-to-{end}.csv"
