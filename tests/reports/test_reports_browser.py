"""The reports page in Chromium: a year of referrals, at 320 px, 390 px and desktop widths, with
nothing scrolling sideways and no WCAG 2.x A/AA problem found by axe-core. Screenshots go to
test-artifacts/reports-*.png for people to look at."""

import random
from datetime import date, timedelta

import pytest

from tests.reports.conftest import GLASGOW, GLOUCESTER, NOWHERE, add_connection, add_measure, uk
from tests.support.browser import DESKTOP, REPO_ROOT, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db

pytestmark = pytest.mark.browser

WIDTHS = {"320": {"width": 320, "height": 640}, "390": {"width": 390, "height": 844}}
SOURCES = ["gp"] * 6 + ["professional"] * 2 + ["self"] * 2 + ["link_worker"]
STATUSES = ["completed"] * 4 + ["in_progress"] * 3 + ["declined", "submitted", "cancelled"]
ORGANISATIONS = [
    "Quayside Medical Practice",
    "Kingsholm and Wotton Surgery",
    "Gloucester Community Mental Health Team (Adult Services)",
]


@pytest.fixture
def year_of_referrals(add_referral, report_needs, places):
    """About 150 referrals over a year, as a real service would see them."""
    rng = random.Random(12)
    needs = [report_needs.loneliness, report_needs.befriending, report_needs.debt]
    for number in range(150):
        made = date(2025, 12, 1) + timedelta(days=rng.randrange(330))
        source = rng.choice(SOURCES)
        status = rng.choice(STATUSES)
        contacted = status not in ("submitted", "declined", "cancelled")
        referral = add_referral(
            uk(made),
            source=source,
            status=status,
            organisation=rng.choice(ORGANISATIONS) if source != "self" else None,
            postcode=rng.choice([GLOUCESTER] * 4 + [GLASGOW, NOWHERE]),
            first_contact_at=uk(made + timedelta(days=rng.randrange(1, 12))) if contacted else None,
            needs=rng.sample(needs, rng.randrange(1, 3)),
        )
        if status in ("completed", "in_progress"):
            service = places.choir if number % 2 else places.advice
            add_connection(referral, service, service.name)
            add_measure(referral, "ons4", "baseline", [4, 5, 4, 7], made)
            add_measure(referral, "ons4", "review", [6, 6, 5, 4], made + timedelta(days=60))
            add_measure(referral, "swemwbs", "baseline", [2, 3, 2, 3, 3, 2, 3], made)
            later = [3, 3, 3, 3, 4, 3, 3] if number % 3 else [2, 3, 2, 3, 3, 2, 3]
            add_measure(referral, "swemwbs", "review", later, made + timedelta(days=60))
    db.session.commit()


def sign_in(page, live_server, user) -> None:
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_fits(page, label: str) -> None:
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .slice(0, 5).map(e => e.tagName + "." + e.className)"""
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    width = page.viewport_size["width"]
    assert scroll_width <= width, (label, scroll_width, too_wide)


def test_reports_page_reads_on_a_phone_and_a_desktop(page, live_server, year_of_referrals) -> None:
    commissioner = make_user(Role.COMMISSIONER, name="Morgan Commissioner")
    db.session.commit()
    sign_in(page, live_server, commissioner)
    response = page.goto(live_server + "/reports?from=2025-12-01&to=2026-10-31")
    assert response.status == 200
    assert page.get_by_role("heading", name="Reports", level=1).is_visible()
    assert page.locator("svg[role=img] title").first.text_content()
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        assert_fits(page, label)
        assert_accessible(page)
        if label == "320":
            narrowest = REPO_ROOT / "test-artifacts" / "reports-320.png"
            page.screenshot(path=str(narrowest), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert_fits(page, "desktop")
    assert_accessible(page)
    screenshot(page, "reports")  # reports-phone.png (390 px) and reports-desktop.png


def test_a_wrong_date_is_shown_at_its_field(page, live_server, places) -> None:
    commissioner = make_user(Role.COMMISSIONER)
    db.session.commit()
    sign_in(page, live_server, commissioner)
    response = page.goto(live_server + "/reports?from=2026-10-01&to=2026-02-01")
    assert response.status == 422
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "on or after the start date" in page.locator("#to-error").text_content()
    page.set_viewport_size(WIDTHS["390"])
    assert_fits(page, "390 with errors")
    assert_accessible(page)
    screenshot(page, "reports-errors")


def test_filters_are_chosen_and_a_table_downloaded(page, live_server, year_of_referrals) -> None:
    admin = make_user(Role.ADMIN)
    db.session.commit()
    sign_in(page, live_server, admin)
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("Start date").fill("2026-01-01")
    page.get_by_label("End date").fill("2026-06-30")
    page.get_by_label("Area", exact=True).select_option(label="Gloucester")
    page.get_by_label("Source", exact=True).select_option(label="GP practice")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert "area=gloucester" in page.url and "source=gp" in page.url
    assert page.get_by_text("Only referrals in Gloucester, by source: GP practice.").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Referrals by month").click()
    name = download.value.suggested_filename
    assert name == "wellbeing-by-month-2026-01-01-to-2026-06-30.csv"
