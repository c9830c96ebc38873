"""Every report route for every role and for anonymous visitors; the API by bearer token; and
the audit trail of each view and download, holding the filters and nothing else."""

from datetime import date

import pytest

from tests.reports.conftest import uk
from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.reports.tables import TABLE_KEYS

ANON = "anonymous"
ROLES = [ANON, *Role]
ALLOWED = {Role.COMMISSIONER, Role.ADMIN}
PAGES = ["/reports", "/reports?from=2026-01-01&to=2026-06-30&source=gp"] + [
    f"/reports/{key}.csv" for key in TABLE_KEYS
]


@pytest.fixture
def some_referrals(add_referral):
    for day in range(1, 8):
        add_referral(uk(date(2026, 3, day)))
    db.session.commit()


def _cases():
    return [pytest.param(path, role, id=f"{path} {role}") for path in PAGES for role in ROLES]


@pytest.mark.parametrize(("path", "role"), _cases())
def test_report_pages_are_for_commissioners_and_admins(
    client, login_as, some_referrals, path, role
):
    if role != ANON:
        login_as(role)
    response = client.get(path)
    if role == ANON:
        assert response.status_code == 302
        assert "/account/sign-in" in response.headers["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_summary_api_is_for_commissioner_and_admin_tokens(client, some_referrals, role):
    headers = {}
    if role != ANON:
        user = make_user(Role(role))
        headers = {"Authorization": f"Bearer {issue_token(user)}"}
        db.session.commit()
    response = client.get("/api/reports/summary?from=2026-01-01&to=2026-06-30", headers=headers)
    expected = 200 if role in ALLOWED else 401 if role == ANON else 403
    assert response.status_code == expected
    assert response.is_json
    if expected != 200:
        assert response.get_json()["error"]["status"] == expected


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer ", "bearer"]
)
def test_a_bad_token_is_refused(client, header) -> None:
    response = client.get("/api/reports/summary", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_is_not_an_api_token(client, login_as) -> None:
    login_as(Role.COMMISSIONER)
    assert client.get("/api/reports/summary").status_code == 401


def test_commissioners_and_admins_see_reports_in_the_header(client, login_as) -> None:
    login_as(Role.COMMISSIONER)
    page = client.get("/reports").get_data(as_text=True)
    assert 'href="/reports"' in page
    assert "/referrals/queue" not in page and "/admin/audit" not in page


def test_a_commissioner_sees_no_referral_and_no_audit_log(client, login_as, add_referral) -> None:
    referral = add_referral(uk(date(2026, 3, 2)))
    db.session.commit()
    login_as(Role.COMMISSIONER)
    for path in (f"/referrals/{referral.id}", "/referrals/queue", "/admin/audit", "/referrals"):
        assert client.get(path).status_code in (403, 404), path


def _events(action):
    return (
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars().all()
    )


def test_viewing_a_report_is_audited_with_its_filters_only(client, login_as, places) -> None:
    user = login_as(Role.COMMISSIONER)
    client.get("/reports?from=2026-01-01&to=2026-06-30&area=gloucester&source=self")
    (event,) = _events("report.view")
    assert (event.actor_id, event.subject_type, event.subject_id) == (user.id, "report", "summary")
    assert event.detail == {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "area": "gloucester",
        "source": "self",
    }


def test_downloading_a_table_is_audited_with_its_filters_only(client, login_as, some_referrals):
    user = login_as(Role.ADMIN)
    client.get("/reports/by-practice.csv?from=2026-01-01&to=2026-06-30&practice=Quayside+Practice")
    (event,) = _events("report.download")
    assert (event.actor_id, event.subject_id) == (user.id, "by-practice")
    assert event.detail == {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "practice": "Quayside Practice",
    }


def test_the_api_is_audited_as_a_view(client, some_referrals) -> None:
    user = make_user(Role.COMMISSIONER)
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    db.session.commit()
    client.get("/api/reports/summary?from=2026-01-01&to=2026-06-30", headers=headers)
    (event,) = _events("report.view")
    assert event.actor_id == user.id
    assert event.detail == {"from": "2026-01-01", "to": "2026-06-30"}


def test_refused_and_wrong_requests_are_not_audited_as_views(client, login_as) -> None:
    login_as(Role.REFERRER)
    client.get("/reports")
    login_as(Role.COMMISSIONER)
    client.get("/reports?from=nonsense")
    assert _events("report.view") == []


def test_an_unknown_table_is_not_found(client, login_as) -> None:
    login_as(Role.COMMISSIONER)
    assert client.get("/reports/people.csv").status_code == 404
    assert client.get("/reports/..%2Fadmin.csv").status_code == 404
