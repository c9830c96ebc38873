"""``flask seed``: reference data from seed_data/, plus demo accounts when asked for."""

from collections.abc import Iterator

import click
from flask import current_app

from wellbeing.accounts.models import Role
from wellbeing.accounts.services import AccountError, create_user, find_user_by_email
from wellbeing.directory.seed import load_directory_seed
from wellbeing.extensions import db
from wellbeing.referrals.demo import seed_demo_referrals

DEMO_USERS = [
    ("resident@example.org", "Robin Resident", Role.RESIDENT, None),
    ("gp@example.org", "Dr Gita Patel", Role.REFERRER, "Kingsholm Surgery (demo)"),
    ("linkworker@example.org", "Lee Worker", Role.LINK_WORKER, "Community Wellbeing Service"),
    ("provider@example.org", "Priya Provider", Role.PROVIDER, "Gloucester Arts Collective (demo)"),
    ("admin@example.org", "Ada Admin", Role.ADMIN, "Community Wellbeing Service"),
    ("commissioner@example.org", "Cal Commissioner", Role.COMMISSIONER, "Integrated Care Board"),
]


def seed_demo_users(password: str) -> Iterator[str]:
    """The demo accounts, with ``password`` (which must meet the password policy)."""
    created = 0
    for email, name, role, organisation in DEMO_USERS:
        if find_user_by_email(email) is None:
            try:
                create_user(email, name, role, password, organisation)
            except AccountError as error:
                raise click.ClickException(f"WELLBEING_DEMO_PASSWORD: {error}") from error
            created += 1
    yield f"Demo users: {created} created, {len(DEMO_USERS) - created} already there"


def run_seed(demo: bool = False) -> Iterator[str]:
    """Load everything in seed_data/; safe to run again (nothing is duplicated)."""
    yield from load_directory_seed()
    if demo:
        password = current_app.config["WELLBEING_DEMO_PASSWORD"]
        if not password:
            raise click.ClickException("--demo needs WELLBEING_DEMO_PASSWORD in the environment")
        yield from seed_demo_users(password)
        yield from seed_demo_referrals()
    db.session.commit()
