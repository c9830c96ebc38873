"""Account rules used by the sign-in page, the CLI and the API; none of them commit."""

import secrets

from flask import current_app
from sqlalchemy.exc import IntegrityError

from wellbeing.accounts.models import (
    ApiToken,
    Role,
    User,
    check_password_for_unknown_user,
    hash_token,
    normalise_email,
)
from wellbeing.database import utcnow
from wellbeing.extensions import db

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A request about an account that cannot be met; the message is safe to show."""


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    email: str, name: str, role: Role | str, password: str, organisation: str | None = None
) -> User:
    """Add a new user to the session; duplicate emails are refused by the database."""
    validate_password(password)
    user = User(email=email, name=name.strip(), role=Role(role), organisation=organisation)
    user.set_password(password)
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
    user.last_sign_in_at = utcnow()
    return user


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
