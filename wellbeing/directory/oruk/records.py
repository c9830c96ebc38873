"""What the importer builds from its input: validated objects (``Node``) gathered in a ``Batch``."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ImportFileError(Exception):
    """The file cannot be read at all; nothing was imported."""


class RecordError(ValueError):
    """The record's own data is invalid: it is skipped, with this reason."""


@dataclass
class Source:
    """Where objects came from ("record 3 (Name)"), and what was corrected or skipped there."""

    label: str
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.label}: {message}")

    def skip(self, reason: str, where: str = "") -> None:
        self.skipped.append(f"{self.label}{', ' + where if where else ''}: {reason}")


@dataclass
class Node:
    """One incoming object: typed column values and the child collections it carries."""

    values: dict[str, Any]
    children: dict[str, list["Node"]] = field(default_factory=dict)
    term_code: str | None = None  # an attribute that names its term by code (CSV layout)

    @property
    def id(self) -> str:
        return self.values["id"]


@dataclass
class Entry:
    node: Node
    source: Source
    last_modified: datetime | None = None
    merge_locations: bool = False  # a service_at_location record: keep the service's others


@dataclass
class Batch:
    """Everything one import will upsert, each object once, keyed by id."""

    taxonomies: dict[str, Entry] = field(default_factory=dict)
    terms: dict[str, Entry] = field(default_factory=dict)
    organizations: dict[str, Entry] = field(default_factory=dict)
    locations: dict[str, Entry] = field(default_factory=dict)
    services: dict[str, Entry] = field(default_factory=dict)

    def add_service(self, entry: Entry) -> None:
        """A service seen again (one service_at_location each, say) gathers what each copy says."""
        earlier = self.services.get(entry.node.id)
        if earlier is None:
            self.services[entry.node.id] = entry
            return
        locations = earlier.node.children.get("service_at_locations", [])
        earlier.node.values = entry.node.values
        earlier.node.children.update(entry.node.children)
        if entry.merge_locations:
            new = entry.node.children["service_at_locations"]
            earlier.node.children["service_at_locations"] = locations + new
        earlier.last_modified = entry.last_modified or earlier.last_modified
        earlier.merge_locations = earlier.merge_locations and entry.merge_locations
