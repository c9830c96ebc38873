"""The referrals JSON API at /api/referrals, for GP systems and other clients (bearer tokens).

Its OpenAPI document (``openapi.py``) is at /api/referrals/openapi.json. Here: referrals
themselves (create, list and search, read, timeline, FHIR view, status changes, the message
back). The case record, for link workers and admins, is ``api_casework`` (notes, plan,
connections, next contact, what matters, corrections to the person's details) and
``api_outcomes`` (measures), registered under this blueprint. A body is read value by value
(``api_common``); every other rule and bound is the domain's, the same for the pages.
"""

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy import ColumnElement
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.tokens import authenticate_bearer, token_required
from wellbeing.errors import json_error
from wellbeing.extensions import csrf, db
from wellbeing.query_args import ArgError, page_number, whole_number
from wellbeing.referrals import api_casework, api_outcomes
from wellbeing.referrals.api_common import (
    CLIENT_ROLES,
    a_date,
    an_object,
    caller,
    flag,
    id_list,
    invalid,
    is_staff,
    json_body,
    stop,
    text,
    version,
    visible_referral,
)
from wellbeing.referrals.fhir import referral_bundle
from wellbeing.referrals.json_shapes import (
    CASEWORK_PATHS,
    DRAFT_PATHS,
    event_json,
    referral_json,
)
from wellbeing.referrals.lookup import SearchTooLong, matching
from wellbeing.referrals.models import (
    MAX_PER_PAGE,
    PERSON_FIELDS,
    Referral,
    ReferralSource,
    ReferralStatus,
)
from wellbeing.referrals.openapi import openapi_document
from wellbeing.referrals.outcomes import message_back, record_summary_read
from wellbeing.referrals.services import (
    ReferralDraft,
    ReferralInvalid,
    create_referral,
)
from wellbeing.referrals.visibility import visible_referrals
from wellbeing.referrals.workflow import WorkflowError, transition

bp = Blueprint("api_referrals", __name__, url_prefix="/api/referrals")
for part in (bp, api_casework.bp, api_outcomes.bp):
    csrf.exempt(part)
bp.before_request(authenticate_bearer)
bp.register_blueprint(api_casework.bp)
bp.register_blueprint(api_outcomes.bp)


@bp.errorhandler(WorkflowError)
def refused(error: WorkflowError) -> Response:
    """A change the domain refused, here or in the case record: its status and message, at
    the field to correct when there is one (named as in the request body)."""
    db.session.rollback()
    if error.field is None:
        return json_error(error.status, str(error))
    path = CASEWORK_PATHS.get(error.field, error.field)
    return json_error(error.status, str(error), fields={path: str(error)})


@bp.errorhandler(ReferralInvalid)
def refused_details(error: ReferralInvalid) -> Response:
    """A referral's or a correction's details with problems, each named by its body path."""
    db.session.rollback()
    return invalid({DRAFT_PATHS.get(name, name): msg for name, msg in error.errors.items()})


def _person_texts(person: dict[str, Any], errors: dict[str, str]) -> dict[str, str | None]:
    return {
        name: text(person.get(name), f"person.{name}", errors)
        for name in PERSON_FIELDS
        if name not in ("date_of_birth", "interpreter_needed")
    }


def draft_from_json(body: dict[str, Any]) -> tuple[ReferralDraft, dict[str, str]]:
    """The request body as a draft, plus errors in its shape (wrong types) by JSON path."""
    errors: dict[str, str] = {}
    person = an_object(body.get("person"), "person", errors, "person must be an object")
    if body.get("person") is None:
        errors["person"] = "person must be an object with the person's details"
    risk = an_object(body.get("risk"), "risk", errors, 'risk must be an object: {"flag", "note"}')
    texts = _person_texts(person, errors)
    draft = ReferralDraft(
        given_name=texts["given_name"] or "",
        family_name=texts["family_name"] or "",
        nhs_number=texts["nhs_number"],
        postcode=texts["postcode"] or "",
        email=texts["email"],
        phone=texts["phone"],
        preferred_contact=texts["preferred_contact"],
        language=texts["language"],
        date_of_birth=a_date(
            person.get("date_of_birth"), "person.date_of_birth", errors, "1980-03-27"
        ),
        interpreter_needed=flag(
            person.get("interpreter_needed"), "person.interpreter_needed", errors
        ),
        what_matters=text(body.get("details"), "details", errors) or "",
        need_ids=id_list(body.get("reasons"), "reasons", errors),
        suggested_service_ids=id_list(
            body.get("suggested_service_ids"), "suggested_service_ids", errors
        ),
        urgency=text(body.get("urgency", "routine"), "urgency", errors) or "",
        consent=body.get("consent") is True,
        risk_flag=flag(risk.get("flag"), "risk.flag", errors),
        risk_note=text(risk.get("note"), "risk.note", errors),
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


def _shown(referral: Referral) -> dict[str, Any]:
    return referral_json(referral, staff=is_staff(caller()))


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI 3.1 document: public, like the API's own description of itself."""
    return jsonify(openapi_document(request.url_root))


@bp.post("")
@token_required(*CLIENT_ROLES)
def create() -> tuple[Response, int] | Response:
    body = json_body()
    draft, errors = draft_from_json(body)
    source_value = body.get("source", ReferralSource.GP.value)
    source = _source(caller(), source_value)
    if source is None or not isinstance(source_value, str):
        errors["source"] = "source must be 'gp' or 'professional'"
    if errors or source is None:  # a missing source is one of the errors
        return invalid(errors)
    referral = create_referral(draft, caller(), source)
    db.session.commit()
    response = jsonify(_shown(referral))
    response.headers["Location"] = url_for(".show", referral_id=referral.id)
    return response, 201


def _search() -> ColumnElement[bool] | None:
    """What ``q`` finds, for staff (a 403 for anyone else); None when nothing is searched."""
    q = request.args.get("q")
    if q is None:
        return None
    if not is_staff(caller()):
        stop(json_error(403, "Only link workers and admins may search referrals"))
    try:
        return matching(q)
    except SearchTooLong as error:
        stop(json_error(422, str(error), parameter="q"))


@bp.get("")
@token_required(*CLIENT_ROLES)
def index() -> Response:
    """The referrals the caller may see, newest first; ``status``, ``q`` (staff), ``page``,
    ``per_page``."""
    query = visible_referrals(caller()).order_by(Referral.created_at.desc(), Referral.id)
    found = _search()
    if found is not None:
        query = query.where(found)
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
    if "q" in request.args:  # what was searched for is personal data: only how much was found
        audit.record(caller(), "referral.search", "referral", None, {"found": page.total})
    audit.record_many(caller(), "referral.list", "referral", [r.id for r in page.items])
    db.session.commit()
    return jsonify(
        {
            "items": [_shown(r) for r in page.items],
            "page": number,
            "per_page": per_page,
            "total": page.total,
        }
    )


@bp.get("/<referral_id>")
@token_required(*CLIENT_ROLES)
def show(referral_id: str) -> Response:
    referral = visible_referral(referral_id)
    db.session.commit()
    return jsonify(_shown(referral))


@bp.get("/<referral_id>/events")
@token_required(*CLIENT_ROLES)
def events(referral_id: str) -> Response:
    referral = visible_referral(referral_id)
    db.session.commit()
    return jsonify({"items": [event_json(event) for event in referral.events]})


@bp.get("/<referral_id>/fhir")
@token_required(*CLIENT_ROLES)
def fhir(referral_id: str) -> Response:
    referral = visible_referral(referral_id)
    db.session.commit()
    response = jsonify(referral_bundle(referral))
    response.mimetype = "application/fhir+json"
    return response


@bp.post("/<referral_id>/transitions")
@token_required(*CLIENT_ROLES)
def change_status(referral_id: str) -> Response:
    """A new status: ``to``, and ``reason``, ``summary`` (to complete) and ``version``."""
    referral = visible_referral(referral_id, action=None)  # the change itself is audited
    body = json_body()
    errors: dict[str, str] = {}
    to = body.get("to")
    if not isinstance(to, str):
        errors["to"] = "to must be the new status, as a string"
    reason = text(body.get("reason"), "reason", errors)
    summary = text(body.get("summary"), "summary", errors)
    expected = version(body.get("version"), errors)
    if errors or not isinstance(to, str):
        return invalid(errors, "The change")
    transition(referral, to, caller(), reason, expected, summary)
    db.session.commit()
    return jsonify(_shown(referral))


@bp.get("/<referral_id>/summary")
@token_required(*CLIENT_ROLES)
def summary(referral_id: str) -> Response:
    """The message back to the referrer (PRSB): the outcome of a completed case."""
    referral = visible_referral(referral_id, action=None)
    if caller().role is Role.RESIDENT:
        return json_error(403, "The outcome summary is for the referrer and the link workers")
    message = message_back(referral)
    if message is None:
        db.session.rollback()
        return json_error(409, "This referral is not completed yet: it has no outcome summary")
    record_summary_read(caller(), referral)
    db.session.commit()
    return jsonify(message)
