"""Helpers for two-factor tests: turn it on for a user, and work out their app's codes."""

import time

import pyotp

from wellbeing.accounts import two_factor
from wellbeing.accounts.models import User
from wellbeing.database import utcnow
from wellbeing.extensions import db


def enable_two_factor(user: User) -> list[str]:
    """As if the user had set up their app: a secret, confirmed; their ten recovery codes."""
    two_factor.start_set_up(user)
    user.totp_confirmed_at = utcnow()
    codes = two_factor.new_recovery_codes(user)
    db.session.commit()
    return codes


def app_code(user: User, steps: int = 0) -> str:
    """The code the user's app shows now, or ``steps`` 30-second steps from now."""
    assert user.totp_secret is not None
    return pyotp.TOTP(user.totp_secret).at(int(time.time()) + steps * two_factor.STEP_SECONDS)


def wrong_code(user: User) -> str:
    """A six-digit code that is not right for the last, this or the next step."""
    right = {app_code(user, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)
