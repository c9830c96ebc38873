"""Writing a validated ``Batch`` into the database: create or update by id, and only what changed.

Stored rows are loaded up front (see ``store``). Each object is compared
field by field with what is stored and written only when different, so importing the same data
again issues no UPDATE at all: ``updated_at`` and ``last_modified`` stay as they were. Child
collections are matched by id (service_at_locations by location, attributes by term), updated in
place, added or removed. References to objects that are neither in the batch nor stored are dropped
with a warning. Every created or updated service, and every service whose organisation, location
or taxonomy term changed, is queued for the search index; nothing is committed here.
"""

from typing import Any

from wellbeing.database import utcnow
from wellbeing.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.oruk.records import Batch, Entry, Node, Source
from wellbeing.directory.oruk.specs import (
    LOCATION,
    ORGANIZATION,
    SERVICE_TREE,
    TAXONOMY,
    TAXONOMY_TERM,
)
from wellbeing.directory.oruk.store import CHUNK, Outcomes, Store, batched, prefetch
from wellbeing.directory.oruk.values import Spec
from wellbeing.directory.search.queue import queue_services
from wellbeing.extensions import Model, db


def parents_first(entries: dict[str, Entry], parent_key: str) -> list[Entry]:
    """Entries ordered so that a parent in the batch is written before its children."""
    ordered: list[Entry] = []
    placed: set[str] = set()

    def place(key: str, trail: frozenset[str]) -> None:
        if key in placed or key in trail:  # done already, or a cycle
            return
        parent = entries[key].node.values.get(parent_key)
        if parent in entries:
            place(parent, trail | {key})
        placed.add(key)
        ordered.append(entries[key])

    for key in entries:
        place(key, frozenset())
    return ordered


class Upsert:
    """Writes batch entries over the stored rows, noting each outcome."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.outcomes = Outcomes()

    def apply(self, batch: Batch) -> Outcomes:
        for entry in batch.taxonomies.values():
            self.write("taxonomy", TAXONOMY, entry)
        for entry in parents_first(batch.terms, "parent_id"):
            self.resolve(entry, "parent_id", TaxonomyTerm)
            self.resolve(entry, "taxonomy_id", Taxonomy)
            self.write("taxonomy term", TAXONOMY_TERM, entry)
        for entry in parents_first(batch.organizations, "parent_organization_id"):
            self.resolve(entry, "parent_organization_id", Organization)
            self.write("organisation", ORGANIZATION, entry)
        for entry in batch.locations.values():
            self.write("location", LOCATION, entry)
        for entry in batch.services.values():
            self.write_service(entry)
        queue_services(self.services_to_reindex())
        return self.outcomes

    def resolve(self, entry: Entry, key: str, model: type[Model]) -> None:
        reference = entry.node.values.get(key)
        if reference and self.store.get(model, reference) is None:
            what = entry.node.values.get("name") or entry.node.id
            entry.source.warn(
                f"{key} {reference} of {what!r} is in neither this file nor the directory: "
                "dropped it"
            )
            entry.node.values[key] = None

    def write(self, kind: str, spec: Spec, entry: Entry, keep: frozenset[str] = frozenset()):
        """Create or update one object; returns it and whether it was created or changed."""
        row = self.store.get(spec.model, entry.node.id)
        created = row is None
        if created:
            row = spec.model()
            db.session.add(row)
        changed = self.sync(row, entry.node, spec, entry.source, keep)
        self.store.put(row)
        if kind != "service":  # a service notes its outcome after last_modified
            self.finish(kind, row, created, changed)
        return row, created, changed

    def finish(self, kind: str, row: Any, created: bool, changed: bool) -> None:
        if changed and not created and hasattr(row, "updated_at"):
            row.updated_at = utcnow()  # also when only a child changed
        outcome = "created" if created else "updated" if changed else "unchanged"
        self.outcomes.note(kind, row.id, outcome)

    def write_service(self, entry: Entry) -> None:
        self.resolve(entry, "organization_id", Organization)
        children = entry.node.children
        if "service_at_locations" in children:
            children["service_at_locations"] = self.known(
                entry, children["service_at_locations"], "location_id", Location
            )
        if "attributes" in children:
            for attribute in children["attributes"]:
                by_code = self.store.term_by_code.get(attribute.term_code or "")
                if by_code and not self.store.get(
                    TaxonomyTerm, attribute.values["taxonomy_term_id"]
                ):
                    attribute.values["taxonomy_term_id"] = by_code
            children["attributes"] = self.known(
                entry, children["attributes"], "taxonomy_term_id", TaxonomyTerm
            )
        keep = frozenset({"service_at_locations"} if entry.merge_locations else ())
        service, created, changed = self.write("service", SERVICE_TREE, entry, keep)
        if entry.last_modified and service.last_modified != entry.last_modified:
            service.last_modified = entry.last_modified
            changed = True
        elif (created or changed) and not entry.last_modified:
            service.last_modified = utcnow()
        self.finish("service", service, created, changed)

    def known(self, entry: Entry, nodes: list[Node], key: str, model: type[Model]) -> list[Node]:
        """The child nodes whose reference resolves; the others are dropped with a warning."""
        kept = []
        for node in nodes:
            if self.store.get(model, node.values[key]) is None:
                what = node.values[key] or node.term_code or "(none given)"
                entry.source.warn(
                    f"{model.__tablename__} {what} is in neither this file nor the directory: "
                    "dropped the link to it"
                )
            else:
                kept.append(node)
        return kept

    def sync(self, row: Any, node: Node, spec: Spec, source: Source, keep=frozenset()) -> bool:
        """Make ``row`` say what ``node`` says; True when anything had to change."""
        changed = False
        for key, value in node.values.items():
            if key == "id" and row.id is not None:
                continue  # matched by another key (a service's location): keep the stored id
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        for name, nodes in node.children.items():
            collection = getattr(row, name)
            changed |= self.sync_list(
                collection, nodes, spec.children[name], source, name not in keep
            )
        return changed

    def sync_list(
        self, collection: list, nodes: list[Node], spec: Spec, source: Source, prune: bool
    ) -> bool:
        stored = {getattr(child, spec.key): child for child in collection}
        seen: set[Any] = set()
        changed = False
        for node in nodes:
            key = node.values[spec.key]
            if key in seen:
                continue  # the same child twice in the input: the first one counts
            seen.add(key)
            child = stored.get(key)
            if child is None:
                if node.id in self.store.taken[spec.model]:
                    source.warn(
                        f"{spec.model.__tablename__} {node.id} belongs to another record: "
                        "dropped it"
                    )
                    continue
                self.store.taken[spec.model].add(node.id)
                child = spec.model()
                collection.append(child)
                changed = True
            changed |= self.sync(child, node, spec, source)
        for key, child in stored.items():
            if prune and key not in seen:
                collection.remove(child)
                changed = True
        return changed

    def services_to_reindex(self) -> set[str]:
        """Services written, and the services of every organisation, location or term updated."""
        ids = self.outcomes.ids("service", "created", "updated")
        links = (
            ("organisation", Service.id, Service.organization_id),
            ("location", ServiceAtLocation.service_id, ServiceAtLocation.location_id),
            ("taxonomy term", Attribute.link_id, Attribute.taxonomy_term_id),
        )
        for kind, service_id, link in links:
            updated = self.outcomes.ids(kind, "updated")
            for chunk in batched(sorted(updated), CHUNK):
                ids.update(
                    db.session.execute(db.select(service_id).where(link.in_(chunk))).scalars()
                )
        return ids


def upsert_batch(batch: Batch) -> Outcomes:
    """Write the batch over what is stored and queue the search index; the caller commits."""
    return Upsert(prefetch(batch)).apply(batch)
