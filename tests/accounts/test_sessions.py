"""Sessions end on the server: sign-out, disabling and a new password end them all, a copied
cookie included; staff sessions end after WELLBEING_SESSION_IDLE_MINUTES without a request."""

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.sessions import LAST_ACTIVE, STAFF_ROLES
from wellbeing.extensions import db

IDLE_SECONDS = 30 * 60  # WELLBEING_SESSION_IDLE_MINUTES' default


def signed_in_twice(
    app: Flask, client: FlaskClient, sign_in, role: Role
) -> tuple[User, FlaskClient]:
    """Sign in through the form, then copy the session cookie to a second browser."""
    user = make_user(role)
    db.session.commit()
    assert sign_in(user.email).status_code == 303
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return user, copy


def set_last_active(client: FlaskClient, seconds_ago: int) -> None:
    with client.session_transaction() as session:
        session[LAST_ACTIVE] = int(time.time()) - seconds_ago


def test_a_copied_cookie_stops_working_when_its_user_signs_out(
    app: Flask, client: FlaskClient, sign_in, who
) -> None:
    user, copy = signed_in_twice(app, client, sign_in, Role.LINK_WORKER)
    assert who(copy) == user.email  # the copy works, as a stolen cookie would

    assert client.post("/account/sign-out").status_code == 303

    assert who(copy) == "nobody"
    with copy.session_transaction() as session:
        assert "_user_id" not in session  # the ended session is dropped, not just ignored


def test_signing_in_again_does_not_revive_an_ended_session(
    app: Flask, client: FlaskClient, sign_in, who
) -> None:
    user, copy = signed_in_twice(app, client, sign_in, Role.ADMIN)
    client.post("/account/sign-out")
    assert sign_in(user.email).status_code == 303
    assert who(client) == user.email
    assert who(copy) == "nobody"


def test_disabling_a_user_ends_their_sessions_for_good(
    app: Flask, client: FlaskClient, sign_in, who
) -> None:
    user, copy = signed_in_twice(app, client, sign_in, Role.REFERRER)
    user.active = False
    db.session.commit()
    assert who(client) == "nobody"
    user.active = True  # enabling the account again does not bring the sessions back
    db.session.commit()
    assert who(client) == who(copy) == "nobody"


def test_a_new_password_ends_the_users_sessions(
    app: Flask, client: FlaskClient, sign_in, who
) -> None:
    user, copy = signed_in_twice(app, client, sign_in, Role.LINK_WORKER)
    user.set_password("a brand new long password")
    db.session.commit()
    assert who(client) == who(copy) == "nobody"
    assert sign_in(user.email, "a brand new long password").status_code == 303
    assert who(client) == user.email


def test_other_changes_to_a_user_leave_their_sessions_alone(
    client: FlaskClient, login_as, who
) -> None:
    user = login_as(Role.LINK_WORKER)
    user.name, user.organisation, user.active = "Lee Worker", "Gloucester Carers Hub", True
    db.session.commit()
    assert who(client) == user.email


def test_a_session_from_before_session_versions_ends_at_sign_out(
    app: Flask, client: FlaskClient, who
) -> None:
    user = make_user(Role.REFERRER)
    db.session.commit()
    old = app.test_client()
    with old.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what sessions held before they named a version
    assert who(old) == user.email
    user.end_sessions()  # as signing out anywhere does
    db.session.commit()
    assert who(old) == "nobody"


def test_a_session_naming_another_version_signs_nobody_in(
    client: FlaskClient, login_as, who
) -> None:
    user = login_as(Role.ADMIN)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version + 1}"
    assert who(client) == "nobody"


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_idle_staff_are_signed_out_with_a_clear_message(
    client: FlaskClient, login_as, who, role: Role
) -> None:
    login_as(role)
    set_last_active(client, IDLE_SECONDS + 1)

    response = client.get("/directory?q=lunch")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/sign-in?next=/directory?q%3Dlunch"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity" in page
    assert who(client) == "nobody"


def test_each_request_restarts_the_idle_clock(client: FlaskClient, login_as, who) -> None:
    user = login_as(Role.LINK_WORKER)
    set_last_active(client, IDLE_SECONDS - 60)
    assert who(client) == user.email
    with client.session_transaction() as session:
        assert time.time() - session[LAST_ACTIVE] < 60
    assert who(client) == user.email


def test_the_idle_limit_comes_from_the_setting(
    app: Flask, client: FlaskClient, login_as, who
) -> None:
    app.config["WELLBEING_SESSION_IDLE_MINUTES"] = 5
    login_as(Role.REFERRER)
    set_last_active(client, 5 * 60 + 1)
    response = client.post("/account/sign-out")
    assert response.headers["Location"] == "/account/sign-in"  # a form post is not resumed
    assert "after 5 minutes without" in client.get("/account/sign-in").get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(set(Role) - STAFF_ROLES))
def test_residents_and_providers_are_not_signed_out_when_idle(
    client: FlaskClient, login_as, who, role: Role
) -> None:
    user = login_as(role)
    set_last_active(client, IDLE_SECONDS * 4)
    assert who(client) == user.email


def test_signing_in_starts_the_idle_clock(client: FlaskClient, sign_in) -> None:
    user = make_user(Role.ADMIN)
    db.session.commit()
    sign_in(user.email)
    with client.session_transaction() as session:
        assert time.time() - session[LAST_ACTIVE] < 60


def test_files_never_touch_the_session(client: FlaskClient, login_as) -> None:
    login_as(Role.LINK_WORKER)
    set_last_active(client, IDLE_SECONDS + 1)  # expired: a page would sign the user out
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
