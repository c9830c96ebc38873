"""A look at a referral that is refused (hidden from you, or missing) is audited, by id only."""

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db

MISSING = "6f1c2a8e-0c1d-4f5e-9a7b-3c2d1e0f9a8b"
NOT_AN_ID = "Alex Rivers 1956-04-23"


def refusals() -> list[AuditEvent]:
    return list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "referral.view_refused")
        ).scalars()
    )


@pytest.fixture
def hidden(make_referral):
    return make_referral(actor=make_user(Role.REFERRER, organisation="Quayside Practice"))


@pytest.mark.parametrize(
    "path", ["/referrals/{id}", "/api/referrals/{id}", "/api/referrals/{id}/fhir"]
)
def test_a_refused_read_is_audited(client, login_as, api_headers, hidden, path) -> None:
    gp, headers = api_headers("referrer", organisation="Kingsholm Surgery")
    with client.session_transaction() as session:
        session["_user_id"] = gp.get_id()
    for referral_id, exists in ((hidden.id, True), (MISSING, False)):
        assert client.get(path.format(id=referral_id), headers=headers).status_code == 404
        [event] = [e for e in refusals() if e.subject_id == referral_id]
        assert (event.actor_id, event.detail) == (gp.id, {"exists": exists})
        assert event.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/referrals/{id}", None),
        ("POST", "/referrals/{id}/transition", {"to": "cancelled", "cancelled-version": "1"}),
        ("POST", "/api/referrals/{id}/transitions", {"to": "cancelled"}),
        ("GET", "/api/referrals/{id}/events", None),
    ],
)
def test_what_was_typed_for_an_id_is_not_kept(client, api_headers, method, path, data) -> None:
    user, headers = api_headers("link_worker")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    kwargs = {"json": data} if path.startswith("/api") else {"data": data}
    response = client.open(path.format(id=NOT_AN_ID), method=method, headers=headers, **kwargs)
    assert response.status_code == 404
    [event] = refusals()
    assert event.subject_id is None and event.detail == {"exists": False}
