"""The administrators' pages in a browser: the users list, a user's page, the invitation and
the audit log fit 320 and 390 px wide screens without scrolling sideways, and axe-core finds no
WCAG 2.x A/AA problem on them. Screenshots go to test-artifacts/ (admin-*) for people to look at."""

from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.referrals.test_staff_pages_reflow import PHONE, assert_reflows, sign_in
from tests.support.factories import make_user
from wellbeing import audit
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.extensions import db

pytestmark = pytest.mark.browser


class Settled:
    """The page, each resize followed by two animation frames: the NHS.UK header moves its
    links into "More" in an animation frame, and a width is measured only after it has."""

    def __init__(self, page: Any) -> None:
        self._page = page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)

    def set_viewport_size(self, size: dict[str, int]) -> None:
        self._page.set_viewport_size(size)
        self._page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )


def reflows(page: Any, name: str) -> None:
    assert_reflows(Settled(page), name)


@pytest.fixture
def admin(app, add_referral):
    """An administrator, colleagues with long names, emails and organisations, and their reads."""
    admin = make_user(
        Role.ADMIN,
        name="Information Governance Lead",
        email="information-governance.lead@wellbeing.example.org",
    )
    gp = make_user(
        Role.REFERRER,
        name="Dr Bartholomew Featherstonehaugh-Cholmondeley",
        email="bartholomew.featherstonehaugh-cholmondeley@kingsholm-and-wotton.example.nhs.uk",
        organisation="Kingsholm and Wotton Surgery, Gloucester City Primary Care Network",
        last_sign_in_at=datetime(2026, 11, 30, 9, 12, tzinfo=UTC),
        totp_confirmed_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    make_user(Role.LINK_WORKER, name="Priya Shah", email="priya.shah@wellbeing.example.org")
    make_user(Role.PROVIDER, name="Sam Lee", organisation="Kingsholm Choir", active=False)
    make_user(Role.COMMISSIONER, name="Jo Li", organisation="Gloucestershire ICB")
    issue_token(gp)
    db.session.commit()
    referral = add_referral("WB-7K3QF2", actor=gp)
    with app.test_request_context():
        audit.record(gp, "referral.view", "referral", referral.id)
        db.session.commit()
    return admin, gp


def test_the_users_pages_on_a_phone(page, live_server, admin) -> None:
    me, gp = admin
    sign_in(page, live_server, me)
    page.goto(live_server + "/admin/users")
    expect(page.locator("#users tbody tr")).to_have_count(5)
    reflows(page, "admin-users")

    page.set_viewport_size(PHONE)
    page.locator("#filters summary").click()
    page.get_by_label("Role").select_option("referrer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#users tbody tr")).to_have_count(1)
    page.locator("#users").get_by_role("link", name=gp.name).click()
    expect(page.locator("h1")).to_have_text(gp.name)
    reflows(page, "admin-user")

    page.set_viewport_size(PHONE)
    page.get_by_label("Organisation").fill("")
    page.get_by_role("button", name="Save role and organisation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the organisation")
    reflows(page, "admin-user-error")

    page.get_by_role("button", name="Disable the account").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("signed out everywhere")
    expect(page.get_by_role("button", name="Enable the account")).to_be_visible()
    reflows(page, "admin-user-disabled")


def test_inviting_someone_on_a_phone(page, live_server, admin) -> None:
    me, _gp = admin
    sign_in(page, live_server, me)
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/admin/users")
    page.get_by_role("button", name="Invite a user").click()
    expect(page.locator("h1")).to_have_text("Invite a user")
    page.get_by_label("Email address").fill("dr.alex.morgan@kingsholm.example.nhs.uk")
    page.get_by_label("Full name").fill("Dr Alex Morgan")
    page.get_by_label("Referrer").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the organisation")
    reflows(page, "admin-invite-errors")

    page.get_by_label("Organisation").fill("Kingsholm Surgery")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("h1")).to_have_text("Dr Alex Morgan")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("72 hours")
    reflows(page, "admin-invite-sent")


def test_the_audit_log_filtered_on_a_phone(page, live_server, admin) -> None:
    me, gp = admin
    sign_in(page, live_server, me)
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/admin/audit")
    page.locator("#filters summary").click()
    page.get_by_label("Who").fill(gp.email)
    page.get_by_label("Referral reference").fill("wb 7k3qf2")
    page.get_by_label("Action").select_option("referral.view")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-events tbody tr")).to_have_count(1)
    expect(page.locator("#audit-events")).to_contain_text("WB-7K3QF2")
    reflows(page, "admin-audit-log")

    page.set_viewport_size(PHONE)
    page.get_by_label("From").fill("31/02/2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a real date")
    reflows(page, "admin-audit-log-error")
