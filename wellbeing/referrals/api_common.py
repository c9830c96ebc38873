"""What the referrals API's endpoints share: the caller, the referral they may see, reading a
JSON body value by value, and domain errors as JSON.

Each value is checked for its JSON type here (a wrong one is a 422 naming it); every other rule
and bound is the domain's, the same for the pages. A refusal that ends the request (not a JSON
object, a referral the caller may not see, a role that may not do casework) is raised with
``abort`` and its JSON answer, so each endpoint reads as what it does.
"""

import re
from datetime import date
from typing import Any, NoReturn

from flask import abort, g, request
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.errors import json_error
from wellbeing.extensions import db
from wellbeing.referrals.models import MAX_VERSION, Referral
from wellbeing.referrals.visibility import get_visible_referral, record_refused_read
from wellbeing.referrals.workflow import STAFF

# Who may call the referrals API at all (providers have no referrals to see).
CLIENT_ROLES = (Role.REFERRER, Role.RESIDENT, Role.LINK_WORKER, Role.ADMIN)
NOT_AN_OBJECT = "Send a JSON object (Content-Type: application/json)"
NOT_FOUND = "No referral with this id that you may see"
STAFF_ONLY = "Only link workers and admins may see or change the case record"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def caller() -> User:
    user: User = g.api_user
    return user


def is_staff(user: User) -> bool:
    return user.role in STAFF


def stop(response: Response) -> NoReturn:
    """End the request with this answer."""
    abort(response)


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else (no body, a list, not JSON) is a 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        stop(json_error(400, NOT_AN_OBJECT))
    return body


def invalid(errors: dict[str, str], what: str = "The referral") -> Response:
    return json_error(422, f"{what} has problems: see fields", fields=errors)


def visible_referral(referral_id: str, action: str | None = "referral.view") -> Referral:
    """The referral if the caller may see it, its reading audited as ``action``; otherwise a
    404, the same whether it is hidden or missing (that refusal is audited and committed)."""
    referral = get_visible_referral(caller(), referral_id)
    if referral is None:
        record_refused_read(caller(), referral_id)
        db.session.commit()
        stop(json_error(404, NOT_FOUND))
    if action is not None:
        audit.record(caller(), action, "referral", referral.id)
    return referral


def casework_referral(referral_id: str, action: str | None = None) -> Referral:
    """The referral for its case record: 404 as ``visible_referral``, then 403 for a role that
    may see the referral but not its casework (referrers and residents)."""
    referral = visible_referral(referral_id, action=None)
    if not is_staff(caller()):
        stop(json_error(403, STAFF_ONLY))
    if action is not None:
        audit.record(caller(), action, "referral", referral.id)
    return referral


def not_found(what: str) -> NoReturn:
    """A 404 for a part of a referral (a note, a goal) that is not on it."""
    db.session.rollback()
    stop(json_error(404, f"No {what} with this id on this referral"))


# Values, each checked for its JSON type; a wrong one is an error at its path.


def text(value: object, path: str, errors: dict[str, str]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    errors[path] = f"{path} must be a string"
    return None


def an_object(value: object, path: str, errors: dict[str, str], message: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if value is not None:
        errors[path] = message
    return {}


def id_list(value: object, path: str, errors: dict[str, str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    errors[path] = f"{path} must be a list of id strings"
    return []


def a_date(
    value: object, path: str, errors: dict[str, str], example: str = "2025-03-27"
) -> date | None:
    """A date written YYYY-MM-DD, or None for null or absent."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors[path] = f"{path} must be a date like {example}"
    return None


def flag(value: object, path: str, errors: dict[str, str]) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    errors[path] = f"{path} must be true or false"
    return False


def version(value: object, errors: dict[str, str], required: bool = False) -> int | None:
    """The version the client last saw, to refuse a stale change (409)."""
    if (value is None and not required) or (type(value) is int and 1 <= value <= MAX_VERSION):
        return value
    errors["version"] = f"version must be a whole number from 1 to {MAX_VERSION}"
    return None


def whole_id(value: object, path: str, errors: dict[str, str], what: str) -> int | None:
    """The id of a part of the case record (a note...): a whole number, or null."""
    if value is None or (type(value) is int and value > 0):
        return value
    errors[path] = f"{path} must be the id of {what} (a whole number), or null"
    return None
