"""Error pages: JSON for ``/api/...`` paths, NHS.UK styled HTML elsewhere."""

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from wellbeing.extensions import db

TEMPLATES = {403: "errors/403.html", 404: "errors/404.html", 429: "errors/429.html"}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def json_error(status: int, message: str, **extra: object) -> Response:
    """The one JSON error shape of every API: ``{"error": {"status", "message", ...}}``."""
    response = jsonify({"error": {"status": status, "message": message, **extra}})
    response.status_code = status
    return response


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description or error.name)
    template = TEMPLATES.get(status) or (
        "errors/500.html" if status >= 500 else "errors/generic.html"
    )
    return render_template(template, error=error, status=status), status


def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    """Roll back whatever the request half-did, log it, and say sorry without details."""
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if wants_json():
        return json_error(500, "Something went wrong on our side. Try again later.")
    return render_template("errors/500.html", error=InternalServerError(), status=500), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
