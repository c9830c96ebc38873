"""Every figure of a report, for one set of filters: ``build_report(filters, now)``.

Referrals are counted once each by source, status now, month made (UK dates) and referring
organisation; by need and by area a referral counts once in each of its needs and areas. Each
figure is already suppressed (``suppression``): pages, CSV files and JSON only lay it out.
"""

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.models import ReferralSource, ReferralStatus, referral_need
from wellbeing.reports.areas import NOT_KNOWN
from wellbeing.reports.cohort import ReferralRow, cohort, in_range, waiting
from wellbeing.reports.connections import Connections, connections
from wellbeing.reports.contact import FirstContact, WaitingNow, first_contact, waiting_now
from wellbeing.reports.filters import ReportFilters, area_choices
from wellbeing.reports.measure_change import InstrumentChange, measure_changes
from wellbeing.reports.outcomes import Outcomes, outcomes
from wellbeing.reports.suppression import THRESHOLD, Partition, counts
from wellbeing.working_days import uk_day

NO_ORGANISATION = "Not given"


@dataclass(frozen=True)
class Report:
    filters: ReportFilters
    made_at: datetime
    by_source: Partition[str]
    by_status: Partition[str]
    by_month: Partition[str]
    by_organisation: Partition[str]
    by_need: dict[str, int | str]
    by_area: dict[str, int | str]  # area slug (or areas.NOT_KNOWN) -> count
    area_names: dict[str, str]
    first_contact: FirstContact
    waiting_now: WaitingNow
    outcomes: Outcomes
    connections: Connections
    measures: list[InstrumentChange]

    @property
    def total(self) -> int | str:
        return self.by_source.shown_total


def _by_organisation(rows: Sequence[ReferralRow]) -> Partition[str]:
    found = Counter(row.organisation or NO_ORGANISATION for row in rows)
    names = sorted(name for name in found if name != NO_ORGANISATION)
    ordered = {name: found[name] for name in names}
    if NO_ORGANISATION in found:
        ordered[NO_ORGANISATION] = found[NO_ORGANISATION]
    return Partition(ordered)


def _by_need(filters: ReportFilters, referral_ids: Collection[str]) -> dict[str, int | str]:
    """Referrals with each need (by term name), most first; small counts ordered by name only."""
    rows = db.session.execute(
        db.select(referral_need.c.referral_id, TaxonomyTerm.name)
        .join(TaxonomyTerm, TaxonomyTerm.id == referral_need.c.taxonomy_term_id)
        .where(referral_need.c.referral_id.in_(in_range(filters)))
    ).all()
    found = Counter(name for referral_id, name in {r for r in rows if r[0] in referral_ids})
    ordered = sorted(found.items(), key=lambda item: (-_rank(item[1]), item[0].lower()))
    return counts(dict(ordered))


def _rank(number: int) -> int:
    return number if number >= THRESHOLD else 0


def _by_area(rows: Sequence[ReferralRow], names: dict[str, str]) -> dict[str, int | str]:
    found = Counter(slug for row in rows for slug in row.areas or {NOT_KNOWN})
    return counts({slug: found[slug] for slug in [*names, NOT_KNOWN]})


def build_report(filters: ReportFilters, now: datetime) -> Report:
    rows = cohort(filters)
    ids = {row.id for row in rows}
    months = Counter(uk_day(row.created_at).strftime("%Y-%m") for row in rows)
    sources = Counter(row.source for row in rows)
    statuses = Counter(row.status for row in rows)
    by_status = Partition({status.value: statuses[status] for status in ReferralStatus})
    names = area_choices()
    return Report(
        filters=filters,
        made_at=now,
        by_source=Partition({source.value: sources[source] for source in ReferralSource}),
        by_status=by_status,
        by_month=Partition({month: months[month] for month in filters.months()}),
        by_organisation=_by_organisation(rows),
        by_need=_by_need(filters, ids),
        by_area=_by_area(rows, names),
        area_names=names,
        first_contact=first_contact(rows, now),
        waiting_now=waiting_now(waiting(filters), now),
        outcomes=outcomes(by_status),
        connections=connections(filters, ids),
        measures=measure_changes(filters, ids),
    )
