"""The referrals API's OpenAPI document is valid OpenAPI 3.1, describes every endpoint, and the API
keeps its promises: Schemathesis sends it what the document allows (and what it does not) as a
referrer and as a link worker, and no answer is a 5xx or breaks the document."""

import re
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import Case, GenerationMode
from schemathesis.specs.openapi.definitions import OPENAPI_31

from tests.support.referrals import Needs, referral_body
from wellbeing.extensions import db
from wellbeing.referrals.measures import INSTRUMENTS
from wellbeing.referrals.models import LIST_LIMITS, MAX_VERSION, TEXT_LIMITS

DOCUMENT = "/api/referrals/openapi.json"
# Per database, the whole run stays well under a minute.
EXAMPLES = 150


@pytest.fixture
def document(client) -> dict:
    response = client.get(DOCUMENT)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document) -> None:
    Draft202012Validator(OPENAPI_31, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        document
    )
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # 3.1 schemas are JSON Schema 2020-12
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_endpoint_is_documented(app, document) -> None:
    served = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_referrals.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (re.sub(r"\{(\w+)\}", r"<\1>", path), method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert served == documented


def test_the_documented_bounds_are_the_ones_checked(document) -> None:
    schemas = document["components"]["schemas"]
    person = schemas["PersonIn"]["properties"]
    assert person["given_name"]["maxLength"] == TEXT_LIMITS["given_name"]
    body = schemas["ReferralIn"]["properties"]
    assert body["reasons"]["maxItems"] == LIST_LIMITS["need_ids"]
    assert body["details"]["maxLength"] == TEXT_LIMITS["what_matters"]
    assert body["risk"]["properties"]["note"]["maxLength"] == TEXT_LIMITS["risk_note"]
    change = schemas["TransitionIn"]["properties"]
    assert change["reason"]["maxLength"] == TEXT_LIMITS["reason"]
    assert change["summary"]["maxLength"] == TEXT_LIMITS["summary"]
    assert change["version"]["maximum"] == MAX_VERSION


def test_the_case_records_bounds_are_the_ones_checked(document) -> None:
    schemas = document["components"]["schemas"]
    for schema, field, name in [
        ("NoteIn", "text", "case_note"),
        ("GoalIn", "text", "goal"),
        ("ConnectionIn", "note", "connection_note"),
        ("ConnectionOutcomeIn", "reason", "outcome_reason"),
        ("WhatMattersIn", "in_their_words", "what_matters_to_me"),
        ("WhatMattersIn", "strengths", "strengths"),
        ("WhatMattersIn", "barriers", "barriers"),
        ("PersonCorrectionIn", "nhs_number", "nhs_number"),
    ]:
        assert schemas[schema]["properties"][field]["maxLength"] == TEXT_LIMITS[name]
    answers = {
        option["properties"]["instrument"]["const"]: option["properties"]["answers"]
        for option in schemas["MeasureIn"]["oneOf"]
    }
    for instrument, spec in INSTRUMENTS.items():
        shape = answers[instrument.value]
        assert shape["minItems"] == shape["maxItems"] == len(spec.items)
        assert (shape["items"]["minimum"], shape["items"]["maximum"]) == (
            spec.items[0].low,
            spec.items[0].high,
        )
    search = next(
        p for p in document["paths"]["/api/referrals"]["get"]["parameters"] if p["name"] == "q"
    )
    assert search["schema"]["maxLength"] == TEXT_LIMITS["search"]


def test_the_document_needs_no_token(client) -> None:
    response = client.get(DOCUMENT)
    assert response.status_code == 200 and "Authorization" not in response.request.headers


@pytest.fixture
def callers(api_headers, make_referral, suggestible_service) -> tuple[list[dict], list[str]]:
    """Headers for a referrer and a link worker, and referrals they may see (ids to aim at)."""
    referrer, referrer_headers = api_headers("referrer", organisation="Kingsholm Surgery")
    _, link_worker_headers = api_headers("link_worker")
    ids = [make_referral(actor=referrer).id for _ in range(3)]
    return [referrer_headers, link_worker_headers], ids


def plausible(needs: Needs) -> Callable[[Case], Case]:
    """A generated new referral with a real person and need in it, so that some are created
    (a random postcode or id is refused long before the rest is read)."""

    def overlay(case: Case) -> Case:
        if isinstance(case.body, dict):
            valid = referral_body(needs)
            case.body.update(person=valid["person"], reasons=valid["reasons"], consent=True)
            case.body.pop("suggested_service_ids", None)
        return case

    return overlay


# Not negative_data_rejection: the API ignores query parameters it does not know, as APIs do.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]


def test_the_api_keeps_the_documents_promises(app, client, callers, needs) -> None:
    headers, ids = callers
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    checks = [getattr(schemathesis.checks, name) for name in CHECKS]
    aimed = [  # the same operations, at referrals that exist
        schema[path][method].as_strategy(path_parameters={"referral_id": referral_id})
        for path, methods in (
            ("/api/referrals/{referral_id}", ["GET"]),
            ("/api/referrals/{referral_id}/events", ["GET"]),
            ("/api/referrals/{referral_id}/fhir", ["GET"]),
            ("/api/referrals/{referral_id}/transitions", ["POST"]),
            ("/api/referrals/{referral_id}/summary", ["GET"]),
            ("/api/referrals/{referral_id}/person", ["PATCH"]),
            ("/api/referrals/{referral_id}/notes", ["GET", "POST"]),
            ("/api/referrals/{referral_id}/goals", ["POST"]),
            ("/api/referrals/{referral_id}/connections", ["POST"]),
            ("/api/referrals/{referral_id}/measures", ["GET", "POST"]),
            ("/api/referrals/{referral_id}/next-contact", ["PUT"]),
            ("/api/referrals/{referral_id}/what-matters", ["PUT"]),
        )
        for method in methods
        for referral_id in ids
    ]
    cases = st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE),
        schema.as_strategy(GenerationMode.NEGATIVE),
        schema["/api/referrals"]["POST"].as_strategy().map(plausible(needs)),
        *aimed,
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=cases, caller=st.sampled_from(headers))
    def call(case, caller) -> None:
        # Uncompressed: Schemathesis reads the body as the WSGI app returns it.
        sent = {**caller, "Accept-Encoding": "identity"}
        response = case.call(session=client, headers=sent)
        case.validate_response(response, checks=checks, headers=sent)

    call()
    db.session.rollback()
