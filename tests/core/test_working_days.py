"""Working days with the bank holidays of England and Wales, or of Scotland, by postcode area."""

from datetime import UTC, date, datetime

import pytest

from wellbeing.working_days import (
    Nation,
    nation_for_postcode,
    postcode_area,
    uk_day,
    working_days_between,
    working_days_since,
)

ENGLAND, SCOTLAND = Nation.ENGLAND_AND_WALES, Nation.SCOTLAND


@pytest.mark.parametrize(
    ("postcode", "area", "nation"),
    [
        ("G40 2QH", "G", SCOTLAND),
        ("g1 1lh", "G", SCOTLAND),
        ("GL1 1AA", "GL", ENGLAND),  # Gloucester: GL is not G
        ("EH1 1YZ", "EH", SCOTLAND),
        ("TD1 1AA", "TD", SCOTLAND),
        ("ZE1 0AA", "ZE", SCOTLAND),
        ("CF10 1AA", "CF", ENGLAND),  # Wales shares England's bank holidays
        ("BT1 1AA", "BT", Nation.NORTHERN_IRELAND),
        ("", "", ENGLAND),
        ("12345", "", ENGLAND),
    ],
)
def test_the_postcode_area_decides_whose_bank_holidays(postcode, area, nation) -> None:
    assert postcode_area(postcode) == area
    assert nation_for_postcode(postcode) is nation


@pytest.mark.parametrize(
    ("start", "end", "nation", "days"),
    [
        # Same day, or the end before the start: no time at all.
        (date(2026, 3, 4), date(2026, 3, 4), ENGLAND, 0),
        (date(2026, 3, 5), date(2026, 3, 4), ENGLAND, 0),
        # Friday to Monday across a weekend: 1 working day.
        (date(2026, 3, 6), date(2026, 3, 9), ENGLAND, 1),
        (date(2026, 3, 6), date(2026, 3, 9), SCOTLAND, 1),
        # Monday to the next Monday: 5.
        (date(2026, 3, 2), date(2026, 3, 9), ENGLAND, 5),
        # Easter 2026: Good Friday 3 April everywhere; Easter Monday 6 April in England only.
        (date(2026, 4, 2), date(2026, 4, 7), ENGLAND, 1),
        (date(2026, 4, 2), date(2026, 4, 7), SCOTLAND, 2),
        # New Year 2026: 1 January everywhere; 2 January (Friday) in Scotland only.
        (date(2025, 12, 31), date(2026, 1, 5), ENGLAND, 2),
        (date(2025, 12, 31), date(2026, 1, 5), SCOTLAND, 1),
        # August bank holiday: first Monday (3rd) in Scotland, last Monday (31st) in England.
        (date(2026, 7, 31), date(2026, 8, 4), ENGLAND, 2),
        (date(2026, 7, 31), date(2026, 8, 4), SCOTLAND, 1),
        (date(2026, 8, 28), date(2026, 9, 1), ENGLAND, 1),
        (date(2026, 8, 28), date(2026, 9, 1), SCOTLAND, 2),
        # Christmas 2026 falls on a Friday: Boxing Day (Saturday) moves to Monday 28th.
        (date(2026, 12, 24), date(2026, 12, 29), ENGLAND, 1),
        # St Andrew's Day, Monday 30 November 2026, in Scotland only.
        (date(2026, 11, 27), date(2026, 12, 1), SCOTLAND, 1),
        (date(2026, 11, 27), date(2026, 12, 1), ENGLAND, 2),
    ],
)
def test_working_days_leave_out_weekends_and_the_nations_bank_holidays(
    start, end, nation, days
) -> None:
    assert working_days_between(start, end, nation) == days


def test_days_are_counted_in_uk_dates() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (summer time).
    assert uk_day(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    # Made at 23:30 UTC on Sunday 28 June (Monday in the UK), reached Monday afternoon: 0 days.
    made = datetime(2026, 6, 28, 23, 30, tzinfo=UTC)
    reached = datetime(2026, 6, 29, 14, 0, tzinfo=UTC)
    assert working_days_since("GL1 1AA", made, reached) == 0


def test_a_long_wait_over_several_years_counts_every_holiday() -> None:
    # 2025 and 2026 in England: 261 + 261 weekdays less 8 + 8 bank holidays.
    assert working_days_between(date(2024, 12, 31), date(2026, 12, 31), ENGLAND) == 506
