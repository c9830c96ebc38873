"""The outbox: emails written in the same transaction as the change, sent later by a CLI command.

Messages carry the reference and status only, never names or health details. ``flask
notifications send`` claims each row atomically just before sending it, so two senders (cron
overlapping) never send one message twice; failures are retried with exponential backoff, then
marked failed. Logs and ``last_error`` name messages by id and never hold an address.
"""

import contextlib
import re
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app
from sqlalchemy import ColumnElement, or_

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
    """The referrer's account's email: never an address typed on a form."""
    if referral.source == ReferralSource.SELF or referral.created_by is None:
        return None
    return referral.created_by.email


def _to_referrer(referral: Referral, status: ReferralStatus) -> tuple[str, str]:
    """The referrer's subject and body. On completion it says the outcome summary (the message
    back) is ready and links to it: the summary itself is read after signing in."""
    if status is ReferralStatus.COMPLETED:
        return (
            f"Referral {referral.reference}: {status.label}, outcome summary ready",
            f"Referral {referral.reference} is now: {status.label}.\n\n"
            "The outcome summary, what was done and what changed, is ready for you.\n"
            f"Sign in to read it: {_link(f'/referrals/{referral.id}/summary')}\n",
        )
    return (
        f"Referral {referral.reference}: {status.label}",
        f"Referral {referral.reference} is now: {status.label}.\n\n"
        f"Sign in to see the details: {_link(f'/referrals/{referral.id}')}\n",
    )


def queue_status_change(referral: Referral, event: ReferralEvent) -> None:
    """Tell the referrer and, when they gave an email, the person referred; not the actor."""
    status = ReferralStatus(event.to_status)
    actor_email = event.actor.email if event.actor else None
    to_referrer = referrer_email(referral)
    if to_referrer != actor_email:
        _queue(referral, to_referrer, "referrer", *_to_referrer(referral, status))
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


def _due(now: datetime) -> ColumnElement[bool]:
    """Waiting and due, or claimed by a sender so long ago that it must have died."""
    return or_(
        (Notification.status == NotificationStatus.PENDING) & (Notification.next_attempt_at <= now),
        (Notification.status == NotificationStatus.SENDING)
        & (Notification.claimed_at < now - CLAIM_TIMEOUT),
    )


def claim_next(token: str, now: datetime | None = None) -> int | None:
    """Make the next due message this sender's (``token``), atomically; its id, or None.

    One conditional UPDATE: the row must still be due when it is written, so of two senders
    only one can take it. PostgreSQL also skips rows another sender is taking
    (``FOR UPDATE SKIP LOCKED``); SQLite runs one writer at a time. The caller commits.
    """
    now = now or utcnow()
    candidate = db.select(Notification.id).where(_due(now)).order_by(Notification.id).limit(1)
    if db.engine.dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    return db.session.execute(
        db.update(Notification)
        .where(Notification.id == candidate.scalar_subquery(), _due(now))
        .values(status=NotificationStatus.SENDING, claimed_at=now, claim_token=token)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def _finish(row_id: int, token: str, **values: object) -> bool:
    """Record how sending went, if the claim is still ours; False when another sender took it."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.id == row_id, Notification.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


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


# Anything shaped like an email address, in a server's reply or an error's text.
ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")


def describe_failure(error: Exception, recipient: str) -> str:
    """Why a message was not sent, for the log and ``last_error``: the error's type, the SMTP
    code and the server's words, with every address and each part of the recipient's taken out
    (servers often echo them: "550 <alex@example.org>: no such user")."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _reply in error.recipients.values()})
        text = f"recipient refused ({', '.join(codes)})"
    elif isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode(errors="replace")
        text = f"{error.smtp_code} {reply}"
    else:
        text = str(error)
    text = ADDRESS.sub("[address]", text)
    for part in {recipient, *recipient.split("@")}:
        if len(part) >= 3:
            text = re.sub(re.escape(part), "[address]", text, flags=re.IGNORECASE)
    return f"{type(error).__name__}: {text}"[:500]


def _record_failure(row: Notification, token: str, error: Exception, report: SendReport) -> None:
    attempts = row.attempts + 1
    description = describe_failure(error, row.recipient)
    # The id, never the recipient: an email address is personal data.
    current_app.logger.warning(
        "Notification %s not sent (try %s): %s", row.id, attempts, description
    )
    gave_up = attempts >= MAX_ATTEMPTS
    if _finish(
        row.id,
        token,
        attempts=attempts,
        last_error=description,
        claim_token=None,
        status=NotificationStatus.FAILED if gave_up else NotificationStatus.PENDING,
        next_attempt_at=utcnow() + timedelta(minutes=2**attempts),
    ):
        if gave_up:
            report.failed += 1
        else:
            report.retrying += 1


def _connect() -> tuple[smtplib.SMTP | None, Exception | None]:
    try:
        return _smtp(), None
    except (OSError, smtplib.SMTPException) as error:
        return None, error


# What sending one message may raise: network and SMTP errors, and a message it cannot encode.
SEND_ERRORS = (OSError, smtplib.SMTPException, ValueError)


def _send_one(
    row: Notification,
    token: str,
    smtp: smtplib.SMTP | None,
    connect_error: Exception | None,
    report: SendReport,
) -> None:
    try:
        if smtp is None:  # the server is down: every message counts one failed attempt
            raise connect_error or OSError("no SMTP connection")
        smtp.send_message(_message(row))
    except SEND_ERRORS as error:
        _record_failure(row, token, error, report)
    else:
        if _finish(
            row.id, token, status=NotificationStatus.SENT, sent_at=utcnow(), claim_token=None
        ):
            report.sent += 1


def send_pending(limit: int = 100) -> SendReport:
    """Send up to ``limit`` due messages, each claimed (and committed) just before it is sent
    and recorded (and committed) just after, so that no message goes out twice."""
    if not current_app.config["WELLBEING_SMTP_HOST"]:
        raise click.ClickException("Set WELLBEING_SMTP_HOST to send notifications")
    token = secrets.token_hex(16)
    report = SendReport()
    smtp, connect_error = _connect()
    try:
        for _ in range(limit):
            row_id = claim_next(token)
            db.session.commit()
            if row_id is None:
                break
            row = db.session.get_one(Notification, row_id)
            _send_one(row, token, smtp, connect_error, report)
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(*SEND_ERRORS):
                smtp.quit()
    return report
