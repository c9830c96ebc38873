""" "Forgotten your password?" and the links it sends: the same answer for every email, rate
limited, audited without the email; a link works once, within its hour, and its token never
reaches a log or a later address."""

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts import one_time
from wellbeing.accounts.models import AccountToken, AccountTokenPurpose, Role, User
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.outbox import Notification

NEW_PASSWORD = "kettle orchard lantern"
SENT = "If an account exists for that email address, we have sent a link"


def ask_for_reset(client: FlaskClient, email: str, address: str = "127.0.0.1") -> Any:
    return client.post(
        "/account/forgotten-password",
        data={"email": email},
        environ_base={"REMOTE_ADDR": address},
    )


def emailed_link(email: str) -> str:
    """The path of the newest link emailed to ``email``, taken from its outbox row."""
    body = db.session.execute(
        db.select(Notification.body)
        .where(Notification.recipient == email)
        .order_by(Notification.id.desc())
    ).scalar()
    assert body is not None, f"nothing was emailed to {email}"
    return re.search(r"http://[^/\s]+(/account/\S+)", body).group(1)


def set_password(client: FlaskClient, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        "/account/reset", data={"password": password, "confirm": confirm or password}
    )


def audit_actions() -> list[tuple[str, str | None, str]]:
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    return [(row.action, row.subject_id, row.actor_label) for row in rows]


@pytest.fixture
def worker() -> User:
    user = make_user(Role.LINK_WORKER, email="lee.worker@example.org", name="Lee Worker")
    db.session.commit()
    return user


def test_the_sign_in_page_links_to_forgotten_password(client: FlaskClient) -> None:
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert 'href="/account/forgotten-password">Forgotten your password?</a>' in page


@pytest.mark.parametrize("case", ["account", "unknown", "disabled"])
def test_every_email_gets_the_same_answer(client: FlaskClient, worker: User, case: str) -> None:
    if case == "disabled":
        worker.active = False
        db.session.commit()
    email = "nobody@example.org" if case == "unknown" else worker.email.upper()

    response = ask_for_reset(client, email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/forgotten-password/sent"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SENT in page

    emails = db.session.execute(db.select(Notification.recipient)).scalars().all()
    assert emails == ([worker.email] if case == "account" else [])
    subject = str(worker.id) if case == "account" else None
    assert audit_actions() == [("user.password_reset_request", subject, "anonymous")]
    details = db.session.execute(db.select(AuditEvent.detail)).scalars().all()
    assert email.lower() not in str(details)


def test_a_bad_email_is_named_at_the_field(client: FlaskClient) -> None:
    response = client.post("/account/forgotten-password", data={"email": "not an email"})
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)


def test_requests_are_limited_per_email_however_typed(app: Flask, client, worker: User) -> None:
    app.config["WELLBEING_RESET_RATE_LIMIT"] = "3 per hour"
    statuses = [
        ask_for_reset(client, typed, address=f"203.0.113.{number}").status_code
        for number, typed in enumerate([worker.email, worker.email.upper(), worker.email, "x"])
    ]
    assert statuses[:3] == [303, 303, 303]
    assert ask_for_reset(client, worker.email, address="198.51.100.1").status_code == 429
    assert ask_for_reset(client, "other@example.org", address="198.51.100.1").status_code == 303


def test_requests_are_limited_per_address(app: Flask, client: FlaskClient) -> None:
    app.config["WELLBEING_RESET_RATE_LIMIT"] = "3 per hour"
    statuses = [ask_for_reset(client, f"person{n}@example.org").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert ask_for_reset(client, "person9@example.org", address="192.0.2.1").status_code == 303


def test_the_reset_journey(app: Flask, client: FlaskClient, sign_in, who, worker: User) -> None:
    other_browser = app.test_client()
    assert sign_in(worker.email, via=other_browser).status_code == 303
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)

    response = client.get(link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/reset"  # the token is not in the address
    page = client.get("/account/reset").get_data(as_text=True)
    assert "Choose a new password" in page and worker.email in page

    response = set_password(client)
    assert response.status_code == 303
    assert who(client) == worker.email  # signed in here...
    assert who(other_browser) == "nobody"  # ...and signed out everywhere else
    db.session.refresh(worker)
    assert worker.check_password(NEW_PASSWORD) and worker.last_sign_in_at is not None
    assert ("user.password_reset", str(worker.id), f"user:{worker.id}") in audit_actions()


def test_a_link_works_once(app: Flask, client: FlaskClient, worker: User) -> None:
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)
    client.get(link)
    assert set_password(client).status_code == 303

    again = app.test_client()
    response = again.get(link)
    assert response.status_code == 410
    assert "This link has expired or has been used" in response.get_data(as_text=True)
    assert set_password(again, "another fine password").status_code == 410
    db.session.refresh(worker)
    assert worker.check_password(NEW_PASSWORD)


def test_a_link_kept_in_a_session_works_once(app: Flask, client: FlaskClient, worker) -> None:
    """Two browsers that opened the same link: only the first to set a password gets to."""
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)
    second = app.test_client()
    client.get(link)
    second.get(link)
    assert set_password(client).status_code == 303
    assert set_password(second, "another fine password").status_code == 410


def test_a_link_expires_after_an_hour(client: FlaskClient, worker: User) -> None:
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)
    row = db.session.execute(db.select(AccountToken)).scalar_one()
    assert row.expires_at - row.created_at == timedelta(hours=1)
    row.expires_at -= timedelta(hours=1, seconds=1)
    db.session.commit()
    assert client.get(link).status_code == 410


def test_a_link_that_expires_while_its_form_is_open_is_refused(client, worker: User) -> None:
    ask_for_reset(client, worker.email)
    client.get(emailed_link(worker.email))
    db.session.execute(db.update(AccountToken).values(expires_at=AccountToken.created_at))
    db.session.commit()
    assert set_password(client).status_code == 410
    db.session.refresh(worker)
    assert worker.check_password(PASSWORD)


def test_only_the_newest_link_works(client: FlaskClient, worker: User) -> None:
    ask_for_reset(client, worker.email)
    first = emailed_link(worker.email)
    ask_for_reset(client, worker.email)
    assert client.get(first).status_code == 410
    assert client.get(emailed_link(worker.email)).status_code == 303


def test_a_disabled_account_cannot_use_its_link(client: FlaskClient, worker: User) -> None:
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)
    worker.active = False
    db.session.commit()
    assert client.get(link).status_code == 410


def test_the_new_password_must_meet_the_policy(client: FlaskClient, worker: User) -> None:
    ask_for_reset(client, worker.email)
    client.get(emailed_link(worker.email))
    cases = [
        ("short", None, "at least 12 characters"),
        ("Password1234!", None, "common password"),
        ("lee worker forever", None, "must not contain your name or email address"),
        (NEW_PASSWORD, "something else entirely", "The passwords do not match"),
    ]
    for password, confirm, message in cases:
        response = set_password(client, password, confirm)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert set_password(client).status_code == 303  # the link still works after mistakes


def test_a_reset_link_is_no_invitation(client: FlaskClient, worker: User) -> None:
    token = one_time.issue(worker, AccountTokenPurpose.RESET)
    db.session.commit()
    assert client.get(f"/account/invite/{token}").status_code == 410
    client.get(f"/account/reset/{token}")
    assert client.post("/account/invite", data={"password": NEW_PASSWORD}).status_code == 410


HOSTILE_TOKENS = ["x", "a" * 64, "a" * 65, "t" * 10_000, "ünïcødé-token", "%FF%FE", "' OR 1=1 --"]


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_no_token_string_gets_a_server_error(client: FlaskClient, purpose, token) -> None:
    assert client.get(f"/account/{purpose}/{token}").status_code == 410


@pytest.mark.parametrize(
    "path", ["/account/reset/nul%00byte", "/account/invite/%01", "/account/reset/%E2%80%A8"]
)
def test_control_characters_in_a_token_are_refused_at_the_boundary(client, path) -> None:
    assert 400 <= client.get(path).status_code < 500


def test_nothing_without_a_followed_link(client: FlaskClient) -> None:
    assert client.get("/account/reset").status_code == 410
    assert client.post("/account/reset", data={"password": NEW_PASSWORD}).status_code == 410
    with client.session_transaction() as session:
        session["_account_link"] = {"purpose": "reset", "token": ["not", "a", "string"]}
    assert client.get("/account/reset").status_code == 410
    with client.session_transaction() as session:
        session["_account_link"] = "junk"
    assert client.get("/account/reset").status_code == 410


def test_the_token_never_reaches_a_log(app: Flask, client, worker: User, caplog) -> None:
    """gunicorn's access log reads the path from the WSGI environ after the response (Makefile:
    %(U)s, PATH_INFO): the view takes the token out of it. The app's own logs never see it."""
    caplog.set_level(logging.DEBUG)
    environs: list[dict[str, Any]] = []
    app.wsgi_app = _recording_environs(app.wsgi_app, environs)  # type: ignore[method-assign]
    ask_for_reset(client, worker.email)
    link = emailed_link(worker.email)
    token = link.rsplit("/", 1)[1]

    client.get(link)
    set_password(client)

    assert all(token not in str(environ.get("PATH_INFO")) for environ in environs)
    assert any(environ.get("PATH_INFO") == "/account/reset/-" for environ in environs)
    assert token not in caplog.text


def _recording_environs(wsgi_app: Callable[..., Any], seen: list[dict[str, Any]]):
    def record(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        result = wsgi_app(environ, start_response)
        seen.append(environ)  # as the server sees it once the app has answered
        return result

    return record
