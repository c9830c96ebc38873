"""Importing a file of directory data: read it, tell each object's kind, validate, upsert, report.

A ``.csv`` file is read in our CSV layout (``csv_layout``). Anything else is Open Referral UK 3.0
JSON: one page of a list endpoint (``{"contents": [...], "total_items": ...}``), a JSON array, a
single object, or newline-delimited JSON (one object per line). Each object may be a service, an
organisation (with nested ``services``), a service_at_location (with nested ``service`` and
``location``), a taxonomy (with ``taxonomy_terms``) or a taxonomy term. How bad values are
handled is described in ``oruk_in``; how rows are written, in ``upsert``.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wellbeing.directory.oruk import csv_layout
from wellbeing.directory.oruk.incoming import (
    add_organization,
    add_service,
    add_service_at_location,
    add_taxonomy,
    add_term,
)
from wellbeing.directory.oruk.records import Batch, ImportFileError, RecordError, Source
from wellbeing.directory.oruk.store import Outcomes
from wellbeing.directory.oruk.upsert import upsert_batch
from wellbeing.extensions import db

SERVICE_KEYS = {"status", "organization", "organization_id", "service_at_locations", "schedules"}
TERM_KEYS = {"term", "code", "parent_id", "taxonomy_id", "taxonomy", "term_uri"}
ORGANIZATION_KEYS = {"website", "logo", "parent_organization_id", "organization_identifiers"}
KINDS = (
    ("service", "services"),
    ("organisation", "organisations"),
    ("location", "locations"),
    ("taxonomy", "taxonomies"),
    ("taxonomy term", "taxonomy terms"),
)
ADDERS: dict[str, Callable[[Batch, Mapping[str, Any], Source], None]] = {
    "taxonomy": add_taxonomy,
    "service_at_location": add_service_at_location,
    "organization": add_organization,
    "service": add_service,
    "taxonomy_term": add_term,
}


@dataclass
class Item:
    """One top-level object of the file, where it was, and what reading it already found."""

    position: str  # "record 3", "line 3", "rows 2-4"
    raw: Any
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # could not be read: the item is skipped with this reason


@dataclass
class ImportReport:
    outcomes: Outcomes
    sources: list[Source]

    @property
    def warnings(self) -> list[str]:
        return [warning for source in self.sources for warning in source.warnings]

    @property
    def skipped(self) -> list[str]:
        return [skipped for source in self.sources for skipped in source.skipped]

    def summary(self) -> list[str]:
        """One line per kind of object written, and the number of records skipped."""
        lines = []
        for kind, plural in KINDS:
            counts = self.outcomes.counts(kind)
            if counts.total():
                lines.append(
                    f"{plural.capitalize()}: {counts['created']} created, "
                    f"{counts['updated']} updated, {counts['unchanged']} unchanged"
                )
        lines.append(f"Skipped: {len(self.skipped)} invalid records")
        return lines


def read_items(path: Path) -> list[Item]:
    """The top-level objects of an import file; ImportFileError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name} is not UTF-8 text (JSON or CSV)") from None
    except OSError as error:
        raise ImportFileError(f"{path}: {error.strerror}") from None
    if path.suffix.lower() == ".csv":
        return [Item(*read) for read in csv_layout.read_csv(text, path.name)]
    return read_json(text, path.name)


def read_json(text: str, name: str) -> list[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # a first object, then more: newline-delimited JSON
            return read_ndjson(text)
        raise ImportFileError(
            f"{name} is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("contents"), list):
        data = data["contents"]  # one page of an ORUK list endpoint
    items = data if isinstance(data, list) else [data]
    return [Item(f"record {number}", raw) for number, raw in enumerate(items, 1)]


def read_ndjson(text: str) -> list[Item]:
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                items.append(Item(f"line {number}", json.loads(line)))
            except json.JSONDecodeError as error:
                items.append(Item(f"line {number}", None, error=f"not JSON: {error.msg}"))
    return items


def kind_of(raw: Mapping[str, Any]) -> str | None:
    """Which ORUK object this is, from the fields only that kind has."""
    keys = raw.keys()
    if "taxonomy_terms" in keys:
        return "taxonomy"
    if isinstance(raw.get("service"), Mapping):
        return "service_at_location"
    if "services" in keys:
        return "organization"
    if keys & SERVICE_KEYS:
        return "service"
    if keys & TERM_KEYS:
        return "taxonomy_term"
    if "version" in keys:
        return "taxonomy"
    if keys & ORGANIZATION_KEYS:
        return "organization"
    return None


def label(item: Item) -> str:
    raw = item.raw if isinstance(item.raw, Mapping) else {}
    name = raw.get("name") or (raw.get("service") or {}).get("name")
    if isinstance(name, str) and name.strip():
        return f"{item.position} ({name.strip()[:80]})"
    return f"{item.position} (id {raw['id']})" if raw.get("id") else item.position


def add_item(batch: Batch, item: Item, source: Source) -> None:
    if item.error:
        raise RecordError(item.error)
    if not isinstance(item.raw, Mapping):
        raise RecordError("not a JSON object")
    kind = kind_of(item.raw)
    if kind is None:
        raise RecordError("not a service, organisation, taxonomy or taxonomy term")
    ADDERS[kind](batch, item.raw, source)


def import_items(items: list[Item], progress: Callable[[int], Any] | None = None) -> ImportReport:
    """Validate and upsert every item (flushed, not committed); invalid ones are reported."""
    batch = Batch()
    sources = []
    for item in items:
        source = Source(label(item))
        for warning in item.warnings:
            source.warn(warning)
        try:
            add_item(batch, item, source)
        except RecordError as error:
            source.skip(str(error))
        sources.append(source)
        if progress is not None:
            progress(1)
    outcomes = upsert_batch(batch)
    db.session.flush()
    return ImportReport(outcomes, sources)


def import_path(path: Path) -> ImportReport:
    """Import one file (see the module docstring); the caller commits."""
    return import_items(read_items(path))
