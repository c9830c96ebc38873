"""Our OpenAPI document: ORUK 3.0's own (BSD-3, shipped beside this module) with our base URL,
the extra parameters we accept, the bound of every parameter and the errors we answer with."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from wellbeing.directory.models import ServiceStatus
from wellbeing.directory.oruk import params
from wellbeing.errors import error_schema
from wellbeing.query_args import MAX_PAGE

ORUK_OPENAPI = Path(__file__).resolve().parent / "oruk-openapi.json"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0/"
NDJSON = "application/x-ndjson"

EXTENSION_PARAMETERS: dict[str, tuple[str, str]] = {
    "status": (
        "string",
        "Wellbeing extension. Comma-separated service statuses to include (active, inactive, "
        "defunct, temporarily closed). Default: active only.",
    ),
    "open_now": ("boolean", "Wellbeing extension. Only services open at the time of the request."),
    "free": ("boolean", "Wellbeing extension. Only services with a free cost option."),
    "age": ("integer", "Wellbeing extension. Only services open to people of this age (years)."),
    "wheelchair_accessible": (
        "boolean",
        "Wellbeing extension. Only services with a step-free location.",
    ),
    "self_referral": (
        "boolean",
        "Wellbeing extension. Only services people can refer themselves to, or just turn up at.",
    ),
}
_ID_LIST = (
    f"Comma-separated ids (UUIDs), at most {params.MAX_LIST_ITEMS}; the parameter may also be "
    "repeated. Any of them matches."
)
_STATUS = "(?:" + "|".join(status.value for status in ServiceStatus) + ")"
# What we accept beyond ORUK's bare types; a value outside them gets a 400 naming the parameter.
PARAMETER_SCHEMAS: dict[str, tuple[dict[str, Any], str]] = {
    "page": ({"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, ""),
    "per_page": (
        {
            "type": "integer",
            "minimum": 1,
            "maximum": params.MAX_PER_PAGE,
            "default": params.DEFAULT_PER_PAGE,
        },
        "",
    ),
    "format": ({"type": "string", "enum": ["json", "ndjson"], "default": "json"}, ""),
    # ORUK's document says "datetime", which is no format.
    "modified_after": (
        {"type": "string", "format": "date-time"},
        "Results modified at or after this moment: an ISO 8601 date-time, or a date (its "
        "midnight); without an offset, UTC. Years 1 to 9999.",
    ),
    "taxonomy_term_id": ({"type": "string"}, _ID_LIST),
    "taxonomy_id": ({"type": "string", "format": "uuid"}, ""),
    "organization_id": ({"type": "string", "format": "uuid"}, ""),
    "postcode": (
        {"type": "string", "maxLength": 32},
        "A UK postcode (GL1 2HT) or outward code (GL1); an unknown one is a 400.",
    ),
    # ORUK's document says string; it is a whole number of metres.
    "proximity": (
        {"type": "integer", "minimum": 1, "maximum": params.MAX_PROXIMITY_M},
        "Metres from the postcode's centre; needs a postcode.",
    ),
    "age": ({"type": "integer", "minimum": 0, "maximum": params.MAX_AGE}, ""),
    "status": ({"type": "string", "pattern": rf"^{_STATUS}(,{_STATUS})*$"}, ""),
}
INLINE_PARAMETERS = {"parent_id": {"type": "string", "format": "uuid"}}
SEARCH_PATHS = ("/services", "/service_at_locations")
# Paths that publish services, where ``status`` may ask for more than the active ones.
STATUS_PATHS = (
    "/services/{id}",
    "/service_at_locations/{id}",
    "/organizations",
    "/organizations/{id}",
)
ERROR_RESPONSE = {
    "description": "Bad input (the message names the parameter) or an unknown id.",
    "content": {"application/json": {"schema": error_schema(parameter={"type": "string"})}},
}


@cache
def _oruk_document() -> dict[str, Any]:
    return json.loads(ORUK_OPENAPI.read_text(encoding="utf-8"))


def _bound_parameters(document: dict[str, Any]) -> None:
    """Each parameter's schema says what we accept; extension parameters are added."""
    parameters = document["components"]["parameters"]
    for name, (kind, description) in EXTENSION_PARAMETERS.items():
        parameters[name] = {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": {"type": kind},
        }
    for name, (schema, note) in PARAMETER_SCHEMAS.items():
        parameters[name]["schema"] = schema
        if note:
            parameters[name]["description"] = note


def _documented_answers(path: str, operation: dict[str, Any]) -> None:
    """The errors every operation can answer with, and ndjson for the lists."""
    operation["responses"]["400"] = ERROR_RESPONSE
    if "{id}" in path:
        operation["responses"]["404"] = ERROR_RESPONSE
    for parameter in operation.get("parameters", []):
        if parameter.get("name") in INLINE_PARAMETERS:
            parameter["schema"] = INLINE_PARAMETERS[parameter["name"]]
    if any(p.get("$ref", "").endswith("/format") for p in operation.get("parameters", [])):
        content = operation["responses"]["200"]["content"]
        content[NDJSON] = {"schema": {"type": "string", "description": "One JSON item a line."}}


def openapi_document(base_url: str) -> dict[str, Any]:
    """ORUK's OpenAPI document served from ``base_url``, documenting what we accept."""
    document = copy.deepcopy(_oruk_document())
    document["info"].update(
        title="Wellbeing directory: Open Referral UK API",
        summary="Community services for social prescribing, published as Open Referral UK 3.0.",
        contact={"name": "Wellbeing", "url": base_url},
    )
    document["servers"] = [{"url": base_url.rstrip("/")}]
    _bound_parameters(document)
    for path, item in document["paths"].items():
        operation = item["get"]
        if path in SEARCH_PATHS:
            operation["parameters"] += [
                {"$ref": f"#/components/parameters/{name}"} for name in EXTENSION_PARAMETERS
            ]
        elif path in STATUS_PATHS:
            operation.setdefault("parameters", []).append(
                {"$ref": "#/components/parameters/status"}
            )
        _documented_answers(path, operation)
    return document
