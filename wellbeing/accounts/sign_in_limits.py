"""Limits on failed sign-ins, per account and per address; ``LOGIN_RATE_LIMIT`` applies to each.

Per account, so that one account's password cannot be guessed from however many addresses; per
address, so that one address cannot try passwords across many accounts. Only failures count, and
a right password gets through its address's limit (not its account's), so that people sharing an
address, in a community centre say, do not lock each other out. The counts live in the limiter's
storage (``RATELIMIT_STORAGE_URI``), shared by every worker.

An account is tested before its password is checked and charged only after a failure (as
Flask-Limiter's ``deduct_when`` would): sign-ins already being checked when the limit is reached
still finish, so at most one more failure per request served at once gets through.
"""

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from functools import cache

from flask import current_app, request
from limits import RateLimitItem, parse_many

from wellbeing.accounts.models import normalise_email
from wellbeing.extensions import limiter

ACCOUNT_REFUSED = (
    "There have been too many failed attempts to sign in to this account. Try again in {wait}."
)
ADDRESS_REFUSED = (
    "There have been too many failed attempts to sign in from this internet connection. "
    "Check your email address and password, or try again in {wait}."
)

Key = tuple[str, ...]


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused for now, and for how many seconds."""

    message: str
    retry_after: int


@cache
def _parse(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _limits() -> tuple[RateLimitItem, ...]:
    return _parse(current_app.config["LOGIN_RATE_LIMIT"])


def _account(email: str) -> Key:
    # A keyed digest, so that the limiter's storage (Redis, say) holds no email addresses.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()
    return ("sign-in", "account", digest)


def _address() -> Key:
    return ("sign-in", "address", request.remote_addr or "unknown")


def _wait(seconds: int) -> str:
    if seconds <= 60 * 60:
        count, unit = math.ceil(seconds / 60), "minute"
    else:
        count, unit = math.ceil(seconds / (60 * 60)), "hour"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _refusal(key: Key, used_up: list[RateLimitItem], message: str) -> Refusal | None:
    if not used_up:
        return None
    reset = max(limiter.limiter.get_window_stats(item, *key).reset_time for item in used_up)
    seconds = max(1, math.ceil(reset - time.time()))
    return Refusal(message.format(wait=_wait(seconds)), seconds)


def account_refusal(email: str) -> Refusal | None:
    """A refusal while the account has no failed sign-ins left, before its password is checked."""
    if not limiter.enabled:
        return None
    key = _account(email)
    used_up = [item for item in _limits() if not limiter.limiter.test(item, *key)]
    return _refusal(key, used_up, ACCOUNT_REFUSED)


def count_failure(email: str) -> Refusal | None:
    """Count a failed sign-in against the account and the address; a refusal past the latter's."""
    if not limiter.enabled:
        return None
    account = _account(email)
    for item in _limits():
        limiter.limiter.hit(item, *account)
    key = _address()
    used_up = [item for item in _limits() if not limiter.limiter.hit(item, *key)]
    return _refusal(key, used_up, ADDRESS_REFUSED)
