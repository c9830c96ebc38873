"""The outbox: emails written in the same transaction as the change they report, sent later.

Whoever has something to tell someone calls ``queue_email`` before their commit; ``flask
notifications send`` (cron) sends what is due. Each row is claimed atomically just before it is
sent, so two senders (cron overlapping) never send one message twice; failures are retried with
exponential backoff, then marked failed. Logs and ``last_error`` name messages by id and never
hold an address. What a message says is its writer's business (``referrals.notifications``,
``accounts``): messages about a person carry a reference, never names or health details.
"""

import contextlib
import re
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum

import click
from flask import current_app
from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.database import UTCDateTime, enum_type, utcnow
from wellbeing.extensions import Model, db

MAX_ATTEMPTS = 5
# Messages carrying a one-time link (invitations, password resets): their body is not kept once
# sent, so that the outbox table never holds a link that still works.
SECRET_BEARING = frozenset({"account"})
SENT_BODY = "(sent; the body held a one-time link and is not kept)"
# A claim older than this belongs to a sender that died mid-batch: the row is tried again.
CLAIM_TIMEOUT = timedelta(minutes=15)


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Model):
    """An email waiting in the outbox, written in the same transaction as the change it reports."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str | None] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    # service, referrer or resident (about a referral); account (invites, password resets);
    # admin (alerts from the audit log)
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_type(NotificationStatus, "status", length=10), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


def queue_email(
    recipient: str | None,
    audience: str,
    subject: str,
    body: str,
    referral_id: str | None = None,
) -> Notification | None:
    """Add a message to the outbox (nothing when there is nobody to send it to)."""
    if not recipient:
        return None
    row = Notification(
        referral_id=referral_id, recipient=recipient, audience=audience, subject=subject, body=body
    )
    db.session.add(row)
    return row


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
        sent: dict[str, object] = {"status": NotificationStatus.SENT, "sent_at": utcnow()}
        if row.audience in SECRET_BEARING:
            sent["body"] = SENT_BODY  # the one-time link is the recipient's alone once sent
        if _finish(row.id, token, claim_token=None, **sent):
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
