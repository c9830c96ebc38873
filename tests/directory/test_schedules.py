"""Opening times: open now, overnight sessions, monthly patterns, next opening, wording."""

from datetime import date, datetime, time

import pytest

from wellbeing.directory.models import Schedule
from wellbeing.directory.schedules import (
    LONDON,
    describe,
    format_time,
    is_open,
    next_opening,
    occurs_on,
    opens_during,
)

EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def cavern() -> list[Schedule]:
    return [Schedule(freq="WEEKLY", byday=EVERY_DAY, opens_at=time(18), closes_at=time(23))]


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (london(2026, 11, 24, 17, 59), False),
        (london(2026, 11, 24, 18, 0), True),
        (london(2026, 11, 24, 22, 30), True),
        (london(2026, 11, 24, 23, 0), False),
        (london(2026, 11, 24, 23, 30), False),
        (london(2026, 12, 25, 22, 30), True),  # 365 days a year
        (london(2026, 7, 4, 22, 30), True),  # summer time
    ],
)
def test_support_at_the_cavern_open_now(at: datetime, expected: bool) -> None:
    assert is_open(cavern(), at) is expected


def test_open_now_compares_in_london_time() -> None:
    from datetime import UTC

    # 21:45 UTC in July is 22:45 in London (open); 22:15 UTC is 23:15 (closed).
    assert is_open(cavern(), datetime(2026, 7, 4, 21, 45, tzinfo=UTC))
    assert not is_open(cavern(), datetime(2026, 7, 4, 22, 15, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(cavern(), datetime(2026, 7, 4, 22, 15))


def test_session_past_midnight() -> None:
    night = [Schedule(freq="WEEKLY", byday="FR", opens_at=time(22), closes_at=time(2))]
    assert is_open(night, london(2026, 11, 27, 23, 0))  # Friday night
    assert is_open(night, london(2026, 11, 28, 1, 30))  # early Saturday
    assert not is_open(night, london(2026, 11, 28, 2, 0))
    assert not is_open(night, london(2026, 11, 29, 1, 0))  # Sunday: no Saturday session


def test_monthly_nth_and_last_weekday() -> None:
    second_tuesday = Schedule(freq="MONTHLY", byday="2TU", opens_at=time(14), closes_at=time(16))
    assert occurs_on(second_tuesday, date(2026, 12, 8))
    assert not occurs_on(second_tuesday, date(2026, 12, 1))
    assert not occurs_on(second_tuesday, date(2026, 12, 15))
    last_friday = Schedule(freq="MONTHLY", byday="-1FR", opens_at=time(10), closes_at=time(12))
    assert occurs_on(last_friday, date(2026, 11, 27))
    assert not occurs_on(last_friday, date(2026, 11, 20))


def test_validity_and_fortnightly_interval() -> None:
    fortnightly = Schedule(
        freq="WEEKLY",
        byday="WE",
        interval=2,
        dtstart=date(2026, 11, 4),
        valid_to=date(2026, 12, 31),
        opens_at=time(10),
        closes_at=time(12),
    )
    assert occurs_on(fortnightly, date(2026, 11, 18))
    assert not occurs_on(fortnightly, date(2026, 11, 25))
    assert not occurs_on(fortnightly, date(2026, 10, 28))  # before it starts
    assert not occurs_on(fortnightly, date(2027, 1, 13))  # after it ends


def test_opens_during_periods() -> None:
    assert opens_during(cavern(), 1, time(17), time(23, 59))  # Tuesday evening
    assert not opens_during(cavern(), 1, time(9), time(12))  # not mornings
    weekday_mornings = [
        Schedule(freq="WEEKLY", byday="MO,TU", opens_at=time(9), closes_at=time(11))
    ]
    assert opens_during(weekday_mornings, None, time(0), time(12))
    assert not opens_during(weekday_mornings, 5, time(0), time(23, 59))


def test_next_opening() -> None:
    start, end = next_opening(cavern(), london(2026, 11, 24, 10, 0))
    assert (start, end) == (london(2026, 11, 24, 18, 0), london(2026, 11, 24, 23, 0))
    # While open, the current session is the answer.
    assert next_opening(cavern(), london(2026, 11, 24, 20, 0))[0] == london(2026, 11, 24, 18)
    monthly = [Schedule(freq="MONTHLY", byday="1SA", opens_at=time(10), closes_at=time(12))]
    assert next_opening(monthly, london(2026, 11, 24, 10))[0] == london(2026, 12, 5, 10)
    assert next_opening([Schedule(freq="WEEKLY", byday="MO")], london(2026, 11, 24)) is None


def test_wording() -> None:
    assert describe(cavern()[0]) == "Every day, 6pm to 11pm"
    weekly = Schedule(freq="WEEKLY", byday="MO,WE", opens_at=time(10, 30), closes_at=time(12))
    assert describe(weekly) == "Mondays and Wednesdays, 10:30am to midday"
    monthly = Schedule(freq="MONTHLY", byday="2TU", opens_at=time(14), closes_at=time(16))
    assert describe(monthly) == "2nd Tuesday of the month, 2pm to 4pm"
    assert format_time(time(0)) == "midnight"
