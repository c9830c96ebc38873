"""A report as JSON: the shape of ``GET /api/reports/summary``.

Counts are whole numbers, "<5" for 1 to 4, or null when hidden so that a small one cannot be
worked out; figures worked out from fewer than 5 people are null, and the section's ``notes``
says why (see ``suppression``). Shares are from 0 to 1; days are working days.
"""

from typing import Any

from wellbeing.reports.contact import FirstContact, WaitingNow
from wellbeing.reports.figures import Report
from wellbeing.reports.measure_change import InstrumentChange
from wellbeing.reports.outcomes import Outcomes
from wellbeing.reports.suppression import FEWER_THAN_5, SMALL, THRESHOLD, Partition

HIDDEN_COUNT = "hidden so that a count under 5 in the same list cannot be worked out"
RULES = [
    f'A count from 1 to 4 is the string "{SMALL}"; 0 is 0.',
    "In a list that adds up to its total, when the hidden counts add up to less than "
    f"{THRESHOLD}, the next smallest count is hidden too (null).",
    f"A figure worked out from fewer than {THRESHOLD} people (a median, a percentile, a mean, "
    "a share) is null; so is a share whose people counted, or not counted, are 1 to 4.",
]


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _notes(section: dict[str, Any], derived: tuple[str, ...]) -> dict[str, Any]:
    """Add a note for each figure that is null because too few people are behind it."""
    notes = {name: FEWER_THAN_5 for name in derived if section.get(name) is None}
    return {**section, "notes": notes} if notes else section


def _partition(partition: Partition[str]) -> dict[str, Any]:
    return dict(partition.shown)


def _first_contact(figures: FirstContact) -> dict[str, Any]:
    section = {
        "median_days": figures.median_days,
        "p90_days": figures.p90_days,
        "within_target": _round(figures.within_target),
        "target_working_days": figures.target,
        "reached": figures.reached,
        "counts": _partition(figures.parts),
    }
    return _notes(section, ("median_days", "p90_days", "within_target"))


def _waiting(figures: WaitingNow) -> dict[str, Any]:
    section = {
        "count": figures.count,
        "past_target": figures.parts.shown["past_target"],
        "longest_wait_days": figures.longest_days,
        "target_working_days": figures.target,
    }
    return _notes(section, ("longest_wait_days",))


def _outcomes(figures: Outcomes) -> dict[str, Any]:
    section: dict[str, Any] = {"decided": figures.decided, "closed": figures.closed}
    for rate in figures.rates:
        section[rate.key] = rate.count
        section[f"{rate.key}_rate"] = _round(rate.rate)
    return _notes(section, tuple(f"{rate.key}_rate" for rate in figures.rates))


def _measures(changes: list[InstrumentChange]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for change in changes:
        items = {
            item.key: _notes(
                {
                    "mean_change": item.mean_change,
                    "improved": item.improved.shown["improved"],
                    "improved_share": _round(item.improved_share),
                },
                ("mean_change", "improved_share"),
            )
            for item in change.items
        }
        shaped[change.instrument.value] = {"people": change.people, "items": items}
    return shaped


def summary(report: Report) -> dict[str, Any]:
    filters = report.filters
    return {
        "filters": {
            "from": filters.start.isoformat(),
            "to": filters.end.isoformat(),
            "area": filters.area,
            "practice": filters.practice,
            "source": filters.source.value if filters.source else None,
        },
        "referrals": {
            "total": report.total,
            "by_source": _partition(report.by_source),
            "by_status": _partition(report.by_status),
            "by_need": report.by_need,
            "by_month": _partition(report.by_month),
            "by_organisation": _partition(report.by_organisation),
            "by_area": report.by_area,
        },
        "first_contact": _first_contact(report.first_contact),
        "waiting_now": _waiting(report.waiting_now),
        "outcomes": _outcomes(report.outcomes),
        "connections": {
            "total": report.connections.by_service.shown_total,
            "by_service": _partition(report.connections.by_service),
            "by_category": report.connections.by_category,
        },
        "measures": _measures(report.measures),
        "suppression": {"rules": RULES, "null_count": HIDDEN_COUNT},
    }
