"""The case record through the API, for link workers and admins: case notes, the care plan's
goals, connections to services, the next contact, the "what matters to me" record and
corrections to the person's details.

Registered under /api/referrals/<referral_id> (``api.bp``). A referrer or resident who may see
the referral gets 403 here, anyone else 404 (``api_common.casework_referral``). Every read and
change is audited: reads here, changes by the domain functions (``casework``).
"""

from typing import Any

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from wellbeing.accounts.tokens import token_required
from wellbeing.extensions import db
from wellbeing.referrals import care_plan, casework
from wellbeing.referrals.api_common import (
    CLIENT_ROLES,
    a_date,
    caller,
    casework_referral,
    flag,
    id_list,
    invalid,
    json_body,
    not_found,
    text,
    version,
    whole_id,
)
from wellbeing.referrals.json_shapes import connection_json, goal_json, note_json, referral_json
from wellbeing.referrals.models import PERSON_FIELDS
from wellbeing.referrals.services import correct_person

bp = Blueprint("casework", __name__, url_prefix="/<referral_id>")


def _items(rows: list[dict]) -> Response:
    db.session.commit()
    return jsonify({"items": rows})


def _created(shown: dict) -> tuple[Response, int]:
    db.session.commit()
    return jsonify(shown), 201


def _changed(shown: dict) -> Response:
    db.session.commit()
    return jsonify(shown)


# Case notes ------------------------------------------------------------------------------------


@bp.get("/notes")
@token_required(*CLIENT_ROLES)
def notes(referral_id: str) -> Response:
    """The case notes, oldest first; corrections point at the note they correct."""
    referral = casework_referral(referral_id, "referral.notes_view")
    return _items([note_json(note) for note in referral.notes])


@bp.post("/notes")
@token_required(*CLIENT_ROLES)
def add_note(referral_id: str) -> Response | tuple[Response, int]:
    """A new note; with ``corrects`` (a note's id), a correction of that note."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    note_text = text(body.get("text"), "text", errors)
    corrects_id = whole_id(body.get("corrects"), "corrects", errors, "a note")
    corrected = None
    if corrects_id is not None:
        corrected = casework.find_note(referral, corrects_id)
        if corrected is None:
            errors["corrects"] = "No note with this id on this referral"
    if errors:
        return invalid(errors, "The note")
    return _created(note_json(casework.add_note(referral, caller(), note_text, corrected)))


@bp.patch("/notes/<note_id>")
@token_required(*CLIENT_ROLES)
def edit_note(referral_id: str, note_id: str) -> Response:
    """New words for a note: its author only, within 24 hours of writing it (else 409)."""
    referral = casework_referral(referral_id)
    note = casework.find_note(referral, note_id) or not_found("note")
    body = json_body()
    errors: dict[str, str] = {}
    note_text = text(body.get("text"), "text", errors)
    if errors:
        return invalid(errors, "The note")
    return _changed(note_json(casework.edit_note(note, caller(), note_text)))


# The personalised care and support plan --------------------------------------------------------


@bp.get("/goals")
@token_required(*CLIENT_ROLES)
def goals(referral_id: str) -> Response:
    referral = casework_referral(referral_id, "referral.goals_view")
    return _items([goal_json(goal) for goal in referral.goals])


@bp.post("/goals")
@token_required(*CLIENT_ROLES)
def add_goal(referral_id: str) -> Response | tuple[Response, int]:
    """A goal in the person's words, with a target date if they set one."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    goal_text = text(body.get("text"), "text", errors)
    target = a_date(body.get("target_date"), "target_date", errors)
    if errors:
        return invalid(errors, "The goal")
    return _created(goal_json(care_plan.add_goal(referral, caller(), goal_text, target)))


@bp.patch("/goals/<goal_id>")
@token_required(*CLIENT_ROLES)
def update_goal(referral_id: str, goal_id: str) -> Response:
    """A goal's status, and new words or a new target date when given."""
    referral = casework_referral(referral_id)
    goal = care_plan.find_goal(referral, goal_id) or not_found("goal")
    body = json_body()
    errors: dict[str, str] = {}
    status = text(body.get("status"), "status", errors)
    goal_text = text(body.get("text"), "text", errors)
    target = a_date(body.get("target_date"), "target_date", errors)
    if errors:
        return invalid(errors, "The goal")
    care_plan.update_goal(goal, caller(), status, goal_text, target)
    return _changed(goal_json(goal))


# Connections to community services -------------------------------------------------------------


@bp.get("/connections")
@token_required(*CLIENT_ROLES)
def connections(referral_id: str) -> Response:
    referral = casework_referral(referral_id, "referral.connections_view")
    return _items([connection_json(c) for c in referral.connections])


@bp.post("/connections")
@token_required(*CLIENT_ROLES)
def connect(referral_id: str) -> Response | tuple[Response, int]:
    """Connect the person to a running directory service (``service_id``), with a ``note``."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    note = text(body.get("note"), "note", errors)
    if errors:
        return invalid(errors, "The connection")
    connection = casework.connect(referral, caller(), body.get("service_id"), note)
    return _created(connection_json(connection))


@bp.patch("/connections/<connection_id>")
@token_required(*CLIENT_ROLES)
def record_outcome(referral_id: str, connection_id: str) -> Response:
    """What came of a connection (``outcome``), and why (``reason``)."""
    referral = casework_referral(referral_id)
    connection = casework.find_connection(referral, connection_id) or not_found("connection")
    body = json_body()
    errors: dict[str, str] = {}
    outcome = text(body.get("outcome"), "outcome", errors)
    reason = text(body.get("reason"), "reason", errors)
    if errors:
        return invalid(errors, "The outcome")
    casework.record_connection_outcome(connection, caller(), outcome, reason)
    return _changed(connection_json(connection))


# The referral's planning: next contact, what matters to me -------------------------------------


@bp.put("/next-contact")
@token_required(*CLIENT_ROLES)
def next_contact(referral_id: str) -> Response:
    """When the link worker will next be in touch (``on``; null clears it)."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    if "on" not in body:
        errors["on"] = "on is required: a date like 2025-03-27, or null to clear it"
    on = a_date(body.get("on"), "on", errors)
    expected = version(body.get("version"), errors)
    if errors:
        return invalid(errors, "The next contact")
    casework.set_next_contact(referral, caller(), on, expected)
    return _changed(referral_json(referral, staff=True))


WHAT_MATTERS = ("in_their_words", "strengths", "barriers")


@bp.put("/what-matters")
@token_required(*CLIENT_ROLES)
def what_matters(referral_id: str) -> Response:
    """The "what matters to me" record, replaced whole: their words, strengths, barriers, and
    the needs (``need_ids``) when given."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    values = {name: text(body.get(name), name, errors) for name in WHAT_MATTERS}
    given = body.get("need_ids")
    need_ids = None if given is None else id_list(given, "need_ids", errors)
    expected = version(body.get("version"), errors)
    if errors:
        return invalid(errors, "The record")
    casework.record_what_matters(
        referral, caller(), **values, need_ids=need_ids, expected_version=expected
    )
    return _changed(referral_json(referral, staff=True))


# Corrections to the person's details (invalid values are named person.<name>, as at creation:
# ``api.refused_details``) ---------------------------------------------------------------------


def _person_changes(body: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The person's details to change, each checked for its JSON type."""
    changes: dict[str, Any] = {}
    for name, value in body.items():
        path = f"person.{name[:50]}"
        if name == "version":
            continue
        if name not in PERSON_FIELDS:
            errors[path] = "Not a detail of the person"
        elif name == "date_of_birth":
            changes[name] = a_date(value, path, errors, "1980-03-27")
        elif name == "interpreter_needed":
            changes[name] = flag(value, path, errors)
        else:
            changes[name] = text(value, path, errors)
    return changes


@bp.patch("/person")
@token_required(*CLIENT_ROLES)
def correct(referral_id: str) -> Response:
    """Put right the person's details (staff): any of them, with the ``version`` last seen."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    expected = version(body.get("version"), errors, required=True)
    changes = _person_changes(body, errors)
    if errors:
        return invalid(errors, "The correction")
    correct_person(referral, caller(), changes, expected)
    return _changed(referral_json(referral, staff=True))
