"""Helpers for the ORUK API tests: the official ORUK 3.0 JSON schemas (from
``tests/data/oruk-3.0/schema``, BSD-3) and a few shortcuts."""

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wellbeing.directory.models import Service
from wellbeing.extensions import db

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "oruk-3.0" / "schema"
BASE = "/api/oruk"
SCHEMA_URL = "https://openreferraluk.org/specifications/3.0/schema/"

# jsonschema checks "date-time" and "uri" only with optional packages; these stand in for them.
FORMATS = FormatChecker()
FORMATS.checks("date-time", raises=ValueError)(
    lambda value: not isinstance(value, str) or bool(datetime.fromisoformat(value).tzinfo)
)
FORMATS.checks("uri")(
    lambda value: (
        not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)
    )
)


@cache
def _registry() -> Registry:
    assert SCHEMA_DIR.is_dir(), f"the ORUK schemas should be in {SCHEMA_DIR}"
    resources = [
        (
            SCHEMA_URL + path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in SCHEMA_DIR.glob("*.json")
    ]
    return Registry().with_resources(resources)


def schema_errors(schema_name: str, instance: Any) -> list[str]:
    """Every way ``instance`` breaks ORUK's ``schema_name`` (e.g. "service.json"), as messages."""
    validator = Draft202012Validator(
        {"$ref": SCHEMA_URL + schema_name}, registry=_registry(), format_checker=FORMATS
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def assert_valid(schema_name: str, instance: Any) -> None:
    errors = schema_errors(schema_name, instance)
    assert not errors, f"not a valid {schema_name}:\n" + "\n".join(errors[:20])


def get_json(client: FlaskClient, url: str, status: int = 200, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


def active_services() -> list[Service]:
    query = db.select(Service).where(Service.status == "active").order_by(Service.id)
    return list(db.session.execute(query).scalars())


def first_id(model: Any) -> str:
    return db.session.execute(db.select(model.id).order_by(model.id).limit(1)).scalar_one()


def bundled_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ORUK's schemas taken from ``tests/data`` rather than the web: each
    ``https://openreferraluk.org/.../schema/x.json`` reference points into
    ``components/schemas`` instead, so tools read it offline."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})

    def local(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_URL):
                name = "oruk_" + ref.removeprefix(SCHEMA_URL).removesuffix(".json")
                if name not in schemas:
                    schemas[name] = {}  # placed first: schemas refer to each other
                    path = SCHEMA_DIR / ref.removeprefix(SCHEMA_URL)
                    schemas[name] = local(json.loads(path.read_text(encoding="utf-8")))
                return {**node, "$ref": f"#/components/schemas/{name}"}
            return {key: local(value) for key, value in node.items()}
        if isinstance(node, list):
            return [local(item) for item in node]
        return node

    document["paths"] = local(document["paths"])
    return document
