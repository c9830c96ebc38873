"""Serves the NHS.UK frontend's compiled CSS, JS and images from our own origin at /assets."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from werkzeug.wrappers import Response

bp = Blueprint("assets", __name__)

BUNDLES = {"nhsuk-frontend.min.css", "nhsuk-frontend.min.js"}


@bp.get("/assets/<path:filename>")
def nhsuk_asset(filename: str) -> Response:
    dist = Path(current_app.config["NHSUK_FRONTEND_DIR"])
    # The bundles sit at the top of dist/nhsuk; images and the manifest under dist/nhsuk/assets,
    # which is where the frontend's CSS expects them (url(/assets/images/...)).
    directory = dist if filename in BUNDLES else dist / "assets"
    return send_from_directory(directory, filename, max_age=24 * 60 * 60)
