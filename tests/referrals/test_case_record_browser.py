"""A case in a real browser, as a link worker works it: from assignment through notes, a plan, two
connections and measures before and after, to completion; then the referrer reads the message
back. Every page is checked by axe-core, photographed at phone and desktop widths, and must
reflow at 320 and 390 px without scrolling sideways."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, PHONE, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.referrals.casework import today
from wellbeing.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.browser
NARROWEST = 320
# The innermost elements that reach past the right edge of the page, to say what to fix.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right >
                                         document.documentElement.clientWidth + 1))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""


def sign_in(page, live_server, user) -> None:
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check(page, name: str) -> None:
    """axe-core at desktop and phone widths, screenshots of both, and no sideways scrolling from
    320 px up."""
    assert_accessible(page)
    screenshot(page, name)
    for width in (NARROWEST, PHONE["width"]):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        # The NHS.UK header folds its links into "More" once it has seen the resize.
        page.wait_for_timeout(300)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (
            f"{name} is {scroll_width} px wide at {width} px: " + ", ".join(page.evaluate(WIDEST))
        )
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)


def banner(page, section: str):
    return page.locator(f"#{section} .nhsuk-notification-banner")


def fill_date(page, scope, on) -> None:
    scope.get_by_label("Day", exact=True).fill(str(on.day))
    scope.get_by_label("Month", exact=True).fill(str(on.month))
    scope.get_by_label("Year", exact=True).fill(str(on.year))


def connect(page, words: str, name: str | None = None) -> None:
    page.get_by_role("button", name="Connect to a service").click()
    page.get_by_label("Search the directory").fill(words)
    page.get_by_role("button", name="Search the directory").click()
    results = page.locator("#service-results")
    expect(results).to_contain_text("Distances are from GL1 3AB")
    results.locator(".nhsuk-radios__input").first.check()
    if name:
        check(page, name)
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(banner(page, "connections")).to_contain_text("Connected to")


def record_ons4(page, answers: list[int], stage: str) -> None:
    page.get_by_role("button", name="Record ONS4").click()
    page.get_by_label(stage, exact=True).check()
    for index, answer in enumerate(answers):
        page.locator(f"#answer_{index}").fill(str(answer))
    page.get_by_role("button", name="Save ONS4").click()
    expect(banner(page, "outcome-measures")).to_contain_text("ONS4")


def record_swemwbs(page, answers: list[int], stage: str) -> None:
    page.get_by_role("button", name="Record SWEMWBS").click()
    page.get_by_label(stage, exact=True).check()
    for index, answer in enumerate(answers):
        page.locator(f"input[name=answer_{index}][value='{answer}']").check()
    page.get_by_role("button", name="Save SWEMWBS").click()
    expect(banner(page, "outcome-measures")).to_contain_text("SWEMWBS")


def test_a_case_from_assignment_to_the_message_back(page, live_server, seeded_directory) -> None:
    link_worker = make_user(Role.LINK_WORKER, name="Lee Worker")
    gp = make_user(Role.REFERRER, name="Dr Gita Patel", organisation="Kingsholm Surgery")
    db.session.commit()
    sign_in(page, live_server, gp)
    referral = _refer(page, live_server)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, link_worker)
    page.goto(f"{live_server}/referrals/{referral.id}")
    page.get_by_role("button", name="Assign to me").click()
    expect(banner(page, "assignment")).to_contain_text("Assigned to Lee Worker")
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Start work").click()
    expect(page.locator("h1 + p")).to_contain_text("In progress")

    page.get_by_label("Add a case note").fill(
        "First call. She misses singing with her choir and finds the bus hard."
    )
    page.get_by_role("button", name="Add note").click()
    expect(banner(page, "case-notes")).to_contain_text("Note added")
    assert page.evaluate("location.hash") == "#case-notes"

    page.locator("#next-contact summary").click()
    fill_date(page, page.locator("#next-contact"), today() + timedelta(days=7))
    page.get_by_role("button", name="Save next contact").click()
    expect(banner(page, "next-contact")).to_contain_text("Next contact:")

    page.get_by_role("link", name="Change what matters to them").click()
    page.get_by_label("What matters to them, in their words").fill(
        "Singing again, and getting out of the house without relying on my daughter."
    )
    page.get_by_label("Strengths (optional)").fill("Loves music; a good neighbour.")
    page.get_by_label("Barriers (optional)").fill("Bad hip; the buses.")
    check(page, "case-what-matters")
    page.get_by_role("button", name="Save").click()
    expect(banner(page, "what-matters")).to_contain_text("updated")

    page.get_by_role("button", name="Add a goal").click()
    page.get_by_label("Goal, in their words").fill("Sing with a group every week")
    fill_date(page, page, today() + timedelta(days=90))
    page.get_by_role("button", name="Add the goal").click()
    expect(banner(page, "care-plan")).to_contain_text("Goal added")

    page.locator("#care-plan").get_by_role("link", name="Change").click()
    page.get_by_label("In progress").check()
    check(page, "case-goal-change")
    page.get_by_role("button", name="Save the goal").click()
    expect(banner(page, "care-plan")).to_contain_text("Goal in progress")

    connect(page, "singing", "case-connect-search")
    connect(page, "walk")
    outcomes = page.locator("#connections").get_by_role("link", name="Record outcome")
    outcomes.nth(0).click()
    page.get_by_label("Attending").check()
    page.get_by_role("button", name="Save the outcome").click()
    outcomes.nth(1).click()
    page.get_by_label("Did not start").check()
    page.get_by_label("Reason (optional)").fill("The walk starts too early for her.")
    check(page, "case-connection-outcome")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator("#connections")).to_contain_text("Did not start")

    page.get_by_role("button", name="Record ONS4").click()
    page.locator("#answer_1").fill("11")
    page.get_by_role("button", name="Save ONS4").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Question 2: enter a whole number from 0 to 10")
    expect(summary).to_contain_text("Answer question 1")
    check(page, "case-measure-errors")
    summary.get_by_role("link", name="Question 2").click()
    assert page.evaluate("document.activeElement.id") == "answer_1"
    page.go_back()
    page.go_back()
    record_ons4(page, [4, 5, 3, 8], "Baseline")
    record_swemwbs(page, [2, 2, 3, 3, 3, 3, 3], "Baseline")
    record_swemwbs(page, [4, 4, 4, 4, 4, 4, 3], "Review")
    record_ons4(page, [7, 7, 6, 3], "Follow-up")
    measures = page.locator("#outcome-measures")
    expect(measures.locator("svg.app-chart")).to_have_count(2)
    expect(measures).to_contain_text("+6.13")
    check(page, "case-record-link-worker")

    page.get_by_role("link", name="Correct the person's details").click()
    page.get_by_label("Phone number").fill("07700 900 982")
    check(page, "case-person-correct")
    page.get_by_role("button", name="Save the details").click()
    expect(banner(page, "person")).to_contain_text("Corrected phone")
    expect(page.locator(".app-timeline")).to_contain_text("Corrected phone")

    page.get_by_role("button", name="Print or share the plan").click()
    expect(page.locator("h1")).to_contain_text("Care and support plan for Margaret Hale")
    check(page, "case-plan-print")
    page.go_back()

    page.locator("#status-actions").get_by_role("button", name="Complete", exact=True).click()
    summary_box = page.get_by_label("Outcome summary")
    expect(summary_box).to_contain_text("Connections made:")
    check(page, "case-complete")
    summary_box.fill("")
    page.get_by_role("button", name="Complete the referral").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write an outcome summary")
    check(page, "case-complete-errors")
    summary_box.fill(
        "Met three times. Margaret joined the community choir and goes every week; the health "
        "walk started too early for her. Her wellbeing scores rose."
    )
    page.get_by_role("button", name="Complete the referral").click()
    expect(page.locator("h1 + p")).to_contain_text("Completed")
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status is ReferralStatus.COMPLETED
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, gp)
    page.goto(f"{live_server}/referrals/{referral.id}")
    expect(page.locator("main")).not_to_contain_text("First call")
    page.get_by_role("link", name="Read the outcome summary").click()
    content = page.locator("main")
    expect(content).to_contain_text("Margaret joined the community choir")
    expect(content).to_contain_text("Did not start")
    expect(content).to_contain_text("In progress")  # the goal
    expect(content).not_to_contain_text("The walk starts too early")  # the reason: staff only
    expect(content).not_to_contain_text("First call")
    check(page, "case-summary-referrer")


def _refer(page, live_server) -> Referral:
    """The GP refers Margaret, near the seeded services (GL1 3AB)."""
    page.goto(live_server + "/referrals/new")
    page.get_by_label("First name").fill("Margaret")
    page.get_by_label("Last name").fill("Hale")
    page.get_by_label("Day", exact=True).fill("2")
    page.get_by_label("Month", exact=True).fill("5")
    page.get_by_label("Year", exact=True).fill("1941")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("Postcode").fill("GL1 3AB")
    page.get_by_label("Phone number", exact=True).fill("01632 960 123")
    page.get_by_label("Loneliness and social connection").check()
    page.get_by_label("What matters to them").fill("Lives alone; misses her choir.")
    page.get_by_label("The person agrees to this referral").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("sent")
    return db.session.execute(db.select(Referral)).scalar_one()
