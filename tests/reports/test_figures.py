"""Report figures against referrals made to order: sources, practices, needs, areas, months and
statuses; time to first contact across weekends and the bank holidays of England and of
Scotland; outcomes; connections; ONS4 and SWEMWBS change; small numbers hidden at 0, 1, 4, 5."""

from datetime import UTC, date, datetime

import pytest

from tests.reports.conftest import GLASGOW, GLOUCESTER, NOWHERE, add_connection, add_measure, uk
from wellbeing.extensions import db
from wellbeing.referrals.models import ReferralSource
from wellbeing.reports.figures import build_report
from wellbeing.reports.filters import ReportFilters
from wellbeing.reports.summary import summary
from wellbeing.working_days import Nation, working_days_between

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # a Monday
FIRST_THIRD = ReportFilters(date(2026, 1, 1), date(2026, 4, 30))
QUAYSIDE, RIVERSIDE = "Quayside Practice", "Riverside Mental Health Team"


def figures(filters: ReportFilters = FIRST_THIRD) -> dict:
    return summary(build_report(filters, NOW))


@pytest.fixture
def four_months(add_referral, report_needs):
    """20 referrals from January to April 2026, and two just outside."""
    lonely, debt, friends = report_needs.loneliness, report_needs.debt, report_needs.befriending
    for day in range(1, 11):  # January: 10 from GP practices, the first at 00:15 on New Year's Day
        status = "submitted" if day <= 5 else "in_progress"
        add_referral(uk(date(2026, 1, day), 0 if day == 1 else 10, 15), status=status)
    for day in range(2, 7):  # February: 5 from a mental health team in Glasgow, completed
        add_referral(
            uk(date(2026, 2, day)),
            source="professional",
            status="completed",
            organisation=RIVERSIDE,
            postcode=GLASGOW,
            needs=[lonely, debt],
        )
    march = [("gp", QUAYSIDE, [lonely]), ("self", None, [lonely])]
    march += [("link_worker", None, [lonely, friends])] * 2
    for day, (source, organisation, needs) in enumerate(march, start=2):
        add_referral(
            uk(date(2026, 3, day)),
            source=source,
            status="declined",
            organisation=organisation,
            needs=needs,
        )
    # 23:30 on 30 April in the UK (22:30 UTC): still April.
    add_referral(uk(date(2026, 4, 30), 23, 30), status="declined", postcode=NOWHERE)
    # Outside: 23:30 on New Year's Eve, and 00:30 on 1 May in the UK (23:30 UTC on 30 April).
    add_referral(uk(date(2025, 12, 31), 23, 30))
    add_referral(uk(date(2026, 5, 1), 0, 30))
    db.session.commit()


def test_referrals_are_counted_by_source_month_practice_need_area_and_status(four_months) -> None:
    referrals = figures()["referrals"]
    assert referrals["total"] == 20
    # Self 1 and link worker 2 are small and add up to 3: the next smallest (5) is hidden too.
    assert referrals["by_source"] == {
        "gp": 12,
        "professional": None,
        "self": "<5",
        "link_worker": "<5",
    }
    # March 4 and April 1 add up to 5: nothing more to hide.
    assert referrals["by_month"] == {"2026-01": 10, "2026-02": 5, "2026-03": "<5", "2026-04": "<5"}
    assert referrals["by_organisation"] == {QUAYSIDE: 12, RIVERSIDE: None, "Not given": "<5"}
    assert referrals["by_need"] == {
        "Loneliness and social connection": 20,
        "Debt advice": 5,
        "Befriending": "<5",
    }
    assert referrals["by_area"] == {
        "gloucester": 14,
        "stroud": 0,
        "gloucestershire-countywide": 14,
        "glasgow-north-east": 5,
        "glasgow-citywide": 5,
        "not_known": "<5",
    }
    assert referrals["by_status"] == {
        "submitted": 5,
        "accepted": 0,
        "in_progress": 5,
        "on_hold": 0,
        "completed": 5,
        "declined": 5,
        "cancelled": 0,
        "closed_no_contact": 0,
    }


def test_outcomes_are_rates_of_the_referrals_decided_and_closed(four_months) -> None:
    assert figures()["outcomes"] == {
        "decided": 15,
        "closed": 10,
        "accepted": 10,
        "accepted_rate": 0.667,
        "declined": 5,
        "declined_rate": 0.333,
        "completed": 5,
        "completed_rate": 0.5,
        "no_contact": 0,
        "no_contact_rate": 0.0,
        "cancelled": 0,
        "cancelled_rate": 0.0,
    }


@pytest.mark.parametrize(
    ("filters", "total"),
    [
        (ReportFilters(date(2026, 1, 1), date(2026, 4, 30), source=ReferralSource.GP), 12),
        (ReportFilters(date(2026, 1, 1), date(2026, 4, 30), practice=RIVERSIDE), 5),
        (ReportFilters(date(2026, 1, 1), date(2026, 4, 30), area="glasgow-north-east"), 5),
        (ReportFilters(date(2026, 1, 1), date(2026, 4, 30), area="gloucestershire-countywide"), 14),
        (ReportFilters(date(2026, 1, 1), date(2026, 4, 30), area="stroud"), 0),
        (ReportFilters(date(2026, 3, 1), date(2026, 3, 31), source=ReferralSource.SELF), "<5"),
        (ReportFilters(date(2025, 12, 1), date(2026, 5, 31)), 22),
        (ReportFilters(date(2026, 1, 2), date(2026, 1, 31)), 9),
    ],
)
def test_filters_narrow_the_referrals_counted(four_months, filters, total) -> None:
    assert figures(filters)["referrals"]["total"] == total


@pytest.fixture
def first_contacts(add_referral):
    """Five reached within the target (across a weekend and bank holidays of England and of
    Scotland), five after it, five never reached and past it, and three not counted."""
    cases = [
        # (made, reached, postcode): working days
        (date(2026, 4, 2), date(2026, 4, 7), GLOUCESTER),  # 1: Good Friday, Easter Monday
        (date(2026, 4, 2), date(2026, 4, 7), GLASGOW),  # 2: Good Friday only
        (date(2025, 12, 31), date(2026, 1, 5), GLOUCESTER),  # 2: New Year's Day
        (date(2025, 12, 31), date(2026, 1, 5), GLASGOW),  # 1: and 2 January
        (date(2026, 3, 6), date(2026, 3, 9), GLOUCESTER),  # 1: a weekend
    ] + [(date(2026, 3, 2), date(2026, 3, 17), GLOUCESTER)] * 5  # 11
    for made, reached, postcode in cases:
        add_referral(
            uk(made), status="in_progress", postcode=postcode, first_contact_at=uk(reached, 15)
        )
    for day in (1, 2, 3):  # open, never reached, long past the target
        add_referral(uk(date(2026, 6, day)), status="accepted")
    for day in (4, 5):  # closed because nobody could be reached
        add_referral(
            uk(date(2026, 6, day)), status="closed_no_contact", closed_at=uk(date(2026, 7, 1))
        )
    add_referral(uk(date(2026, 11, 26)), status="submitted")  # 2 working days ago: not yet known
    add_referral(uk(date(2026, 6, 8)), status="declined", closed_at=uk(date(2026, 6, 9)))
    add_referral(uk(date(2026, 6, 9)), status="cancelled", closed_at=uk(date(2026, 6, 9)))
    db.session.commit()


def test_time_to_first_contact_in_working_days_with_bank_holidays(first_contacts) -> None:
    contact = figures(ReportFilters(date(2025, 12, 1), date(2026, 11, 30)))["first_contact"]
    # Days: 1, 2, 2, 1, 1 and five of 11: the median is between 2 and 11, the 90th percentile 11.
    assert contact == {
        "median_days": 6.5,
        "p90_days": 11,
        "within_target": 0.333,  # 5 of the 15 whose answer is known
        "target_working_days": 5,
        "reached": 10,
        "counts": {"within_target": 5, "after_target": 5, "not_reached_past_target": 5},
    }


def test_waiting_now_counts_open_referrals_nobody_reached_whenever_made(
    first_contacts, add_referral
) -> None:
    old = add_referral(uk(date(2025, 6, 2)), status="on_hold", postcode=GLASGOW)
    db.session.commit()
    # The date range does not matter: who is waiting now is waiting now.
    waiting = figures(ReportFilters(date(2026, 1, 1), date(2026, 1, 31)))["waiting_now"]
    longest = working_days_between(date(2025, 6, 2), date(2026, 11, 30), Nation.SCOTLAND)
    assert old.status.is_open
    assert waiting == {
        "count": 5,
        "past_target": "<5",
        "longest_wait_days": longest,
        "target_working_days": 5,
    }


@pytest.mark.parametrize(("reached", "shown"), [(0, False), (1, False), (4, False), (5, True)])
def test_first_contact_figures_need_5_people(add_referral, reached, shown) -> None:
    for day in range(reached):
        add_referral(uk(date(2026, 3, 2 + day)), first_contact_at=uk(date(2026, 3, 9 + day)))
    db.session.commit()
    contact = figures()["first_contact"]
    if shown:
        assert (contact["median_days"], contact["p90_days"], contact["within_target"]) == (
            5,
            5,
            1.0,
        )
        assert "notes" not in contact
    else:
        assert (contact["median_days"], contact["p90_days"], contact["within_target"]) == (
            None,
        ) * 3
        assert contact["notes"]["median_days"] == "not shown: fewer than 5 people"
        assert contact["reached"] == (0 if reached == 0 else "<5")


@pytest.mark.parametrize(
    ("completed", "declined", "decided", "accepted", "accepted_rate", "completed_rate"),
    [
        (0, 0, 5, 5, 1.0, None),  # 5 accepted, none closed
        (1, 4, 10, None, None, None),  # 1 and 4 are hidden, and any rate that would tell them
        (5, 4, 14, None, None, None),  # 4 declined: the 5 completed hidden beside them
        (5, 5, 15, 10, 0.667, 0.5),
    ],
)
def test_outcome_rates_hide_what_the_status_counts_hide(
    add_referral, completed, declined, decided, accepted, accepted_rate, completed_rate
) -> None:
    for status, count in (("in_progress", 5), ("completed", completed), ("declined", declined)):
        for day in range(count):
            add_referral(uk(date(2026, 2, 1 + day)), status=status)
    db.session.commit()
    outcomes = figures()["outcomes"]
    assert outcomes["decided"] == decided
    assert outcomes["accepted"] == accepted
    assert outcomes["accepted_rate"] == accepted_rate
    assert outcomes["completed_rate"] == completed_rate
    if accepted_rate is None:
        assert outcomes["notes"]["accepted_rate"] == "not shown: fewer than 5 people"


def test_connections_by_service_and_category(add_referral, places) -> None:
    def referral_with(*services):
        referral = add_referral(uk(date(2026, 2, 2)), status="in_progress")
        for service, name in services:
            add_connection(referral, service, name)

    for _ in range(5):
        referral_with((places.choir, "Kingsholm Choir"))
    referral_with((places.advice, "Parkhead Money Advice"), (None, "Old Lunch Club"))
    referral_with((places.advice, "Parkhead Money Advice"))
    outside = add_referral(uk(date(2025, 2, 2)))
    add_connection(outside, places.choir, "Kingsholm Choir")
    db.session.commit()
    connections = figures()["connections"]
    assert connections == {
        "total": 8,
        # 2 + 1 = 3 are small: the 5 beside them is hidden too.
        "by_service": {
            "Kingsholm Choir": None,
            "Old Lunch Club": "<5",
            "Parkhead Money Advice": "<5",
        },
        "by_category": {
            "Loneliness and social connection": 5,
            "Money and debt": "<5",
            "Not known": "<5",
        },
    }


def _measured(add_referral, ons4_after, swemwbs_after, postcode=GLOUCESTER):
    referral = add_referral(uk(date(2026, 2, 2)), status="in_progress", postcode=postcode)
    add_measure(referral, "ons4", "baseline", [5, 5, 5, 8], date(2026, 2, 10))
    add_measure(referral, "ons4", "review", ons4_after, date(2026, 4, 10))
    add_measure(referral, "swemwbs", "baseline", [3] * 7, date(2026, 2, 10))  # 19.25
    add_measure(referral, "swemwbs", "review", swemwbs_after, date(2026, 4, 10))
    return referral


def test_wellbeing_change_from_baseline_to_latest(add_referral) -> None:
    for _ in range(3):  # SWEMWBS 22 -> 19.98: +0.73, not a whole metric point
        _measured(add_referral, [6, 5, 4, 6], [3, 3, 3, 3, 3, 3, 4])
    for _ in range(2):  # SWEMWBS 28 -> 25.03: +5.78
        _measured(add_referral, [6, 5, 4, 6], [4, 4, 4, 4, 4, 4, 4])
    baseline_only = add_referral(uk(date(2026, 2, 2)))
    add_measure(baseline_only, "ons4", "baseline", [1, 1, 1, 1], date(2026, 2, 3))
    db.session.commit()
    measures = figures()["measures"]
    ons4 = measures["ons4"]
    assert ons4["people"] == 5
    assert ons4["items"]["life_satisfaction"] == {
        "mean_change": 1.0,
        "improved": 5,
        "improved_share": 1.0,
    }
    assert ons4["items"]["worthwhile"] == {"mean_change": 0.0, "improved": 0, "improved_share": 0.0}
    assert ons4["items"]["happy_yesterday"]["improved_share"] == 0.0  # fell by 1: worse
    # Anxiety 8 -> 6 is better: an improvement is a fall.
    assert ons4["items"]["anxious_yesterday"] == {
        "mean_change": -2.0,
        "improved": 5,
        "improved_share": 1.0,
    }
    swemwbs = measures["swemwbs"]
    assert swemwbs["people"] == 5
    metric = swemwbs["items"]["metric_score"]
    assert metric["mean_change"] == pytest.approx((3 * 0.73 + 2 * 5.78) / 5, abs=0.01)
    # 2 improved and 3 did not: either part would give small numbers away.
    assert (metric["improved"], metric["improved_share"]) == ("<5", None)
    assert metric["notes"] == {"improved_share": "not shown: fewer than 5 people"}


@pytest.mark.parametrize(("people", "shown"), [(1, "<5"), (4, "<5"), (5, 5)])
def test_wellbeing_change_needs_5_people(add_referral, people, shown) -> None:
    for _ in range(people):
        _measured(add_referral, [6, 5, 4, 6], [3, 3, 3, 3, 3, 3, 4])
    db.session.commit()
    ons4 = figures()["measures"]["ons4"]
    assert ons4["people"] == shown
    life = ons4["items"]["life_satisfaction"]
    if shown == 5:
        assert life["mean_change"] == 1.0
    else:
        assert (life["mean_change"], life["improved_share"]) == (None, None)
        assert life["notes"]["mean_change"] == "not shown: fewer than 5 people"


def test_nobody_measured_is_zero_people_and_no_figures(add_referral) -> None:
    add_referral(uk(date(2026, 2, 2)))
    db.session.commit()
    ons4 = figures()["measures"]["ons4"]
    assert ons4["people"] == 0
    assert ons4["items"]["worthwhile"]["mean_change"] is None
