"""``GET /api/reports/summary``: a report's figures as JSON, for commissioners' and
administrators' API tokens (the same figures and suppression as the pages)."""

from flask import Blueprint, g, jsonify, request
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.tokens import authenticate_bearer, token_required
from wellbeing.database import utcnow
from wellbeing.errors import json_error
from wellbeing.extensions import csrf, db
from wellbeing.reports import VIEWERS
from wellbeing.reports.figures import build_report
from wellbeing.reports.filters import FilterErrors, read_filters
from wellbeing.reports.summary import summary
from wellbeing.working_days import uk_day

bp = Blueprint("api_reports", __name__, url_prefix="/api/reports")
csrf.exempt(bp)
bp.before_request(authenticate_bearer)


@bp.get("/summary")
@token_required(*VIEWERS)
def report_summary() -> Response:
    """Figures for ``from``, ``to`` (YYYY-MM-DD, UK dates) and optional ``area`` (slug),
    ``practice`` and ``source``; a wrong parameter is a 422 naming it."""
    now = utcnow()
    try:
        filters = read_filters(request.args, uk_day(now))
    except FilterErrors as error:
        name, message = next(iter(error.errors.items()))
        return json_error(422, f"{name}: {message}", parameter=name, fields=error.errors)
    figures = summary(build_report(filters, now))
    audit.record(g.api_user, "report.view", "report", "summary", filters.as_args())
    db.session.commit()
    return jsonify(figures)
