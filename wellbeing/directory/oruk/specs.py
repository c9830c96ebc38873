"""Which ORUK fields fill which columns, for every object the importer reads."""

import re
from dataclasses import replace
from typing import Any

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
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.oruk.values import (
    Invalid,
    Spec,
    fields,
    in_range,
    one_of,
    to_email,
    to_uuid,
    to_web_address,
)

DAY = r"[+-]?[1-5]?(?:MO|TU|WE|TH|FR|SA|SU)"
BYDAY_RE = re.compile(rf"^{DAY}(?:,{DAY})*$")
LOCATION_TYPES = ("physical", "postal", "virtual")


def to_byday(value: Any) -> str:
    text = str(value).replace(" ", "").upper()
    if not BYDAY_RE.match(text):
        raise Invalid(f"{value!r} is not a list of days like MO,WE or 2TU")
    return text


def to_country(value: Any) -> str:
    text = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise Invalid(f"{value!r} is not a two-letter country code like GB")
    return text


SCHEDULE = Spec(
    Schedule,
    fields(
        "id valid_from valid_to dtstart freq interval byday bymonthday opens_at closes_at "
        "description schedule_link attending_type notes"
    ),
    convert={
        "id": to_uuid,
        "freq": one_of("WEEKLY", "MONTHLY", "DAILY", "YEARLY", upper=True),
        "byday": to_byday,
        "schedule_link": to_web_address,
    },
)
PHONE = Spec(Phone, ("id", "number", "description"), frozenset({"number"}), {"id": to_uuid})
CONTACT = Spec(
    Contact,
    ("id", "name", "title", "email"),
    convert={"id": to_uuid, "email": to_email},
    children={"phones": PHONE},
)
SERVICE_AT_LOCATION = Spec(
    ServiceAtLocation,
    ("id", "description"),
    convert={"id": to_uuid},
    children={"schedules": SCHEDULE},
    key="location_id",  # one row per service and location
)
ATTRIBUTE = Spec(
    Attribute,
    ("id", "taxonomy_term_id", "value"),
    convert={"id": to_uuid, "taxonomy_term_id": to_uuid},
    key="taxonomy_term_id",  # one row per service and term
)
SERVICE = Spec(
    Service,
    fields(
        "id name description url email status fees accreditations minimum_age maximum_age "
        "assured_date assurer_email alert eligibility_description self_referral "
        "how_to_access"
    ),
    required=frozenset({"id", "name", "status"}),
    convert={
        "id": to_uuid,
        "url": to_web_address,
        "email": to_email,
        "assurer_email": to_email,
        "status": one_of(*(status.value for status in ServiceStatus)),
    },
    defaults={"description": ""},
    children={
        "schedules": SCHEDULE,
        "cost_options": Spec(
            CostOption,
            ("id", "valid_from", "valid_to", "option", "amount", "amount_description"),
            convert={"id": to_uuid},
        ),
        "contacts": CONTACT,
        "languages": Spec(Language, ("id", "name", "code", "note"), convert={"id": to_uuid}),
        "service_areas": Spec(
            ServiceArea,
            ("id", "name", "description", "extent", "extent_type", "uri"),
            convert={"id": to_uuid, "uri": to_web_address},
            aliases={"description": ("description", "service_area")},
        ),
    },
)
ADDRESS = Spec(
    Address,
    fields(
        "id attention address_1 address_2 city region state_province postal_code country "
        "address_type"
    ),
    required=frozenset({"address_1", "postal_code"}),
    convert={"id": to_uuid, "country": to_country},
    defaults={"city": "", "state_province": "", "country": "GB", "address_type": "physical"},
)
LOCATION = Spec(
    Location,
    fields(
        "id location_type name description latitude longitude external_identifier "
        "external_identifier_type transportation wheelchair_accessible"
    ),
    required=frozenset({"id"}),
    convert={
        "id": to_uuid,
        "location_type": one_of(*LOCATION_TYPES),
        "latitude": in_range(-90, 90),
        "longitude": in_range(-180, 180),
    },
    aliases={"transportation": ("transportation", "transport")},
    defaults={"location_type": "physical"},
    children={
        "addresses": ADDRESS,
        "accessibility": Spec(
            Accessibility,
            ("id", "description", "details", "url"),
            convert={"id": to_uuid, "url": to_web_address},
            aliases={"description": ("description", "accessibility")},
        ),
    },
)
ORGANIZATION = Spec(
    Organization,
    ("id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id"),
    required=frozenset({"id", "name"}),
    convert={
        "id": to_uuid,
        "email": to_email,
        "website": to_web_address,
        "logo": to_web_address,
        "uri": to_web_address,
        "parent_organization_id": to_uuid,
    },
    defaults={"description": ""},
)
TAXONOMY = Spec(
    Taxonomy,
    ("id", "name", "description", "uri", "version"),
    required=frozenset({"id", "name"}),
    convert={"id": to_uuid, "uri": to_web_address},
    defaults={"description": ""},
)
TAXONOMY_TERM = Spec(
    TaxonomyTerm,
    ("id", "name", "description", "code", "term_uri", "parent_id", "taxonomy_id"),
    required=frozenset({"id", "name"}),
    convert={
        "id": to_uuid,
        "parent_id": to_uuid,
        "taxonomy_id": to_uuid,
        "term_uri": to_web_address,
    },
    aliases={"code": ("code", "term")},
    defaults={"description": ""},
)
# The whole tree the upsert writes; the importer reads the last two by hand (they refer to shared
# locations and terms).
SERVICE_TREE = replace(
    SERVICE,
    children={
        **SERVICE.children,
        "service_at_locations": SERVICE_AT_LOCATION,
        "attributes": ATTRIBUTE,
    },
)
