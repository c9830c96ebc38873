"""What text a request may carry, decided once at the boundary, before any view runs.

Every request's path, query string, form fields and JSON body are read here. Text that no person
types and no database column should hold (NUL, other control characters except tab, newline and
carriage return, DEL, C1 controls, lone surrogates) is refused with 400 and a message naming the
parameter or field, so no view, form or query ever sees it. Forms and APIs then decide what each
field means (single-line fields also refuse tab and line breaks: ``SINGLE_LINE_UNSAFE``).

JSON bodies are parsed here too, with a nesting limit: a deeply nested document is a 400, not a
``RecursionError``.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

# Control characters except tab, newline and carriage return; DEL and C1; lone surrogates.
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, and tab, newline, carriage return and the Unicode line and paragraph separators:
# for fields that are one line.
SINGLE_LINE_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Deeper than any request this app accepts (a referral is three levels deep).
MAX_JSON_DEPTH = 32
UNSAFE_MESSAGE = (
    "contains characters that cannot be used (such as control characters or broken "
    "Unicode); remove them and try again"
)


class UnsafeText(BadRequest):
    """A 400 naming where the unusable text was; the error pages show ``description``."""

    def __init__(self, where: str) -> None:
        super().__init__(f"{where} {UNSAFE_MESSAGE}")
        self.where = where


class JsonTooDeep(ValueError):
    pass


def is_safe(text: str) -> bool:
    return UNSAFE.search(text) is None


def is_single_line(text: str) -> bool:
    return SINGLE_LINE_UNSAFE.search(text) is None


def _json_depth_check(value: Any, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise JsonTooDeep(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, dict):
        for item in value.values():
            _json_depth_check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _json_depth_check(item, depth + 1)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested too deep (a ValueError, which Flask turns into 400).

    ``json.loads`` itself recurses once per level, so a document thousands of levels deep would
    raise ``RecursionError`` before any check could run: that is caught and refused the same way.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise JsonTooDeep(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
        _json_depth_check(value)
        return value


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every key and string in a JSON document, with where it is ("risk.notes", "need_ids[3]")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _json_strings(item, where)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{number}]")


def _named(where: str) -> str:
    # Never echo the unusable text itself; a field name is shown only when it is itself usable.
    return f"'{where}'" if is_safe(where) and len(where) <= 100 else "A field name"


def _json_body() -> Any:
    """The request's JSON document, or a 400 saying why it cannot be read (never quoting it)."""
    try:
        return current_app.json.loads(request.get_data(cache=True))
    except JsonTooDeep as error:
        raise BadRequest(str(error)) from None
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"The request body is not a valid JSON object ({error.msg}: line {error.lineno}, "
            f"column {error.colno})"
        ) from None
    except ValueError:  # bytes that are not UTF-8, or a number too long to read
        raise BadRequest("The request body is not a valid JSON object") from None


def check_request_text() -> None:
    """``before_request``: refuse the request when any text in it is unusable."""
    if not is_safe(request.path):
        raise UnsafeText("The address")
    for source, label in ((request.args, "Parameter"), (request.form, "Field")):
        for key, values in source.lists():
            if not is_safe(key):
                raise UnsafeText(f"{label} name")
            for value in values:
                if not is_safe(value):
                    raise UnsafeText(f"{label} {_named(key)}")
    if request.is_json and request.method in {"POST", "PUT", "PATCH"}:
        document = _json_body()
        for where, text in _json_strings(document, ""):
            if not is_safe(text):
                raise UnsafeText(f"Field {_named(where)}")


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request_text)
