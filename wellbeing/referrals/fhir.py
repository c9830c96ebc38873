"""A FHIR R4 view of a referral: a ServiceRequest (what was asked) and a Task (where it is).

Both carry the SNOMED CT code of a referral to social prescribing. Once the case is completed,
the Task carries its outcome (``Task.output``): the outcome summary, each service the person was
connected to with what came of it, and each measure's change since baseline. That is the message
back to the referrer (``outcomes.message_back``): no answers, no reasons, no case notes.
"""

import uuid
from typing import Any

from wellbeing.referrals import measures
from wellbeing.referrals.case_models import (
    Connection,
    Instrument,
)
from wellbeing.referrals.models import (
    Referral,
    ReferralStatus,
)

SNOMED = "http://snomed.info/sct"
SOCIAL_PRESCRIBING = {
    "system": SNOMED,
    "code": "871731000000106",
    "display": "Referral to social prescribing service",
}
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
REFERENCE_SYSTEM = "https://wellbeing.example.org/referral-reference"
TASK_STATUS = {
    ReferralStatus.SUBMITTED: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.IN_PROGRESS: "in-progress",
    ReferralStatus.ON_HOLD: "on-hold",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.DECLINED: "rejected",
    ReferralStatus.CANCELLED: "cancelled",
    ReferralStatus.CLOSED_NO_CONTACT: "failed",
}
SERVICE_REQUEST_STATUS = {
    ReferralStatus.ON_HOLD: "on-hold",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.DECLINED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
    ReferralStatus.CLOSED_NO_CONTACT: "revoked",
}


def _subject(referral: Referral) -> dict[str, Any]:
    subject: dict[str, Any] = {"display": referral.person_name}
    if referral.nhs_number:
        subject["identifier"] = {"system": NHS_NUMBER_SYSTEM, "value": referral.nhs_number}
    return subject


def service_request(referral: Referral) -> dict[str, Any]:
    status = referral.status
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": referral.id,
        "identifier": [{"system": REFERENCE_SYSTEM, "value": referral.reference}],
        "status": SERVICE_REQUEST_STATUS.get(status, "active"),
        "intent": "order",
        "priority": "urgent" if referral.urgency == "urgent" else "routine",
        "code": _code(),
        "subject": _subject(referral),
        "authoredOn": referral.created_at.isoformat(),
        "reasonCode": [{"text": need.name} for need in referral.needs],
        "note": [{"text": referral.what_matters}],
    }
    if referral.referrer_name:
        requester = referral.referrer_name
        if referral.referrer_organisation:
            requester += f", {referral.referrer_organisation}"
        resource["requester"] = {"display": requester}
    return resource


def task_id(referral: Referral) -> str:
    """A stable UUID for the referral's Task, derived from the referral's id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:wellbeing:referral:{referral.id}:task"))


def _code() -> dict[str, Any]:
    return {"coding": [SOCIAL_PRESCRIBING], "text": SOCIAL_PRESCRIBING["display"]}


def _output(kind: str, **value: Any) -> dict[str, Any]:
    return {"type": {"text": kind}, **value}


def _connection(connection: Connection) -> dict[str, Any]:
    outcome = connection.outcome.label.lower() if connection.outcome else "outcome not recorded"
    return _output(
        "Connection to a service",
        valueReference={"display": f"{connection.service_name}: {outcome}"},
    )


def _signed(number: float) -> str:
    return f"{number:+g}"


def _change(change: measures.Change) -> dict[str, Any]:
    """A measure's change since baseline, in words: the metric score (SWEMWBS) or each item's
    score (ONS4), never the answers themselves."""
    spec = measures.INSTRUMENTS[change.instrument]
    span = (
        f"from {change.baseline.stage.label.lower()} ({change.baseline.taken_on.isoformat()}) "
        f"to {change.latest.stage.label.lower()} ({change.latest.taken_on.isoformat()})"
    )
    if change.instrument is Instrument.SWEMWBS:
        assert change.value is not None
        words = f"{spec.name} metric score {span}: {_signed(change.value)}"
    else:
        assert change.items is not None
        labels = {item.key: item.key.replace("_", " ") for item in spec.items}
        items = ", ".join(f"{labels[key]} {_signed(value)}" for key, value in change.items.items())
        words = f"{spec.name} {span}: {items}"
    return _output(f"{spec.name} change", valueString=words)


def outputs(referral: Referral) -> list[dict[str, Any]]:
    """The outcome of a completed case as Task outputs; none before it is completed."""
    if referral.status is not ReferralStatus.COMPLETED:
        return []
    found = [_output("Outcome summary", valueString=referral.outcome_summary or "")]
    found += [_connection(c) for c in referral.connections]
    found += [_change(c) for c in measures.changes(referral.measures).values()]
    return found


def task(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id(referral),
        "identifier": [{"system": REFERENCE_SYSTEM, "value": referral.reference}],
        "status": TASK_STATUS[referral.status],
        "intent": "order",
        "priority": "urgent" if referral.urgency == "urgent" else "routine",
        "code": _code(),
        "focus": {"reference": f"ServiceRequest/{referral.id}"},
        "for": _subject(referral),
        "authoredOn": referral.created_at.isoformat(),
        "lastModified": referral.updated_at.isoformat(),
        "businessStatus": {"text": referral.status.label},
    }
    reasons = [e.reason for e in referral.events if e.kind == "status" and e.reason]
    if reasons:
        resource["statusReason"] = {"text": reasons[-1]}
    if referral.assigned_to is not None:
        resource["owner"] = {"display": referral.assigned_to.name}
    if found := outputs(referral):
        resource["output"] = found
    return resource


def referral_bundle(referral: Referral) -> dict[str, Any]:
    """A FHIR ``collection`` Bundle holding the ServiceRequest and its Task."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{referral.id}", "resource": service_request(referral)},
            {"fullUrl": f"urn:uuid:{task_id(referral)}", "resource": task(referral)},
        ],
    }
