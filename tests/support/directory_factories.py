"""Factories for directory rows with sensible defaults (the caller commits).

``make_service()`` gives an active service of a new organisation at a venue in Gloucester
(GL1 2HT, with coordinates); pass ``schedules=["MO,WE 18:00-20:00"]`` (the CSV schedule grammar,
or mappings of Schedule fields), ``costs=[0, 3.5]`` and ``terms=["singing"]`` (term codes or
TaxonomyTerm rows) as needed. Each factory flushes; services are queued for the search index.
"""

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from wellbeing.database import new_uuid
from wellbeing.directory.models import (
    Address,
    Attribute,
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from wellbeing.directory.oruk.csv_layout import parse_schedule
from wellbeing.directory.oruk.specs import SCHEDULE
from wellbeing.directory.oruk.values import read_values
from wellbeing.directory.search.queue import queue_services
from wellbeing.extensions import db

_numbers = itertools.count(1)
GLOUCESTER = ("GL1 2HT", 51.863827, -2.23657)


def oruk_service(name: str = "Chair Yoga", **fields: Any) -> dict[str, Any]:
    """A minimal valid ORUK service object, for import tests."""
    return {"id": new_uuid(), "name": name, "status": "active", **fields}


def make_organization(name: str | None = None, **fields: Any) -> Organization:
    organization = Organization(name=name or f"Test Organisation {next(_numbers)}", **fields)
    db.session.add(organization)
    db.session.flush()
    return organization


def make_location(
    name: str | None = None,
    postcode: str = GLOUCESTER[0],
    latitude: float | None = GLOUCESTER[1],
    longitude: float | None = GLOUCESTER[2],
    city: str = "Gloucester",
    **fields: Any,
) -> Location:
    number = next(_numbers)
    location = Location(
        name=name or f"Community Hall {number}", latitude=latitude, longitude=longitude, **fields
    )
    location.addresses.append(
        Address(
            address_1=f"{number} High Street",
            city=city,
            state_province="Gloucestershire",
            postal_code=postcode,
        )
    )
    db.session.add(location)
    db.session.flush()
    return location


def make_term(
    code: str, name: str | None = None, parent: TaxonomyTerm | None = None
) -> TaxonomyTerm:
    """The term with this code, created when there is none yet."""
    query = db.select(TaxonomyTerm).where(TaxonomyTerm.code == code)
    term = db.session.execute(query).scalars().first()
    if term is None:
        term = TaxonomyTerm(code=code, name=name or code.replace("-", " ").capitalize())
        term.parent = parent
        db.session.add(term)
        db.session.flush()
    return term


def make_schedule(schedule: str | Mapping[str, Any]) -> list[Schedule]:
    """Schedules from ``"MO,WE 18:00-20:00; 2SA 10:00-12:00"`` or one mapping of fields."""
    given = parse_schedule(schedule) if isinstance(schedule, str) else [schedule]
    schedules = []
    for fields in given:
        values, problems = read_values(fields, SCHEDULE)
        if problems:
            raise ValueError("; ".join(map(str, problems)))
        schedules.append(Schedule(**{k: v for k, v in values.items() if v is not None}))
    return schedules


def make_cost(cost: Any) -> CostOption:
    if isinstance(cost, Mapping):
        return CostOption(**cost)
    amount = Decimal(str(cost))
    return CostOption(option="Free" if amount == 0 else None, amount=amount)


def make_service(
    name: str | None = None,
    *,
    organization: Organization | None = None,
    location: Location | None = None,
    with_location: bool = True,
    status: str = ServiceStatus.ACTIVE.value,
    schedules: Sequence[str | Mapping[str, Any]] = (),
    costs: Sequence[Any] = (),
    terms: Sequence[str | TaxonomyTerm] = (),
    **fields: Any,
) -> Service:
    """An active service with an organisation and a located venue unless told otherwise."""
    organization = organization or make_organization()
    location = location or (make_location() if with_location else None)
    term_rows = [make_term(term) if isinstance(term, str) else term for term in terms]
    service = Service(
        name=name or f"Test Service {next(_numbers)}",
        description=fields.pop("description", "A friendly group that meets every week."),
        status=status,
        organization=organization,
        **fields,
    )
    db.session.add(service)
    if location is not None:
        service.service_at_locations.append(ServiceAtLocation(location=location))
    service.schedules.extend(s for given in schedules for s in make_schedule(given))
    service.cost_options.extend(make_cost(cost) for cost in costs)
    service.attributes.extend(Attribute(link_type="service", taxonomy_term=t) for t in term_rows)
    db.session.flush()
    queue_services([service.id])
    return service
