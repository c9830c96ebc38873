"""After signing in, each role lands on its own page, unless a page on this site asked for it."""

import pytest
from flask.testing import FlaskClient

from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db

HOME = ("/", "Find local support for your health and wellbeing")
# Roles without a page of their own (residents, providers) land on the home page.
LANDING = {
    Role.LINK_WORKER: ("/referrals/caseload", "My caseload"),
    Role.REFERRER: ("/referrals", "My referrals"),
    Role.ADMIN: ("/admin", "Administration"),
    Role.COMMISSIONER: ("/reports", "Reports"),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_lands_on_its_own_page(client: FlaskClient, sign_in, role: Role) -> None:
    user = make_user(role)
    db.session.commit()
    response = sign_in(user.email)
    path, heading = LANDING.get(role, HOME)
    assert response.status_code == 303
    assert response.headers["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.get_data(as_text=True)


def test_the_page_that_asked_for_sign_in_comes_first(client: FlaskClient) -> None:
    user = make_user(Role.LINK_WORKER)
    db.session.commit()
    asked = client.get("/referrals/queue?q=smith")
    assert asked.status_code == 302
    response = client.post(
        asked.headers["Location"], data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/referrals/queue?q=smith"


@pytest.mark.parametrize("next_page", ["https://evil.example.com/", "//evil.example.com/", ""])
def test_another_host_or_no_page_leads_to_the_role_page(client: FlaskClient, next_page) -> None:
    user = make_user(Role.REFERRER)
    db.session.commit()
    response = client.post(
        "/account/sign-in",
        query_string={"next": next_page},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/referrals"


def test_signed_in_visitors_to_the_sign_in_page_go_to_their_own_page(client, login_as) -> None:
    login_as("link_worker")
    response = client.get("/account/sign-in")
    assert response.status_code == 303
    assert response.headers["Location"] == "/referrals/caseload"
