"""The administrators' pages: only admins may use any of them, the home page links to each, and
the audit log's table reflows on a phone."""

import re
import uuid

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db

ROLES = [None, *(role.value for role in Role)]
# Every admin route, as (method, path); {id} is another account's id.
ROUTES = [
    ("GET", "/admin"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/invite"),
    ("POST", "/admin/users/invite"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/account"),
    ("POST", "/admin/users/{id}/disable"),
    ("POST", "/admin/users/{id}/enable"),
    ("POST", "/admin/users/{id}/revoke-tokens"),
    ("POST", "/admin/users/{id}/resend-invite"),
    ("POST", "/admin/users/{id}/reset-two-factor"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit.csv"),
]


def test_every_admin_route_is_in_the_matrix(app) -> None:
    served = {
        (method, re.sub(r"<[^>]+>", "{id}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert served == set(ROUTES)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
@pytest.mark.parametrize(("method", "path"), ROUTES, ids=lambda value: value)
def test_only_admins_may_use_an_admin_route(client, login_as, role, method, path) -> None:
    other = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    db.session.commit()
    other_id, version = other.id, other.session_version
    if role:
        login_as(role)
    body = {"email": "new@example.org", "name": "New", "role": "admin"}
    response = client.open(path.format(id=other_id), method=method, data=body)
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/sign-in")
    elif role != "admin":
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 303, 409, 422)
    if role != "admin":  # nothing was changed by anyone else
        db.session.expire_all()
        again = db.session.get(User, other_id)
        assert (again.active, again.role, again.session_version) == (True, Role.REFERRER, version)
        assert (
            db.session.execute(db.select(User).filter_by(email="new@example.org")).first() is None
        )


def test_the_admin_home_links_to_what_admins_look_after(client, login_as) -> None:
    login_as("admin")
    body = client.get("/admin").get_data(as_text=True)
    cards = re.findall(r'<a class="nhsuk-card__link" href="([^"]+)">\s*([^<]+?)\s*</a>', body)
    assert cards == [
        ("/referrals/queue", "Referral queue"),
        ("/admin/users", "Users"),
        ("/admin/audit", "Audit log"),
        ("/reports", "Reports"),
    ]
    nav = body.split('class="nhsuk-header__navigation-list"')[1].split("</ul>")[0]
    assert 'href="/admin"' in nav and 'href="/admin/audit"' in nav


def test_the_audit_log_names_each_actor_in_a_table_that_reflows(client, login_as) -> None:
    admin = login_as("admin", email="the-admin@example.org", name="Ada Admin")
    db.session.add(
        AuditEvent(
            actor_id=admin.id,
            actor_label=f"user:{admin.id}",
            action="referral.view",
            subject_type="referral",
            subject_id=str(uuid.uuid4()),
        )
    )
    db.session.commit()
    body = client.get("/admin/audit?action=referral.view").get_data(as_text=True)
    table = body.split('id="audit-events"')[1].split("</table>")[0]
    assert 'role="table"' in table
    assert table.count('class="nhsuk-table__heading"') == 6  # each value labelled on a phone
    assert "Ada Admin" in table and "the-admin@example.org" in table
    assert f"user:{admin.id}" not in table
