"""Home and sign-in pages in a real browser: they work, and axe-core finds no WCAG A/AA issue."""

import pytest

from tests.support.browser import assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db

pytestmark = pytest.mark.browser


def test_home_page(page, live_server) -> None:
    page.goto(live_server + "/")
    assert page.title() == "Find support and get referred \N{EN DASH} Wellbeing"
    assert page.locator("h1").inner_text() == "Find local support for your health and wellbeing"
    # The NHS.UK JavaScript ran (it marks the body once its components start).
    assert "nhsuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)
    screenshot(page, "home")


def test_skip_link_moves_focus_to_main_content(page, live_server) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"


def test_sign_in_with_errors_then_success(page, live_server) -> None:
    user = make_user(Role.LINK_WORKER)
    db.session.commit()

    page.goto(live_server + "/account/sign-in")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    assert_accessible(page)  # the page with errors too
    screenshot(page, "sign-in-errors")

    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.get_by_label("Email address").input_value() == user.email

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert f"Signed in as {user.name}" in page.locator(".nhsuk-notification-banner").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.locator(".nhsuk-notification-banner", has_text="You have signed out").wait_for()
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_error_page_is_accessible(page, live_server) -> None:
    response = page.goto(live_server + "/no-such-page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)
