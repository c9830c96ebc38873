"""Referral pages in a real browser: they work with the keyboard and mouse, and axe-core finds
no WCAG 2.x A/AA problem on them (with and without errors)."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import PHONE, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user) -> None:
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_self_referral_on_a_phone(page, live_server, needs) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Get help from a link worker").click()
    expect(page.locator("h1")).to_have_text("Ask for help from a link worker")
    assert_accessible(page)
    screenshot(page, "refer-start")

    page.set_viewport_size(PHONE)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Postcode").fill("gl1 3ab")
    page.get_by_label("Phone number").fill("07700 900 982")
    page.get_by_label("Loneliness and social connection").check()
    page.get_by_label("Tell us a little about what matters to you").fill("I would like company.")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter a last name")
    expect(summary).to_contain_text("Date of birth must include a year")
    assert page.get_by_label("First name").input_value() == "Sam"  # nothing typed is lost
    assert page.get_by_label("Loneliness and social connection").is_checked()
    assert_accessible(page)
    screenshot(page, "refer-errors")
    page.set_viewport_size(PHONE)
    summary.get_by_role("link", name="Date of birth must include a year").click()
    assert page.evaluate("document.activeElement.id") == "date_of_birth-day"

    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Year", exact=True).fill("1970")
    page.get_by_label("I agree that the Community Wellbeing Service").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before sending")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("3 April 1970")
    assert_accessible(page)
    screenshot(page, "refer-check")

    page.get_by_role("button", name="Change my answers").click()
    expect(page.get_by_label("Last name")).to_have_value("Lee")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("WB-")
    reference = db.session.execute(db.select(Referral.reference)).scalar_one()
    assert reference in page.locator(".nhsuk-panel").inner_text()
    assert_accessible(page)
    screenshot(page, "refer-confirmation")

    page.get_by_role("link", name="Check the progress of your request").first.click()
    page.get_by_label("Your reference").fill(reference)
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Year", exact=True).fill("1970")
    page.get_by_role("button", name="Check progress").click()
    expect(page.locator("#status-result")).to_contain_text("Submitted")
    assert_accessible(page)
    screenshot(page, "referral-status-check")


def test_referrer_form(page, live_server, needs) -> None:
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    db.session.commit()
    sign_in(page, live_server, gp)
    page.get_by_role("link", name="New referral").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a first name")
    assert_accessible(page)
    screenshot(page, "referral-new-errors")

    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name").fill("Rivers")
    page.get_by_label("Day", exact=True).fill("23")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Year", exact=True).fill("1956")
    page.get_by_label("Postcode").fill("GL1 3AB")
    page.get_by_label("Phone number", exact=True).fill("01632 960 123")
    page.get_by_label("Money and debt").check()
    page.get_by_label("Debt advice").check()  # revealed under its group
    page.get_by_label("What matters to them").fill("Worried about bills.")
    page.get_by_label("There is a risk or safeguarding concern").check()
    page.get_by_label("Describe the risk or concern").fill("Call before visiting.")
    page.get_by_label("The person agrees to this referral").check()
    page.get_by_role("button", name="Send referral").click()
    banner = page.locator(".nhsuk-notification-banner")
    expect(banner).to_contain_text("sent to the Community Wellbeing Service")
    expect(page.get_by_text("Risk or safeguarding concern")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "referral-page-referrer")


def test_link_worker_queue_and_referral_page(page, live_server, make_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER, name="Lee Worker")
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    first = make_referral(actor=gp, urgency="urgent")
    make_referral(actor=gp, given_name="Jo", risk_flag=True, risk_note="Dog in the house")
    db.session.commit()
    sign_in(page, live_server, link_worker)
    page.get_by_role("link", name="Referral queue").first.click()
    expect(page.locator("#queue-total")).to_contain_text("2 referrals")
    assert "Submitted: 2" in page.locator("#status-counts").inner_text()
    assert_accessible(page)
    screenshot(page, "referral-queue")

    page.locator("#filters summary").click()  # the filters are folded away until used
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#queue-total")).to_contain_text("1 referral,")
    page.get_by_role("link", name=first.reference).click()
    assert_accessible(page)

    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Assigned to Lee Worker")
    page.get_by_role("button", name="Accept").click()
    page.locator("summary", has_text="Put on hold").click()
    page.get_by_role("button", name="Put on hold").click()  # no reason given
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give a reason")
    assert_accessible(page)
    page.get_by_label("Reason to put on hold").fill("Away for a fortnight")
    page.get_by_role("button", name="Put on hold").click()
    expect(page.locator("h1 + p")).to_contain_text("On hold")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Record contact attempt").click()
    expect(page.locator(".app-timeline")).to_contain_text("Phone: no answer")
    assert_accessible(page)
    screenshot(page, "referral-page-link-worker")


def test_referrer_suggests_services_near_the_person(page, live_server, seeded_directory) -> None:
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    db.session.commit()
    sign_in(page, live_server, gp)
    page.goto(live_server + "/referrals/new")
    page.get_by_label("Postcode").fill("GL1 3AB")
    page.get_by_label("Search the directory for services to suggest").fill("debt advice")
    page.get_by_role("button", name="Search services").click()
    results = page.locator("#service-results")
    expect(results).to_contain_text("Distances are from GL1 3AB")
    expect(results.locator(".nhsuk-checkboxes__label").first).to_contain_text("miles away")
    assert page.get_by_label("Postcode").input_value() == "GL1 3AB"
    assert_accessible(page)
    screenshot(page, "referral-new-suggestions")
