"""How directory facts read on a page: cost, distance, opening, age range."""

from datetime import datetime
from decimal import Decimal

from wellbeing.config import LONDON
from wellbeing.directory.geo import METRES_PER_MILE
from wellbeing.directory.models import Service
from wellbeing.directory.schedules import format_time, next_opening


def is_free(service: Service) -> bool:
    options = service.cost_options
    if options:
        return any(
            option.amount == 0 or (option.option or "").strip().lower() == "free"
            for option in options
        )
    return (service.fees or "").strip().lower() in {"free", "no charge"}


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}".replace(".00", "")


def cost_summary(service: Service) -> str:
    """'Free', '£3.50 per session', 'Pay what you can', or the listing's own words."""
    if is_free(service):
        return "Free"
    parts = []
    for option in service.cost_options:
        if option.amount is not None:
            parts.append(f"{_money(option.amount)} {option.amount_description or ''}".strip())
        elif option.option or option.amount_description:
            parts.append(option.option or option.amount_description or "")
    if parts:
        return "; ".join(parts)
    return service.fees or "Ask the service about costs"


def distance_text(metres: float | None) -> str | None:
    if metres is None:
        return None
    miles = metres / METRES_PER_MILE
    if miles < 0.1:
        return "Less than 0.1 miles away"
    return f"{miles:.1f} miles away"


def age_text(service: Service) -> str | None:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return f"Ages {low} to {high}"
    if low is not None:
        return f"Ages {low} and over"
    if high is not None:
        return f"Ages up to {high}"
    return None


def opening_text(service: Service, now: datetime) -> str | None:
    """'Open now until 11pm' or 'Next open Tuesday 24 November, 6pm'."""
    session = next_opening(service, now)
    if session is None:
        return None
    start, end = (moment.astimezone(LONDON) for moment in session)
    if start <= now < end:
        return f"Open now until {format_time(end.time())}"
    today = now.astimezone(LONDON).date()
    if start.date() == today:
        day = "today"
    elif (start.date() - today).days == 1:
        day = "tomorrow"
    else:
        day = f"{start:%A} {start.day} {start:%B}"
    return f"Next open {day}, {format_time(start.time())}"
