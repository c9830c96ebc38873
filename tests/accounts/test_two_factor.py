"""Two-factor sign-in: set-up with a QR code made here, sign-in with the app's code or a
recovery code, each once; wrong codes limited; staff who must have it set it up before anything
else (API tokens unaffected); only an administrator turns it off."""

import re

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.accounts.two_factor_support import app_code, enable_two_factor, wrong_code
from tests.support.factories import make_user
from wellbeing.accounts import two_factor
from wellbeing.accounts.models import RecoveryCode, Role, User
from wellbeing.accounts.services import issue_token
from wellbeing.accounts.sessions import PENDING, PENDING_SECONDS
from wellbeing.accounts.views import TOO_MANY_CODES_THIS_TIME, WRONG_CODE
from wellbeing.audit import AuditEvent
from wellbeing.config import Config, SettingError
from wellbeing.extensions import db

CODE_PAGE = "/account/sign-in/code"


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def enter(client: FlaskClient, code: str, recovery: bool = False):
    return client.post(CODE_PAGE + ("?recovery=1" if recovery else ""), data={"code": code})


@pytest.fixture
def admin() -> User:
    user = make_user(Role.ADMIN, email="ada.admin@example.org", name="Ada Admin")
    db.session.commit()
    return user


# Setting up ------------------------------------------------------------------------------------


def test_set_up_shows_a_local_qr_code_and_the_key(client: FlaskClient, login_as) -> None:
    user = login_as(Role.LINK_WORKER)
    page = client.get("/account/two-factor").get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret is not None and user.totp_confirmed_at is None
    assert re.search(r'<svg role="img"[^>]*class="segno"><title>QR code', page)
    groups = re.findall(".{4}", user.totp_secret)
    assert f"{' '.join(groups[:4])}\n{' '.join(groups[4:])}" in page  # for typing in by hand
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Wellbeing")
    assert f'href="{uri.replace("&", "&amp;")}"' in page
    assert "issuer=Wellbeing" in uri
    # Reloading keeps the secret: a QR code already scanned stays right.
    client.get("/account/two-factor")
    secret = user.totp_secret
    db.session.refresh(user)
    assert user.totp_secret == secret


def test_set_up_is_confirmed_with_a_code_and_gives_ten_recovery_codes_once(
    client: FlaskClient, login_as
) -> None:
    user = login_as(Role.COMMISSIONER)
    client.get("/account/two-factor")
    db.session.refresh(user)

    response = client.post("/account/two-factor", data={"code": wrong_code(user)})
    assert response.status_code == 422 and WRONG_CODE in response.get_data(as_text=True)

    response = client.post("/account/two-factor", data={"code": app_code(user)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Save your recovery codes" in page
    codes = re.findall(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b", page)
    assert len(set(codes)) == 10
    stored = db.session.execute(db.select(RecoveryCode.code_hash)).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashes, not the codes
    db.session.refresh(user)
    assert two_factor.enabled(user)
    assert actions() == ["user.2fa_enable"]

    # Afterwards the page offers new codes instead; the codes are never shown again.
    again = client.get("/account/two-factor").get_data(as_text=True)
    assert "Two-factor sign-in is on" in again and codes[0] not in again
    saved = client.post("/account/two-factor/saved")
    assert saved.status_code == 303 and saved.headers["Location"] == "/reports"


def test_roles_without_two_factor_have_no_set_up(client: FlaskClient, login_as) -> None:
    for role in (Role.RESIDENT, Role.PROVIDER, Role.REFERRER):
        login_as(role)
        assert client.get("/account/two-factor").headers["Location"] == "/account"


def test_referrers_have_it_when_the_setting_says(app: Flask, client: FlaskClient, login_as) -> None:
    app.config["WELLBEING_REFERRER_2FA"] = True
    login_as(Role.REFERRER)
    assert client.get("/account/two-factor").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client: FlaskClient, login_as) -> None:
    user = login_as(Role.ADMIN)
    old = enable_two_factor(user)
    response = client.post("/account/two-factor", data={"code": app_code(user)})
    new = re.findall(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.accept_recovery_code(user, old[0])
    assert two_factor.accept_recovery_code(user, new[0])
    assert actions() == ["user.2fa_recovery_codes_new"]


# Signing in ------------------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in(client: FlaskClient, sign_in, who, admin) -> None:
    enable_two_factor(admin)
    response = sign_in(admin.email)
    assert response.headers["Location"] == CODE_PAGE
    assert who(client) == "nobody"
    assert client.get("/admin").status_code == 302  # still signed out
    assert "Enter the code from your authenticator app" in client.get(CODE_PAGE).get_data(
        as_text=True
    )

    response = enter(client, app_code(admin))
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    assert who(client) == admin.email
    db.session.refresh(admin)
    assert admin.last_sign_in_at is not None


def test_the_page_asked_for_comes_after_the_code(client: FlaskClient, admin) -> None:
    enable_two_factor(admin)
    client.post(
        "/account/sign-in?next=/admin/audit",
        data={"email": admin.email, "password": "correct horse battery staple"},
    )
    assert enter(client, app_code(admin)).headers["Location"] == "/admin/audit"


def test_codes_one_step_either_side_work(client: FlaskClient, sign_in, who, admin) -> None:
    enable_two_factor(admin)
    sign_in(admin.email)
    assert enter(client, app_code(admin, -1)).status_code == 303
    client.post("/account/sign-out")
    sign_in(admin.email)
    assert enter(client, app_code(admin, -2)).status_code == 422  # a minute old: too old
    assert enter(client, app_code(admin, +1)).status_code == 303


def test_a_code_works_once(app: Flask, client: FlaskClient, sign_in, who, admin) -> None:
    enable_two_factor(admin)
    code = app_code(admin)
    sign_in(admin.email)
    assert enter(client, code).status_code == 303

    thief = app.test_client()
    sign_in(admin.email, via=thief)
    response = enter(thief, code)
    assert response.status_code == 422 and WRONG_CODE in response.get_data(as_text=True)
    assert who(thief) == "nobody"


def test_a_recovery_code_works_once(app: Flask, client: FlaskClient, sign_in, who, admin) -> None:
    codes = enable_two_factor(admin)
    sign_in(admin.email)
    page = client.get(CODE_PAGE + "?recovery=1").get_data(as_text=True)
    assert "Enter a recovery code" in page
    response = enter(client, "  " + codes[3].upper().replace("-", " ") + " ", recovery=True)
    assert response.status_code == 303 and who(client) == admin.email
    assert actions() == ["user.2fa_recovery_code_used"]
    assert two_factor.recovery_codes_left(admin) == 9

    other = app.test_client()
    sign_in(admin.email, via=other)
    assert enter(other, codes[3], recovery=True).status_code == 422
    assert who(other) == "nobody"


def test_five_wrong_codes_end_the_sign_in(client: FlaskClient, sign_in, who, admin) -> None:
    enable_two_factor(admin)
    sign_in(admin.email)
    responses = [enter(client, wrong_code(admin)) for _ in range(5)]
    assert [response.status_code for response in responses] == [422, 422, 422, 422, 429]
    assert TOO_MANY_CODES_THIS_TIME in responses[-1].get_data(as_text=True)
    with client.session_transaction() as session:
        assert PENDING not in session
    assert enter(client, app_code(admin)).headers["Location"] == "/account/sign-in"
    assert who(client) == "nobody"
    assert "user.2fa_too_many_wrong_codes" in actions()
    # A new password sign-in gets new tries.
    sign_in(admin.email)
    assert enter(client, app_code(admin)).status_code == 303


def test_wrong_codes_are_limited_per_account_whatever_the_session(
    app: Flask, client: FlaskClient, sign_in, admin
) -> None:
    """Replaying an older cookie, or signing in again, does not buy more guesses."""
    app.config["WELLBEING_2FA_RATE_LIMIT"] = "3 per hour"
    enable_two_factor(admin)
    sign_in(admin.email)
    cookie = client.get_cookie("session").value
    assert [enter(client, wrong_code(admin)).status_code for _ in range(2)] == [422, 422]
    client.set_cookie("session", cookie)  # as it was before those two
    response = enter(client, wrong_code(admin))
    assert response.status_code == 429 and "Retry-After" in response.headers
    sign_in(admin.email)
    response = enter(client, app_code(admin))  # even the right code, until the hour is up
    assert response.status_code == 429
    assert "too many wrong codes. Sign in again in" in response.get_data(as_text=True)


def test_the_code_step_expires(client: FlaskClient, sign_in, who, admin) -> None:
    enable_two_factor(admin)
    sign_in(admin.email)
    with client.session_transaction() as session:
        session[PENDING] = {
            **session[PENDING],
            "until": session[PENDING]["until"] - PENDING_SECONDS - 1,
        }
    response = enter(client, app_code(admin))
    assert response.headers["Location"] == "/account/sign-in"
    assert who(client) == "nobody"


def test_disabling_the_account_ends_a_sign_in_waiting_for_its_code(
    client, sign_in, who, admin
) -> None:
    enable_two_factor(admin)
    sign_in(admin.email)
    admin.active = False
    db.session.commit()
    assert enter(client, app_code(admin)).headers["Location"] == "/account/sign-in"
    assert who(client) == "nobody"


def test_no_code_page_without_a_password_first(client: FlaskClient) -> None:
    assert client.get(CODE_PAGE).headers["Location"] == "/account/sign-in"
    assert enter(client, "123456").headers["Location"] == "/account/sign-in"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("", 422),
        ("1" * 10_000, 422),
        ("١٢٣٤٥٦", 422),  # Arabic-Indic digits: not our digits
        ("12345\uff16", 422),  # a full-width six
        ("' OR 1=1 --", 422),
        ("nul\x00byte", 400),
        ("\u2028", 422),
    ],
)
def test_hostile_codes_are_refused_plainly(client, sign_in, who, admin, code, status) -> None:
    enable_two_factor(admin)
    sign_in(admin.email)
    assert enter(client, code).status_code == status
    assert enter(client, code, recovery=True).status_code == status
    assert who(client) == "nobody"


# Required set-up -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.ADMIN, Role.COMMISSIONER])
def test_staff_must_set_it_up_before_anything_else(app: Flask, client, login_as, role) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    user = login_as(role)
    for path in ("/", "/referrals/queue", "/admin", "/reports", "/account/password", "/nowhere"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/account/two-factor", path
    assert client.post("/account/password", data={}).headers["Location"] == "/account/two-factor"
    assert client.get("/account/two-factor").status_code == 200

    db.session.refresh(user)
    client.post("/account/two-factor", data={"code": app_code(user)})
    assert client.get("/").status_code == 200  # set up: free to go
    assert client.post("/account/sign-out").status_code == 303


def test_signing_out_is_allowed_before_set_up(app: Flask, client, login_as, who) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    login_as(Role.ADMIN)
    assert client.post("/account/sign-out").headers["Location"] == "/"
    assert who(client) == "nobody"


def test_a_staff_sign_in_goes_to_set_up(app: Flask, client: FlaskClient, sign_in, admin) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    response = sign_in(admin.email)
    assert client.get(response.headers["Location"]).headers["Location"] == "/account/two-factor"


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.PROVIDER, Role.REFERRER])
def test_others_are_not_asked(app: Flask, client: FlaskClient, login_as, role) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    login_as(role)
    assert client.get("/").status_code == 200


def test_referrers_are_asked_when_the_setting_says(app: Flask, client, login_as) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    app.config["WELLBEING_REFERRER_2FA"] = True
    login_as(Role.REFERRER)
    assert client.get("/").headers["Location"] == "/account/two-factor"


def test_api_tokens_are_unaffected(app: Flask, client: FlaskClient) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    user = make_user(Role.LINK_WORKER)
    token = issue_token(user)
    db.session.commit()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200  # not sent to set up two-factor sign-in first
    assert response.get_json()["id"] == user.id


# Turning it off --------------------------------------------------------------------------------


def test_reset_clears_it_ends_sessions_and_is_audited(client, login_as, who, admin) -> None:
    user = login_as(Role.LINK_WORKER)
    enable_two_factor(user)
    with client.application.test_request_context():
        two_factor.reset(user, actor=admin)
    db.session.commit()
    db.session.refresh(user)
    assert user.totp_secret is None and user.totp_confirmed_at is None
    assert db.session.execute(db.select(RecoveryCode)).first() is None
    assert who(client) == "nobody"
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (event.action, event.subject_id, event.actor_id) == (
        "user.2fa_reset",
        str(user.id),
        admin.id,
    )


def test_flask_users_reset_2fa(runner: FlaskCliRunner, admin) -> None:
    enable_two_factor(admin)
    result = runner.invoke(args=["users", "reset-2fa", admin.email])
    assert result.exit_code == 0, result.output
    assert "Two-factor sign-in is off" in result.output
    db.session.refresh(admin)
    assert not two_factor.enabled(admin)
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (event.action, event.actor_label, event.detail) == (
        "user.2fa_reset",
        "anonymous",
        {"via": "cli"},
    )
    again = runner.invoke(args=["users", "reset-2fa", admin.email])
    assert again.exit_code == 0 and "has no two-factor sign-in" in again.output
    assert runner.invoke(args=["users", "reset-2fa", "nobody@example.org"]).exit_code == 1


# Settings --------------------------------------------------------------------------------------


def test_two_factor_is_required_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WELLBEING_REQUIRE_2FA", raising=False)
    assert Config().WELLBEING_REQUIRE_2FA is True
    assert Config().WELLBEING_REFERRER_2FA is False
    monkeypatch.setenv("WELLBEING_REQUIRE_2FA", "0")
    assert Config().WELLBEING_REQUIRE_2FA is False


@pytest.mark.parametrize("name", ["WELLBEING_2FA_RATE_LIMIT", "WELLBEING_RESET_RATE_LIMIT"])
def test_a_rate_limit_that_cannot_be_read_stops_start_up(monkeypatch, name: str) -> None:
    monkeypatch.setenv(name, "lots per hour")
    with pytest.raises(SettingError, match=name):
        Config()
