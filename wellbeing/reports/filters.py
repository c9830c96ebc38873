"""What a report covers: referrals made from one date to another (UK dates), and optionally in
one area, from one practice or by one source. Read one way for the pages, CSV files and API.

Without dates a report covers the last 12 full calendar months: a whole year, every month of it
complete, so months compare fairly.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from wellbeing.config import LONDON
from wellbeing.directory.models import Area
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral, ReferralSource

PARAMETERS = ("from", "to", "area", "practice", "source")
EARLIEST = date(2000, 1, 1)
MAX_DAYS = 3653  # ten years
MAX_TEXT = 200  # the longest organisation name a referral holds
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilterErrors(ValueError):
    """Filters that cannot be used: parameter name -> a message for the person or client."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date  # inclusive
    area: str | None = None  # an Area's slug
    practice: str | None = None  # a referring organisation, as referrals hold it
    source: ReferralSource | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query parameters (for links, CSV files and the audit log)."""
        values = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "area": self.area,
            "practice": self.practice,
            "source": self.source.value if self.source else None,
        }
        return {name: value for name, value in values.items() if value}

    def created_between(self) -> tuple[datetime, datetime]:
        """The UTC moments at which the first UK day starts and the day after the last starts."""
        return _uk_midnight(self.start), _uk_midnight(self.end + timedelta(days=1))

    def months(self) -> list[str]:
        """Every month the range touches, as YYYY-MM."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def last_full_months(today: date, count: int = 12) -> tuple[date, date]:
    """The ``count`` calendar months before this one: on 15 June 2026, 1 June 2025 to 31 May."""
    end = today.replace(day=1) - timedelta(days=1)
    start_month = end.year * 12 + end.month - count  # months since year 0, zero-based
    return date(start_month // 12, start_month % 12 + 1, 1), end


def financial_year(today: date, years_back: int = 0) -> tuple[date, date]:
    """The financial year (1 April to 31 March) holding ``today``, or one before it."""
    first_year = (today.year if today.month >= 4 else today.year - 1) - years_back
    return date(first_year, 4, 1), date(first_year + 1, 3, 31)


def quick_ranges(today: date) -> list[tuple[str, date, date]]:
    """Ranges commissioners ask for most, for links beside the form."""
    this_year_start, _ = financial_year(today)
    last_year = financial_year(today, years_back=1)
    return [
        ("Last 12 full months", *last_full_months(today)),
        ("This financial year so far", this_year_start, today),
        (f"Financial year {last_year[0].year} to {last_year[1].year}", *last_year),
    ]


def _date(args: Mapping[str, str], name: str, label: str, errors: dict[str, str]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"Enter the {label} date as year-month-day, like 2026-04-01"
        return None
    if day < EARLIEST:
        errors[name] = f"The {label} date must be in 2000 or later"
        return None
    return day


def _range(args: Mapping[str, str], today: date, errors: dict[str, str]) -> tuple[date, date]:
    """The dates asked for; one alone makes a range with today (or a year before the end)."""
    start = _date(args, "from", "start", errors)
    end = _date(args, "to", "end", errors)
    latest = today + timedelta(days=366)
    for name, day, label in (("from", start, "start"), ("to", end, "end")):
        if day is not None and day > latest:
            errors[name] = f"The {label} date must be within a year from today"
    if errors or (start is None and end is None):
        return last_full_months(today)
    if end is None:
        assert start is not None
        end = max(start, min(today, start + timedelta(days=MAX_DAYS - 1)))
    if start is None:
        start = max(EARLIEST, end - timedelta(days=365))
    if end < start:
        errors["to"] = "The end date must be on or after the start date"
    elif (end - start).days >= MAX_DAYS:
        errors["to"] = "Choose a range of 10 years or less"
    return start, end


def _choice(
    args: Mapping[str, str], name: str, known: set[str], message: str, errors: dict[str, str]
) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if len(value) > MAX_TEXT or value not in known:
        errors[name] = message
        return None
    return value


def read_filters(args: Mapping[str, str], today: date) -> ReportFilters:
    """The filters in a query string, or FilterErrors naming every parameter that is wrong."""
    errors: dict[str, str] = {}
    start, end = _range(args, today, errors)
    area = _choice(args, "area", set(area_choices()), "Choose an area from the list", errors)
    practice = _choice(
        args, "practice", set(practice_choices()), "Choose a practice from the list", errors
    )
    source = _choice(
        args, "source", {s.value for s in ReferralSource}, "Choose a source from the list", errors
    )
    if errors:
        raise FilterErrors(errors)
    return ReportFilters(start, end, area, practice, ReferralSource(source) if source else None)


def area_choices() -> dict[str, str]:
    """Every area we know, slug -> name, wide areas after the ones they hold."""
    rows = db.session.execute(
        db.select(Area.slug, Area.name).order_by(Area.region, Area.parent_slug.is_(None), Area.name)
    )
    return {row.slug: row.name for row in rows}


def practice_choices() -> list[str]:
    """Every organisation that has referred, by name."""
    rows = db.session.execute(
        db.select(Referral.referrer_organisation)
        .where(Referral.referrer_organisation.is_not(None))
        .distinct()
        .order_by(Referral.referrer_organisation)
    )
    return [name for name in rows.scalars() if name]
