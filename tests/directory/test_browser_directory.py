"""The directory in a real browser, as a resident on a phone and a link worker on a desktop."""

import pytest

from tests.support.browser import PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded_directory")]


def test_resident_searches_on_a_phone_and_opens_a_service(page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/directory")
    assert_accessible(page)
    screenshot(page, "directory-search-empty")

    page.get_by_label("What are you looking for?").fill("lonely")
    page.get_by_label("Postcode").fill("gl1 2ht")
    page.get_by_role("button", name="Search").click()
    heading = page.locator("#results-heading").inner_text()
    assert "services found near GL1 2HT" in heading
    assert page.locator(".app-result").count() > 0
    assert_accessible(page)
    screenshot(page, "directory-search-results")

    page.locator(".app-result h3 a").first.click()
    page.locator("h2", has_text="How to join").wait_for()
    assert_accessible(page)
    screenshot(page, "directory-service")
    page.get_by_role("link", name="Back to search results").click()
    page.wait_for_url("**/directory?**")
    assert page.get_by_label("What are you looking for?").input_value() == "lonely"


def test_filters_work_without_javascript(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/directory?q=walking")
    page.locator("summary", has_text="Filters and sorting").click()
    page.get_by_label("Free").check()
    page.get_by_label("Open weekends").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**weekends=y**")
    assert "free=y" in page.url
    assert page.locator(".app-result").count() > 0
    context.close()


def test_errors_are_accessible(page, live_server) -> None:
    page.goto(live_server + "/directory?postcode=nonsense")
    assert "Enter a real UK postcode" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    screenshot(page, "directory-search-error")
