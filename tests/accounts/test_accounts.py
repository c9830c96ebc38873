"""Signing in and out, roles, disabled accounts and passwords."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.views import SIGN_IN_FAILED
from wellbeing.extensions import db


@pytest.mark.parametrize("role", list(Role))
def test_each_role_can_sign_in_and_out(client: FlaskClient, sign_in, role: Role) -> None:
    user = make_user(role)
    db.session.commit()

    response = sign_in(user.email.upper())  # email matching ignores case
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Signed in as {user.name}" in page
    assert f"{user.name} ({role.label})" in page
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
    db.session.refresh(user)
    assert user.last_sign_in_at is not None

    response = client.post("/account/sign-out")
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_disabled_user_cannot_sign_in(client: FlaskClient, sign_in) -> None:
    user = make_user(Role.LINK_WORKER, active=False)
    db.session.commit()
    response = sign_in(user.email)
    assert response.status_code == 422
    assert SIGN_IN_FAILED in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_disabling_a_signed_in_user_ends_their_session(client: FlaskClient, login_as) -> None:
    user = login_as(Role.LINK_WORKER)
    assert user.name in client.get("/").get_data(as_text=True)
    user.active = False
    db.session.commit()
    assert user.name not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email_exists", [True, False])
def test_wrong_password_gives_the_same_clear_message(sign_in, email_exists) -> None:
    user = make_user(Role.REFERRER)
    db.session.commit()
    email = user.email if email_exists else "nobody@example.org"
    response = sign_in(email, "not the password")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert SIGN_IN_FAILED in body
    assert "There is a problem" in body  # NHS.UK error summary
    assert f'value="{email}"' in body  # what was typed is kept


def test_missing_fields_are_named(client: FlaskClient) -> None:
    response = client.post("/account/sign-in", data={"email": "not-an-email", "password": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in body
    assert "Enter your password" in body
    assert 'href="#email"' in body and 'href="#password"' in body


def test_next_parameter_only_follows_local_paths(client: FlaskClient) -> None:
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = client.post(
        "/account/sign-in?next=https://evil.example.com/",
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin"  # the admin's own page, not the other host
    client.post("/account/sign-out")
    response = client.post(
        "/account/sign-in?next=/account/sign-in", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/sign-in"


def test_role_required_allows_only_listed_roles(app: Flask, client: FlaskClient, login_as) -> None:
    @app.get("/only-link-workers")
    @role_required(Role.LINK_WORKER, Role.ADMIN)
    def only_link_workers() -> str:
        return "queue"

    response = client.get("/only-link-workers")
    assert response.status_code == 302
    assert "/account/sign-in?next=" in response.headers["Location"]

    login_as(Role.REFERRER)
    assert client.get("/only-link-workers").status_code == 403
    login_as(Role.LINK_WORKER)
    assert client.get("/only-link-workers").get_data(as_text=True) == "queue"


def test_passwords_are_stored_with_a_modern_kdf(app: Flask) -> None:
    user = make_user(Role.RESIDENT)
    user.set_password("a long enough password")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("a long enough password")
    assert not user.check_password("a long enough passworD")


def test_emails_are_unique_ignoring_case(app: Flask) -> None:
    from wellbeing.accounts.services import AccountError, create_user

    create_user("Sam@Example.org", "Sam", Role.RESIDENT, "a long enough password")
    with pytest.raises(AccountError, match="already exists"):
        create_user("sam@example.ORG", "Sam Two", Role.RESIDENT, "a long enough password")
    db.session.commit()
    assert db.session.query(User).count() == 1
