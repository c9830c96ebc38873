"""Property: no query string, however hostile, gets a server error from the directory or its API.

Every parameter of the search page and of the ORUK API is driven with text, numbers, dates and
lists chosen to break things (blank, huge, negative, out of range, repeated, control characters,
broken Unicode), mixed with good values so that the search itself runs too.
"""

from collections.abc import Sequence
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.oruk import BASE
from wellbeing.directory.forms import DAY_CHOICES, RADIUS_CHOICES, SORT_CHOICES
from wellbeing.directory.models import (
    Area,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,  # nothing written into the repository
    derandomize=True,  # the same examples on every run, and on both databases
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ODD = [
    *("", " ", "\t", " \n ", "0", "-1", "-0", "+1", "1.5", "1e309", "NaN", "inf", "0x10", "1_000"),
    *("٣", "½", "true", "on", "none", "null", "[]", "{}", ",", ",,,", "%", "%00", "%25", "*"),
    *("0001-01-01", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "10000-1-1"),
    *("2026-02-30", "2026-01-01T25:00", "yesterday", "javascript:alert(1)", "<script>x</script>"),
    *("' OR '1'='1", "../../etc/passwd", "\x00", "\x1b[31m", "\ud800", "\u202e", "😀"),
    *("99999999999999999999999999", "-99999999999999999999", "1" * 5000, "GL1 2HT" * 50),
    "x" * 10_000,
]
HOSTILE = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.integers(-(10**25), 10**25).map(str),
    st.floats().map(str),
)
PAGE_PARAMETERS = (
    *("q", "postcode", "radius", "need", "open_now", "evenings", "weekends", "day", "free"),
    *("wheelchair", "self_referral", "age", "area", "sort", "spelling", "page"),
    *("time", "cost", "category", "taxonomy", "when", "access"),  # not ours: ignored
)
ORUK_PARAMETERS = (
    *("page", "per_page", "format", "search", "taxonomy_term_id", "taxonomy_id"),
    *("organization_id", "modified_after", "minimal", "full", "full_service", "status"),
    *("open_now", "free", "age", "wheelchair_accessible", "self_referral", "postcode"),
    *("proximity", "top_only", "parent_id", "lat", "lon", "long"),
)
ORUK_KINDS = {
    "services": Service,
    "service_at_locations": ServiceAtLocation,
    "organizations": Organization,
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
}


def _ids(model: type, column: str = "id") -> list[str]:
    return list(db.session.execute(db.select(getattr(model, column)).limit(20)).scalars())


def _good_values() -> dict[str, list[str]]:
    """Values each parameter accepts, so that examples reach the search and its filters."""
    term_ids, taxonomy_ids = _ids(TaxonomyTerm), _ids(Taxonomy)
    return {
        "postcode": ["GL1 2HT", "gl1", "G21 3UF", "ZE2 9XX", "GIR 0AA"],
        "radius": [value for value, _ in RADIUS_CHOICES],
        "day": [value for value, _ in DAY_CHOICES],
        "sort": [value for value, _ in SORT_CHOICES],
        "need": term_ids,
        "taxonomy_term_id": [*term_ids, ",".join(term_ids[:3])],
        "parent_id": term_ids,
        "taxonomy_id": taxonomy_ids,
        "organization_id": _ids(Organization),
        "area": _ids(Area, "slug"),
        "q": ["singing", "lonely", "walk", "help with money"],
        "search": ["singing", "lonely", "trust"],
        "status": ["active", "inactive,defunct", "temporarily closed"],
        "format": ["json", "ndjson"],
        "modified_after": ["2020-01-01", "2025-06-01T09:00:00Z"],
        "age": ["0", "70", "120", "130"],
        "page": ["1", "2", "1000000"],
        "per_page": ["1", "200"],
        "proximity": ["1", "5000", "1000000"],
    }


def _escaped(text: str) -> str:
    """``text`` for a URL as a hostile client may send it (broken Unicode as raw bytes)."""
    return quote(text, safe="", errors="surrogatepass")


def _query(pairs: Sequence[tuple[str, str]]) -> str:
    return "&".join(f"{_escaped(name)}={_escaped(value)}" for name, value in pairs)


def _parameters(data: st.DataObject, names: Sequence[str]) -> list[tuple[str, str]]:
    good = _good_values()
    pairs = []
    for name in data.draw(st.lists(st.sampled_from(names), max_size=6)):
        value = st.one_of(HOSTILE, st.sampled_from(good[name])) if name in good else HOSTILE
        pairs += [(name, drawn) for drawn in data.draw(st.lists(value, min_size=1, max_size=3))]
    return pairs


@PROPERTY
@given(data=st.data())
def test_no_search_page_query_gets_a_server_error(client: FlaskClient, data: st.DataObject) -> None:
    query = _query(_parameters(data, PAGE_PARAMETERS))

    response = client.get(f"/directory?{query}")

    assert response.status_code in (200, 400, 422), query
    if response.status_code == 422:
        assert "There is a problem" in response.get_data(as_text=True), query


@PROPERTY
@given(data=st.data())
def test_no_oruk_query_gets_a_server_error(client: FlaskClient, data: st.DataObject) -> None:
    endpoint = data.draw(st.sampled_from(tuple(ORUK_KINDS)))
    if data.draw(st.booleans()):  # one record, ours or not
        some_id = data.draw(st.one_of(st.sampled_from(_ids(ORUK_KINDS[endpoint])), HOSTILE))
        endpoint = f"{endpoint}/{_escaped(some_id)}"
    query = _query(_parameters(data, ORUK_PARAMETERS))

    response = client.get(f"{BASE}/{endpoint}?{query}")

    assert response.status_code in (200, 400, 404), (endpoint, query)
    if response.status_code != 200:
        error = response.get_json()["error"]
        assert error["status"] == response.status_code and error["message"], (endpoint, query)


@PROPERTY
@given(data=st.data())
def test_no_service_page_address_gets_a_server_error(
    client: FlaskClient, data: st.DataObject
) -> None:
    service_id = data.draw(st.one_of(st.sampled_from(_ids(Service)), HOSTILE))
    back = data.draw(st.lists(HOSTILE, max_size=2))
    query = _query([("return", value) for value in back])

    response = client.get(f"/directory/services/{_escaped(service_id)}?{query}")

    assert response.status_code in (200, 400, 404), (service_id, query)


@pytest.mark.parametrize("age", ["9" * 400, "1000", "-1", "0" * 500 + "7"])
def test_ages_out_of_range_are_a_message_not_a_server_error(client, age) -> None:
    response = client.get("/directory", query_string={"q": "singing", "age": age})
    assert response.status_code in {200, 422}
    if response.status_code == 422:
        assert "Enter an age" in response.get_data(as_text=True)
