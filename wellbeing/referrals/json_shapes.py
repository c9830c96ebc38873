"""How a referral, its events and its case record look in the JSON API."""

from typing import Any

from wellbeing.referrals import measures
from wellbeing.referrals.case_models import (
    CareGoal,
    CaseNote,
    Connection,
    OutcomeMeasure,
)
from wellbeing.referrals.models import (
    PERSON_FIELDS,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

# Where each draft field sits in the request body, so errors name what the client sent.
DRAFT_PATHS = {
    **{name: f"person.{name}" for name in PERSON_FIELDS},
    "need_ids": "reasons",
    "what_matters": "details",
    "risk_flag": "risk.flag",
    "risk_note": "risk.note",
}
# Where each casework field sits in the request bodies of the case record's endpoints.
CASEWORK_PATHS = {
    "case_note": "text",
    "goal": "text",
    "connection_note": "note",
    "outcome_reason": "reason",
    "what_matters_to_me": "in_their_words",
    "next_contact_on": "on",
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def event_json(event: ReferralEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "at": _iso(event.at),
        "actor": event.actor_label,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "note": event.note,
    }


def _person(referral: Referral) -> dict[str, Any]:
    return {
        "given_name": referral.given_name,
        "family_name": referral.family_name,
        "date_of_birth": _iso(referral.date_of_birth),
        "nhs_number": referral.nhs_number,
        "postcode": referral.postcode,
        "email": referral.email,
        "phone": referral.phone,
        "preferred_contact": referral.preferred_contact,
        "language": referral.language,
        "interpreter_needed": referral.interpreter_needed,
    }


def referral_json(referral: Referral, staff: bool = False) -> dict[str, Any]:
    """The referral as a client sees it. ``staff`` (link workers, admins) also get the case's
    planning: the next contact and the "what matters to me" record. Everyone who may see the
    referral gets the outcome summary once it is completed: it is the message back."""
    latest = referral.latest_event
    shown = {
        "id": referral.id,
        "reference": referral.reference,
        "status": referral.status,
        "version": referral.version,
        "source": referral.source,
        "urgency": referral.urgency,
        "created_at": _iso(referral.created_at),
        "updated_at": _iso(referral.updated_at),
        "closed_at": _iso(referral.closed_at),
        "person": _person(referral),
        "reasons": [{"id": term.id, "name": term.name} for term in referral.needs],
        "details": referral.what_matters,
        "risk": {"flag": referral.risk_flag, "note": referral.risk_note},
        "consent": {
            "given": referral.consent_given,
            "recorded_at": _iso(referral.consent_recorded_at),
            "recorded_by": referral.consent_recorded_by,
        },
        "referrer": {
            "name": referral.referrer_name,
            "organisation": referral.referrer_organisation,
            "email": referral.referrer_email,
            "phone": referral.referrer_phone,
        },
        "suggested_services": [{"id": s.id, "name": s.name} for s in referral.suggested_services],
        "assigned_to": (
            {"id": referral.assigned_to.id, "name": referral.assigned_to.name}
            if referral.assigned_to
            else None
        ),
        "latest_event": event_json(latest) if latest else None,
        "outcome_summary": (
            referral.outcome_summary if referral.status is ReferralStatus.COMPLETED else None
        ),
    }
    if staff:
        shown["next_contact_on"] = _iso(referral.next_contact_on)
        shown["what_matters_to_me"] = {
            "in_their_words": referral.what_matters_to_me,
            "strengths": referral.strengths,
            "barriers": referral.barriers,
        }
    return shown


# The case record: link workers and admins only -----------------------------------------------


def note_json(note: CaseNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "text": note.text,
        "author": note.author_label,
        "at": _iso(note.at),
        "edited_at": _iso(note.edited_at),
        "corrects": note.corrects_id,
    }


def goal_json(goal: CareGoal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "text": goal.text,
        "target_date": _iso(goal.target_date),
        "status": goal.status.value,
        "created_at": _iso(goal.created_at),
        "updated_at": _iso(goal.updated_at),
    }


def connection_json(connection: Connection) -> dict[str, Any]:
    return {
        "id": connection.id,
        "service_id": connection.service_id,
        "service_name": connection.service_name,
        "note": connection.note,
        "outcome": connection.outcome.value if connection.outcome else None,
        "reason": connection.reason,
        "created_at": _iso(connection.created_at),
        "outcome_at": _iso(connection.outcome_at),
    }


def measure_json(measure: OutcomeMeasure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "instrument": measure.instrument.value,
        "stage": measure.stage.value,
        "answers": list(measure.answers),
        "taken_on": _iso(measure.taken_on),
        "raw_score": measure.raw_score,
        "metric_score": measure.metric_score,
        "bands": measures.bands(measure),
        "recorded_at": _iso(measure.recorded_at),
    }


def measures_json(referral: Referral) -> dict[str, Any]:
    """Every measure, oldest first, and each instrument's change since its baseline."""
    return {
        "items": [measure_json(m) for m in referral.measures],
        "change": {
            instrument.value: found.as_json()
            for instrument, found in measures.changes(referral.measures).items()
        },
    }
