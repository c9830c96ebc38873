"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) or a recovery code.

Who: link workers, admins and commissioners, and referrers when ``WELLBEING_REFERRER_2FA`` is on;
when ``WELLBEING_REQUIRE_2FA`` is on they must set it up before using any page. An app's code is
accepted for one 30-second step either side of now, and each step once (``User.totp_last_step``).
The ten recovery codes are kept as SHA-256 hashes (about 59 random bits each) and work once. Both
are spent by a conditional UPDATE, so two requests racing with one code cannot both get in.
Wrong codes are counted per account in the limiter's storage (``WELLBEING_2FA_RATE_LIMIT``).

Only an administrator turns two-factor sign-in off, with ``reset`` (the admin pages, or ``flask
users reset-2fa``). None of these functions commit.
"""

import hmac
import math
import re
import secrets
import time
from functools import cache

import pyotp
import segno
from flask import current_app, has_request_context
from flask_login import current_user
from limits import RateLimitItem, parse_many
from markupsafe import Markup
from sqlalchemy import or_

from wellbeing import audit
from wellbeing.accounts.models import RecoveryCode, Role, User, hash_token
from wellbeing.database import utcnow
from wellbeing.extensions import db, limiter

ROLES = frozenset({Role.LINK_WORKER, Role.ADMIN, Role.COMMISSIONER})
ISSUER = "Wellbeing"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/i/l: a code read from paper is typed right. 31 ** 12 is about 2 ** 59.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4
_APP_CODE = re.compile(r"[0-9]{6}")
_SEPARATORS = re.compile(r"[\s-]+")


def applies_to(user: User) -> bool:
    """Whether the user's role signs in with a second step."""
    referrers = current_app.config["WELLBEING_REFERRER_2FA"]
    return user.role in ROLES or (referrers and user.role == Role.REFERRER)


def enabled(user: User) -> bool:
    """Whether signing in as ``user`` takes a code after the password."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def set_up_needed(user: User) -> bool:
    """Whether the user must set up two-factor sign-in before using any page."""
    return current_app.config["WELLBEING_REQUIRE_2FA"] and applies_to(user) and not enabled(user)


# Setting up ----------------------------------------------------------------------------------


def start_set_up(user: User) -> str:
    """The secret to show while set-up is unconfirmed: made once, kept until confirmed or reset
    (so the QR code stays the same if the page is reloaded after scanning)."""
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address that authenticator apps read from the QR code."""
    return pyotp.TOTP(start_set_up(user)).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(user: User) -> Markup:
    """The QR code of ``provisioning_uri``, as inline SVG made here (no outside service)."""
    qr = segno.make(provisioning_uri(user), error="m", micro=False)
    svg = qr.svg_inline(
        scale=4, dark="#212b32", title="QR code to scan with your authenticator app"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's own markup


def confirm(user: User, code: str) -> list[str] | None:
    """Turn two-factor sign-in on with a first right code; the new recovery codes, shown once.
    None if the code is not right."""
    if enabled(user) or user.totp_secret is None or not accept_app_code(user, code):
        return None
    user.totp_confirmed_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes (earlier ones stop working); only their hashes are kept."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_token(_plain(code))) for code in codes
    )
    return codes


def _recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def _plain(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return _SEPARATORS.sub("", code).lower()


# Signing in ----------------------------------------------------------------------------------


def accept_app_code(user: User, code: str) -> bool:
    """Whether ``code`` is the app's code for now (or one step either side), never used before."""
    code = _plain(code)
    if user.totp_secret is None or not _APP_CODE.fullmatch(code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time()) // STEP_SECONDS
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _use_step(user, step)
    return False


def _use_step(user: User, step: int) -> bool:
    """Record ``step`` as used, unless it or a later one already was."""
    result = db.session.execute(
        db.update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return getattr(result, "rowcount", 0) == 1  # a CursorResult: how many rows changed


def accept_recovery_code(user: User, code: str) -> bool:
    """Whether ``code`` is one of the user's unused recovery codes; it is spent if so."""
    plain = _plain(code)
    if len(plain) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH:
        return False
    result = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(plain),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return getattr(result, "rowcount", 0) == 1  # a CursorResult: how many rows changed


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        db.select(db.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


# Wrong codes ---------------------------------------------------------------------------------


@cache
def _parse(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _limit_key(user: User) -> tuple[str, ...]:
    return ("two-factor", str(user.id))


def wait_before_next_code(user: User) -> int | None:
    """Seconds until the account may try a code again, or None when it may now."""
    if not limiter.enabled:
        return None
    key = _limit_key(user)
    items = _parse(current_app.config["WELLBEING_2FA_RATE_LIMIT"])
    used_up = [item for item in items if not limiter.limiter.test(item, *key)]
    if not used_up:
        return None
    reset = max(limiter.limiter.get_window_stats(item, *key).reset_time for item in used_up)
    return max(1, math.ceil(reset - time.time()))


def count_wrong_code(user: User) -> int | None:
    """Count a wrong code against the account; the wait if that used up its limit."""
    if not limiter.enabled:
        return None
    for item in _parse(current_app.config["WELLBEING_2FA_RATE_LIMIT"]):
        limiter.limiter.hit(item, *_limit_key(user))
    return wait_before_next_code(user)


def in_minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


# Turning it off ------------------------------------------------------------------------------


def reset(user: User, actor: audit.Actor | None = None, via: str | None = None) -> None:
    """Turn two-factor sign-in off for ``user`` (for administrators only: a lost phone, say):
    the secret and recovery codes are deleted, every session of theirs ends, and it is audited.
    When it is required they set it up again at their next sign-in.

    ``actor`` is the administrator (by default whoever is signed in); ``via`` says where from
    when nobody is ("cli").
    """
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()
    if actor is None and has_request_context():
        actor = current_user
    audit.record(actor, "user.2fa_reset", "user", str(user.id), {"via": via} if via else None)
