"""Directory services a referrer can suggest: found with the directory's one search function."""

from dataclasses import dataclass, field

from wellbeing.directory.geo import Point, PostcodeError, distance_m
from wellbeing.directory.models import Service, ServiceStatus
from wellbeing.directory.presenters import distance_text
from wellbeing.extensions import db
from wellbeing.referrals.models import LIST_LIMITS

MAX_RESULTS = 8


@dataclass
class Suggestion:
    service: Service
    distance_m: float | None = None  # from the person's postcode to the nearest venue


@dataclass
class Suggestions:
    """What a search offers, best first, and the place distances are measured from."""

    items: list[Suggestion] = field(default_factory=list)
    origin: Point | None = None

    def __bool__(self) -> bool:
        return bool(self.items)


def search_services(text: str | None, postcode: str | None = None) -> Suggestions:
    """Active services matching ``text``; with the person's postcode, the best match blends how
    well the words match with how near the service is."""
    from wellbeing.directory.search.finder import (
        find_services,  # the directory's search, loaded on use
    )

    if not (text or "").strip():
        return Suggestions()
    try:
        results = find_services(
            text=text, postcode=(postcode or "").strip() or None, sort="relevance"
        )
    except PostcodeError:  # the postcode field shows its own problem when the form is sent
        results = find_services(text=text, sort="relevance")
    items = [
        Suggestion(hit.service, hit.distance_m) for hit in results.items if hit.service.is_active
    ]
    return Suggestions(items[:MAX_RESULTS], results.origin)


def service_choices(selected_ids: list[str] | None, found: Suggestions) -> list[tuple]:
    """Checkbox choices: the services already ticked (kept across searches) then new results,
    each with its distance when the person's postcode is known."""
    # No more than a referral takes: the form says so at the field when there are.
    kept = (selected_ids or [])[: LIST_LIMITS["suggested_service_ids"]]
    selected = list(
        db.session.execute(
            db.select(Service).where(Service.id.in_(kept), Service.status == ServiceStatus.ACTIVE)
        ).scalars()
    )
    distances = {item.service.id: item.distance_m for item in found.items}
    services: dict[str, Service] = {
        service.id: service for service in [*selected, *(item.service for item in found.items)]
    }
    choices = []
    for service in services.values():
        if service.id in distances:
            metres = distances[service.id]
        else:
            metres = _nearest_m(service, found.origin)
        choices.append((service.id, _label(service, metres, found.origin is not None)))
    return choices


def _nearest_m(service: Service, origin: Point | None) -> float | None:
    """Metres from ``origin`` to the service's nearest venue (a ticked service kept across
    searches was not measured by this search)."""
    if origin is None:
        return None
    return min(
        (
            distance_m(origin.latitude, origin.longitude, location.latitude, location.longitude)
            for location in service.locations
            if location.latitude is not None and location.longitude is not None
        ),
        default=None,
    )


def _label(service: Service, metres: float | None, measured: bool) -> str:
    """'Singing for Lung Health (Breathe Easy), en dash, 1.2 miles away'."""
    organisation = service.organization.name if service.organization else None
    label = f"{service.name} ({organisation})" if organisation else service.name
    distance = distance_text(metres)
    if distance is None and measured and not service.service_at_locations:
        distance = "by phone or online"
    return f"{label} \N{EN DASH} {distance}" if distance else label
