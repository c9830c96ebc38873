"""``flask directory import`` with our CSV layout, its schedule grammar, and the test factories."""

import csv
import re
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.support.directory import ImportFile
from tests.support.directory_factories import make_service
from wellbeing.config import REPO_ROOT
from wellbeing.database import new_uuid
from wellbeing.directory.models import Organization, Service
from wellbeing.directory.oruk.csv_layout import COLUMNS, parse_schedule
from wellbeing.extensions import db

EXAMPLE = REPO_ROOT / "seed_data" / "examples" / "directory-example.csv"


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def service_named(name: str) -> Service:
    return db.session.execute(db.select(Service).where(Service.name == name)).scalar_one()


@pytest.mark.usefixtures("seeded_directory")
def test_imports_the_example_csv(import_file: ImportFile) -> None:
    result = import_file(EXAMPLE)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Services: 4 created, 0 updated, 0 unchanged" in result.stdout
    choir = service_named("Breathe Easy Choir")
    assert choir.organization.name == "Kingsholm Community Arts"
    assert {term.code for term in choir.taxonomy_terms} == {"singing", "lung-health"}
    assert [(c.amount, c.amount_description) for c in choir.cost_options] == [
        (Decimal("2.00"), "per session")
    ]
    assert [phone.number for contact in choir.contacts for phone in contact.phones] == [
        "01632 960901"
    ]
    assert (choir.minimum_age, choir.self_referral, choir.service_areas[0].name) == (
        18,
        True,
        "Gloucester",
    )
    venues = {sal.location.name: sal for sal in choir.service_at_locations}
    assert set(venues) == {"Kingsholm Community Hall", "Tuffley Community Centre"}
    tuffley = venues["Tuffley Community Centre"]
    assert [(s.freq, s.byday, s.opens_at) for s in tuffley.schedules] == [
        ("MONTHLY", "2SA", time(10))
    ]
    assert tuffley.location.postcode == "GL4 0PJ"
    assert (tuffley.location.latitude, tuffley.location.longitude) == (51.839366, -2.223756)
    assert tuffley.location.wheelchair_accessible is False

    walks = service_named("Stroud Valleys Wellbeing Walks")
    assert walks.status == "temporarily closed"
    # GL5 1BB is not in the postcode table: the centre of GL5 stands in.
    assert (walks.locations[0].latitude, walks.locations[0].longitude) == (51.73855, -2.2187)
    helpline = service_named("Money Matters Helpline")
    assert helpline.locations == []
    assert [(s.byday, s.opens_at, s.closes_at) for s in helpline.schedules] == [
        ("MO,TU,WE,TH,FR", time(9), time(17))
    ]
    shed = service_named("Hesters Way Men's Shed")
    assert [(c.amount, c.amount_description) for c in shed.cost_options] == [
        (None, "Pay what you can")
    ]

    again = import_file(EXAMPLE)
    assert "Services: 0 created, 0 updated, 4 unchanged" in again.stdout
    assert "Locations: 0 created, 0 updated, 4 unchanged" in again.stdout


@pytest.mark.usefixtures("seeded_directory")
def test_bad_csv_rows_are_skipped_and_bad_cells_dropped(
    import_file: ImportFile, tmp_path: Path
) -> None:
    base = {"service_name": "Knit and Natter", "status": "active", "postcode": "GL1 2HT"}
    rows = [
        {**base, "service_id": new_uuid(), "address_1": "1 Westgate Street"},
        {**base, "service_id": new_uuid(), "status": "open"},
        {**base, "service_id": new_uuid(), "service_name": ""},
        {**base, "service_id": "", "service_name": "No id"},
        {
            **base,
            "service_id": new_uuid(),
            "service_name": "Odd cells",
            "address_1": "2 Westgate Street",
            "schedule": "Tuesdays 2pm",
            "taxonomy_terms": "knitting;crafts",
            "latitude": "north",
            "longitude": "-2.2",
        },
    ]

    result = import_file(write_csv(tmp_path / "groups.csv", rows))

    assert result.exit_code == 1
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert skipped == [
        "skipped: row 3 (Knit and Natter): status 'open' is not one of active, inactive, "
        "defunct, temporarily closed",
        f"skipped: row 4 (id {rows[2]['service_id']}): name is required",
        "skipped: row 5 (No id): id is required",
    ]
    odd = service_named("Odd cells")
    assert [term.code for term in odd.taxonomy_terms] == ["crafts"]
    assert odd.schedules == [] and odd.service_at_locations[0].schedules == []
    assert (odd.locations[0].latitude, odd.locations[0].longitude) == (51.863827, -2.23657)
    assert "row 6 (Odd cells): schedule 'Tuesdays 2pm' is not like 'MO,WE 18:00-20:00'" in (
        result.stderr
    )
    assert "latitude 'north' is not a number: dropped the value" in result.stderr
    assert "taxonomy_term knitting is in neither this file nor the directory" in result.stderr
    assert "Services: 2 created" in result.stdout


def test_csv_leaves_fields_it_does_not_cover(import_file: ImportFile, tmp_path: Path) -> None:
    organization = Organization(id=new_uuid(), name="Kingsholm Arts", description="Since 1990.")
    db.session.add(organization)
    db.session.commit()
    row = {
        "service_id": new_uuid(),
        "service_name": "Choir",
        "status": "active",
        "organization_id": organization.id,
        "organization_name": "Kingsholm Community Arts",
    }

    assert import_file(write_csv(tmp_path / "choir.csv", [row])).exit_code == 0

    db.session.expire_all()
    stored = db.session.get(Organization, organization.id)
    assert (stored.name, stored.description) == ("Kingsholm Community Arts", "Since 1990.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MO,WE 18:00-20:00", [("WEEKLY", "MO,WE", time(18), time(20))]),
        (
            "tu 9:30 - 11:00; 2SA 10:00-12:00",
            [("WEEKLY", "TU", time(9, 30), time(11)), ("MONTHLY", "2SA", time(10), time(12))],
        ),
        ("-1FR 19:00-21:00;", [("MONTHLY", "-1FR", time(19), time(21))]),
        ("", []),
    ],
)
def test_parse_schedule(text: str, expected: list[tuple[Any, ...]]) -> None:
    parsed = parse_schedule(text)
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in parsed] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Tuesdays 2pm", "is not like 'MO,WE 18:00-20:00'"),
        ("MO 18:00", "is not like 'MO,WE 18:00-20:00'"),
        ("XX 10:00-11:00", "is not a list of days like MO,WE or 2TU"),
        ("2MO,WE 10:00-11:00", "mixes weekly and monthly days"),
        ("MO 20:00-18:00", "closes before it opens"),
        ("MO 10:00-25:00", "is not a time like 18:00"),
    ],
)
def test_parse_schedule_refuses_what_it_cannot_read(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_schedule(text)


def test_make_service_builds_a_located_service(app: Any) -> None:
    service = make_service(
        "Singing for Lung Health",
        schedules=["TU 14:00-15:30"],
        costs=[0, 3.5],
        terms=["singing", "lung-health"],
    )
    db.session.commit()

    stored = db.session.get(Service, service.id)
    assert stored.is_active and stored.organization is not None
    assert stored.locations[0].postcode == "GL1 2HT"
    assert stored.locations[0].latitude == pytest.approx(51.863827)
    assert [(s.byday, s.opens_at) for s in stored.schedules] == [("TU", time(14))]
    assert [c.amount for c in stored.cost_options] == [Decimal("0.00"), Decimal("3.50")]
    assert sorted(term.code for term in stored.taxonomy_terms) == ["lung-health", "singing"]
    online = make_service(with_location=False, terms=["singing"])
    assert online.locations == []
    singing = [term for term in stored.taxonomy_terms if term.code == "singing"]
    assert online.taxonomy_terms == singing  # the existing term is reused
