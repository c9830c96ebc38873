"""What the search index holds about a service: its words, and the facts that filters narrow on.

Facts are a superset of the truth where the truth needs a date (opening hours, distance): the
index narrows the candidates and ``finder`` applies the exact rule to the few that are left.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, scoped_session, selectinload

from wellbeing.directory.models import (
    Area,
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from wellbeing.directory.presenters import is_free  # the same rule as the "Free" label
from wellbeing.directory.schedules import PERIODS

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
NO_MINIMUM_AGE, NO_MAXIMUM_AGE = 0, 999
BATCH_SIZE = 500
# Coordinates are indexed in hundredths of a degree (about 1 km): fine enough to narrow a
# distance search, coarse enough that a range query needs only a few terms.
GRID = 100


def grid(degrees: float) -> int:
    return round(degrees * GRID)


# What a search result shows: organisation, places, opening times, costs and areas served.
LISTING_OPTIONS = (
    joinedload(Service.organization),
    selectinload(Service.service_at_locations)
    .joinedload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
    selectinload(Service.schedules),
    selectinload(Service.cost_options),
    selectinload(Service.service_areas),
)
# Everything service_document reads, loaded in a handful of queries per batch.
DOCUMENT_OPTIONS = (
    *LISTING_OPTIONS,
    selectinload(Service.attributes)
    .joinedload(Attribute.taxonomy_term)
    .joinedload(TaxonomyTerm.parent),
)


class AreaMap:
    """Areas by lower-case name, each with the slugs of itself and every wider area holding it."""

    def __init__(self, areas: Iterable[Area]) -> None:
        areas = list(areas)
        parents = {area.slug: area.parent_slug for area in areas}
        self.by_name = {area.name.lower(): self._lineage(area.slug, parents) for area in areas}

    @staticmethod
    def _lineage(slug: str, parents: dict[str, str | None]) -> list[str]:
        lineage: list[str] = []
        current: str | None = slug
        while current and current not in lineage:  # a cycle in bad data must not loop forever
            lineage.append(current)
            current = parents.get(current)
        return lineage

    def slugs(self, names: Iterable[str | None]) -> list[str]:
        """Slugs of the named areas and of every wider area holding them."""
        return sorted(
            {slug for name in names if name for slug in self.by_name.get(name.lower(), [])}
        )

    def own_slugs(self, names: Iterable[str | None]) -> list[str]:
        lineages = (self.by_name.get(name.lower()) for name in names if name)
        return sorted({lineage[0] for lineage in lineages if lineage})

    @classmethod
    def load(cls, session: Session | scoped_session[Any]) -> "AreaMap":
        return cls(session.execute(select(Area)).scalars())


def all_schedules(service: Service) -> list[Schedule]:
    """The service's own schedules and those of each place it runs at."""
    return list(service.schedules) + [
        s for sal in service.service_at_locations for s in sal.schedules
    ]


def _days(schedule: Schedule) -> set[int]:
    byday = [day.strip()[-2:].lower() for day in (schedule.byday or "").split(",") if day.strip()]
    known = {DAYS.index(day) for day in byday if day in DAYS}
    if schedule.freq == "DAILY" or schedule.bymonthday or not known:
        return set(range(7))  # unknown days: could be any
    return known


def _hours(schedule: Schedule) -> Iterator[tuple[int, int]]:
    """(day offset, hour) pairs a schedule may be open in; past midnight runs into the next day."""
    if schedule.opens_at is None or schedule.closes_at is None:
        return  # without times a schedule never counts as open (see schedules.py)
    start = schedule.opens_at.hour * 60 + schedule.opens_at.minute
    end = schedule.closes_at.hour * 60 + schedule.closes_at.minute
    if end <= start:
        end += 24 * 60
    for hour in range(start // 60, (end - 1) // 60 + 1):
        yield divmod(hour, 24)


def _minutes(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60 + moment.microsecond / 6e7


def _periods(hour: int) -> list[str]:
    """The periods of the day ("morning", ...) that overlap this hour."""
    return [
        name
        for name, (opens, closes) in PERIODS.items()
        if _minutes(opens) < (hour + 1) * 60 and _minutes(closes) > hour * 60
    ]


def opening_tokens(schedules: Iterable[Schedule]) -> list[str]:
    """Tokens for each weekday, hour and period it may be open: mo, mo-18, mo-evening, evening."""
    tokens: set[str] = set()
    for schedule in schedules:
        hours = list(_hours(schedule))
        for day in _days(schedule):
            for offset, hour in hours:
                later_day = DAYS[(day + offset) % 7]
                tokens.update((later_day, f"{later_day}-{hour:02d}"))
                for period in _periods(hour):
                    tokens.update((period, f"{later_day}-{period}"))
    return sorted(tokens)


def _naive_utc(moment: datetime) -> datetime:
    # Whoosh's DATETIME field works on naive datetimes.
    return moment.astimezone(UTC).replace(tzinfo=None)


MEANING = "meaning"


def _text(parts: Iterable[str | None]) -> str:
    return "\n".join(part for part in parts if part)


def _words(service: Service, lineage: list[TaxonomyTerm]) -> dict[str, object]:
    """The text fields: the name, the taxonomy terms, and everything else in one body."""
    locations = [sal.location for sal in service.service_at_locations]
    addresses = [address for loc in locations for address in loc.addresses]
    organisation = service.organization.name if service.organization else ""
    places = (
        [loc.name for loc in locations]
        + [part for a in addresses for part in (a.address_1, a.city, a.region, a.postal_code)]
        + [a.postal_code.split(" ")[0] for a in addresses if a.postal_code]
        + [area.name for area in service.service_areas]
    )
    term_words = sorted({t.name for t in lineage} | {t.code for t in lineage if t.code})
    term_names = sorted({t.name for t in lineage})
    return {
        "name": service.name,
        # What the listing means, for the sentence-embedding model (not a Whoosh field).
        MEANING: _text([service.name, ", ".join(term_names), service.description, organisation]),
        "terms": _text(term_words),
        "body": _text([service.description, organisation, *places]),
        "spelling": _text([service.name, service.description, organisation, *term_words]),
    }


def _facts(service: Service, lineage: list[TaxonomyTerm], areas: AreaMap) -> dict[str, object]:
    """What filters narrow on."""
    locations = [sal.location for sal in service.service_at_locations]
    points = [
        (loc.id, loc.latitude, loc.longitude)
        for loc in locations
        if loc.latitude is not None and loc.longitude is not None
    ]
    area_names = [area.name for area in service.service_areas]
    return {
        "status": service.status,
        "term_ids": " ".join(sorted({term.id for term in lineage})),
        "taxonomy_ids": " ".join(sorted({t.taxonomy_id for t in lineage if t.taxonomy_id})),
        "areas": " ".join(areas.slugs(area_names)),
        "service_areas": " ".join(areas.own_slugs(area_names)),
        "organization_id": service.organization_id or "",
        "free": is_free(service),
        "wheelchair": any(loc.wheelchair_accessible for loc in locations),
        "self_referral": bool(service.self_referral),
        "min_age": service.minimum_age if service.minimum_age is not None else NO_MINIMUM_AGE,
        "max_age": service.maximum_age if service.maximum_age is not None else NO_MAXIMUM_AGE,
        "last_modified": _naive_utc(service.last_modified),
        "lat": sorted(grid(lat) for _, lat, _ in points),
        "lon": sorted(grid(lon) for _, _, lon in points),
        "points": ";".join(
            f"{key},{lat},{lon}" for key, lat, lon in sorted(points, key=lambda p: p[0])
        ).encode(),
        "opening": " ".join(opening_tokens(all_schedules(service))),
    }


def service_document(service: Service, areas: AreaMap) -> dict[str, object]:
    """The search document for one service, with a digest that changes when any of it does."""
    terms = [attribute.taxonomy_term for attribute in service.attributes]
    lineage = terms + [term.parent for term in terms if term.parent is not None]
    document: dict[str, object] = {"id": service.id, "name_sort": service.name.lower().encode()}
    document.update(_words(service, lineage))
    document.update(_facts(service, lineage, areas))
    document["digest"] = document_digest(document)
    return document


def document_digest(document: dict[str, object]) -> bytes:
    """A short fingerprint of a document, stored with it so ``verify`` can spot stale ones."""
    payload = json.dumps(document, sort_keys=True, default=str).encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest().encode()


def load_services(session: Session, ids: Sequence[str]) -> list[Service]:
    """Services with everything their documents need (ids that no longer exist are left out)."""
    statement = select(Service).where(Service.id.in_(ids)).options(*DOCUMENT_OPTIONS)
    return list(session.execute(statement).unique().scalars())


def documents_for(session: Session, ids: Sequence[str]) -> Iterator[dict[str, object]]:
    """Documents for the given service ids, loaded in batches."""
    areas = AreaMap.load(session)
    for start in range(0, len(ids), BATCH_SIZE):
        for service in load_services(session, ids[start : start + BATCH_SIZE]):
            yield service_document(service, areas)
        session.expunge_all()  # keep memory flat on a full rebuild
