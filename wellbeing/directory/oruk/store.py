"""The stored rows an import touches, loaded up front in a few queries (never one per record)."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute, selectinload

from wellbeing.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.oruk.records import Batch, Entry, Node
from wellbeing.directory.oruk.specs import LOCATION, SERVICE_TREE
from wellbeing.directory.oruk.values import Spec
from wellbeing.extensions import Model, db

OUTCOMES = ("created", "updated", "unchanged")  # strongest first
CHUNK = 500  # ids per IN (...) query, well under SQLite's parameter limit


class Outcomes:
    """What happened to each object, by kind ("service", "location", ...) and id."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, str]] = defaultdict(dict)

    def note(self, kind: str, object_id: str, outcome: str) -> None:
        earlier = self.by_kind[kind].get(object_id)
        if earlier is None or OUTCOMES.index(outcome) < OUTCOMES.index(earlier):
            self.by_kind[kind][object_id] = outcome

    def counts(self, kind: str) -> Counter[str]:
        return Counter(self.by_kind[kind].values())

    def ids(self, kind: str, *outcomes: str) -> set[str]:
        return {key for key, outcome in self.by_kind[kind].items() if outcome in outcomes}


def batched(keys: Iterable[str], size: int) -> Iterator[list[str]]:
    keys = list(keys)
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def loader_options(spec: Spec) -> list[Any]:
    """Eager loading for a spec's whole child tree, one SELECT per collection."""
    return [
        selectinload(getattr(spec.model, name)).options(*loader_options(child))
        for name, child in spec.children.items()
    ]


def id_attribute(model: type[Model]) -> InstrumentedAttribute[Any]:
    """``model.id``, which every directory model has but their declarative base does not declare."""
    return model.__mapper__.attrs["id"].class_attribute


def walk(node: Node, spec: Spec) -> Iterator[tuple[type[Model], Node]]:
    for name, children in node.children.items():
        for child in children:
            yield spec.children[name].model, child
            yield from walk(child, spec.children[name])


class Store:
    """The stored rows an import touches, by model and id, and the child ids already in use."""

    def __init__(self) -> None:
        self.rows: dict[type[Model], dict[str, Any]] = defaultdict(dict)
        self.taken: dict[type[Model], set[str]] = defaultdict(set)
        self.term_by_code: dict[str, str] = {}

    def load(self, model: type[Model], ids: Iterable[str | None], *options: Any) -> None:
        wanted = {key for key in ids if key} - self.rows[model].keys()
        for chunk in batched(sorted(wanted), CHUNK):
            query = db.select(model).where(id_attribute(model).in_(chunk)).options(*options)
            for row in db.session.execute(query).scalars():
                self.put(row)

    def load_taken(self, model: type[Model], ids: Iterable[str]) -> None:
        column = id_attribute(model)
        for chunk in batched(sorted(set(ids)), CHUNK):
            query = db.select(column).where(column.in_(chunk))
            self.taken[model].update(db.session.execute(query).scalars())

    def load_terms_by_code(self, codes: Iterable[str]) -> None:
        for chunk in batched(sorted(set(codes)), CHUNK):
            query = db.select(TaxonomyTerm).where(TaxonomyTerm.code.in_(chunk))
            for term in db.session.execute(query.order_by(TaxonomyTerm.id)).scalars():
                self.put(term)

    def put(self, row: Any) -> None:
        self.rows[type(row)][row.id] = row
        if isinstance(row, TaxonomyTerm) and row.code:
            self.term_by_code.setdefault(row.code, row.id)

    def get(self, model: type[Model], key: str | None) -> Any:
        return self.rows[model].get(key) if key else None


def values(entries: dict[str, Entry], key: str) -> list[Any]:
    return [entry.node.values.get(key) for entry in entries.values()]


def children(batch: Batch) -> dict[type[Model], list[Node]]:
    """Every child object in the batch (schedules, addresses, ...), by model."""
    found: dict[type[Model], list[Node]] = defaultdict(list)
    for spec, entries in ((SERVICE_TREE, batch.services), (LOCATION, batch.locations)):
        for entry in entries.values():
            for model, child in walk(entry.node, spec):
                found[model].append(child)
    return found


def prefetch(batch: Batch) -> Store:
    """Load every stored row the batch may touch or refer to."""
    store = Store()
    nested = children(batch)
    attributes = nested[Attribute]
    store.load(Taxonomy, chain(batch.taxonomies, values(batch.terms, "taxonomy_id")))
    term_ids = (attribute.values["taxonomy_term_id"] for attribute in attributes)
    store.load(TaxonomyTerm, chain(batch.terms, values(batch.terms, "parent_id"), term_ids))
    store.load_terms_by_code(a.term_code for a in attributes if a.term_code)
    organization_ids = chain(
        batch.organizations,
        values(batch.organizations, "parent_organization_id"),
        values(batch.services, "organization_id"),
    )
    store.load(Organization, organization_ids)
    located = (sal.values["location_id"] for sal in nested[ServiceAtLocation])
    store.load(Location, chain(batch.locations, located), *loader_options(LOCATION))
    store.load(Service, batch.services, *loader_options(SERVICE_TREE))
    for model, nodes in nested.items():
        store.load_taken(model, (node.id for node in nodes))
    return store
