"""User accounts, roles and API tokens."""

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from wellbeing.database import UTCDateTime, enum_type, utcnow
from wellbeing.extensions import Model


class Role(StrEnum):
    RESIDENT = "resident"
    REFERRER = "referrer"
    LINK_WORKER = "link_worker"
    PROVIDER = "provider"
    ADMIN = "admin"
    # Sees reports only: figures about the service, never a person's details.
    COMMISSIONER = "commissioner"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Hashing a throwaway password makes a sign-in for an unknown email take as long as a real one.
_TIMING_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively: we store them trimmed and lower-cased."""
    return email.strip().lower()


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    organisation: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session's user id (``get_id``): raising it ends all of the user's sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Two-factor sign-in: the authenticator app's shared secret (base32), when it was confirmed
    # with a first code, and the last time step used (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    @validates("active", "password_hash")
    def _end_sessions_on_change(self, key: str, value: object) -> object:
        """Disabling the account or changing its password ends every session it has."""
        current = getattr(self, key)
        if current is not None and value != current and (key == "password_hash" or not value):
            self.end_sessions()
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What a session stores: the id and the session version, "12:3"."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Sessions started before this no longer sign anyone in (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt, Werkzeug's default KDF

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def check_password_for_unknown_user(password: str) -> bool:
    """Spend the same time as a real check, then fail."""
    check_password_hash(_TIMING_DUMMY_HASH, password)
    return False


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is a safe way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


class AccountTokenPurpose(StrEnum):
    INVITE = "invite"  # set a password for a new account (72 hours)
    RESET = "reset"  # set a new password after "Forgotten your password?" (1 hour)


class AccountToken(Model):
    """A one-time link sent by email: only its hash is kept; used once, then spent."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[AccountTokenPurpose] = mapped_column(enum_type(AccountTokenPurpose, "purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(Model):
    """One of a user's single-use two-factor recovery codes (its hash; spent when used)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
