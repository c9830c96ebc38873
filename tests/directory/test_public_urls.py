"""Absolute URLs come from WELLBEING_BASE_URL, never from the Host a client sends."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.oruk import BASE, first_id, get_json
from wellbeing.directory.models import Service

pytestmark = pytest.mark.usefixtures("seeded_directory")
PUBLIC = "https://wellbeing.example.org"
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture(autouse=True)
def _public_address(app: Flask) -> None:
    app.config["WELLBEING_BASE_URL"] = PUBLIC


def test_the_cacheable_api_documents_ignore_the_host_header(client: FlaskClient) -> None:
    details = client.get(f"{BASE}/", headers=HOSTILE)
    assert details.get_json()["openapi_url"] == f"{PUBLIC}{BASE}/openapi.json"
    document = get_json(client, f"{BASE}/openapi.json", **HOSTILE)
    assert document["servers"] == [{"url": f"{PUBLIC}{BASE}"}]
    assert document["info"]["contact"]["url"] == f"{PUBLIC}{BASE}/"
    # Public and cached: every client gets the same bytes, whatever Host it sent.
    assert details.headers["Cache-Control"] == "public, max-age=60"
    assert details.headers["ETag"] == client.get(f"{BASE}/").headers["ETag"]
    for response in (details, client.get(f"{BASE}/openapi.json", headers=HOSTILE)):
        assert "evil.example" not in response.get_data(as_text=True)


def test_the_printed_service_page_links_to_the_public_address(client: FlaskClient) -> None:
    service_id = first_id(Service)

    body = client.get(f"/directory/services/{service_id}", headers=HOSTILE).get_data(as_text=True)

    assert f"Find this page again: {PUBLIC}/directory/services/{service_id}</p>" in body
    assert "evil.example" not in body


def test_a_base_url_with_a_path_is_kept_once(app: Flask, client: FlaskClient) -> None:
    app.config["WELLBEING_BASE_URL"] = f"{PUBLIC}/wellbeing/"
    details = client.get(f"{BASE}/", environ_base={"SCRIPT_NAME": "/wellbeing"})
    assert details.get_json()["openapi_url"] == f"{PUBLIC}/wellbeing{BASE}/openapi.json"
