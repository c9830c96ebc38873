"""Who referred comes from the referrer's account alone, on the pages and in the API: the
organisation (which decides who else sees a referral) and the email that gets its news."""

from tests.support.factories import make_user
from tests.support.referrals import referral_body, referrer_form
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.outbox import Notification
from wellbeing.referrals.models import Referral
from wellbeing.referrals.workflow import transition

CLAIMS = {
    "referrer_name": "Dr Someone Else",
    "referrer_organisation": "Quayside Practice",
    "referrer_email": "inbox@quayside.example.org",
}


def only_referral() -> Referral:
    return db.session.execute(db.select(Referral)).scalar_one()


def test_a_referrer_without_an_organisation_cannot_claim_one_on_the_form(
    client, login_as, needs, api_headers
) -> None:
    gp = login_as("referrer", organisation=None)
    response = client.post("/referrals/new", data=referrer_form(needs, **CLAIMS))
    assert response.status_code == 303
    referral = only_referral()
    assert (referral.referrer_name, referral.referrer_organisation, referral.referrer_email) == (
        gp.name,
        None,
        gp.email,
    )
    # Quayside's referrers see nothing of it, on their pages or through the API.
    _, quayside = api_headers("referrer", organisation="Quayside Practice")
    assert client.get("/api/referrals", headers=quayside).get_json()["total"] == 0
    assert client.get(f"/api/referrals/{referral.id}", headers=quayside).status_code == 404


def test_the_api_takes_no_referrer_details_from_the_body(client, api_headers, needs) -> None:
    gp, headers = api_headers("referrer", organisation=None)
    body = referral_body(needs, referrer={"name": "X", "organisation": "Quayside Practice"})
    response = client.post("/api/referrals", json={**body, **CLAIMS}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["referrer"] == {
        "name": gp.name,
        "organisation": None,
        "email": gp.email,
        "phone": None,
    }


def test_a_referrer_without_an_organisation_sees_only_their_own(
    client, login_as, make_referral
) -> None:
    other = make_user(Role.REFERRER, organisation=None)
    theirs = make_referral(actor=other)
    gp = login_as("referrer", organisation=None)
    mine = make_referral(actor=gp)
    body = client.get("/referrals").get_data(as_text=True)
    assert mine.reference in body and theirs.reference not in body
    assert client.get(f"/referrals/{theirs.id}").status_code == 404


def test_the_form_shows_who_is_referring_and_asks_nothing_of_it(client, login_as) -> None:
    login_as("referrer", organisation=None, name="Dr Ada Okafor")
    page = client.get("/referrals/new").get_data(as_text=True)
    assert "You are referring as <strong>Dr Ada Okafor</strong>." in page
    assert "Your account has no organisation" in page
    for name in CLAIMS:
        assert f'name="{name}"' not in page


def test_news_goes_to_the_referrers_account_email(app, make_referral) -> None:
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    referral = make_referral(actor=gp, email=None)
    referral.referrer_email = "typed-long-ago@example.org"  # as the old form stored it
    db.session.commit()
    transition(referral, "accepted", make_user(Role.LINK_WORKER))
    db.session.commit()
    recipients = db.session.execute(db.select(Notification.recipient)).scalars().all()
    assert recipients == [gp.email]
