"""Inviting someone: an account that nobody can sign in to yet, a one-time link by email valid
for 72 hours, an audit entry naming the new account by id; mistakes shown at their fields."""

import pytest

from tests.support.factories import make_user
from wellbeing.accounts import one_time
from wellbeing.accounts.models import AccountToken, AccountTokenPurpose, Role, User
from wellbeing.accounts.services import authenticate
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.outbox import Notification

GP = {
    "email": " Anand.Patel@Kingsholm.example.org ",
    "name": "Dr Anand Patel",
    "role": "referrer",
    "organisation": "Kingsholm Surgery",
}


def _user(email: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def test_the_page_says_how_long_the_link_works(client, login_as) -> None:
    login_as("admin")
    body = client.get("/admin/users/invite").get_data(as_text=True)
    assert "72 hours" in body
    assert body.count('name="role"') == len(Role)


def test_an_invitation_makes_the_account_and_emails_a_link(client, login_as) -> None:
    admin = login_as("admin")
    response = client.post("/admin/users/invite", data=GP)
    assert response.status_code == 303
    user = _user("anand.patel@kingsholm.example.org")
    assert user is not None
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.name, user.role, user.organisation, user.active) == (
        "Dr Anand Patel",
        Role.REFERRER,
        "Kingsholm Surgery",
        True,
    )
    assert user.last_sign_in_at is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to Dr Anand Patel" in page and "72 hours" in page

    (token_row,) = db.session.execute(db.select(AccountToken).filter_by(user_id=user.id)).scalars()
    assert token_row.purpose == AccountTokenPurpose.INVITE and token_row.created_by_id == admin.id
    hours = (token_row.expires_at - utcnow()).total_seconds() / 3600
    assert 71.9 < hours <= 72
    (email,) = db.session.execute(db.select(Notification)).scalars()
    assert email.recipient == "anand.patel@kingsholm.example.org" and email.audience == "account"
    token = email.body.split("/account/invite/")[1].split()[0]
    assert one_time.find(token, AccountTokenPurpose.INVITE).user_id == user.id

    (event,) = db.session.execute(db.select(AuditEvent).filter_by(action="user.invite")).scalars()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        admin.id,
        "user",
        str(user.id),
    )
    assert event.detail == {"role": "referrer"}  # no email, no name


def test_nobody_can_sign_in_before_setting_a_password(client, login_as) -> None:
    login_as("admin")
    client.post("/admin/users/invite", data=GP)
    for guess in ("", "password", "Kingsholm Surgery", "correct horse battery staple"):
        assert authenticate("anand.patel@kingsholm.example.org", guess) is None


def test_a_used_email_is_an_error_at_the_email_field(client, login_as) -> None:
    login_as("admin")
    make_user(Role.REFERRER, email="anand.patel@kingsholm.example.org")
    db.session.commit()
    response = client.post("/admin/users/invite", data=GP)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "An account with this email address already exists" in body
    assert 'href="#email"' in body and 'id="email-error"' in body
    assert db.session.execute(db.select(Notification)).first() is None
    assert db.session.execute(db.select(AuditEvent).filter_by(action="user.invite")).first() is None


@pytest.mark.parametrize("role", ["referrer", "provider"])
def test_referrers_and_providers_need_an_organisation(client, login_as, role) -> None:
    login_as("admin")
    response = client.post("/admin/users/invite", data={**GP, "role": role, "organisation": " "})
    assert response.status_code == 422
    assert 'id="organisation-error"' in response.get_data(as_text=True)
    assert _user("anand.patel@kingsholm.example.org") is None


def test_a_link_worker_needs_no_organisation(client, login_as) -> None:
    login_as("admin")
    data = {**GP, "role": "link_worker", "organisation": ""}
    assert client.post("/admin/users/invite", data=data).status_code == 303
    assert _user("anand.patel@kingsholm.example.org").organisation is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"role": ""}, "role"),
        ({"role": "wizard"}, "role"),
        ({"organisation": "o" * 201}, "organisation"),
    ],
)
def test_each_mistake_is_shown_at_its_field(client, login_as, change, field) -> None:
    login_as("admin")
    response = client.post("/admin/users/invite", data={**GP, **change})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and f'href="#{field}"' in body
    assert db.session.execute(db.select(Notification)).first() is None
