"""Static files under content-hashed names, cached for a year; compression for every response.

``asset_url("static", "css/app.css")`` gives ``/static/css/app.<digest>.css``, where the digest is
the first 12 hex digits of the file's SHA-256: a changed file gets a new name, so browsers may keep
each name forever. Plain names are still served, but must be revalidated. The NHS.UK frontend's
compiled bundles come from ``node_modules`` (``NHSUK_FRONTEND_DIR``) under ``/assets``, with the
images its CSS refers to (``url(/assets/images/...)``), which keep their names and a day's cache.
"""

import hashlib
import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Request, current_app, send_from_directory, url_for
from flask_compress import Compress
from werkzeug.wrappers import Response

bp = Blueprint("assets", __name__)
compress = Compress()

BUNDLES = {"nhsuk-frontend.min.css", "nhsuk-frontend.min.js"}
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
ONE_YEAR = 365 * 24 * 60 * 60
ONE_DAY = 24 * 60 * 60
STATIC_DIR = Path(__file__).resolve().parent / "static"


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    """The digest of a file's content (cached per modification time)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_digest(path: Path) -> str:
    return _digest(path, path.stat().st_mtime_ns)


def _folder(source: str, filename: str) -> Path:
    if source == "static":
        return STATIC_DIR
    dist = Path(current_app.config["NHSUK_FRONTEND_DIR"])
    # The bundles sit at the top of dist/nhsuk; images and the manifest under dist/nhsuk/assets.
    return dist if filename in BUNDLES else dist / "assets"


def asset_url(source: str, filename: str) -> str:
    """The content-hashed URL of a file: ``source`` is ``static`` or ``nhsuk``."""
    path = _folder(source, filename) / filename
    stem, dot, suffix = filename.rpartition(".")
    hashed = f"{stem}.{file_digest(path)}.{suffix}" if dot else filename
    endpoint = "static" if source == "static" else "assets.nhsuk_asset"
    return url_for(endpoint, filename=hashed)


def _send(source: str, filename: str) -> Response:
    """A hashed name whose digest matches is cached for a year; anything else is revalidated."""
    match = HASHED_NAME.match(filename.rsplit("/", 1)[-1])
    if match:
        real = filename[: len(filename) - len(match.group(0))] + match["stem"] + match["suffix"]
        folder = _folder(source, real)
        path = folder / real
        if path.is_file() and file_digest(path) == match["digest"]:
            response = send_from_directory(folder, real, max_age=ONE_YEAR)
            response.cache_control.immutable = True
            return _whole(response)
    folder = _folder(source, filename)
    max_age = 0 if source == "static" else ONE_DAY
    return _whole(send_from_directory(folder, filename, max_age=max_age))


def _whole(response: Response) -> Response:
    """Read the file into the response, so it is compressed as one body (not streamed)."""
    if response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def _compressed_cache_key(request: Request) -> str:
    """Only a file under a hashed name never changes, so only its compressed body is kept."""
    name = request.path.rsplit("/", 1)[-1]
    hashed = request.path.startswith(("/static/", "/assets/")) and HASHED_NAME.match(name)
    return request.path if hashed else ""


class CompressedAssets:
    """Flask-Compress's cache: compressed bodies of hashed files, compressed once per process."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._bodies.get(key)

    def set(self, key: str, body: bytes) -> None:
        if not key.endswith(";"):  # the key is "algorithm;path", or "algorithm;" for the rest
            self._bodies[key] = body


@bp.get("/assets/<path:filename>")
def nhsuk_asset(filename: str) -> Response:
    return _send("nhsuk", filename)


def static_file(filename: str) -> Response:
    return _send("static", filename)


def init_app(app: Flask) -> None:
    """Our own ``static`` endpoint (create_app turns Flask's off), and compressed responses."""
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static_file)
    app.jinja_env.globals["asset_url"] = asset_url
    app.config.setdefault("COMPRESS_CACHE_KEY", _compressed_cache_key)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedAssets)
    compress.init_app(app)
