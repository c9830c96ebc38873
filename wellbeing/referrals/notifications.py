"""The outbox: emails written in the same transaction as the change, sent later by a CLI command.

Messages carry the reference and status only, never names or health details. ``flask
notifications send`` claims rows before sending, so two senders (cron overlapping) never send
one message twice; failures are retried with exponential backoff, then marked failed.
"""

import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app
from sqlalchemy import or_

from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.models import (
    Notification,
    NotificationStatus,
    Referral,
    ReferralEvent,
    ReferralSource,
    ReferralStatus,
)

MAX_ATTEMPTS = 5
# A claim older than this belongs to a sender that died mid-batch: the row is tried again.
CLAIM_TIMEOUT = timedelta(minutes=15)
RESIDENT_MEANING = {
    ReferralStatus.ACCEPTED: "A link worker will contact you soon.",
    ReferralStatus.IN_PROGRESS: "A link worker is working with you.",
    ReferralStatus.ON_HOLD: "Your request is paused for now.",
    ReferralStatus.COMPLETED: "Your link worker has finished working with you.",
    ReferralStatus.DECLINED: "We cannot help with this request.",
    ReferralStatus.CANCELLED: "Your request has been cancelled.",
    ReferralStatus.CLOSED_NO_CONTACT: "We tried to contact you but could not reach you.",
}


def _queue(referral: Referral, recipient: str | None, audience: str, subject: str, body: str):
    if recipient:
        db.session.add(
            Notification(
                referral_id=referral.id,
                recipient=recipient,
                audience=audience,
                subject=subject,
                body=body,
            )
        )


def _link(path: str) -> str:
    return current_app.config["WELLBEING_BASE_URL"].rstrip("/") + path


def queue_new_referral(referral: Referral) -> None:
    """Tell the service's inbox (when configured) that a referral is waiting."""
    urgency = "An urgent" if referral.urgency == "urgent" else "A new"
    _queue(
        referral,
        current_app.config["WELLBEING_SERVICE_INBOX"],
        "service",
        f"New referral {referral.reference}",
        f"{urgency} referral, {referral.reference}, is waiting in the referral queue.\n\n"
        f"Sign in to see it: {_link(f'/referrals/{referral.id}')}\n",
    )


def referrer_email(referral: Referral) -> str | None:
    if referral.source == ReferralSource.SELF:
        return None
    if referral.referrer_email:
        return referral.referrer_email
    return referral.created_by.email if referral.created_by else None


def queue_status_change(referral: Referral, event: ReferralEvent) -> None:
    """Tell the referrer and, when they gave an email, the person referred; not the actor."""
    status = ReferralStatus(event.to_status)
    actor_email = event.actor.email if event.actor else None
    to_referrer = referrer_email(referral)
    if to_referrer != actor_email:
        _queue(
            referral,
            to_referrer,
            "referrer",
            f"Referral {referral.reference}: {status.label}",
            f"Referral {referral.reference} is now: {status.label}.\n\n"
            f"Sign in to see the details: {_link(f'/referrals/{referral.id}')}\n",
        )
    if referral.email and referral.email != actor_email:
        _queue(
            referral,
            referral.email,
            "resident",
            f"Your request for help {referral.reference}: {status.label}",
            f"Your request for help, reference {referral.reference}, is now: {status.label}.\n"
            f"{RESIDENT_MEANING.get(status, '')}\n\n"
            f"Check its progress with your reference and date of birth: "
            f"{_link('/referrals/status')}\n",
        )


def claim_batch(now: datetime, limit: int) -> str:
    """Mark up to ``limit`` due messages as ours with a fresh token; returns the token."""
    token = secrets.token_hex(16)
    due = (
        db.select(Notification.id)
        .where(
            or_(
                (Notification.status == NotificationStatus.PENDING)
                & (Notification.next_attempt_at <= now),
                (Notification.status == NotificationStatus.SENDING)
                & (Notification.claimed_at < now - CLAIM_TIMEOUT),
            )
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # SQLite runs one writer at a time, so this UPDATE ... WHERE id IN (...) is atomic there too.
    db.session.execute(
        db.update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()))
        .values(status=NotificationStatus.SENDING, claimed_at=now, claim_token=token)
    )
    return token


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _smtp() -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        current_app.config["WELLBEING_SMTP_HOST"],
        current_app.config["WELLBEING_SMTP_PORT"],
        timeout=30,
    )
    if current_app.config["WELLBEING_SMTP_STARTTLS"]:
        smtp.starttls()
    if current_app.config["WELLBEING_SMTP_USERNAME"]:
        smtp.login(
            current_app.config["WELLBEING_SMTP_USERNAME"],
            current_app.config["WELLBEING_SMTP_PASSWORD"],
        )
    return smtp


def _message(row: Notification) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["WELLBEING_MAIL_FROM"]
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message.set_content(row.body)
    return message


def _record_failure(row: Notification, error: Exception, now: datetime, report: SendReport):
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    # The id, never the recipient: an email address is personal data.
    current_app.logger.warning("Notification %s not sent (try %s): %s", row.id, row.attempts, error)
    row.claim_token = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = NotificationStatus.FAILED
        report.failed += 1
    else:
        row.status = NotificationStatus.PENDING
        row.next_attempt_at = now + timedelta(minutes=2**row.attempts)
        report.retrying += 1


def _connect() -> tuple[smtplib.SMTP | None, Exception | None]:
    try:
        return _smtp(), None
    except (OSError, smtplib.SMTPException) as error:
        return None, error


def send_pending(limit: int = 100) -> SendReport:
    """Send the due messages; commits after the claim and after each message, so none repeats."""
    if not current_app.config["WELLBEING_SMTP_HOST"]:
        raise click.ClickException("Set WELLBEING_SMTP_HOST to send notifications")
    now = utcnow()
    token = claim_batch(now, limit)
    db.session.commit()
    rows = db.session.execute(
        db.select(Notification).where(Notification.claim_token == token).order_by(Notification.id)
    ).scalars()
    report = SendReport()
    smtp, connect_error = _connect()
    for row in list(rows):
        try:
            if smtp is None:  # the server is down: every message counts one failed attempt
                raise connect_error or OSError("no SMTP connection")
            smtp.send_message(_message(row))
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(row, error, now, report)
        else:
            row.status, row.sent_at, row.claim_token = NotificationStatus.SENT, utcnow(), None
            report.sent += 1
        db.session.commit()  # per message: a crash mid-batch must not resend what went out
    if smtp is not None:
        smtp.quit()
    return report
