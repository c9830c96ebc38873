"""Connections made for the referrals in the report: by service, and by service category.

A service is named as the connection recorded it (so a listing since removed still counts).
Its category is the top-level group of each need or activity the service is tagged with in the
directory (a service tagged "Befriending" is in "Loneliness and social connection"); a service
in several groups counts in each, and one no longer listed, or not tagged, is "Not known".
"""

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import aliased

from wellbeing.directory.models import Attribute, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    Connection,
)
from wellbeing.reports.cohort import in_range
from wellbeing.reports.filters import ReportFilters
from wellbeing.reports.suppression import Partition, counts

NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class Connections:
    by_service: Partition[str]
    by_category: dict[str, int | str]


def _categories(connected_services: Select) -> dict[str, set[str]]:
    """Each connected service's top-level taxonomy groups, by name."""
    group = aliased(TaxonomyTerm)
    rows = db.session.execute(
        db.select(Attribute.link_id, TaxonomyTerm.name, group.name)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .outerjoin(group, group.id == TaxonomyTerm.parent_id)
        .where(Attribute.link_type == "service", Attribute.link_id.in_(connected_services))
    ).all()
    found: dict[str, set[str]] = defaultdict(set)
    for service_id, name, group_name in rows:
        found[service_id].add(group_name or name)
    return found


def connections(filters: ReportFilters, referral_ids: Collection[str]) -> Connections:
    """Connections of the referrals among ``referral_ids`` (those the report counts)."""
    in_report = Connection.referral_id.in_(in_range(filters))
    rows = [
        (service_id, name)
        for referral_id, service_id, name in db.session.execute(
            db.select(Connection.referral_id, Connection.service_id, Connection.service_name)
            .where(in_report)
            .order_by(Connection.service_name)
        ).all()
        if referral_id in referral_ids
    ]
    groups = _categories(db.select(Connection.service_id).where(in_report))
    by_category: Counter[str] = Counter()
    for service_id, _ in rows:
        by_category.update(groups.get(service_id or "") or {NOT_KNOWN})
    return Connections(
        by_service=Partition(Counter(name for _, name in rows)),
        by_category=counts(dict(sorted(by_category.items(), key=_by_name_unknown_last))),
    )


def _by_name_unknown_last(item: tuple[str, int]) -> tuple[bool, str]:
    return item[0] == NOT_KNOWN, item[0].lower()
