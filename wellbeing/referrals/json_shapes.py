"""How a referral and its events look in the JSON API."""

from typing import Any

from wellbeing.referrals.models import PERSON_FIELDS, Referral, ReferralEvent

# Where each draft field sits in the request body, so errors name what the client sent.
DRAFT_PATHS = {
    **{name: f"person.{name}" for name in PERSON_FIELDS},
    "need_ids": "reasons",
    "what_matters": "details",
    "risk_flag": "risk.flag",
    "risk_note": "risk.note",
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


def referral_json(referral: Referral) -> dict[str, Any]:
    latest = referral.latest_event
    return {
        "id": referral.id,
        "reference": referral.reference,
        "status": referral.status,
        "version": referral.version,
        "source": referral.source,
        "urgency": referral.urgency,
        "created_at": _iso(referral.created_at),
        "updated_at": _iso(referral.updated_at),
        "closed_at": _iso(referral.closed_at),
        "person": {
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
        },
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
    }
