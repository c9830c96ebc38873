"""``flask users disable|enable|revoke-tokens|token --replace``, and what each does to access."""

import json

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.services import issue_token
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db


def users(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(args=["users", *args])
    return result.exit_code, result.output


def api_status(client: FlaskClient, token: str) -> int:
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def audit_events() -> list[tuple[str, str | None, dict[str, object] | None]]:
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    return [(row.action, row.subject_id, row.detail) for row in rows]


@pytest.fixture
def worker() -> User:
    user = make_user(Role.LINK_WORKER)
    db.session.commit()
    return user


def test_disable_ends_sessions_and_refuses_tokens(client, runner, login_as, who) -> None:
    user = login_as(Role.LINK_WORKER)
    token = issue_token(user)
    db.session.commit()
    assert who(client) == user.email and api_status(client, token) == 200

    code, output = users(runner, "disable", user.email.upper())
    assert code == 0 and f"Disabled {user.email}" in output
    assert who(client) == "nobody"
    assert api_status(client, token) == 401
    assert audit_events() == [("user.disable", str(user.id), {"via": "cli"})]


def test_enable_lets_the_user_back_in(client, runner, worker: User, sign_in) -> None:
    token = issue_token(worker)
    db.session.commit()
    users(runner, "disable", worker.email)
    assert sign_in(worker.email).status_code == 422

    code, output = users(runner, "enable", worker.email)
    assert code == 0 and f"Enabled {worker.email}" in output
    assert sign_in(worker.email).status_code == 303
    assert api_status(client, token) == 200  # not revoked, so it works again
    assert [event[0] for event in audit_events()] == ["user.disable", "user.enable"]


def test_disable_and_enable_say_when_there_is_nothing_to_do(runner, worker: User) -> None:
    assert users(runner, "enable", worker.email) == (0, f"{worker.email} is already enabled\n")
    users(runner, "disable", worker.email)
    assert users(runner, "disable", worker.email) == (0, f"{worker.email} is already disabled\n")
    assert [event[0] for event in audit_events()] == ["user.disable"]


@pytest.mark.parametrize("command", ["disable", "enable", "revoke-tokens", "token"])
def test_unknown_emails_are_refused(runner, command: str) -> None:
    code, output = users(runner, command, "nobody@example.org")
    assert code != 0
    assert "nobody@example.org" in output
    assert audit_events() == []


def test_revoke_tokens_revokes_every_token(client, runner, worker: User) -> None:
    tokens = [issue_token(worker), issue_token(worker)]
    db.session.commit()

    code, output = users(runner, "revoke-tokens", worker.email)
    assert code == 0 and f"Revoked 2 API tokens of {worker.email}" in output
    assert [api_status(client, token) for token in tokens] == [401, 401]
    assert audit_events() == [("user.tokens_revoke", str(worker.id), {"via": "cli", "tokens": 2})]
    assert users(runner, "revoke-tokens", worker.email)[1].startswith("Revoked 0 API tokens")


def test_token_replace_revokes_the_earlier_tokens(client, runner, worker: User) -> None:
    old = issue_token(worker)
    db.session.commit()

    code, output = users(runner, "token", worker.email, "--replace")
    new = output.splitlines()[-1]
    assert code == 0 and "Revoked 1 API token issued earlier" in output
    assert api_status(client, old) == 401
    assert api_status(client, new) == 200
    assert audit_events() == [("user.token_issue", str(worker.id), {"via": "cli", "revoked": 1})]


def test_token_without_replace_keeps_the_earlier_tokens(client, runner, worker: User) -> None:
    old = issue_token(worker)
    db.session.commit()
    new = users(runner, "token", worker.email)[1].splitlines()[-1]
    assert api_status(client, old) == api_status(client, new) == 200


def test_no_token_for_a_disabled_user(runner, worker: User) -> None:
    users(runner, "disable", worker.email)
    code, output = users(runner, "token", worker.email)
    assert code != 0 and "No active user" in output


def test_audit_details_hold_no_personal_data(runner, worker: User) -> None:
    issue_token(worker)
    db.session.commit()
    for command in ("disable", "enable", "revoke-tokens", "token"):
        assert users(runner, command, worker.email)[0] == 0
    events = audit_events()
    assert len(events) == 4  # something was recorded, and it names the user by id alone
    recorded = json.dumps(events)
    assert worker.email not in recorded and worker.name not in recorded
