"""``flask users ...``: create users and issue API tokens."""

import sys

import click
from flask.cli import AppGroup

from wellbeing.accounts.models import Role
from wellbeing.accounts.services import AccountError, create_user, find_user_by_email, issue_token
from wellbeing.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
COMMAND_GROUPS = (users_cli,)


def _read_password() -> str:
    """Prompt twice on a terminal; otherwise take the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise click.ClickException("No password given on standard input")
    return line.rstrip("\r\n")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="The user's role.",
)
@click.option("--name", required=True, help="The user's full name.")
@click.option("--organisation", default=None, help="GP practice or organisation, if any.")
def create_command(email: str, role: str, name: str, organisation: str | None) -> None:
    """Create a user; the password is prompted for (or read from standard input)."""
    if "@" not in email or not name.strip():
        raise click.ClickException("Give a valid email address and a non-empty --name")
    password = _read_password()
    try:
        user = create_user(email, name, role, password, organisation)
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}")


@users_cli.command("token")
@click.argument("email")
def token_command(email: str) -> None:
    """Issue a new API bearer token for EMAIL, printed alone on the last line."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with the email {email}")
    token = issue_token(user)
    db.session.commit()
    click.echo(f"New API token for {user.email}, shown once (send 'Authorization: Bearer ...'):")
    click.echo(token)
