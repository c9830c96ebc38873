"""The password policy: long enough, not too long, not common however dressed up, not personal;
applied by the CLI and the demo seed as well as the pages."""

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from wellbeing.accounts import passwords
from wellbeing.accounts.models import User
from wellbeing.accounts.services import AccountError, create_user
from wellbeing.extensions import db

EMAIL, NAME = "lee.worker@example.org", "Lee Worker"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", passwords.TOO_SHORT),
        ("elevenchars", passwords.TOO_SHORT),
        ("x" * 129, passwords.TOO_LONG),
        ("Password1234!", passwords.TOO_COMMON),
        ("p@ssw0rd12345", passwords.TOO_COMMON),
        ("P@SSW0RD!!!!!", passwords.TOO_COMMON),
        ("  sunshine12345", passwords.TOO_COMMON),
        ("qwerty123456", passwords.TOO_COMMON),
        ("1qaz2wsx3edc", passwords.TOO_COMMON),
        ("iloveyou2024!!", passwords.TOO_COMMON),
        ("m0nk3y-m0nk3y", None),  # two common words together are not one common password
        ("leeworker2024!", passwords.TOO_PERSONAL),
        ("my friend Worker", passwords.TOO_PERSONAL),
        ("W0RKER-and-more", passwords.TOO_PERSONAL),
        ("Lee.Worker@example.org", passwords.TOO_PERSONAL),
        ("correct horse battery staple", None),
        ("wellbeing-demo-password", None),
        ("twelve chars", None),
        ("x" * 128, None),
        ("été à la plage 🌞", None),
    ],
)
def test_policy(password: str, message: str | None) -> None:
    assert passwords.problem(password, EMAIL, NAME) == message


def test_short_parts_of_a_name_are_not_refused() -> None:
    """ "Dr" and "gp" would refuse half the language; whole local parts of 3 or more count."""
    assert passwords.problem("dr who goes to the gp", "gp@example.org", "Dr Al Patel") is None
    assert passwords.problem("my friend sam is kind", "sam@example.org", "Sam") is not None


def test_create_user_applies_the_policy(app: Flask) -> None:
    with pytest.raises(AccountError, match="common password"):
        create_user("sam@example.org", "Sam Smith", "resident", "Password1234!")
    with pytest.raises(AccountError, match="name or email"):
        create_user("sam@example.org", "Sam Smith", "resident", "smith family 1990")
    user = create_user("sam@example.org", "Sam Smith", "resident", None)  # an invitation's
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password1234!", "common password"),
        ("lin.worker-1234", "name or email"),
        ("x" * 200, "128 characters or fewer"),
    ],
)
def test_flask_users_create_refuses_a_password_the_policy_does_not_allow(
    runner: FlaskCliRunner, password: str, message: str
) -> None:
    args = ["users", "create", "lin.worker@example.org", "--role", "admin", "--name", "Lin Worker"]
    result = runner.invoke(args=args, input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.execute(db.select(User)).first() is None


def test_the_demo_seed_refuses_a_weak_demo_password(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["WELLBEING_DEMO_PASSWORD"] = "password12345"
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 1
    assert "WELLBEING_DEMO_PASSWORD" in result.output and "common password" in result.output
