"""The public directory pages: search with words, postcode and filters; the service page."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from wellbeing.directory import views
from wellbeing.directory.models import Service
from wellbeing.directory.search.finder import SearchResults, find_services
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


def test_a_postcode_alone_means_nearest_first(client: FlaskClient) -> None:
    body = client.get("/directory?postcode=GL1+2HT").get_data(as_text=True)
    assert re.search(r'<option value="distance" selected\s*>Nearest first', body)
    assert result_names(body)[0] == "Support at the Cavern"


def test_postcode_search_sorts_by_distance_and_shows_miles(client: FlaskClient) -> None:
    body = client.get("/directory?postcode=gl1+2ht&sort=distance").get_data(as_text=True)
    names = result_names(body)
    assert names[0] == "Support at the Cavern"
    assert "near GL1 2HT" in body
    assert "Less than 0.1 miles away" in body


def test_words_and_a_postcode_mean_best_match_nearby_within_ten_miles(
    client: FlaskClient,
) -> None:
    body = client.get("/directory?q=befriending&postcode=GL1+2HT").get_data(as_text=True)
    assert re.search(r'<option value="10" selected\s*>Within 10 miles', body)
    # Best match blends relevance with nearness; "Nearest first" stays a choice.
    assert re.search(r'<option value="relevance" selected\s*>Best match', body)
    assert re.search(r'<option value="distance"\s*>Nearest first', body)
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


def spy_on_search(monkeypatch: pytest.MonkeyPatch, **fields: object) -> list[dict]:
    """Record each call the page makes to find_services; give its results ``fields``."""
    calls: list[dict] = []

    def spy(**kwargs: object) -> SearchResults:
        calls.append(kwargs)
        results = find_services(**kwargs)
        for name, value in fields.items():
            setattr(results, name, value(kwargs) if callable(value) else value)
        return results

    monkeypatch.setattr(views, "find_services", spy)
    return calls


def link_to(body: str, text: str) -> str:
    match = re.search(rf'<a href="([^"]+)">\s*{re.escape(text)}\s*</a>', body)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


def test_a_corrected_spelling_says_so_and_offers_the_words_as_typed(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search says when it ran on corrected words; here it is made to say so for "singng".
    calls = spy_on_search(
        monkeypatch,
        suggestion=lambda kw: "singing" if kw["correct_spelling"] else None,
        corrected_from=lambda kw: kw["text"] if kw["correct_spelling"] else None,
    )
    body = client.get("/directory?q=singng&postcode=GL1+2HT&free=y&page=1").get_data(as_text=True)
    assert calls[-1]["correct_spelling"] is True
    assert "Showing results for <strong>singing</strong>" in body
    assert "Did you mean" not in body
    href = link_to(body, "Search instead for singng")
    query = parse_qs(urlsplit(href).query)
    assert query["q"] == ["singng"] and query["spelling"] == ["exact"]
    assert query["postcode"] == ["GL1 2HT"] and query["free"] == ["y"]  # the rest is kept
    assert "page" not in query
    assert 'name="spelling"' not in body  # new words typed in the form are corrected again

    exact = client.get(href).get_data(as_text=True)
    assert calls[-1]["correct_spelling"] is False and calls[-1]["text"] == "singng"
    assert "Showing results for" not in exact and "Search instead for" not in exact
    assert 'value="singng"' in exact


def test_a_long_search_says_only_its_start_was_used(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy_on_search(monkeypatch, cut=True)
    body = client.get("/directory", query_string={"q": "singing " * 40}).get_data(as_text=True)
    assert "Your search was long, so we used only its first 200 characters" in body
    spy_on_search(monkeypatch, cut=False)
    body = client.get("/directory?q=singing").get_data(as_text=True)
    assert "Your search was long" not in body


def test_results_come_before_the_closed_filters(client: FlaskClient) -> None:
    body = client.get("/directory?q=lonely&postcode=GL1+1AA").get_data(as_text=True)
    search_button = re.search(r">\s*Search\s*</button>", body).start()
    count = body.index('id="results-heading"')
    first_result = body.index('<li class="app-result">')
    filters = body.index('id="filters"')
    assert body.index('name="q"') < search_button < count < first_result < filters
    assert 'name="open_now"' in body[filters:]  # the filters are in the one GET form
    assert body.index("</form>") > filters
    details = re.search(r'<details[^>]*id="filters"[^>]*>', body).group(0)
    assert " open" not in details
    assert "Filter results\n" in body and "applied)" not in body


def test_applied_filters_are_counted_and_shown_open(client: FlaskClient) -> None:
    body = client.get("/directory?q=walking&free=y&weekends=y").get_data(as_text=True)
    details = re.search(r'<details[^>]*id="filters"[^>]*>', body).group(0)
    assert details.endswith(" open>")
    assert "Filter results (2 applied)" in body
    assert re.search(r">\s*Apply filters\s*</button>", body)


def sort_options(body: str) -> list[str]:
    select = re.search(r'<select[^>]*name="sort".*?</select>', body, re.S).group(0)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]+)</option>", select)]


def test_sort_offers_nearest_first_only_with_a_postcode(client: FlaskClient) -> None:
    body = client.get("/directory?q=walking").get_data(as_text=True)
    assert sort_options(body) == ["Best match", "A to Z"]
    body = client.get("/directory?q=walking&postcode=GL1+2HT").get_data(as_text=True)
    assert sort_options(body) == ["Best match", "Nearest first", "A to Z"]
    body = client.get("/directory?q=walking&sort=name").get_data(as_text=True)
    names = result_names(body)
    assert names == sorted(names, key=str.lower)


def test_emptying_the_postcode_in_the_form_searches_everywhere_by_best_match(
    client: FlaskClient,
) -> None:
    response = client.get("/directory?q=walking&postcode=&radius=&sort=distance")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" not in body
    assert re.search(r'<option value="relevance" selected\s*>Best match', body)
    assert re.search(r'<option value="" selected\s*>Any distance', body)
    assert "Glasgow Green Saturday 5k" in result_names(body)


def field_error(body: str, name: str) -> str:
    """The message shown at a field, after checking the error summary links to it."""
    assert "There is a problem" in body
    error = rf'id="{name}-error"\s*>\s*<span[^>]*>Error: </span>(.*?)</span>'
    message = re.search(error, body, re.S)
    assert message, f"no error at {name}"
    text = message.group(1).strip()
    assert re.search(rf'<a href="#{name}"\s*>\s*{re.escape(text)}\s*</a>', body)
    return html.unescape(text)


@pytest.mark.parametrize(
    "query",
    [
        "q=singing&postcode=&radius=10",  # what the form sends: a distance, the postcode empty
        "q=singing&postcode=%20%20&radius=10",
        "q=singing&radius=5",
        "radius=1&sort=distance",
        "postcode=%09&radius=25&radius=%20",
    ],
)
def test_a_distance_without_a_postcode_asks_for_one(client: FlaskClient, query: str) -> None:
    response = client.get(f"/directory?{query}")

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_error(body, "postcode") == "Enter a postcode to search by distance"
    assert 'id="results-heading"' not in body  # not "everywhere" passed off as "within 10 miles"


@pytest.mark.parametrize(
    "query",
    [
        "postcode=%20",
        "q=singing&postcode=%20",
        "q=singing&radius=%20&day=%20&sort=%20&area=%20&need=%20",
        "q=singing&day=&sort=&area=&radius=",
        "q=singing&page=-1&page=abc",
        "q=singing&age=%20",
        "q=singing&open_now=%20&free=nonsense&spelling=exact&spelling=x",
    ],
)
def test_blank_choices_mean_their_defaults(client: FlaskClient, query: str) -> None:
    response = client.get(f"/directory?{query}")

    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:2000]
    assert "There is a problem" not in body and 'id="results-heading"' in body


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("q=singing&day=9", "day", "Not a valid choice."),
        ("q=singing&need=%20&need=not-a-need", "need", "'not-a-need' is not a valid choice"),
        ("q=singing&area=nowhere", "area", "Not a valid choice."),
        ("q=singing&sort=random", "sort", "Not a valid choice."),
        ("q=singing&age=-1", "age", "Enter an age between 0 and 120"),
        ("q=singing&age=99999999999999999999999", "age", "Enter an age between 0 and 120"),
        ("q=singing&age=" + "9" * 5000, "age", "Enter an age between 0 and 120"),
        ("postcode=" + "GL1%202HT" * 40, "postcode", "Enter a real UK postcode"),
    ],
)
def test_a_value_that_is_not_a_choice_is_a_field_error(
    client: FlaskClient, query: str, field: str, message: str
) -> None:
    response = client.get(f"/directory?{query}")

    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)


def test_the_form_sends_no_correction_flag_and_views_pass_the_default(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy_on_search(monkeypatch)
    client.get("/directory?q=walking")
    assert calls[-1]["correct_spelling"] is True
    client.get("/directory?q=walking&spelling=anything")
    assert calls[-1]["correct_spelling"] is True


def test_no_results_gives_next_steps(client: FlaskClient) -> None:
    body = client.get("/directory?q=xylophonist+zebra&free=y").get_data(as_text=True)
    assert "No services match your search" in body
    assert "remove the filters" in body
    assert 'href="/refer"' in body


def test_no_results_near_a_postcode_offers_more_words_a_wider_distance_and_a_link_worker(
    client: FlaskClient,
) -> None:
    body = client.get("/directory?q=xylophonist&postcode=GL1+2HT&radius=3").get_data(as_text=True)
    assert '<h2 class="nhsuk-heading-m" id="results-heading">No services match your search' in body
    quoted = "\N{LEFT SINGLE QUOTATION MARK}xylophonist\N{RIGHT SINGLE QUOTATION MARK}"
    assert f"We could not find any services for {quoted} within 3 miles of GL1 2HT." in body
    assert "use fewer words, or different ones" in body
    wider = parse_qs(urlsplit(link_to(body, "search within 5 miles of GL1 2HT")).query)
    assert wider["radius"] == ["5"] and wider["q"] == ["xylophonist"]
    assert link_to(body, "Ask for help from a link worker") == "/refer"
    assert "remove the filters" not in body  # none were chosen
    assert "Sort by" not in body
    widest = client.get("/directory?q=xylophonist&postcode=GL1+2HT&radius=25").get_data(
        as_text=True
    )
    assert "radius=&" in link_to(widest, "search at any distance from GL1 2HT") + "&"


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


def test_service_page_print_button_has_one_data_module(client: FlaskClient) -> None:
    service = service_named("Support at the Cavern")
    body = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    button = re.search(r"<button[^>]*data-app-print[^>]*>", body, re.S).group(0)
    assert button.count("data-module=") == 1  # a second one would be ignored by browsers
    assert 'type="button"' in button and " hidden" in button  # shown by app.js


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
