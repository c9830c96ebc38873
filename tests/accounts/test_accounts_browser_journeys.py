"""Account journeys in Chromium at phone and desktop widths, with axe-core on every page and
screenshots in test-artifacts/account-*.png: resetting a forgotten password (the link taken from
the outbox), accepting an invitation, and setting up and signing in with two-factor sign-in."""

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.accounts.two_factor_support import app_code, wrong_code
from tests.support.browser import PHONE, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_user
from wellbeing.accounts import one_time
from wellbeing.accounts.models import AccountTokenPurpose, Role, User
from wellbeing.accounts.services import create_user
from wellbeing.extensions import db
from wellbeing.outbox import Notification

pytestmark = pytest.mark.browser

NEW_PASSWORD = "kettle orchard lantern"


def check(page, name: str) -> None:
    """Every page of a journey: no WCAG problem, nothing wider than a phone, a screenshot."""
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    fits = f"document.documentElement.scrollWidth <= {PHONE['width']}"
    with contextlib.suppress(PlaywrightTimeout):  # the header folds its menu once it has resized
        page.wait_for_function(fits, timeout=2_000)
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .slice(0, 5).map(e => e.tagName + "." + e.className)"""
    )
    assert not too_wide, (name, too_wide)
    screenshot(page, name)


def fill_password(page, password: str, confirm: str | None = None) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Confirm new password").fill(confirm or password)


def fresh(user: User) -> User:
    db.session.expire_all()  # the live server changed it in its own session
    return db.session.get(User, user.id)


def test_resetting_a_forgotten_password(page, live_server) -> None:
    user = make_user(Role.LINK_WORKER, email="lee.worker@example.org", name="Lee Worker")
    db.session.commit()
    page.goto(live_server + "/account/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.locator("h1")).to_have_text("Reset your password")
    check(page, "account-forgotten-password")

    page.get_by_label("Email address").fill("Lee.Worker@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    check(page, "account-reset-link-sent")

    body = db.session.execute(db.select(Notification.body)).scalar_one()
    path = re.search(r"http://[^/\s]+(/account/reset/\S+)", body).group(1)
    page.goto(live_server + path)
    assert page.url == live_server + "/account/reset"  # the token has left the address bar
    expect(page.locator("h1")).to_have_text("Choose a new password")
    check(page, "account-reset")

    fill_password(page, "Password1234!")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("common password")
    check(page, "account-reset-errors")

    fill_password(page, NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator(".nhsuk-notification-banner").first).to_contain_text(
        "Your password has been set"
    )
    assert fresh(user).check_password(NEW_PASSWORD)

    page.goto(live_server + path)  # the link again: used
    expect(page.locator("h1")).to_have_text("This link has expired or has been used")
    check(page, "account-reset-link-used")


def test_accepting_an_invitation_then_setting_up_two_factor_sign_in(app, page, live_server) -> None:
    app.config["WELLBEING_REQUIRE_2FA"] = True
    user = create_user(
        "nia.newcomer@example.org", "Nia Newcomer", Role.LINK_WORKER, None, "Wellbeing Service"
    )
    token = one_time.issue(user, AccountTokenPurpose.INVITE)
    db.session.commit()

    page.goto(f"{live_server}/account/invite/{token}")
    expect(page.locator("h1")).to_have_text("Set your password")
    check(page, "account-invite")
    fill_password(page, NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    # A link worker must set up two-factor sign-in before anything else.
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    assert page.url == live_server + "/account/two-factor"
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    check(page, "account-two-factor-set-up")

    page.get_by_label("Code from your authenticator app").fill(wrong_code(fresh(user)))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    check(page, "account-two-factor-set-up-errors")

    page.get_by_label("Code from your authenticator app").fill(app_code(fresh(user)))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("h1")).to_have_text("Save your recovery codes")
    codes = re.findall(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", page.locator("pre").inner_text())
    assert len(codes) == 10
    check(page, "account-recovery-codes")
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.locator("h1")).to_have_text("My caseload")

    page.goto(live_server + "/account")
    expect(page.locator("main")).to_contain_text("You have 10 unused recovery codes")
    check(page, "account-page")


def test_signing_in_with_two_factor(page, live_server) -> None:
    from tests.accounts.two_factor_support import enable_two_factor

    admin = make_user(Role.ADMIN, email="ada.admin@example.org", name="Ada Admin")
    codes = enable_two_factor(admin)
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
    check(page, "account-sign-in-code")

    page.get_by_label("Code from your authenticator app").fill(wrong_code(admin))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    check(page, "account-sign-in-code-errors")

    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.locator("h1")).to_have_text("Enter a recovery code")
    check(page, "account-sign-in-recovery-code")
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Administration")

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(app_code(admin))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Administration")

    page.goto(live_server + "/account/password")
    expect(page.locator("h1")).to_have_text("Change your password")
    page.get_by_label("Current password").fill("not my password")
    fill_password(page, NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Your current password is not right"
    )
    check(page, "account-change-password-errors")
    page.get_by_label("Current password").fill(PASSWORD)
    fill_password(page, NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("h1")).to_have_text("Your account")
    check(page, "account-password-changed")
