"""Directory services a referrer can suggest: found with the directory's one search function."""

from wellbeing.directory.geo import PostcodeError
from wellbeing.directory.models import Service, ServiceStatus
from wellbeing.extensions import db

MAX_RESULTS = 8


def search_services(text: str | None, postcode: str | None = None) -> list[Service]:
    """Active services matching ``text``, nearest first when the postcode is known."""
    from wellbeing.directory.search.finder import (
        find_services,  # the directory's search, loaded on use
    )

    if not (text or "").strip():
        return []
    try:
        results = find_services(text=text, postcode=(postcode or "").strip() or None)
    except PostcodeError:
        results = find_services(text=text)
    services = [hit.service for hit in results.items if hit.service.is_active]
    return services[:MAX_RESULTS]


def service_choices(selected_ids: list[str] | None, results: list[Service]) -> list[tuple]:
    """Checkbox choices: the services already ticked (kept across searches) then new results."""
    selected = list(
        db.session.execute(
            db.select(Service).where(
                Service.id.in_(selected_ids or []), Service.status == ServiceStatus.ACTIVE
            )
        ).scalars()
    )
    seen: dict[str, Service] = {service.id: service for service in [*selected, *results]}
    return [(service.id, _label(service)) for service in seen.values()]


def _label(service: Service) -> str:
    organisation = service.organization.name if service.organization else None
    return f"{service.name} ({organisation})" if organisation else service.name
