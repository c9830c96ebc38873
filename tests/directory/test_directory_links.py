"""Links and email addresses: only http(s) links with a host and valid emails are imported or
published; a bad one is dropped with a warning and its record kept."""

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.directory import ImportFile
from tests.support.directory_factories import make_service, oruk_service
from tests.support.oruk import BASE, assert_valid, get_json
from wellbeing.database import new_uuid
from wellbeing.directory.links import email_address, web_address
from wellbeing.directory.models import Organization, Service, TaxonomyTerm
from wellbeing.directory.oruk import specs
from wellbeing.directory.oruk.outgoing import LINK_FIELDS
from wellbeing.directory.oruk.values import Spec, to_email, to_web_address
from wellbeing.extensions import db

SCRIPT = "javascript:alert(document.cookie)"


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org",
        "http://example.org/groups?day=mon#times",
        " https://EXAMPLE.org:8443/a ",
        "https://bücher.example/",
        "http://192.0.2.1/",
        "https://[2001:db8::1]/",
    ],
)
def test_web_addresses_kept(address: str) -> None:
    assert web_address(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        SCRIPT,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "ftp://example.org/file",
        "//example.org/path",
        "www.example.org",
        "https://",
        "https:///path",
        "http://exa mple.org",
        "https://example.org/\x00",
        "https://example.org:99999/",
        "https://example.org:port/",
        "https://trusted.example@evil.example/",
        "https://<script>/",
        "",
        None,
    ],
)
def test_web_addresses_refused(address: str | None) -> None:
    assert web_address(address) is None


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("groups@example.org", True),
        (" Sam.O'Brien+choir@example.org.uk ", True),
        ("nobody", False),
        ("a@b", False),
        ("two@@example.org", False),
        ("dots..twice@example.org", False),
        ("bcc@example.org\nBcc: everyone@example.org", False),
        ("x@localhost", False),
        ("", False),
    ],
)
def test_email_addresses(address: str, valid: bool) -> None:
    assert email_address(address) == (address.strip() if valid else None)


def _specs(spec: Spec) -> list[Spec]:
    return [spec, *(found for child in spec.children.values() for found in _specs(child))]


ALL_SPECS = [
    found
    for top in (specs.SERVICE_TREE, specs.LOCATION, specs.ORGANIZATION, specs.TAXONOMY)
    for found in _specs(top)
] + [specs.TAXONOMY_TERM]


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.model.__name__)
def test_every_link_and_email_column_is_checked_on_import(spec: Spec) -> None:
    """The fields published as links (``outgoing.LINK_FIELDS``) are the ones checked as links."""
    for column in spec.columns:
        if column in LINK_FIELDS:
            assert spec.converter(column) is to_web_address, column
        if "email" in column:
            assert spec.converter(column) is to_email, column


def _record_with_bad_links() -> dict[str, Any]:
    location = {
        "id": new_uuid(),
        "name": "Guildhall",
        "accessibility": [{"description": "Step-free", "url": "//evil.example/access"}],
    }
    return oruk_service(
        "Harmony Choir",
        url=SCRIPT,
        email="nobody",
        assurer_email="checker@example.org",
        organization={
            "id": new_uuid(),
            "name": "Harmony Trust",
            "website": "data:text/html,<script>alert(1)</script>",
            "email": "hello@@example.org",
            "logo": "https://example.org/logo.png",
        },
        contacts=[{"name": "Sam", "email": "sam@example", "phones": [{"number": "01632 960000"}]}],
        schedules=[{"freq": "WEEKLY", "byday": "TU", "schedule_link": "ftp://example.org/times"}],
        service_areas=[{"name": "Gloucester", "uri": "www.example.org/gloucester"}],
        service_at_locations=[{"location": location}],
    )


def test_bad_links_and_emails_are_dropped_and_the_record_kept(
    import_file: ImportFile, client: FlaskClient
) -> None:
    record = _record_with_bad_links()

    result = import_file(record)

    assert result.exit_code == 0, result.output
    assert "Services: 1 created" in result.stdout
    where = "warning: record 1 (Harmony Choir): "
    assert sorted(result.stderr.splitlines()) == sorted(
        [
            f"{where}url '{SCRIPT}' is not a web address starting http:// or https://: "
            "dropped the value",
            f"{where}email 'nobody' is not an email address: dropped the value",
            f"{where}organization: website 'data:text/html,<script>alert(1)</script>' is not a "
            "web address starting http:// or https://: dropped the value",
            f"{where}organization: email 'hello@@example.org' is not an email address: "
            "dropped the value",
            f"{where}service.schedules[0]: schedule_link 'ftp://example.org/times' is not a web "
            "address starting http:// or https://: dropped the value",
            f"{where}service.contacts[0]: email 'sam@example' is not an email address: "
            "dropped the value",
            f"{where}service.service_areas[0]: uri 'www.example.org/gloucester' is not a web "
            "address starting http:// or https://: dropped the value",
            f"{where}service_at_locations[0].location.accessibility[0]: url "
            "'//evil.example/access' is not a web address starting http:// or https://: "
            "dropped the value",
        ]
    )
    service = db.session.get(Service, record["id"])
    assert (service.url, service.email, service.assurer_email) == (
        None,
        None,
        "checker@example.org",
    )
    organization = service.organization
    assert (organization.website, organization.email, organization.logo) == (
        None,
        None,
        "https://example.org/logo.png",
    )
    assert [contact.email for contact in service.contacts] == [None]
    assert [schedule.schedule_link for schedule in service.schedules] == [None]
    published = get_json(client, f"{BASE}/services/{service.id}")
    assert_valid("service.json", published)
    assert SCRIPT not in str(published) and "nobody" not in str(published)
    again = import_file(record).stdout  # dropped values stay dropped: nothing changes
    assert "Services: 0 created, 0 updated, 1 unchanged" in again
    assert "Organisations: 0 created, 0 updated, 1 unchanged" in again


def test_a_bad_link_in_a_csv_row_is_dropped(import_file: ImportFile, tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    path.write_text(
        "service_id,service_name,status,url,email\n"
        f"{new_uuid()},Chair Yoga,active,{SCRIPT},yoga@example.org\n",
        encoding="utf-8",
    )

    result = import_file(path)

    assert result.exit_code == 0, result.output
    assert "url 'javascript:alert(document.cookie)' is not a web address" in result.stderr
    service = db.session.execute(db.select(Service)).scalar_one()
    assert (service.url, service.email) == (None, "yoga@example.org")


def test_taxonomy_links_are_checked_too(import_file: ImportFile) -> None:
    taxonomy = {
        "id": new_uuid(),
        "name": "Needs",
        "uri": "https://example.org/needs",
        "taxonomy_terms": [{"id": new_uuid(), "name": "Singing", "term_uri": SCRIPT}],
    }

    result = import_file(taxonomy)

    assert result.exit_code == 0, result.output
    term = db.session.get(TaxonomyTerm, taxonomy["taxonomy_terms"][0]["id"])
    assert term.term_uri is None and term.taxonomy.uri == "https://example.org/needs"


def test_a_bad_link_stored_before_these_rules_is_not_published(client: FlaskClient) -> None:
    organization = Organization(name="Old Trust", website=SCRIPT)
    service = make_service("Old Choir", organization=organization, url=SCRIPT, email="nobody")
    db.session.commit()

    published = get_json(client, f"{BASE}/services/{service.id}")
    page = client.get(f"/directory/services/{service.id}").get_data(as_text=True)

    assert "url" not in published and "website" not in published["organization"]
    assert "javascript:" not in page and "mailto:nobody" not in page
