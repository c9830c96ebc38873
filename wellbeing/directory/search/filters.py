"""Search filters in two steps: a Whoosh query on indexed facts, then exact opening-time rules.

The indexed facts may over-match (a monthly group carries its weekday every week); the rules from
``schedules`` decide for the candidates that are left, so both steps agree with the service page.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import or_, select
from whoosh import query as q

from wellbeing.directory import schedules
from wellbeing.directory.geo import Point
from wellbeing.directory.models import Area, Schedule, ServiceAtLocation, ServiceStatus
from wellbeing.directory.search.documents import DAYS, grid
from wellbeing.extensions import db

ScheduleRule = Callable[[list[Schedule]], bool]
WHOLE_DAY = (time.min, time.max)
WEEKEND = (5, 6)
METRES_PER_DEGREE = 111_320.0
ID_CHUNK = 500


@dataclass
class ServiceFilters:
    """Narrow a search; every field is optional, and booleans only filter when True."""

    taxonomy_term_ids: Sequence[str] | None = None  # a parent term matches its children
    taxonomy_id: str | None = None
    open_now: bool = False
    open_on: int | None = None  # weekday, 0 = Monday
    period: str | None = None  # "morning", "afternoon" or "evening"
    evenings: bool = False
    weekends: bool = False
    free_only: bool = False
    age: int | None = None
    wheelchair: bool = False
    self_referral: bool | None = None  # True or False filter; None does not
    area: str | None = None  # slug; wider areas include narrower, and serve them
    organization_id: str | None = None
    modified_after: datetime | None = None  # naive means UTC
    statuses: Sequence[str] = ("active",)  # empty: any status


def _window(filters: ServiceFilters) -> tuple[time, time] | None:
    if filters.period is not None and filters.period not in schedules.PERIODS:
        raise ValueError("period must be morning, afternoon or evening")
    if filters.open_on is not None and filters.open_on not in range(7):
        raise ValueError("open_on must be a weekday number from 0 (Monday) to 6 (Sunday)")
    return schedules.PERIODS[filters.period] if filters.period else None


def _opening_query(filters: ServiceFilters, now: datetime) -> list[q.Query]:
    """Opening tokens from the index (see search_documents.opening_tokens)."""
    _window(filters)
    parts: list[q.Query] = []
    if filters.open_now:
        local = now.astimezone(schedules.LONDON)
        parts.append(q.Term("opening", f"{DAYS[local.weekday()]}-{local.hour:02d}"))
    day = DAYS[filters.open_on] if filters.open_on is not None else None
    if filters.period:
        parts.append(q.Term("opening", f"{day}-{filters.period}" if day else filters.period))
    elif day:
        parts.append(q.Term("opening", day))
    if filters.evenings:
        parts.append(q.Term("opening", "evening"))
    if filters.weekends:
        parts.append(q.Or([q.Term("opening", DAYS[weekday]) for weekday in WEEKEND]))
    return parts


def schedule_rules(filters: ServiceFilters, now: datetime) -> list[ScheduleRule]:
    """The exact opening-time tests the filters ask for, each taking a service's schedules."""
    window = _window(filters)
    rules: list[ScheduleRule] = []
    if filters.open_now:
        rules.append(lambda found: schedules.is_open(found, now))
    if filters.open_on is not None or window is not None:
        day, (start, end) = filters.open_on, window or WHOLE_DAY
        rules.append(lambda found: schedules.opens_during(found, day, start, end))
    if filters.evenings:
        rules.append(lambda found: schedules.opens_during(found, None, *schedules.EVENING))
    if filters.weekends:
        rules.append(
            lambda found: any(schedules.opens_during(found, d, *WHOLE_DAY) for d in WEEKEND)
        )
    return rules


def _area_query(slug: str) -> q.Query:
    """Services in the area or inside it, and services run for a wider area that holds it."""
    parents = dict(db.session.execute(select(Area.slug, Area.parent_slug)).all())
    wider, current = [], parents.get(slug)
    while current and current not in wider and current != slug:
        wider.append(current)
        current = parents.get(current)
    return q.Or([q.Term("areas", slug)] + [q.Term("service_areas", a) for a in wider])


def _near(origin: Point, radius_m: float) -> q.Query:
    """A box a little larger than the circle; the exact distance is measured afterwards."""
    margin = 1.01
    dlat = radius_m * margin / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
    return q.And(
        [
            q.NumericRange(
                "lat", grid(origin.latitude - dlat) - 1, grid(origin.latitude + dlat) + 1
            ),
            q.NumericRange(
                "lon", grid(origin.longitude - dlon) - 1, grid(origin.longitude + dlon) + 1
            ),
        ]
    )


@dataclass
class IndexFilter:
    """What the index must match (None: anything), and what it must not (rare statuses)."""

    required: q.Query | None
    excluded: q.Query | None


def _excluded_statuses(statuses: Sequence[str]) -> q.Query | None:
    # Most services are active: leaving out the few others is cheaper than listing the many.
    if not statuses:
        return None
    others = [status.value for status in ServiceStatus if status.value not in statuses]
    return q.Or([q.Term("status", status) for status in others]) if others else None


def serving_query(local_areas: Sequence[str]) -> q.Query:
    """Services run for any of these areas (by their own service areas, not wider ones)."""
    if not local_areas:
        return q.NullQuery
    return q.Or([q.Term("service_areas", slug) for slug in local_areas])


def filter_query(
    filters: ServiceFilters,
    origin: Point | None,
    radius_m: float | None,
    now: datetime,
    local_areas: Sequence[str] = (),
) -> IndexFilter:
    """Index queries matching every service that may pass the filters (exact for all but time)."""
    parts: list[q.Query] = []
    if filters.taxonomy_term_ids:
        parts.append(q.Or([q.Term("term_ids", term) for term in filters.taxonomy_term_ids]))
    if filters.taxonomy_id:
        parts.append(q.Term("taxonomy_ids", filters.taxonomy_id))
    if filters.area:
        parts.append(_area_query(filters.area))
    if filters.organization_id:
        parts.append(q.Term("organization_id", filters.organization_id))
    for flag in ("free_only", "wheelchair"):
        if getattr(filters, flag):
            parts.append(q.Term(flag.removesuffix("_only"), True))
    if filters.self_referral is not None:
        parts.append(q.Term("self_referral", filters.self_referral))
    if filters.age is not None:
        parts.append(q.NumericRange("min_age", None, filters.age))
        parts.append(q.NumericRange("max_age", filters.age, None))
    if filters.modified_after is not None:
        after = filters.modified_after
        after = after.astimezone(UTC).replace(tzinfo=None) if after.tzinfo else after
        parts.append(q.DateRange("last_modified", after, None, startexcl=True))
    parts += _opening_query(filters, now)
    if origin is not None and radius_m is not None:
        # Phone and online services for the place's own areas are near wherever it is.
        parts.append(q.Or([_near(origin, radius_m), serving_query(local_areas)]))
    required = (q.And(parts) if len(parts) > 1 else parts[0]) if parts else None
    return IndexFilter(required, _excluded_statuses(filters.statuses))


def schedules_by_service(service_ids: Sequence[str]) -> dict[str, list[Schedule]]:
    """Every schedule of each service, its own and those at its locations, in a few queries."""
    found: dict[str, dict[str, Schedule]] = {}
    for start in range(0, len(service_ids), ID_CHUNK):
        chunk = service_ids[start : start + ID_CHUNK]
        statement = (
            select(Schedule, ServiceAtLocation.service_id)
            .outerjoin(ServiceAtLocation, Schedule.service_at_location_id == ServiceAtLocation.id)
            .where(or_(Schedule.service_id.in_(chunk), ServiceAtLocation.service_id.in_(chunk)))
        )
        for schedule, at_service_id in db.session.execute(statement):
            for service_id in set(chunk) & {schedule.service_id, at_service_id}:
                found.setdefault(service_id, {})[schedule.id] = schedule
    return {service_id: list(by_id.values()) for service_id, by_id in found.items()}
