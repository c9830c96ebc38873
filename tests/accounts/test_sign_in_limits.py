"""Failed sign-ins are limited per account and per address; a right password passes the latter."""

import pytest
from flask import Flask

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.sign_in_limits import ACCOUNT_REFUSED, ADDRESS_REFUSED
from wellbeing.extensions import db, limiter

WRONG = "not the password"
CENTRE, ELSEWHERE = "192.0.2.10", "198.51.100.7"


def refusal_text(template: str) -> str:
    return template.split("{wait}")[0]


@pytest.fixture
def three_a_minute(app: Flask) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"


def users(count: int) -> list[User]:
    made = [make_user(Role.REFERRER) for _ in range(count)]
    db.session.commit()
    return made


def test_eleventh_failed_sign_in_to_an_account_is_refused_even_with_its_password(
    sign_in,
) -> None:
    (user,) = users(1)
    statuses = [sign_in(user.email, WRONG).status_code for _ in range(11)]
    assert statuses == [422] * 10 + [429]  # LOGIN_RATE_LIMIT's default: 10 a minute
    assert sign_in(user.email).status_code == 429


def test_the_account_limit_holds_across_addresses(sign_in, three_a_minute) -> None:
    (user,) = users(1)
    for number in range(3):
        assert sign_in(user.email, WRONG, address=f"203.0.113.{number}").status_code == 422
    response = sign_in(user.email, address=ELSEWHERE)
    assert response.status_code == 429
    assert refusal_text(ACCOUNT_REFUSED) in response.get_data(as_text=True)


def test_the_account_limit_counts_emails_however_they_are_typed(sign_in, three_a_minute) -> None:
    (user,) = users(1)
    for typed in (user.email, user.email.upper(), user.email.title()):
        assert sign_in(typed, WRONG).status_code == 422
    assert sign_in(user.email).status_code == 429


def test_unknown_emails_are_limited_like_real_ones(sign_in, three_a_minute) -> None:
    statuses = [sign_in("nobody@example.org", WRONG).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_one_address_failing_across_accounts_is_refused(sign_in, three_a_minute) -> None:
    accounts = users(4)
    statuses = [sign_in(user.email, WRONG, address=CENTRE).status_code for user in accounts]
    assert statuses == [422, 422, 422, 429]
    response = sign_in(accounts[0].email, WRONG, address=CENTRE)
    assert response.status_code == 429
    assert refusal_text(ADDRESS_REFUSED) in response.get_data(as_text=True)
    # Other addresses are not affected.
    assert sign_in(accounts[3].email, WRONG, address=ELSEWHERE).status_code == 422


def test_a_right_password_gets_through_its_addresses_limit(sign_in, three_a_minute) -> None:
    *others, colleague = users(4)
    for user in others:
        sign_in(user.email, WRONG, address=CENTRE)
    assert sign_in(colleague.email, WRONG, address=CENTRE).status_code == 429
    assert sign_in(colleague.email, address=CENTRE).status_code == 303


def test_successful_sign_ins_do_not_use_up_the_limits(client, sign_in, three_a_minute) -> None:
    (user,) = users(1)
    for _ in range(5):
        assert sign_in(user.email).status_code == 303
        client.post("/account/sign-out")
    statuses = [sign_in(user.email, WRONG).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_a_refusal_says_when_to_try_again(sign_in, three_a_minute) -> None:
    (user,) = users(1)
    for _ in range(3):
        sign_in(user.email, WRONG)
    response = sign_in(user.email, WRONG)
    body = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Try again in 1 minute." in body
    assert "There is a problem" in body  # the form again, with the NHS.UK error summary
    assert f'value="{user.email}"' in body


def test_the_limiter_storage_holds_no_email_addresses(sign_in, three_a_minute) -> None:
    (user,) = users(1)
    sign_in(user.email, WRONG)
    keys = list(limiter.storage.storage)  # the in-memory storage of the test configuration
    assert any("account" in key for key in keys)
    assert not any(user.email in key or user.email.split("@")[0] in key for key in keys)
