"""The referrals a report is about: made in the date range (UK dates), with the filters applied.

Only what figures need is read: dates, status, source, organisation, and the postcode, which is
used to place the referral in an area and in a nation (for bank holidays) and never shown.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select

from wellbeing.extensions import db
from wellbeing.referrals.models import OPEN_STATUSES, Referral, ReferralSource, ReferralStatus
from wellbeing.reports.areas import areas_by_postcode
from wellbeing.reports.filters import ReportFilters


@dataclass(frozen=True)
class ReferralRow:
    id: str
    source: ReferralSource
    organisation: str | None
    status: ReferralStatus
    created_at: datetime
    first_contact_at: datetime | None
    closed_at: datetime | None
    postcode: str
    areas: frozenset[str]


COLUMNS = (
    Referral.id,
    Referral.source,
    Referral.referrer_organisation,
    Referral.status,
    Referral.created_at,
    Referral.first_contact_at,
    Referral.closed_at,
    Referral.postcode,
)


def _filter_clauses(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Practice and source, which the database can apply (area is worked out from postcodes)."""
    clauses = []
    if filters.practice:
        clauses.append(Referral.referrer_organisation == filters.practice)
    if filters.source:
        clauses.append(Referral.source == filters.source)
    return clauses


def in_range(filters: ReportFilters) -> Select:
    """Ids of the referrals made in the range with the practice and source filters, for
    subqueries; the area filter is applied in Python, to the ids the cohort holds."""
    start, end = filters.created_between()
    return db.select(Referral.id).where(
        Referral.created_at >= start, Referral.created_at < end, *_filter_clauses(filters)
    )


def _rows(query: Select, filters: ReportFilters) -> list[ReferralRow]:
    found = db.session.execute(query).all()
    places = areas_by_postcode(postcode for *_, postcode in found)
    rows = [
        ReferralRow(
            id_, source, organisation, status, made, contact, closed, postcode, places[postcode]
        )
        for id_, source, organisation, status, made, contact, closed, postcode in found
    ]
    if filters.area:
        rows = [row for row in rows if filters.area in row.areas]
    return rows


def cohort(filters: ReportFilters) -> list[ReferralRow]:
    """The referrals the report counts, oldest first."""
    start, end = filters.created_between()
    query = (
        db.select(*COLUMNS)
        .where(Referral.created_at >= start, Referral.created_at < end, *_filter_clauses(filters))
        .order_by(Referral.created_at, Referral.id)
    )
    return _rows(query, filters)


def waiting(filters: ReportFilters) -> list[ReferralRow]:
    """Open referrals nobody has reached yet, whenever they were made (area, practice and source
    filters apply): who is waiting now does not depend on the date range."""
    query = db.select(*COLUMNS).where(
        Referral.status.in_([status.value for status in OPEN_STATUSES]),
        Referral.first_contact_at.is_(None),
        *_filter_clauses(filters),
    )
    return _rows(query, filters)
