"""Opening times from ORUK/RFC 5545 schedules: "open now", "open on Tuesday evening", next opening.

Times are local to Europe/London. A session whose closing time is not after its opening time runs
past midnight. Schedules without opening times say nothing about hours and never count as open.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from wellbeing.config import LONDON
from wellbeing.directory.models import Location, Schedule, Service

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MORNING = (time(0, 0), time(12, 0))
AFTERNOON = (time(12, 0), time(17, 0))
EVENING = (time(17, 0), time(23, 59, 59, 999999))
PERIODS = {"morning": MORNING, "afternoon": AFTERNOON, "evening": EVENING}
BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
Session = tuple[datetime, datetime]


def schedules_of(subject: Service | Location | Iterable[Schedule]) -> list[Schedule]:
    """Every schedule that says when a service (at any of its locations) or a location runs."""
    if isinstance(subject, Service):
        found = list(subject.schedules)
        for sal in subject.service_at_locations:
            found.extend(sal.schedules)
        return found
    if isinstance(subject, Location):
        return [s for sal in subject.service_at_locations for s in sal.schedules]
    return list(subject)


def parse_byday(byday: str | None) -> list[tuple[int | None, int]]:
    """'MO,2TU,-1FR' -> [(None, 0), (2, 1), (-1, 4)]: (nth in month or None, weekday)."""
    parsed = []
    for part in (byday or "").replace(" ", "").upper().split(","):
        match = BYDAY_RE.match(part)
        if match:
            nth = int(match.group(1)) if match.group(1) else None
            parsed.append((nth, DAY_CODES.index(match.group(2))))
    return parsed


def _nth_weekday_matches(day: date, nth: int) -> bool:
    if nth > 0:
        return (day.day - 1) // 7 + 1 == nth
    days_in_month = (
        (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    ).day
    return (days_in_month - day.day) // 7 + 1 == -nth


def _in_interval(schedule: Schedule, day: date, weeks: bool) -> bool:
    interval = schedule.interval or 1
    anchor = schedule.dtstart or schedule.valid_from
    if interval <= 1 or anchor is None:
        return True
    if weeks:
        anchor_monday = anchor - timedelta(days=anchor.weekday())
        return ((day - anchor_monday).days // 7) % interval == 0
    return ((day.year - anchor.year) * 12 + day.month - anchor.month) % interval == 0


def occurs_on(schedule: Schedule, day: date) -> bool:
    """Whether the schedule has a session starting on this (local) date."""
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if schedule.dtstart and day < schedule.dtstart:
        return False
    freq = (schedule.freq or "WEEKLY").upper()
    byday = parse_byday(schedule.byday)
    weekdays = {weekday for _, weekday in byday}
    if freq == "DAILY":
        in_days = not weekdays or day.weekday() in weekdays
        return in_days and _in_interval(schedule, day, weeks=False)
    if freq == "WEEKLY":
        return day.weekday() in weekdays and _in_interval(schedule, day, weeks=True)
    if freq == "MONTHLY":
        if not _in_interval(schedule, day, weeks=False):
            return False
        if schedule.bymonthday:
            days = {int(d) for d in re.findall(r"-?\d+", schedule.bymonthday)}
            return day.day in days
        return any(
            weekday == day.weekday() and (nth is None or _nth_weekday_matches(day, nth))
            for nth, weekday in byday
        )
    return False


def session_on(schedule: Schedule, day: date) -> Session | None:
    """The session that starts on ``day``, as aware London datetimes, if there is one."""
    if schedule.opens_at is None or schedule.closes_at is None or not occurs_on(schedule, day):
        return None
    start = datetime.combine(day, schedule.opens_at, LONDON)
    end = datetime.combine(day, schedule.closes_at, LONDON)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def _local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a timezone-aware datetime is needed")
    return at.astimezone(LONDON)


def is_open(subject: Service | Location | Iterable[Schedule], at: datetime) -> bool:
    """Whether a session is running at ``at`` (start inclusive, end exclusive)."""
    local = _local(at)
    for schedule in schedules_of(subject):
        for day in (local.date(), local.date() - timedelta(days=1)):
            session = session_on(schedule, day)
            if session and session[0] <= local < session[1]:
                return True
    return False


def opens_during(
    subject: Service | Location | Iterable[Schedule], weekday: int | None, start: time, end: time
) -> bool:
    """Whether any session on that weekday (any day when None) overlaps ``start`` to ``end``."""
    for schedule in schedules_of(subject):
        if schedule.opens_at is None or schedule.closes_at is None:
            continue
        days = {day for _, day in parse_byday(schedule.byday)}
        if (schedule.freq or "").upper() == "DAILY" and not days:
            days = set(range(7))
        if weekday is not None and weekday not in days:
            continue
        closes = schedule.closes_at if schedule.closes_at > schedule.opens_at else time.max
        if schedule.opens_at < end and closes > start:
            return True
    return False


def next_opening(
    subject: Service | Location | Iterable[Schedule], after: datetime, horizon_days: int = 400
) -> Session | None:
    """The session running at ``after``, or else the next one to start (within about a year)."""
    local = _local(after)
    schedules = schedules_of(subject)
    for offset in range(-1, horizon_days):
        day = local.date() + timedelta(days=offset)
        sessions = [s for s in (session_on(sch, day) for sch in schedules) if s and s[1] > local]
        if sessions:
            return min(sessions)
    return None


def format_time(value: time) -> str:
    """'6pm', '10:30am', 'midday', 'midnight' as the NHS.UK style guide writes times."""
    if value == time(12, 0):
        return "midday"
    if value == time(0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{value.strftime(':%M') if value.minute else ''}{suffix}"


def _ordinal(n: int) -> str:
    if n == -1:
        return "last"
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def describe_days(schedule: Schedule) -> str:
    """'Every day', 'Mondays and Wednesdays', '2nd Tuesday of the month', ..."""
    byday = parse_byday(schedule.byday)
    freq = (schedule.freq or "WEEKLY").upper()
    if freq == "MONTHLY":
        if schedule.bymonthday:
            return f"Day {schedule.bymonthday} of each month"
        parts = [f"{_ordinal(nth or 1)} {DAY_NAMES[day]}" for nth, day in byday]
        return " and ".join(parts) + " of the month"
    days = sorted({day for _, day in byday})
    if freq == "DAILY" or len(days) == 7:
        text = "Every day"
    elif days == [0, 1, 2, 3, 4]:
        text = "Monday to Friday"
    elif days == [5, 6]:
        text = "Saturdays and Sundays"
    else:
        names = [DAY_NAMES[day] + "s" for day in days]
        text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if (schedule.interval or 1) == 2 and freq == "WEEKLY":
        text = f"Every other week: {text}"
    return text


def describe(schedule: Schedule) -> str:
    """One line for people: 'Every day, 6pm to 11pm'."""
    days = describe_days(schedule)
    if schedule.opens_at and schedule.closes_at:
        return f"{days}, {format_time(schedule.opens_at)} to {format_time(schedule.closes_at)}"
    return days
