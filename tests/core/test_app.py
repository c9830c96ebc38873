"""Error pages, security headers, bearer tokens, assets and configuration."""

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.support.factories import make_user
from wellbeing.accounts.models import ApiToken, Role
from wellbeing.accounts.services import issue_token
from wellbeing.config import normalise_database_url
from wellbeing.extensions import db


def test_unknown_page_is_an_html_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>Page not found</h1>" in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json["error"]["status"] == 404


def test_unexpected_error_rolls_back_and_shows_a_500_page(app: Flask, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom() -> str:
        make_user(Role.RESIDENT, email="half-done@example.org")
        raise RuntimeError("simulated failure")

    @app.get("/api/boom")
    def api_boom() -> str:
        raise RuntimeError("simulated failure")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "simulated failure" not in response.get_data(as_text=True)
    from wellbeing.accounts.services import find_user_by_email

    assert find_user_by_email("half-done@example.org") is None
    response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json["error"]["message"].startswith("Something went wrong")


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    script_src = next(part for part in csp.split("; ") if part.startswith("script-src"))
    nonce = script_src.split("'nonce-")[1].rstrip("'")
    body = response.get_data(as_text=True)
    # Every inline script carries this response's nonce; scripts otherwise come from our origin.
    assert body.count("<script nonce=") == body.count(f'<script nonce="{nonce}"') == 1
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "https://" not in body.split("<body")[0]  # nothing fetched from another origin


def test_session_cookie_is_secure_only_over_https(client: FlaskClient, login_as) -> None:
    user = make_user(Role.ADMIN)
    db.session.commit()
    data = {"email": user.email, "password": "correct horse battery staple"}
    http = client.post("/account/sign-in", data=data)
    cookie = http.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client.post("/account/sign-out")
    https = client.post("/account/sign-in", data=data, base_url="https://localhost")
    assert "Secure" in https.headers["Set-Cookie"]
    assert "max-age" in https.headers["Strict-Transport-Security"]


def test_nhsuk_assets_are_served_from_our_origin(client: FlaskClient) -> None:
    css = client.get("/assets/nhsuk-frontend.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b".nhsuk-header" in css.data
    assert client.get("/assets/images/favicon.svg").status_code == 200
    js = client.get("/static/js/app.js")
    assert b"initAll" in js.data
    assert client.get("/assets/../../package.json").status_code == 404


def test_bearer_token_authenticates_api_calls(app: Flask, client: FlaskClient, runner) -> None:
    user = make_user(Role.LINK_WORKER)
    token = issue_token(user)
    db.session.commit()
    stored = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token not in stored.token_hash  # only the hash is kept

    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["email"] == user.email and response.json["role"] == "link_worker"


def test_wrong_or_missing_token_gets_401_json(client: FlaskClient) -> None:
    bad = [{"Authorization": "Bearer not-a-real-token"}, {"Authorization": "Basic abc"}, {}]
    for headers in bad:
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_of_disabled_user_is_refused(client: FlaskClient) -> None:
    user = make_user(Role.REFERRER)
    token = issue_token(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_health_check(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.json == {
        "status": "ok",
        "search": {"words": True, "meaning": True, "model": "ready"},
    }


def test_database_url_forms() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_users_cli_create_and_token(runner: FlaskCliRunner, client: FlaskClient) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Link.Worker@Example.org",
            "--role",
            "link_worker",
            "--name",
            "Lin Worker",
        ],
        input="a very long password\n",
    )
    assert result.exit_code == 0, result.output
    response = client.post(
        "/account/sign-in",
        data={"email": "link.worker@example.org", "password": "a very long password"},
    )
    assert response.status_code == 303

    result = runner.invoke(args=["users", "token", "link.worker@example.org"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json["name"] == (
        "Lin Worker"
    )


def test_users_cli_rejects_bad_input(runner: FlaskCliRunner) -> None:
    cases = [
        (["users", "create", "a@example.org", "--role", "wizard", "--name", "A"], "x" * 20),
        (["users", "create", "a@example.org", "--role", "admin", "--name", "A"], "short"),
        (["users", "create", "not-an-email", "--role", "admin", "--name", "A"], "x" * 20),
        (["users", "create", "a@example.org", "--role", "admin", "--name", "A"], ""),
        (["users", "token", "nobody@example.org"], ""),
    ]
    for args, password in cases:
        result = runner.invoke(args=args, input=password + "\n")
        assert result.exit_code != 0, args
        assert result.output.strip(), args
    runner.invoke(args=cases[1][0], input="x" * 20 + "\n")
    result = runner.invoke(args=cases[1][0], input="x" * 20 + "\n")
    assert result.exit_code == 1 and "already exists" in result.output
