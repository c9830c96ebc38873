"""The JSON Schemas of the referrals API's bodies, requests and responses, for its OpenAPI
document (``openapi.py``); every bound comes from the tables the API checks (``models``)."""

from typing import Any

from wellbeing.errors import error_schema
from wellbeing.referrals.models import (
    ID_LENGTH,
    LIST_LIMITS,
    MAX_VERSION,
    MULTI_LINE_FIELDS,
    TEXT_LIMITS,
    ContactMethod,
    EventKind,
    ReferralSource,
    ReferralStatus,
    Urgency,
)

Schema = dict[str, Any]

# The characters a field may not hold (JSON Schema patterns, the same as ``wellbeing.inputs``).
ONE_LINE_PATTERN = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
FREE_TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
STATUSES = [status.value for status in ReferralStatus]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def text_in(name: str, description: str, nullable: bool = True) -> Schema:
    """A text field with its bounds: its length, and one line unless it is free text."""
    multi_line = name in MULTI_LINE_FIELDS
    rule = "Line breaks and tabs are kept." if multi_line else "One line: no line breaks or tabs."
    return {
        "type": ["string", "null"] if nullable else "string",
        "maxLength": TEXT_LIMITS[name],
        "pattern": FREE_TEXT_PATTERN if multi_line else ONE_LINE_PATTERN,
        "description": f"{description} At most {TEXT_LIMITS[name]:,} characters. {rule}",
    }


def ids_in(name: str, description: str, nullable: bool = True) -> Schema:
    return {
        "type": ["array", "null"] if nullable else "array",
        "maxItems": LIST_LIMITS[name],
        "items": {"type": "string", "maxLength": ID_LENGTH},
        "description": f"{description} At most {LIST_LIMITS[name]} ids.",
    }


def choice(values: list[str], description: str, nullable: bool = False) -> Schema:
    return {"enum": [*values, None] if nullable else values, "description": description}


def out(kind: str, nullable: bool = False) -> Schema:
    return {"type": [kind, "null"] if nullable else kind}


NAMED = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}

PERSON_IN: Schema = {
    "type": "object",
    "description": "The person referred. A phone number or an email address is required; "
    "the one named in preferred_contact must be given.",
    "required": ["given_name", "family_name", "date_of_birth", "postcode"],
    "properties": {
        "given_name": text_in("given_name", "First name.", nullable=False),
        "family_name": text_in("family_name", "Last name.", nullable=False),
        "date_of_birth": {
            "type": "string",
            "format": "date",
            "description": "Like 1980-03-27: in the past and within the last 120 years.",
        },
        "nhs_number": text_in("nhs_number", "10 digits passing the NHS Modulus 11 check."),
        "postcode": text_in("postcode", "A full UK postcode.", nullable=False),
        "email": text_in("email", "An email address."),
        "phone": text_in("phone", "A UK phone number."),
        "preferred_contact": choice(["phone", "text", "email"], "How to get in touch.", True),
        "language": text_in("language", "Their language, if not English."),
        "interpreter_needed": {"type": ["boolean", "null"]},
    },
}

REFERRAL_IN: Schema = {
    "type": "object",
    "required": ["person", "reasons", "details", "consent"],
    "properties": {
        "person": ref("PersonIn"),
        "reasons": {
            **ids_in("need_ids", "Taxonomy term ids: what they would like help with.", False),
            "minItems": 1,
        },
        "details": text_in("what_matters", "What matters to them, in their words.", False),
        "urgency": {
            **choice([u.value for u in Urgency], "Default routine."),
            "default": "routine",
        },
        "consent": {"const": True, "description": "The person agrees to the referral."},
        "risk": {
            "type": ["object", "null"],
            "properties": {
                "flag": {"type": ["boolean", "null"]},
                "note": text_in("risk_note", "The risk or safeguarding concern; needed with flag."),
            },
        },
        "suggested_service_ids": ids_in(
            "suggested_service_ids", "Active directory services to suggest."
        ),
        "source": choice(
            [ReferralSource.GP.value, ReferralSource.PROFESSIONAL.value],
            "Referrers only (default gp); for other roles it follows the role.",
        ),
    },
}


def version_in(nullable: bool = True) -> Schema:
    return {
        "type": ["integer", "null"] if nullable else "integer",
        "minimum": 1,
        "maximum": MAX_VERSION,
        "description": "The version you last saw: a stale one is refused with 409.",
    }


def date_in(description: str, nullable: bool = True) -> Schema:
    return {
        "type": ["string", "null"] if nullable else "string",
        "format": "date",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "description": description,
    }


TRANSITION_IN: Schema = {
    "type": "object",
    "required": ["to"],
    "properties": {
        "to": choice(STATUSES, "The new status."),
        "reason": text_in("reason", "Required to decline, hold, cancel or close for no contact."),
        "summary": text_in(
            "summary",
            "Required to complete: the outcome summary (what was done, the connections made, "
            "what changed), the message back to the referrer.",
        ),
        "version": version_in(),
    },
}

EVENT: Schema = {
    "type": "object",
    "required": ["id", "kind", "at", "actor", "from", "to", "reason", "note"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": [kind.value for kind in EventKind]},
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string"},
        "from": {"enum": [*STATUSES, None]},
        "to": {"enum": STATUSES},
        "reason": out("string", nullable=True),
        "note": out("string", nullable=True),
    },
}


def required_object(properties: dict[str, Schema]) -> Schema:
    return {"type": "object", "required": list(properties), "properties": properties}


REFERRAL: Schema = required_object(
    {
        "id": {"type": "string"},
        "reference": {"type": "string", "pattern": "^WB-[A-Z0-9]{6}$"},
        "status": {"enum": STATUSES},
        "version": {"type": "integer", "minimum": 1},
        "source": {"enum": [source.value for source in ReferralSource]},
        "urgency": {"enum": [u.value for u in Urgency]},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "person": required_object(
            {
                "given_name": out("string"),
                "family_name": out("string"),
                "date_of_birth": {"type": "string", "format": "date"},
                "nhs_number": out("string", nullable=True),
                "postcode": out("string"),
                "email": out("string", nullable=True),
                "phone": out("string", nullable=True),
                "preferred_contact": {"enum": [*(m.value for m in ContactMethod), None]},
                "language": out("string", nullable=True),
                "interpreter_needed": out("boolean"),
            }
        ),
        "reasons": {"type": "array", "items": NAMED},
        "details": out("string"),
        "risk": required_object({"flag": out("boolean"), "note": out("string", nullable=True)}),
        "consent": required_object(
            {
                "given": {"const": True},
                "recorded_at": {"type": "string", "format": "date-time"},
                "recorded_by": out("string"),
            }
        ),
        "referrer": {
            **required_object(
                {key: out("string", True) for key in ("name", "organisation", "email", "phone")}
            ),
            "description": "Who referred, from their account; all null for a person's own "
            "request. The phone is one given for this referral.",
        },
        "suggested_services": {"type": "array", "items": NAMED},
        "assigned_to": {
            "type": ["object", "null"],
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "latest_event": {"oneOf": [ref("Event"), {"type": "null"}]},
        "outcome_summary": {
            **out("string", nullable=True),
            "description": "Once completed: what was done and what changed (the message back "
            "to the referrer). Null before.",
        },
    }
)
# Link workers and admins only: the case's planning.
REFERRAL["properties"].update(
    {
        "next_contact_on": {"type": ["string", "null"], "format": "date"},
        "what_matters_to_me": required_object(
            {name: out("string", True) for name in ("in_their_words", "strengths", "barriers")}
        ),
    }
)

ERROR: Schema = error_schema(
    fields={
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "A message per field, by its path in the body "
        "(person.postcode, reasons, risk.note, answers[2]...).",
    },
    parameter={"type": "string", "description": "The query parameter to correct."},
)
