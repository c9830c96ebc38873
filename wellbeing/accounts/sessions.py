"""Signed-in sessions: each names the user's session version, and staff sessions end when idle.

The session cookie is signed, not stored, so it cannot be deleted on the server. Instead each
session holds ``get_id()``, "user id:session version", and a session whose version is no longer
the user's is refused: signing out, disabling the account or changing its password raises the
version and so ends every session the user has, a copied cookie included.

A user with two-factor sign-in is not signed in by their password alone: the session then holds a
pending sign-in (``PENDING``, five minutes, five wrong codes) until the code is given.
"""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from wellbeing.accounts import two_factor
from wellbeing.accounts.models import Role, User
from wellbeing.database import utcnow
from wellbeing.errors import wants_json
from wellbeing.extensions import db, login_manager

# Roles that see personal data: their sessions end after WELLBEING_SESSION_IDLE_MINUTES idle.
STAFF_ROLES = frozenset({Role.REFERRER, Role.LINK_WORKER, Role.ADMIN})
# When the session last made a request, in seconds since the epoch.
LAST_ACTIVE = "_last_active"
# Files are public and cached: their responses must never carry a session cookie.
_FILE_ENDPOINTS = frozenset({"static", "assets.nhsuk_asset"})
# A sign-in waiting for its two-factor code: whose, until when, where to go, wrong codes so far.
PENDING = "_two_factor_pending"
PENDING_SECONDS = 5 * 60
CODES_PER_SIGN_IN = 5
# What a staff member who must set up two-factor sign-in can still do.
_SET_UP_ENDPOINTS = _FILE_ENDPOINTS | {"accounts.two_factor", "accounts.sign_out"}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The active user whose session version is the one this session was started with."""
    user_id, colon, version = session_id.partition(":")
    # A bare id comes from a session started before versions were kept: version 0, never ended.
    if not colon:
        version = "0"
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser (after their second step, if they have one)."""
    session.pop(PENDING, None)
    login_user(user)
    session[LAST_ACTIVE] = int(time.time())
    user.last_sign_in_at = utcnow()


def renew_session(user: User) -> None:
    """Keep this browser signed in after the user's other sessions were ended (a new password)."""
    login_user(user)


def _forget_user() -> None:
    logout_user()
    session.pop(LAST_ACTIVE, None)


def start_pending_sign_in(user: User, next_page: str | None) -> None:
    """The password was right but a two-factor code is still needed: nobody is signed in yet."""
    _forget_user()
    session[PENDING] = {
        "user": user.get_id(),
        "until": int(time.time()) + PENDING_SECONDS,
        "next": next_page,
        "wrong": 0,
    }


def pending_sign_in() -> tuple[User, str | None] | None:
    """The user whose code this browser is being asked for and the page they asked for; None
    when there is none, it expired, or the account was disabled or its sessions ended since."""
    state = session.get(PENDING)
    if not isinstance(state, dict) or int(state.get("until", 0)) < time.time():
        session.pop(PENDING, None)
        return None
    user = load_user(str(state.get("user", "")))
    if user is None:
        session.pop(PENDING, None)
        return None
    return user, state.get("next")


def count_wrong_code_this_sign_in() -> bool:
    """Count a wrong code in this sign-in; whether that was its last try (the password is asked
    for again). The account's own limit, kept on the server, is ``two_factor.count_wrong_code``."""
    state = dict(session.get(PENDING) or {})
    state["wrong"] = int(state.get("wrong", 0)) + 1
    if state["wrong"] >= CODES_PER_SIGN_IN:
        session.pop(PENDING, None)
        return True
    session[PENDING] = state
    return False


def end_pending_sign_in() -> None:
    session.pop(PENDING, None)


def end_sessions(user: User) -> None:
    """Sign ``user`` out here and on every other browser (the caller commits)."""
    user.end_sessions()
    _forget_user()


def check_session() -> Response | None:
    """Before each request: drop a session that was ended, and sign out a staff member left idle."""
    # Files, and the JSON APIs (bearer tokens only), leave the session alone.
    if "_user_id" not in session or request.endpoint in _FILE_ENDPOINTS or wants_json():
        return None
    if not current_user.is_authenticated:
        _forget_user()  # signed out elsewhere, disabled, or its password changed
        return None
    if current_user.role not in STAFF_ROLES:
        return None
    now = int(time.time())
    minutes = current_app.config["WELLBEING_SESSION_IDLE_MINUTES"]
    # A session started before idle times were kept starts its clock now.
    if now - session.get(LAST_ACTIVE, now) <= minutes * 60:
        session[LAST_ACTIVE] = now
        return None
    _forget_user()
    flash(f"You were signed out after {minutes} minutes without activity", "info")
    come_back = request.method == "GET" and request.endpoint != "accounts.sign_in"
    target = request.full_path.rstrip("?") if come_back else None
    return redirect(url_for("accounts.sign_in", next=target), 303)


def require_two_factor_set_up() -> Response | None:
    """Before each page: staff who must set up two-factor sign-in are sent to do so first (the
    JSON APIs, with their bearer tokens, are not pages and are left alone)."""
    if request.endpoint in _SET_UP_ENDPOINTS or wants_json():
        return None
    if not current_user.is_authenticated or not two_factor.set_up_needed(current_user):
        return None
    return redirect(url_for("accounts.two_factor"), 303)
