"""No report shows a person: not their name, reference, postcode or words, nor a referrer's name
or email, in pages, CSV files or JSON, whatever the filters."""

from datetime import date

import pytest

from tests.reports.conftest import GLASGOW, PERSON, add_connection, add_measure, uk
from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.extensions import db
from wellbeing.reports.tables import TABLE_KEYS

FILTERS = ["from=2026-01-01&to=2026-06-30", "from=2026-03-02&to=2026-03-02&source=self"]


@pytest.fixture
def private_details(add_referral, places):
    """What each referral holds about the person and the referrer, one person alone on a day."""
    referrals = []
    for day, source in ((2, "self"), (3, "gp"), (4, "gp"), (5, "gp"), (6, "gp"), (9, "gp")):
        referral = add_referral(
            uk(date(2026, 3, day)),
            source=source,
            status="in_progress",
            postcode=GLASGOW,
            first_contact_at=uk(date(2026, 3, day + 1)),
            referrer_name="Dr Persephone Holloway-Tremaine",
            referrer_email="persephone.holloway@example.org",
            nhs_number="9434765919",
            email="zebedee@example.org",
            risk_flag=True,
            risk_note="Risk-note-never-in-a-report",
            outcome_summary="Summary-never-in-a-report",
        )
        add_connection(referral, places.choir, "Kingsholm Choir").note = "Note-never-in-a-report"
        add_measure(referral, "ons4", "baseline", [3, 3, 3, 9], date(2026, 3, day + 1))
        add_measure(referral, "ons4", "review", [6, 6, 6, 4], date(2026, 5, day))
        referrals.append(referral)
    db.session.commit()
    secrets = [
        *PERSON.values(),
        "Dr Persephone",
        "persephone.holloway",
        "9434765919",
        "zebedee@example.org",
        GLASGOW,
        GLASGOW.replace(" ", ""),
        "Risk-note",
        "Summary-never",
        "Note-never",
        "1950-05-17",
    ]
    return secrets + [referral.reference for referral in referrals] + [r.id for r in referrals]


def _assert_private(text: str, secrets: list[str], where: str) -> None:
    found = [secret for secret in secrets if secret.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


@pytest.mark.parametrize("filters", FILTERS)
def test_pages_and_downloads_show_no_person(client, login_as, private_details, filters) -> None:
    login_as(Role.COMMISSIONER)
    page = client.get(f"/reports?{filters}")
    assert page.status_code == 200
    assert "Kingsholm Choir" in page.get_data(as_text=True)  # the report has figures to show
    _assert_private(page.get_data(as_text=True), private_details, "the page")
    for key in TABLE_KEYS:
        download = client.get(f"/reports/{key}.csv?{filters}")
        _assert_private(download.get_data(as_text=True), private_details, f"{key}.csv")


@pytest.mark.parametrize("filters", FILTERS)
def test_the_api_shows_no_person(client, private_details, filters) -> None:
    user = make_user(Role.COMMISSIONER)
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    db.session.commit()
    response = client.get(f"/api/reports/summary?{filters}", headers=headers)
    assert response.status_code == 200
    _assert_private(response.get_data(as_text=True), private_details, "the summary")


def test_one_person_alone_is_under_5_everywhere(client, login_as, private_details) -> None:
    login_as(Role.COMMISSIONER)
    page = client.get("/reports?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    assert "Referrals made from 2 March 2026 to 2 March 2026" in page
    assert "not shown, fewer than 5 people" in page
    rows = client.get("/reports/by-status.csv?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    assert "In progress,<5" in rows and "Total,<5" in rows
