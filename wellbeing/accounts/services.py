"""Account rules used by the sign-in page, the CLI and the API; none of them commit."""

import secrets

from flask import current_app
from sqlalchemy.exc import IntegrityError

from wellbeing.accounts import one_time, passwords
from wellbeing.accounts.models import (
    AccountTokenPurpose,
    ApiToken,
    Role,
    User,
    check_password_for_unknown_user,
    hash_token,
    normalise_email,
)
from wellbeing.database import utcnow
from wellbeing.extensions import db


class AccountError(ValueError):
    """A request about an account that cannot be met; the message is safe to show."""


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def validate_password(password: str, email: str = "", name: str = "") -> None:
    """Refuse a password the policy does not allow for this person (``passwords.problem``)."""
    message = passwords.problem(password, email, name)
    if message is not None:
        raise AccountError(message)


def create_user(
    email: str,
    name: str,
    role: Role | str,
    password: str | None,
    organisation: str | None = None,
) -> User:
    """Add a new user to the session; duplicate emails are refused by the database.

    ``password`` None gives the account no usable password: only a one-time link (an invitation)
    lets its owner set one.
    """
    if password is not None:
        validate_password(password, email, name)
    user = User(email=email, name=name.strip(), role=Role(role), organisation=organisation)
    user.set_password(password if password is not None else secrets.token_urlsafe(32))
    try:
        with db.session.begin_nested():  # a savepoint: a duplicate leaves the session usable
            db.session.add(user)
    except IntegrityError as error:
        raise AccountError(f"A user with the email {user.email} already exists") from error
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same timing either way)."""
    user = find_user_by_email(email)
    if user is None:
        check_password_for_unknown_user(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def request_password_reset(email: str) -> User | None:
    """Email a reset link to the active account with this email, if there is one; that user."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    one_time.queue_reset(user, one_time.issue(user, AccountTokenPurpose.RESET))
    return user


def set_new_password(user: User, password: str) -> None:
    """Set a password the policy allows; every session the user has ends (``User.end_sessions``)."""
    validate_password(password, user.email, user.name)
    user.set_password(password)


def issue_token(user: User) -> str:
    """Create an API bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    current_app.logger.info("API token issued for user %s", user.id)
    return token


def revoke_tokens(user: User) -> int:
    """Revoke every API token the user holds; how many that was."""
    live = [token for token in user.tokens if token.revoked_at is None]
    for token in live:
        token.revoked_at = utcnow()
    return len(live)


def user_for_token(token: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    row = db.session.execute(
        db.select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    return row.user
