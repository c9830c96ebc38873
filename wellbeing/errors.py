"""Error pages: JSON for ``/api/...`` paths, NHS.UK styled HTML elsewhere.

An unexpected error is logged by where it happened (exception types and the stack), never by its
message: messages can quote the data that caused them (a database's "Key (email)=(...)", a
``ValueError`` naming a value), and requests carry people's details.
"""

import traceback

from flask import Flask, current_app, jsonify, render_template, request
from flask.globals import request_ctx
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


def error_schema(**extra: dict[str, object]) -> dict[str, object]:
    """The JSON Schema of ``json_error``'s shape, for OpenAPI documents; ``extra`` adds the
    optional members an API uses (``fields``, ``parameter``)."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    **extra,
                },
            }
        },
    }


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description or error.name)
    if request_ctx.url_adapter is None:  # never routed (an untrusted Host): no page can link
        return Response(f"{error.name}: {error.description}", status, mimetype="text/plain")
    template = TEMPLATES.get(status) or (
        "errors/500.html" if status >= 500 else "errors/generic.html"
    )
    return render_template(template, error=error, status=status), status


def redacted_traceback(error: BaseException) -> str:
    """The stack of ``error`` and of the errors that led to it, with types but no messages."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    parts = []
    for item in reversed(chain):
        stack = "".join(traceback.format_tb(item.__traceback__))
        kind = f"{type(item).__module__}.{type(item).__qualname__}"
        parts.append(f"Traceback (most recent call last):\n{stack}{kind} (message withheld)")
    return "\n\nwhich led to:\n\n".join(parts)


def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    """Roll back whatever the request half-did, log it, and say sorry without details."""
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    current_app.logger.error(
        "Unhandled error on %s %s (endpoint %s)\n%s",
        request.method,
        request.url_rule.rule if request.url_rule else "(no route)",
        request.endpoint,
        redacted_traceback(error),
    )
    if wants_json():
        return json_error(500, "Something went wrong on our side. Try again later.")
    return render_template("errors/500.html", error=InternalServerError(), status=500), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
