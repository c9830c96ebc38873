"""Directory models as Open Referral UK 3.0 JSON objects (plain dicts ready for ``json.dumps``).

Optional fields with no value are left out rather than sent as ``null``, because the ORUK schema
types are strict. Our extension fields keep the names the seed data uses, so that an export can be
imported again unchanged. Links are published only when they are ``http(s)`` addresses, as the
importer requires: a row stored before it did is published without its link.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import selectinload

from wellbeing.directory.links import web_address
from wellbeing.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

JSONDict = dict[str, Any]
LINK_FIELDS = frozenset({"url", "website", "logo", "uri", "term_uri", "schedule_link"})


def _value(value: object) -> object:
    """One column value in its ORUK JSON form."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _fields(obj: object, names: Iterable[str], **renamed: str) -> JSONDict:
    """The named attributes of ``obj`` that have a value; ``renamed`` maps ORUK key -> attribute."""
    pairs = [(name, name) for name in names] + list(renamed.items())
    result: JSONDict = {}
    for key, attribute in pairs:
        value = getattr(obj, attribute)
        if key in LINK_FIELDS:
            value = web_address(value)
        if value is not None:
            result[key] = _value(value)
    return result


def _each(function: Any, objects: Iterable[Any]) -> list[JSONDict]:
    return [function(obj) for obj in sorted(objects, key=lambda obj: obj.id)]


def organization_dict(organization: Organization) -> JSONDict:
    """An organisation's own fields (ORUK ``organization``)."""
    return _fields(
        organization,
        ("id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id"),
    )


def taxonomy_term_dict(term: TaxonomyTerm) -> JSONDict:
    """One taxonomy term; our ``code`` is ORUK's ``term`` (a slug)."""
    return _fields(
        term, ("id", "name", "description", "parent_id", "taxonomy_id", "term_uri"), term="code"
    )


def taxonomy_dict(taxonomy: Taxonomy, with_terms: bool = False) -> JSONDict:
    """A taxonomy, with all its terms when ``with_terms``."""
    result = _fields(taxonomy, ("id", "name", "description", "uri", "version"))
    if with_terms:
        result["taxonomy_terms"] = _each(taxonomy_term_dict, taxonomy.terms)
    return result


def attribute_dict(attribute: Attribute) -> JSONDict:
    result = _fields(attribute, ("id", "link_id", "link_type", "taxonomy_term_id", "value"))
    result["taxonomy_term"] = taxonomy_term_dict(attribute.taxonomy_term)
    return result


def schedule_dict(schedule: Schedule) -> JSONDict:
    return _fields(
        schedule,
        (
            "id",
            "service_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "freq",
            "interval",
            "byday",
            "bymonthday",
            "opens_at",
            "closes_at",
            "description",
            "schedule_link",
            "attending_type",
            "notes",
        ),
    )


def address_dict(address: Address) -> JSONDict:
    return _fields(
        address,
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    )


def accessibility_dict(accessibility: Accessibility) -> JSONDict:
    return _fields(accessibility, ("id", "location_id", "description", "details", "url"))


def location_dict(location: Location) -> JSONDict:
    """A location with its addresses and accessibility, plus our step-free and transport notes."""
    result = _fields(
        location,
        (
            "id",
            "location_type",
            "name",
            "description",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
            "wheelchair_accessible",
        ),
        transport="transportation",
    )
    result["addresses"] = _each(address_dict, location.addresses)
    result["accessibility"] = _each(accessibility_dict, location.accessibility)
    return result


def service_at_location_dict(link: ServiceAtLocation, service: JSONDict | None = None) -> JSONDict:
    """Where a service happens: the full location, its own schedules, and ``service`` if given."""
    result = _fields(link, ("id", "service_id", "location_id", "description"))
    result["location"] = location_dict(link.location)
    if link.schedules:
        result["schedules"] = _each(schedule_dict, link.schedules)
    if service is not None:
        result["service"] = service
    return result


def phone_dict(phone: Phone) -> JSONDict:
    return _fields(phone, ("id", "contact_id", "number", "description"))


def contact_dict(contact: Contact) -> JSONDict:
    result = _fields(contact, ("id", "service_id", "name", "title", "email"))
    result["phones"] = _each(phone_dict, contact.phones)
    return result


def cost_option_dict(option: CostOption) -> JSONDict:
    return _fields(
        option,
        ("id", "service_id", "valid_from", "valid_to", "option", "amount", "amount_description"),
    )


def language_dict(language: Language) -> JSONDict:
    return _fields(language, ("id", "service_id", "name", "code", "note"))


def service_area_dict(area: ServiceArea) -> JSONDict:
    """A service area; our ``description`` is ORUK's ``service_area`` text."""
    return _fields(
        area,
        ("id", "service_id", "name", "extent", "extent_type", "uri"),
        service_area="description",
    )


def service_minimal_dict(service: Service) -> JSONDict:
    """Just enough to tell whether a service changed (``minimal=true``); the list schema needs
    ``name`` and ``status`` too."""
    return _fields(service, ("id", "name", "status", "last_modified"))


def service_list_dict(service: Service) -> JSONDict:
    """A service's one-to-one fields and its organisation, as in ORUK list responses."""
    result = _fields(
        service,
        (
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "fees",
            "accreditations",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "alert",
            "last_modified",
            "eligibility_description",
            "self_referral",
            "how_to_access",
        ),
    )
    if service.organization is not None:
        result["organization"] = organization_dict(service.organization)
    return result


def service_full_dict(service: Service) -> JSONDict:
    """A fully nested service: everything ORUK's ``/services/{id}`` returns."""
    result = service_list_dict(service)
    result["service_at_locations"] = _each(service_at_location_dict, service.service_at_locations)
    result["schedules"] = _each(
        schedule_dict, (s for s in service.schedules if s.service_at_location_id is None)
    )
    result["cost_options"] = _each(cost_option_dict, service.cost_options)
    result["contacts"] = _each(contact_dict, service.contacts)
    result["languages"] = _each(language_dict, service.languages)
    result["service_areas"] = _each(service_area_dict, service.service_areas)
    result["attributes"] = _each(attribute_dict, service.attributes)
    return result


def full_service_loading() -> list[Any]:
    """Loader options that fetch everything ``service_full_dict`` reads in a few queries."""
    location = selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
    return [
        selectinload(Service.organization),
        location.selectinload(Location.addresses),
        location.selectinload(Location.accessibility),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
        selectinload(Service.schedules),
        selectinload(Service.cost_options),
        selectinload(Service.contacts).selectinload(Contact.phones),
        selectinload(Service.languages),
        selectinload(Service.service_areas),
        selectinload(Service.attributes),
    ]
