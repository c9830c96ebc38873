"""The referrals JSON API at /api/referrals, for GP systems and other clients (bearer tokens).

Its OpenAPI document (``openapi.py``) is at /api/referrals/openapi.json. A body is read into a
``ReferralDraft`` here, each value checked for its JSON type (a wrong one is a 422 naming it);
every other rule and bound is the domain's, the same for the pages.
"""

from datetime import date
from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.tokens import authenticate_bearer, token_required
from wellbeing.errors import json_error
from wellbeing.extensions import csrf, db
from wellbeing.query_args import ArgError, page_number, whole_number
from wellbeing.referrals.fhir import referral_bundle
from wellbeing.referrals.json_shapes import DRAFT_PATHS, event_json, referral_json
from wellbeing.referrals.models import (
    MAX_PER_PAGE,
    MAX_VERSION,
    PERSON_FIELDS,
    Referral,
    ReferralSource,
    ReferralStatus,
)
from wellbeing.referrals.openapi import openapi_document
from wellbeing.referrals.services import (
    ReferralDraft,
    ReferralInvalid,
    create_referral,
)
from wellbeing.referrals.visibility import (
    get_visible_referral,
    record_refused_read,
    visible_referrals,
)
from wellbeing.referrals.workflow import WorkflowError, transition

bp = Blueprint("api_referrals", __name__, url_prefix="/api/referrals")
csrf.exempt(bp)
bp.before_request(authenticate_bearer)

CLIENT_ROLES = (Role.REFERRER, Role.RESIDENT, Role.LINK_WORKER, Role.ADMIN)
NOT_AN_OBJECT = "Send a JSON object (Content-Type: application/json)"


def _invalid(errors: dict[str, str], what: str = "The referral") -> Response:
    return json_error(422, f"{what} has problems: see fields", fields=errors)


def _json_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _text(value: object, path: str, errors: dict[str, str]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    errors[path] = f"{path} must be a string"
    return None


def _object(value: object, path: str, errors: dict[str, str], message: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if value is not None:
        errors[path] = message
    return {}


def _id_list(value: object, path: str, errors: dict[str, str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    errors[path] = f"{path} must be a list of id strings"
    return []


def _birth_date(value: object, errors: dict[str, str]) -> date | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors["person.date_of_birth"] = "person.date_of_birth must be a date like 1980-03-27"
    return None


def _flag(value: object, path: str, errors: dict[str, str]) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    errors[path] = f"{path} must be true or false"
    return False


def _version(value: object, errors: dict[str, str]) -> int | None:
    if value is None or (type(value) is int and 1 <= value <= MAX_VERSION):
        return value
    errors["version"] = f"version must be a whole number from 1 to {MAX_VERSION}"
    return None


def draft_from_json(body: dict[str, Any]) -> tuple[ReferralDraft, dict[str, str]]:
    """The request body as a draft, plus errors in its shape (wrong types) by JSON path."""
    errors: dict[str, str] = {}
    person = _object(body.get("person"), "person", errors, "person must be an object")
    if body.get("person") is None:
        errors["person"] = "person must be an object with the person's details"
    risk = _object(body.get("risk"), "risk", errors, 'risk must be an object: {"flag", "note"}')
    texts = {
        name: _text(person.get(name), f"person.{name}", errors)
        for name in PERSON_FIELDS
        if name not in ("date_of_birth", "interpreter_needed")
    }
    draft = ReferralDraft(
        given_name=texts["given_name"] or "",
        family_name=texts["family_name"] or "",
        nhs_number=texts["nhs_number"],
        postcode=texts["postcode"] or "",
        email=texts["email"],
        phone=texts["phone"],
        preferred_contact=texts["preferred_contact"],
        language=texts["language"],
        date_of_birth=_birth_date(person.get("date_of_birth"), errors),
        interpreter_needed=_flag(
            person.get("interpreter_needed"), "person.interpreter_needed", errors
        ),
        what_matters=_text(body.get("details"), "details", errors) or "",
        need_ids=_id_list(body.get("reasons"), "reasons", errors),
        suggested_service_ids=_id_list(
            body.get("suggested_service_ids"), "suggested_service_ids", errors
        ),
        urgency=_text(body.get("urgency", "routine"), "urgency", errors) or "",
        consent=body.get("consent") is True,
        risk_flag=_flag(risk.get("flag"), "risk.flag", errors),
        risk_note=_text(risk.get("note"), "risk.note", errors),
    )
    if body.get("consent") is not True:
        errors["consent"] = "consent must be true: the person must agree to the referral"
    return draft, errors


def _source(user: User, value: object) -> ReferralSource | None:
    """The source follows the role; a referrer may say ``professional`` (``gp`` by default)."""
    if user.role is Role.RESIDENT:
        return ReferralSource.SELF
    if user.role is not Role.REFERRER:
        return ReferralSource.LINK_WORKER
    allowed = (ReferralSource.GP.value, ReferralSource.PROFESSIONAL.value)
    return ReferralSource(value) if isinstance(value, str) and value in allowed else None


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI 3.1 document: public, like the API's own description of itself."""
    return jsonify(openapi_document(request.url_root))


@bp.post("")
@token_required(*CLIENT_ROLES)
def create() -> tuple[Response, int] | Response:
    body = _json_body()
    if body is None:
        return json_error(400, NOT_AN_OBJECT)
    user = g.api_user
    draft, errors = draft_from_json(body)
    source_value = body.get("source", ReferralSource.GP.value)
    source = _source(user, source_value)
    if source is None or not isinstance(source_value, str):
        errors["source"] = "source must be 'gp' or 'professional'"
    if errors or source is None:  # a missing source is one of the errors
        return _invalid(errors)
    try:
        referral = create_referral(draft, user, source)
    except ReferralInvalid as error:
        db.session.rollback()
        return _invalid({DRAFT_PATHS.get(name, name): msg for name, msg in error.errors.items()})
    db.session.commit()
    response = jsonify(referral_json(referral))
    response.headers["Location"] = url_for(".show", referral_id=referral.id)
    return response, 201


@bp.get("")
@token_required(*CLIENT_ROLES)
def index() -> Response:
    """The referrals the caller may see, newest first; ``status``, ``page``, ``per_page``."""
    query = visible_referrals(g.api_user).order_by(Referral.created_at.desc(), Referral.id)
    status = request.args.get("status")
    if status is not None:
        if status not in {s.value for s in ReferralStatus}:
            names = ", ".join(s.value for s in ReferralStatus)
            return json_error(422, f"status must be one of {names}", parameter="status")
        query = query.where(Referral.status == status)
    try:
        number = page_number(request.args)
        per_page = whole_number(request.args, "per_page", 1, MAX_PER_PAGE) or 20
    except ArgError as error:
        return json_error(422, error.message, parameter=error.parameter)
    page = db.paginate(query, page=number, per_page=per_page, error_out=False)
    audit.record_many(g.api_user, "referral.list", "referral", [r.id for r in page.items])
    db.session.commit()
    return jsonify(
        {
            "items": [referral_json(r) for r in page.items],
            "page": number,
            "per_page": per_page,
            "total": page.total,
        }
    )


NOT_FOUND = "No referral with this id that you may see"


def _visible(referral_id: str, action: str | None = "referral.view") -> Referral | None:
    """The referral if the caller may see it, its reading audited (``action``); None means
    answer 404, and that refusal is audited too (``not_found`` commits it)."""
    referral = get_visible_referral(g.api_user, referral_id)
    if referral is None:
        record_refused_read(g.api_user, referral_id)
    elif action is not None:
        audit.record(g.api_user, action, "referral", referral.id)
    return referral


def _not_found() -> Response:
    db.session.commit()
    return json_error(404, NOT_FOUND)


@bp.get("/<referral_id>")
@token_required(*CLIENT_ROLES)
def show(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return _not_found()
    db.session.commit()
    return jsonify(referral_json(referral))


@bp.get("/<referral_id>/events")
@token_required(*CLIENT_ROLES)
def events(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return _not_found()
    db.session.commit()
    return jsonify({"items": [event_json(event) for event in referral.events]})


@bp.get("/<referral_id>/fhir")
@token_required(*CLIENT_ROLES)
def fhir(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return _not_found()
    db.session.commit()
    response = jsonify(referral_bundle(referral))
    response.mimetype = "application/fhir+json"
    return response


def _transition_from_json(
    body: dict[str, Any],
) -> tuple[str, str | None, int | None, str | None, dict]:
    """``to``, ``reason``, ``version`` and ``summary`` from the body, and errors in their JSON
    types."""
    errors: dict[str, str] = {}
    to = body.get("to")
    if not isinstance(to, str):
        errors["to"] = "to must be the new status, as a string"
    reason = _text(body.get("reason"), "reason", errors)
    version = _version(body.get("version"), errors)
    summary = _text(body.get("summary"), "summary", errors)
    return to if isinstance(to, str) else "", reason, version, summary, errors


@bp.post("/<referral_id>/transitions")
@token_required(*CLIENT_ROLES)
def change_status(referral_id: str) -> Response:
    referral = _visible(referral_id, action=None)  # the change itself is audited
    if referral is None:
        return _not_found()
    body = _json_body()
    if body is None:
        return json_error(400, NOT_AN_OBJECT)
    to, reason, version, summary, errors = _transition_from_json(body)
    if errors:
        return _invalid(errors, "The change")
    try:
        transition(referral, to, g.api_user, reason, version, summary)
    except WorkflowError as error:
        db.session.rollback()
        extra = {"fields": {error.field: str(error)}} if error.field else {}
        return json_error(error.status, str(error), **extra)
    db.session.commit()
    return jsonify(referral_json(referral))
