"""A FHIR R4 view of a referral: a ServiceRequest (what was asked) and a Task (where it is)."""

import uuid
from typing import Any

from wellbeing.referrals.models import Referral, ReferralStatus

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
        "code": {"coding": [SOCIAL_PRESCRIBING], "text": SOCIAL_PRESCRIBING["display"]},
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


def task(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id(referral),
        "identifier": [{"system": REFERENCE_SYSTEM, "value": referral.reference}],
        "status": TASK_STATUS[referral.status],
        "intent": "order",
        "priority": "urgent" if referral.urgency == "urgent" else "routine",
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
