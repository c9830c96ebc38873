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


ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # an id, of nothing here
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
    ("/services?page=1000001", "page"),
    ("/services?per_page=0", "per_page"),
    ("/services?page=1.5", "page"),
    ("/services?page=%D9%A3", "page"),  # an Arabic-Indic 3 is a digit to Python, not to us
    ("/services?age=131", "age"),
    ("/services?age=-1", "age"),
    ("/services?modified_after=10000-01-01", "modified_after"),
    ("/services?modified_after=2026-01-01T25:00", "modified_after"),
    ("/services?modified_after=" + "9" * 5000, "modified_after"),
    ("/services?organization_id=nobody", "organization_id"),
    ("/services?taxonomy_id=" + "a" * 5000, "taxonomy_id"),
    ("/services?taxonomy_term_id=not-an-id", "taxonomy_term_id"),
    ("/services?taxonomy_term_id=" + ",".join([ID] * 51), "taxonomy_term_id"),
    ("/services?" + "&".join(["status=active"] * 51), "status"),
    ("/services?status=active,open", "status"),
    ("/service_at_locations?postcode=GL1&proximity=0", "proximity"),
    ("/service_at_locations?postcode=GL1&proximity=1000001", "proximity"),
    ("/service_at_locations?postcode=GL1&proximity=-5", "proximity"),
    ("/service_at_locations?postcode=" + "GL1 2HT" * 10, "postcode"),
    ("/taxonomy_terms?parent_id=x", "parent_id"),
    ("/organizations?status=nonsense", "status"),
]


ODD_BUT_FINE = [
    "/services?search=(((",
    "/services?search=AND OR NOT",
    "/services?search=*",
    '/services?search="unclosed',
    "/services?modified_after=2026-01-01T00:00:00 01:00",  # an unescaped "+" arrives as a space
    "/services?modified_after=2026-01-01",
    "/services?taxonomy_term_id=,,,&organization_id=",
    f"/services?taxonomy_term_id={ID.upper()}&organization_id={{{ID}}}",  # any way to write one
    "/services?modified_after=0001-01-01",  # the first day there is: everything
    "/services?modified_after=0001-01-01T00:00:00 05:00",  # before the first moment in UTC
    "/services?modified_after=9999-12-31T23:59:59-05:00",  # after the last
    "/services?page=1000000&per_page=200&age=130&format=json",
    "/services?page=%20&per_page=&age=%20%20",  # blank is absent
    "/services?status=active&status=inactive,%20defunct",
    "/service_at_locations?postcode=GL1&proximity=1000000",
    "/services?lat=100000&lon=-1e309&proximity=5",  # not ours to read: ignored
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


def test_modified_after_reaches_from_the_first_day_to_the_last(client: FlaskClient) -> None:
    everything = get_json(client, f"{BASE}/services?per_page=1")["total_items"]
    for stamp in ("0001-01-01", "0001-01-01T00:00:00%2B05:00", "0001-01-01T00:00:00Z"):
        page = get_json(client, f"{BASE}/services?per_page=1&modified_after={stamp}")
        assert page["total_items"] == everything
    for stamp in ("9999-12-31", "9999-12-31T23:59:59.999999-05:00"):
        assert get_json(client, f"{BASE}/services?modified_after={stamp}")["total_items"] == 0


def test_lists_gather_repeated_and_comma_separated_values(client: FlaskClient) -> None:
    closed = get_json(client, f"{BASE}/services?status=inactive,defunct")["total_items"]
    repeated = get_json(client, f"{BASE}/services?status=inactive&status=defunct")
    assert repeated["total_items"] == closed > 0
    service = next(s for s in active_services() if len(s.taxonomy_terms) > 1)
    first, second = (term.id for term in service.taxonomy_terms[:2])
    either = get_json(client, f"{BASE}/services?taxonomy_term_id={first},{second}&per_page=200")
    both_ways = get_json(
        client, f"{BASE}/services?taxonomy_term_id={first}&taxonomy_term_id={second}&per_page=200"
    )
    assert either["contents"] == both_ways["contents"]
    assert service.id in {listed["id"] for listed in either["contents"]}


@pytest.mark.parametrize(
    "path",
    [
        "/services/garbage",
        "/services/" + "x" * 5000,
        f"/services/{ID}",
        "/services/%20",
        "/services/..%2F..%2Fetc",
        "/service_at_locations/garbage",
        "/organizations/1%20OR%201=1",
        "/taxonomies/%E2%80%AE",
        "/taxonomy_terms/-1",
    ],
)
def test_an_id_that_is_not_ours_is_a_json_404(client: FlaskClient, path: str) -> None:
    response = client.get(BASE + path)

    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["status"] == 404 and error["message"]
    assert len(error["message"]) < 200  # a huge id is not echoed back whole


def test_an_upper_case_id_finds_the_service(client: FlaskClient) -> None:
    service = active_services()[0]
    assert get_json(client, f"{BASE}/services/{service.id.upper()}")["id"] == service.id
