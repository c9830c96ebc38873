"""``flask directory import``: the ORUK examples, every input shape, unreadable files, the seed."""

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from tests.support.directory import ORUK_EXAMPLES, ImportFile, count
from tests.support.directory_factories import oruk_service
from wellbeing.directory.models import Location, Organization, Service, Taxonomy, TaxonomyTerm
from wellbeing.extensions import db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
TAXONOMY_ID = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
LATITUDE = "location: latitude 100 is out of range (-90 to 90): dropped the value"
LONGITUDE = "location: longitude 101 dropped too, as it has no pair"
POSTAL_CODE = "location: postal_code 'ABC 1234' is not a UK postcode: kept as given"
PARENT_ORGANIZATION = "parent_organization_id cd09a387-91f4-4555-94ec-e799c35344cd of"
PARENT_TERM = "parent_id 0bc248fa-dc27-4650-9ba4-8f1a24ef16a2 of 'name'"
FULL = (LATITUDE, LONGITUDE, POSTAL_CODE, PARENT_ORGANIZATION, PARENT_TERM)
KEPT = {
    "organization_full.json": {
        Service: SERVICE_ID,
        Organization: ORGANIZATION_ID,
        Location: LOCATION_ID,
    },
    "organization_list.json": {Organization: ORGANIZATION_ID},
    "service_at_location_full.json": {Service: SERVICE_ID, Location: LOCATION_ID},
    "service_at_location_list.json": {Service: SERVICE_ID, Location: LOCATION_ID},
    "service_full.json": {Service: SERVICE_ID, TaxonomyTerm: TERM_ID, Location: LOCATION_ID},
    "service_list.json": {Service: SERVICE_ID, Organization: ORGANIZATION_ID},
    "taxonomy.json": {Taxonomy: TAXONOMY_ID, TaxonomyTerm: TERM_ID},
    "taxonomy_list.json": {Taxonomy: TAXONOMY_ID},
    "taxonomy_term.json": {TaxonomyTerm: TERM_ID},
    "taxonomy_term_list.json": {TaxonomyTerm: TERM_ID},
}
WARNED = {
    "organization_full.json": FULL,
    "organization_list.json": (PARENT_ORGANIZATION,),
    "service_at_location_full.json": FULL,
    "service_at_location_list.json": (LATITUDE, LONGITUDE, PARENT_ORGANIZATION),
    "service_full.json": FULL,
    "service_list.json": (PARENT_ORGANIZATION,),
    "taxonomy.json": (PARENT_TERM,),
    "taxonomy_list.json": (),
    "taxonomy_term.json": (PARENT_TERM,),
    "taxonomy_term_list.json": (PARENT_TERM,),
}


def test_the_oruk_examples_are_within_reach() -> None:
    assert sorted(path.name for path in ORUK_EXAMPLES.glob("*.json")) == sorted(KEPT)


@pytest.mark.parametrize("name", sorted(KEPT))
def test_imports_each_oruk_example(import_file: ImportFile, name: str) -> None:
    result = import_file(ORUK_EXAMPLES / name)

    assert result.exit_code == 0, result.output
    for model, key in KEPT[name].items():
        assert db.session.get(model, key) is not None, model
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(WARNED[name]), result.stderr
    for expected in WARNED[name]:
        assert any(expected in line for line in warnings), expected
    assert "Skipped: 0 invalid records" in result.stdout


def test_full_service_example_maps_every_field(import_file: ImportFile) -> None:
    assert import_file(ORUK_EXAMPLES / "service_full.json").exit_code == 0

    service = db.session.get(Service, SERVICE_ID)
    assert (service.name, service.status, service.minimum_age, service.maximum_age) == (
        "Community Counselling",
        "active",
        12,
        100,
    )
    assert service.assured_date == date(2005, 1, 1)
    assert service.last_modified == datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=UTC)
    assert service.organization.name == "Example Organization Inc."
    assert service.organization.parent_organization_id is None  # dangling: dropped
    [schedule] = service.schedules
    assert (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "WEEKLY",
        "TH,FR",
        time(10),
        time(18),
    )
    [cost] = service.cost_options
    assert (cost.amount, cost.valid_to) == (Decimal("35.00"), date(2022, 12, 31))
    assert [contact.name for contact in service.contacts] == ["Ann Persona"]
    assert service.service_areas[0].extent_type == "geojson"
    assert [term.id for term in service.taxonomy_terms] == [TERM_ID]
    assert service.taxonomy_terms[0].parent_id is None
    [location] = service.locations
    assert (location.latitude, location.longitude) == (None, None)
    assert location.external_identifier_type == "UPRN"
    assert (location.addresses[0].postal_code, location.addresses[0].country) == ("ABC 1234", "US")
    assert location.accessibility[0].details.startswith("Switch hearing aid")


def ndjson(records: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


SHAPES: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "array": json.dumps,
    "page": lambda records: json.dumps({"total_items": len(records), "contents": records}),
    "single": lambda records: json.dumps(records[0]),
    "ndjson": ndjson,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_reads_every_json_shape(import_file: ImportFile, tmp_path: Path, shape: str) -> None:
    records = [oruk_service("Craft Club"), oruk_service("Book Group")]
    path = tmp_path / "input.json"
    path.write_text(SHAPES[shape](records), encoding="utf-8")

    result = import_file(path)

    assert result.exit_code == 0, result.output
    names = set(db.session.execute(db.select(Service.name)).scalars())
    assert names == ({"Craft Club"} if shape == "single" else {"Craft Club", "Book Group"})


def test_ndjson_names_a_bad_line_and_keeps_the_others(
    import_file: ImportFile, tmp_path: Path
) -> None:
    good = [oruk_service("Craft Club"), oruk_service("Book Group")]
    path = tmp_path / "input.ndjson"
    path.write_text(json.dumps(good[0]) + "\n{not json\n\n" + json.dumps(good[1]) + "\n")

    result = import_file(path)

    assert result.exit_code == 1
    assert "skipped: line 2: not JSON: Expecting property name enclosed in double quotes" in (
        result.stderr
    )
    assert count(Service) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "missing.json: no such file"),
        ("notes.json", "hello", "notes.json is not JSON: Expecting value at line 1 column 1"),
        ("empty.json", "", "empty.json is not JSON: Expecting value at line 1 column 1"),
        ("binary.json", b"\xff\xfe\x00\x81", "binary.json is not UTF-8 text (JSON or CSV)"),
        ("layout.csv", "name,town\nA,B\n", "layout.csv needs the columns service_id, service_name"),
    ],
)
def test_an_unreadable_file_gets_a_one_line_error(
    import_file: ImportFile,
    tmp_path: Path,
    name: str,
    content: str | bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)

    result = import_file(path)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert len(result.output.splitlines()) == 1
    assert message in result.output


def test_flask_seed_twice_gives_the_same_directory(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    counts = {model: count(model) for model in (Service, Organization, Location, TaxonomyTerm)}
    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert {model: count(model) for model in counts} == counts
    assert counts[Service] == 67 and counts[TaxonomyTerm] == 77
    assert "Services: 67 created, 0 updated, 0 unchanged" in first.output
    assert "Services: 0 created, 0 updated, 67 unchanged" in second.output
    assert "Areas: 0 created, 11 already there" in second.output


def test_seeded_directory_fixture(seeded_directory: Any) -> None:
    assert (seeded_directory.services, seeded_directory.areas) == (67, 11)
    assert seeded_directory.taxonomy_terms == 77
    gloucester = db.session.execute(
        db.select(Service).where(Service.name == "Support at the Cavern")
    ).scalar_one()
    assert gloucester.locations[0].postcode == "GL1 2HT"
    assert gloucester.self_referral is True
    assert gloucester.locations[0].transportation.startswith("Five minutes' walk")
