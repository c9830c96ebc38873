"""How the Open Referral UK API answers: page envelopes, ndjson streams, caching headers, CORS."""

import hashlib
import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from flask import Response, abort, request, stream_with_context
from sqlalchemy import ColumnElement, Select, func, or_

from wellbeing.directory.models import Location, Organization, Service
from wellbeing.directory.oruk import params as params
from wellbeing.directory.oruk.params import Paging
from wellbeing.directory.search.query import cut
from wellbeing.extensions import db

Serialiser = Callable[[Any], dict[str, Any]]
MAX_AGE_S = 60  # listings change through moderation; a minute's staleness is harmless


def page_envelope(contents: list[dict[str, Any]], total: int, paging: Paging) -> dict[str, Any]:
    """ORUK's page envelope around one page of ``contents`` out of ``total`` items."""
    total_pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def json_response(payload: Any, last_modified: datetime | None = None) -> Response:
    """A cacheable JSON response: a strong ETag of the body, and 304 when the client has it."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest())
    return _conditional(response, last_modified)


def ndjson_response(items: Iterable[dict[str, Any]], last_modified: datetime | None) -> Response:
    """Every item on its own line, no envelope, streamed as it is read from the database."""
    lines = (json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    response = Response(stream_with_context(lines), mimetype="application/x-ndjson")
    return _conditional(response, last_modified)


def _conditional(response: Response, last_modified: datetime | None) -> Response:
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    response.vary.add("Accept-Encoding")
    response.make_conditional(request)  # updates the response in place (304 when unchanged)
    return response


def directory_last_modified() -> datetime | None:
    """When anything a service listing shows last changed (services, organisations, locations)."""
    stamps = [
        db.session.execute(db.select(func.max(column))).scalar()
        for column in (Service.last_modified, Organization.updated_at, Location.updated_at)
    ]
    present = [stamp for stamp in stamps if stamp is not None]
    return max(present) if present else None


def allow_cross_origin(response: Response) -> Response:
    """The data is public: any site may read it from a browser."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def page_of(items: list[Any], paging: Paging, serialise: Serialiser) -> Response:
    """One page of an in-memory list, or all of it as ndjson."""
    last_modified = directory_last_modified()
    if paging.ndjson:
        return ndjson_response(map(serialise, items), last_modified)
    start = (paging.page - 1) * paging.per_page
    contents = [serialise(item) for item in items[start : start + paging.per_page]]
    return json_response(page_envelope(contents, len(items), paging), last_modified)


def listing(statement: Select[Any], paging: Paging, serialise: Serialiser) -> Response:
    """One page of a database query in the ORUK envelope, or all of it as ndjson."""
    last_modified = directory_last_modified()
    if paging.ndjson:
        rows = db.session.execute(statement).scalars()
        return ndjson_response(map(serialise, rows), last_modified)
    count = db.select(func.count()).select_from(statement.order_by(None).subquery())
    total = db.session.execute(count).scalar_one()
    page = statement.limit(paging.per_page).offset((paging.page - 1) * paging.per_page)
    contents = [serialise(row) for row in db.session.execute(page).scalars()]
    return json_response(page_envelope(contents, total, paging), last_modified)


def text_match(args: Mapping[str, str], *columns: Any) -> ColumnElement[bool] | None:
    """Case-insensitive ``search`` within any of ``columns`` (for the plain listings).

    A long search is cut as the directory search cuts it (``query.cut``).
    """
    words = cut(params.text(args, "search") or "")[0]
    if not words:
        return None
    return or_(*(func.lower(column).contains(words.lower(), autoescape=True) for column in columns))


def path_id(kind: str, raw: str) -> str:
    """The id in a URL as stored (a lower-case UUID); 404 when it cannot be one of ours."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        abort(404, description=f"There is no {kind} with id {raw[:100]}")


def found(obj: Any, kind: str, id_: str) -> Any:
    if obj is None:
        abort(404, description=f"There is no {kind} with id {id_}")
    return obj
