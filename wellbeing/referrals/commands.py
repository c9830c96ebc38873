"""The referrals' command group: ``flask notifications send``."""

import click
from flask import current_app
from flask.cli import AppGroup

from wellbeing.outbox import send_pending

notifications_cli = AppGroup("notifications", help="Send the emails waiting in the outbox.")
COMMAND_GROUPS = (notifications_cli,)
MAX_SEND_LIMIT = 10_000  # the most messages one run may be asked to send


@notifications_cli.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(1, MAX_SEND_LIMIT),
    help="Most messages to send this run.",
)
def send_command(limit: int) -> None:
    """Send due notifications by SMTP (safe to run from cron, even overlapping)."""
    report = send_pending(limit)
    current_app.logger.info(
        "Notifications: %s sent, %s to retry, %s failed", *vars(report).values()
    )
    click.echo(f"Sent {report.sent}; {report.retrying} to retry later; {report.failed} failed")
