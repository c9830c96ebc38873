"""``flask seed``: the one command that spans every domain (reference data and demo content)."""

import click
from flask.cli import with_appcontext

from wellbeing.seed import run_seed


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create demo users (for local demos only).")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the reference data in seed_data/ (idempotent); --demo adds demo accounts."""
    for line in run_seed(demo=demo):
        click.echo(line)
