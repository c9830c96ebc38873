"""Account fixtures: signing in through the form, and asking whom a client is signed in as."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import current_user
from werkzeug.test import TestResponse

from tests.support.factories import PASSWORD

SignIn = Callable[..., TestResponse]


@pytest.fixture
def sign_in(client: FlaskClient) -> SignIn:
    """``sign_in(email)`` posts the sign-in form; ``via=`` another client, ``address=`` its IP."""

    def _sign_in(
        email: str,
        password: str = PASSWORD,
        *,
        via: FlaskClient | None = None,
        address: str = "127.0.0.1",
    ) -> TestResponse:
        return (via or client).post(
            "/account/sign-in",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )

    return _sign_in


@pytest.fixture
def who(app: Flask) -> Callable[[FlaskClient], str]:
    """``who(client)``: the email of the user the client's session signs in, or "nobody"."""

    @app.get("/test/who")
    def _who() -> str:
        return current_user.email if current_user.is_authenticated else "nobody"

    return lambda client: client.get("/test/who").get_data(as_text=True)
