"""Every referral page and API endpoint, for every role and for anonymous visitors.

The referral used belongs to a referrer at another organisation, so only staff may see it;
a second table checks what owners (its referrer, a resident's own request) may do.
"""

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.extensions import db

ANON = "anonymous"
ROLES = [ANON, *Role]
R, RF, LW, P, A = Role.RESIDENT, Role.REFERRER, Role.LINK_WORKER, Role.PROVIDER, Role.ADMIN
C = Role.COMMISSIONER


def expect(anonymous, resident, referrer, link_worker, provider, admin, commissioner=None):
    """Statuses by role; a commissioner (reports only) gets what a provider gets unless told."""
    statuses = {ANON: anonymous, R: resident, RF: referrer, LW: link_worker, P: provider, A: admin}
    return statuses | {C: provider if commissioner is None else commissioner}


def test_every_role_is_in_the_tables() -> None:
    assert set(expect(*range(6))) == set(ROLES)


CANCEL = {"to": "cancelled", "cancelled-version": "1", "cancelled-reason": "No longer needed"}
UNASSIGN = {"assignee": "", "version": "1"}
CONTACT = {"method": "phone", "outcome": "no_answer"}
PAGES = [
    ("GET", "/refer", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/refer/confirmation", None, expect(302, 302, 302, 302, 302, 302)),
    ("GET", "/referrals/status", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/referrals", None, expect(302, 200, 200, 302, 403, 302)),
    ("GET", "/referrals/new", None, expect(302, 403, 200, 200, 403, 200)),
    ("GET", "/referrals/queue", None, expect(302, 403, 403, 200, 403, 200)),
    ("GET", "/referrals/caseload", None, expect(302, 403, 403, 200, 403, 200)),
    ("GET", "/referrals/{id}/what-matters", None, expect(302, 403, 403, 200, 403, 200)),
    ("GET", "/referrals/{id}/summary", None, expect(302, 403, 404, 404, 403, 404)),
    ("GET", "/referrals/{id}", None, expect(302, 404, 404, 200, 403, 200)),
    ("POST", "/referrals/{id}/transition", CANCEL, expect(302, 404, 404, 303, 403, 303)),
    ("POST", "/referrals/{id}/assign", UNASSIGN, expect(302, 403, 403, 303, 403, 303)),
    ("POST", "/referrals/{id}/contacts", CONTACT, expect(302, 403, 403, 303, 403, 303)),
    ("GET", "/admin", None, expect(302, 403, 403, 403, 403, 200)),
    ("GET", "/admin/audit", None, expect(302, 403, 403, 403, 403, 200)),
    ("GET", "/reports", None, expect(302, 403, 403, 403, 403, 200, commissioner=200)),
]
API_CANCEL = {"to": "cancelled", "reason": "x"}
API = [
    ("GET", "/api/referrals", None, expect(401, 200, 200, 200, 403, 200)),
    ("POST", "/api/referrals", "new", expect(401, 201, 201, 201, 403, 201)),
    ("GET", "/api/referrals/{id}", None, expect(401, 404, 404, 200, 403, 200)),
    ("GET", "/api/referrals/{id}/events", None, expect(401, 404, 404, 200, 403, 200)),
    ("GET", "/api/referrals/{id}/fhir", None, expect(401, 404, 404, 200, 403, 200)),
    ("POST", "/api/referrals/{id}/transitions", API_CANCEL, expect(401, 404, 404, 200, 403, 200)),
    ("GET", "/api/referrals/{id}/notes", None, expect(401, 404, 404, 200, 403, 200)),
    ("GET", "/api/referrals/{id}/measures", None, expect(401, 404, 404, 200, 403, 200)),
    ("GET", "/api/reports/summary", None, expect(401, 403, 403, 403, 403, 200, commissioner=200)),
]


def _cases(table):
    return [
        pytest.param(method, path, data, role, status, id=f"{method} {path} {role}")
        for method, path, data, statuses in table
        for role, status in statuses.items()
    ]


@pytest.fixture
def others_referral(make_referral):
    return make_referral(actor=make_user(Role.REFERRER, organisation="Quayside Practice"))


@pytest.mark.parametrize(("method", "path", "data", "role", "status"), _cases(PAGES))
def test_pages(client, login_as, others_referral, method, path, data, role, status) -> None:
    if role != ANON:
        login_as(role, organisation="Kingsholm Surgery")
    url = path.format(id=others_referral.id)
    response = client.open(url, method=method, data=data)
    assert response.status_code == status
    if status == 302 and role == ANON and "refer/confirmation" not in path:
        assert "/account/sign-in" in response.headers["Location"]


def new_referral_body(needs):
    return {
        "person": {
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1980-01-01",
            "postcode": "GL1 3AB",
            "phone": "01632960123",
        },
        "reasons": [needs.loneliness.id],
        "details": "Lonely",
        "consent": True,
    }


@pytest.mark.parametrize(("method", "path", "data", "role", "status"), _cases(API))
def test_api(client, needs, others_referral, method, path, data, role, status) -> None:
    headers = {}
    if role != ANON:
        user = make_user(role, organisation="Kingsholm Surgery")
        headers = {"Authorization": f"Bearer {issue_token(user)}"}
        db.session.commit()
    body = new_referral_body(needs) if data == "new" else data
    response = client.open(
        path.format(id=others_referral.id), method=method, json=body, headers=headers
    )
    assert response.status_code == status
    assert "error" in response.get_json() or status < 400


OWNER = [
    ("GET", "/referrals/{id}", None, 200),
    ("POST", "/referrals/{id}/transition", CANCEL, 303),
    ("POST", "/referrals/{id}/assign", UNASSIGN, 403),
    ("POST", "/referrals/{id}/transition", {"to": "accepted", "accepted-version": "1"}, 403),
]


@pytest.mark.parametrize("owner", [Role.REFERRER, Role.RESIDENT])
@pytest.mark.parametrize(("method", "path", "data", "status"), OWNER)
def test_owners(client, login_as, make_referral, owner, method, path, data, status) -> None:
    user = login_as(owner, organisation="Kingsholm Surgery")
    referral = make_referral(actor=user)
    response = client.open(path.format(id=referral.id), method=method, data=data)
    assert response.status_code == status


@pytest.mark.parametrize("owner", [Role.REFERRER, Role.RESIDENT])
def test_owners_through_the_api(client, make_referral, owner) -> None:
    user = make_user(owner, organisation="Kingsholm Surgery")
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    referral = make_referral(actor=user)
    url = f"/api/referrals/{referral.id}"
    assert client.get(url, headers=headers).status_code == 200
    assert client.get(url + "/fhir", headers=headers).status_code == 200
    accept = client.post(url + "/transitions", json={"to": "accepted"}, headers=headers)
    assert accept.status_code == 403
    cancel = client.post(
        url + "/transitions", json={"to": "cancelled", "reason": "x"}, headers=headers
    )
    assert cancel.status_code == 200
