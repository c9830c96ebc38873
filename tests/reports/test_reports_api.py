"""``GET /api/reports/summary``: the JSON contract, suppressed counts as "<5", and every wrong
filter a 422 naming its parameter (never a 500)."""

from datetime import date

import pytest

from tests.reports.conftest import uk
from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import issue_token
from wellbeing.extensions import db
from wellbeing.referrals.models import ReferralSource, ReferralStatus

SUMMARY = "/api/reports/summary"


@pytest.fixture
def headers(app):
    user = make_user(Role.COMMISSIONER)
    token = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def referrals(add_referral):
    for day in range(1, 8):
        add_referral(
            uk(date(2026, 3, day)), status="in_progress", first_contact_at=uk(date(2026, 3, 10))
        )
    add_referral(uk(date(2026, 3, 9)), source="self", organisation=None, status="declined")
    db.session.commit()


def test_the_summary_has_the_agreed_shape(client, headers, referrals) -> None:
    response = client.get(f"{SUMMARY}?from=2026-03-01&to=2026-03-31", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert {"referrals", "first_contact", "outcomes"} <= body.keys()
    referrals = body["referrals"]
    assert {"total", "by_source", "by_status", "by_need", "by_month", "by_organisation"} <= (
        referrals.keys()
    )
    assert {"median_days", "p90_days", "within_target"} <= body["first_contact"].keys()
    assert referrals["total"] == 8
    assert set(referrals["by_source"]) == {source.value for source in ReferralSource}
    assert set(referrals["by_status"]) == {status.value for status in ReferralStatus}
    assert referrals["by_month"] == {"2026-03": 8}
    # Self 1: small, and the 7 from GP practices hidden beside it.
    assert referrals["by_source"] == {"gp": None, "professional": 0, "self": "<5", "link_worker": 0}
    assert body["filters"] == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "area": None,
        "practice": None,
        "source": None,
    }
    assert body["suppression"]["rules"]


def test_small_counts_are_the_string_under_5(client, headers, referrals) -> None:
    body = client.get(f"{SUMMARY}?from=2026-03-01&to=2026-03-31&source=self", headers=headers).json
    assert body["referrals"]["total"] == "<5"
    assert body["referrals"]["by_status"]["declined"] == "<5"
    assert body["referrals"]["by_status"]["completed"] == 0
    assert body["first_contact"]["median_days"] is None
    assert body["first_contact"]["notes"]["median_days"] == "not shown: fewer than 5 people"


def test_without_dates_the_last_12_full_months(client, headers) -> None:
    filters = client.get(SUMMARY, headers=headers).json["filters"]
    assert filters["from"].endswith("-01") and filters["to"] < date.today().isoformat()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=31/01/2026", "from"),
        ("from=2026-02-30", "from"),
        ("from=%00", None),  # a control character: refused at the boundary
        ("from=2026-01-01&to=2025-01-01", "to"),
        ("from=1900-01-01", "from"),
        ("to=99999-01-01", "to"),
        ("from=2000-01-01&to=2026-06-01", "to"),
        ("area=nowhere", "area"),
        ("area=%27%3B+DROP+TABLE+referral%3B--", "area"),
        ("source=Self", "source"),
        ("source=" + "x" * 3000, "source"),
        ("practice=%3Cscript%3E", "practice"),
    ],
)
def test_a_wrong_filter_is_a_422_naming_it(client, headers, places, query, parameter) -> None:
    response = client.get(f"{SUMMARY}?{query}", headers=headers)
    assert response.is_json
    if parameter is None:
        assert response.status_code == 400
        return
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["message"].startswith(f"{parameter}: ")
    assert parameter in error["fields"]


def test_the_page_shows_a_wrong_filter_at_its_field(client, login_as, places) -> None:
    login_as(Role.COMMISSIONER)
    response = client.get("/reports?from=2026-13-01&area=nowhere")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="from-error"' in page and 'id="area-error"' in page
    assert 'href="#from"' in page  # the error summary links to the field
    assert "Enter the start date as year-month-day" in page
    assert "Referrals by source" not in page  # no figures for filters that cannot be used


@pytest.mark.parametrize(
    "query",
    [
        "from=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "practice=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        "from=2026-01-01&from=2027-01-01&to=2026-02-01",
        "source=gp&source=self",
    ],
)
def test_hostile_filters_are_escaped_and_never_fail(client, login_as, places, query) -> None:
    login_as(Role.COMMISSIONER)
    response = client.get(f"/reports?{query}")
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    csv = client.get(f"/reports/by-source.csv?{query}")
    assert csv.status_code in (200, 422)
