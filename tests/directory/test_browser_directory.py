"""The directory in a real browser, as a resident on a phone and a link worker on a desktop."""

import pytest

from tests.support.browser import PHONE, assert_accessible, screenshot
from wellbeing.directory.models import Service
from wellbeing.extensions import db

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
    page.locator("summary", has_text="Filter results").click()
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


def test_on_a_phone_the_first_result_is_on_the_first_screen(page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/directory?q=lonely&postcode=GL1+1AA")
    first = page.locator(".app-result h3 a").first
    assert first.bounding_box()["y"] + first.bounding_box()["height"] < PHONE["height"]
    assert page.locator("details#filters").get_attribute("open") is None
    screenshot(page, "directory-search-lonely")  # at 390x844 and 1280x900
    page.set_viewport_size(PHONE)
    presses = 0
    while presses < 20 and not first.evaluate("link => link === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
    # Header links, words, postcode, distance, Search, sort and Sort, then the first result.
    assert presses <= 13, f"{presses} Tab presses to reach the first result"
    assert_accessible(page)
    page.locator("summary", has_text="Filter results").click()
    assert_accessible(page)  # the open filters too


def test_print_this_page_shows_with_javascript_and_prints(page, browser, live_server) -> None:
    service_id = db.session.execute(
        db.select(Service.id).where(Service.name == "Support at the Cavern")
    ).scalar_one()
    url = f"{live_server}/directory/services/{service_id}"
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(url)
    button = page.get_by_role("button", name="Print this page")
    button.wait_for(state="visible")
    button.click()
    assert page.evaluate("window.printed") == 1

    without_js = browser.new_context(java_script_enabled=False)
    still = without_js.new_page()
    still.goto(url)
    assert still.locator("button[data-app-print]").is_hidden()  # it could not work
    without_js.close()
