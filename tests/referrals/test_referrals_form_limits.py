"""The referral pages take the same bounds as the API (``models.TEXT_LIMITS``, ``LIST_LIMITS``),
one line means one line, and a value beyond them is a message at its field, never a 500."""

import pytest

from tests.support.referrals import (
    MANY,
    many_ids,
    referral_count,
    referrer_form,
    self_referral_form,
)
from wellbeing.extensions import db
from wellbeing.referrals.models import (
    LIST_LIMITS,
    MAX_VERSION,
    TEXT_LIMITS,
    ContactAttempt,
    Referral,
)
from wellbeing.referrals.validation import ONE_LINE


def field_error(response, anchor: str, message: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{anchor}"' in body and message in body


@pytest.mark.parametrize(
    "name", ["given_name", "family_name", "nhs_number", "postcode", "phone", "email", "language"]
)
def test_self_referral_single_line_fields_refuse_line_breaks(client, needs, name) -> None:
    response = client.post("/refer", data=self_referral_form(needs, **{name: "one\ntwo"}))
    field_error(response, name, ONE_LINE)
    assert referral_count() == 0


def test_self_referral_keeps_line_breaks_in_what_matters(client, needs) -> None:
    words = "I moved here in May.\r\n\r\n\tI would like to meet people."
    data = {**self_referral_form(needs, what_matters=words), "action": "send"}
    assert client.post("/refer", data=data).status_code == 303
    assert db.session.execute(db.select(Referral.what_matters)).scalar_one() == words


@pytest.mark.parametrize(
    ("name", "anchor"),
    [
        ("what_matters", "what_matters"),
        ("given_name", "given_name"),
        ("risk_note", "risk_note"),
        ("referrer_phone", "referrer_phone"),
    ],
)
def test_referrer_form_text_beyond_its_limit_is_shown_at_the_field(
    client, login_as, needs, name, anchor
) -> None:
    login_as("referrer")
    data = referrer_form(needs, risk_flag="y", risk_note="Dog")
    data[name] = "x" * (TEXT_LIMITS[name] + 1)
    field_error(
        client.post("/referrals/new", data=data),
        anchor,
        f"Must be {TEXT_LIMITS[name]:,} characters or fewer",
    )
    assert referral_count() == 0


@pytest.mark.parametrize(
    ("name", "noun"), [("need_ids", "things to help with"), ("suggested_service_ids", "services")]
)
@pytest.mark.parametrize("count", [MANY, None])
def test_referrer_form_lists_beyond_their_bound_are_shown_at_the_field(
    client, login_as, needs, name, noun, count
) -> None:
    login_as("referrer")
    count = count or LIST_LIMITS[name] + 1
    response = client.post("/referrals/new", data=referrer_form(needs, **{name: many_ids(count)}))
    field_error(response, name, f"Choose no more than {LIST_LIMITS[name]} {noun}")
    assert referral_count() == 0


def test_a_search_box_on_two_lines_is_refused_at_the_field(client, login_as, needs) -> None:
    login_as("referrer")
    data = referrer_form(needs, service_search="singing\nwalking", action="search")
    body = client.post("/referrals/new", data=data).get_data(as_text=True)
    assert ONE_LINE in body and 'id="service_search-error"' in body


def test_the_status_check_reference_is_one_short_line(client) -> None:
    for reference in ("WB-7K3QF2\nWB-7K3QF3", "WB-" + "7" * 100):
        response = client.post(
            "/referrals/status",
            data={
                "reference": reference,
                "date_of_birth[day]": "1",
                "date_of_birth[month]": "1",
                "date_of_birth[year]": "1970",
            },
        )
        assert response.status_code == 422 and 'href="#reference"' in response.get_data(
            as_text=True
        )


@pytest.mark.parametrize("part", ["day", "month", "year"])
def test_dates_with_huge_numbers_are_not_real_dates(client, needs, part) -> None:
    data = self_referral_form(needs, **{f"date_of_birth[{part}]": "9" * 20})
    response = client.post("/refer", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "must be a real date" in body or "Year must include 4 numbers" in body


# "9" * 400 is a whole number too big for a float (WTForms' NumberRange overflowed on it).
@pytest.mark.parametrize("version", ["0", str(MAX_VERSION + 1), "9" * 30, "9" * 400, "1.5", "x"])
@pytest.mark.parametrize(
    ("action", "data"),
    [("transition", {"to": "accepted", "accepted-version": None}), ("assign", {"version": None})],
)
def test_page_versions_out_of_bounds_are_400(
    client, login_as, make_referral, version, action, data
) -> None:
    link_worker = login_as("link_worker")
    referral = make_referral()
    data = {"assignee": str(link_worker.id), **{k: v or version for k, v in data.items()}}
    assert client.post(f"/referrals/{referral.id}/{action}", data=data).status_code == 400
    db.session.refresh(referral)
    assert (referral.status, referral.assigned_to_id, referral.version) == ("submitted", None, 1)


def test_a_contact_note_beyond_its_limit_is_shown_at_the_field(
    client, login_as, make_referral
) -> None:
    login_as("link_worker")
    referral = make_referral()
    most = TEXT_LIMITS["note"]
    response = client.post(
        f"/referrals/{referral.id}/contacts",
        data={"method": "phone", "outcome": "no_answer", "note": "n" * (most + 1)},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="note-error"' in body and f"Must be {most:,} characters" in body
    assert db.session.execute(db.select(ContactAttempt.id)).first() is None


@pytest.mark.parametrize(
    ("role", "path"), [("referrer", "/referrals"), ("link_worker", "/referrals/queue")]
)
def test_pages_beyond_the_last_possible_show_the_first(client, login_as, make_referral, role, path):
    user = login_as(role)
    referral = make_referral(actor=user if role == "referrer" else None)
    response = client.get(f"{path}?page=9223372036854775807")
    assert response.status_code == 200
    assert referral.reference in response.get_data(as_text=True)  # query_args: the first page
