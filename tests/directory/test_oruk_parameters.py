"""ORUK API parameters: filters through the directory search, statuses, and bad input."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from tests.support.oruk import BASE, active_services, assert_valid, get_json
from wellbeing.directory.geo import distance_m
from wellbeing.directory.models import Service
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")


def test_only_active_services_unless_status_is_asked_for(client: FlaskClient) -> None:
    closed = db.session.execute(
        db.select(Service).where(Service.status != "active").order_by(Service.id)
    ).scalars()
    closed = list(closed)
    assert {service.status for service in closed} == {"inactive", "defunct", "temporarily closed"}
    listed = get_json(client, f"{BASE}/services?per_page=200")
    assert {s["id"] for s in listed["contents"]} == {s.id for s in active_services()}
    for service in closed:
        get_json(client, f"{BASE}/services/{service.id}", status=404)
        shown = get_json(client, f"{BASE}/services/{service.id}?status={service.status}")
        assert shown["status"] == service.status
    others = get_json(client, f"{BASE}/services?status=inactive,defunct")
    assert sorted(s["status"] for s in others["contents"]) == ["defunct", "inactive"]


def test_oruk_filters_combine(client: FlaskClient) -> None:
    service = next(s for s in active_services() if s.taxonomy_terms)
    term = service.taxonomy_terms[0]
    page = get_json(client, f"{BASE}/services?taxonomy_term_id={term.id}&per_page=200")
    assert service.id in {s["id"] for s in page["contents"]}
    for listed in page["contents"]:
        terms = db.session.get(Service, listed["id"]).taxonomy_terms
        assert any(term.id in (t.id, t.parent_id) for t in terms)
    both = get_json(
        client,
        f"{BASE}/services?taxonomy_term_id={term.id}&organization_id={service.organization_id}",
    )
    assert service.id in {s["id"] for s in both["contents"]}
    assert {s["organization"]["id"] for s in both["contents"]} == {service.organization_id}
    assert both["total_items"] <= page["total_items"]


def test_modified_after_and_minimal(client: FlaskClient) -> None:
    services = active_services()
    newest = max(s.last_modified for s in services)
    stamp = newest.strftime("%Y-%m-%dT%H:%M:%SZ")
    page = get_json(client, f"{BASE}/services?minimal=true&modified_after={stamp}")
    expected = {s.id for s in services if s.last_modified >= newest.replace(microsecond=0)}
    assert {s["id"] for s in page["contents"]} == expected
    assert set(page["contents"][0]) == {"id", "name", "status", "last_modified"}
    later = (newest + timedelta(days=1)).date().isoformat()
    assert get_json(client, f"{BASE}/services?modified_after={later}")["total_items"] == 0


def test_search_uses_the_directory_search(client: FlaskClient) -> None:
    page = get_json(client, f"{BASE}/services?search=singing")
    assert page["total_items"] > 0
    assert any("sing" in (s["name"] + s.get("description", "")).lower() for s in page["contents"])
    nothing = get_json(client, f"{BASE}/services?search=zzzqqqxxx")
    assert nothing["total_items"] == 0 and nothing["empty"] is True


def test_service_at_locations_near_a_postcode(client: FlaskClient) -> None:
    link = next(
        link
        for service in active_services()
        for link in service.service_at_locations
        if link.location.postcode and link.location.postcode.startswith("GL1 ")
    )
    location = link.location
    url = f"{BASE}/service_at_locations?postcode={location.postcode}&proximity=3000&per_page=200"
    page = get_json(client, url)
    assert_valid("service_at_location_list.json", page)
    distances = [
        distance_m(
            location.latitude,
            location.longitude,
            item["location"]["latitude"],
            item["location"]["longitude"],
        )
        for item in page["contents"]
    ]
    assert link.id in {item["id"] for item in page["contents"]}
    assert distances == sorted(distances) and max(distances) <= 3000
    everywhere = get_json(client, f"{BASE}/service_at_locations?postcode={location.postcode}")
    assert everywhere["total_items"] > page["total_items"]
    assert all(item["service"]["status"] == "active" for item in page["contents"])
    glasgow = get_json(client, f"{BASE}/service_at_locations?postcode=G40 2QH&proximity=3000")
    assert not {item["id"] for item in glasgow["contents"]} & {i["id"] for i in page["contents"]}


BAD_INPUT = [
    ("/services?page=abc", "page"),
    ("/services?page=0", "page"),
    ("/services?page=99999999999999999999", "page"),
    ("/services?per_page=201", "per_page"),
    ("/services?per_page=-5", "per_page"),
    ("/services?modified_after=yesterday", "modified_after"),
    ("/services?status=open", "status"),
    ("/services?minimal=perhaps", "minimal"),
    ("/services?format=xml", "format"),
    ("/services?age=old", "age"),
    ("/service_at_locations?postcode=NOT-A-POSTCODE", "postcode"),
    ("/service_at_locations?postcode=ZE3 9ZZ", "postcode"),
    ("/service_at_locations?proximity=1000", "proximity"),
    ("/service_at_locations?postcode=GL1&proximity=far", "proximity"),
    ("/organizations?per_page=1000", "per_page"),
    ("/taxonomy_terms?page=-1", "page"),
]


ODD_BUT_FINE = [
    "/services?search=(((",
    "/services?search=AND OR NOT",
    "/services?search=*",
    '/services?search="unclosed',
    "/services?modified_after=2026-01-01T00:00:00 01:00",  # an unescaped "+" arrives as a space
    "/services?modified_after=2026-01-01",
    "/services?taxonomy_term_id=,,,&organization_id=nobody",
    "/services?page=2&per_page=200&unknown_parameter=1",
    "/service_at_locations?postcode=gl1 2ht",
    "/organizations?search=%25_%25",
]


@pytest.mark.parametrize("path", ODD_BUT_FINE)
def test_odd_but_valid_input_is_answered(client: FlaskClient, path: str) -> None:
    kind = path.split("?")[0].strip("/")
    schema = {"services": "service_list.json", "organizations": "organization_list.json"}.get(
        kind, "service_at_location_list.json"
    )
    assert_valid(schema, get_json(client, BASE + path))


@pytest.mark.parametrize(("path", "parameter"), BAD_INPUT)
def test_bad_input_is_a_400_naming_the_parameter(
    client: FlaskClient, path: str, parameter: str
) -> None:
    error = get_json(client, BASE + path, status=400)["error"]
    assert error["status"] == 400
    assert error["parameter"] == parameter
    assert parameter in error["message"]
