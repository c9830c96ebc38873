"""``flask users ...``: create, disable and enable users; issue and revoke API tokens; turn a
user's two-factor sign-in off."""

import sys

import click
from flask.cli import AppGroup

from wellbeing import audit
from wellbeing.accounts import two_factor
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.services import (
    AccountError,
    create_user,
    find_user_by_email,
    issue_token,
    revoke_tokens,
)
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
    """Create a user; the password is prompted for (or read from standard input) and must meet
    the password policy (12 to 128 characters, not a common password, not the user's name or
    email)."""
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


def _user(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}")
    return user


def _tokens(count: int) -> str:
    return f"{count} API token{'' if count == 1 else 's'}"


def _record(action: str, user: User, **detail: object) -> None:
    """Audit a change made here: nobody is signed in, so the detail says where it came from."""
    audit.record(None, action, "user", str(user.id), {"via": "cli", **detail})


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable EMAIL: it cannot sign in or use its API tokens, and its sessions end now."""
    user = _user(email)
    if not user.active:
        click.echo(f"{user.email} is already disabled")
        return
    user.active = False  # which ends the user's sessions (User.end_sessions)
    _record("user.disable", user)
    db.session.commit()
    click.echo(f"Disabled {user.email}: signed out everywhere; API tokens refused")


@users_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Enable EMAIL again; its API tokens work again unless they were revoked."""
    user = _user(email)
    if user.active:
        click.echo(f"{user.email} is already enabled")
        return
    user.active = True
    _record("user.enable", user)
    db.session.commit()
    click.echo(f"Enabled {user.email}")


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens_command(email: str) -> None:
    """Revoke every API token of EMAIL."""
    user = _user(email)
    count = revoke_tokens(user)
    _record("user.tokens_revoke", user, tokens=count)
    db.session.commit()
    click.echo(f"Revoked {_tokens(count)} of {user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--replace", is_flag=True, help="Revoke the user's earlier tokens first.")
def token_command(email: str, replace: bool) -> None:
    """Issue a new API bearer token for EMAIL, printed alone on the last line."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with the email {email}")
    revoked = revoke_tokens(user) if replace else 0
    token = issue_token(user)
    _record("user.token_issue", user, revoked=revoked)
    db.session.commit()
    if replace:
        click.echo(f"Revoked {_tokens(revoked)} issued earlier")
    click.echo(f"New API token for {user.email}, shown once (send 'Authorization: Bearer ...'):")
    click.echo(token)


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn two-factor sign-in off for EMAIL (a lost phone): its secret and recovery codes are
    deleted and its sessions end; when it is required, EMAIL sets it up again at next sign-in."""
    user = _user(email)
    if not two_factor.enabled(user) and user.totp_secret is None:
        click.echo(f"{user.email} has no two-factor sign-in")
        return
    two_factor.reset(user, via="cli")
    db.session.commit()
    click.echo(f"Two-factor sign-in is off for {user.email}; they are signed out everywhere")
