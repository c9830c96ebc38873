"""Every number, list and text the referrals API takes has a bound, and one line means one line:
beyond them, or of the wrong JSON type, a 422 naming the field, never a 500. (The pages take the
same bounds: test_referrals_form_limits.py.)"""

import pytest

from tests.support.factories import make_user
from tests.support.referrals import MANY, many_ids, referral_body, referral_count
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.query_args import MAX_PAGE
from wellbeing.referrals.models import (
    LIST_LIMITS,
    MAX_VERSION,
    TEXT_LIMITS,
)
from wellbeing.referrals.validation import FREE_TEXT, ONE_LINE
from wellbeing.referrals.workflow import InvalidInput, transition


def api_error(response, field: str) -> str:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["status"] == 422
    return error["fields"][field]


# The API's text fields: (path in the body, name in TEXT_LIMITS).
API_TEXT = [
    ("person.given_name", "given_name"),
    ("person.family_name", "family_name"),
    ("person.nhs_number", "nhs_number"),
    ("person.postcode", "postcode"),
    ("person.email", "email"),
    ("person.phone", "phone"),
    ("person.preferred_contact", "preferred_contact"),
    ("person.language", "language"),
    ("details", "what_matters"),
    ("urgency", "urgency"),
    ("risk.note", "risk_note"),
]


def with_value(needs, path: str, value: object) -> dict:
    """The valid body with one value replaced, by its path ("person.postcode", "risk.note")."""
    body = referral_body(needs, risk={"flag": True, "note": "Dog in the house"})
    *parents, name = path.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    target[name] = value
    return body


@pytest.mark.parametrize(("path", "name"), API_TEXT)
def test_api_text_beyond_its_limit_is_422_at_the_field(client, api_headers, needs, path, name):
    _, headers = api_headers("referrer")
    too_long = "x" * (TEXT_LIMITS[name] + 1)
    response = client.post(
        "/api/referrals", json=with_value(needs, path, too_long), headers=headers
    )
    assert api_error(response, path) == f"Must be {TEXT_LIMITS[name]:,} characters or fewer"
    assert referral_count() == 0


SINGLE_LINE = [(path, name) for path, name in API_TEXT if name not in ("what_matters", "risk_note")]


@pytest.mark.parametrize(("path", "name"), SINGLE_LINE)
@pytest.mark.parametrize("breaker", ["\n", "\r", "\t"])
def test_api_single_line_fields_refuse_line_breaks_and_tabs(
    client, api_headers, needs, path, name, breaker
):
    _, headers = api_headers("referrer")
    body = with_value(needs, path, f"GL1{breaker}3AB")
    assert api_error(client.post("/api/referrals", json=body, headers=headers), path) == ONE_LINE
    assert referral_count() == 0


def test_api_free_text_keeps_its_line_breaks_and_tabs(client, api_headers, needs) -> None:
    _, headers = api_headers("referrer")
    details = "Lonely since March.\n\n\tLoves singing;\r\nhates crowds."
    body = referral_body(needs, details=details, risk={"flag": True, "note": "Dog\nbarks"})
    response = client.post("/api/referrals", json=body, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["details"] == details
    assert response.get_json()["risk"]["note"] == "Dog\nbarks"


@pytest.mark.parametrize(
    ("field", "draft_name"),
    [("reasons", "need_ids"), ("suggested_service_ids", "suggested_service_ids")],
)
@pytest.mark.parametrize("count", [MANY, None])
def test_api_lists_beyond_their_bound_are_422(client, api_headers, needs, field, draft_name, count):
    _, headers = api_headers("referrer")
    count = count or LIST_LIMITS[draft_name] + 1
    response = client.post(
        "/api/referrals", json=referral_body(needs, **{field: many_ids(count)}), headers=headers
    )
    assert api_error(response, field).startswith(f"Choose no more than {LIST_LIMITS[draft_name]}")
    assert len(response.get_data()) < 2_000  # the ids are not sent back
    assert referral_count() == 0


def test_unknown_ids_are_named_a_few_at_a_time(client, api_headers, needs) -> None:
    _, headers = api_headers("referrer")
    unknown = many_ids(LIST_LIMITS["need_ids"])
    response = client.post(
        "/api/referrals", json=referral_body(needs, reasons=unknown), headers=headers
    )
    message = api_error(response, "reasons")
    assert message == f"Unknown id: {', '.join(unknown[:3])} and {len(unknown) - 3} more"
    long_id = "y" * 10_000
    response = client.post(
        "/api/referrals", json=referral_body(needs, reasons=[long_id]), headers=headers
    )
    assert api_error(response, "reasons") == f"Unknown id: {'y' * 36}"


WRONG_TYPES = [
    ("person", ["Alex"], "person", "must be an object"),
    ("person", 7, "person", "must be an object"),
    ("person.given_name", 12, "person.given_name", "must be a string"),
    ("person.postcode", ["GL1 3AB"], "person.postcode", "must be a string"),
    ("person.date_of_birth", 19560423, "person.date_of_birth", "must be a date"),
    ("person.date_of_birth", {"year": 1956}, "person.date_of_birth", "must be a date"),
    ("person.interpreter_needed", "yes", "person.interpreter_needed", "true or false"),
    ("person.preferred_contact", True, "person.preferred_contact", "must be a string"),
    ("details", {"text": "lonely"}, "details", "must be a string"),
    ("reasons", {"id": "x"}, "reasons", "list of id strings"),
    ("reasons", [["nested"]], "reasons", "list of id strings"),
    ("reasons", [1, 2], "reasons", "list of id strings"),
    ("suggested_service_ids", "one", "suggested_service_ids", "list of id strings"),
    ("urgency", 1, "urgency", "must be a string"),
    ("consent", 1, "consent", "must be true"),
    ("consent", "true", "consent", "must be true"),
    ("risk", "high", "risk", "must be an object"),
    ("risk", [True, "note"], "risk", "must be an object"),
    ("risk.flag", 1, "risk.flag", "true or false"),
    ("risk.note", ["a"], "risk.note", "must be a string"),
    ("source", ["gp"], "source", "'gp' or 'professional'"),
    ("source", 1.5, "source", "'gp' or 'professional'"),
]


@pytest.mark.parametrize(("path", "value", "field", "message"), WRONG_TYPES)
@pytest.mark.parametrize("role", ["referrer", "link_worker"])
def test_api_values_of_the_wrong_json_type_are_422_naming_the_field(
    client, api_headers, needs, path, value, field, message, role
):
    _, headers = api_headers(role)
    response = client.post("/api/referrals", json=with_value(needs, path, value), headers=headers)
    assert message in api_error(response, field)
    assert referral_count() == 0


BAD_VERSIONS = [0, -1, MAX_VERSION + 1, 2**63, 1.0, 1.5, True, "1", [1], {"v": 1}]


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_api_transition_versions_are_bounded_whole_numbers(
    client, api_headers, make_referral, version
):
    _, headers = api_headers("link_worker")
    referral = make_referral()
    response = client.post(
        f"/api/referrals/{referral.id}/transitions",
        json={"to": "accepted", "version": version},
        headers=headers,
    )
    assert (
        api_error(response, "version") == f"version must be a whole number from 1 to {MAX_VERSION}"
    )
    db.session.refresh(referral)
    assert referral.status == "submitted"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": 5}, "to"),
        ({"to": ["accepted"]}, "to"),
        ({"to": "declined", "reason": 5}, "reason"),
        ({"to": "declined", "reason": {"text": "x"}}, "reason"),
    ],
)
def test_api_transition_values_of_the_wrong_type_are_422(
    client, api_headers, make_referral, body, field
):
    _, headers = api_headers("link_worker")
    referral = make_referral()
    response = client.post(f"/api/referrals/{referral.id}/transitions", json=body, headers=headers)
    api_error(response, field)


def test_a_transition_body_that_is_not_an_object_is_400(client, api_headers, make_referral):
    _, headers = api_headers("link_worker")
    referral = make_referral()
    response = client.post(
        f"/api/referrals/{referral.id}/transitions", json=["accepted"], headers=headers
    )
    assert response.status_code == 400


def test_reasons_have_one_limit_on_pages_and_in_the_api(
    client, api_headers, login_as, make_referral
) -> None:
    """The same bound and the same message for a reason typed on the page or sent by a client."""
    most = TEXT_LIMITS["reason"]
    _, headers = api_headers("link_worker")
    login_as("link_worker")
    by_api, by_page = make_referral(), make_referral()
    api = client.post(
        f"/api/referrals/{by_api.id}/transitions",
        json={"to": "declined", "reason": "r" * (most + 1)},
        headers=headers,
    )
    page = client.post(
        f"/referrals/{by_page.id}/transition",
        data={"to": "declined", "declined-version": "1", "declined-reason": "r" * (most + 1)},
    )
    message = f"Must be {most:,} characters or fewer"
    assert api_error(api, "reason") == message
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert 'id="declined-reason-error"' in body and message in body  # at the field
    for referral in (by_api, by_page):
        db.session.refresh(referral)
        assert referral.status == "submitted" and len(referral.events) == 1
    kept = "Moved away.\n\tNew address unknown."
    assert (
        client.post(
            f"/api/referrals/{by_api.id}/transitions",
            json={"to": "declined", "reason": kept + " " * 10 + "x" * (most - len(kept) - 11)},
            headers=headers,
        ).status_code
        == 200
    )


def test_the_workflow_refuses_control_characters_in_a_reason(make_referral) -> None:
    # The request boundary refuses these first; the workflow refuses them for any other caller.
    referral = make_referral()
    with pytest.raises(InvalidInput, match="special characters") as refused:
        transition(referral, "declined", make_user(Role.LINK_WORKER), "bell\x07")
    assert refused.value.field == "reason" and str(refused.value) == FREE_TEXT


@pytest.mark.parametrize(
    "path", ["/api/referrals?page=9223372036854775807", f"/api/referrals?page={MAX_PAGE + 1}"]
)
def test_api_pages_beyond_the_last_possible_are_422(client, api_headers, path) -> None:
    _, headers = api_headers("link_worker")
    response = client.get(path, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["parameter"] == "page"
    assert client.get(f"/api/referrals?page={MAX_PAGE}", headers=headers).status_code == 200
