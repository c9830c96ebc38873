"""The public directory pages: search with words, postcode and filters; the service page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from wellbeing.directory.models import Service
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")


def service_named(name: str) -> Service:
    return db.session.execute(db.select(Service).where(Service.name == name)).scalar_one()


def result_names(html: str) -> list[str]:
    """The service names in the result list, in order."""
    names = []
    for chunk in html.split('<li class="app-result">')[1:]:
        link = chunk.split("<a href=", 1)[1]
        names.append(link.split(">", 1)[1].split("</a>", 1)[0].replace("&#39;", "'"))
    return names


def test_empty_search_page_shows_the_form_only(client: FlaskClient) -> None:
    body = client.get("/directory").get_data(as_text=True)
    assert "<h1>Find support near you</h1>" in body
    assert 'name="q"' in body and 'name="postcode"' in body
    assert "services found" not in body


def test_words_search_finds_by_synonym_and_counts(client: FlaskClient) -> None:
    body = client.get("/directory?q=breathing").get_data(as_text=True)
    names = result_names(body)
    assert "Singing for Lung Health, Cheltenham" in names
    assert f"{len(names)} services found" in body or f"{len(names)} service found" in body


def test_postcode_search_sorts_by_distance_and_shows_miles(client: FlaskClient) -> None:
    body = client.get("/directory?postcode=gl1+2ht&sort=distance").get_data(as_text=True)
    names = result_names(body)
    assert names[0] == "Support at the Cavern"
    assert "near GL1 2HT" in body
    assert "Less than 0.1 miles away" in body


def test_a_postcode_alone_means_nearest_first_within_ten_miles(client: FlaskClient) -> None:
    body = client.get("/directory?q=befriending&postcode=GL1+2HT").get_data(as_text=True)
    assert re.search(r'<option value="10" selected\s*>Within 10 miles', body)
    assert re.search(r'<option value="distance" selected\s*>Nearest first', body)
    names = result_names(body)
    assert "Tewkesbury Befriending" not in names  # 11 miles away
    assert "Friendly Voices Telephone Befriending" in names  # a phone line for the county
    assert "By phone or online</strong> for Gloucestershire (countywide)" in body


def test_radius_cuts_off_far_services(client: FlaskClient) -> None:
    body = client.get("/directory?postcode=G21+3UF&radius=1&sort=distance").get_data(as_text=True)
    names = result_names(body)
    assert "Singing for Breath, Springburn" in names
    assert not any("Cheltenham" in name or "Gloucester" in name for name in names)


def test_filters_free_and_self_referral(client: FlaskClient) -> None:
    body = client.get("/directory?q=arts+pain&self_referral=y").get_data(as_text=True)
    assert "Painted Threads: Mixed-Media Arts for Persistent Pain" not in result_names(body)
    body = client.get("/directory?q=exercise&free=y").get_data(as_text=True)
    names = result_names(body)
    assert names and "Sit and Be Fit, Hucclecote" not in names  # £3.50 a session


def test_bad_postcode_is_a_field_error_not_a_crash(client: FlaskClient) -> None:
    response = client.get("/directory?q=walking&postcode=not+a+postcode")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a real UK postcode" in body
    assert 'href="#postcode"' in body  # the error summary links to the field
    assert 'value="walking"' in body  # what was typed is kept


def test_unknown_postcode_is_a_field_error(client: FlaskClient) -> None:
    response = client.get("/directory?postcode=ZE2+9XX")
    assert response.status_code == 422
    assert "We could not find the postcode ZE2 9XX" in response.get_data(as_text=True)


def test_bad_age_and_distance_sort_without_postcode(client: FlaskClient) -> None:
    response = client.get("/directory?age=abc&sort=distance")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a postcode to sort by distance" in body
    assert "Not a valid integer value" in body or "Enter an age" in body


def test_typo_offers_did_you_mean(client: FlaskClient) -> None:
    body = client.get("/directory?q=singng").get_data(as_text=True)
    assert "Did you mean" in body and ">singing</a>" in body


def test_no_results_gives_next_steps(client: FlaskClient) -> None:
    body = client.get("/directory?q=xylophonist+zebra&free=y").get_data(as_text=True)
    assert "No services match your search" in body
    assert "remove the filters" in body
    assert 'href="/refer"' in body


def test_pagination_keeps_the_query(client: FlaskClient) -> None:
    body = client.get("/directory?area=gloucestershire-countywide&sort=name").get_data(as_text=True)
    first_page = result_names(body)
    assert len(first_page) == 10
    next_href = re.search(r'href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(next_href).query)
    assert query["page"] == ["2"] and query["area"] == ["gloucestershire-countywide"]
    second_page = result_names(client.get(next_href).get_data(as_text=True))
    assert second_page and not set(first_page) & set(second_page)


def test_inactive_services_are_not_found_by_default(client: FlaskClient) -> None:
    body = client.get("/directory?q=music").get_data(as_text=True)
    assert "Stroud Music for Wellbeing" not in result_names(body)


def test_service_page_has_what_a_person_needs(client: FlaskClient) -> None:
    service = service_named("Support at the Cavern")
    response = client.get(f"/directory/services/{service.id}?return=/directory%3Fq%3Dcavern")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 class="nhsuk-heading-m">Who it is for</h2>' in body
    assert "Every day, 6pm to 11pm" in body
    assert "GL1 2HT" in body
    assert "Free" in body
    assert "Information last checked on" in body
    assert 'href="/directory?q=cavern"' in body  # back to the results
    assert "Social prescription" in body  # the print layout


def test_service_page_for_closed_service_warns(client: FlaskClient) -> None:
    service = service_named("Tetbury Tuesday Lunch Club")
    body = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    assert "This service is no longer running" in body


def test_service_page_refuses_foreign_return_links(client: FlaskClient) -> None:
    service = service_named("Support at the Cavern")
    body = client.get(
        f"/directory/services/{service.id}?return=https://evil.example.com/"
    ).get_data(as_text=True)
    assert "evil.example.com" not in body


def test_typed_text_is_escaped_everywhere(client: FlaskClient) -> None:
    attack = '"><script>alert(1)</script>'
    body = client.get("/directory", query_string={"q": attack, "postcode": attack}).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body or "&#34;&gt;&lt;script" in body


def test_unknown_service_is_404(client: FlaskClient) -> None:
    assert client.get("/directory/services/not-a-service").status_code == 404


def test_home_page_search_goes_to_the_directory(client: FlaskClient) -> None:
    home = client.get("/").get_data(as_text=True)
    form = home.split('class="app-home-search"')[0].rsplit("<form", 1)[1]
    assert 'action="/directory"' in form and 'method="get"' in form
    body = client.get("/directory?q=singing&postcode=GL50+3AQ").get_data(as_text=True)
    assert result_names(body)[0] == "Singing for Lung Health, Cheltenham"


def test_filters_show_each_search_own_state(client: FlaskClient) -> None:
    """The filters' HTML is cached by state; each state must still come back exactly."""

    def free_box(body: str) -> str:
        return re.search(r'<input[^>]*id="free"[^>]*>', body).group(0)

    for _ in range(2):  # the second round is served from the cache
        assert "checked" in free_box(client.get("/directory?q=walk&free=y").get_data(as_text=True))
        assert "checked" not in free_box(client.get("/directory?q=walk").get_data(as_text=True))
        with_error = client.get("/directory?q=walk&age=abc").get_data(as_text=True)
        assert 'value="abc"' in with_error and "nhsuk-input--error" in with_error
        with_age = client.get("/directory?q=walk&age=70").get_data(as_text=True)
        assert 'value="70"' in with_age and "nhsuk-input--error" not in with_age
