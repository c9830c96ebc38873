"""A closed referral takes no more casework, whichever way the change comes."""

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign, record_contact_attempt
from wellbeing.referrals.models import ContactAttempt, ReferralEvent
from wellbeing.referrals.workflow import ClosedReferral, transition

CLOSING = {
    "completed": [("accepted", None), ("in_progress", None), ("completed", None)],
    "declined": [("declined", "Out of area")],
    "cancelled": [("cancelled", "Moved away")],
}


@pytest.fixture(params=list(CLOSING))
def closed_referral(request, make_referral):
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    for to, reason in CLOSING[request.param]:
        transition(referral, to, link_worker, reason, summary="Joined a choir")
    db.session.commit()
    return referral


def counts() -> tuple[int, int]:
    return (
        len(db.session.execute(db.select(ContactAttempt.id)).all()),
        len(db.session.execute(db.select(ReferralEvent.id)).all()),
    )


def test_the_domain_refuses_casework_on_a_closed_referral(closed_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    before = counts()
    with pytest.raises(ClosedReferral, match="no more contact attempts") as refused:
        record_contact_attempt(closed_referral, link_worker, "phone", "reached")
    assert refused.value.status == 409
    with pytest.raises(ClosedReferral, match="cannot be reassigned"):
        assign(closed_referral, link_worker, link_worker)
    db.session.rollback()
    assert counts() == before


def test_the_contact_endpoint_refuses_a_closed_referral(client, login_as, closed_referral):
    login_as("link_worker")
    before = counts()
    response = client.post(
        f"/referrals/{closed_referral.id}/contacts",
        data={"method": "phone", "outcome": "reached", "note": "Called back"},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "no more contact attempts can be recorded" in body
    assert counts() == before


def test_the_assign_endpoint_refuses_a_closed_referral(client, login_as, closed_referral):
    link_worker = login_as("link_worker")
    before = counts()
    response = client.post(
        f"/referrals/{closed_referral.id}/assign",
        data={"assignee": str(link_worker.id), "version": str(closed_referral.version)},
    )
    assert response.status_code == 409
    assert "cannot be reassigned" in response.get_data(as_text=True)
    assert counts() == before
