"""Reading a report's filters: the default range, quick ranges, and every wrong value named."""

from datetime import UTC, date, datetime

import pytest

from tests.reports.conftest import uk
from wellbeing.extensions import db
from wellbeing.referrals.models import ReferralSource
from wellbeing.reports.filters import (
    FilterErrors,
    ReportFilters,
    financial_year,
    last_full_months,
    quick_ranges,
    read_filters,
)

TODAY = date(2026, 11, 30)


@pytest.fixture
def known(add_referral):
    """Areas from ``places``; one practice that has referred."""
    add_referral(uk(date(2026, 3, 2)), organisation="Quayside Practice")
    db.session.commit()


def test_without_dates_a_report_covers_the_last_12_full_months(known) -> None:
    filters = read_filters({}, TODAY)
    assert (filters.start, filters.end) == (date(2025, 11, 1), date(2026, 10, 31))
    assert (filters.area, filters.practice, filters.source) == (None, None, None)


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 11, 30), date(2025, 11, 1), date(2026, 10, 31)),
        (date(2026, 1, 1), date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 3, 15), date(2025, 3, 1), date(2026, 2, 28)),
    ],
)
def test_last_full_months(today, start, end) -> None:
    assert last_full_months(today) == (start, end)


def test_financial_years_run_from_april_to_march() -> None:
    assert financial_year(date(2026, 11, 30)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert financial_year(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert financial_year(date(2026, 4, 1), years_back=1) == (date(2025, 4, 1), date(2026, 3, 31))
    labels = [label for label, *_ in quick_ranges(TODAY)]
    assert labels == [
        "Last 12 full months",
        "This financial year so far",
        "Financial year 2025 to 2026",
    ]


def test_every_filter_is_read(known) -> None:
    args = {
        "from": "2026-04-01",
        "to": "2027-03-31",
        "area": "gloucester",
        "practice": "Quayside Practice",
        "source": "gp",
    }
    filters = read_filters(args, TODAY)
    assert filters == ReportFilters(
        date(2026, 4, 1), date(2027, 3, 31), "gloucester", "Quayside Practice", ReferralSource.GP
    )
    assert filters.as_args() == args


def test_the_range_is_of_uk_days() -> None:
    filters = ReportFilters(date(2026, 6, 1), date(2026, 6, 30))
    # Summer time: the UK day starts at 23:00 UTC the day before.
    assert filters.created_between() == (
        datetime(2026, 5, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
    )
    assert ReportFilters(date(2025, 11, 15), date(2026, 2, 1)).months() == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_one_date_alone_makes_a_range(known) -> None:
    assert read_filters({"from": "2026-06-01"}, TODAY).end == TODAY
    assert read_filters({"to": "2026-06-01"}, TODAY).start == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("args", "parameter", "message"),
    [
        ({"from": "yesterday"}, "from", "year-month-day"),
        ({"from": "2026-13-01"}, "from", "year-month-day"),
        ({"from": "2026-02-30"}, "from", "year-month-day"),
        ({"from": "20260101"}, "from", "year-month-day"),
        ({"from": "2026-1-1"}, "from", "year-month-day"),
        ({"from": "２０２６-０１-０１"}, "from", "year-month-day"),  # noqa: RUF001
        ({"from": "2026-01-01T00:00"}, "from", "year-month-day"),
        ({"from": "1999-12-31"}, "from", "in 2000 or later"),
        ({"from": "0001-01-01"}, "from", "in 2000 or later"),
        ({"to": "9999-12-31"}, "to", "within a year from today"),
        ({"from": "2029-01-01", "to": "2029-02-01"}, "from", "within a year from today"),
        ({"from": "2026-10-01", "to": "2026-02-01"}, "to", "on or after the start date"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "to", "10 years or less"),
        ({"area": "atlantis"}, "area", "Choose an area"),
        ({"area": "gloucester' OR '1'='1"}, "area", "Choose an area"),
        ({"practice": "Nowhere Surgery"}, "practice", "Choose a practice"),
        ({"practice": "x" * 5000}, "practice", "Choose a practice"),
        ({"source": "GP"}, "source", "Choose a source"),
        ({"source": "self; DROP TABLE referral"}, "source", "Choose a source"),
    ],
)
def test_a_wrong_filter_is_named_with_a_message(known, args, parameter, message) -> None:
    with pytest.raises(FilterErrors) as raised:
        read_filters(args, TODAY)
    assert message in raised.value.errors[parameter]


def test_every_wrong_filter_is_named_at_once(known) -> None:
    with pytest.raises(FilterErrors) as raised:
        read_filters({"from": "soon", "area": "atlantis", "source": "fax"}, TODAY)
    assert set(raised.value.errors) == {"from", "area", "source"}
