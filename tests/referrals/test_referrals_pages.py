"""Referral pages through the test client: self-referral, status check, referrer form, lists."""

import re

import pytest

from tests.support.factories import make_user
from tests.support.referrals import referrer_form as professional
from tests.support.referrals import self_referral_form as self_referral
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral


def only_referral() -> Referral:
    return db.session.execute(db.select(Referral)).scalar_one()


def test_self_referral_checks_answers_then_confirms_with_the_reference(client, needs) -> None:
    page = client.get("/refer").get_data(as_text=True)
    assert "call <strong>999</strong>" in page and "116 123" in page and "option 2" in page
    assert "Loneliness and social connection" in page

    check = client.post("/refer", data=self_referral(needs))
    assert check.status_code == 200
    body = check.get_data(as_text=True)
    assert "Check your answers before sending" in body
    assert "3 April 1970" in body and "GL1 3AB" in body and "Text message" in body
    assert "Loneliness and social connection, Money and debt" in body
    assert db.session.execute(db.select(Referral)).first() is None  # nothing saved yet

    # The check page carries every answer, so "Change my answers" loses nothing.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    assert hidden["given_name"] == "Sam" and hidden["date_of_birth[year]"] == "1970"
    change = client.post("/refer", data={**self_referral(needs), "action": "change"})
    assert 'value="O&#39;Neill"' in change.get_data(as_text=True)

    sent = client.post("/refer", data={**self_referral(needs), "action": "send"})
    assert sent.status_code == 303
    referral = only_referral()
    assert referral.source == "self" and referral.created_by_id is None
    assert referral.what_matters.endswith("I'd like to meet people.")
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Request sent" in confirmation and referral.reference in confirmation


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"given_name": ""}, "given_name", "Enter a first name"),
        ({"date_of_birth[month]": ""}, "date_of_birth-day", "Date of birth must include a month"),
        (
            {"date_of_birth[day]": "31", "date_of_birth[month]": "2"},
            "date_of_birth-day",
            "Date of birth must be a real date",
        ),
        ({"date_of_birth[year]": "70"}, "date_of_birth-day", "Year must include 4 numbers"),
        ({"date_of_birth[year]": "2999"}, "date_of_birth-day", "Date of birth must be in the past"),
        ({"postcode": "XX"}, "postcode", "Enter a real UK postcode"),
        ({"nhs_number": "123"}, "nhs_number", "NHS number must be 10 digits"),
        ({"phone": "", "email": "", "preferred_contact": None}, "phone", "Enter a phone number or"),
        ({"email": "sam@"}, "email", "Enter an email address in the correct format"),
        ({"need_ids": None}, "need_ids", "Choose at least one thing"),
        ({"what_matters": ""}, "what_matters", "Say what matters"),
        ({"consent": None}, "consent", "must agree"),
    ],
)
def test_self_referral_errors_link_to_the_field_and_keep_the_answers(
    client, needs, overrides, anchor, message
) -> None:
    response = client.post("/refer", data={**self_referral(needs, **overrides), "action": "send"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in body and message in body
    assert f'href="#{anchor}"' in body
    assert f'id="{anchor}"' in body  # the link has somewhere to go
    assert 'value="sam@example.org"' in body or "email" in overrides
    assert "I feel on my own since I moved here" in body or "what_matters" in overrides
    assert db.session.execute(db.select(Referral)).first() is None


def test_a_signed_in_resident_sees_their_own_requests(client, login_as, needs) -> None:
    resident = login_as("resident")
    assert f'value="{resident.email}"' in client.get("/refer").get_data(as_text=True)
    client.post("/refer", data={**self_referral(needs), "action": "send"})
    referral = only_referral()
    assert referral.created_by_id == resident.id
    page = client.get("/referrals").get_data(as_text=True)
    assert referral.reference in page and "Submitted" in page and "Referral sent" in page
    assert client.get(f"/referrals/{referral.id}").status_code == 200


def test_self_referral_submissions_are_rate_limited(app, client, needs) -> None:
    app.config["SELF_REFERRAL_RATE_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert (
            client.post("/refer", data={**self_referral(needs), "action": "send"}).status_code
            == 303
        )
    assert client.post("/refer", data={**self_referral(needs), "action": "send"}).status_code == 429
    assert client.get("/refer").status_code == 200  # reading the form is never limited


def test_only_sending_counts_against_the_self_referral_limit(app, client, needs) -> None:
    app.config["SELF_REFERRAL_RATE_LIMIT"] = "2 per hour"
    for action in ("check", "change", "check", "check", "change"):
        assert (
            client.post("/refer", data={**self_referral(needs), "action": action}).status_code
            == 200
        )
    failed = client.post("/refer", data={**self_referral(needs, given_name=""), "action": "send"})
    assert failed.status_code == 422  # a send that saved nothing does not count either
    for _ in range(2):
        sent = client.post("/refer", data={**self_referral(needs), "action": "send"})
        assert sent.status_code == 303
    # At the limit, answers can still be checked and changed: only sending is refused.
    assert client.post("/refer", data=self_referral(needs)).status_code == 200
    assert (
        client.post("/refer", data={**self_referral(needs), "action": "change"}).status_code == 200
    )
    assert client.post("/refer", data={**self_referral(needs), "action": "send"}).status_code == 429


def status_check(client, reference, day="23", month="4", year="1956"):
    return client.post(
        "/referrals/status",
        data={
            "reference": reference,
            "date_of_birth[day]": day,
            "date_of_birth[month]": month,
            "date_of_birth[year]": year,
        },
    )


def result_section(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index('id="status-result"') : body.index("<form")]


def test_status_check_shows_only_the_status(client, make_referral) -> None:
    referral = make_referral()
    response = status_check(client, referral.reference.lower().replace("-", " "))
    body = result_section(response)
    assert "Submitted" in body and referral.reference in body
    assert referral.given_name not in response.get_data(as_text=True)
    assert referral.what_matters not in response.get_data(as_text=True)


def test_status_check_gives_one_answer_for_wrong_dob_and_unknown_reference(
    client, make_referral
) -> None:
    referral = make_referral()
    wrong_birth = status_check(client, referral.reference, day="24")
    unknown = status_check(client, "WB-ZZZZZZ")
    assert wrong_birth.status_code == unknown.status_code == 200
    assert result_section(wrong_birth) == result_section(unknown)
    assert "We could not find your request" in result_section(unknown)
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert actions.count("referral.status_check_failed") == 2


def test_status_checks_are_rate_limited(app, client) -> None:
    app.config["STATUS_CHECK_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert status_check(client, "WB-ZZZZZZ").status_code == 200
    assert status_check(client, "WB-ZZZZZZ").status_code == 429


def test_referrer_form_defaults_and_creates(client, login_as, needs) -> None:
    gp = login_as("referrer", organisation="Kingsholm Surgery")
    form = client.get("/referrals/new").get_data(as_text=True)
    assert f"referring as <strong>{gp.name}</strong>, Kingsholm Surgery" in form
    assert f"We will email {gp.email}" in form
    assert "Befriending" in form  # children of each need group can be chosen
    response = client.post(
        "/referrals/new",
        data=professional(
            needs,
            risk_flag="y",
            risk_note="Lives with a dog; call ahead",
            referrer_phone="01632 960 555",
        ),
    )
    assert response.status_code == 303
    referral = only_referral()
    assert (referral.referrer_name, referral.referrer_organisation, referral.referrer_email) == (
        gp.name,
        "Kingsholm Surgery",
        gp.email,
    )
    assert referral.referrer_phone == "01632960555"
    assert (
        referral.nhs_number == "9434765919" and referral.risk_note == "Lives with a dog; call ahead"
    )
    assert {n.name for n in referral.needs} == {"Loneliness and social connection", "Befriending"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Referral {referral.reference} sent" in page
    assert "Risk or safeguarding concern" in page


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number", "Enter a valid NHS number"),
        ({"risk_flag": "y", "risk_note": ""}, "risk_note", "Describe the risk"),
        ({"urgency": "asap"}, "urgency", "Choose routine or urgent"),
        ({"date_of_birth[day]": "x"}, "date_of_birth-day", "must be a real date"),
        ({"suggested_service_ids": ["gone"]}, "suggested_service_ids", "Unknown id"),
    ],
)
def test_referrer_form_errors_keep_everything(client, login_as, needs, overrides, anchor, message):
    login_as("referrer")
    response = client.post("/referrals/new", data=professional(needs, **overrides))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and f'href="#{anchor}"' in body
    assert 'value="Rivers"' in body and "Widowed last year" in body
    assert f'value="{needs.befriending.id}" checked' in body
    assert db.session.execute(db.select(Referral)).first() is None


def test_inline_service_search_works_without_javascript(client, login_as, seeded_directory):
    login_as("referrer")
    from wellbeing.directory.models import TaxonomyTerm

    need = (
        db.session.execute(db.select(TaxonomyTerm).where(TaxonomyTerm.parent_id.is_(None)))
        .scalars()
        .first()
    )
    data = {
        "given_name": "Alex",
        "family_name": "Rivers",
        "what_matters": "Loves music",
        "need_ids": [need.id],
        "service_search": "singing",
        "postcode": "GL1 3AB",
        "action": "search",
    }
    response = client.post("/referrals/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" not in body  # searching is not submitting
    assert 'value="Rivers"' in body and "Loves music" in body
    found = re.findall(r'name="suggested_service_ids" type="checkbox" value="([^"]+)"', body)
    assert found, "the search offers services to tick"
    again = client.post(
        "/referrals/new",
        data={**data, "suggested_service_ids": [found[0]], "service_search": "debt advice"},
    ).get_data(as_text=True)
    assert re.search(rf'value="{found[0]}" checked', again)  # a ticked service survives a search


DASH = "\N{EN DASH}"


def suggestion_labels(body: str) -> list[str]:
    """The suggested services' checkbox labels, in order."""
    labels = re.findall(r'for="suggested_service_ids[^"]*"\s*>\s*(.*?)\s*</label>', body, re.S)
    return [label.replace("&#39;", "'") for label in labels]


def _miles(label: str) -> float:
    """The distance a suggestion's label gives (0 for one by phone or online)."""
    found = re.search(r"(\d+\.\d) miles away$", label)
    return float(found.group(1)) if found else 0.0


def test_suggestions_near_the_persons_postcode_come_first_with_their_distance(
    client, login_as, seeded_directory
):
    login_as("referrer")
    data = {
        "given_name": "Alex",
        "service_search": "debt advice",
        "postcode": "gl1 3ab",
        "action": "search",
    }
    body = client.post("/referrals/new", data=data).get_data(as_text=True)
    assert "Tick the services you suggest. Distances are from GL1 3AB." in body
    labels = suggestion_labels(body)
    assert labels, "the search offers services to tick"
    assert all(re.search(rf" {DASH} (\d+\.\d miles away|by phone or online)$", x) for x in labels)
    # With the person's postcode, the best match weighs nearness too: the drop-in in Gloucester
    # comes first, not the money advice service in Glasgow that matches the words as well.
    nearby = "Money Worries Drop-in, Barton (Fairshare Money Advice Gloucestershire)"
    assert labels[0] == f"{nearby} {DASH} 0.3 miles away"
    # Services near the person come before any a hundred miles away, however well they match.
    miles = [_miles(label) for label in labels]
    near = [i for i, distance in enumerate(miles) if distance <= 100]
    far = [i for i, distance in enumerate(miles) if distance > 100]
    assert near and far and max(near) < min(far)

    checkbox = r'name="suggested_service_ids" type="checkbox" value="([^"]+)"'
    ticked = re.search(checkbox, body).group(1)
    again = client.post(
        "/referrals/new",
        data={**data, "suggested_service_ids": [ticked], "service_search": "singing"},
    ).get_data(as_text=True)
    assert re.search(rf'value="{ticked}" checked', again)  # kept across searches...
    assert labels[0] in suggestion_labels(again)  # ...with its distance


def test_suggestions_without_a_postcode_have_no_distances(client, login_as, seeded_directory):
    login_as("referrer")
    data = {"given_name": "Alex", "service_search": "singing", "action": "search"}
    body = client.post("/referrals/new", data=data).get_data(as_text=True)
    labels = suggestion_labels(body)
    assert labels and not any("miles" in label for label in labels)
    assert "Distances are from" not in body


def test_my_referrals_lists_the_organisations_referrals(client, login_as, make_referral) -> None:
    gp = login_as("referrer", organisation="Kingsholm Surgery")
    colleague = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    other = make_user(Role.REFERRER, organisation="Quayside")
    ours, theirs = make_referral(actor=colleague), make_referral(actor=other)
    body = client.get("/referrals").get_data(as_text=True)
    assert ours.reference in body and theirs.reference not in body
    assert client.get(f"/referrals/{theirs.id}").status_code == 404
    assert gp.id  # signed in as the GP throughout


def test_admin_reads_the_audit_log(client, login_as, make_referral) -> None:
    referral = make_referral()
    login_as("admin")
    client.get(f"/referrals/{referral.id}")
    body = client.get(f"/admin/audit?reference={referral.reference}").get_data(as_text=True)
    assert "referral.view" in body and "referral.create" in body
    assert referral.given_name not in body


def test_the_forms_need_a_csrf_token(app, client, login_as, make_referral, needs) -> None:
    referral = make_referral()
    login_as("link_worker")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        f"/referrals/{referral.id}/transition", data={"to": "accepted", "accepted-version": "1"}
    )
    assert response.status_code == 400
    assert client.post("/refer", data=self_referral(needs)).status_code == 400
    db.session.refresh(referral)
    assert referral.status == "submitted"
