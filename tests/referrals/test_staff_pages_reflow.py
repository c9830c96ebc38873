"""Staff lists on a phone (WCAG 1.4.10 reflow): the queue, the caseload, my referrals and the
audit log fit 320 and 390 px wide screens without scrolling sideways, and axe-core finds no WCAG
2.x A/AA problem on them at any width. Screenshots go to test-artifacts/ for people to look at."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, REPO_ROOT, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign, record_contact_attempt, today

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"320": NARROWEST, "390": PHONE, "desktop": DESKTOP}


def sign_in(page, live_server, user) -> None:
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/sign-in" not in url)


def assert_reflows(page, name: str) -> None:
    """At 320 px, 390 px and desktop width: nothing scrolls sideways and axe-core is content."""
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        # The NHS.UK header folds its links into "More" after a resize: wait until it has.
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        page.wait_for_timeout(300)
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .slice(0, 5).map(e => e.tagName + "." + e.className)"""
        )
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], (name, label, scroll_width, too_wide)
        assert_accessible(page)
    page.set_viewport_size(NARROWEST)
    out = REPO_ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}-320.png"), full_page=True)
    screenshot(page, name)  # phone (390) and desktop


@pytest.fixture
def caseload(make_referral, needs):
    """A link worker with cases as they come: long names, several needs, urgent and at risk,
    next contacts overdue, today, this week and later, and contact attempts."""
    worker = make_user(Role.LINK_WORKER, name="Priya Ramaswamy-Fitzgerald")
    day = today()
    plans = [
        ("Bartholomew", "Featherstonehaugh-Cholmondeley", day - timedelta(days=2), "urgent"),
        ("Siobhan", "O'Callaghan", day, "routine"),
        ("Alex", "Rivers", day + timedelta(days=3), "routine"),
        ("Jo", "Li", day + timedelta(days=30), "routine"),
        ("Sam", "Lee", None, "routine"),
    ]
    referrals = []
    for given, family, on, urgency in plans:
        referral = make_referral(
            given_name=given,
            family_name=family,
            urgency=urgency,
            need_ids=[needs.befriending.id, needs.debt.id, needs.money.id],
            risk_flag=urgency == "urgent",
            risk_note="Lives alone" if urgency == "urgent" else None,
        )
        assign(referral, worker, worker)
        referral.next_contact_on = on
        referrals.append(referral)
    record_contact_attempt(referrals[0], worker, "phone", "wrong_details")
    record_contact_attempt(referrals[1], worker, "phone", "reached")
    make_referral(given_name="Nobody", family_name="Yet")  # waiting in the queue, unassigned
    db.session.commit()
    return worker, referrals


def test_the_link_workers_lists_on_a_phone(page, live_server, caseload) -> None:
    worker, referrals = caseload
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, worker)
    # A link worker lands on their caseload, the most pressing case first.
    expect(page.locator("h1")).to_have_text("My caseload")
    first_row = page.locator("#caseload tbody tr").first
    expect(first_row).to_contain_text(referrals[0].reference)
    expect(first_row).to_contain_text("Overdue")
    assert first_row.bounding_box()["y"] < PHONE["height"]  # on the first screen
    assert_reflows(page, "staff-caseload")

    page.set_viewport_size(PHONE)
    page.locator("main").get_by_role("link", name="queue").click()  # nobody's referrals yet
    expect(page.locator("h1")).to_have_text("Referral queue")
    expect(page.locator("#queue-total")).to_contain_text("1 referral,")
    assert page.locator("#filters").evaluate("details => details.open")  # showing the filter
    page.get_by_label("Anyone").check()  # back to every open referral
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#queue-total")).to_contain_text("6 referrals")
    # The filters are folded away, so the results come straight after the search box.
    assert not page.locator("#filters").evaluate("details => details.open")
    assert page.locator("#queue tbody tr").first.bounding_box()["y"] < PHONE["height"] * 1.5
    assert_reflows(page, "staff-queue")

    page.set_viewport_size(PHONE)
    page.get_by_label("Find a referral").fill("featherstone")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    expect(page.locator("#queue")).to_contain_text(referrals[0].reference)
    assert_reflows(page, "staff-queue-search")

    page.set_viewport_size(PHONE)
    page.locator("#filters summary").click()
    page.get_by_label("Urgency").select_option("routine")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#queue-total")).to_contain_text("0 open referrals match")
    assert page.get_by_label("Find a referral").input_value()  # the search was kept
    assert page.locator("#filters").evaluate("details => details.open")  # a filter is applied

    page.get_by_label("Find a referral").fill("x" * 200)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("characters or fewer")
    assert_reflows(page, "staff-queue-search-error")


def test_my_referrals_on_a_phone(page, live_server, make_referral) -> None:
    referrer = make_user(
        Role.REFERRER, name="Dr Anand", organisation="Kingsholm and Wotton Surgery"
    )
    db.session.commit()
    for given, family in [("Bartholomew", "Featherstonehaugh-Cholmondeley"), ("Jo", "Li")]:
        make_referral(actor=referrer, given_name=given, family_name=family)
    sign_in(page, live_server, referrer)
    expect(page.locator("h1")).to_have_text("My referrals")
    expect(page.locator("#referrals tbody tr")).to_have_count(2)
    assert_reflows(page, "staff-my-referrals")


def test_the_audit_log_on_a_phone(page, live_server, make_referral) -> None:
    admin = make_user(Role.ADMIN, email="information-governance.lead@wellbeing.example.org")
    db.session.commit()
    make_referral(actor=admin)
    sign_in(page, live_server, admin)
    expect(page.locator("h1")).to_have_text("Administration")
    assert_reflows(page, "staff-admin-home")
    page.locator("main").get_by_role("link", name="Audit log").click()  # the card
    expect(page.locator("#audit-events tbody tr").first).to_be_visible()
    assert_reflows(page, "staff-audit-log")
