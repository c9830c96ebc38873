"""Home page and health check."""

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify, render_template
from sqlalchemy import text
from werkzeug.wrappers import Response

from wellbeing.extensions import db

bp = Blueprint("main", __name__)
HealthCheck = Callable[[], dict[str, object]]


@bp.get("/")
def home() -> str:
    return render_template("main/home.html")


@bp.get("/healthz")
def health() -> tuple[Response, int]:
    """For load balancers: the app is up and the database answers; then what each part reports
    (search says whether meaning-based search is on, and why not)."""
    db.session.execute(text("SELECT 1"))
    report: dict[str, object] = {"status": "ok"}
    for name, check in current_app.extensions.get("health_checks", {}).items():
        report[name] = check()
    return jsonify(report), 200


def add_health_check(app: Flask, name: str, check: HealthCheck) -> None:
    """A part's own line in /healthz (its checks must be cheap: load balancers call it often)."""
    app.extensions.setdefault("health_checks", {})[name] = check
