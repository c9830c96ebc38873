"""Our OpenAPI document: ORUK 3.0's own (BSD-3, shipped beside this module) with our base URL
and the extra parameters we accept."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

ORUK_OPENAPI = Path(__file__).resolve().parent / "oruk-openapi.json"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0/"

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
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                            "parameter": {"type": "string"},
                        },
                    }
                },
            }
        }
    },
}


@cache
def _oruk_document() -> dict[str, Any]:
    return json.loads(ORUK_OPENAPI.read_text(encoding="utf-8"))


def openapi_document(base_url: str) -> dict[str, Any]:
    """ORUK's OpenAPI document served from ``base_url``, documenting our extension parameters."""
    document = copy.deepcopy(_oruk_document())
    document["info"].update(
        title="Wellbeing directory: Open Referral UK API",
        summary="Community services for social prescribing, published as Open Referral UK 3.0.",
        contact={"name": "Wellbeing", "url": base_url},
    )
    document["servers"] = [{"url": base_url.rstrip("/")}]
    parameters = document["components"]["parameters"]
    for name, (kind, description) in EXTENSION_PARAMETERS.items():
        parameters[name] = {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": {"type": kind},
        }
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
        operation["responses"]["400"] = ERROR_RESPONSE
        if "{id}" in path:
            operation["responses"]["404"] = ERROR_RESPONSE
    return document
