"""The link workers' queue: filters, waiting time in working days, and counts per status."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, or_

from wellbeing.accounts.models import User
from wellbeing.config import LONDON
from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.models import (
    OPEN_STATUSES,
    Referral,
    ReferralStatus,
    referral_need,
)

OPEN = "open"


@dataclass
class QueueFilters:
    status: str = OPEN
    need: str = ""
    area: str = ""
    urgency: str = ""
    assigned: str = ""  # "", "me" or "unassigned"


def working_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (bank holidays are not known here)."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            days += 1
    return days


def waiting_days(referral: Referral, now: datetime) -> int:
    """Working days since the referral arrived, in UK local dates."""
    return working_days_between(
        referral.created_at.astimezone(LONDON).date(), now.astimezone(LONDON).date()
    )


def first_contact_target() -> int:
    return int(current_app.config["REFERRAL_FIRST_CONTACT_WORKING_DAYS"])


def is_overdue(referral: Referral, now: datetime) -> bool:
    """Still open with nobody reached yet, past the first-contact target."""
    return (
        referral.status.is_open
        and referral.first_contact_at is None
        and waiting_days(referral, now) > first_contact_target()
    )


def _need_clause(term_id: str) -> object:
    """Referrals with this need, or (for a group) any need inside it."""
    ids = db.select(TaxonomyTerm.id).where(
        or_(TaxonomyTerm.id == term_id, TaxonomyTerm.parent_id == term_id)
    )
    return Referral.id.in_(
        db.select(referral_need.c.referral_id).where(referral_need.c.taxonomy_term_id.in_(ids))
    )


def queue_query(filters: QueueFilters, user: User) -> Select:
    """Referrals matching the filters, longest waiting first."""
    query = db.select(Referral)
    if filters.status == OPEN:
        query = query.where(Referral.status.in_([s.value for s in OPEN_STATUSES]))
    elif filters.status in {s.value for s in ReferralStatus}:
        query = query.where(Referral.status == filters.status)
    if filters.need:
        query = query.where(_need_clause(filters.need))
    if filters.area:
        prefix = re.sub(r"[^A-Z0-9]", "", filters.area.upper())  # LIKE wildcards never pass
        query = query.where(func.replace(Referral.postcode, " ", "").like(f"{prefix}%"))
    if filters.urgency:
        query = query.where(Referral.urgency == filters.urgency)
    if filters.assigned == "me":
        query = query.where(Referral.assigned_to_id == user.id)
    elif filters.assigned == "unassigned":
        query = query.where(Referral.assigned_to_id.is_(None))
    return query.order_by(Referral.created_at, Referral.id)


def status_counts() -> dict[ReferralStatus, int]:
    """How many referrals are in each status (every status listed, zeros included)."""
    rows = db.session.execute(
        db.select(Referral.status, func.count()).group_by(Referral.status)
    ).all()
    found = {ReferralStatus(status): count for status, count in rows}
    return {status: found.get(status, 0) for status in ReferralStatus}
