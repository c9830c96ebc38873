"""Our CSV layout: one row per service at a location, turned into ORUK service objects.

Rows that share a ``service_id`` are one service with several locations; the service's own
columns are read from its first row. The columns are documented in README.md ("Importing directory
data"); a ``schedule`` cell reads ``MO,WE 18:00-20:00; 2SA 10:00-12:00`` (see ``parse_schedule``).
A CSV import writes only the fields its columns cover, so data that came from a richer ORUK file
(an organisation's description, say) is kept.
"""

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

from wellbeing.directory.oruk.records import ImportFileError
from wellbeing.directory.oruk.specs import to_byday
from wellbeing.directory.oruk.values import PARTIAL, Invalid, derived_id, fields, to_time

SERVICE_COLUMNS = fields(
    "service_id service_name service_description organization_id organization_name status url "
    "email phone minimum_age maximum_age fees cost_amount cost_description self_referral "
    "eligibility how_to_access taxonomy_terms area assured_date"
)
LOCATION_COLUMNS = fields(
    "location_id location_name address_1 city postcode latitude longitude wheelchair_accessible"
)
COLUMNS = (*SERVICE_COLUMNS, *LOCATION_COLUMNS, "schedule")
REQUIRED_COLUMNS = ("service_id", "service_name", "status")
ENTRY_RE = re.compile(r"^(?P<days>\S+)\s+(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$")
# What each service column becomes in the ORUK service object.
SERVICE_FIELDS = {
    "service_id": "id",
    "service_name": "name",
    "service_description": "description",
    "status": "status",
    "url": "url",
    "email": "email",
    "minimum_age": "minimum_age",
    "maximum_age": "maximum_age",
    "fees": "fees",
    "self_referral": "self_referral",
    "eligibility": "eligibility_description",
    "how_to_access": "how_to_access",
    "assured_date": "assured_date",
}

Read = tuple[str, dict[str, Any], list[str]]  # position, ORUK service object, warnings


def parse_schedule(text: str) -> list[dict[str, Any]]:
    """``"MO,WE 18:00-20:00; 2SA 10:00-12:00"`` -> ORUK schedules; ValueError when malformed.

    Entries are separated by ``;``. Days are RFC 5545 ``BYDAY`` codes; an entry whose days carry
    a week number (``2SA``, the second Saturday; ``-1FR``, the last Friday) is monthly, else weekly.
    """
    schedules = []
    for part in filter(None, (part.strip() for part in text.split(";"))):
        match = ENTRY_RE.match(part.upper())
        if not match:
            raise ValueError(f"{part!r} is not like 'MO,WE 18:00-20:00'")
        byday = to_byday(match["days"])
        numbered = [bool(re.match(r"[+-]?\d", day)) for day in byday.split(",")]
        if any(numbered) and not all(numbered):
            raise ValueError(f"{part!r} mixes weekly and monthly days")
        opens, closes = to_time(match["opens"]), to_time(match["closes"])
        if closes <= opens:
            raise ValueError(f"{part!r} closes before it opens")
        freq = "MONTHLY" if any(numbered) else "WEEKLY"
        schedules.append({"freq": freq, "byday": byday, "opens_at": opens, "closes_at": closes})
    return schedules


def read_csv(text: str, name: str) -> list[Read]:
    """Each service in the file, as an ORUK service object, with its rows' position."""
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError(f"{name} is not a readable CSV file: {error}") from None
    header = {key.strip().lower() for key in (rows[0].keys() if rows else ()) if key}
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(f"{name} needs the columns {', '.join(missing)} (see README.md)")
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in enumerate(rows, 2):  # row 1 is the header, as in a spreadsheet
        cells = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        groups.setdefault(cells["service_id"] or f"row {number}", []).append((number, cells))
    reads = [_service(group) for group in groups.values()]
    unknown = sorted(header - set(COLUMNS))
    if unknown and reads:
        reads[0][2].append(f"ignored the unknown columns {', '.join(unknown)}")
    return reads


def _service(group: list[tuple[int, dict[str, str]]]) -> Read:
    numbers = [str(number) for number, _ in group]
    position = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {', '.join(numbers)}"
    first = group[0][1]
    warnings: list[str] = []
    service: dict[str, Any] = {PARTIAL: True}
    service.update({field: first.get(column, "") for column, field in SERVICE_FIELDS.items()})
    service["organization_id"] = first.get("organization_id", "")
    if first.get("organization_name"):
        service["organization"] = {
            PARTIAL: True,
            "id": first.get("organization_id") or derived_id("org", first["organization_name"]),
            "name": first["organization_name"],
        }
    service["contacts"] = [{"phones": [{"number": first["phone"]}]}] if first.get("phone") else []
    service["cost_options"] = []
    if first.get("cost_amount") or first.get("cost_description"):
        cost = {
            "amount": first.get("cost_amount"),
            "amount_description": first.get("cost_description"),
        }
        service["cost_options"].append(cost)
    service["service_areas"] = [{"name": first["area"]}] if first.get("area") else []
    codes = filter(None, (code.strip() for code in first.get("taxonomy_terms", "").split(";")))
    service["attributes"] = [{"taxonomy_term": {"term": code}} for code in codes]
    service["service_at_locations"] = []
    service["schedules"] = []
    for number, row in group:
        where = f"row {number}: " if len(group) > 1 else ""
        schedules = _schedules(row.get("schedule", ""), where, warnings)
        location = _location(row)
        if location is None:
            service["schedules"] += schedules
        else:
            service["service_at_locations"].append({"location": location, "schedules": schedules})
    return position, service, warnings


def _schedules(text: str, where: str, warnings: list[str]) -> list[dict[str, Any]]:
    try:
        return parse_schedule(text)
    except (ValueError, Invalid) as error:
        warnings.append(f"{where}schedule {error}: dropped it")
        return []


def _location(row: Mapping[str, str]) -> dict[str, Any] | None:
    if not any(row.get(column) for column in LOCATION_COLUMNS):
        return None  # a telephone or online service
    key = [row.get(column, "").lower() for column in ("postcode", "address_1", "location_name")]
    location: dict[str, Any] = {
        PARTIAL: True,
        "id": row.get("location_id") or derived_id("location", *key),
        "name": row.get("location_name", ""),
        "latitude": row.get("latitude", ""),
        "longitude": row.get("longitude", ""),
        "wheelchair_accessible": row.get("wheelchair_accessible", ""),
    }
    if row.get("address_1") or row.get("postcode"):
        address = {"address_1": row.get("address_1"), "city": row.get("city"), "country": "GB"}
        location["addresses"] = [{**address, "postal_code": row.get("postcode")}]
    return location
