"""The referrals API's OpenAPI 3.1 document: its paths, parameters and responses, with the
schemas of ``api_schemas`` (built from the bounds the API checks, so that what the document
promises is what the code does)."""

from typing import Any

from wellbeing.query_args import MAX_PAGE
from wellbeing.referrals.api_schemas import (
    ERROR,
    EVENT,
    PERSON_IN,
    REFERRAL,
    REFERRAL_IN,
    STATUSES,
    TRANSITION_IN,
    Schema,
    ref,
    required_object,
)
from wellbeing.referrals.models import MAX_PER_PAGE

ERRORS = {
    400: "Unusable input: not a JSON object, JSON nested too deep, or text with control "
    "characters or broken Unicode anywhere in the request.",
    401: "No valid bearer token.",
    403: "Your role may not use this endpoint, or make this change.",
    404: "No referral with this id that you may see (the same whether it exists or not).",
    409: "A change that is not allowed from the current status, or a stale version.",
    422: "Bad input; fields (or parameter) says what to correct.",
}


def _json(schema: Schema, media_type: str = "application/json") -> Schema:
    return {"content": {media_type: {"schema": schema}}}


def _responses(
    ok: tuple[int, str, Schema], *errors: int, media_type: str = "application/json"
) -> dict[str, Any]:
    status, description, schema = ok
    responses: dict[str, Any] = {
        str(status): {"description": description, **_json(schema, media_type)}
    }
    for code in (400, 401, 403, *errors):
        responses[str(code)] = {"description": ERRORS[code], **_json(ref("Error"))}
    return responses


def _created(responses: dict[str, Any]) -> dict[str, Any]:
    responses["201"]["headers"] = {
        "Location": {"description": "The new referral's address.", "schema": {"type": "string"}}
    }
    return responses


REFERRAL_ID = {
    "name": "referral_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
LIST_PARAMETERS = [
    {"name": "status", "in": "query", "schema": {"enum": STATUSES}},
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
    },
]
EVENT_LIST = required_object({"items": {"type": "array", "items": ref("Event")}})
REFERRAL_LIST = required_object(
    {
        "items": {"type": "array", "items": ref("Referral")},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
    }
)
FHIR_BUNDLE = {
    "type": "object",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"const": "Bundle"},
        "type": {"const": "collection"},
        "entry": {"type": "array", "items": {"type": "object"}},
    },
    "description": "A FHIR R4 Bundle: the ServiceRequest and its Task.",
}


def _paths() -> dict[str, Any]:
    one = "/api/referrals/{referral_id}"
    return {
        "/api/referrals": {
            "get": {
                "operationId": "listReferrals",
                "summary": "The referrals you may see, newest first",
                "parameters": LIST_PARAMETERS,
                "responses": _responses((200, "A page of referrals", REFERRAL_LIST), 422),
            },
            "post": {
                "operationId": "createReferral",
                "summary": "Refer someone: the referrer is the token's account",
                "requestBody": {"required": True, **_json(ref("ReferralIn"))},
                "responses": _created(_responses((201, "Created", ref("Referral")), 422)),
            },
        },
        one: {
            "parameters": [REFERRAL_ID],
            "get": {
                "operationId": "getReferral",
                "responses": _responses((200, "The referral", ref("Referral")), 404),
            },
        },
        f"{one}/events": {
            "parameters": [REFERRAL_ID],
            "get": {
                "operationId": "getReferralEvents",
                "summary": "The referral's timeline, oldest first",
                "responses": _responses((200, "Events", EVENT_LIST), 404),
            },
        },
        f"{one}/fhir": {
            "parameters": [REFERRAL_ID],
            "get": {
                "operationId": "getReferralFhir",
                "responses": _responses(
                    (200, "A FHIR R4 Bundle", FHIR_BUNDLE), 404, media_type="application/fhir+json"
                ),
            },
        },
        f"{one}/transitions": {
            "parameters": [REFERRAL_ID],
            "post": {
                "operationId": "changeReferralStatus",
                "requestBody": {"required": True, **_json(ref("TransitionIn"))},
                "responses": _responses((200, "Changed", ref("Referral")), 404, 409, 422),
            },
        },
        "/api/referrals/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document (no token needed)",
                "security": [],
                "responses": {
                    "200": {"description": "OpenAPI 3.1", **_json({"type": "object"})},
                    "401": {
                        "description": "A token was sent but is not valid (none is needed).",
                        **_json(ref("Error")),
                    },
                },
            }
        },
    }


def openapi_document(server_url: str) -> dict[str, Any]:
    """The document, with ``server_url`` (the site's address) as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wellbeing referrals API",
            "version": "1.0.0",
            "summary": "Referrals to the Community Wellbeing Service, for GP systems and others.",
            "description": "Bearer tokens come from `flask users token EMAIL`. Every error has "
            "the shape of the Error schema. Text fields, lists and numbers have the bounds "
            "given here; anything beyond them, or of the wrong JSON type, is a 422 naming the "
            "field.",
        },
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "PersonIn": PERSON_IN,
                "ReferralIn": REFERRAL_IN,
                "TransitionIn": TRANSITION_IN,
                "Referral": REFERRAL,
                "Event": EVENT,
                "Error": ERROR,
            },
        },
    }
