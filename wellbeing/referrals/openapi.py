"""The referrals API's OpenAPI 3.1 document: its paths, parameters and responses, with the
schemas of ``api_schemas`` and ``api_casework_schemas`` (built from the bounds the API checks,
so that what the document promises is what the code does)."""

from typing import Any

from wellbeing.query_args import MAX_PAGE
from wellbeing.referrals.api_casework_schemas import MEASURE_LIST
from wellbeing.referrals.api_casework_schemas import SCHEMAS as CASEWORK_SCHEMAS
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
from wellbeing.referrals.models import MAX_PER_PAGE, TEXT_LIMITS

ERRORS = {
    400: "Unusable input: not a JSON object, JSON nested too deep, or text with control "
    "characters or broken Unicode anywhere in the request.",
    401: "No valid bearer token.",
    403: "Your role may not use this endpoint, or make this change (the case record is for "
    "link workers and admins: referrers and residents get 403 for a referral they may see).",
    404: "No referral with this id that you may see (the same whether it exists or not), or "
    "no note, goal or connection with this id on it.",
    409: "A change that is not allowed from the current status, or a stale version; a note "
    "past its 24 hours or someone else's; a summary of a case not completed yet.",
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
        "name": "q",
        "in": "query",
        "description": "Link workers and admins only (403 for others): a reference, a name, an "
        "NHS number (spaces allowed) or a date of birth (YYYY-MM-DD).",
        "schema": {"type": "string", "maxLength": TEXT_LIMITS["search"]},
    },
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


def _part_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _operation(
    operation_id: str,
    ok: tuple[int, str, Schema],
    *errors: int,
    body: str | None = None,
    summary: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id}
    if summary:
        operation["summary"] = summary
    if body:
        operation["requestBody"] = {"required": True, **_json(ref(body))}
    operation["responses"] = _responses(ok, *errors)
    return operation


def _items(name: str) -> Schema:
    return required_object({"items": {"type": "array", "items": ref(name)}})


def _case_record(one: str) -> dict[str, Any]:
    """The case record's paths: link workers and admins only."""
    return {
        f"{one}/notes": {
            "parameters": [REFERRAL_ID],
            "get": _operation("listNotes", (200, "Notes, oldest first", _items("Note")), 404),
            "post": _operation("addNote", (201, "Added", ref("Note")), 404, 422, body="NoteIn"),
        },
        f"{one}/notes/{{note_id}}": {
            "parameters": [REFERRAL_ID, _part_id("note_id")],
            "patch": _operation(
                "editNote",
                (200, "Edited", ref("Note")),
                404,
                409,
                422,
                body="NoteEditIn",
                summary="Its author only, within 24 hours of writing it",
            ),
        },
        f"{one}/goals": {
            "parameters": [REFERRAL_ID],
            "get": _operation("listGoals", (200, "The care plan's goals", _items("Goal")), 404),
            "post": _operation(
                "addGoal", (201, "Added", ref("Goal")), 404, 409, 422, body="GoalIn"
            ),
        },
        f"{one}/goals/{{goal_id}}": {
            "parameters": [REFERRAL_ID, _part_id("goal_id")],
            "patch": _operation(
                "updateGoal", (200, "Changed", ref("Goal")), 404, 409, 422, body="GoalUpdateIn"
            ),
        },
        f"{one}/connections": {
            "parameters": [REFERRAL_ID],
            "get": _operation("listConnections", (200, "Connections", _items("Connection")), 404),
            "post": _operation(
                "connect", (201, "Connected", ref("Connection")), 404, 409, 422, body="ConnectionIn"
            ),
        },
        f"{one}/connections/{{connection_id}}": {
            "parameters": [REFERRAL_ID, _part_id("connection_id")],
            "patch": _operation(
                "recordConnectionOutcome",
                (200, "Recorded", ref("Connection")),
                404,
                422,
                body="ConnectionOutcomeIn",
            ),
        },
        f"{one}/measures": {
            "parameters": [REFERRAL_ID],
            "get": _operation(
                "listMeasures", (200, "Measures, oldest first, and change", MEASURE_LIST), 404
            ),
            "post": _operation(
                "recordMeasure",
                (201, "Recorded and scored", ref("Measure")),
                404,
                422,
                body="MeasureIn",
            ),
        },
        f"{one}/next-contact": {
            "parameters": [REFERRAL_ID],
            "put": _operation(
                "setNextContact", (200, "Set", ref("Referral")), 404, 409, 422, body="NextContactIn"
            ),
        },
        f"{one}/what-matters": {
            "parameters": [REFERRAL_ID],
            "put": _operation(
                "recordWhatMatters",
                (200, "Recorded", ref("Referral")),
                404,
                409,
                422,
                body="WhatMattersIn",
            ),
        },
        f"{one}/person": {
            "parameters": [REFERRAL_ID],
            "patch": _operation(
                "correctPerson",
                (200, "Corrected", ref("Referral")),
                404,
                409,
                422,
                body="PersonCorrectionIn",
                summary="Correct the person's details; the timeline names the fields changed",
            ),
        },
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
        f"{one}/summary": {
            "parameters": [REFERRAL_ID],
            "get": _operation(
                "getOutcomeSummary",
                (200, "The message back to the referrer", ref("Summary")),
                404,
                409,
                summary="The referrer, link workers and admins; 409 until it is completed",
            ),
        },
        **_case_record(one),
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
                **CASEWORK_SCHEMAS,
                "Error": ERROR,
            },
        },
    }
