"""The users pages: finding accounts, and changing one (role and organisation, disable and
enable, API tokens, the invitation again), each change audited and shown at the right place."""

import re
from datetime import UTC, datetime

import pytest

from tests.support.factories import make_user
from wellbeing.accounts import management, one_time
from wellbeing.accounts.models import AccountToken, AccountTokenPurpose, Role, User
from wellbeing.accounts.services import issue_token
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.outbox import Notification


def _names(body: str) -> list[str]:
    table = body.split('id="users"')[1].split("</table>")[0] if 'id="users"' in body else ""
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', table)


def _audit(action: str, user: User) -> list[AuditEvent]:
    return list(
        db.session.execute(
            db.select(AuditEvent).filter_by(
                action=action, subject_type="user", subject_id=str(user.id)
            )
        ).scalars()
    )


@pytest.fixture
def people(app):
    """A handful of accounts with different roles, organisations and states."""
    rows = {
        "priya": make_user(
            Role.LINK_WORKER, name="Priya Shah", email="priya.shah@wellbeing.example.org"
        ),
        "anand": make_user(
            Role.REFERRER,
            name="Dr Anand",
            email="anand@kingsholm.example.org",
            organisation="Kingsholm Surgery",
        ),
        "jo": make_user(
            Role.REFERRER,
            name="Jo Li",
            email="jo@quayside.example.org",
            organisation="Quayside Practice",
            active=False,
        ),
        "choir": make_user(
            Role.PROVIDER,
            name="Sam Choir",
            email="sam@choir.example.org",
            organisation="Kingsholm Choir",
            last_sign_in_at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC),
        ),
    }
    db.session.commit()
    return rows


def test_every_account_is_listed_by_name_with_its_details(client, login_as, people) -> None:
    login_as("admin", name="Ada Admin")
    body = client.get("/admin/users").get_data(as_text=True)
    assert _names(body) == ["Ada Admin", "Dr Anand", "Jo Li", "Priya Shah", "Sam Choir"]
    table = body.split('id="users"')[1].split("</table>")[0]
    assert table.count('class="nhsuk-table__heading"') == 6 * 5  # each value labelled on a phone
    assert "1 Jul 2026, 14:05" in table  # last sign-in in UK time (BST)
    assert "Disabled" in table and "Kingsholm Surgery" in table


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=shah", ["Priya Shah"]),
        ("q=KINGSHOLM.example", ["Dr Anand"]),
        ("q=100%25", []),  # a LIKE wildcard is a character
        ("q=_", []),
        ("role=referrer", ["Dr Anand", "Jo Li"]),
        ("organisation=Kingsholm+Choir", ["Sam Choir"]),
        ("active=no", ["Jo Li"]),
        ("active=yes&role=referrer", ["Dr Anand"]),
        ("q=o&role=referrer&active=yes&organisation=Kingsholm+Surgery", ["Dr Anand"]),
    ],
)
def test_search_and_filters(client, login_as, people, query, expected) -> None:
    login_as("admin", name="Ada Admin", email="ada@wellbeing.example.org")
    response = client.get(f"/admin/users?{query}")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("role=wizard", "role"),
        ("organisation=Nowhere", "organisation"),
        ("active=maybe", "active"),
        ("q=" + "a" * 300, "q"),
        ("q=two%0Alines", "q"),
    ],
)
def test_a_bad_filter_is_a_message_at_its_field(client, login_as, query, field) -> None:
    login_as("admin")
    response = client.get(f"/admin/users?{query}")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and f'href="#{field}"' in body
    assert f'id="{field}-error"' in body


def test_the_list_is_paginated(client, login_as) -> None:
    login_as("admin", name="Aaron Admin")
    for number in range(55):
        make_user(Role.LINK_WORKER, name=f"Worker {number:02d}")
    db.session.commit()
    first = client.get("/admin/users?role=link_worker").get_data(as_text=True)
    assert len(_names(first)) == 50 and "56 accounts" not in first and "55 accounts" in first
    assert "/admin/users?page=2&amp;role=link_worker" in first
    second = client.get("/admin/users?role=link_worker&page=2").get_data(as_text=True)
    assert _names(second) == [f"Worker {n}" for n in range(50, 55)]


def test_the_user_page_shows_the_account(client, login_as, people) -> None:
    login_as("admin")
    issue_token(people["anand"])
    issue_token(people["anand"])
    db.session.commit()
    body = client.get(f"/admin/users/{people['anand'].id}").get_data(as_text=True)
    assert "anand@kingsholm.example.org" in body and "Kingsholm Surgery" in body
    assert "2 in use" in body and "Revoke all 2 API tokens" in body
    assert "Send the invitation again" in body  # never signed in
    assert "Disable the account" in body
    assert client.get("/admin/users/999999").status_code == 404


def test_change_role_and_organisation(client, login_as, people) -> None:
    admin = login_as("admin")
    priya = people["priya"]
    response = client.post(
        f"/admin/users/{priya.id}/account",
        data={
            "role": "referrer",
            "organisation": "Kingsholm Surgery",
            "role_was": "link_worker",
            "organisation_was": "",
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Role and organisation saved" in page
    db.session.refresh(priya)
    assert (priya.role, priya.organisation) == (Role.REFERRER, "Kingsholm Surgery")
    (role_change,) = _audit("user.role_change", priya)
    assert role_change.actor_id == admin.id
    assert role_change.detail == {"from": "link_worker", "to": "referrer"}
    (organisation_change,) = _audit("user.organisation_change", priya)
    assert organisation_change.detail is None  # never a name in the audit log


def test_a_referrer_needs_an_organisation(client, login_as, people) -> None:
    login_as("admin")
    priya = people["priya"]
    response = client.post(
        f"/admin/users/{priya.id}/account",
        data={
            "role": "referrer",
            "organisation": "",
            "role_was": "link_worker",
            "organisation_was": "",
        },
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'href="#organisation"' in body and 'id="organisation-error"' in body
    db.session.refresh(priya)
    assert priya.role == Role.LINK_WORKER and not _audit("user.role_change", priya)


def test_an_organisation_cleared_with_its_role(client, login_as, people) -> None:
    login_as("admin")
    anand = people["anand"]
    response = client.post(
        f"/admin/users/{anand.id}/account",
        data={
            "role": "link_worker",
            "organisation": "",
            "role_was": "referrer",
            "organisation_was": "Kingsholm Surgery",
        },
    )
    assert response.status_code == 303
    db.session.refresh(anand)
    assert (anand.role, anand.organisation) == (Role.LINK_WORKER, None)


def test_a_change_made_meanwhile_is_not_overwritten(client, login_as, people) -> None:
    login_as("admin")
    anand = people["anand"]
    response = client.post(
        f"/admin/users/{anand.id}/account",
        data={
            "role": "provider",
            "organisation": "Kingsholm Surgery",
            "role_was": "link_worker",
            "organisation_was": "Kingsholm Surgery",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this account" in response.get_data(as_text=True)
    db.session.refresh(anand)
    assert anand.role == Role.REFERRER


def test_an_admin_cannot_change_their_own_role(client, login_as) -> None:
    admin = login_as("admin")
    make_user(Role.ADMIN)
    db.session.commit()
    response = client.post(
        f"/admin/users/{admin.id}/account",
        data={
            "role": "link_worker",
            "organisation": "",
            "role_was": "admin",
            "organisation_was": "",
        },
    )
    assert response.status_code == 409
    assert 'id="role-error"' in response.get_data(as_text=True)


def test_a_role_form_with_no_role_is_a_message_at_the_field(client, login_as, people) -> None:
    login_as("admin")
    response = client.post(f"/admin/users/{people['priya'].id}/account", data={"role": "wizard"})
    assert response.status_code == 422
    assert 'href="#role"' in response.get_data(as_text=True)


def test_disabling_signs_the_user_out_everywhere_and_stops_their_tokens(
    app, client, login_as, people
) -> None:
    anand = people["anand"]
    token = issue_token(anand)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    elsewhere = app.test_client()  # Dr Anand, signed in on another browser
    with elsewhere.session_transaction() as session:
        session["_user_id"] = anand.get_id()
        session["_fresh"] = True
    assert elsewhere.get("/referrals").status_code == 200
    assert app.test_client().get("/api/referrals", headers=headers).status_code == 200

    admin = login_as("admin")
    response = client.post(f"/admin/users/{anand.id}/disable")
    assert response.status_code == 303
    assert "signed out everywhere and 1 API token revoked" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)

    assert elsewhere.get("/referrals").status_code == 302  # back to sign in
    assert app.test_client().get("/api/referrals", headers=headers).status_code == 401
    (event,) = _audit("user.disable", anand)
    assert event.actor_id == admin.id and event.detail == {"tokens_revoked": 1}


def test_enabling_lets_them_sign_in_again(client, login_as, people) -> None:
    login_as("admin")
    jo = people["jo"]
    response = client.post(f"/admin/users/{jo.id}/enable")
    assert response.status_code == 303
    db.session.refresh(jo)
    assert jo.active
    assert len(_audit("user.enable", jo)) == 1


def test_an_admin_cannot_disable_themself(client, login_as) -> None:
    admin = login_as("admin")
    make_user(Role.ADMIN)
    db.session.commit()
    response = client.post(f"/admin/users/{admin.id}/disable")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "You cannot disable your own account" in body and 'href="#active"' in body
    db.session.refresh(admin)
    assert admin.active


def test_the_only_active_admin_stays_one(client, login_as) -> None:
    """Through the pages an admin is refused first as themself; this is the rule behind it, for
    two admins removing each other at once (the other one, by then, disabled)."""
    me = login_as("admin")
    with pytest.raises(management.AccountChangeRefused, match="only active administrator"):
        management.disable(me, make_user(Role.ADMIN, active=False))
    with pytest.raises(management.AccountChangeRefused, match="only active administrator"):
        management.change_role(me, Role.LINK_WORKER, make_user(Role.ADMIN, active=False))


def test_revoking_tokens(app, client, login_as, people) -> None:
    login_as("admin")
    anand = people["anand"]
    token = issue_token(anand)
    db.session.commit()
    response = client.post(f"/admin/users/{anand.id}/revoke-tokens")
    assert response.status_code == 303
    assert "Revoked 1 API token" in client.get(response.headers["Location"]).get_data(as_text=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/referrals", headers=headers).status_code == 401
    (event,) = _audit("user.tokens_revoke", anand)
    assert event.detail == {"tokens": 1}


def test_resending_the_invitation_spends_the_earlier_link(client, login_as, people) -> None:
    admin = login_as("admin")
    priya = people["priya"]
    first = one_time.issue(priya, AccountTokenPurpose.INVITE, admin)
    db.session.commit()
    response = client.post(f"/admin/users/{priya.id}/resend-invite")
    assert response.status_code == 303
    assert one_time.find(first, AccountTokenPurpose.INVITE) is None
    live = (
        db.session.execute(db.select(AccountToken).filter_by(user_id=priya.id, used_at=None))
        .scalars()
        .all()
    )
    assert len(live) == 1
    (email,) = db.session.execute(db.select(Notification)).scalars()
    assert email.recipient == priya.email and "/account/invite/" in email.body
    assert len(_audit("user.invite_resend", priya)) == 1


def test_no_invitation_again_once_they_have_signed_in(client, login_as, people) -> None:
    login_as("admin")
    choir = people["choir"]
    assert "Send the invitation again" not in client.get(f"/admin/users/{choir.id}").get_data(
        as_text=True
    )
    response = client.post(f"/admin/users/{choir.id}/resend-invite")
    assert response.status_code == 409
    assert 'href="#invite"' in response.get_data(as_text=True)
    assert db.session.execute(db.select(Notification)).first() is None


def test_the_forms_need_a_csrf_token(app, client, login_as, people) -> None:
    login_as("admin")
    page = client.get(f"/admin/users/{people['anand'].id}").get_data(as_text=True)
    forms = re.findall(
        r'<form method="post".*?</form>', page, re.DOTALL
    )  # account, invite, disable
    assert len(forms) == 3 and all('name="csrf_token"' in form for form in forms)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/users/{people['anand'].id}/disable").status_code == 400
    invite = {"email": "new@example.org", "name": "New", "role": "admin"}
    assert client.post("/admin/users/invite", data=invite).status_code == 400
    db.session.refresh(people["anand"])
    assert people["anand"].active


def test_resetting_two_factor_sign_in(client, login_as) -> None:
    admin = login_as("admin")
    worker = make_user(
        Role.LINK_WORKER, totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=datetime.now(UTC)
    )
    db.session.commit()
    version = worker.session_version
    assert "Reset two-factor sign-in" in client.get(f"/admin/users/{worker.id}").get_data(
        as_text=True
    )
    response = client.post(f"/admin/users/{worker.id}/reset-two-factor")
    assert response.status_code == 303
    db.session.refresh(worker)
    assert (worker.totp_secret, worker.totp_confirmed_at) == (None, None)
    assert worker.session_version > version  # signed out everywhere
    (event,) = _audit("user.2fa_reset", worker)
    assert event.actor_id == admin.id
    again = client.post(f"/admin/users/{worker.id}/reset-two-factor")  # nothing to reset now
    assert again.status_code == 409 and 'href="#two-factor"' in again.get_data(as_text=True)


def test_an_admin_cannot_reset_their_own_two_factor_sign_in(client, login_as) -> None:
    admin = login_as("admin", totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=datetime.now(UTC))
    response = client.post(f"/admin/users/{admin.id}/reset-two-factor")
    assert response.status_code == 409
    db.session.refresh(admin)
    assert admin.totp_secret is not None
