"""The referrals JSON API at /api/referrals, for GP systems and other clients (bearer tokens)."""

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
from wellbeing.referrals.models import PERSON_FIELDS, Referral, ReferralSource, ReferralStatus
from wellbeing.referrals.services import (
    ReferralDraft,
    ReferralInvalid,
    ReferrerDetails,
    create_referral,
    get_visible_referral,
    visible_referrals,
)
from wellbeing.referrals.workflow import ReasonRequired, WorkflowError, transition

bp = Blueprint("api_referrals", __name__, url_prefix="/api/referrals")
csrf.exempt(bp)
bp.before_request(authenticate_bearer)

CLIENT_ROLES = (Role.REFERRER, Role.RESIDENT, Role.LINK_WORKER, Role.ADMIN)
MAX_PER_PAGE = 100


def _invalid(errors: dict[str, str]) -> Response:
    return json_error(422, "The referral has problems: see fields", fields=errors)


def _json_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _text(value: object, path: str, errors: dict[str, str]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    errors[path] = f"{path} must be a string"
    return None


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
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    errors["person.date_of_birth"] = "person.date_of_birth must be a date like 1980-03-27"
    return None


def _flag(value: object, path: str, errors: dict[str, str]) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    errors[path] = f"{path} must be true or false"
    return False


def draft_from_json(body: dict[str, Any], user: User) -> tuple[ReferralDraft, dict[str, str]]:
    """The request body as a draft, plus errors in its shape (wrong types) by JSON path."""
    errors: dict[str, str] = {}
    person = body.get("person")
    if not isinstance(person, dict):
        errors["person"] = "person must be an object with the person's details"
        person = {}
    risk = body.get("risk")
    if not isinstance(risk, dict):
        risk = {}
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
        **referrer_details(user),
    )
    if body.get("consent") is not True:
        errors["consent"] = "consent must be true: the person must agree to the referral"
    return draft, errors


def referrer_details(user: User) -> ReferrerDetails:
    """Who referred, from their account: an organisation cannot be claimed by typing it."""
    if user.role is Role.RESIDENT:
        return {}
    return {
        "referrer_name": user.name,
        "referrer_organisation": user.organisation,
        "referrer_email": user.email,
    }


def _source(user: User, body: dict[str, Any]) -> ReferralSource | None:
    if user.role is Role.RESIDENT:
        return ReferralSource.SELF
    if user.role is not Role.REFERRER:
        return ReferralSource.LINK_WORKER
    value = body.get("source", ReferralSource.GP.value)
    allowed = (ReferralSource.GP.value, ReferralSource.PROFESSIONAL.value)
    return ReferralSource(value) if value in allowed else None


@bp.post("")
@token_required(*CLIENT_ROLES)
def create() -> tuple[Response, int] | Response:
    body = _json_body()
    if body is None:
        return json_error(400, "Send a JSON object (Content-Type: application/json)")
    user = g.api_user
    draft, errors = draft_from_json(body, user)
    source = _source(user, body)
    if source is None:
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


def _visible(referral_id: str, action: str = "referral.view") -> Referral | None:
    """The referral if the caller may see it, audited; None means answer 404."""
    referral = get_visible_referral(g.api_user, referral_id)
    if referral is not None:
        audit.record(g.api_user, action, "referral", referral.id)
    return referral


NOT_FOUND = "No referral with this id that you may see"


@bp.get("/<referral_id>")
@token_required(*CLIENT_ROLES)
def show(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return json_error(404, NOT_FOUND)
    db.session.commit()
    return jsonify(referral_json(referral))


@bp.get("/<referral_id>/events")
@token_required(*CLIENT_ROLES)
def events(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return json_error(404, NOT_FOUND)
    db.session.commit()
    return jsonify({"items": [event_json(event) for event in referral.events]})


@bp.get("/<referral_id>/fhir")
@token_required(*CLIENT_ROLES)
def fhir(referral_id: str) -> Response:
    referral = _visible(referral_id)
    if referral is None:
        return json_error(404, NOT_FOUND)
    db.session.commit()
    response = jsonify(referral_bundle(referral))
    response.mimetype = "application/fhir+json"
    return response


@bp.post("/<referral_id>/transitions")
@token_required(*CLIENT_ROLES)
def change_status(referral_id: str) -> Response:
    referral = get_visible_referral(g.api_user, referral_id)
    if referral is None:
        return json_error(404, NOT_FOUND)
    body = _json_body()
    if body is None or not isinstance(body.get("to"), str):
        return json_error(
            422, "Send a JSON object with 'to', the new status", fields={"to": "required"}
        )
    version, reason = body.get("version"), body.get("reason")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        return json_error(422, "version must be a whole number", fields={"version": "not a number"})
    if reason is not None and not isinstance(reason, str):
        return json_error(422, "reason must be a string", fields={"reason": "not a string"})
    try:
        transition(referral, body["to"], g.api_user, reason, version)
    except WorkflowError as error:
        db.session.rollback()
        extra = {"fields": {"reason": str(error)}} if isinstance(error, ReasonRequired) else {}
        return json_error(error.status, str(error), **extra)
    db.session.commit()
    return jsonify(referral_json(referral))
