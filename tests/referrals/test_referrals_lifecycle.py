"""Referrals from each source walked through their lifecycle via the pages and the API,
checking the timeline, the outbox and what the referrer and the resident see at each step."""

import pytest
from flask.testing import FlaskClient

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.extensions import db
from wellbeing.outbox import Notification
from wellbeing.referrals.models import Referral

INBOX = "inbox@wellbeing.example.org"
PERSON = {
    "given_name": "Alex",
    "family_name": "Rivers",
    "date_of_birth[day]": "23",
    "date_of_birth[month]": "4",
    "date_of_birth[year]": "1956",
    "postcode": "GL1 3AB",
    "phone": "01632 960 123",
    "email": "alex@example.org",
    "what_matters": "Widowed last year and lonely; loves singing.",
    "consent": "y",
}


def signed_in(app, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    return client


def create(app, source: str, needs) -> tuple[Referral, FlaskClient | None]:
    """Make a referral the way each kind of referrer does; returns it and the referrer's client."""
    data = {**PERSON, "need_ids": [needs.loneliness.id], "action": "send"}
    if source == "self":
        response = app.test_client().post("/refer", data=data)
        assert response.status_code == 303
        return db.session.execute(db.select(Referral)).scalar_one(), None
    if source == "professional":
        user = make_user(Role.REFERRER, organisation="Gloucester Carers Hub")
        from wellbeing.accounts.services import issue_token

        token = issue_token(user)
        db.session.commit()
        body = {
            "person": {
                "given_name": "Alex",
                "family_name": "Rivers",
                "date_of_birth": "1956-04-23",
                "postcode": "GL1 3AB",
                "email": "alex@example.org",
            },
            "reasons": [needs.loneliness.id],
            "details": PERSON["what_matters"],
            "urgency": "routine",
            "consent": True,
            "source": "professional",
        }
        response = app.test_client().post(
            "/api/referrals", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201
        return db.session.get(Referral, response.get_json()["id"]), signed_in(app, user)
    role = Role.REFERRER if source == "gp" else Role.LINK_WORKER
    user = make_user(role, organisation="Kingsholm Surgery" if source == "gp" else None)
    db.session.commit()
    client = signed_in(app, user)
    assert client.post("/referrals/new", data={**data, "source": "gp"}).status_code == 303
    return db.session.execute(db.select(Referral)).scalar_one(), client


def outbox() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Notification).order_by(Notification.id)).scalars())


def change(client: FlaskClient, referral: Referral, to: str, reason: str | None = None) -> None:
    db.session.refresh(referral)
    data = {"to": to, f"{to}-version": str(referral.version)}
    if reason:
        data[f"{to}-reason"] = reason
    if to == "completed":
        data["completed-summary"] = "Joined a walking group; feels less alone."
    response = client.post(f"/referrals/{referral.id}/transition", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def resident_sees(app, referral: Referral) -> str:
    response = app.test_client().post(
        "/referrals/status",
        data={
            "reference": referral.reference,
            "date_of_birth[day]": "23",
            "date_of_birth[month]": "4",
            "date_of_birth[year]": "1956",
        },
    )
    body = response.get_data(as_text=True)
    return body[body.index('id="status-result"') : body.index("<form")]


@pytest.mark.parametrize("source", ["gp", "professional", "self", "link_worker"])
def test_each_source_walks_to_completed(app, needs, source) -> None:
    app.config["WELLBEING_SERVICE_INBOX"] = INBOX
    referral, referrer = create(app, source, needs)
    assert referral.source == source and referral.status == "submitted"
    [new] = outbox()
    assert (new.recipient, new.audience) == (INBOX, "service")
    assert referral.reference in new.subject + new.body

    link_worker = make_user(Role.LINK_WORKER)
    db.session.commit()
    worker = signed_in(app, link_worker)
    for step, label in (
        ("accepted", "Accepted"),
        ("in_progress", "In progress"),
        ("completed", "Completed"),
    ):
        change(worker, referral, step)
        assert label in resident_sees(app, referral)
        if referrer is not None and source != "link_worker":
            assert label in referrer.get("/referrals").get_data(as_text=True)
        expected = {"resident"} | ({"referrer"} if source != "self" else set())
        recent = {n.audience for n in outbox() if label in n.subject}
        assert recent == expected, step

    db.session.refresh(referral)
    assert [(e.from_status, e.to_status) for e in referral.events] == [
        (None, "submitted"),
        ("submitted", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
    ]
    for message in outbox():
        assert referral.reference in message.subject
        for secret in ("Alex", "Rivers", "Widowed", "singing", "1956"):
            assert secret not in message.subject + message.body


def test_decline_reason_is_shown_to_the_referrer(app, needs) -> None:
    referral, referrer = create(app, "gp", needs)
    worker = signed_in(app, make_user(Role.LINK_WORKER))
    db.session.commit()
    refused = worker.post(
        f"/referrals/{referral.id}/transition",
        data={"to": "declined", "declined-version": "1", "declined-reason": ""},
    )
    assert refused.status_code == 422
    assert "Give a reason for making this referral declined" in refused.get_data(as_text=True)
    assert 'href="#declined-reason"' in refused.get_data(as_text=True)
    change(worker, referral, "declined", "Lives outside our area: referred to the Forest service")
    page = referrer.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Declined" in page and "Lives outside our area" in page
    assert "Declined" in resident_sees(app, referral)


def test_the_referrer_cancels_from_the_referral_page(app, needs) -> None:
    referral, referrer = create(app, "gp", needs)
    page = referrer.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Cancel referral" in page and "Accept" not in page
    change(referrer, referral, "cancelled", "Patient asked us to withdraw it")
    db.session.refresh(referral)
    assert referral.status == "cancelled" and referral.closed_at is not None
    assert {n.audience for n in outbox() if "Cancelled" in n.subject} == {"resident"}


def test_on_hold_and_no_contact_paths(app, needs) -> None:
    referral, _ = create(app, "self", needs)
    link_worker = make_user(Role.LINK_WORKER)
    db.session.commit()
    worker = signed_in(app, link_worker)
    change(worker, referral, "accepted")
    change(worker, referral, "on_hold", "In hospital for two weeks")
    assert "On hold" in resident_sees(app, referral)
    change(worker, referral, "in_progress")
    db.session.refresh(referral)
    refused = worker.post(
        f"/referrals/{referral.id}/transition",
        data={
            "to": "closed_no_contact",
            "closed_no_contact-version": str(referral.version),
            "closed_no_contact-reason": "No answer",
        },
    )
    assert refused.status_code == 409
    assert "at least 3 failed contact attempts" in refused.get_data(as_text=True)
    for method in ("phone", "text", "letter"):
        response = worker.post(
            f"/referrals/{referral.id}/contacts",
            data={"method": method, "outcome": "no_answer", "note": "Tried"},
        )
        assert response.status_code == 303
    page = worker.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "3 recorded, 3 without reaching them" in page and "Letter: no answer" in page
    change(worker, referral, "closed_no_contact", "Three attempts over two weeks")
    assert "Closed: no contact" in resident_sees(app, referral)
    db.session.refresh(referral)
    assert [e.to_status for e in referral.events] == [
        "submitted",
        "accepted",
        "on_hold",
        "in_progress",
        "closed_no_contact",
    ]


def test_a_stale_page_is_told_someone_else_acted(app, needs) -> None:
    referral, _ = create(app, "self", needs)
    first, second = make_user(Role.LINK_WORKER), make_user(Role.LINK_WORKER)
    db.session.commit()
    a, b = signed_in(app, first), signed_in(app, second)
    both_saw = {"to": "accepted", "accepted-version": "1"}
    assert a.post(f"/referrals/{referral.id}/transition", data=both_saw).status_code == 303
    response = b.post(f"/referrals/{referral.id}/transition", data=both_saw)
    assert response.status_code == 409
    assert "Someone else changed this referral" in response.get_data(as_text=True)
    assign = b.post(
        f"/referrals/{referral.id}/assign", data={"assignee": str(second.id), "version": "1"}
    )
    assert assign.status_code == 409
    db.session.refresh(referral)
    assert len(referral.events) == 2 and referral.assigned_to_id is None


def test_contact_attempt_form_errors_are_at_the_fields(app, needs) -> None:
    referral, _ = create(app, "self", needs)
    worker = signed_in(app, make_user(Role.LINK_WORKER))
    db.session.commit()
    response = worker.post(f"/referrals/{referral.id}/contacts", data={"note": "x"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose how you tried to make contact" in body and "Choose what happened" in body
