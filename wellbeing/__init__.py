"""Wellbeing: a social-prescribing directory and referral service."""

from collections.abc import Mapping
from typing import Any

from flask import Flask
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemBytecodeCache,
    PackageLoader,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from wellbeing.config import INSTANCE_DIR, REPO_ROOT, Config, instance_secret_key

# Header navigation: (link text, endpoint, roles that see it; None for everyone). Each role's own
# pages come first: a phone's header shows the first two or three and folds the rest into "More".
NAVIGATION = [
    ("My caseload", "referrals.caseload", frozenset({"link_worker"})),
    ("Referral queue", "referrals.queue", frozenset({"link_worker", "admin"})),
    ("My referrals", "referrals.mine", frozenset({"referrer", "resident"})),
    ("New referral", "referrals.new", frozenset({"referrer", "link_worker"})),
    ("Admin", "admin.home", frozenset({"admin"})),
    ("Audit log", "admin.audit_log", frozenset({"admin"})),
    ("Reports", "reports.index", frozenset({"commissioner", "admin"})),
    ("Find support", "directory.search", None),
    ("Ask for help", "refer.start", None),
]


def create_app(config: Mapping[str, Any] | object | None = None) -> Flask:
    """Build the Flask application; ``config`` overrides the environment's settings."""
    # Static files are served by wellbeing.assets, under content-hashed names.
    app = Flask(__name__, instance_relative_config=False, static_folder=None)
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
        # The app's and every blueprint's templates, then the NHS.UK macros.
        "loader": ChoiceLoader(
            [app.create_global_jinja_loader(), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "extensions": ["jinja2.ext.do"],
        # Flask escapes only .html templates by default; the NHS.UK macros are .jinja files.
        "autoescape": True,
        # Compiling the NHS.UK macros takes a third of a second per process; cache the result
        # (in a private per-user temp folder, checked against each template's source).
        "bytecode_cache": FileSystemBytecodeCache(),
    }
    templating.init_app(app, navigation=NAVIGATION)


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
    from wellbeing.directory.search import index
    from wellbeing.directory.search.vectors import search_health
    from wellbeing.main import add_health_check

    index.init_app(app)
    add_health_check(app, "search", search_health)


def register_blueprints(app: Flask) -> None:
    from wellbeing import assets, main
    from wellbeing.accounts import api as accounts_api
    from wellbeing.accounts import views as accounts_views
    from wellbeing.admin import views as admin_views
    from wellbeing.directory import views as directory_views
    from wellbeing.directory.oruk import api as oruk_api
    from wellbeing.referrals import api as referrals_api
    from wellbeing.referrals import case_views, outcome_views
    from wellbeing.referrals import public_views as referrals_public
    from wellbeing.referrals import views as referrals_views
    from wellbeing.reports import api as reports_api
    from wellbeing.reports import views as reports_views

    assets.init_app(app)
    for module in (
        main,
        assets,
        accounts_views,
        accounts_api,
        directory_views,
        oruk_api,
        referrals_public,
        referrals_views,
        case_views,
        outcome_views,
        referrals_api,
        admin_views,
        reports_views,
        reports_api,
    ):
        app.register_blueprint(module.bp)


def register_security(app: Flask) -> None:
    from wellbeing import security

    security.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from wellbeing import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from wellbeing.accounts import commands as accounts_commands
    from wellbeing.commands import seed_command
    from wellbeing.directory import commands as directory_commands
    from wellbeing.referrals import commands as referrals_commands

    for module in (accounts_commands, directory_commands, referrals_commands):
        for group in module.COMMAND_GROUPS:
            app.cli.add_command(group)
    app.cli.add_command(seed_command)
