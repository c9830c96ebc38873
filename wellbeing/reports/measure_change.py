"""Wellbeing change: ONS4 and SWEMWBS, from each person's baseline to their latest measure.

A person is a referral (nothing in the service is keyed on a person otherwise); one is measured
when they have a baseline and a later measure of the instrument (``referrals.measures.change``).

- ONS4, item by item: the mean change, and the share improved by at least 1 point. Anxiety is
  better low, so for it an improvement is a fall of at least 1 point.
- SWEMWBS: the mean change of the metric score, and the share improved by at least 1 metric point.
"""

import statistics
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    Instrument,
    OutcomeMeasure,
)
from wellbeing.referrals.measures import ANXIETY, INSTRUMENTS, change
from wellbeing.reports.cohort import in_range
from wellbeing.reports.filters import ReportFilters
from wellbeing.reports.suppression import Partition, enough_people, shown_count

IMPROVED, NOT_IMPROVED = "improved", "not_improved"
METRIC = "metric_score"
SHORT_LABELS = {
    "life_satisfaction": "Life satisfaction",
    "worthwhile": "Things in life are worthwhile",
    "happy_yesterday": "Happiness yesterday",
    ANXIETY: "Anxiety yesterday (lower is better)",
    METRIC: "Metric score",
}


@dataclass(frozen=True)
class ItemChange:
    key: str
    label: str
    mean_change: float | None
    improved: Partition[str]

    @property
    def improved_share(self) -> float | None:
        return self.improved.share([IMPROVED], [IMPROVED, NOT_IMPROVED])


@dataclass(frozen=True)
class InstrumentChange:
    instrument: Instrument
    title: str
    people: int | str
    items: list[ItemChange]


def _item(key: str, deltas: Sequence[float]) -> ItemChange:
    better = [d <= -1 if key == ANXIETY else d >= 1 for d in deltas]
    mean = round(statistics.fmean(deltas), 2) if deltas else None
    return ItemChange(
        key,
        SHORT_LABELS[key],
        enough_people(mean, len(deltas)),
        Partition({IMPROVED: sum(better), NOT_IMPROVED: len(better) - sum(better)}),
    )


def measure_changes(
    filters: ReportFilters, referral_ids: Collection[str]
) -> list[InstrumentChange]:
    """ONS4 and SWEMWBS change for the people among ``referral_ids`` measured twice or more."""
    found = db.session.execute(
        db.select(OutcomeMeasure).where(OutcomeMeasure.referral_id.in_(in_range(filters)))
    ).scalars()
    by_referral: dict[str, list[OutcomeMeasure]] = defaultdict(list)
    for measure in found:
        if measure.referral_id in referral_ids:
            by_referral[measure.referral_id].append(measure)
    report = []
    for instrument, spec in INSTRUMENTS.items():
        changes = [c for ms in by_referral.values() if (c := change(ms, instrument)) is not None]
        if instrument is Instrument.SWEMWBS:
            items = [_item(METRIC, [c.value for c in changes if c.value is not None])]
        else:
            items = [
                _item(item.key, [c.items[item.key] for c in changes if c.items])
                for item in spec.items
            ]
        report.append(InstrumentChange(instrument, spec.title, shown_count(len(changes)), items))
    return report
