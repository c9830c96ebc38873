"""``flask directory export``: the whole directory as ORUK JSON that imports back unchanged."""

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from tests.support.oruk import assert_valid
from wellbeing.directory.models import Organization, Service, TaxonomyTerm
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")


def export(runner: FlaskCliRunner, path: Path) -> list[dict[str, Any]]:
    result = runner.invoke(args=["directory", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert f"to {path}" in result.output
    return json.loads(path.read_text(encoding="utf-8"))


def empty_the_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def count(model: Any) -> int:
    return len(db.session.execute(db.select(model.id)).all())


def test_export_holds_every_service_whatever_its_status(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    records = export(runner, tmp_path / "directory.json")
    taxonomy, services = records[0], records[1:]
    assert_valid("taxonomy.json", taxonomy)
    assert len(taxonomy["taxonomy_terms"]) == count(TaxonomyTerm)
    assert len(services) == count(Service)
    assert {s["status"] for s in services} == {
        "active",
        "inactive",
        "defunct",
        "temporarily closed",
    }
    for service in services:
        assert_valid("service.json", service)
    cavern = next(s for s in services if s["name"] == "Support at the Cavern")
    assert cavern["schedules"][0]["opens_at"] == "18:00"
    assert cavern["service_at_locations"][0]["location"]["wheelchair_accessible"] is True
    assert cavern["eligibility_description"].startswith("Adults aged 18")


def test_export_then_import_into_an_empty_database_gives_the_same_export(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first = tmp_path / "first.json"
    export(runner, first)
    organizations = count(Organization)
    empty_the_database()
    assert count(Service) == 0
    result = runner.invoke(args=["directory", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert count(Organization) == organizations
    second = tmp_path / "second.json"
    export(runner, second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_an_organisation_without_services_is_exported_too(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    db.session.add(Organization(name="Quiet Friends", description="Not running anything yet."))
    db.session.commit()
    records = export(runner, tmp_path / "directory.json")
    quiet = [r for r in records if r.get("name") == "Quiet Friends"]
    assert len(quiet) == 1 and "status" not in quiet[0]
    assert_valid("organization.json", quiet[0])


def test_an_unwritable_path_is_a_one_line_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["directory", "export", str(tmp_path / "missing" / "x.json")])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: Could not write {tmp_path / 'missing' / 'x.json'}: No such file or directory"
    ]
