"""Import rules: invalid records skipped, impossible values dropped, only changes written."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func

from tests.support.directory import ORUK_EXAMPLES, ImportFile, count
from tests.support.directory_factories import oruk_service
from wellbeing.config import REPO_ROOT
from wellbeing.database import new_uuid
from wellbeing.directory.geo import import_postcodes
from wellbeing.directory.models import Location, Organization, Service
from wellbeing.directory.oruk.importer import import_path
from wellbeing.directory.search.queue import SearchIndexQueue
from wellbeing.extensions import db


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def queued_by(action: Callable[[], Any]) -> set[str]:
    """The service ids that ``action`` queued for the search index."""
    last = db.session.execute(db.select(func.max(SearchIndexQueue.id))).scalar() or 0
    action()
    query = db.select(SearchIndexQueue.service_id).where(SearchIndexQueue.id > last)
    return set(db.session.execute(query).scalars())


def test_reimporting_changes_nothing(import_file: ImportFile, tmp_path: Path) -> None:
    path = write_json(tmp_path / "services.json", [oruk_service(), oruk_service("Walk and Talk")])
    assert import_file(ORUK_EXAMPLES / "organization_full.json").exit_code == 0
    assert import_file(path).exit_code == 0
    stamps = {
        row.id: (row.updated_at, getattr(row, "last_modified", None))
        for model in (Service, Organization, Location)
        for row in db.session.execute(db.select(model)).scalars()
    }

    queued = queued_by(lambda: import_path(ORUK_EXAMPLES / "organization_full.json"))
    queued |= queued_by(lambda: import_path(path))
    db.session.commit()
    db.session.expire_all()

    assert queued == set()
    for model in (Service, Organization, Location):
        for row in db.session.execute(db.select(model)).scalars():
            assert (row.updated_at, getattr(row, "last_modified", None)) == stamps[row.id]
    result = import_file(path)
    assert "Services: 0 created, 0 updated, 2 unchanged" in result.stdout


def test_invalid_records_are_skipped_and_named(import_file: ImportFile) -> None:
    good = oruk_service("Chair Yoga")
    records = [
        good,
        oruk_service("Bad id", id="not-a-uuid"),
        oruk_service("", description="no name"),
        oruk_service("Open status", status="open"),
        oruk_service("Ages", minimum_age=18, maximum_age=12),
        oruk_service("Negative age", minimum_age=-1),
        oruk_service("Date", assured_date="31/01/2025"),
        42,
        {"id": new_uuid(), "name": "Mystery"},
        {"id": new_uuid(), "website": "https://example.org"},  # an organisation without a name
    ]
    result = import_file(records)

    assert result.exit_code == 1
    assert db.session.get(Service, good["id"]).name == "Chair Yoga"
    assert count(Service) == 1
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert skipped == [
        "skipped: record 2 (Bad id): id 'not-a-uuid' is not a UUID",
        f"skipped: record 3 (id {records[2]['id']}): name is required",
        "skipped: record 4 (Open status): status 'open' is not one of active, inactive, "
        "defunct, temporarily closed",
        "skipped: record 5 (Ages): maximum_age is below minimum_age",
        "skipped: record 6 (Negative age): minimum_age -1 is not a whole number, 0 or more",
        "skipped: record 7 (Date): assured_date '31/01/2025' is not a date like 2025-01-31",
        "skipped: record 8: not a JSON object",
        "skipped: record 9 (Mystery): not a service, organisation, taxonomy or taxonomy term",
        f"skipped: record 10 (id {records[9]['id']}): name is required",
    ]
    assert "Services: 1 created, 0 updated, 0 unchanged" in result.stdout
    assert "Skipped: 9 invalid records" in result.stdout


def test_impossible_nested_values_are_dropped_and_the_record_kept(import_file: ImportFile) -> None:
    import_postcodes(REPO_ROOT / "seed_data" / "postcodes.csv")
    db.session.commit()
    location = {
        "id": new_uuid(),
        "name": "Cathedral Hall",
        "latitude": 100,
        "longitude": -2.2,
        "addresses": [
            {"address_1": "1 College Green", "city": "Gloucester", "postal_code": "gl12ht"}
        ],
    }
    record = oruk_service(
        "Lunch Club",
        organization={"id": new_uuid(), "description": "no name"},
        service_at_locations=[{"location": location}],
        schedules=[{"freq": "WEEKLY", "byday": "MO", "opens_at": "25:00", "closes_at": "14:00"}],
        contacts=[{"name": "Sam", "phones": [{"description": "no number"}]}],
        attributes=[{"taxonomy_term_id": new_uuid()}],
    )
    result = import_file(record)

    assert result.exit_code == 0, result.output
    service = db.session.get(Service, record["id"])
    assert service.organization is None
    [stored] = service.locations
    assert (stored.latitude, stored.longitude) == (51.863827, -2.23657)
    assert stored.postcode == "GL1 2HT"
    assert [(s.opens_at, s.closes_at) for s in service.schedules] == [(None, time(14))]
    assert [contact.phones for contact in service.contacts] == [[]]
    assert service.attributes == []
    where = "warning: record 1 (Lunch Club): "
    assert result.stderr.splitlines() == [
        f"{where}organization: name is required: dropped it",
        f"{where}service.schedules[0]: opens_at '25:00' is not a time like 18:00 or 18:00:00: "
        "dropped the value",
        f"{where}service.contacts[0].phones[0]: number is required: dropped it",
        f"{where}service_at_locations[0].location: latitude 100 is out of range (-90 to 90): "
        "dropped the value",
        f"{where}service_at_locations[0].location: longitude -2.2 dropped too, as it has no pair",
        f"{where}service_at_locations[0].location: took the coordinates of postcode GL1 2HT "
        "instead",
        f"{where}taxonomy_term {record['attributes'][0]['taxonomy_term_id']} is in neither this "
        "file nor the directory: dropped the link to it",
    ]


def test_a_changed_record_is_updated_and_queued(import_file: ImportFile, tmp_path: Path) -> None:
    location = {"id": new_uuid(), "name": "Guildhall"}
    first = oruk_service("Chess Club", service_at_locations=[{"location": location}])
    second = oruk_service("Go Club", service_at_locations=[{"location": location}])
    path = write_json(tmp_path / "clubs.json", [first, second])
    assert import_file(path).exit_code == 0
    before = db.session.get(Service, first["id"])
    stamps = before.updated_at, before.last_modified

    first["description"] = "Now on Thursdays too."
    write_json(path, [first, second])
    queued = queued_by(lambda: import_path(path))
    db.session.commit()

    after = db.session.get(Service, first["id"])
    assert after.description == "Now on Thursdays too."
    assert after.updated_at > stamps[0] and after.last_modified > stamps[1]
    assert queued == {first["id"]}

    location["name"] = "The Guildhall"  # a shared location: both services' documents change
    given = "2026-02-01T09:00:00Z"
    write_json(path, [{**first, "last_modified": given}, second])
    queued = queued_by(lambda: import_path(path))
    assert queued == {first["id"], second["id"]}
    assert after.last_modified == datetime(2026, 2, 1, 9, tzinfo=UTC)


def test_a_service_at_location_record_adds_a_location(import_file: ImportFile) -> None:
    assert import_file(ORUK_EXAMPLES / "service_full.json").exit_code == 0
    with (ORUK_EXAMPLES / "service_at_location_full.json").open() as handle:
        record = json.load(handle)
    service_id = record["service"]["id"]
    record["id"] = new_uuid()
    record["location"] = {"id": new_uuid(), "name": "Second venue"}

    assert import_file(record).exit_code == 0

    names = {location.name for location in db.session.get(Service, service_id).locations}
    assert names == {"MyCity Civic Center", "Second venue"}


def test_a_child_id_owned_by_another_service_is_dropped(import_file: ImportFile) -> None:
    schedule = {"id": new_uuid(), "freq": "WEEKLY", "byday": "TU"}
    records = [
        oruk_service("First", schedules=[schedule]),
        oruk_service("Second", schedules=[schedule]),
    ]

    result = import_file(records)

    assert result.exit_code == 0, result.output
    assert f"warning: record 2 (Second): schedule {schedule['id']} belongs to another record" in (
        result.stderr
    )
    assert [len(db.session.get(Service, r["id"]).schedules) for r in records] == [1, 0]


def test_service_phones_are_kept_on_a_contact(import_file: ImportFile) -> None:
    record = oruk_service(phones=[{"number": "01632 960000", "description": "Main line"}])
    assert import_file(record).exit_code == 0
    [contact] = db.session.get(Service, record["id"]).contacts
    assert [(phone.number, phone.description) for phone in contact.phones] == [
        ("01632 960000", "Main line")
    ]


def test_service_at_location_records_of_one_service_gather(import_file: ImportFile) -> None:
    service = oruk_service("Tai Chi")
    records = [
        {"id": new_uuid(), "service": service, "location": {"id": new_uuid(), "name": venue}}
        for venue in ("Park Pavilion", "Library")
    ]

    assert import_file(records).exit_code == 0

    names = {location.name for location in db.session.get(Service, service["id"]).locations}
    assert names == {"Park Pavilion", "Library"}


def test_a_bad_service_inside_an_organisation_is_skipped_alone(import_file: ImportFile) -> None:
    good, bad = oruk_service("Tai Chi"), oruk_service("Yoga", status="closed")
    organization = {"id": new_uuid(), "name": "Leisure Trust", "services": [good, bad]}

    result = import_file(organization)

    assert result.exit_code == 1
    assert db.session.get(Service, good["id"]).organization_id == organization["id"]
    assert db.session.get(Service, bad["id"]) is None
    assert (
        "skipped: record 1 (Leisure Trust), services[1] (Yoga): status 'closed' is not one of"
        in result.stderr
    )
