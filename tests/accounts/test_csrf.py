"""CSRF protection (off in the other tests) on the sign-in form and the header's sign-out button."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import PASSWORD, make_user
from wellbeing import create_app
from wellbeing.accounts.models import Role, User
from wellbeing.config import TestConfig
from wellbeing.extensions import db


@pytest.fixture
def csrf_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the test database with CSRF protection on, as in production."""
    config = TestConfig(database_url, str(tmp_path / "csrf-index"))
    config.WTF_CSRF_ENABLED = True
    csrf_app = create_app(config)
    csrf_app.test_client_class = app.test_client_class
    with csrf_app.app_context():
        yield csrf_app
        db.session.remove()
        db.engine.dispose()


def csrf_token(page: str, action: str | None = None) -> str:
    """The CSRF token in the page's form posting to ``action`` (None: to the page itself)."""
    for form in re.findall(r"<form\b.*?</form>", page, re.DOTALL):
        target = re.match(r'<form[^>]*\saction="([^"]*)"', form)
        if (target.group(1) if target else None) == action:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
            assert token is not None, f"the form posting to {action} has no CSRF token"
            return token.group(1)
    raise AssertionError(f"no form posting to {action}")


def signed_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def sign_in_with_token(client: FlaskClient, user: User) -> None:
    token = csrf_token(client.get("/account/sign-in").get_data(as_text=True))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/sign-in", data=data).status_code == 303


def test_sign_in_form_enforces_csrf(csrf_app: Flask) -> None:
    user = make_user(Role.REFERRER)
    db.session.commit()
    client = csrf_app.test_client()
    response = client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not signed_in(client)

    sign_in_with_token(client, user)
    assert signed_in(client)


def test_sign_out_needs_the_csrf_token_of_the_header_button(csrf_app: Flask) -> None:
    user = make_user(Role.LINK_WORKER)
    db.session.commit()
    client = csrf_app.test_client()
    sign_in_with_token(client, user)

    # A page on another site cannot sign people out.
    assert client.post("/account/sign-out").status_code == 400
    assert client.post("/account/sign-out", data={"csrf_token": "forged"}).status_code == 400
    assert signed_in(client)

    token = csrf_token(client.get("/").get_data(as_text=True), "/account/sign-out")
    response = client.post("/account/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert not signed_in(client)
