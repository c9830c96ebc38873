"""Open Referral UK 3.0 objects in: validate each one and normalise it into a ``Batch`` to upsert.

The rule for bad data:

- A record's own fields decide whether it is kept. A service needs a UUID ``id``, a ``name`` and a
  ``status`` (one of ``ServiceStatus``); an organisation, taxonomy or taxonomy term an ``id`` and a
  ``name``. Any invalid own value (a date that is not ISO, an age that is not a whole number 0 or
  more, a maximum age below the minimum, ...) skips the record, with the reason. Services inside an
  organisation and terms inside a taxonomy are records of their own.
- A value nested inside a kept record that cannot be right (latitude 100, a time "25:00", an
  organisation without a name) is dropped, with a warning, and the record is kept. So is a link
  that is not an ``http(s)`` address with a host (``javascript:...``) or an email address that is
  not valid, wherever it is, the record's own fields included (``values.Droppable``). Coordinates
  dropped or missing are taken from the address's UK postcode when the postcode table knows it; a
  postal code that is not a UK postcode is kept as given; a nested object that lacks what it
  cannot do without (an address without ``address_1``, a phone without a number) is dropped.
  References to objects that are neither in the file nor in the database (a dangling
  ``parent_organization_id``) are dropped when the batch is upserted (see ``upsert``).
- A child collection (``schedules``, ``contacts``, ...) that the object carries replaces the stored
  one; a collection the object leaves out is left as stored. Children without an id get a stable
  derived id, so importing the same file twice changes nothing.
"""

from collections.abc import Mapping
from typing import Any

from wellbeing.directory.geo import PostcodeError, lookup_postcode, normalise_postcode
from wellbeing.directory.oruk.records import Batch, Entry, Node, RecordError, Source
from wellbeing.directory.oruk.specs import (
    ATTRIBUTE,
    LOCATION,
    ORGANIZATION,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
)
from wellbeing.directory.oruk.values import (
    Invalid,
    Spec,
    derived_id,
    read_values,
    to_datetime,
    to_uuid,
)


def read_node(
    raw: Any, spec: Spec, source: Source, where: str, derive: tuple[str, ...] | None = None
) -> Node | None:
    """A nested object: bad values are dropped with a warning, as is an object missing its core."""
    if not isinstance(raw, Mapping):
        source.warn(f"{where}: not a JSON object: dropped")
        return None
    values, problems = read_values(raw, spec)
    fatal = [str(p) for p in problems if p.required or p.field == "id"]
    if values.get("id") is None and not fatal and derive is None:
        fatal = ["id is required"]
    if fatal:
        source.warn(f"{where}: {fatal[0]}: dropped it")
        return None
    for problem in problems:
        source.warn(f"{where}: {problem}: dropped the value")
    if values.get("id") is None and derive is not None:  # without ``derive`` it was fatal above
        values["id"] = derived_id(*derive)
    node = Node(values)
    read_children(node, raw, spec, source, where)
    return node


def read_children(
    node: Node, raw: Mapping[str, Any], spec: Spec, source: Source, where: str
) -> None:
    """The child collections ``raw`` carries (one it leaves out stays as stored)."""
    for name, child_spec in spec.children.items():
        if raw.get(name) is not None:
            node.children[name] = read_list(raw[name], child_spec, source, f"{where}.{name}", node)


def read_list(items: Any, spec: Spec, source: Source, where: str, parent: Node) -> list[Node]:
    if not isinstance(items, list):
        source.warn(f"{where}: not a list: ignored")
        return []
    name = where.rsplit(".", 1)[-1]
    nodes = (
        read_node(item, spec, source, f"{where}[{i}]", (parent.id, name, str(i)))
        for i, item in enumerate(items)
    )
    return [node for node in nodes if node is not None]


def read_record(raw: Mapping[str, Any], spec: Spec, source: Source) -> Node:
    """A record's own values; an invalid one skips the record, unless it can be dropped."""
    values, problems = read_values(raw, spec)
    fatal = [str(problem) for problem in problems if not problem.droppable]
    if fatal:
        raise RecordError("; ".join(fatal))
    for problem in problems:
        source.warn(f"{problem}: dropped the value")
    return Node(values)


def add_service(
    batch: Batch,
    raw: Any,
    source: Source,
    organization_id: str | None = None,
    merge_locations: bool = False,
) -> None:
    """Validate an ORUK service (with whatever it nests) and add it to the batch."""
    if not isinstance(raw, Mapping):
        raise RecordError("not a JSON object")
    node = read_record(raw, SERVICE, source)
    values = node.values
    ages = (values["minimum_age"], values["maximum_age"])
    if None not in ages and ages[1] < ages[0]:
        raise RecordError("maximum_age is below minimum_age")
    try:
        last_modified = to_datetime(raw["last_modified"]) if raw.get("last_modified") else None
        values["organization_id"] = organization_id or _organization_id(batch, raw, source)
    except Invalid as error:
        raise RecordError(str(error)) from None
    read_children(node, raw, SERVICE, source, "service")
    _service_phones(raw, node, source)
    if raw.get("service_at_locations") is not None:
        node.children["service_at_locations"] = _service_at_locations(batch, raw, node, source)
    if raw.get("attributes") is not None:
        node.children["attributes"] = _attributes(batch, raw["attributes"], node, source)
    batch.add_service(Entry(node, source, last_modified, merge_locations))


def _organization_id(batch: Batch, raw: Mapping[str, Any], source: Source) -> str | None:
    if raw.get("organization") is not None:
        organization = read_node(raw["organization"], ORGANIZATION, source, "organization")
        if organization is not None:
            batch.organizations.setdefault(organization.id, Entry(organization, source))
            return organization.id
    return to_uuid(raw["organization_id"]) if raw.get("organization_id") else None


def _service_phones(raw: Mapping[str, Any], node: Node, source: Source) -> None:
    """Phones given on the service itself are kept on a contact of their own."""
    if raw.get("phones") is None:
        return
    contact = read_node(
        {"phones": raw["phones"]},
        SERVICE.children["contacts"],
        source,
        "service",
        (node.id, "service-phones"),
    )
    if contact is not None and contact.children.get("phones"):
        node.children.setdefault("contacts", []).append(contact)


def _service_at_locations(batch: Batch, raw: Mapping, node: Node, source: Source) -> list[Node]:
    nodes = []
    items = raw["service_at_locations"]
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = f"service_at_locations[{i}]"
        location_id = None
        if isinstance(item, Mapping) and item.get("location") is not None:
            location = read_location(item["location"], source, f"{where}.location")
            if location is not None:
                batch.locations.setdefault(location.id, Entry(location, source))
                location_id = location.id
        elif isinstance(item, Mapping) and item.get("location_id"):
            location_id = _reference(item["location_id"], source, f"{where}.location_id")
        if location_id is None:
            source.warn(f"{where}: no valid location: dropped it")
            continue
        sal = read_node(item, SERVICE_AT_LOCATION, source, where, (node.id, "sal", location_id))
        if sal is not None:
            sal.values["location_id"] = location_id
            nodes.append(sal)
    return nodes


def _attributes(batch: Batch, items: Any, node: Node, source: Source) -> list[Node]:
    nodes = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = f"attributes[{i}]"
        attribute = read_node(item, ATTRIBUTE, source, where, (node.id, "attribute", str(i)))
        if attribute is None:
            continue
        term = item.get("taxonomy_term")
        if isinstance(term, Mapping):
            if term.get("id") and term.get("name"):
                term_node = read_node(term, TAXONOMY_TERM, source, f"{where}.taxonomy_term")
                if term_node is not None:
                    batch.terms.setdefault(term_node.id, Entry(term_node, source))
            if attribute.values["taxonomy_term_id"] is None and term.get("id"):
                attribute.values["taxonomy_term_id"] = _reference(term["id"], source, where)
            attribute.term_code = term.get("term") or term.get("code")
        attribute.values["link_type"] = "service"
        nodes.append(attribute)
    return nodes


def _reference(value: Any, source: Source, where: str) -> str | None:
    try:
        return to_uuid(value)
    except Invalid as error:
        source.warn(f"{where}: {error}: dropped it")
        return None


def read_location(raw: Any, source: Source, where: str) -> Node | None:
    """A location, its postcodes normalised and its coordinates checked or found."""
    location = read_node(raw, LOCATION, source, where)
    if location is None:
        return None
    values = location.values
    postcodes = []
    for address in location.children.get("addresses", []):
        postcode = address.values["postal_code"]
        try:
            address.values["postal_code"] = normalise_postcode(postcode)
            postcodes.append(address.values["postal_code"])
        except PostcodeError:
            source.warn(f"{where}: postal_code {postcode!r} is not a UK postcode: kept as given")
    if values["latitude"] is None or values["longitude"] is None:
        corrected = any(raw.get(name) not in (None, "") for name in ("latitude", "longitude"))
        for name in ("latitude", "longitude"):
            if values[name] is not None:
                source.warn(f"{where}: {name} {values[name]:g} dropped too, as it has no pair")
        values["latitude"] = values["longitude"] = None
        if postcodes:
            _place(values, postcodes[0], source, where, corrected)
    return location


def _place(values: dict[str, Any], postcode: str, source: Source, where: str, say: bool) -> None:
    try:
        point = lookup_postcode(postcode)
    except PostcodeError:
        source.warn(
            f"{where}: postcode {postcode} is not in the postcode table, "
            "so the location has no coordinates"
        )
        return
    values["latitude"], values["longitude"] = point.latitude, point.longitude
    if say:
        source.warn(f"{where}: took the coordinates of postcode {postcode} instead")


def add_organization(batch: Batch, raw: Mapping[str, Any], source: Source) -> None:
    """An organisation record, and each service it nests as a record of its own."""
    node = read_record(raw, ORGANIZATION, source)
    batch.organizations[node.id] = Entry(node, source)
    for i, service in enumerate(raw.get("services") or []):
        try:
            add_service(batch, service, source, organization_id=node.id)
        except RecordError as error:
            source.skip(str(error), f"services[{i}] ({_name(service)})")


def add_service_at_location(batch: Batch, raw: Mapping[str, Any], source: Source) -> None:
    """A service_at_location record: its service, adding (not replacing) this one location."""
    service = raw.get("service")
    if not isinstance(service, Mapping):
        raise RecordError("service is required")
    sal = {key: value for key, value in raw.items() if key != "service"}
    add_service(batch, {**service, "service_at_locations": [sal]}, source, merge_locations=True)


def add_taxonomy(batch: Batch, raw: Mapping[str, Any], source: Source) -> None:
    """A taxonomy record, and each of its terms as a record of its own."""
    node = read_record(raw, TAXONOMY, source)
    batch.taxonomies[node.id] = Entry(node, source)
    for i, term in enumerate(raw.get("taxonomy_terms") or []):
        try:
            add_term(batch, {"taxonomy_id": node.id, **term}, source)
        except (RecordError, TypeError) as error:
            source.skip(str(error), f"taxonomy_terms[{i}] ({_name(term)})")


def add_term(batch: Batch, raw: Mapping[str, Any], source: Source) -> None:
    node = read_record(raw, TAXONOMY_TERM, source)
    batch.terms[node.id] = Entry(node, source)


def _name(raw: Any) -> str:
    return str(raw.get("name") or raw.get("id") or "no name") if isinstance(raw, Mapping) else "?"
