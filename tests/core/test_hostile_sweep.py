"""Every route, as every role, with hostile path values, query strings and bodies: no 5xx.

The domain tests drive each form and API field in depth; this sweep makes sure that no route, old
or new, is left out: it reads the URL map, so a route added later is swept too.
"""

import json
import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.extensions import db

# Values that have broken apps like this one: empty, blank, huge, signed, fractional, overflowing,
# other scripts, markup, path tricks and a 2,000-character word.
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "9223372036854775808",
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "ÿ" * 3,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "a" * 2_000,
    "lonely " * 300,
    "nul\x00byte",
]
ROLES = [None, Role.RESIDENT, Role.REFERRER, Role.LINK_WORKER, Role.ADMIN]
SKIPPED_ENDPOINTS = {"assets.static", "static"}


def _routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(endpoint, rule, methods) of every route of the app."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        routes.append((rule.endpoint, rule.rule, methods))
    return routes


def _path(rule: str, value: str) -> str:
    """The rule with every ``<variable>`` replaced by the value, percent-encoded."""
    return re.sub(r"<[^>]+>", lambda _: quote(value or "x", safe=""), rule)


def _sign_in(client: FlaskClient, role: Role | None) -> None:
    """Signed in for the pages, and with a bearer token for the JSON APIs."""
    if role is None:
        return
    user = make_user(role, organisation="Kingsholm Surgery")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user)}"
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_no_route_answers_hostile_input_with_a_server_error(app, seeded_directory, role) -> None:
    client = app.test_client()
    _sign_in(client, role)
    failures = []
    for endpoint, rule, methods in _routes(app):
        for value in HOSTILE[:: 3 if "<" not in rule else 2]:
            path = _path(rule, value)
            query = {"q": value, "page": value, "postcode": value, "radius": value, "from": value}
            for method in methods:
                if method == "GET":
                    response = client.get(path, query_string=query)
                else:
                    body = {"text": value, "to": value, "version": value, "action": value}
                    # The account forms' fields: sign-in, passwords and two-factor codes.
                    body |= {"email": value, "password": value, "confirm": value, "code": value}
                    response = client.open(path, method=method, data=body)
                    if response.status_code < 500:
                        response = client.open(
                            path,
                            method=method,
                            data=json.dumps(body),
                            content_type="application/json",
                        )
                if response.status_code >= 500:
                    failures.append((method, endpoint, value[:40], response.status_code))
    assert not failures, failures[:20]
