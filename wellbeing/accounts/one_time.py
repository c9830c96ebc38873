"""One-time links sent by email: an invitation to set a password (72 hours) and a password reset
(1 hour). Only a hash of each token is stored; a token works once, for its purpose, before it
expires, and issuing a new one of a purpose spends the user's earlier ones. None of these
functions commit.
"""

import secrets
from datetime import timedelta

from flask import current_app, url_for

from wellbeing.accounts.models import AccountToken, AccountTokenPurpose, User, hash_token
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.outbox import queue_email

LIFETIMES = {
    AccountTokenPurpose.INVITE: timedelta(hours=72),
    AccountTokenPurpose.RESET: timedelta(hours=1),
}
# The view that opens each kind of link (accounts views): /account/invite/<token>, reset/<token>.
ENDPOINTS = {
    AccountTokenPurpose.INVITE: "accounts.accept_invite",
    AccountTokenPurpose.RESET: "accounts.reset_password",
}
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64  # a longer one in a URL is no token of ours: no database look-up


def issue(user: User, purpose: AccountTokenPurpose, created_by: User | None = None) -> str:
    """A new token for ``user`` (its hash stored); earlier unused ones of this purpose are spent."""
    now = utcnow()
    for earlier in _unused(user, purpose):
        earlier.used_at = now
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
            created_by_id=created_by.id if created_by else None,
        )
    )
    return token


def link(token: str, purpose: AccountTokenPurpose) -> str:
    """The full address of the page that takes this token (WELLBEING_BASE_URL, not the request's
    Host header: an emailed link must not point wherever a request said it came from)."""
    path = url_for(ENDPOINTS[purpose], token=token)
    return current_app.config["WELLBEING_BASE_URL"].rstrip("/") + path


def _unused(user: User, purpose: AccountTokenPurpose) -> list[AccountToken]:
    return list(
        db.session.execute(
            db.select(AccountToken).where(
                AccountToken.user_id == user.id,
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
            )
        ).scalars()
    )


def find(token: str, purpose: AccountTokenPurpose) -> AccountToken | None:
    """The live token row: right purpose, unused, unexpired, for an active account; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        db.select(AccountToken).where(AccountToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if (
        row is None
        or row.purpose != purpose
        or row.used_at is not None
        or row.expires_at <= utcnow()
        or not row.user.active
    ):
        return None
    return row


def spend(row: AccountToken) -> bool:
    """Use the token up: it never works again. False if another request spent it first (a
    conditional UPDATE, so that two requests racing with one link cannot both use it)."""
    result = db.session.execute(
        db.update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return getattr(result, "rowcount", 0) == 1  # a CursorResult: how many rows changed


def queue_invite(user: User, token: str) -> None:
    """Email the invitation link (to the account's own address; nothing else personal)."""
    hours = int(LIFETIMES[AccountTokenPurpose.INVITE].total_seconds() // 3600)
    queue_email(
        user.email,
        "account",
        "You have been invited to Wellbeing",
        "You have been given an account on Wellbeing, the social prescribing service.\n\n"
        f"Set your password within {hours} hours: {link(token, AccountTokenPurpose.INVITE)}\n\n"
        "If you were not expecting this, you can ignore this email.\n",
    )


def queue_reset(user: User, token: str) -> None:
    """Email the password reset link."""
    queue_email(
        user.email,
        "account",
        "Reset your Wellbeing password",
        "Someone asked to reset the password of your Wellbeing account.\n\n"
        f"Choose a new password within 1 hour: {link(token, AccountTokenPurpose.RESET)}\n\n"
        "If it was not you, ignore this email: your password has not changed.\n",
    )
