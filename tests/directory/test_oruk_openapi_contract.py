"""The ORUK API against its own OpenAPI document (schemathesis): no 5xx, no answer off its schema.

The document is the one the app serves (checked first), with ORUK's JSON schemas read from
tests/data instead of the web. Each operation gets generated requests, valid and invalid; those
with an id in the path are sent again with the id of a real record, so the full objects are
checked too.
"""

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.support.oruk import BASE, bundled_openapi, first_id
from wellbeing.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.oruk.openapi import openapi_document

BASE_URL = "http://wellbeing.test"
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
REAL = {
    "/services/{id}": Service,
    "/service_at_locations/{id}": ServiceAtLocation,
    "/organizations/{id}": Organization,
    "/taxonomies/{id}": Taxonomy,
    "/taxonomy_terms/{id}": TaxonomyTerm,
}
# The WSGI client does not decompress: ask for the bytes as they are.
HEADERS = {"Accept-Encoding": "identity"}
oruk_api = schemathesis.openapi.from_dict(bundled_openapi(openapi_document(f"{BASE_URL}{BASE}/")))
pytestmark = pytest.mark.usefixtures("seeded_directory")


def test_the_document_tested_is_the_one_served(app: Flask, client: FlaskClient) -> None:
    app.config["WELLBEING_BASE_URL"] = BASE_URL
    assert client.get(f"{BASE}/openapi.json").get_json() == openapi_document(f"{BASE_URL}{BASE}/")


@oruk_api.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    database=None,  # nothing written into the repository
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_oruk_api_keeps_to_its_openapi_document(app: Flask, case: Any) -> None:
    case.call_and_validate(checks=CHECKS, app=app, headers=HEADERS)
    model = REAL.get(case.operation.path)
    if model is not None:
        case.path_parameters = {**(case.path_parameters or {}), "id": first_id(model)}
        case.call_and_validate(checks=CHECKS, app=app, headers=HEADERS)
