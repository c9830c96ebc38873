"""The request boundary: unusable text and over-deep JSON are refused before any view runs."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellbeing.inputs import MAX_JSON_DEPTH, is_safe, is_single_line

HOSTILE = ["a\x00b", "\x1b[31m", "del\x7f", "c1\x85", "bell\x07", "\x0b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_unusable_text_in_a_query_parameter_is_a_400_page(client, value) -> None:
    response = client.get("/directory", query_string={"q": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Parameter &#39;q&#39; contains characters that cannot be used" in page
    assert value not in page


@pytest.mark.parametrize(
    "path",
    ["/api/oruk/services/%00", "/api/oruk/services?search=%00", "/api/referrals?status=%1b"],
)
def test_unusable_text_anywhere_in_an_api_request_is_a_json_400(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "cannot be used" in response.get_json()["error"]["message"]


def test_a_path_with_a_nul_byte_is_refused(client) -> None:
    response = client.get("/directory/services/%00")
    assert response.status_code == 400
    assert "The address contains characters" in response.get_data(as_text=True)


def test_form_fields_are_checked_and_the_field_is_named(client) -> None:
    response = client.post("/account/sign-in", data={"email": "a\x1b@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Field &#39;email&#39; contains characters" in response.get_data(as_text=True)


def test_tabs_and_line_breaks_are_ordinary_text(client) -> None:
    response = client.post(
        "/account/sign-in", data={"email": "a\tb@example.org", "password": "x\r\ny"}
    )
    assert response.status_code == 422  # the form again, with its own message
    assert "cannot be used" not in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(client) -> None:
    # A UTF-8-encoded surrogate and a stray byte: werkzeug decodes them as U+FFFD, usable text.
    response = client.get("/directory?q=%ED%A0%80%FF")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Find support" in page and "cannot be used" not in page


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"details": "fine", "person": {"given_name": "Al\x00ex"}}, "person.given_name"),
        ({"reasons": ["ok", "\udfff"]}, "reasons[1]"),
        ({"bad\x01key": 1}, "A field name"),
    ],
)
def test_json_strings_and_keys_are_checked_at_any_depth(client, document, where) -> None:
    response = client.post(
        "/api/referrals",
        data=json.dumps(document),  # escapes keep lone surrogates valid JSON text
        content_type="application/json",
    )
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert where in message and "cannot be used" in message


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 2, 100_000])
def test_json_nested_too_deep_is_a_400_not_a_recursion_error(client, depth) -> None:
    response = client.post(
        "/api/referrals", data="[" * depth + "]" * depth, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]["message"]


def test_numbers_too_long_to_read_are_a_400(client) -> None:
    response = client.post(
        "/api/referrals", data='{"page": ' + "9" * 10_000 + "}", content_type="application/json"
    )
    assert response.status_code == 400


def test_single_line_and_free_text_rules() -> None:
    assert is_safe("Line one\nline two\ttabbed\r\n") and not is_single_line("a\nb")
    assert is_single_line("Zoë O'Brien-Smith 😀") and not is_safe("x\x7f")
    assert not is_single_line("line\u2028separator") and is_safe("line\u2028separator")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=300), name=st.sampled_from(["q", "postcode", "page", "x\x00"]))
def test_no_text_in_a_query_string_gives_a_server_error(client, value, name) -> None:
    for path in ("/directory", "/api/oruk/services", "/admin/audit", "/"):
        response = client.get(path, query_string={name: value})
        assert response.status_code < 500, (path, name)


def test_only_trusted_hosts_are_answered_when_they_are_set(app) -> None:
    app.config["TRUSTED_HOSTS"] = ["wellbeing.example.org"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "wellbeing.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_trusted_hosts_come_from_the_environment(monkeypatch) -> None:
    from wellbeing.config import Config

    monkeypatch.setenv("WELLBEING_TRUSTED_HOSTS", "wellbeing.example.org, localhost ,")
    assert Config().TRUSTED_HOSTS == ["wellbeing.example.org", "localhost"]
    monkeypatch.setenv("WELLBEING_TRUSTED_HOSTS", "")
    assert Config().TRUSTED_HOSTS is None
