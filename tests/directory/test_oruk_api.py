"""The Open Referral UK 3.0 API at /api/oruk, checked against the official schemas."""

import json
import math
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from tests.support.factories import make_user
from tests.support.oruk import (
    BASE,
    SCHEMA_DIR,
    active_services,
    assert_valid,
    first_id,
    get_json,
)
from wellbeing.accounts.models import Role
from wellbeing.directory.models import (
    Organization,
    OrganizationEditor,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")


def test_api_details_point_at_our_openapi_document(app: Flask, client: FlaskClient) -> None:
    app.config["WELLBEING_BASE_URL"] = "https://wellbeing.example.org/"
    details = get_json(client, f"{BASE}/")
    assert_valid("api_details.json", details)
    assert details["version"] == "HSDS-UK-3.0"
    assert details["openapi_url"] == "https://wellbeing.example.org/api/oruk/openapi.json"
    document = get_json(client, "/api/oruk/openapi.json")
    assert document["servers"] == [{"url": "https://wellbeing.example.org/api/oruk"}]
    assert document["info"]["version"] == "HSDS-UK-3.0"
    parameters = document["paths"]["/services"]["get"]["parameters"]
    documented = {parameter["$ref"].rsplit("/", 1)[1] for parameter in parameters}
    assert {"search", "modified_after", "open_now", "free", "self_referral", "status"} <= documented
    for name in documented:
        assert name in document["components"]["parameters"]
    detail = document["paths"]["/services/{id}"]["get"]
    assert {"$ref": "#/components/parameters/status"} in detail["parameters"]
    assert "404" in detail["responses"]


def detail_urls() -> list[tuple[str, str]]:
    return [
        (f"{BASE}/services/{first_id(Service)}", "service.json"),
        (f"{BASE}/service_at_locations/{first_id(ServiceAtLocation)}", "service_at_location.json"),
        (f"{BASE}/organizations/{first_id(Organization)}", "organization.json"),
        (f"{BASE}/taxonomies/{first_id(Taxonomy)}", "taxonomy.json"),
        (f"{BASE}/taxonomy_terms/{first_id(TaxonomyTerm)}", "taxonomy_term.json"),
    ]


LISTS = [
    ("/services", "service_list.json"),
    ("/services?full=true&per_page=5", "service_list.json"),
    ("/services?minimal=true&per_page=200", "service_list.json"),
    ("/service_at_locations", "service_at_location_list.json"),
    (
        "/service_at_locations?full=true&postcode=GL1&proximity=5000",
        "service_at_location_list.json",
    ),
    ("/organizations", "organization_list.json"),
    ("/organizations?full_service=true&per_page=3", "organization_list.json"),
    ("/taxonomies", "taxonomy_list.json"),
    ("/taxonomy_terms?per_page=100", "taxonomy_term_list.json"),
]


@pytest.mark.parametrize(("path", "schema"), LISTS)
def test_every_list_validates_and_is_not_empty(client: FlaskClient, path: str, schema: str) -> None:
    page = get_json(client, BASE + path)
    assert_valid(schema, page)
    assert page["contents"] and not page["empty"]
    assert page["size"] == len(page["contents"])


def test_every_detail_validates(client: FlaskClient) -> None:
    for url, schema in detail_urls():
        assert_valid(schema, get_json(client, url))


def test_service_detail_is_fully_nested(client: FlaskClient) -> None:
    service = next(s for s in active_services() if s.service_at_locations and s.contacts)
    body = get_json(client, f"{BASE}/services/{service.id}")
    assert body["organization"]["id"] == service.organization_id
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == service.locations[0].postcode
    assert body["contacts"][0]["phones"][0]["number"] == service.contacts[0].phones[0].number
    assert {a["taxonomy_term"]["id"] for a in body["attributes"]} == {
        term.id for term in service.taxonomy_terms
    }
    assert body["self_referral"] == service.self_referral
    assert "verified_by_id" not in body


def check_envelope(page: dict[str, Any], number: int, per_page: int, total: int) -> None:
    pages = math.ceil(total / per_page)
    assert page["total_items"] == total
    assert page["total_pages"] == pages
    assert page["page_number"] == number
    assert page["first_page"] is (number == 1)
    assert page["last_page"] is (number == pages)
    assert page["size"] == len(page["contents"]) == min(per_page, total - (number - 1) * per_page)
    assert page["empty"] is False


def test_walks_the_services_as_the_oruk_validator_does(client: FlaskClient) -> None:
    details = get_json(client, f"{BASE}/")
    assert get_json(client, details["openapi_url"].replace("http://localhost", ""))["paths"]
    per_page = 7
    first = get_json(client, f"{BASE}/services?per_page={per_page}")
    total, pages = first["total_items"], first["total_pages"]
    assert total == len(active_services()) and pages >= 3
    seen = []
    for number in (1, (pages + 1) // 2, pages):
        page = get_json(client, f"{BASE}/services?per_page={per_page}&page={number}")
        assert_valid("service_list.json", page)
        check_envelope(page, number, per_page, total)
        seen += [service["id"] for service in page["contents"]]
    assert len(set(seen)) == len(seen)
    for service_id in random.Random(4).sample(seen, 10):
        service = get_json(client, f"{BASE}/services/{service_id}")
        assert_valid("service.json", service)
        assert service["id"] == service_id


def test_a_page_past_the_end_is_empty(client: FlaskClient) -> None:
    page = get_json(client, f"{BASE}/services?per_page=50&page=3")
    assert_valid("service_list.json", page)
    assert page["empty"] is True and page["contents"] == [] and page["last_page"] is True


def test_unknown_ids_are_404(client: FlaskClient) -> None:
    for kind in ("services", "service_at_locations", "organizations", "taxonomies"):
        error = get_json(client, f"{BASE}/{kind}/no-such-id", status=404)["error"]
        assert "no-such-id" in error["message"]
    get_json(client, f"{BASE}/taxonomy_terms/00000000-0000-0000-0000-000000000000", status=404)


def test_conditional_get_answers_304_until_the_data_changes(client: FlaskClient) -> None:
    url = f"{BASE}/services?per_page=5"
    response = client.get(url)
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert response.headers["Cache-Control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    first = db.session.get(Service, response.get_json()["contents"][0]["id"])
    first.name = first.name + " (renamed)"
    first.last_modified = datetime.now(UTC)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["contents"][0]["name"].endswith("(renamed)")


def test_cors_allows_any_origin_to_read(client: FlaskClient) -> None:
    response = client.get(f"{BASE}/taxonomies", headers={"Origin": "https://example.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{BASE}/services",
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert client.post(f"{BASE}/services").status_code == 405


def test_ndjson_streams_every_active_service_once(client: FlaskClient) -> None:
    response = client.get(f"{BASE}/services?format=ndjson&per_page=2")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    services = [json.loads(line) for line in lines]
    ids = [service["id"] for service in services]
    assert sorted(ids) == sorted(service.id for service in active_services())
    for service in services[:5]:
        assert_valid("service.json", service)


def test_plain_listings_stream_and_search(client: FlaskClient) -> None:
    lines = client.get(f"{BASE}/taxonomy_terms?format=ndjson").get_data(as_text=True).splitlines()
    terms = db.session.execute(db.select(func.count()).select_from(TaxonomyTerm)).scalar()
    assert len(lines) == terms
    top = get_json(client, f"{BASE}/taxonomy_terms?top_only=true&per_page=200")
    assert top["total_items"] == 15 and all("parent_id" not in t for t in top["contents"])
    parent = top["contents"][0]["id"]
    children = get_json(client, f"{BASE}/taxonomy_terms?parent_id={parent}")
    assert children["total_items"] >= 3
    assert {t["parent_id"] for t in children["contents"]} == {parent}
    organization = db.session.get(Organization, first_id(Organization))
    found = get_json(client, f"{BASE}/organizations?search={organization.name.upper()}")
    assert organization.id in {o["id"] for o in found["contents"]}


def schema_keys() -> set[str]:
    """Every property name the ORUK schemas define, anywhere."""
    names: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for path in SCHEMA_DIR.glob("*.json"):
        collect(json.loads(path.read_text(encoding="utf-8")))
    return names


def keys_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node).union(*(keys_in(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(keys_in(value) for value in node))
    return set()


# Our documented extensions (seed_data/README.md) and the related objects nested on request.
EXTENSIONS = {"eligibility_description", "self_referral", "how_to_access", "wheelchair_accessible"}
EXTENSIONS |= {"transport", "phones", "code", "note", "value", "services", "service"}


def test_nothing_personal_is_reachable(client: FlaskClient) -> None:
    verifier = make_user(Role.ADMIN, email="verifier.qzxv@example.org", name="Vera Qzxv")
    editor = make_user(Role.PROVIDER, email="editor.qzxv@example.org", name="Eddie Qzxv")
    service = active_services()[0]
    service.verified_by_id = verifier.id
    db.session.add(OrganizationEditor(organization_id=service.organization_id, user_id=editor.id))
    db.session.commit()
    urls = [BASE + path for path, _ in LISTS] + [url for url, _ in detail_urls()]
    urls += [
        f"{BASE}/services/{service.id}",
        f"{BASE}/organizations/{service.organization_id}?full_service=true",
        f"{BASE}/services?format=ndjson&full=true",
    ]
    allowed = schema_keys() | EXTENSIONS
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert "qzxv" not in body.lower(), url
        documents = [json.loads(line) for line in body.splitlines()]
        unexpected = keys_in(documents) - allowed
        assert not unexpected, (url, unexpected)


def test_a_bad_authorization_header_does_not_matter(client: FlaskClient) -> None:
    response = client.get(f"{BASE}/services", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert response.json["total_items"] == client.get(f"{BASE}/services").json["total_items"] > 0
