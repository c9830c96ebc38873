"""Test fixtures: a migrated database per run (SQLite, or PostgreSQL when asked), an app per test.

Set WELLBEING_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) to run the
suite on a fresh PostgreSQL database that is created for this run and dropped afterwards.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import make_url

from tests.support.factories import make_user
from wellbeing import create_app
from wellbeing.accounts.models import Role, User
from wellbeing.config import TestConfig
from wellbeing.extensions import db

# Fixtures used by several domains; a domain's own fixtures live in its tests/<domain>/conftest.py.
pytest_plugins = ["tests.support.browser", "tests.support.directory"]


def _create_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    url = make_url(server_url)
    name = f"wellbeing_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for this run, migrated with ``flask db upgrade`` (migrations make the schema)."""
    server_url = os.environ.get("WELLBEING_TEST_POSTGRES_URL")
    drop = None
    if server_url:
        url, drop = _create_postgres_database(server_url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(TestConfig(url, str(tmp_path_factory.mktemp("index"))))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    if drop is not None:
        drop()


def _empty_all_tables() -> None:
    # DELETE, not TRUNCATE: for a test's handful of rows it is many times faster on PostgreSQL.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a server would.

    Otherwise requests reuse the test's pushed context, sharing ``g`` (Flask-Login's cached user)
    and the database session between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on the shared test database, with its context pushed for this test only."""
    app = create_app(TestConfig(database_url, str(tmp_path / "index")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[..., User]:
    """``login_as("link_worker")`` makes a user with that role and signs the test client in."""

    def _login(role: Role | str, **fields: object) -> User:
        user = make_user(Role(role), **fields)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()  # what sign-in stores: id and session version
            session["_fresh"] = True
        return user

    return _login
