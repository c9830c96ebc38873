"""The link workers' lists: the queue (search, filters, waiting time in working days, counts per
status) and each link worker's caseload (their open cases by next contact date)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, or_
from sqlalchemy.orm import selectinload

from wellbeing.accounts.models import User
from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.lookup import matching
from wellbeing.referrals.models import (
    OPEN_STATUSES,
    ContactAttempt,
    Referral,
    ReferralStatus,
    Urgency,
    referral_need,
)
from wellbeing.working_days import working_days_since

OPEN = "open"
OPEN_VALUES = [s.value for s in OPEN_STATUSES]


@dataclass
class QueueFilters:
    q: str = ""  # a reference, name, NHS number or date of birth (lookup.matching)
    status: str = OPEN
    need: str = ""
    area: str = ""
    urgency: str = ""
    assigned: str = ""  # "", "me" or "unassigned"


def waiting_days(referral: Referral, now: datetime) -> int:
    """Working days since the referral arrived, in UK local dates, with the bank holidays of
    the person's nation (by postcode area)."""
    return working_days_since(referral.postcode, referral.created_at, now)


def first_contact_target() -> int:
    return int(current_app.config["REFERRAL_FIRST_CONTACT_WORKING_DAYS"])


def is_overdue(referral: Referral, now: datetime) -> bool:
    """Still open with nobody reached yet, past the first-contact target."""
    return (
        referral.status.is_open
        and referral.first_contact_at is None
        and waiting_days(referral, now) > first_contact_target()
    )


def _need_clause(term_id: str) -> ColumnElement[bool]:
    """Referrals with this need, or (for a group) any need inside it."""
    ids = db.select(TaxonomyTerm.id).where(
        or_(TaxonomyTerm.id == term_id, TaxonomyTerm.parent_id == term_id)
    )
    return Referral.id.in_(
        db.select(referral_need.c.referral_id).where(referral_need.c.taxonomy_term_id.in_(ids))
    )


def _conditions(filters: QueueFilters, user: User) -> list[ColumnElement[bool]]:
    """The search and every filter but the status; raises ``lookup.SearchTooLong``."""
    conditions = []
    found = matching(filters.q)
    if found is not None:
        conditions.append(found)
    if filters.need:
        conditions.append(_need_clause(filters.need))
    if filters.area:
        prefix = re.sub(r"[^A-Z0-9]", "", filters.area.upper())  # LIKE wildcards never pass
        conditions.append(func.replace(Referral.postcode, " ", "").like(f"{prefix}%"))
    if filters.urgency in {u.value for u in Urgency}:
        conditions.append(Referral.urgency == filters.urgency)
    if filters.assigned == "me":
        conditions.append(Referral.assigned_to_id == user.id)
    elif filters.assigned == "unassigned":
        conditions.append(Referral.assigned_to_id.is_(None))
    return conditions


def queue_query(filters: QueueFilters, user: User) -> Select:
    """Referrals matching the search and filters, longest waiting first; raises
    ``lookup.SearchTooLong`` for a search longer than anyone types."""
    query = (
        db.select(Referral)
        .where(*_conditions(filters, user))
        .options(selectinload(Referral.needs), selectinload(Referral.assigned_to))
    )
    if filters.status == OPEN:
        query = query.where(Referral.status.in_(OPEN_VALUES))
    elif filters.status in {s.value for s in ReferralStatus}:
        query = query.where(Referral.status == filters.status)
    return query.order_by(Referral.created_at, Referral.id)


def status_counts(filters: QueueFilters, user: User) -> dict[ReferralStatus, int]:
    """How many referrals matching the search and filters (the status aside) are in each status,
    every status listed, zeros included."""
    rows = db.session.execute(
        db.select(Referral.status, func.count())
        .where(*_conditions(filters, user))
        .group_by(Referral.status)
    ).all()
    found = {ReferralStatus(status): count for status, count in rows}
    return {status: found.get(status, 0) for status in ReferralStatus}


# The caseload ----------------------------------------------------------------------------------

OVERDUE, TODAY, THIS_WEEK = "overdue", "today", "this week"
WEEK = timedelta(days=6)  # "this week": today and the six days after it


def next_contact_due(on: date | None, today: date) -> str | None:
    """How soon the next contact is: overdue, today, this week, or None (later, or no date)."""
    if on is None or on > today + WEEK:
        return None
    if on < today:
        return OVERDUE
    return TODAY if on == today else THIS_WEEK


def caseload_query(user: User) -> Select:
    """The user's open cases: overdue next contact first, then today, this week, later, and
    those with no next contact date last (oldest referral first within a day)."""
    return (
        db.select(Referral)
        .where(Referral.assigned_to_id == user.id, Referral.status.in_(OPEN_VALUES))
        .order_by(
            Referral.next_contact_on.is_(None),
            Referral.next_contact_on,
            Referral.created_at,
            Referral.id,
        )
    )


@dataclass
class CaseloadCounts:
    open: int
    overdue: int
    this_week: int  # today included


def caseload_counts(user: User, today: date) -> CaseloadCounts:
    """How many open cases the user has, and how many are overdue or due this week."""
    on = Referral.next_contact_on
    open_, overdue, this_week = db.session.execute(
        db.select(
            func.count(),
            func.count(case((on < today, 1))),
            func.count(case((and_(on >= today, on <= today + WEEK), 1))),
        ).where(Referral.assigned_to_id == user.id, Referral.status.in_(OPEN_VALUES))
    ).one()
    return CaseloadCounts(open_, overdue, this_week)


def latest_contacts(referral_ids: Iterable[str]) -> dict[str, ContactAttempt]:
    """Each referral's most recent contact attempt, for those that have one."""
    latest: dict[str, ContactAttempt] = {}
    attempts = db.session.execute(
        db.select(ContactAttempt)
        .where(ContactAttempt.referral_id.in_(list(referral_ids)))
        .order_by(ContactAttempt.at, ContactAttempt.id)
    ).scalars()
    for attempt in attempts:
        latest[attempt.referral_id] = attempt  # later attempts replace earlier ones
    return latest
