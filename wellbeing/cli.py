"""Registers the ``flask`` command groups."""

import click
from flask import Flask
from flask.cli import with_appcontext

from wellbeing.accounts.cli import users_cli
from wellbeing.seed import run_seed


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create demo users (for local demos only).")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the reference data in seed_data/ (idempotent); --demo adds demo accounts."""
    for line in run_seed(demo=demo):
        click.echo(line)


def init_app(app: Flask) -> None:
    from wellbeing.directory import cli as directory_cli

    directory_cli.init_app(app)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
