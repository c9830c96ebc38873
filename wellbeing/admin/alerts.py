"""An email to every active administrator when one account reads more different referrals within
an hour than ``WELLBEING_AUDIT_ALERT_REFERRALS``: a sign of browsing, or of a stolen session.

It watches what the audit log records (``audit.add_hook``), so a referral opened anywhere (its
page, a part of its record, the JSON API) counts. Lists do not: one page of the queue shows 50
referrals, so counting them would alert on every link worker's ordinary hour. The email names
the account by id and name and links to its reads in the audit log: no referral, no person. At
most one alert per account per hour, remembered as an ``audit.alert`` event about the account.
"""

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import ColumnElement, func

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.outbox import queue_email
from wellbeing.working_days import uk_day

ALERT_ACTION = "audit.alert"
WINDOW = timedelta(hours=1)


def is_referral_read(action: str) -> bool:
    """A referral opened: referral.view, or a part of its record (referral.notes_view, ...);
    not a list, a change or a refused read."""
    return action.startswith("referral.") and action.endswith("view")


def _read_actions() -> ColumnElement[bool]:
    """``is_referral_read`` in SQL."""
    return AuditEvent.action.like("referral.%view")


def referrals_read(actor_id: int, since: datetime) -> int:
    """How many different referrals the account has read since then."""
    return db.session.execute(
        db.select(func.count(func.distinct(AuditEvent.subject_id))).where(
            AuditEvent.actor_id == actor_id,
            AuditEvent.at >= since,
            AuditEvent.subject_type == "referral",
            _read_actions(),
        )
    ).scalar_one()


def _alerted_since(actor_id: int, since: datetime) -> bool:
    return (
        db.session.execute(
            db.select(AuditEvent.id)
            .where(
                AuditEvent.action == ALERT_ACTION,
                AuditEvent.subject_type == "user",
                AuditEvent.subject_id == str(actor_id),
                AuditEvent.at >= since,
            )
            .limit(1)
        ).scalar_one_or_none()
        is not None
    )


def check_reads(actor_id: int | None, action: str) -> None:
    """After a read is recorded: alert the administrators if this account has now read too many
    different referrals in the last hour and has not been alerted on in that hour."""
    if actor_id is None or not is_referral_read(action):
        return
    since = utcnow() - WINDOW
    threshold = current_app.config["WELLBEING_AUDIT_ALERT_REFERRALS"]
    count = referrals_read(actor_id, since)
    if count > threshold and not _alerted_since(actor_id, since):
        _alert(actor_id, count, threshold, since)


def _alert(actor_id: int, count: int, threshold: int, since: datetime) -> None:
    account = db.session.get(User, actor_id)
    admins = db.session.execute(
        db.select(User.email).where(User.role == Role.ADMIN, User.active.is_(True))
    ).scalars()
    filters: dict[str, Any] = {"actor": f"user:{actor_id}", "from": uk_day(since).isoformat()}
    link = current_app.config["WELLBEING_BASE_URL"].rstrip("/") + url_for(
        "admin.audit_log", **filters
    )
    subject = f"Wellbeing: account {actor_id} viewed {count} referrals within an hour"
    body = (
        f"Account {actor_id} ({account.name if account else 'no longer there'}) has viewed "
        f"{count} different referrals in the last hour, more than the {threshold} that raise "
        "this alert.\n\n"
        f"See what it viewed in the audit log: {link}\n\n"
        "If this was not expected, disable the account on its page (Admin, Users). "
        "You will not be told about this account again for an hour.\n"
    )
    notified = sum(1 for email in admins if queue_email(email, "admin", subject, body))
    detail = {"via": "alert", "referrals": count, "threshold": threshold, "admins": notified}
    audit.record(None, ALERT_ACTION, "user", str(actor_id), detail)
