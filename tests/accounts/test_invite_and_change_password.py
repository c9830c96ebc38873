"""Accepting an invitation (set a password, signed in, sent to set up two-factor sign-in when
staff must have it), and changing a password while signed in."""

from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.accounts.two_factor_support import enable_two_factor
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts import one_time
from wellbeing.accounts.models import AccountToken, AccountTokenPurpose, Role, User
from wellbeing.accounts.services import create_user
from wellbeing.accounts.views import WRONG_CURRENT_PASSWORD
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db

NEW_PASSWORD = "kettle orchard lantern"


def invited(role: Role = Role.REFERRER) -> tuple[User, str]:
    user = create_user("new.person@example.org", "Nia Newcomer", role, None, "Quayside Practice")
    token = one_time.issue(user, AccountTokenPurpose.INVITE)
    db.session.commit()
    return user, token


def accept(client: FlaskClient, token: str, password: str = NEW_PASSWORD):
    assert client.get(f"/account/invite/{token}").headers["Location"] == "/account/invite"
    return client.post("/account/invite", data={"password": password, "confirm": password})


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_an_invitation_sets_a_password_and_signs_in(app: Flask, client: FlaskClient, who) -> None:
    user, token = invited()
    page = client.get(f"/account/invite/{token}", follow_redirects=True).get_data(as_text=True)
    assert "Set your password" in page and "Welcome to Wellbeing, Nia Newcomer" in page

    response = client.post(
        "/account/invite", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 303
    with app.test_request_context():
        assert response.headers["Location"] == url_for("referrals.mine")  # a referrer's page
    assert who(client) == user.email
    assert actions() == ["user.invite_accept"]
    assert app.test_client().get(f"/account/invite/{token}").status_code == 410  # once only


def test_an_invitation_lasts_72_hours(client: FlaskClient) -> None:
    _user, token = invited()
    row = db.session.execute(db.select(AccountToken)).scalar_one()
    assert row.expires_at - row.created_at == timedelta(hours=72)
    row.expires_at = row.created_at + timedelta(hours=72) - timedelta(hours=73)
    db.session.commit()
    assert client.get(f"/account/invite/{token}").status_code == 410


def test_staff_who_must_use_two_factor_set_it_up_after_accepting(app: Flask, client) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    _user, token = invited(Role.LINK_WORKER)
    response = accept(client, token)
    assert client.get(response.headers["Location"]).headers["Location"] == "/account/two-factor"


def test_a_reset_does_not_skip_two_factor_sign_in(client: FlaskClient, who) -> None:
    user = make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    enable_two_factor(user)
    token = one_time.issue(user, AccountTokenPurpose.RESET)
    db.session.commit()
    client.get(f"/account/reset/{token}")
    response = client.post(
        "/account/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/account/sign-in/code"
    assert who(client) == "nobody"


# Changing a password ---------------------------------------------------------------------------


def change(client: FlaskClient, current: str = PASSWORD, new: str = NEW_PASSWORD, **form: str):
    data = {"current_password": current, "password": new, "confirm": new, **form}
    return client.post("/account/password", data=data)


def test_change_password_keeps_this_session_and_ends_the_others(
    app: Flask, client: FlaskClient, sign_in, who
) -> None:
    user = make_user(Role.REFERRER)
    db.session.commit()
    other = app.test_client()
    sign_in(user.email, via=other)
    sign_in(user.email)

    response = change(client)
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert "Your password has been changed" in client.get("/account").get_data(as_text=True)
    assert who(client) == user.email
    assert who(other) == "nobody"
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert actions() == ["user.password_change"]


def test_a_wrong_current_password_is_named_at_its_field(client: FlaskClient, login_as) -> None:
    user = login_as(Role.RESIDENT)
    response = change(client, current="not my password")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert WRONG_CURRENT_PASSWORD in page
    assert 'href="#current_password"' in page  # the error summary points at the field
    db.session.refresh(user)
    assert user.check_password(PASSWORD) and actions() == []


def test_wrong_current_passwords_count_as_failed_sign_ins(app, client, login_as) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    login_as(Role.RESIDENT)
    statuses = [change(client, current="not my password").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert change(client).status_code == 429  # even the right one, until the window passes


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short", "short", "at least 12 characters"),
        ("p@ssw0rd12345", "p@ssw0rd12345", "common password"),
        (NEW_PASSWORD, "different words here", "The passwords do not match"),
        ("", "", "Enter a new password"),
    ],
)
def test_the_new_password_must_meet_the_policy(client, login_as, new, confirm, message) -> None:
    login_as(Role.LINK_WORKER)
    response = change(client, new=new, confirm=confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    for path in ("/account", "/account/password", "/account/two-factor"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/sign-in?next=")


def test_the_account_page_shows_what_the_user_can_change(client: FlaskClient, login_as) -> None:
    login_as(Role.LINK_WORKER, organisation="Community Wellbeing Service")
    page = client.get("/account").get_data(as_text=True)
    assert "Community Wellbeing Service" in page
    assert 'href="/account/password"' in page and 'href="/account/two-factor"' in page
    login_as(Role.RESIDENT)
    page = client.get("/account").get_data(as_text=True)
    assert "Two-factor sign-in" not in page
