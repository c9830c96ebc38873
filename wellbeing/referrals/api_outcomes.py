"""Outcome measures through the API, for link workers and admins: ONS4 and SWEMWBS, recorded
with their answers in item order, scored by ``measures``, listed with the change since baseline.

Registered under /api/referrals/<referral_id> (``api.bp``); the message back to the referrer,
which others may read too, is ``api.summary``.
"""

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from wellbeing.accounts.tokens import token_required
from wellbeing.extensions import db
from wellbeing.referrals.api_common import (
    CLIENT_ROLES,
    a_date,
    caller,
    casework_referral,
    invalid,
    json_body,
)
from wellbeing.referrals.json_shapes import measure_json, measures_json
from wellbeing.referrals.outcomes import record_measure

bp = Blueprint("outcomes", __name__, url_prefix="/<referral_id>")


@bp.get("/measures")
@token_required(*CLIENT_ROLES)
def measures(referral_id: str) -> Response:
    """Every measure, oldest first, with each instrument's change since its baseline."""
    referral = casework_referral(referral_id, "referral.measures_view")
    db.session.commit()
    return jsonify(measures_json(referral))


@bp.post("/measures")
@token_required(*CLIENT_ROLES)
def add_measure(referral_id: str) -> Response | tuple[Response, int]:
    """One questionnaire: ``instrument``, ``stage``, ``answers`` in item order, ``taken_on``."""
    referral = casework_referral(referral_id)
    body = json_body()
    errors: dict[str, str] = {}
    answers = body.get("answers")
    if not isinstance(answers, list):
        errors["answers"] = "answers must be a list of whole numbers, one per question in order"
    taken_on = a_date(body.get("taken_on"), "taken_on", errors)
    if errors or not isinstance(answers, list):
        return invalid(errors, "The measure")
    measure = record_measure(
        referral, caller(), body.get("instrument"), body.get("stage"), answers, taken_on
    )
    db.session.commit()
    return jsonify(measure_json(measure)), 201
