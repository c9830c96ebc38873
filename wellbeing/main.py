"""Home page and health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from werkzeug.wrappers import Response

from wellbeing.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    return render_template("main/home.html")


@bp.get("/healthz")
def health() -> tuple[Response, int]:
    """For load balancers: the app is up and the database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"}), 200
