"""Wellbeing: a social-prescribing directory and referral service."""

from collections.abc import Mapping
from typing import Any

from flask import Flask
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from wellbeing.config import INSTANCE_DIR, REPO_ROOT, Config, instance_secret_key


def create_app(config: Mapping[str, Any] | object | None = None) -> Flask:
    """Build the Flask application; ``config`` overrides the environment's settings."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(Config())
    if isinstance(config, Mapping):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)  # home of the default SQLite file and index
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key()

    register_templates(app)
    register_extensions(app)
    register_search(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["WELLBEING_TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    return app


def register_templates(app: Flask) -> None:
    from wellbeing import templating

    # The NHS.UK macros need ChainableUndefined for their nested optional parameters.
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [FileSystemLoader(app.root_path + "/templates"), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "extensions": ["jinja2.ext.do"],
        # Flask escapes only .html templates by default; the NHS.UK macros are .jinja files.
        "autoescape": True,
        # Compiling the NHS.UK macros takes a third of a second per process; cache the result
        # (in a private per-user temp folder, checked against each template's source).
        "bytecode_cache": FileSystemBytecodeCache(),
    }
    templating.init_app(app)


def register_extensions(app: Flask) -> None:
    from wellbeing import models  # noqa: F401 - registers every table on the metadata
    from wellbeing.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"


def register_search(app: Flask) -> None:
    from wellbeing.directory import search

    search.init_app(app)


def register_blueprints(app: Flask) -> None:
    from wellbeing.accounts.views import bp as accounts_bp
    from wellbeing.api import bp as api_bp
    from wellbeing.api.oruk import bp as oruk_bp
    from wellbeing.assets import bp as assets_bp
    from wellbeing.directory.views import bp as directory_bp
    from wellbeing.main import bp as main_bp
    from wellbeing.referrals.blueprints import BLUEPRINTS as referral_blueprints

    for blueprint in (main_bp, assets_bp, accounts_bp, directory_bp, api_bp, oruk_bp):
        app.register_blueprint(blueprint)
    for blueprint in referral_blueprints:
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from wellbeing import security

    security.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from wellbeing import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from wellbeing import cli

    cli.init_app(app)
